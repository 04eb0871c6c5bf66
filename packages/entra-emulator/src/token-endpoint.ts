import { authorizationCodeGrant, refreshTokenGrant } from './authorize.js';
import { type ClientIdentification, identifyClient, parseBasicAuthorization } from './client-auth.js';
import type { EmulatorContext } from './context.js';
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from './http.js';
import { aad, type AadError, aadErrorResponse, identityHeaders } from './identity-errors.js';
import { newGuid } from './ids.js';
import { resolveTenant } from './tenant-resolution.js';
import { GRAPH_APP_ID, GRAPH_RESOURCE, issueAppToken } from './tokens.js';

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);
const GRAPH_RESOURCES = new Set([GRAPH_RESOURCE, `${GRAPH_RESOURCE}/`, GRAPH_APP_ID]);
const DEFAULT_SUFFIX = '/.default';

/** Client-credentials scope rules (reference §1.6): one resource, `/.default`, and a known resource. */
export function audienceForDefaultScope(scope: string): { audience: string } | { failure: AadError } {
  const scopes = scope.split(' ').filter((value) => value.length > 0 && !OIDC_SCOPES.has(value));
  const only = scopes.length === 1 ? scopes[0] : undefined;
  if (only === undefined) return { failure: aad.invalidScope(scope) };
  if (!only.endsWith(DEFAULT_SUFFIX)) return { failure: aad.scopeNotDefault(scope) };
  const resource = only.slice(0, -DEFAULT_SUFFIX.length);
  if (!GRAPH_RESOURCES.has(resource.toLowerCase())) return { failure: aad.invalidScope(scope) };
  return { audience: resource === GRAPH_APP_ID ? GRAPH_APP_ID : GRAPH_RESOURCE };
}

async function clientCredentialsGrant(ctx: EmulatorContext, request: EmulatorRequest, input: ClientIdentification): Promise<EmulatorResponse> {
  const scope = input.form.get('scope');
  if (!scope) return aadErrorResponse(ctx, request, aad.missingParameter('scope'));
  const audience = audienceForDefaultScope(scope);
  if ('failure' in audience) return aadErrorResponse(ctx, request, audience.failure);
  const client = await identifyClient(ctx, input);
  if ('failure' in client) return aadErrorResponse(ctx, request, client.failure);
  const lifetime = ctx.settings.tokenLifetimeSeconds;
  const accessToken = await issueAppToken(await ctx.signingKey, {
    tenantId: input.tenant.id,
    audience: audience.audience,
    appId: client.app.appId,
    appDisplayName: client.app.displayName,
    servicePrincipalId: client.app.servicePrincipalId,
    roles: [...client.app.roles],
    appidacr: client.appidacr,
    nowMs: ctx.clock.now(),
    lifetimeSeconds: lifetime,
  });
  return jsonResponse(
    200,
    { token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: accessToken },
    identityHeaders(request, newGuid()),
  );
}

/** `POST /{tenant}/oauth2/v2.0/token`, checks in the order of reference §7.6. */
export async function tokenEndpoint(ctx: EmulatorContext, request: EmulatorRequest): Promise<EmulatorResponse> {
  if (request.method !== 'POST') return aadErrorResponse(ctx, request, aad.postOnly(request.method));
  const segment = request.params.tenant ?? '';
  const resolution = resolveTenant(ctx.store, segment);
  if (resolution.kind === 'invalid') return aadErrorResponse(ctx, request, aad.badTenantSyntax(segment));
  if (resolution.kind === 'unknown') return aadErrorResponse(ctx, request, aad.tenantNotFound(segment));
  // Content-Type is not checked: clients send it with and without a charset (reference §7.22).
  const form = new URLSearchParams(request.body.toString('utf8'));
  const grantType = form.get('grant_type');
  if (!grantType) return aadErrorResponse(ctx, request, aad.missingParameter('grant_type'));
  if (grantType !== 'client_credentials' && grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    return aadErrorResponse(ctx, request, aad.unsupportedGrant(grantType));
  }
  if (resolution.kind === 'multi' && grantType === 'client_credentials') {
    return aadErrorResponse(ctx, request, aad.noTenantInformation());
  }
  const basic = parseBasicAuthorization(request);
  const clientId = form.get('client_id') ?? basic?.clientId ?? null;
  if (grantType === 'authorization_code') return authorizationCodeGrant(ctx, request, resolution, { form, clientId, basic, segment });
  if (grantType === 'refresh_token') return refreshTokenGrant(ctx, request, resolution, { form, clientId, basic, segment });
  if (resolution.kind !== 'tenant') return aadErrorResponse(ctx, request, aad.noTenantInformation());
  return clientCredentialsGrant(ctx, request, { tenant: resolution.tenant, segment, form, clientId, basic });
}
