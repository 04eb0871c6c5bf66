import { createHash } from 'node:crypto';
import { type BasicCredentials, identifyClient, tenantLabel } from './client-auth.js';
import type { AuthorizationCode, EmulatorContext } from './context.js';
import { emptyResponse, jsonResponse, textResponse, type EmulatorRequest, type EmulatorResponse } from './http.js';
import { aad, type AadError, aadErrorResponse, identityHeaders } from './identity-errors.js';
import { v2Issuer } from './identity-metadata.js';
import { newGuid, randomToken } from './ids.js';
import { defaultUser } from './seed.js';
import { findAppByAppId, findUser, type StoredApplication, type StoredTenant } from './store.js';
import type { TenantResolution } from './tenant-resolution.js';
import { GRAPH_APP_ID, GRAPH_RESOURCE, issueIdToken, issueUserToken } from './tokens.js';

const CODE_LIFETIME_MS = 10 * 60_000;
const REFRESH_LIFETIME_MS = 90 * 86_400_000;
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

interface DelegatedScopes {
  /** Graph permission names, e.g. `Application.ReadWrite.All` (they become `scp`). */
  graph: string[];
  oidc: string[];
}

/** Delegated scopes may be bare (`User.Read`) or resource-qualified; only Graph is a known resource. */
function parseDelegatedScopes(scope: string, app: StoredApplication): DelegatedScopes | null {
  const graph = new Set<string>();
  const oidc: string[] = [];
  for (const value of scope.split(' ').filter(Boolean)) {
    if (OIDC_SCOPES.has(value)) {
      oidc.push(value);
      continue;
    }
    let name = value;
    for (const prefix of [`${GRAPH_RESOURCE}/`, `${GRAPH_APP_ID}/`]) {
      if (value.toLowerCase().startsWith(prefix)) name = value.slice(prefix.length);
    }
    if (name.includes('/') || name.includes(':')) return null;
    // `.default` means "whatever was consented": the app's granted permissions plus sign-in.
    if (name === '.default') for (const role of [...app.roles, 'User.Read']) graph.add(role);
    else graph.add(name);
  }
  return { graph: [...graph], oidc };
}

function redirectWith(redirectUri: string, mode: string, params: Record<string, string>): EmulatorResponse {
  if (mode === 'form_post') {
    const inputs = Object.entries(params)
      .map(([name, value]) => `<input type="hidden" name="${name}" value="${value.replace(/"/g, '&quot;')}"/>`)
      .join('');
    return textResponse(
      200,
      `<html><body onload="document.forms[0].submit()"><form method="post" action="${redirectUri}">${inputs}</form></body></html>`,
      'text/html; charset=utf-8',
    );
  }
  const url = new URL(redirectUri);
  const encoded = new URLSearchParams(params).toString();
  if (mode === 'fragment') url.hash = encoded;
  else for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return emptyResponse(302, { location: url.toString(), 'cache-control': 'no-store, no-cache' });
}

function authorizeTenant(ctx: EmulatorContext, resolution: TenantResolution, clientId: string): StoredTenant | undefined {
  if (resolution.kind === 'tenant') return resolution.tenant;
  // A multi-tenant authority signs the user into the tenant that registered the client.
  for (const tenant of ctx.store.tenants.values()) if (findAppByAppId(tenant, clientId)) return tenant;
  return undefined;
}

/**
 * `GET /{tenant}/oauth2/v2.0/authorize`: no login page; the user consents at once and is sent back
 * to the registered redirect URI with `code` and `state`.
 */
