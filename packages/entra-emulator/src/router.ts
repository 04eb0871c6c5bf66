import type { RouteName } from './types.js';

export type RouteKind = 'identity' | 'graph' | 'admin' | 'none';

export interface ResolvedRoute {
  kind: RouteKind;
  route: RouteName;
  params: Record<string, string>;
}

const GRAPH_VERSIONS = new Set(['v1.0', 'beta']);
const APP_BY_APPID = /^applications\(appId='([^']*)'\)$/i;
const ACTIONS: Record<string, { route: RouteName; method: string }> = {
  addpassword: { route: 'addPassword', method: 'POST' },
  removepassword: { route: 'removePassword', method: 'POST' },
  passwordcredentials: { route: 'listPasswordCredentials', method: 'GET' },
  owners: { route: 'listOwners', method: 'GET' },
};

function graphRoute(segments: string[]): ResolvedRoute {
  const [version, first, second, third, ...rest] = segments;
  const params: Record<string, string> = { version: version ?? 'v1.0' };
  const unknown: ResolvedRoute = { kind: 'graph', route: 'graphUnknown', params: { ...params, segment: first ?? '' } };
  if (first === undefined || rest.length > 0) return unknown;

  let appSegments: Array<string | undefined>;
  const byAppId = APP_BY_APPID.exec(first);
  if (byAppId) {
    params.appRef = byAppId[1] ?? '';
    params.appRefKind = 'appId';
    appSegments = [second, third];
    if (third !== undefined) return unknown;
  } else if (first.toLowerCase() === 'applications') {
    if (second === undefined) return { kind: 'graph', route: 'listApplications', params: { ...params, expectedMethod: 'GET' } };
    if (second === '$count' && third === undefined) {
      return { kind: 'graph', route: 'countApplications', params: { ...params, expectedMethod: 'GET' } };
    }
    params.appRef = second;
    params.appRefKind = 'id';
    appSegments = [third];
  } else {
    return unknown;
  }

  const action = appSegments[0];
  if (action === undefined) return { kind: 'graph', route: 'getApplication', params: { ...params, expectedMethod: 'GET' } };
  const known = ACTIONS[action.toLowerCase().replace(/^microsoft\.graph\./, '')];
  if (!known) return { ...unknown, params: { ...params, segment: action } };
  return { kind: 'graph', route: known.route, params: { ...params, expectedMethod: known.method } };
}

function identityRoute(segments: string[]): ResolvedRoute {
  const [tenant, ...rest] = segments;
  const tail = rest.join('/').toLowerCase();
  const params = { tenant: tenant ?? '' };
  const none: ResolvedRoute = { kind: 'none', route: 'notFound', params };
  if (tenant === undefined) return none;
  switch (tail) {
    case 'discovery/instance':
      return { kind: 'identity', route: 'instanceDiscovery', params };
    case 'v2.0/.well-known/openid-configuration':
      return { kind: 'identity', route: 'openidConfiguration', params };
    case 'discovery/v2.0/keys':
      return { kind: 'identity', route: 'jwks', params };
    case 'oauth2/v2.0/token':
      return { kind: 'identity', route: 'token', params };
    case 'oauth2/v2.0/authorize':
      return { kind: 'identity', route: 'authorize', params };
    default:
      return none;
  }
}

/** Maps a decoded path to a route name; admin paths never overlap Graph or identity ones. */
export function resolveRoute(path: string): ResolvedRoute {
  const segments = path.split('/').filter((segment) => segment.length > 0);
  const first = segments[0];
  if (first === '_emulator') return { kind: 'admin', route: 'notFound', params: {} };
  if (first !== undefined && GRAPH_VERSIONS.has(first)) return graphRoute(segments);
  return identityRoute(segments);
}
