import { createHash } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { open, seal } from '../crypto/aead.js';
import { instanceSecretAad } from '../crypto/root-key.js';
import type { Db } from '../db/database.js';
import { unauthorized } from '../http/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';

/** Users' access tokens are short-lived; the refresh cookie gets a new one. */
export const userAccessTokenTtlSeconds = 15 * 60;
const issuer = 'rekey';
const signingKeyName = 'jwt-signing-key';

export type VerifiedToken =
  | { kind: 'user'; userId: string; sessionId: string; orgId: string }
  | { kind: 'identity'; identityId: string; tokenId: string };

export type TokenService = {
  signUserAccessToken(claims: { userId: string; sessionId: string; orgId: string }): Promise<{ token: string; expiresIn: number }>;
  /** `maxTtlSeconds` 0 means the JWT itself carries no expiry; the database row still decides. */
  signIdentityAccessToken(claims: { identityId: string; tokenId: string; issuedAt: Date; maxTtlSeconds: number }): Promise<string>;
  /** Checks signature and expiry only; callers check the session or token row in the database. */
  verify(token: string): Promise<VerifiedToken>;
  /** What `verify` would answer for a token it verified before and that has not expired; otherwise undefined. */
  verifiedBefore(token: string): VerifiedToken | undefined;
};

/** SHA-256 for high-entropy random tokens (refresh tokens, client secrets, invitation tokens). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The HS256 signing key is an instance secret: 32 random bytes generated on first start, stored sealed by the
 * root key in `instance_secrets` (so root-key rotation re-wraps it) and shared by every replica.
 */
async function loadSigningKey(db: Db, rootKey: Buffer, ids: Ids): Promise<Uint8Array> {
  const aad = instanceSecretAad(signingKeyName);
  const read = () => db.selectFrom('instance_secrets').select('wrapped').where('name', '=', signingKeyName).executeTakeFirst();
  let row = await read();
  if (!row) {
    const key = Buffer.from(ids.token(32), 'base64url');
    await db
      .insertInto('instance_secrets')
      .values({ name: signingKeyName, wrapped: seal(rootKey, key, aad) })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    row = await read();
  }
  if (!row) throw new Error('the JWT signing key could not be stored');
  return new Uint8Array(open(rootKey, row.wrapped, aad));
}

export function createTokenService(deps: { db: Db; rootKey: Buffer; clock: Clock; ids: Ids }): TokenService {
  let key: Promise<Uint8Array> | undefined;
  const signingKey = () => {
    key ??= loadSigningKey(deps.db, deps.rootKey, deps.ids).catch((error: unknown) => {
      key = undefined;
      throw error;
    });
    return key;
  };
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  // Signature checks are pure (the signing key never changes), so a verified token is remembered until its
  // own expiry; the session or token row is still checked by the authenticator on every request.
  const verified = new Map<string, { token: VerifiedToken; expiresAt: number | undefined }>();
  const maxVerified = 10_000;

  function verifiedBefore(token: string): VerifiedToken | undefined {
    const known = verified.get(token);
    return known && (known.expiresAt === undefined || known.expiresAt > seconds(deps.clock.now())) ? known.token : undefined;
  }

  return {
    async signUserAccessToken({ userId, sessionId, orgId }) {
      const now = seconds(deps.clock.now());
      const token = await new SignJWT({ typ: 'user', sid: sessionId, org: orgId })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(issuer)
        .setSubject(userId)
        .setIssuedAt(now)
        .setExpirationTime(now + userAccessTokenTtlSeconds)
        .sign(await signingKey());
      return { token, expiresIn: userAccessTokenTtlSeconds };
    },

    async signIdentityAccessToken({ identityId, tokenId, issuedAt, maxTtlSeconds }) {
      const iat = seconds(issuedAt);
      const jwt = new SignJWT({ typ: 'identity' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(issuer)
        .setSubject(identityId)
        .setJti(tokenId)
        .setIssuedAt(iat);
      if (maxTtlSeconds > 0) jwt.setExpirationTime(iat + maxTtlSeconds);
      return jwt.sign(await signingKey());
    },

    verifiedBefore,

    async verify(token) {
      const known = verifiedBefore(token);
      if (known) return known;
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(token, await signingKey(), {
          issuer,
          algorithms: ['HS256'],
          currentDate: deps.clock.now(),
        }));
      } catch (error) {
        if (error instanceof joseErrors.JWTExpired) {
          throw unauthorized('Access token expired: sign in again, refresh the session, or log in again with Universal Auth');
        }
        throw unauthorized('Invalid token: the access token is malformed or was not issued by this Rekey instance');
      }
      const result = claimsOf(payload);
      if (verified.size >= maxVerified) verified.clear();
      verified.set(token, { token: result, expiresAt: typeof payload.exp === 'number' ? payload.exp : undefined });
      return result;
    },
  };
}

function claimsOf(payload: Record<string, unknown>): VerifiedToken {
  const { typ, sub, sid, org, jti } = payload;
  if (typ === 'user' && typeof sub === 'string' && typeof sid === 'string' && typeof org === 'string') {
    return { kind: 'user', userId: sub, sessionId: sid, orgId: org };
  }
  if (typ === 'identity' && typeof sub === 'string' && typeof jti === 'string') {
    return { kind: 'identity', identityId: sub, tokenId: jti };
  }
  throw unauthorized('Invalid token: the access token is malformed or was not issued by this Rekey instance');
}