export function authorizeEndpoint(ctx: EmulatorContext, request: EmulatorRequest, resolution: TenantResolution): EmulatorResponse {
  const query = request.query;
  const segment = request.params.tenant ?? '';
  if (resolution.kind === 'invalid') return aadErrorResponse(ctx, request, aad.badTenantSyntax(segment));
  if (resolution.kind === 'unknown') return aadErrorResponse(ctx, request, aad.tenantNotFound(segment));
  const clientId = query.get('client_id');
  if (!clientId) return aadErrorResponse(ctx, request, aad.missingParameter('client_id'));
  const tenant = authorizeTenant(ctx, resolution, clientId);
  const app = tenant ? findAppByAppId(tenant, clientId) : undefined;
  if (!tenant || !app) return aadErrorResponse(ctx, request, aad.clientNotFound(clientId, tenant ? tenantLabel(tenant) : segment));
  const redirectUri = query.get('redirect_uri') ?? (app.redirectUris.length === 1 ? app.redirectUris[0] : undefined);
  if (!redirectUri || !app.redirectUris.includes(redirectUri)) {
    return aadErrorResponse(ctx, request, aad.redirectMismatch(redirectUri ?? '', app.appId));
  }
  const mode = query.get('response_mode') ?? 'query';
  const state = query.get('state');
  const withState = (params: Record<string, string>): Record<string, string> => (state === null ? params : { ...params, state });
  const fail = (error: string, failure: AadError): EmulatorResponse =>
    redirectWith(redirectUri, mode, withState({ error, error_description: `AADSTS${failure.code}: ${failure.text}` }));
  if (query.get('response_type') !== 'code') return fail('unsupported_response_type', aad.unsupportedGrant(query.get('response_type') ?? ''));
  const scope = query.get('scope');
  if (!scope) return fail('invalid_request', aad.missingParameter('scope'));
  const scopes = parseDelegatedScopes(scope, app);
  if (!scopes) return fail('invalid_scope', aad.invalidScope(scope));
  const hint = query.get('login_hint');
  const user = (hint ? findUser(tenant, hint) : undefined) ?? defaultUser(tenant);
  const code = `0.A${randomToken(48)}`;
  const challenge = query.get('code_challenge');
  const record: AuthorizationCode = {
    tenantId: tenant.id,
    clientAppId: app.appId,
    redirectUri,
    scopes: [...scopes.graph, ...scopes.oidc],
    userId: user.id,
    codeChallenge: challenge,
    codeChallengeMethod: challenge ? (query.get('code_challenge_method') ?? 'plain') : null,
    nonce: query.get('nonce'),
    expiresMs: ctx.clock.now() + CODE_LIFETIME_MS,
    redeemed: false,
  };
  ctx.authorizationCodes.set(code, record);
  return redirectWith(redirectUri, mode, withState({ code, session_state: newGuid() }));
}

interface GrantInput {
  form: URLSearchParams;
  clientId: string | null;
  basic: BasicCredentials | null;
  segment: string;
}

interface DelegatedSession {
  tenant: StoredTenant;
  app: StoredApplication;
  appidacr: '1' | '2';
  userId: string;
  scopes: string[];
  nonce: string | null;
}

async function delegatedTokenResponse(ctx: EmulatorContext, request: EmulatorRequest, session: DelegatedSession): Promise<EmulatorResponse> {
  const user = findUser(session.tenant, session.userId) ?? defaultUser(session.tenant);
  const nowMs = ctx.clock.now();
  const lifetime = ctx.settings.tokenLifetimeSeconds;
  const graphScopes = session.scopes.filter((scope) => !OIDC_SCOPES.has(scope));
  const accessToken = await issueUserToken(await ctx.signingKey, {
    tenantId: session.tenant.id,
    audience: GRAPH_RESOURCE,
    appId: session.app.appId,
    appDisplayName: session.app.displayName,
    userId: user.id,
    userPrincipalName: user.userPrincipalName,
    userDisplayName: user.displayName,
    scopes: graphScopes,
    appidacr: session.appidacr,
    nowMs,
    lifetimeSeconds: lifetime,
  });
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: [
      ...session.scopes.filter((scope) => OIDC_SCOPES.has(scope) && scope !== 'offline_access'),
      ...graphScopes.map((scope) => `${GRAPH_RESOURCE}/${scope}`),
    ].join(' '),
    expires_in: lifetime,
    ext_expires_in: lifetime,
    access_token: accessToken,
  };
  if (session.scopes.includes('offline_access')) {
    const refreshToken = `1.A${randomToken(64)}`;
    ctx.refreshTokens.set(refreshToken, {
      tenantId: session.tenant.id,
      clientAppId: session.app.appId,
      userId: user.id,
      scopes: session.scopes,
      expiresMs: nowMs + REFRESH_LIFETIME_MS,
    });
    body.refresh_token = refreshToken;
  }
  if (session.scopes.includes('openid')) {
    body.id_token = await issueIdToken(await ctx.signingKey, {
      issuer: v2Issuer(ctx, session.tenant.id),
      clientId: session.app.appId,
      tenantId: session.tenant.id,
      userId: user.id,
      userPrincipalName: user.userPrincipalName,
      userDisplayName: user.displayName,
      ...(session.nonce === null ? {} : { nonce: session.nonce }),
      nowMs,
    });
  }
  if (request.body.length > 0 && new URLSearchParams(request.body.toString('utf8')).get('client_info') === '1') {
    body.client_info = Buffer.from(JSON.stringify({ uid: user.id, utid: session.tenant.id })).toString('base64url');
  }
  return jsonResponse(200, body, identityHeaders(request, newGuid()));
}

