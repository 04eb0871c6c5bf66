import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, createApiClient } from './api-client.js';
import { resolveTokenSource } from './auth.js';
import { CliError } from './cli-error.js';
import { createCredentialStore } from './config-store.js';
import { describeError } from './report.js';

type Handler = (request: http.IncomingMessage, body: string) => { status: number; body?: unknown; headers?: Record<string, string | string[]> };

/** A tiny stand-in server: these tests are about the client's handling of answers, not about Rekey. */
async function stubServer(handler: Handler): Promise<{ url: string; requests: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[]; close: () => Promise<void> }> {
  const requests: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += String(chunk);
    });
    request.on('end', () => {
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      const answer = handler(request, body);
      response.writeHead(answer.status, { 'content-type': 'application/json', 'x-request-id': `req-${requests.length}`, ...answer.headers });
      response.end(answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'rekey-cli-api-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('api client', () => {
  it('turns an error body into an ApiError with the request id', async () => {
    const server = await stubServer(() => ({ status: 404, body: { statusCode: 404, message: 'Project p not found', reqId: 'body-id', code: 'not_found' } }));
    try {
      const api = createApiClient({ baseUrl: server.url });
      const error = await api.get('/api/x', { a: 'b c', skipped: undefined }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 404, message: 'Project p not found', code: 'not_found', requestId: 'req-1' });
      expect(server.requests[0]?.url).toBe('/api/x?a=b+c');
      expect(describeError(error, false).line).toBe('Project p not found');
      expect(describeError(error, true).line).toBe('Project p not found (request id req-1)');
    } finally {
      await server.close();
    }
  });

  it('refreshes the token once after a 401 and retries', async () => {
    const server = await stubServer((request) =>
      request.headers.authorization === 'Bearer fresh' ? { status: 200, body: { ok: true } } : { status: 401, body: { message: 'Token expired' } },
    );
    try {
      let refreshes = 0;
      const auth = { token: async () => 'stale', refresh: async () => (++refreshes === 1 ? 'fresh' : undefined), hint: 'run `rekey login`' };
      const api = createApiClient({ baseUrl: server.url, auth });
      expect(await api.get('/api/x')).toEqual({ ok: true });
      expect(server.requests.map((request) => request.headers.authorization)).toEqual(['Bearer stale', 'Bearer fresh']);

      const error = await api.get('/api/x').catch((caught: unknown) => caught);
      expect(describeError(error, false).line).toBe('Not authenticated: Token expired; run `rekey login`');
    } finally {
      await server.close();
    }
  });

  it('says which server cannot be reached', async () => {
    const server = await stubServer(() => ({ status: 200 }));
    await server.close();
    const error = await createApiClient({ baseUrl: server.url }).get('/api/x').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toBe(
      `Cannot reach Rekey at ${server.url} (ECONNREFUSED): is the server running? Set its address with --api-url or REKEY_API_URL`,
    );
  });

  it('explains a non-JSON answer and a 403', async () => {
    const server = await stubServer((request) =>
      request.url === '/html' ? { status: 200, body: '<html>', headers: { 'content-type': 'text/html' } } : { status: 403, body: { message: 'You may not read prod' } },
    );
    try {
      const api = createApiClient({ baseUrl: server.url });
      await expect(api.get('/html')).rejects.toThrow(/not JSON.*--api-url/);
      const error = await api.get('/forbidden').catch((caught: unknown) => caught);
      expect(describeError(error, false).line).toBe('Permission denied: You may not read prod');
    } finally {
      await server.close();
    }
  });
});

describe('stored user credentials', () => {
  it('renew an expired access token with the refresh cookie and keep the rotated refresh token', async () => {
    const server = await stubServer((request) => {
      if (request.url === '/api/v1/auth/token' && request.headers.cookie === 'rekey_refresh=r1') {
        return { status: 200, body: { accessToken: 'a2', expiresIn: 900 }, headers: { 'set-cookie': ['rekey_refresh=r2; Path=/api/v1/auth; HttpOnly'] } };
      }
      return { status: 401, body: { message: 'Session expired' } };
    });
    try {
      const store = createCredentialStore({ path: path.join(dir, 'credentials.json') });
      const user = { kind: 'user' as const, email: 'a@b.c', organizationId: 'o', accessToken: 'a1', accessTokenExpiresAt: '2000-01-01T00:00:00Z', refreshToken: 'r1' };
      await store.save(server.url, user);
      const source = await resolveTokenSource({ apiUrl: server.url, env: {}, store });
      expect(await source.token()).toBe('a2');
      expect(await store.get(server.url)).toMatchObject({ accessToken: 'a2', refreshToken: 'r2' });
      // r1 was used up: renewing again fails and says what to do.
      await store.save(server.url, { ...user, refreshToken: 'r1-revoked' });
      const again = await resolveTokenSource({ apiUrl: server.url, env: {}, store });
      await expect(again.token()).rejects.toThrow(/expired or was signed out; run `rekey login`/);
    } finally {
      await server.close();
    }
  });

  it('are renewed once when several rekey processes find them expired at the same time', async () => {
    let refreshes = 0;
    const server = await stubServer((request) => {
      if (request.url === '/api/v1/auth/token' && request.headers.cookie === 'rekey_refresh=r1') {
        refreshes += 1;
        return { status: 200, body: { accessToken: 'a2', expiresIn: 900 }, headers: { 'set-cookie': ['rekey_refresh=r2; Path=/api/v1/auth'] } };
      }
      // Presenting r1 a second time is what the server would punish by revoking the session.
      return { status: 401, body: { message: 'Refresh token was already used' } };
    });
    try {
      const file = path.join(dir, 'credentials.json');
      const user = { kind: 'user' as const, email: 'a@b.c', organizationId: 'o', accessToken: 'a1', accessTokenExpiresAt: '2000-01-01T00:00:00Z', refreshToken: 'r1' };
      await createCredentialStore({ path: file }).save(server.url, user);
      // Separate stores, as separate processes would have, each starting from the expired token.
      const sources = await Promise.all(
        [1, 2, 3].map(() => resolveTokenSource({ apiUrl: server.url, env: {}, store: createCredentialStore({ path: file }) })),
      );
      expect(await Promise.all(sources.map((source) => source.token()))).toEqual(['a2', 'a2', 'a2']);
      expect(refreshes).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('prefer REKEY_TOKEN, then REKEY_CLIENT_ID/SECRET, and insist on both of those', async () => {
    const store = createCredentialStore({ path: path.join(dir, 'credentials.json') });
    const fromToken = await resolveTokenSource({ apiUrl: 'http://x', env: { REKEY_TOKEN: 't', REKEY_CLIENT_ID: 'c' }, store });
    expect(await fromToken.token()).toBe('t');
    await expect(resolveTokenSource({ apiUrl: 'http://x', env: { REKEY_CLIENT_ID: 'c' }, store })).rejects.toThrow(/both/);
    await expect(resolveTokenSource({ apiUrl: 'http://x', env: {}, store })).rejects.toThrow(/Not logged in to http:\/\/x/);
  });
});
