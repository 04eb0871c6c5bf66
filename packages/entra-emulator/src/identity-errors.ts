import type { EmulatorContext } from './context.js';
import { aadTimestamp } from './dates.js';
import { jsonResponse, type EmulatorRequest, type EmulatorResponse } from './http.js';
import { newGuid } from './ids.js';

export interface AadError {
  status: number;
  error: string;
  code: number;
  text: string;
}

/**
 * Entra's error texts (reference §1.6). Where the reference marks a text unverified, the wording is
 * the best public evidence; clients must branch on `error` / `error_codes`, never on the text.
 */
export const aad = {
  badTenantSyntax: (tenant: string): AadError => ({
    status: 400,
    error: 'invalid_request',
    code: 900023,
    text: `Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`,
  }),
  tenantNotFound: (tenant: string): AadError => ({
    status: 400,
    error: 'invalid_tenant',
    code: 90002,
    text: `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  }),
  noTenantInformation: (): AadError => ({
    status: 400,
    error: 'invalid_request',
    code: 50059,
    text: 'No tenant-identifying information found in either the request or implied by any provided credentials.',
  }),
  missingParameter: (name: string): AadError => ({
    status: 400,
    error: 'invalid_request',
    code: 900144,
    text: `The request body must contain the following parameter: '${name}'.`,
  }),
  postOnly: (method: string): AadError => ({
    status: 400,
    error: 'invalid_request',
    code: 900561,
    text: `The endpoint only accepts POST, OPTIONS requests. Received a ${method} request.`,
  }),
  unsupportedGrant: (grant: string): AadError => ({
    status: 400,
    error: 'unsupported_grant_type',
    code: 70003,
    text: `The app requested an unsupported grant type '${grant}'.`,
  }),
  scopeNotDefault: (scope: string): AadError => ({
    status: 400,
    error: 'invalid_scope',
    code: 1002012,
    text: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  }),
  invalidScope: (scope: string): AadError => ({
    status: 400,
    error: 'invalid_scope',
    code: 70011,
    text: `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
  }),
  clientNotFound: (clientId: string, tenantName: string): AadError => ({
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    text: `Application with identifier '${clientId}' was not found in the directory '${tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  }),
  noCredential: (): AadError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000218,
    text: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  }),
  invalidSecret: (appId: string, code = 7000215): AadError =>
    code === 7000222
      ? aad.expiredSecret(appId)
      : {
          status: 401,
          error: 'invalid_client',
          code,
          text: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${appId}'.`,
        },
  expiredSecret: (appId: string): AadError => ({
    status: 401,
    error: 'invalid_client',
    code: 7000222,
    text: `The provided client secret keys for app '${appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
  }),
  assertionKeyNotFound: (appId: string, thumbprint: string): AadError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    text: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${appId}'.]`,
  }),
  assertionInvalid: (reason: string): AadError => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    text: `Client assertion failed signature validation. [Reason - ${reason}]`,
  }),
  assertionMalformed: (): AadError => ({
    status: 400,
    error: 'invalid_request',
    code: 50027,
    text: 'JWT token is invalid or malformed.',
  }),
  assertionTime: (nowMs: number, nbf: number, exp: number): AadError => ({
    status: 401,
    error: 'invalid_client',
    code: 700024,
    text: `Client assertion is not within its valid time range. Current time: ${new Date(nowMs).toISOString()}, assertion valid from ${new Date(nbf * 1000).toISOString()}, expiry time of assertion ${new Date(exp * 1000).toISOString()}. Review the documentation at https://docs.microsoft.com/azure/active-directory/develop/active-directory-certificate-credentials .`,
  }),
  redirectMismatch: (redirectUri: string, appId: string): AadError => ({
    status: 400,
    error: 'invalid_request',
    code: 50011,
    text: `The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
  }),
  codeExpired: (): AadError => ({
    status: 400,
    error: 'invalid_grant',
    code: 70008,
    text: 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
  }),
  codeRedeemed: (): AadError => ({
    status: 400,
    error: 'invalid_grant',
    code: 54005,
    text: 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
  }),
  malformedGrant: (): AadError => ({
    status: 400,
    error: 'invalid_grant',
    code: 9002313,
    text: 'Invalid request. Request is malformed or invalid.',
  }),
  pkceMismatch: (): AadError => ({
    status: 400,
    error: 'invalid_grant',
    code: 501481,
    text: 'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
  }),
  transient: (status: number): AadError => ({
    status,
    error: 'temporarily_unavailable',
    code: 90033,
    text: 'A transient error has occurred. Please try again.',
  }),
  appDisabled: (appId: string): AadError => ({
    status: 400,
    error: 'unauthorized_client',
    code: 7000112,
    text: `Application '${appId}' is disabled.`,
  }),
};

/** Headers login.microsoftonline.com sends on every JSON answer. */
export function identityHeaders(request: EmulatorRequest, traceId: string): Record<string, string> {
  return {
    'cache-control': 'no-store, no-cache',
    pragma: 'no-cache',
    'x-ms-request-id': traceId,
    'client-request-id': request.clientRequestId,
    'x-ms-ests-server': 'entra-emulator',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'x-content-type-options': 'nosniff',
  };
}

/** The full identity error envelope (reference §1.6 / §7.8). */
export function aadErrorResponse(
  ctx: EmulatorContext,
  request: EmulatorRequest,
  failure: AadError,
  extraHeaders: Record<string, string> = {},
): EmulatorResponse {
  const traceId = newGuid();
  const correlationId = request.clientRequestId;
  const timestamp = aadTimestamp(ctx.clock.now());
  const body = {
    error: failure.error,
    error_description: `AADSTS${failure.code}: ${failure.text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [failure.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${failure.code}`,
  };
  return jsonResponse(failure.status, body, { ...identityHeaders(request, traceId), ...extraHeaders });
}