function pkceMatches(record: AuthorizationCode, verifier: string | null): boolean {
  if (!record.codeChallenge) return true;
  if (!verifier) return false;
  const computed = record.codeChallengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return computed === record.codeChallenge;
}

function grantTenant(ctx: EmulatorContext, resolution: TenantResolution, tenantId: string): StoredTenant | undefined {
  if (resolution.kind === 'tenant') return resolution.tenant.id === tenantId ? resolution.tenant : undefined;
  return ctx.store.tenants.get(tenantId);
}

export async function authorizationCodeGrant(
  ctx: EmulatorContext,
  request: EmulatorRequest,
  resolution: TenantResolution,
  input: GrantInput,
): Promise<EmulatorResponse> {
  const code = input.form.get('code');
  if (!code) return aadErrorResponse(ctx, request, aad.missingParameter('code'));
  const record = ctx.authorizationCodes.get(code);
  const tenant = record ? grantTenant(ctx, resolution, record.tenantId) : undefined;
  if (!record || !tenant) return aadErrorResponse(ctx, request, aad.malformedGrant());
  const client = await identifyClient(ctx, { tenant, segment: input.segment, form: input.form, clientId: input.clientId, basic: input.basic });
  if ('failure' in client) return aadErrorResponse(ctx, request, client.failure);
  if (client.app.appId !== record.clientAppId) return aadErrorResponse(ctx, request, aad.malformedGrant());
  if (record.redeemed) return aadErrorResponse(ctx, request, aad.codeRedeemed());
  if (ctx.clock.now() >= record.expiresMs) return aadErrorResponse(ctx, request, aad.codeExpired());
  const redirectUri = input.form.get('redirect_uri');
  if (redirectUri !== record.redirectUri) return aadErrorResponse(ctx, request, aad.redirectMismatch(redirectUri ?? '', record.clientAppId));
  if (!pkceMatches(record, input.form.get('code_verifier'))) return aadErrorResponse(ctx, request, aad.pkceMismatch());
  record.redeemed = true;
  return delegatedTokenResponse(ctx, request, {
    tenant,
    app: client.app,
    appidacr: client.appidacr,
    userId: record.userId,
    scopes: record.scopes,
    nonce: record.nonce,
  });
}

export async function refreshTokenGrant(
  ctx: EmulatorContext,
  request: EmulatorRequest,
  resolution: TenantResolution,
  input: GrantInput,
): Promise<EmulatorResponse> {
  const token = input.form.get('refresh_token');
  if (!token) return aadErrorResponse(ctx, request, aad.missingParameter('refresh_token'));
  const record = ctx.refreshTokens.get(token);
  const tenant = record ? grantTenant(ctx, resolution, record.tenantId) : undefined;
  if (!record || !tenant) return aadErrorResponse(ctx, request, aad.malformedGrant());
  const client = await identifyClient(ctx, { tenant, segment: input.segment, form: input.form, clientId: input.clientId, basic: input.basic });
  if ('failure' in client) return aadErrorResponse(ctx, request, client.failure);
  if (client.app.appId !== record.clientAppId) return aadErrorResponse(ctx, request, aad.malformedGrant());
  if (ctx.clock.now() >= record.expiresMs) return aadErrorResponse(ctx, request, aad.codeExpired());
  return delegatedTokenResponse(ctx, request, {
    tenant,
    app: client.app,
    appidacr: client.appidacr,
    userId: record.userId,
    scopes: record.scopes,
    nonce: null,
  });
}
