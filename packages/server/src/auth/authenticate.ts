import type { Db } from '../db/database.js';
import { noReadCaches, type ReadCaches } from '../db/read-cache.js';
import { unauthorized } from '../http/errors.js';
import { isIpTrusted } from '../identities/trusted-ips.js';
import type { Clock } from '../lib/clock.js';
import type { Actor, OrgRole } from './actor.js';
import type { TokenService } from './tokens.js';

export type Authenticator = {
  /**
   * Turns a bearer token into an actor. The session or token row is read through a cache that any committed
   * change to sessions, tokens, identities or memberships empties (db/read-cache.ts), so revocation still
   * takes effect at once; expiry, trusted IPs and use limits are checked on every request.
   */
  authenticate(token: string, clientIp: string): Promise<Actor>;
  /**
   * The same answer from what is cached, synchronously: the actor, or undefined when the database has to be
   * asked (nothing cached, or a token with a use limit to count). Throws the same errors as `authenticate`.
   */
  authenticateFromCache(token: string, clientIp: string): Actor | undefined;
};

export function toOrgRole(role: string): OrgRole {
  return role === 'admin' || role === 'member' ? role : 'no-access';
}

const secondsMs = 1000;

export function createAuthenticator(deps: { db: Db; tokens: TokenService; clock: Clock; caches?: ReadCaches }): Authenticator {
  const { db, tokens, clock } = deps;
  const caches = deps.caches ?? noReadCaches;
  const sessions = caches.create<Awaited<ReturnType<typeof loadSession>>>(10_000);
  const identityTokens = caches.create<Awaited<ReturnType<typeof loadIdentityToken>>>(10_000);

  function loadSession(userId: string, sessionId: string, orgId: string) {
    return db
      .selectFrom('user_sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .leftJoin('org_memberships as m', (join) => join.onRef('m.user_id', '=', 's.user_id').on('m.org_id', '=', orgId))
      .select(['s.revoked_at', 's.expires_at', 'u.email', 'm.role', 'm.status'])
      .where('s.id', '=', sessionId)
      .where('s.user_id', '=', userId)
      .executeTakeFirst();
  }

  type SessionRow = Awaited<ReturnType<typeof loadSession>>;
  type IdentityTokenRow = Awaited<ReturnType<typeof loadIdentityToken>>;

  async function userActor(userId: string, sessionId: string, orgId: string): Promise<Actor> {
    const row = await sessions.through(`${userId}:${sessionId}:${orgId}`, () => loadSession(userId, sessionId, orgId));
    return checkedUserActor(row, userId, sessionId, orgId);
  }

  function checkedUserActor(row: SessionRow, userId: string, sessionId: string, orgId: string): Actor {
    if (!row || row.revoked_at) throw unauthorized('Session has been revoked: sign in again');
    if (row.expires_at.getTime() <= clock.now().getTime()) throw unauthorized('Session expired: sign in again');
    if (!row.role || row.status !== 'accepted') throw unauthorized('You are no longer a member of this organization: sign in again');
    return { type: 'user', userId, email: row.email, orgId, orgRole: toOrgRole(row.role), sessionId };
  }

  function loadIdentityToken(identityId: string, tokenId: string) {
    return db
      .selectFrom('identity_access_tokens as t')
      .innerJoin('identities as i', 'i.id', 't.identity_id')
      .leftJoin('identity_universal_auths as ua', 'ua.identity_id', 't.identity_id')
      .select([
        't.auth_method',
        't.is_revoked',
        't.created_at',
        't.last_renewed_at',
        't.access_token_ttl',
        't.access_token_max_ttl',
        't.num_uses_limit',
        'i.name',
        'i.org_id',
        'i.org_role',
        'ua.access_token_trusted_ips',
      ])
      .where('t.id', '=', tokenId)
      .where('t.identity_id', '=', identityId)
      .executeTakeFirst();
  }

  async function identityActor(identityId: string, tokenId: string, clientIp: string): Promise<Actor> {
    const row = await identityTokens.through(`${identityId}:${tokenId}`, () => loadIdentityToken(identityId, tokenId));
    const actor = checkedIdentityActor(row, identityId, tokenId, clientIp);
    if (row && row.num_uses_limit > 0) await countUse(tokenId, row.num_uses_limit);
    return actor;
  }

  /** Counted atomically, so parallel requests cannot exceed the limit. */
  async function countUse(tokenId: string, limit: number): Promise<void> {
    const counted = await db
      .updateTable('identity_access_tokens')
      .set((eb) => ({ num_uses: eb('num_uses', '+', 1), last_used_at: clock.now() }))
      .where('id', '=', tokenId)
      .where((eb) => eb('num_uses', '<', eb.ref('num_uses_limit')))
      .returning('num_uses')
      .executeTakeFirst();
    if (!counted) throw unauthorized(`Access token has reached its use limit of ${limit} uses; log in again`);
  }

  function checkedIdentityActor(row: IdentityTokenRow, identityId: string, tokenId: string, clientIp: string): Actor {
    if (!row) throw unauthorized('Access token is no longer valid: it was revoked or its machine identity was deleted');
    if (row.is_revoked) throw unauthorized('Access token has been revoked');
    const now = clock.now().getTime();
    if (row.access_token_max_ttl > 0 && row.created_at.getTime() + row.access_token_max_ttl * secondsMs <= now) {
      throw unauthorized(`Access token expired: it reached its maximum TTL of ${row.access_token_max_ttl} seconds; log in again`);
    }
    const renewedAt = (row.last_renewed_at ?? row.created_at).getTime();
    if (row.access_token_ttl > 0 && renewedAt + row.access_token_ttl * secondsMs <= now) {
      throw unauthorized(`Access token expired: its TTL of ${row.access_token_ttl} seconds has passed; renew it or log in again`);
    }
    if (row.auth_method === 'universal-auth') {
      if (!row.access_token_trusted_ips) throw unauthorized('Access token is no longer valid: Universal Auth was removed from this identity');
      if (!isIpTrusted(clientIp, row.access_token_trusted_ips)) {
        throw unauthorized(`Access token cannot be used from IP address ${clientIp}: it is not in the identity's trusted IP ranges`);
      }
    }
    return { type: 'identity', identityId, name: row.name, orgId: row.org_id, orgRole: toOrgRole(row.org_role), tokenId };
  }

  return {
    async authenticate(token, clientIp) {
      const verified = await tokens.verify(token);
      if (verified.kind === 'user') return userActor(verified.userId, verified.sessionId, verified.orgId);
      return identityActor(verified.identityId, verified.tokenId, clientIp);
    },

    authenticateFromCache(token, clientIp) {
      const verified = tokens.verifiedBefore(token);
      if (!verified) return undefined;
      if (verified.kind === 'user') {
        const row = sessions.peek(`${verified.userId}:${verified.sessionId}:${verified.orgId}`);
        return row === undefined ? undefined : checkedUserActor(row, verified.userId, verified.sessionId, verified.orgId);
      }
      const row = identityTokens.peek(`${verified.identityId}:${verified.tokenId}`);
      if (row === undefined || (row && row.num_uses_limit > 0)) return undefined;
      return checkedIdentityActor(row, verified.identityId, verified.tokenId, clientIp);
    },
  };
}
