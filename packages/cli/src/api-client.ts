import { CliError } from './cli-error.js';

/** Supplies the bearer token; `refresh` is called once after a 401 and may return a new token. */
export type TokenSource = {
  token(): Promise<string>;
  refresh(): Promise<string | undefined>;
  /** What to tell the user when the server rejects the token, e.g. "run `rekey login`". */
  hint: string;
};

export type ApiClientOptions = {
  baseUrl: string;
  auth?: TokenSource | undefined;
  /** Receives one line per request when --debug is on. */
  debug?: ((line: string) => void) | undefined;
  timeoutMs?: number;
  fetch?: typeof fetch;
};

export type RequestOptions = {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** False for the public login routes. */
  isAuthenticated?: boolean;
  /** Overrides the client's timeout, e.g. for a rotation that waits for Entra ID to accept a new secret. */
  timeoutMs?: number;
};

export type ApiResponse<T> = { data: T; status: number; headers: Headers; requestId: string | undefined };

/** A non-2xx answer from the server, carrying what it said and the request id it logged it under. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly method: string;
  readonly url: string;
  /** For a 401: how to get valid credentials, which depends on where they came from. */
  readonly authHint: string | undefined;

  constructor(fields: {
    status: number;
    message: string;
    code: string | undefined;
    requestId: string | undefined;
    method: string;
    url: string;
    authHint?: string | undefined;
  }) {
    super(fields.message);
    this.name = 'ApiError';
    this.status = fields.status;
    this.code = fields.code;
    this.requestId = fields.requestId;
    this.method = fields.method;
    this.url = fields.url;
    this.authHint = fields.authHint;
  }
}

export type ApiClient = {
  readonly baseUrl: string;
  request<T>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  get<T>(path: string, query?: RequestOptions['query']): Promise<T>;
  post<T>(path: string, body?: unknown, query?: RequestOptions['query']): Promise<T>;
  patch<T>(path: string, body?: unknown): Promise<T>;
  delete<T>(path: string, body?: unknown): Promise<T>;
};

const defaultTimeoutMs = 30_000;

export function normalizeApiUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(`Invalid API URL '${raw}': use the server's address, e.g. http://localhost:8080`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`Invalid API URL '${raw}': it must start with http:// or https://`);
  }
  // Credentials are stored per server, so one server must have one spelling.
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function buildUrl(baseUrl: string, path: string, query: RequestOptions['query']): string {
  const url = new URL(`${baseUrl}${path}`);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

function networkError(baseUrl: string, error: unknown, timeoutMs: number): CliError {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new CliError(`Rekey at ${baseUrl} did not answer within ${Math.round(timeoutMs / 1000)} s; try again, or check the server`, { cause: error });
  }
  const cause = error instanceof Error ? error.cause : undefined;
  const code = cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : error instanceof Error ? error.message : String(error);
  return new CliError(
    `Cannot reach Rekey at ${baseUrl} (${code}): is the server running? Set its address with --api-url or REKEY_API_URL`,
    { cause: error },
  );
}

/** Reads the Rekey error body ({statusCode, message, reqId, code}) when there is one. */
async function errorFrom(response: Response, method: string, url: string, authHint: string | undefined): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let message = `${response.status} ${response.statusText}`.trim();
  let code: string | undefined;
  let requestId = response.headers.get('x-request-id') ?? undefined;
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === 'object') {
      const fields = body as Record<string, unknown>;
      if (typeof fields.message === 'string' && fields.message) message = fields.message;
      if (typeof fields.code === 'string') code = fields.code;
      if (typeof fields.reqId === 'string') requestId ??= fields.reqId;
    }
  } catch {
    // Not JSON (a proxy's error page, for example): the status line is all we can say.
  }
  return new ApiError({ status: response.status, message, code, requestId, method, url, authHint: response.status === 401 ? authHint : undefined });
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const baseUrl = options.baseUrl;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const doFetch = options.fetch ?? fetch;

  async function send(method: string, url: string, request: RequestOptions, token: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (request.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.body);
    }
    const startedAt = Date.now();
    let response: Response;
    try {
      response = await doFetch(url, { method, headers, body, signal: AbortSignal.timeout(request.timeoutMs ?? timeoutMs), redirect: 'error' });
    } catch (error) {
      options.debug?.(`${method} ${url} failed after ${Date.now() - startedAt} ms: ${error instanceof Error ? error.message : String(error)}`);
      throw networkError(baseUrl, error, request.timeoutMs ?? timeoutMs);
    }
    const requestId = response.headers.get('x-request-id') ?? '-';
    options.debug?.(`${method} ${url} -> ${response.status} in ${Date.now() - startedAt} ms (request id ${requestId})`);
    return response;
  }

  async function request<T>(method: string, path: string, request: RequestOptions = {}): Promise<ApiResponse<T>> {
    const url = buildUrl(baseUrl, path, request.query);
    const auth = request.isAuthenticated === false ? undefined : options.auth;
    let response = await send(method, url, request, auth ? await auth.token() : undefined);
    if (response.status === 401 && auth) {
      // An expired access token is normal for long-running `rekey run --watch`: refresh once and retry.
      const fresh = await auth.refresh();
      if (fresh) response = await send(method, url, request, fresh);
    }
    if (!response.ok && response.status !== 304) throw await errorFrom(response, method, url, auth?.hint);
    const requestId = response.headers.get('x-request-id') ?? undefined;
    if (response.status === 304 || response.status === 204) return { data: undefined as T, status: response.status, headers: response.headers, requestId };
    const text = await response.text();
    try {
      return { data: JSON.parse(text) as T, status: response.status, headers: response.headers, requestId };
    } catch {
      throw new CliError(`Unexpected answer from ${baseUrl} (not JSON): is --api-url pointing at a Rekey server?`, {
        detail: `${method} ${url} -> ${response.status}, ${text.slice(0, 120)}`,
      });
    }
  }

  return {
    baseUrl,
    request,
    get: async <T>(path: string, query?: RequestOptions['query']) => (await request<T>('GET', path, { query })).data,
    post: async <T>(path: string, body?: unknown, query?: RequestOptions['query']) => (await request<T>('POST', path, { body: body ?? {}, query })).data,
    patch: async <T>(path: string, body?: unknown) => (await request<T>('PATCH', path, { body: body ?? {} })).data,
    delete: async <T>(path: string, body?: unknown) => (await request<T>('DELETE', path, body === undefined ? {} : { body })).data,
  };
}
