import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/test-app.js';
import { bootstrap, createProject } from '../test-support/fixtures.js';

describe('HTTP basics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { REKEY_BODY_LIMIT_BYTES: '2048' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers /api/status with database reachability', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/status' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', database: 'ok' });
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  it('answers unknown routes with the JSON error body', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v9/nothing?x=1' });
    expect(response.statusCode).toBe(404);
    const body = response.json();
    expect(body).toEqual({
      statusCode: 404,
      error: 'NotFound',
      code: 'not_found',
      message: 'Route GET /api/v9/nothing does not exist',
      reqId: response.headers['x-request-id'],
    });
  });

  it('refuses bodies over the limit with 413 and a JSON body', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/status',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ blob: 'x'.repeat(5000) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ statusCode: 413, code: 'payload_too_large' });
  });

  it('answers 415 for a body type it does not read', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/xml' },
      payload: '<login/>',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ statusCode: 415, code: 'unsupported_media_type', error: 'UnsupportedMediaType' });
  });

  it('sets the API security headers on every API response, errors and cached reads included', async () => {
    const admin = await bootstrap(t);
    const project = await createProject(t, admin.userToken, { slug: 'headers' });
    const listUrl = `/api/v3/secrets/raw?workspaceId=${project.id}&environment=dev`;
    const responses = [
      await t.app.inject({ method: 'GET', url: '/api/status' }),
      await t.app.inject({ method: 'GET', url: '/api/no-such-route' }),
      await t.app.inject({ method: 'GET', url: listUrl }),
      // The second read is answered from the read cache, as bytes.
      await t.app.inject({ method: 'GET', url: listUrl, headers: { authorization: `Bearer ${admin.userToken}` } }),
      await t.app.inject({ method: 'GET', url: listUrl, headers: { authorization: `Bearer ${admin.userToken}` } }),
    ];
    expect(responses.map((response) => response.statusCode)).toEqual([200, 404, 401, 200, 200]);
    for (const [index, response] of responses.entries()) {
      const url = `response ${index}`;
      expect(response.headers['cache-control'], url).toBe('no-store');
      expect(response.headers['content-security-policy'], url).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(response.headers['strict-transport-security'], url).toMatch(/max-age=\d+/);
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['x-frame-options'], url).toBe('DENY');
      expect(response.headers['referrer-policy'], url).toBe('no-referrer');
      expect(response.headers['x-powered-by'], url).toBeUndefined();
      expect(response.headers['x-request-id'], url).toBeTruthy();
    }
  });

  it("sets helmet's page headers on the dashboard and the API documentation", async () => {
    for (const url of ['/', '/api/docs', '/api/docs/json']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBeLessThan(400);
      // The documentation pages carry swagger-ui's own content security policy.
      expect(String(response.headers['content-security-policy']), url).toContain(url === '/' ? "frame-ancestors 'none'" : "default-src 'self'");
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['strict-transport-security'], url).toMatch(/max-age=\d+/);
      expect(response.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(response.headers['cache-control'], url).not.toBe('no-store');
    }
  });

  it('serves the OpenAPI document', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(response.statusCode).toBe(200);
    expect(response.json().paths['/api/status']).toBeDefined();
  });

  it("binds each request's id to the lines it logs, and logs nothing for it below the configured level", async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/status?probe=request-id' });
    const requestId = response.headers['x-request-id'];
    expect(requestId).toBeTruthy();
    const lines = t.logs.map((line) => JSON.parse(line) as { reqId?: string; msg?: string; req?: { url?: string } });
    const incoming = lines.find((line) => line.req?.url === '/api/status?probe=request-id');
    expect(incoming?.reqId).toBe(requestId);
    expect(lines.filter((line) => line.reqId === requestId).map((line) => line.msg)).toEqual(['incoming request', 'request completed']);
    const quiet = await startTestApp({ env: { LOG_LEVEL: 'warn' } });
    try {
      await quiet.app.inject({ method: 'GET', url: '/api/status' });
      await quiet.app.inject({ method: 'GET', url: '/api/nothing-here' });
      expect(quiet.logs).toEqual([]);
    } finally {
      await quiet.close();
    }
  });

  it('redacts credentials from request logs', async () => {
    await t.app.inject({ method: 'GET', url: '/api/status', headers: { authorization: 'Bearer very-secret-token-123' } });
    const all = t.logs.join('\n');
    expect(all).toContain('/api/status');
    expect(all).not.toContain('very-secret-token-123');
  });
});
