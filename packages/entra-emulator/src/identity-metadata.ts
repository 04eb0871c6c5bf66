import type { EmulatorContext } from './context.js';
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from './http.js';
import { aad, aadErrorResponse, identityHeaders } from './identity-errors.js';
import { newGuid } from './ids.js';
import { resolveTenant } from './tenant-resolution.js';

function originHost(origin: string): string {
  return new URL(origin).host;
}

/** Issuer on the emulator origin, so MSAL's issuer check passes (same host:port as the authority). */
export function v2Issuer(ctx: EmulatorContext, tenantId: string): string {
  return `${ctx.origin}/${tenantId}/v2.0`;
}

/**
 * `GET /common/discovery/instance` (reference §1.2): MSAL only trusts the body when both
 * `tenant_discovery_endpoint` and `metadata` are present.
 */
export function instanceDiscovery(ctx: EmulatorContext, request: EmulatorRequest): EmulatorResponse {
  const host = originHost(ctx.origin);
  const authorizationEndpoint = request.query.get('authorization_endpoint');
  let tenant = 'common';
  if (authorizationEndpoint) {
    try {
      tenant = new URL(authorizationEndpoint).pathname.split('/').filter(Boolean)[0] ?? 'common';
    } catch {
      // A malformed endpoint still gets the common document, as the real service does.
    }
  }
  return jsonResponse(
    200,
    {
      tenant_discovery_endpoint: `${ctx.origin}/${tenant}/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    },
    identityHeaders(request, newGuid()),
  );
}

export function openIdConfiguration(ctx: EmulatorContext, request: EmulatorRequest): EmulatorResponse {
  const segment = request.params.tenant ?? '';
  const resolution = resolveTenant(ctx.store, segment);
  if (resolution.kind === 'invalid') return aadErrorResponse(ctx, request, aad.badTenantSyntax(segment));
  if (resolution.kind === 'unknown') return aadErrorResponse(ctx, request, aad.tenantNotFound(segment));
  // Multi-tenant authorities advertise the `{tenantid}` template in the issuer, like Entra.
  const tenantId = resolution.kind === 'tenant' ? resolution.tenant.id : '{tenantid}';
  const pathTenant = resolution.kind === 'tenant' ? resolution.tenant.id : resolution.name;
  const base = `${ctx.origin}/${pathTenant}`;
  return jsonResponse(
    200,
    {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: v2Issuer(ctx, tenantId),
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${ctx.origin}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: [
        'sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host',
        'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash',
        'c_hash', 'email',
      ],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: 'NA',
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: originHost(ctx.origin),
      rbac_url: 'https://pas.windows.net',
    },
    identityHeaders(request, newGuid()),
  );
}

export async function jwks(ctx: EmulatorContext, request: EmulatorRequest): Promise<EmulatorResponse> {
  const segment = request.params.tenant ?? '';
  const resolution = resolveTenant(ctx.store, segment);
  if (resolution.kind === 'invalid') return aadErrorResponse(ctx, request, aad.badTenantSyntax(segment));
  if (resolution.kind === 'unknown') return aadErrorResponse(ctx, request, aad.tenantNotFound(segment));
  const issuer = v2Issuer(ctx, resolution.kind === 'tenant' ? resolution.tenant.id : '{tenantid}');
  const key = await ctx.signingKey;
  return jsonResponse(200, { keys: [{ ...key.jwk, issuer }] }, identityHeaders(request, newGuid()));
}
