import { createHash, randomBytes } from 'node:crypto';
import { copyFile, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentinelMarker, sentinelValue } from './test-support/sentinel.js';
import { bundledMain, freePort, type ServerProcess, spawnBundledServer, waitUntilReady } from './test-support/server-process.js';
import { createTestDatabase } from './test-support/test-app.js';

/**
 * `npm start` runs the esbuild bundle, not the files the rest of the suite loads: this proves the bundle works
 * end to end (native argon2, PostgreSQL, the dashboard's static files, the OpenAPI document, lazily loaded
 * libraries) and stops cleanly.
 */
describe('the bundled server (npm start)', () => {
  let server: ServerProcess;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    server = spawnBundledServer({
      DATABASE_URL: (await createTestDatabase()).url,
      REKEY_ROOT_KEY: randomBytes(32).toString('base64'),
      PORT: String(port),
      REKEY_WORKER: 'false',
    });
    base = server.url;
    await waitUntilReady(server);
  });

  afterAll(async () => {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
  });

  async function call(method: string, url: string, body?: unknown, token?: string) {
    const response = await fetch(`${base}${url}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, text: await response.text(), type: response.headers.get('content-type') ?? '' };
  }

  it('serves the API, the dashboard and the API docs, and stores and reads a secret', async () => {
    const dashboard = await call('GET', '/');
    expect(dashboard.status).toBe(200);
    expect(dashboard.type).toContain('text/html');
    const docs = await call('GET', '/api/docs/json');
    expect(docs.status).toBe(200);
    const committed = JSON.parse(await readFile(path.resolve(import.meta.dirname, '../../../openapi.json'), 'utf8')) as { paths: object };
    expect(Object.keys(JSON.parse(docs.text).paths).sort()).toEqual(Object.keys(committed.paths).sort());

    const password = sentinelValue('bundle-password');
    const boot = await call('POST', '/api/v1/admin/bootstrap', { email: 'bundle@example.com', password, organization: 'Bundle' });
    expect(boot.status).toBe(200);
    // A password login runs argon2 (a native module outside the bundle).
    const login = await call('POST', '/api/v1/auth/login', { email: 'bundle@example.com', password });
    expect(login.status).toBe(200);
    const token = JSON.parse(boot.text).identity.credentials.token as string;
    const project = JSON.parse((await call('POST', '/api/v2/workspace', { projectName: 'Bundle' }, token)).text).project as { id: string };
    const value = sentinelValue('bundle-secret');
    expect((await call('POST', '/api/v3/secrets/raw/FROM_BUNDLE', { workspaceId: project.id, environment: 'dev', secretPath: '/', secretValue: value }, token)).status).toBe(200);
    const listed = await call('GET', `/api/v3/secrets/raw?workspaceId=${project.id}&environment=dev&secretPath=/`, undefined, token);
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.text).secrets).toEqual([expect.objectContaining({ secretKey: 'FROM_BUNDLE', secretValue: value })]);
  });

  it('stops cleanly on SIGTERM', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('stopped cleanly');
    // Logs never carry secret values or passwords.
    expect(server.output()).not.toContain(sentinelMarker);
  });
});

/**
 * The launcher runs the bundle through V8's code cache (src/bundle-launcher.ts). The cache only speeds start-up up:
 * without it, with it, and with a cache that is corrupt, made for another bundle or refused by V8, the server must
 * start and serve. Runs on a private copy of the bundle, so that it never disturbs the cache of dist/bundle.
 */
describe('the bundle launcher and its code cache', () => {
  const bundleDir = path.dirname(bundledMain);
  // A sibling of dist/bundle: packages and the dashboard resolve from it exactly as from the real bundle.
  const copyDir = path.join(bundleDir, '..', `bundle-test-${randomBytes(4).toString('hex')}`);
  const launcher = path.join(copyDir, 'rekey-server.mjs');
  const payload = path.join(copyDir, 'rekey-server.cjs');
  const cacheFile = path.join(copyDir, 'rekey-server.code-cache');
  let env: Record<string, string>;

  beforeAll(async () => {
    await mkdir(copyDir, { recursive: true });
    await copyFile(bundledMain, launcher);
    await copyFile(path.join(bundleDir, 'rekey-server.cjs'), payload);
    env = { DATABASE_URL: (await createTestDatabase()).url, REKEY_ROOT_KEY: randomBytes(32).toString('base64'), REKEY_WORKER: 'false' };
  });

  afterAll(async () => {
    await rm(copyDir, { recursive: true, force: true });
  });

  /** Starts the copy, proves it serves the API and its docs (code run after start-up, too), and stops it. */
  async function startServeAndStop(): Promise<string> {
    const port = await freePort();
    const server = spawnBundledServer({ ...env, PORT: String(port) }, launcher);
    try {
      await waitUntilReady(server);
      const status = await fetch(`${server.url}/api/status`);
      expect(status.status).toBe(200);
      const docs = await fetch(`${server.url}/api/docs/json`);
      expect(docs.status).toBe(200);
      expect(Object.keys(((await docs.json()) as { paths: object }).paths).length).toBeGreaterThan(50);
      // Written just after start-up when needed: give it the moment it takes before stopping.
      await waitFor(async () => (await stat(cacheFile).catch(() => undefined)) !== undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
    } finally {
      server.child.kill('SIGTERM');
    }
    expect(await server.exited).toEqual({ code: 0, signal: null });
    // Nothing about the launcher's mechanics reaches the operator's terminal.
    expect(server.output()).not.toMatch(/ExperimentalWarning|code cache/i);
    return server.output();
  }

  async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The launcher's file format: digest of the bundle and Node version, digest of the data, the data. */
  async function cacheFor(data: Buffer): Promise<Buffer> {
    const bundleDigest = createHash('sha256').update(await readFile(payload)).update(`\0${process.version}\0${process.arch}`).digest();
    return Buffer.concat([bundleDigest, createHash('sha256').update(data).digest(), data]);
  }

  it('starts without a cache and writes one after start-up', async () => {
    await rm(cacheFile, { force: true });
    await startServeAndStop();
    const written = await readFile(cacheFile);
    expect(written.length).toBeGreaterThan(100_000);
    expect(written.subarray(0, 64)).toEqual((await cacheFor(written.subarray(64))).subarray(0, 64));
  });

  it('starts from a valid cache and keeps it', async () => {
    const before = await stat(cacheFile);
    await startServeAndStop();
    const after = await stat(cacheFile);
    // Kept, not rewritten: V8 accepted it (a rejected cache is replaced through a new file).
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it.each([
    ['corrupt (its data does not match its digest)', async (valid: Buffer) => Buffer.concat([valid.subarray(0, 64), randomBytes(valid.length - 64)])],
    ['made for another bundle or Node version', async (valid: Buffer) => Buffer.concat([randomBytes(32), valid.subarray(32)])],
    ['refused by V8 (well-formed file, data V8 cannot use)', async () => cacheFor(randomBytes(200_000))],
    ['truncated', async (valid: Buffer) => valid.subarray(0, 40)],
  ])('starts with a cache that is %s and replaces it', async (_name, damage) => {
    const valid = await readFile(cacheFile);
    const damaged = await damage(valid);
    await writeFile(cacheFile, damaged);
    const before = await stat(cacheFile);
    await startServeAndStop();
    await waitFor(async () => (await stat(cacheFile)).ino !== before.ino);
    const replaced = await readFile(cacheFile);
    expect(replaced.equals(damaged)).toBe(false);
    expect(replaced.subarray(0, 64)).toEqual((await cacheFor(replaced.subarray(64))).subarray(0, 64));
  });

  it('starts when the cache cannot be written', async () => {
    await rm(cacheFile, { force: true });
    // A directory where the cache file would go: the write fails, start-up does not.
    await mkdir(cacheFile);
    try {
      const port = await freePort();
      const server = spawnBundledServer({ ...env, PORT: String(port) }, launcher);
      await waitUntilReady(server);
      expect((await fetch(`${server.url}/api/status`)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 500));
      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
      // No half-written file is left behind either.
      expect((await readdir(copyDir)).sort()).toEqual(['rekey-server.cjs', 'rekey-server.code-cache', 'rekey-server.mjs']);
    } finally {
      await rm(cacheFile, { recursive: true, force: true });
    }
  });
});
