#!/usr/bin/env node
// Runs the test suite. Microsoft's client libraries only speak https and Node reads
// NODE_EXTRA_CA_CERTS once, at process start, so the emulator's CA must exist before
// vitest forks its workers: create (or reuse) it here and hand it down in the environment.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { ensureCa } = await import(path.join(root, 'packages/entra-emulator/dist/index.js'));
const caDir = path.join(root, '.rekey-test', 'ca');
const ca = await ensureCa(caDir);

const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
const child = spawn(process.execPath, [vitest, 'run', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, NODE_EXTRA_CA_CERTS: ca.certPath, REKEY_TEST_CA_DIR: caDir },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
