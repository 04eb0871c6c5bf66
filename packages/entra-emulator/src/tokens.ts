import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { errors as joseErrors, exportJWK, type JWK, jwtVerify, SignJWT } from 'jose';
import { newGuid, randomToken } from './ids.js';

export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const GRAPH_AUDIENCES = [GRAPH_RESOURCE, `${GRAPH_RESOURCE}/`, GRAPH_APP_ID];

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  kid: string;
  jwk: JWK;
}

/** One signing key per emulator run; `kid` mimics Entra, where it equals the key's x5t. */
export async function createSigningKey(privateKeyPem: string): Promise<SigningKey> {
  const privateKey = createPrivateKey(privateKeyPem);
  const publicKey = createPublicKey(privateKey);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const kid = createHash('sha1').update(spki).digest('base64url');
  const jwk = await exportJWK(publicKey);
  return { privateKey, publicKey, kid, jwk: { kty: jwk.kty, use: 'sig', kid, x5t: kid, n: jwk.n, e: jwk.e } };
}

/** Access tokens use the v1 issuer, as real Graph tokens do (reference §1.5). */
export function accessTokenIssuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

export interface AppTokenInput {
  tenantId: string;
  audience: string;
  appId: string;
  appDisplayName: string;
  servicePrincipalId: string;
  roles: string[];
  /** "1" client secret, "2" certificate. */
  appidacr: '1' | '2';
  nowMs: number;
  lifetimeSeconds: number;
}

export interface UserTokenInput {
  tenantId: string;
  audience: string;
  appId: string;
  appDisplayName: string;
  userId: string;
  userPrincipalName: string;
  userDisplayName: string;
  scopes: string[];
  appidacr: '1' | '2';
  nowMs: number;
  lifetimeSeconds: number;
}

async function sign(key: SigningKey, claims: Record<string, unknown>, nowMs: number, lifetimeSeconds: number): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ ...claims, iat, nbf: iat, exp: iat + lifetimeSeconds })
    .setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: key.kid, x5t: key.kid })
    .sign(key.privateKey);
}

export function issueAppToken(key: SigningKey, input: AppTokenInput): Promise<string> {
  return sign(
    key,
    {
      aud: input.audience,
      iss: accessTokenIssuer(input.tenantId),
      app_displayname: input.appDisplayName,
      appid: input.appId,
      appidacr: input.appidacr,
      idp: accessTokenIssuer(input.tenantId),
      idtyp: 'app',
      oid: input.servicePrincipalId,
      // Entra omits the claim entirely when no application permission is granted.
      ...(input.roles.length > 0 ? { roles: input.roles } : {}),
      sub: input.servicePrincipalId,
      tid: input.tenantId,
      uti: randomToken(16),
      ver: '1.0',
    },
    input.nowMs,
    input.lifetimeSeconds,
  );
}

export function issueUserToken(key: SigningKey, input: UserTokenInput): Promise<string> {
  return sign(
    key,
    {
      aud: input.audience,
      iss: accessTokenIssuer(input.tenantId),
      amr: ['pwd'],
      app_displayname: input.appDisplayName,
      appid: input.appId,
      appidacr: input.appidacr,
      idtyp: 'user',
      name: input.userDisplayName,
      oid: input.userId,
      scp: input.scopes.join(' '),
      sub: input.userId,
      tid: input.tenantId,
      unique_name: input.userPrincipalName,
      upn: input.userPrincipalName,
      uti: randomToken(16),
      ver: '1.0',
    },
    input.nowMs,
    input.lifetimeSeconds,
  );
}

export interface IdTokenInput {
  issuer: string;
  clientId: string;
  tenantId: string;
  userId: string;
  userPrincipalName: string;
  userDisplayName: string;
  nonce?: string;
  nowMs: number;
}

export function issueIdToken(key: SigningKey, input: IdTokenInput): Promise<string> {
  return sign(
    key,
    {
      aud: input.clientId,
      iss: input.issuer,
      name: input.userDisplayName,
      oid: input.userId,
      preferred_username: input.userPrincipalName,
      sub: newGuid(),
      tid: input.tenantId,
      ver: '2.0',
      ...(input.nonce === undefined ? {} : { nonce: input.nonce }),
    },
    input.nowMs,
    3600,
  );
}

export interface VerifiedToken {
  tenantId: string;
  appId: string;
  /** Service principal id for app tokens, user id for delegated ones. */
  principalId: string;
  isUser: boolean;
  permissions: Set<string>;
}

export type TokenVerification = { ok: true; token: VerifiedToken } | { ok: false; reason: 'expired' | 'invalid' };

/** Graph-side validation with the emulator clock, so `advanceClock` can expire tokens. */
export async function verifyAccessToken(key: SigningKey, token: string, nowMs: number): Promise<TokenVerification> {
  try {
    const { payload } = await jwtVerify(token, key.publicKey, {
      algorithms: ['RS256'],
      audience: GRAPH_AUDIENCES,
      currentDate: new Date(nowMs),
    });
    const tid = payload.tid;
    const appid = payload.appid;
    const oid = payload.oid;
    if (typeof tid !== 'string' || typeof appid !== 'string' || typeof oid !== 'string') return { ok: false, reason: 'invalid' };
    if (payload.iss !== accessTokenIssuer(tid)) return { ok: false, reason: 'invalid' };
    const isUser = payload.idtyp === 'user';
    const granted = isUser
      ? typeof payload.scp === 'string'
        ? payload.scp.split(' ')
        : []
      : Array.isArray(payload.roles)
        ? payload.roles.filter((role): role is string => typeof role === 'string')
        : [];
    return { ok: true, token: { tenantId: tid, appId: appid, principalId: oid, isUser, permissions: new Set(granted) } };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) return { ok: false, reason: 'expired' };
    if (error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'nbf') return { ok: false, reason: 'expired' };
    return { ok: false, reason: 'invalid' };
  }
}
