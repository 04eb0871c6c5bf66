import type { EmulatorContext } from './context.js';
import { isVisibleToGraph, passwordResource } from './credentials.js';
import type { GraphCaller } from './graph-auth.js';
import { graphErrors, graphHeaders, graphJson } from './graph-errors.js';
import { evaluateFilter } from './graph-filter.js';
import { applicationResource, project } from './graph-format.js';
import { encodeSkipToken, isEventual, type ListQuery, parseFilterOption, parseListQuery, parseSelect, searchMatcher } from './graph-query.js';
import type { EmulatorRequest, EmulatorResponse } from './http.js';
import { findAppByServicePrincipalId, findUser, type StoredApplication, type StoredTenant } from './store.js';

function contextUrl(ctx: EmulatorContext, request: EmulatorRequest, fragment: string): string {
  return `${ctx.origin}/${request.params.version ?? 'v1.0'}/$metadata#${fragment}`;
}

function selectSuffix(select: string[] | null): string {
  return select ? `(${select.join(',')})` : '';
}

function readProperty(tenant: StoredTenant, app: StoredApplication, property: string): string | null {
  switch (property) {
    case 'id':
      return app.id;
    case 'appId':
      return app.appId;
    case 'displayName':
      return app.displayName;
    case 'signInAudience':
      return app.signInAudience;
    case 'publisherDomain':
      return tenant.domains[0] ?? null;
    default:
      return null;
  }
}

function matchingApplications(ctx: EmulatorContext, request: EmulatorRequest, tenant: StoredTenant, query: Pick<ListQuery, 'filter' | 'search' | 'orderBy'>): StoredApplication[] | EmulatorResponse {
  let apps = [...tenant.applications.values()];
  const { filter } = query;
  if (filter) apps = apps.filter((app) => evaluateFilter(filter, (property) => readProperty(tenant, app, property)));
  if (query.search !== null) {
    const matcher = searchMatcher(query.search);
    if (!matcher) return graphErrors.badRequest(ctx, request, `Invalid $search syntax: ${query.search}`);
    apps = apps.filter((app) => matcher(app.displayName));
  }
  if (query.orderBy) {
    const direction = query.orderBy.descending ? -1 : 1;
    apps.sort((a, b) => direction * a.displayName.localeCompare(b.displayName));
  }
  return apps;
}

/** Rebuilds the caller's query options with a new `$skiptoken`, keeping `$` readable as Graph does. */
function nextLink(ctx: EmulatorContext, request: EmulatorRequest, offset: number): string {
  const parts: string[] = [];
  for (const [key, value] of request.query) {
    if (key === '$skiptoken') continue;
    parts.push(`${encodeURIComponent(key).replace(/^%24/, '$')}=${encodeURIComponent(value)}`);
  }
  parts.push(`$skiptoken=${encodeSkipToken(offset)}`);
  return `${ctx.origin}/${request.params.version ?? 'v1.0'}/applications?${parts.join('&')}`;
}

export function listApplications(ctx: EmulatorContext, request: EmulatorRequest, caller: GraphCaller): EmulatorResponse {
  const parsed = parseListQuery(ctx, request);
  if (!parsed.ok) return parsed.response;
  const query = parsed.value;
  const apps = matchingApplications(ctx, request, caller.tenant, query);
  if (!Array.isArray(apps)) return apps;
  const page = apps.slice(query.offset, query.offset + query.top);
  const body: Record<string, unknown> = { '@odata.context': contextUrl(ctx, request, `applications${selectSuffix(query.select)}`) };
  // @odata.count only on the first page (reference §2.3).
  if (query.count && query.offset === 0) body['@odata.count'] = apps.length;
  if (query.offset + query.top < apps.length) body['@odata.nextLink'] = nextLink(ctx, request, query.offset + query.top);
  body.value = page.map((app) => project(applicationResource(ctx, caller.tenant, app), query.select));
  return graphJson(request, 200, body);
}

export function countApplications(ctx: EmulatorContext, request: EmulatorRequest, caller: GraphCaller): EmulatorResponse {
  if (!isEventual(request)) {
    return graphErrors.unsupportedQuery(
      ctx,
      request,
      "Raw count (/$count) is not supported because the 'ConsistencyLevel:eventual' header is missing. Refer to https://aka.ms/graph-docs/advanced-queries for more information",
    );
  }
  const filter = parseFilterOption(ctx, request, true);
  if (!filter.ok) return filter.response;
  const apps = matchingApplications(ctx, request, caller.tenant, { filter: filter.value, search: request.query.get('$search'), orderBy: null });
  if (!Array.isArray(apps)) return apps;
  return { status: 200, headers: { 'content-type': 'text/plain', ...graphHeaders(request) }, body: String(apps.length) };
}

/**
 * `{id}` is the object id only; `(appId='…')` is the alternate key. An appId in the id slot is a 404,
 * never a silent match (reference §2.4).
 */
export function lookupApplication(
  ctx: EmulatorContext,
  request: EmulatorRequest,
  tenant: StoredTenant,
): { app: StoredApplication } | { response: EmulatorResponse } {
  const ref = request.params.appRef ?? '';
  if (request.params.appRefKind === 'appId') {
    const wanted = ref.toLowerCase();
    const app = [...tenant.applications.values()].find((candidate) => candidate.appId === wanted);
    return app ? { app } : { response: graphErrors.notFound(ctx, request, ref) };
  }
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref)) {
    return { response: graphErrors.badRequest(ctx, request, `Invalid object identifier '${ref}'.`) };
  }
  const app = tenant.applications.get(ref.toLowerCase());
  return app ? { app } : { response: graphErrors.notFound(ctx, request, ref) };
}

export function getApplication(ctx: EmulatorContext, request: EmulatorRequest, caller: GraphCaller, app: StoredApplication): EmulatorResponse {
  const select = parseSelect(ctx, request);
  if (!select.ok) return select.response;
  return graphJson(request, 200, {
    '@odata.context': contextUrl(ctx, request, `applications${selectSuffix(select.value)}/$entity`),
    ...project(applicationResource(ctx, caller.tenant, app), select.value),
  });
}

export function listPasswordCredentials(ctx: EmulatorContext, request: EmulatorRequest, app: StoredApplication): EmulatorResponse {
  const nowMs = ctx.clock.now();
  return graphJson(request, 200, {
    '@odata.context': contextUrl(ctx, request, `applications('${app.id}')/passwordCredentials`),
    value: app.passwords.filter((password) => isVisibleToGraph(password, nowMs, ctx.settings.realism)).map(passwordResource),
  });
}

export function listOwners(ctx: EmulatorContext, request: EmulatorRequest, caller: GraphCaller, app: StoredApplication): EmulatorResponse {
  const value = [...app.owners].flatMap((principalId): Array<Record<string, unknown>> => {
    const ownerApp = findAppByServicePrincipalId(caller.tenant, principalId);
    if (ownerApp) {
      return [{ '@odata.type': '#microsoft.graph.servicePrincipal', id: ownerApp.servicePrincipalId, appId: ownerApp.appId, displayName: ownerApp.displayName, servicePrincipalType: 'Application' }];
    }
    const user = findUser(caller.tenant, principalId);
    return user ? [{ '@odata.type': '#microsoft.graph.user', id: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName }] : [];
  });
  return graphJson(request, 200, { '@odata.context': contextUrl(ctx, request, 'directoryObjects'), value });
}
