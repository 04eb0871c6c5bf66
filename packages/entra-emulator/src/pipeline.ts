import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeJwt } from 'jose';
import { authorizeEndpoint } from './authorize.js';
import { parseBasicAuthorization } from './client-auth.js';
import type { EmulatorContext } from './context.js';
import { faultResponse } from './fault-responses.js';
import type { FaultTarget } from './faults.js';
import { type HandlerResult, handleGraph } from './graph-routes.js';
import { header, jsonResponse, readBody, sleep, writeResponse, type EmulatorRequest } from './http.js';
import { instanceDiscovery, jwks, openIdConfiguration } from './identity-metadata.js';
import { newGuid, pickInRange } from './ids.js';
import { findAppByEitherId, findTenant, type StoredTenant } from './store.js';
import { resolveTenant } from './tenant-resolution.js';
import { tokenEndpoint } from './token-endpoint.js';
import { resolveRoute, type RouteKind } from './router.js';

function decodePath(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

function tokenTenant(ctx: EmulatorContext, request: EmulatorRequest): StoredTenant | undefined {
  const authorization = header(request.headers, 'authorization') ?? '';
  const token = /^Bearer\s+(.+)$/i.exec(authorization.trim())?.[1];
  if (!token) return undefined;
  try {
    const tid = decodeJwt(token).tid;
    return typeof tid === 'string' ? findTenant(ctx.store, tid) : undefined;
  } catch {
    return undefined;
  }
}

/** Collects every alias of the request's tenant and application, so rules may name either form. */
function faultTarget(ctx: EmulatorContext, request: EmulatorRequest, kind: RouteKind): FaultTarget {
  const tenants: string[] = [];
  const apps: string[] = [];
  let tenant: StoredTenant | undefined;
  let appRef: string | null | undefined;
  if (kind === 'identity') {
    const segment = request.params.tenant ?? '';
    tenants.push(segment);
    const resolution = resolveTenant(ctx.store, segment);
    if (resolution.kind === 'tenant') tenant = resolution.tenant;
    appRef =
      request.route === 'token'
        ? (new URLSearchParams(request.body.toString('utf8')).get('client_id') ?? parseBasicAuthorization(request)?.clientId)
        : request.query.get('client_id');
  } else if (kind === 'graph') {
    tenant = tokenTenant(ctx, request);
    appRef = request.params.appRef;
  }
  if (tenant) tenants.push(tenant.id, ...tenant.domains);
  if (appRef) {
    apps.push(appRef);
    const app = tenant ? findAppByEitherId(tenant, appRef) : undefined;
    if (app) apps.push(app.id, app.appId);
  }
  return { method: request.method, path: request.path, route: request.route, tenants, apps };
}

async function dispatch(ctx: EmulatorContext, request: EmulatorRequest, kind: RouteKind): Promise<HandlerResult> {
  if (kind === 'graph') return handleGraph(ctx, request);
  switch (request.route) {
    case 'instanceDiscovery':
      return { response: instanceDiscovery(ctx, request) };
    case 'openidConfiguration':
      return { response: openIdConfiguration(ctx, request) };
    case 'jwks':
      return { response: await jwks(ctx, request) };
    case 'authorize':
      return { response: authorizeEndpoint(ctx, request, resolveTenant(ctx.store, request.params.tenant ?? '')) };
    case 'token':
      return { response: await tokenEndpoint(ctx, request) };
    default:
      return {
        response: jsonResponse(404, { error: { code: 'NotFound', message: `The emulator has no route for ${request.method} ${request.path}.` } }),
      };
  }
}

export type AdminHandler = (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams) => Promise<void>;

/** One request end to end: latency, faults, handler, held responses, log and counters. */
export async function handleHttp(ctx: EmulatorContext, admin: AdminHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const url = new URL(req.url ?? '/', 'https://emulator.invalid');
  const path = decodePath(url.pathname);
  const resolved = resolveRoute(path);
  if (resolved.kind === 'admin') return admin(req, res, path, url.searchParams);

  const body = await readBody(req);
  const request: EmulatorRequest = {
    method: (req.method ?? 'GET').toUpperCase(),
    path,
    rawPath: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    body: body ?? Buffer.alloc(0),
    route: resolved.route,
    params: resolved.params,
    requestId: newGuid(),
    clientRequestId:
      header(req.headers, 'client-request-id') ??
      header(req.headers, 'x-ms-client-request-id') ??
      url.searchParams.get('client-request-id') ??
      newGuid(),
  };
  let status = 0;
  let faultRuleId: string | undefined;
  try {
    if (body === null) {
      writeResponse(res, jsonResponse(413, { error: { code: 'RequestEntityTooLarge', message: 'Request body too large.' } }));
      status = 413;
      return;
    }
    const latency = ctx.settings.latency;
    await sleep(pickInRange(latency.minMs, latency.maxMs));
    const target = faultTarget(ctx, request, resolved.kind);
    const fault = ctx.faults.select(target);
    let holdAfter: string | undefined;
    if (fault) {
      faultRuleId = fault.ruleId;
      const { action } = fault;
      if (action.type === 'reset') {
        res.destroy();
        return;
      }
      if (action.type === 'delay') {
        await sleep(action.ms);
      } else if (action.type === 'hold') {
        if (action.phase === 'after') {
          holdAfter = fault.ruleId;
        } else if ((await ctx.faults.hold(fault.ruleId, { method: request.method, path: request.path, route: request.route, phase: 'before' })) === 'abort') {
          res.destroy();
          return;
        }
      } else {
        const response = faultResponse(ctx, request, resolved.kind === 'identity', action, target);
        writeResponse(res, response);
        status = response.status;
        return;
      }
    }
    const result = await dispatch(ctx, request, resolved.kind);
    if (result.settle) await result.settle;
    if (holdAfter !== undefined) {
      // The effect is committed; only the answer waits, which is how a crash between Azure acting
      // and the caller recording the result is reproduced.
      const outcome = await ctx.faults.hold(holdAfter, { method: request.method, path: request.path, route: request.route, phase: 'after' });
      if (outcome === 'abort') {
        res.destroy();
        return;
      }
    }
    writeResponse(res, result.response);
    status = result.response.status;
  } catch (error) {
    process.stderr.write(`entra-emulator: ${request.method} ${request.path} failed: ${(error as Error).stack ?? String(error)}\n`);
    writeResponse(res, jsonResponse(500, { error: { code: 'InternalServerError', message: 'The emulator failed to handle the request.' } }));
    status = 500;
  } finally {
    if (res.destroyed && !res.writableEnded) status = 0;
    ctx.recorder.record(request, status, performance.now() - started, faultRuleId);
  }
}
