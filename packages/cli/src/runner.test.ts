import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildChildEnv, changedNames } from './child-env.js';
import { CliError } from './cli-error.js';
import { exitCodeOf, startChild, stopChild, supervise } from './runner.js';

const node = process.execPath;
const env = { PATH: process.env.PATH ?? '' };
const dir = mkdtempSync(path.join(os.tmpdir(), 'rekey-cli-runner-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Children announce that their signal handlers are installed by creating a file (stdio is inherited, so
 * there is no pipe to read); signalling earlier would kill them before the handler exists.
 */
let readyCount = 0;
function readyFile(): string {
  readyCount += 1;
  return path.join(dir, `ready-${readyCount}`);
}
const announce = "require('node:fs').writeFileSync(process.env.READY_FILE, '');";
async function waitFor(file: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`child never created ${file}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A child that reports on stdout is awkward with inherited stdio; these children report through exit codes. */
describe('startChild / stopChild', () => {
  it('passes the exit code through', async () => {
    const child = await startChild({ command: node, args: ['-e', 'process.exit(42)'], env });
    expect(await child.exited).toEqual({ code: 42, signal: null });
    expect(exitCodeOf(await child.exited)).toBe(42);
  });

  it('maps a missing command to 127, as a shell does', async () => {
    const error = await startChild({ command: 'rekey-no-such-command', args: [], env }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    expect(error).toMatchObject({ exitCode: 127, message: 'Command not found: rekey-no-such-command' });
  });

  it('stops gracefully with SIGTERM when the child cooperates', async () => {
    const script = `process.on('SIGTERM', () => process.exit(7)); ${announce} setInterval(() => {}, 1000);`;
    const ready = readyFile();
    const child = await startChild({ command: node, args: ['-e', script], env: { ...env, READY_FILE: ready } });
    await waitFor(ready);
    const startedAt = Date.now();
    expect(await stopChild(child, 5000)).toEqual({ code: 7, signal: null });
    expect(Date.now() - startedAt).toBeLessThan(3000);
  });

  it('kills with SIGKILL after the grace period when SIGTERM is ignored', async () => {
    const script = `process.on('SIGTERM', () => {}); ${announce} setInterval(() => {}, 1000);`;
    const ready = readyFile();
    const child = await startChild({ command: node, args: ['-e', script], env: { ...env, READY_FILE: ready } });
    await waitFor(ready);
    const startedAt = Date.now();
    expect(await stopChild(child, 500)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(450);
  });

  it('reports a signal death as 128 + signal number', () => {
    expect(exitCodeOf({ code: null, signal: 'SIGTERM' })).toBe(143);
    expect(exitCodeOf({ code: null, signal: 'SIGKILL' })).toBe(137);
  });
});

describe('supervise', () => {
  it('forwards SIGTERM to the child and reports how it ended', async () => {
    const script = `process.on('SIGTERM', () => process.exit(3)); ${announce} setInterval(() => {}, 1000);`;
    const ready = readyFile();
    const listenersBefore = process.listenerCount('SIGTERM');
    const supervisor = await supervise({ command: node, args: ['-e', script], env: { ...env, READY_FILE: ready } }, { graceMs: 1000, isInteractive: false });
    expect(process.listenerCount('SIGTERM')).toBe(listenersBefore + 1);
    await waitFor(ready);
    // Emitting the event runs our handler exactly as a delivered signal would, without killing the test worker.
    process.emit('SIGTERM', 'SIGTERM');
    expect(await supervisor.finished).toEqual({ code: 3, signal: null });
    expect(supervisor.isStopping()).toBe(true);
    expect(process.listenerCount('SIGTERM')).toBe(listenersBefore);
  });

  it('restarts with a new environment, and only the last child ends the run', async () => {
    const script = `process.on('SIGTERM', () => process.exit(0)); ${announce} setTimeout(() => process.exit(Number(process.env.CODE)), Number(process.env.LIFE_MS));`;
    const ready = readyFile();
    const first = { ...env, CODE: '1', LIFE_MS: '60000', READY_FILE: ready };
    const supervisor = await supervise({ command: node, args: ['-e', script], env: first }, { graceMs: 1000, isInteractive: false });
    await waitFor(ready);
    await supervisor.restart({ command: node, args: ['-e', script], env: { ...env, CODE: '9', LIFE_MS: '300', READY_FILE: readyFile() } });
    expect(await supervisor.finished).toEqual({ code: 9, signal: null });
  });
});

describe('buildChildEnv', () => {
  it('lets secrets win unless override is off, and skips names the OS cannot carry', () => {
    const base = { PATH: '/bin', KEEP: 'mine' };
    const secrets = new Map([
      ['KEEP', 'secret'],
      ['NEW', 'value'],
      ['BAD=NAME', 'x'],
      ['NUL', 'a\0b'],
    ]);
    const overriding = buildChildEnv(base, secrets, true);
    expect(overriding.env).toMatchObject({ PATH: '/bin', KEEP: 'secret', NEW: 'value' });
    expect(overriding.skipped).toEqual(['BAD=NAME', 'NUL']);
    const keeping = buildChildEnv(base, secrets, false);
    expect(keeping.env).toMatchObject({ KEEP: 'mine', NEW: 'value' });
    expect([...keeping.injected.keys()]).toEqual(['NEW']);
  });

  it('names added, removed and changed secrets', () => {
    const before = new Map([
      ['A', '1'],
      ['B', '2'],
      ['C', '3'],
    ]);
    const after = new Map([
      ['A', '1'],
      ['B', 'changed'],
      ['D', '4'],
    ]);
    expect(changedNames(before, after)).toEqual(['B', 'C', 'D']);
    expect(changedNames(before, new Map(before))).toEqual([]);
  });
});
