import { authHeader } from '../../test-support/fixtures.js';
import type { TestApp } from '../../test-support/test-app.js';

/** Small HTTP helpers for the secrets routes, over `app.inject` (real routing, validation and auth). */

export type Response = { statusCode: number; body: string; json: () => unknown };
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export type SecretJson = {
  id: string;
  secretKey: string;
  secretValue: string;
  secretComment: string;
  secretPath: string;
  environment: string;
  version: number;
  type: 'shared' | 'personal';
  isRotatedSecret: boolean;
  rotationId: string | null;
  tags: { id: string; slug: string }[];
};

export function request(t: TestApp, token: string, method: Method, url: string, payload?: unknown): Promise<Response> {
  return t.app.inject({
    method,
    url,
    headers: authHeader(token),
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  }) as Promise<Response>;
}

export function query(params: Record<string, string | boolean | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
  return search.toString();
}

/** Bound to one project and token: `api.create('KEY', 'value', {secretPath: '/api'})` etc. */
export function secretsApi(t: TestApp, token: string, projectId: string) {
  const where = (options: { environment?: string; secretPath?: string } = {}) => ({
    workspaceId: projectId,
    environment: options.environment ?? 'dev',
    secretPath: options.secretPath ?? '/',
  });
  return {
    create: (key: string, value: string, options: { environment?: string; secretPath?: string; type?: string; secretComment?: string; tagIds?: string[] } = {}) =>
      request(t, token, 'POST', `/api/v3/secrets/raw/${encodeURIComponent(key)}`, { ...where(options), ...options, secretValue: value }),
    update: (key: string, body: Record<string, unknown>, options: { environment?: string; secretPath?: string } = {}) =>
      request(t, token, 'PATCH', `/api/v3/secrets/raw/${encodeURIComponent(key)}`, { ...where(options), ...body }),
    remove: (key: string, options: { environment?: string; secretPath?: string; type?: string } = {}) =>
      request(t, token, 'DELETE', `/api/v3/secrets/raw/${encodeURIComponent(key)}`, { ...where(options), ...(options.type ? { type: options.type } : {}) }),
    get: (key: string, options: Record<string, string | boolean | number | undefined> = {}) =>
      request(t, token, 'GET', `/api/v3/secrets/raw/${encodeURIComponent(key)}?${query({ ...where(options as { environment?: string; secretPath?: string }), ...options })}`),
    list: (options: Record<string, string | boolean | number | undefined> = {}) =>
      request(t, token, 'GET', `/api/v3/secrets/raw?${query({ ...where(options as { environment?: string; secretPath?: string }), ...options })}`),
    createFolder: (name: string, options: { environment?: string; path?: string } = {}) =>
      request(t, token, 'POST', '/api/v1/folders', { workspaceId: projectId, environment: options.environment ?? 'dev', path: options.path ?? '/', name }),
    createImport: (to: { environment: string; path: string }, from: { environment: string; path: string }) =>
      request(t, token, 'POST', '/api/v1/secret-imports', { workspaceId: projectId, ...to, import: from }),
  };
}

export function secretsOf(response: Response): SecretJson[] {
  return (response.json() as { secrets: SecretJson[] }).secrets;
}

export function secretOf(response: Response): SecretJson {
  return (response.json() as { secret: SecretJson }).secret;
}

export function messageOf(response: Response): string {
  return (response.json() as { message: string }).message;
}
