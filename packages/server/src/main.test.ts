import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, spawnServer, waitUntilReady } from './test-support/server-process.js';
import { createTestDatabase } from './test-support/test-app.js';

async function embeddedConnection(dataDir: string): Promise<pg.Client> {
  const password = (await readFile(path.join(dataDir, 'pg-password'), 'utf8')).trim();
  const pid = await readFile(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8');
  const port = Number(pid.split('\n')[3]);
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'rekey', password, database: 'rekey' });
  await client.connect();
  return client;
}

describe('start-up configuration errors', () => {
  it.each([
    [{ PORT: 'eighty' }, 'rekey: PORT: must be a number'],
    [{ DATABASE_URL: 'postgres://x@127.0.0.1:1/db' }, 'rekey: REKEY_ROOT_KEY: is required when DATABASE_URL is set'],
    [{ REKEY_ROOT_KEY: 'c2hvcnQ=' }, 'rekey: REKEY_ROOT_KEY: must decode to 32 bytes, got 5'],
  ])('exits non-zero with one clear line for %o', async (env, line) => {
    const server = spawnServer(env);
    const { code } = await server.exited;
    expect(code).toBe(1);
    const lines = server.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(line);
  });
});

describe('embedded PostgreSQL lifecycle', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('survives kill -9: the next start reuses the server and the data is intact; SIGTERM stops cleanly', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rekey-main-'));
    dirs.push(dataDir);
    const env = { REKEY_DATA_DIR: dataDir, PORT: String(await freePort()) };

    const first = spawnServer(env);
    await waitUntilReady(first);
    const client = await embeddedConnection(dataDir);
    await client.query("insert into instance_settings (key, value) values ('kill-test', '\"kept\"')");
    await client.end();
    first.child.kill('SIGKILL');
    await first.exited;

    const second = spawnServer(env);
    await waitUntilReady(second);
    expect(second.output()).toContain('reusing the embedded PostgreSQL');
    const again = await embeddedConnection(dataDir);
    const row = await again.query("select value from instance_settings where key = 'kill-test'");
    await again.end();
    expect(row.rows[0]?.value).toBe('kept');

    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    expect(second.output()).toContain('stopped cleanly');
    await expect(readFile(path.join(dataDir, 'pg', 'postmaster.pid'))).rejects.toThrow();
    await expect(readFile(path.join(dataDir, 'rekey.lock'))).rejects.toThrow();
  });

  it('refuses a second process on the same data directory', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'rekey-main-'));
    dirs.push(dataDir);
    const first = spawnServer({ REKEY_DATA_DIR: dataDir, PORT: String(await freePort()) });
    await waitUntilReady(first);
    const second = spawnServer({ REKEY_DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect((await second.exited).code).toBe(1);
    expect(second.output()).toMatch(/Another Rekey process \(pid \d+\) is using the data directory/);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
  });
});

describe('external PostgreSQL', () => {
  it('stops start-up with a clear message when the root key does not match the database', async () => {
    const { url } = await createTestDatabase();
    const key = randomBytes(32).toString('base64');
    const first = spawnServer({ DATABASE_URL: url, REKEY_ROOT_KEY: key, PORT: String(await freePort()) });
    await waitUntilReady(first);
    first.child.kill('SIGTERM');
    await first.exited;

    const wrong = spawnServer({ DATABASE_URL: url, REKEY_ROOT_KEY: randomBytes(32).toString('base64'), PORT: String(await freePort()) });
    expect((await wrong.exited).code).toBe(1);
    expect(wrong.output().trim()).toBe(
      'rekey: REKEY_ROOT_KEY: does not match the key this database was encrypted with; start with the original key (or run rotate-root-key with it)',
    );
  });
});
