import type { EmulatorContext } from './context.js';
import { authenticateGraph, canRead, canWrite, type GraphCaller } from './graph-auth.js';
import { graphError, graphErrors } from './graph-errors.js';
import { countApplications, getApplication, listApplications, listOwners, listPasswordCredentials, lookupApplication } from './graph-read.js';
import { addPassword, removePassword } from './graph-write.js';
import { sleep, type EmulatorRequest, type EmulatorResponse } from './http.js';
import type { StoredApplication } from './store.js';

/** A response plus, for writes under the concurrency simulation, the moment it may be sent. */
export interface HandlerResult {
  response: EmulatorResponse;
  settle?: Promise<void>;
}

const WRITE_ROUTES = new Set(['addPassword', 'removePassword']);

function throttled(
  ctx: EmulatorContext,
  request: EmulatorRequest,
  caller: GraphCaller,
  isWrite: boolean,
): { response: EmulatorResponse } | { headers: Record<string, string> } {
  const config = ctx.settings.throttle;
  if (!config.enabled) return { headers: {} };
  const rawTop = request.query.get('$top');
  const decision = ctx.throttle.check(
    {
      tenantId: caller.tenant.id,
      appId: caller.token.appId,
      isWrite,
      isList: request.route === 'listApplications',
      hasSelect: request.query.has('$select'),
      top: rawTop !== null && /^\d+$/.test(rawTop) ? Number(rawTop) : null,
    },
    config,
    ctx.clock.now(),
  );
  if (!decision.allowed) {
    return {
      response: graphErrors.throttled(ctx, request, {
        'retry-after': String(decision.retryAfterSeconds),
        'x-ms-throttle-scope': decision.scope,
        'x-ms-throttle-information': decision.information,
      }),
    };
  }
  const headers: Record<string, string> = { 'x-ms-resource-unit': String(decision.resourceUnits) };
  if (decision.limitPercentage !== null) headers['x-ms-throttle-limit-percentage'] = String(decision.limitPercentage);
  return { headers };
}

/**
 * Concurrency simulation: a write keeps its application busy for the window and is answered when
 * the window ends, so sequential callers never collide and overlapping ones get a conflict.
 */
function claimWriteWindow(ctx: EmulatorContext, app: StoredApplication): Promise<void> | 'conflict' | undefined {
  const windowMs = ctx.settings.realism.concurrentWriteWindowMs;
  if (windowMs <= 0) return undefined;
  const now = performance.now();
  if ((ctx.writeBusyUntil.get(app.id) ?? 0) > now) return 'conflict';
  ctx.writeBusyUntil.set(app.id, now + windowMs);
  return sleep(windowMs);
}

function withHeaders(response: EmulatorResponse, headers: Record<string, string>): EmulatorResponse {
  return { ...response, headers: { ...response.headers, ...headers } };
}

export async function handleGraph(ctx: EmulatorContext, request: EmulatorRequest): Promise<HandlerResult> {
  const auth = await authenticateGraph(ctx, request);
  if ('response' in auth) return { response: auth.response };
  const { caller } = auth;
  if (request.route === 'graphUnknown') {
    return { response: graphErrors.badRequest(ctx, request, `Resource not found for the segment '${request.params.segment ?? ''}'.`, 'BadRequest') };
  }
  if (request.params.expectedMethod !== request.method) {
    return { response: graphError(ctx, request, 405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.') };
  }
  const isWrite = WRITE_ROUTES.has(request.route);
  if (!canRead(caller)) return { response: graphErrors.forbidden(ctx, request) };

  let app: StoredApplication | undefined;
  if (request.params.appRef !== undefined) {
    const found = lookupApplication(ctx, request, caller.tenant);
    if ('response' in found) return { response: found.response };
    app = found.app;
    if (isWrite && !canWrite(caller, app)) return { response: graphErrors.forbidden(ctx, request) };
  }

  const throttle = throttled(ctx, request, caller, isWrite);
  if ('response' in throttle) return throttle;
  const rateHeaders = throttle.headers;

  if (app === undefined) {
    const response = request.route === 'countApplications' ? countApplications(ctx, request, caller) : listApplications(ctx, request, caller);
    return { response: withHeaders(response, rateHeaders) };
  }
  if (!isWrite) {
    const response =
      request.route === 'listPasswordCredentials'
        ? listPasswordCredentials(ctx, request, app)
        : request.route === 'listOwners'
          ? listOwners(ctx, request, caller, app)
          : getApplication(ctx, request, caller, app);
    return { response: withHeaders(response, rateHeaders) };
  }
  const window = claimWriteWindow(ctx, app);
  if (window === 'conflict') return { response: graphErrors.conflict(ctx, request) };
  const response = request.route === 'addPassword' ? addPassword(ctx, request, app) : removePassword(ctx, request, app);
  return window ? { response: withHeaders(response, rateHeaders), settle: window } : { response: withHeaders(response, rateHeaders) };
}
