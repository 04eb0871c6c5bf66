import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built CLI, run exactly as users run it; `npm run build` must have run first (scripts/test.mjs callers do). */
export const cliEntry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/index.js');

export type CliResult = { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string };
export type CliOptions = { env?: Record<string, string>; input?: string; cwd?: string };
export type RunningCli = { child: ChildProcess; stdout: () => string; stderr: () => string; result: Promise<CliResult> };

/** A minimal environment: nothing from the developer's shell (no REKEY_*, no real home) leaks into a test. */
export function baseEnv(home: string): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: path.join(home, 'config') };
}

export function startCli(args: string[], options: CliOptions = {}): RunningCli {
  if (!existsSync(cliEntry)) throw new Error(`${cliEntry} is missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [cliEntry, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? { PATH: process.env.PATH ?? '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  else child.stdin?.end();
  const result = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, stdout: () => stdout, stderr: () => stderr, result };
}

export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).result;
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000, describe?: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${describe ? `\n${describe()}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
