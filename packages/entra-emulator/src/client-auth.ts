import { compactVerify, decodeJwt, decodeProtectedHeader } from 'jose';
import type { EmulatorContext } from './context.js';
import { checkSecret } from './credentials.js';
import { header, type EmulatorRequest } from './http.js';
import { aad, type AadError } from './identity-errors.js';
import { findAppByAppId, type StoredApplication, type StoredKeyCredential, type StoredTenant } from './store.js';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface BasicCredentials {
  clientId: string;
  secret: string;
}

function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** RFC 6749 §2.3.1: both halves are form-encoded before base64 (reference §1.4). */
export function parseBasicAuthorization(request: EmulatorRequest): BasicCredentials | null {
  const value = header(request.headers, 'authorization');
  if (!value?.toLowerCase().startsWith('basic ')) return null;
  const decoded = Buffer.from(value.slice(6).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

export type ClientAuthResult = { ok: true; appidacr: '1' | '2' } | { ok: false; failure: AadError };

function tokenEndpointAudiences(ctx: EmulatorContext, tenant: StoredTenant, segment: string): Set<string> {
  const names = new Set([segment, tenant.id, ...tenant.domains]);
  const audiences = new Set<string>();
  for (const name of names) {
    audiences.add(`${ctx.origin}/${name}/oauth2/v2.0/token`);
    audiences.add(`${ctx.origin}/${name}/v2.0`);
  }
  return audiences;
}

function findKey(app: StoredApplication, x5t: unknown, x5tS256: unknown): StoredKeyCredential | undefined {
  return app.keyCredentials.find(
    (key) =>
      (typeof x5tS256 === 'string' && key.thumbprintSha256.toString('base64url') === x5tS256) ||
      (typeof x5t === 'string' && key.thumbprintSha1.toString('base64url') === x5t),
  );
}

/**
 * Certificate credentials: MSAL signs the assertion with RS256 + `x5t` (SHA-1 thumbprint) or, via
 * @azure/identity, PS256 + `x5t#S256`. Both must be accepted.
 */
async function verifyAssertion(
  ctx: EmulatorContext,
  tenant: StoredTenant,
  segment: string,
  app: StoredApplication,
  assertion: string,
): Promise<ClientAuthResult> {
  let protectedHeader: ReturnType<typeof decodeProtectedHeader>;
  let claims: ReturnType<typeof decodeJwt>;
  try {
    protectedHeader = decodeProtectedHeader(assertion);
    claims = decodeJwt(assertion);
  } catch {
    return { ok: false, failure: aad.assertionMalformed() };
  }
  const x5tS256 = protectedHeader['x5t#S256'];
  const key = findKey(app, protectedHeader.x5t, x5tS256);
  if (!key) {
    const thumbprint = typeof x5tS256 === 'string' ? x5tS256 : typeof protectedHeader.x5t === 'string' ? protectedHeader.x5t : '';
    const hex = Buffer.from(thumbprint, 'base64url').toString('hex').toUpperCase();
    return { ok: false, failure: aad.assertionKeyNotFound(app.appId, hex) };
  }
  const alg = protectedHeader.alg;
  if (alg !== 'RS256' && alg !== 'PS256') return { ok: false, failure: aad.assertionInvalid(`Unsupported algorithm ${String(alg)}.`) };
  try {
    await compactVerify(assertion, key.publicKey, { algorithms: [alg] });
  } catch {
    return { ok: false, failure: aad.assertionInvalid('The signature does not match the registered certificate.') };
  }
  const nowMs = ctx.clock.now();
  if (nowMs < key.startMs || nowMs >= key.endMs) {
    return { ok: false, failure: aad.assertionInvalid('The key used is not within its validity period.') };
  }
  if (claims.iss !== app.appId || claims.sub !== app.appId) {
    return { ok: false, failure: aad.assertionInvalid("The 'iss' and 'sub' claims must be the client id.") };
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const valid = tokenEndpointAudiences(ctx, tenant, segment);
  if (!audiences.some((aud) => typeof aud === 'string' && valid.has(aud))) {
    return { ok: false, failure: aad.assertionInvalid("The 'aud' claim must be the token endpoint.") };
  }
  const nowSeconds = nowMs / 1000;
  const exp = typeof claims.exp === 'number' ? claims.exp : 0;
  const nbf = typeof claims.nbf === 'number' ? claims.nbf : 0;
  if (nowSeconds >= exp || nowSeconds + 300 < nbf) return { ok: false, failure: aad.assertionTime(nowMs, nbf, exp) };
  return { ok: true, appidacr: '2' };
}

/** Client authentication shared by every grant (reference §7.6: 7000218, then 7000215 / 7000222). */
export async function authenticateClient(
  ctx: EmulatorContext,
  tenant: StoredTenant,
  segment: string,
  app: StoredApplication,
  form: URLSearchParams,
  basic: BasicCredentials | null,
): Promise<ClientAuthResult> {
  const assertion = form.get('client_assertion');
  const secret = form.get('client_secret') ?? basic?.secret ?? null;
  if (assertion) {
    if (form.get('client_assertion_type') !== JWT_BEARER) return { ok: false, failure: aad.assertionMalformed() };
    return verifyAssertion(ctx, tenant, segment, app, assertion);
  }
  if (!secret) return { ok: false, failure: aad.noCredential() };
  const check = checkSecret(app, secret, ctx.clock.now(), ctx.settings.realism, ctx.random);
  switch (check.result) {
    case 'ok':
      return { ok: true, appidacr: '1' };
    case 'expired':
      return { ok: false, failure: aad.expiredSecret(app.appId) };
    case 'notYetValid':
      return { ok: false, failure: aad.invalidSecret(app.appId, ctx.settings.futureSecretCode) };
    default:
      return { ok: false, failure: aad.invalidSecret(app.appId) };
  }
}

export function tenantLabel(tenant: StoredTenant): string {
  return tenant.displayName || tenant.id;
}

export interface ClientIdentification {
  tenant: StoredTenant;
  segment: string;
  form: URLSearchParams;
  clientId: string | null;
  basic: BasicCredentials | null;
}

/** Looks the client up and authenticates it; shared by every grant. */
export async function identifyClient(
  ctx: EmulatorContext,
  input: ClientIdentification,
): Promise<{ app: StoredApplication; appidacr: '1' | '2' } | { failure: AadError }> {
  if (!input.clientId) return { failure: aad.missingParameter('client_id') };
  const app = findAppByAppId(input.tenant, input.clientId);
  if (!app) return { failure: aad.clientNotFound(input.clientId, tenantLabel(input.tenant)) };
  const auth = await authenticateClient(ctx, input.tenant, input.segment, app, input.form, input.basic);
  if (!auth.ok) return { failure: auth.failure };
  return { app, appidacr: auth.appidacr };
}
