import type { ApiPath, MethodOf, RequestOptions, ResponseOf } from './paths';

/** One problem with one field, as the server reports it (`path` is e.g. `body.name`). */
export type FieldProblem = { path: string; message: string };

/** An error response of the Rekey API, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: FieldProblem[];
  readonly requestId: string | undefined;

  constructor(status: number, message: string, options: { code?: string; details?: FieldProblem[]; requestId?: string } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = options.code ?? 'unknown';
    this.details = options.details ?? [];
    this.requestId = options.requestId;
  }

  /** The message for one field (matched on the last segment of the server's path), if the server named it. */
  fieldMessage(field: string): string | undefined {
    return this.details.find((detail) => detail.path === field || detail.path.endsWith(`.${field}`))?.message;
  }
}

/**
 * The session's access token lives only in this module's memory: never in localStorage, sessionStorage,
 * a cookie readable by scripts or the URL. A reload restores it through the httpOnly refresh cookie.
 */
let accessToken: string | null = null;
let refreshing: Promise<number | null> | null = null;
const expiredListeners = new Set<() => void>();

export function setAccessToken(token: string | null): void {
  accessToken = token;
}

export function hasAccessToken(): boolean {
  return accessToken !== null;
}

/** Called when the session can no longer be refreshed (signed out elsewhere, expired, revoked). */
export function onSessionExpired(listener: () => void): () => void {
  expiredListeners.add(listener);
  return () => expiredListeners.delete(listener);
}

type TokenResponse = { accessToken: string; expiresIn: number };

/**
 * Exchanges the refresh cookie for a new access token; concurrent callers share one request. Resolves
 * with the new token's lifetime in seconds, or null when there is no session to refresh.
 */
export function refreshAccessToken(): Promise<number | null> {
  refreshing ??= (async () => {
    try {
      const response = await fetch('/api/v1/auth/token', { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json' } });
      if (!response.ok) {
        accessToken = null;
        return null;
      }
      const body = (await response.json()) as TokenResponse;
      accessToken = body.accessToken;
      return body.expiresIn;
    } catch {
      return null;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

function buildUrl(path: string, params: Record<string, unknown> | undefined, query: Record<string, unknown> | undefined): string {
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null || value === '') throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `${filled}?${text}` : filled;
}

type ErrorBody = { message?: unknown; code?: unknown; details?: unknown; reqId?: unknown };

async function toApiError(response: Response): Promise<ApiError> {
  let body: ErrorBody = {};
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    // not JSON: keep the status text
  }
  const message = typeof body.message === 'string' && body.message ? body.message : `Request failed (${response.status} ${response.statusText})`;
  const details = Array.isArray(body.details)
    ? body.details.filter((detail): detail is FieldProblem => typeof detail === 'object' && detail !== null && 'path' in detail && 'message' in detail)
    : [];
  return new ApiError(response.status, message, {
    code: typeof body.code === 'string' ? body.code : String(response.status),
    details,
    ...(typeof body.reqId === 'string' ? { requestId: body.reqId } : {}),
  });
}

const publicAuthPaths = new Set(['/api/v1/auth/login', '/api/v1/auth/token', '/api/v1/auth/logout', '/api/v1/admin/bootstrap', '/api/v1/invite-org/accept']);

async function send(method: string, url: string, body: unknown, signal: AbortSignal | undefined): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(url, {
    method: method.toUpperCase(),
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    ...(signal ? { signal } : {}),
  });
}

/**
 * Calls one documented operation. Paths and payloads are typed from the server's OpenAPI document.
 * A 401 on an authenticated call refreshes the session once and retries; if that fails the session
 * listeners are told, so the app can return to the sign-in page.
 */
export async function api<P extends ApiPath, M extends MethodOf<P>>(method: M, path: P, options: RequestOptions<P, M>): Promise<ResponseOf<P, M>> {
  const { params, query, body, signal } = options as { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown; signal?: AbortSignal };
  const url = buildUrl(path, params, query);
  let response: Response;
  try {
    response = await send(method, url, body, signal);
    if (response.status === 401 && !publicAuthPaths.has(path)) {
      const refreshed = await refreshAccessToken();
      if (refreshed !== null) response = await send(method, url, body, signal);
      if (response.status === 401) for (const listener of expiredListeners) listener();
    }
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, 'Cannot reach the Rekey server. Check your connection and try again.', { code: 'network' });
  }
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as ResponseOf<P, M>;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as ResponseOf<P, M>;
}

/** A readable message for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong';
}
