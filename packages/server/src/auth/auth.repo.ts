import type { Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';

type Executor = Kysely<Database>;

export type SessionOrigin = { ip: string | null; userAgent: string | null };

export function createAuthRepo(db: Db) {
  return {
    findUserByEmail(email: string) {
      return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    },

    findUserById(userId: string, executor: Executor = db) {
      return executor.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
    },

    /** Organizations where the user's membership is accepted, oldest first. */
    acceptedMemberships(userId: string) {
      return db
        .selectFrom('org_memberships as m')
        .innerJoin('organizations as o', 'o.id', 'm.org_id')
        .select(['o.id', 'o.name', 'o.slug', 'm.role', 'm.created_at'])
        .where('m.user_id', '=', userId)
        .where('m.status', '=', 'accepted')
        .orderBy('m.created_at')
        .orderBy('o.id')
        .execute();
    },

    async createSession(
      executor: Executor,
      session: { id: string; userId: string; orgId: string; now: Date; expiresAt: Date; origin: SessionOrigin },
    ): Promise<void> {
      await executor
        .insertInto('user_sessions')
        .values({
          id: session.id,
          user_id: session.userId,
          org_id: session.orgId,
          created_at: session.now,
          expires_at: session.expiresAt,
          ip_address: session.origin.ip,
          user_agent: session.origin.userAgent,
        })
        .execute();
    },

    async insertRefreshToken(executor: Executor, token: { id: string; sessionId: string; hash: string; now: Date; expiresAt: Date }) {
      await executor
        .insertInto('refresh_tokens')
        .values({ id: token.id, session_id: token.sessionId, token_hash: token.hash, created_at: token.now, expires_at: token.expiresAt })
        .execute();
    },

    findRefreshToken(hash: string) {
      return db
        .selectFrom('refresh_tokens as r')
        .innerJoin('user_sessions as s', 's.id', 'r.session_id')
        .select([
          'r.id',
          'r.session_id',
          'r.expires_at',
          'r.used_at',
          's.user_id',
          's.org_id',
          's.revoked_at',
          's.expires_at as session_expires_at',
        ])
        .where('r.token_hash', '=', hash)
        .executeTakeFirst();
    },

    /** Marks a refresh token used; false when another request used it first (which is reuse). */
    async markRefreshTokenUsed(executor: Executor, id: string, now: Date): Promise<boolean> {
      const updated = await executor
        .updateTable('refresh_tokens')
        .set({ used_at: now })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      return updated !== undefined;
    },

    async revokeSession(executor: Executor, sessionId: string, now: Date, reason: string): Promise<void> {
      await executor
        .updateTable('user_sessions')
        .set({ revoked_at: now, revoked_reason: reason })
        .where('id', '=', sessionId)
        .where('revoked_at', 'is', null)
        .execute();
    },

    /** Revokes the user's sessions except `keepSessionId`; with `orgId`, only sessions in that organization. */
    async revokeUserSessions(
      executor: Executor,
      userId: string,
      options: { now: Date; reason: string; keepSessionId?: string; orgId?: string },
    ): Promise<number> {
      let query = executor
        .updateTable('user_sessions')
        .set({ revoked_at: options.now, revoked_reason: options.reason })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null);
      if (options.keepSessionId) query = query.where('id', '!=', options.keepSessionId);
      if (options.orgId) query = query.where('org_id', '=', options.orgId);
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async touchSession(executor: Executor, sessionId: string, values: { now: Date; orgId?: string }): Promise<void> {
      await executor
        .updateTable('user_sessions')
        .set({ last_refreshed_at: values.now, ...(values.orgId ? { org_id: values.orgId } : {}) })
        .where('id', '=', sessionId)
        .execute();
    },

    async setPassword(executor: Executor, userId: string, passwordHash: string, now: Date): Promise<void> {
      await executor
        .updateTable('users')
        .set({ password_hash: passwordHash, password_changed_at: now, updated_at: now })
        .where('id', '=', userId)
        .execute();
    },
  };
}

export type AuthRepo = ReturnType<typeof createAuthRepo>;
