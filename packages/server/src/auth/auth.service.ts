import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/audit.types.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { badRequest, forbidden, notFound, unauthorized } from '../http/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { Actor } from './actor.js';
import { type AuthRepo, createAuthRepo, type SessionOrigin } from './auth.repo.js';
import { toUserDto } from './auth.schemas.js';
import { toOrgRole } from './authenticate.js';
import { assertPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';
import { createRateLimiter } from './rate-limiter.js';
import { hashToken, type TokenService } from './tokens.js';

const day = 24 * 60 * 60 * 1000;
/** A session lasts at most 30 days; an unused refresh token lapses after 7. */
export const sessionLifetimeMs = 30 * day;
export const refreshTokenLifetimeMs = 7 * day;

export type IssuedSession = {
  sessionId: string;
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresAt: Date;
};

const invalidCredentials = 'Invalid credentials: the email address or password is wrong';

export type AuthServiceDeps = { db: Db; clock: Clock; ids: Ids; audit: AuditLog; tokens: TokenService; config: Config };

export function createAuthService(deps: AuthServiceDeps) {
  const { db, clock, ids, audit, tokens } = deps;
  const repo: AuthRepo = createAuthRepo(db);
  const ipLimiter = createRateLimiter({
    clock,
    limit: deps.config.loginRateLimitPerMinute,
    windowMs: 60_000,
    message: 'Too many sign-in attempts from this IP address',
  });
  const accountLimiter = createRateLimiter({
    clock,
    limit: deps.config.accountLoginFailuresPer15Minutes,
    windowMs: 15 * 60_000,
    message: 'Too many failed sign-in attempts for this account',
  });

  async function newRefreshToken(executor: Kysely<Database>, sessionId: string, now: Date) {
    const refreshToken = ids.token(32);
    const sessionRow = await executor.selectFrom('user_sessions').select('expires_at').where('id', '=', sessionId).executeTakeFirst();
    const cap = sessionRow?.expires_at.getTime() ?? now.getTime() + refreshTokenLifetimeMs;
    const refreshExpiresAt = new Date(Math.min(now.getTime() + refreshTokenLifetimeMs, cap));
    await repo.insertRefreshToken(executor, { id: ids.uuid(), sessionId, hash: hashToken(refreshToken), now, expiresAt: refreshExpiresAt });
    return { refreshToken, refreshExpiresAt };
  }

  /** Starts a session (one refresh-token family) and signs its first access token. */
  async function issueSession(executor: Kysely<Database>, userId: string, orgId: string, origin: SessionOrigin): Promise<IssuedSession> {
    const now = clock.now();
    const sessionId = ids.uuid();
    await repo.createSession(executor, { id: sessionId, userId, orgId, now, expiresAt: new Date(now.getTime() + sessionLifetimeMs), origin });
    const refresh = await newRefreshToken(executor, sessionId, now);
    const access = await tokens.signUserAccessToken({ userId, sessionId, orgId });
    return { sessionId, accessToken: access.token, expiresIn: access.expiresIn, ...refresh };
  }

  function userActor(user: { id: string; email: string }, orgId: string, role: string, sessionId: string): Actor {
    return { type: 'user', userId: user.id, email: user.email, orgId, orgRole: toOrgRole(role), sessionId };
  }

  return {
    issueSession,

    /** Same answer, and the same work, for an unknown email and a wrong password. */
    async login(input: { email: string; password: string; organizationId?: string | undefined }, origin: SessionOrigin) {
      const email = input.email.toLowerCase();
      ipLimiter.consume(origin.ip ?? 'unknown');
      accountLimiter.check(email);
      const user = await repo.findUserByEmail(email);
      const isValid = await verifyPassword(user?.password_hash, input.password);
      if (!user || !isValid) {
        accountLimiter.record(email);
        throw unauthorized(invalidCredentials);
      }
      accountLimiter.reset(email);
      const memberships = await repo.acceptedMemberships(user.id);
      const organization = input.organizationId ? memberships.find((m) => m.id === input.organizationId) : memberships[0];
      if (!organization) {
        throw forbidden(
          input.organizationId ? 'You are not a member of that organization' : 'You are not a member of any organization: ask an admin to invite you',
        );
      }
      const issued = await db.transaction().execute(async (trx) => {
        const session = await issueSession(trx, user.id, organization.id, origin);
        await audit.record(
          { actor: userActor(user, organization.id, organization.role, session.sessionId), orgId: organization.id, eventType: 'login', resourceType: 'user', resourceId: user.id, origin },
          trx,
        );
        return session;
      });
      return {
        ...issued,
        user: toUserDto(user),
        organization: { id: organization.id, name: organization.name, slug: organization.slug, role: organization.role },
      };
    },

    /** Rotates the refresh token; presenting an already-used one revokes the whole session. */
    async refresh(refreshToken: string | undefined, origin: SessionOrigin) {
      if (!refreshToken) throw unauthorized('Refresh token missing: sign in again');
      const row = await repo.findRefreshToken(hashToken(refreshToken));
      if (!row) throw unauthorized('Invalid refresh token: sign in again');
      const now = clock.now();
      if (row.revoked_at) throw unauthorized('Session has been revoked: sign in again');
      const reuse = async () => {
        await db.transaction().execute(async (trx) => {
          await repo.revokeSession(trx, row.session_id, now, 'refresh-token-reuse');
          const user = await repo.findUserById(row.user_id, trx);
          if (user) {
            await audit.record(
              { actor: userActor(user, row.org_id, 'no-access', row.session_id), orgId: row.org_id, eventType: 'refresh-token-reuse-detected', resourceType: 'session', resourceId: row.session_id, origin },
              trx,
            );
          }
        });
        return unauthorized('Refresh token was already used: the session has been revoked to protect your account; sign in again');
      };
      if (row.used_at) throw await reuse();
      if (row.expires_at.getTime() <= now.getTime() || row.session_expires_at.getTime() <= now.getTime()) {
        throw unauthorized('Session expired: sign in again');
      }
      const membership = (await repo.acceptedMemberships(row.user_id)).find((m) => m.id === row.org_id);
      if (!membership) throw unauthorized('You are no longer a member of this organization: sign in again');
      const rotated = await db.transaction().execute(async (trx) => {
        if (!(await repo.markRefreshTokenUsed(trx, row.id, now))) return undefined;
        await repo.touchSession(trx, row.session_id, { now });
        return newRefreshToken(trx, row.session_id, now);
      });
      if (!rotated) throw await reuse();
      const access = await tokens.signUserAccessToken({ userId: row.user_id, sessionId: row.session_id, orgId: row.org_id });
      return { accessToken: access.token, expiresIn: access.expiresIn, organizationId: row.org_id, ...rotated };
    },

    /** Ends the session named by the refresh cookie and/or the bearer token; never fails. */
    async logout(input: { refreshToken?: string | undefined; bearerToken?: string | undefined }, origin: SessionOrigin) {
      const now = clock.now();
      const sessionIds = new Set<string>();
      if (input.refreshToken) {
        const row = await repo.findRefreshToken(hashToken(input.refreshToken));
        if (row) sessionIds.add(row.session_id);
      }
      if (input.bearerToken) {
        const verified = await tokens.verify(input.bearerToken).catch(() => undefined);
        if (verified?.kind === 'user') sessionIds.add(verified.sessionId);
      }
      for (const sessionId of sessionIds) {
        const session = await db.selectFrom('user_sessions').selectAll().where('id', '=', sessionId).executeTakeFirst();
        if (!session || session.revoked_at) continue;
        const user = await repo.findUserById(session.user_id);
        await db.transaction().execute(async (trx) => {
          await repo.revokeSession(trx, sessionId, now, 'logout');
          if (user) {
            await audit.record(
              { actor: userActor(user, session.org_id, 'no-access', sessionId), orgId: session.org_id, eventType: 'logout', resourceType: 'session', resourceId: sessionId, origin },
              trx,
            );
          }
        });
      }
    },

    async changePassword(actor: Actor, input: { currentPassword: string; newPassword: string }, origin: SessionOrigin) {
      if (actor.type !== 'user') throw badRequest('Only users have passwords; machine identities use client secrets');
      const user = await repo.findUserById(actor.userId);
      if (!user) throw unauthorized('Session has been revoked: sign in again');
      accountLimiter.check(user.email);
      if (!(await verifyPassword(user.password_hash, input.currentPassword))) {
        accountLimiter.record(user.email);
        throw badRequest('Current password is incorrect', [{ path: 'body.currentPassword', message: 'is incorrect' }]);
      }
      assertPasswordPolicy(input.newPassword, user.email);
      if (input.newPassword === input.currentPassword) throw badRequest('New password must differ from the current one');
      const passwordHash = await hashPassword(input.newPassword);
      const now = clock.now();
      const revoked = await db.transaction().execute(async (trx) => {
        await repo.setPassword(trx, user.id, passwordHash, now);
        const count = await repo.revokeUserSessions(trx, user.id, { now, reason: 'password-changed', keepSessionId: actor.sessionId });
        await audit.record(
          { actor, orgId: actor.orgId, eventType: 'change-password', resourceType: 'user', resourceId: user.id, metadata: { revokedSessions: count }, origin },
          trx,
        );
        return count;
      });
      return { revokedSessions: revoked };
    },

    async selectOrganization(actor: Actor, organizationId: string) {
      if (actor.type !== 'user') throw badRequest('Only users can switch organization; a machine identity belongs to one');
      const membership = (await repo.acceptedMemberships(actor.userId)).find((m) => m.id === organizationId);
      if (!membership) throw notFound(`Organization '${organizationId}' not found`);
      await repo.touchSession(db, actor.sessionId, { now: clock.now(), orgId: organizationId });
      const access = await tokens.signUserAccessToken({ userId: actor.userId, sessionId: actor.sessionId, orgId: organizationId });
      return { accessToken: access.token, expiresIn: access.expiresIn, organizationId };
    },

    async me(actor: Actor) {
      if (actor.type !== 'user') throw badRequest('This route is for users; a machine identity has no user profile');
      const user = await repo.findUserById(actor.userId);
      if (!user) throw unauthorized('Session has been revoked: sign in again');
      const memberships = await repo.acceptedMemberships(actor.userId);
      const organizations = memberships.map((m) => ({ id: m.id, name: m.name, slug: m.slug, role: m.role }));
      const current = organizations.find((o) => o.id === actor.orgId);
      if (!current) throw unauthorized('You are no longer a member of this organization: sign in again');
      return { user: toUserDto(user), organization: current, organizations };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
