import type { TestApp } from '../../test-support/test-app.js';
import { authHeader } from '../../test-support/fixtures.js';

export const connectionsPath = '/api/v1/app-connections/azure-client-secrets';

export type Reply = { status: number; body: Record<string, unknown>; text: string };

/**
 * A small HTTP helper for the connection tests. Every response text is kept in `seen`, so a test can
 * assert at the end that no secret ever appeared in any of them.
 */
export function createClient(t: TestApp) {
  const seen: string[] = [];
  async function request(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    token: string | undefined,
    payload?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const response = await t.app.inject({
      method,
      url,
      headers: { ...(token ? authHeader(token) : {}), ...headers },
      ...(payload === undefined ? {} : { payload: payload as string | Record<string, unknown> }),
    });
    seen.push(response.body);
    let body: Record<string, unknown> = {};
    try {
      body = response.json() as Record<string, unknown>;
    } catch {
      body = {};
    }
    return { status: response.statusCode, body, text: response.body };
  }
  return {
    seen,
    get: (url: string, token?: string) => request('GET', url, token),
    post: (url: string, token: string | undefined, payload: unknown, headers?: Record<string, string>) => request('POST', url, token, payload, headers),
    patch: (url: string, token: string | undefined, payload: unknown) => request('PATCH', url, token, payload),
    delete: (url: string, token?: string) => request('DELETE', url, token),
  };
}

export async function connectionCount(t: TestApp): Promise<number> {
  const row = await t.db.selectFrom('app_connections').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Follows the authorize URL the way a browser would and returns what Entra ID put on the callback URL. */
export async function consentInBrowser(authorizeUrl: string): Promise<{ code: string; state: string; callback: URL }> {
  const response = await fetch(authorizeUrl, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
  const callback = new URL(location);
  return { code: callback.searchParams.get('code') ?? '', state: callback.searchParams.get('state') ?? '', callback };
}
