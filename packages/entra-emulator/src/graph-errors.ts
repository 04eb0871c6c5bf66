import type { EmulatorContext } from './context.js';
import { innerErrorDate } from './dates.js';
import type { EmulatorRequest, EmulatorResponse } from './http.js';

export const GRAPH_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

/** Headers on every Graph answer (reference §2.1, §7.21). */
export function graphHeaders(request: EmulatorRequest): Record<string, string> {
  return {
    'request-id': request.requestId,
    'client-request-id': request.clientRequestId,
    'x-ms-ags-diagnostic': JSON.stringify({ ServerInfo: { DataCenter: 'Local', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'entra-emulator' } }),
    'strict-transport-security': 'max-age=31536000',
    'cache-control': 'no-cache',
    'odata-version': '4.0',
  };
}

export function graphJson(
  request: EmulatorRequest,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): EmulatorResponse {
  return {
    status,
    headers: { 'content-type': GRAPH_JSON, ...graphHeaders(request), ...extraHeaders },
    body: JSON.stringify(body),
  };
}

export interface GraphErrorOptions {
  details?: Array<{ target: string; code: string }>;
  headers?: Record<string, string>;
}

/** `{"error":{code,message,innerError:{date,request-id,client-request-id}}}` (reference §2.1). */
export function graphError(
  ctx: EmulatorContext,
  request: EmulatorRequest,
  status: number,
  code: string,
  message: string,
  options: GraphErrorOptions = {},
): EmulatorResponse {
  const error: Record<string, unknown> = { code, message };
  if (options.details) error.details = options.details;
  error.innerError = {
    date: innerErrorDate(ctx.clock.now()),
    'request-id': request.requestId,
    'client-request-id': request.clientRequestId,
  };
  return graphJson(request, status, { error }, options.headers);
}

export const graphErrors = {
  notFound: (ctx: EmulatorContext, request: EmulatorRequest, id: string): EmulatorResponse =>
    graphError(
      ctx,
      request,
      404,
      'Request_ResourceNotFound',
      `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
    ),
  forbidden: (ctx: EmulatorContext, request: EmulatorRequest): EmulatorResponse =>
    graphError(ctx, request, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
  badRequest: (ctx: EmulatorContext, request: EmulatorRequest, message: string, code = 'Request_BadRequest'): EmulatorResponse =>
    graphError(ctx, request, 400, code, message),
  unsupportedQuery: (ctx: EmulatorContext, request: EmulatorRequest, message: string): EmulatorResponse =>
    graphError(ctx, request, 400, 'Request_UnsupportedQuery', message),
  conflict: (ctx: EmulatorContext, request: EmulatorRequest): EmulatorResponse =>
    graphError(
      ctx,
      request,
      ctx.settings.conflictStatus,
      'Directory_ConcurrencyViolation',
      'Directory object concurrency violation: another request is updating the same object. Retry the request.',
    ),
  throttled: (ctx: EmulatorContext, request: EmulatorRequest, headers: Record<string, string>): EmulatorResponse =>
    graphError(ctx, request, 429, 'TooManyRequests', 'Too many requests. Retry after the time given in the Retry-After header.', {
      headers,
    }),
};
