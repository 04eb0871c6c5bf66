import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const serverRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mainTs = path.join(serverRoot, 'src', 'main.ts');
/** What `npm start` runs: the esbuild bundle of the compiled server (scripts/bundle.mjs; `npm test` builds it). */
export const bundledMain = path.join(serverRoot, 'dist', 'bundle', 'rekey-server.mjs');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export type ServerProcess = {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** Runs the real server entry point (src/main.ts through tsx) as a separate OS process. */
export function spawnServer(env: Record<string, string>, args: string[] = []): ServerProcess {
  return spawnNode(['--import', 'tsx', mainTs, ...args], env);
}

/** Runs the bundled server exactly as `npm start` does (or a copy of the bundle's launcher, e.g. in a scratch directory). */
export function spawnBundledServer(env: Record<string, string>, launcher = bundledMain): ServerProcess {
  return spawnNode([launcher], env);
}

function spawnNode(argv: string[], env: Record<string, string>): ServerProcess {
  const port = env.PORT ?? '0';
  let output = '';
  const child = spawn(process.execPath, argv, {
    cwd: serverRoot,
    env: { PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return { child, url: `http://127.0.0.1:${port}`, output: () => output, exited };
}

/** Resolves once /api/status answers 200, or rejects with the process output when it exits or times out. */
export async function waitUntilReady(server: ServerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let hasExited = false;
  void server.exited.then(() => {
    hasExited = true;
  });
  while (Date.now() < deadline) {
    if (hasExited) throw new Error(`server exited before it was ready:\n${server.output()}`);
    try {
      const response = await fetch(`${server.url}/api/status`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`server not ready after ${timeoutMs} ms:\n${server.output()}`);
}
