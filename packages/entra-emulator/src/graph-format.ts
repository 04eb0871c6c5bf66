import type { EmulatorContext } from './context.js';
import { isVisibleToGraph, keyCredentialResource, passwordResource } from './credentials.js';
import { graphCreatedDateTime } from './dates.js';
import type { StoredApplication, StoredTenant } from './store.js';
import { GRAPH_APP_ID } from './tokens.js';

/** App-role ids of Microsoft Graph, so `requiredResourceAccess` looks like a real registration. */
const GRAPH_ROLE_IDS: Record<string, string> = {
  'Application.Read.All': '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30',
  'Application.ReadWrite.All': '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9',
  'Application.ReadWrite.OwnedBy': '18a4783c-866b-4cc7-a460-3d5e5662c884',
  'Directory.Read.All': '7ab1d382-f21e-4acd-a863-ba3e13f7da61',
  'Directory.ReadWrite.All': '19dbc75e-c2e2-444c-a770-ec69d8559fc7',
};

/** The `application` resource with the properties a rotator reads (reference §2.2); others keep Graph's defaults. */
export function applicationResource(ctx: EmulatorContext, tenant: StoredTenant, app: StoredApplication): Record<string, unknown> {
  const nowMs = ctx.clock.now();
  const roleAccess = [...app.roles].flatMap((role) => {
    const id = GRAPH_ROLE_IDS[role];
    return id ? [{ id, type: 'Role' }] : [];
  });
  return {
    id: app.id,
    deletedDateTime: null,
    appId: app.appId,
    applicationTemplateId: null,
    disabledByMicrosoftStatus: null,
    createdDateTime: graphCreatedDateTime(app.createdMs),
    displayName: app.displayName,
    description: app.description,
    groupMembershipClaims: null,
    identifierUris: [],
    isDeviceOnlyAuthSupported: null,
    isFallbackPublicClient: null,
    nativeAuthenticationApisEnabled: null,
    notes: app.notes,
    publisherDomain: tenant.domains[0] ?? null,
    serviceManagementReference: null,
    signInAudience: app.signInAudience,
    tags: [...app.tags],
    tokenEncryptionKeyId: null,
    uniqueName: null,
    samlMetadataUrl: null,
    defaultRedirectUri: null,
    certification: null,
    optionalClaims: null,
    servicePrincipalLockConfiguration: null,
    requestSignatureVerification: null,
    addIns: [],
    api: {
      acceptMappedClaims: null,
      knownClientApplications: [],
      requestedAccessTokenVersion: app.signInAudience.includes('Personal') ? 2 : null,
      oauth2PermissionScopes: [],
      preAuthorizedApplications: [],
    },
    appRoles: [],
    info: { logoUrl: null, marketingUrl: null, privacyStatementUrl: null, supportUrl: null, termsOfServiceUrl: null },
    keyCredentials: app.keyCredentials.map(keyCredentialResource),
    parentalControlSettings: { countriesBlockedForMinors: [], legalAgeGroupRule: 'Allow' },
    passwordCredentials: app.passwords
      .filter((password) => isVisibleToGraph(password, nowMs, ctx.settings.realism))
      .map(passwordResource),
    publicClient: { redirectUris: [] },
    requiredResourceAccess: roleAccess.length > 0 ? [{ resourceAppId: GRAPH_APP_ID, resourceAccess: roleAccess }] : [],
    verifiedPublisher: { displayName: null, verifiedPublisherId: null, addedDateTime: null },
    web: {
      homePageUrl: null,
      logoutUrl: null,
      redirectUris: [...app.redirectUris],
      implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
      redirectUriSettings: app.redirectUris.map((uri) => ({ uri, index: null })),
    },
    spa: { redirectUris: [] },
  };
}

/** Every selectable property name, in Graph's order (used to validate `$select`). */
export const APPLICATION_PROPERTIES: readonly string[] = Object.keys({
  id: 0, deletedDateTime: 0, appId: 0, applicationTemplateId: 0, disabledByMicrosoftStatus: 0, createdDateTime: 0,
  displayName: 0, description: 0, groupMembershipClaims: 0, identifierUris: 0, isDeviceOnlyAuthSupported: 0,
  isFallbackPublicClient: 0, nativeAuthenticationApisEnabled: 0, notes: 0, publisherDomain: 0,
  serviceManagementReference: 0, signInAudience: 0, tags: 0, tokenEncryptionKeyId: 0, uniqueName: 0,
  samlMetadataUrl: 0, defaultRedirectUri: 0, certification: 0, optionalClaims: 0,
  servicePrincipalLockConfiguration: 0, requestSignatureVerification: 0, addIns: 0, api: 0, appRoles: 0, info: 0,
  keyCredentials: 0, parentalControlSettings: 0, passwordCredentials: 0, publicClient: 0,
  requiredResourceAccess: 0, verifiedPublisher: 0, web: 0, spa: 0,
});

export function project(resource: Record<string, unknown>, select: string[] | null): Record<string, unknown> {
  if (!select) return resource;
  const out: Record<string, unknown> = {};
  for (const name of select) out[name] = resource[name];
  return out;
}
