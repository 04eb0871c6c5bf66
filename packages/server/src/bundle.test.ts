import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentinelMarker, sentinelValue } from './test-support/sentinel.js';
import { freePort, type ServerProcess, spawnBundledServer, waitUntilReady } from './test-support/server-process.js';
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
