import { header, isRecord, parseJsonBody, type EmulatorRequest } from './http.js';
import type { EmulatorCounters, RequestLogEntry, RouteName } from './types.js';

/** Headers worth asserting on; everything else is noise (or a secret). */
const LOGGED_HEADERS = [
  'content-type',
  'user-agent',
  'client-request-id',
  'x-ms-client-request-id',
  'return-client-request-id',
  'consistencylevel',
  'retry-attempt',
  'sdkversion',
  'prefer',
];

/** Form fields and JSON properties that carry credentials. */
const SECRET_FIELDS = new Set([
  'client_secret',
  'client_assertion',
  'code',
  'code_verifier',
  'refresh_token',
  'assertion',
  'password',
  'secrettext',
]);

export const REDACTED = '[redacted]';

function redactJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactJson);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = SECRET_FIELDS.has(key.toLowerCase()) ? REDACTED : redactJson(inner);
  }
  return out;
}

function redactedBody(request: EmulatorRequest): unknown {
  if (request.body.length === 0) return undefined;
  const contentType = header(request.headers, 'content-type') ?? '';
  if (contentType.includes('application/x-www-form-urlencoded') || request.route === 'token') {
    const form: Record<string, string> = {};
    for (const [key, value] of new URLSearchParams(request.body.toString('utf8'))) {
      form[key] = SECRET_FIELDS.has(key.toLowerCase()) ? REDACTED : value;
    }
    return form;
  }
  const json = parseJsonBody(request.body);
  if (json === null || json === undefined) return `[${request.body.length} bytes]`;
  return redactJson(json);
}

function loggedHeaders(request: EmulatorRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of LOGGED_HEADERS) {
    const value = header(request.headers, name);
    if (value !== undefined) out[name] = value;
  }
  const authorization = header(request.headers, 'authorization');
  if (authorization !== undefined) out.authorization = `${authorization.split(' ')[0] ?? ''} ${REDACTED}`;
  return out;
}

export interface RequestRecorder {
  record(request: EmulatorRequest, status: number, latencyMs: number, faultRuleId: string | undefined): void;
  entries(): RequestLogEntry[];
  clear(): void;
  counters(): EmulatorCounters;
  resetCounters(): void;
}

export function createRequestRecorder(limit: number): RequestRecorder {
  let log: RequestLogEntry[] = [];
  let seq = 0;
  let counters: EmulatorCounters = { total: 0, byRoute: {}, byStatus: {}, byRouteAndStatus: {} };

  const count = (route: RouteName, status: number): void => {
    const key = String(status);
    counters.total += 1;
    counters.byRoute[route] = (counters.byRoute[route] ?? 0) + 1;
    counters.byStatus[key] = (counters.byStatus[key] ?? 0) + 1;
    const perRoute = counters.byRouteAndStatus[route] ?? {};
    perRoute[key] = (perRoute[key] ?? 0) + 1;
    counters.byRouteAndStatus[route] = perRoute;
  };

  return {
    record(request, status, latencyMs, faultRuleId) {
      seq += 1;
      const query: Record<string, string> = {};
      for (const [key, value] of request.query) query[key] = SECRET_FIELDS.has(key.toLowerCase()) ? REDACTED : value;
      const body = redactedBody(request);
      log.push({
        seq,
        time: new Date().toISOString(),
        requestId: request.requestId,
        method: request.method,
        path: request.path,
        query,
        route: request.route,
        headers: loggedHeaders(request),
        hasAuthorization: header(request.headers, 'authorization') !== undefined,
        ...(body === undefined ? {} : { body }),
        status,
        latencyMs: Math.round(latencyMs * 10) / 10,
        ...(faultRuleId === undefined ? {} : { faultRuleId }),
      });
      if (log.length > limit) log = log.slice(log.length - limit);
      count(request.route, status);
    },
    entries: () => log.map((entry) => structuredClone(entry)),
    clear() {
      log = [];
    },
    counters: () => structuredClone(counters),
    resetCounters() {
      counters = { total: 0, byRoute: {}, byStatus: {}, byRouteAndStatus: {} };
    },
  };
}
