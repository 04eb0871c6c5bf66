import type { EmulatorContext } from './context.js';
import type { FaultTarget } from './faults.js';
import { graphError, graphErrors } from './graph-errors.js';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import { aad, type AadError, aadErrorResponse } from './identity-errors.js';
import type { FaultAction, RetryAfterFormat } from './types.js';

/** Graph's documented codes for injected 5xx answers. */
const SERVER_ERRORS: Record<number, { code: string; message: string }> = {
  500: { code: 'generalException', message: 'An unspecified error has occurred.' },
  502: { code: 'badGateway', message: 'The gateway received an invalid response from the upstream service.' },
  503: {
    code: 'serviceNotAvailable',
    message: 'The service is temporarily unavailable for maintenance or is overloaded. You may repeat the request after a delay, which may be specified in a Retry-After header.',
  },
  504: { code: 'timeout', message: 'The operation timed out before it could be completed.' },
};

/** `Retry-After` in seconds or as an HTTP-date on the emulator clock (reference §7.25). */
export function retryAfterHeader(ctx: EmulatorContext, seconds: number | undefined, format: RetryAfterFormat | undefined): Record<string, string> {
  if (seconds === undefined) return {};
  if (format === 'http-date') return { 'retry-after': new Date(ctx.clock.now() + seconds * 1000).toUTCString() };
  return { 'retry-after': String(seconds) };
}

type ErrorAction = Exclude<FaultAction, { type: 'delay' } | { type: 'hold' } | { type: 'reset' }>;

function identityFailure(ctx: EmulatorContext, action: ErrorAction, target: FaultTarget): AadError {
  switch (action.type) {
    case 'throttle':
      return aad.transient(429);
    case 'serverError':
      return aad.transient(action.status ?? 503);
    case 'error':
      return aad.transient(action.status);
    case 'conflict':
      return aad.transient(ctx.settings.conflictStatus);
    case 'forbidden':
      return aad.appDisabled(target.apps[0] ?? '');
  }
}

function throttleHeaders(target: FaultTarget): Record<string, string> {
  const tenant = target.tenants[target.tenants.length - 1] ?? 'unknown';
  const app = target.apps[target.apps.length - 1] ?? 'unknown';
  return { 'x-ms-throttle-scope': `Tenant_Application/ReadWrite/${app}/${tenant}`, 'x-ms-throttle-information': 'ResourceUnitLimitExceeded' };
}

/** Turns an injected fault into the error body of the route family it hit. */
export function faultResponse(
  ctx: EmulatorContext,
  request: EmulatorRequest,
  isIdentity: boolean,
  action: ErrorAction,
  target: FaultTarget,
): EmulatorResponse {
  const retryAfter = action.type === 'throttle' || action.type === 'serverError' || action.type === 'error'
    ? retryAfterHeader(ctx, action.retryAfterSeconds, action.retryAfterFormat)
    : {};
  const extra = action.type === 'throttle' && action.includeThrottleHeaders ? { ...retryAfter, ...throttleHeaders(target) } : retryAfter;
  if (isIdentity) return aadErrorResponse(ctx, request, identityFailure(ctx, action, target), extra);
  switch (action.type) {
    case 'throttle':
      return graphErrors.throttled(ctx, request, extra);
    case 'serverError': {
      const status = action.status ?? 503;
      const known = SERVER_ERRORS[status] ?? { code: 'UnknownError', message: 'An unexpected error occurred.' };
      return graphError(ctx, request, status, known.code, known.message, { headers: extra });
    }
    case 'error':
      return graphError(ctx, request, action.status, action.code ?? 'UnknownError', action.message ?? 'Injected error.', { headers: extra });
    case 'conflict':
      return graphErrors.conflict(ctx, request);
    case 'forbidden':
      return graphErrors.forbidden(ctx, request);
  }
}
