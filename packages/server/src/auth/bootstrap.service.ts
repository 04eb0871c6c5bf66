import type { AuditLog, RequestOrigin } from '../audit/audit.types.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { badRequest } from '../http/errors.js';
import type { IdentitiesService } from '../identities/identities.service.js';
import { toIdentityDto } from '../identities/identities.schemas.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import { createOrganizationsRepo } from '../organizations/organizations.repo.js';
import { slugWithSuffix } from '../organizations/slug.js';
import type { Actor } from './actor.js';
import { toUserDto } from './auth.schemas.js';
import { assertPasswordPolicy, hashPassword } from './passwords.js';
import type { RateLimiter } from './rate-limiter.js';

const initializedKey = 'initialized';
export const alreadySetUp = 'instance is already set up: sign in instead (POST /api/v1/auth/login)';

export type BootstrapDeps = {
  db: Db;
  clock: Clock;
  ids: Ids;
  audit: AuditLog;
  config: Config;
  identities: IdentitiesService;
  limiter: RateLimiter;
};

export function createBootstrapService(deps: BootstrapDeps) {
  const { db, clock, ids, audit, identities } = deps;
  const organizations = createOrganizationsRepo(db);

  async function isInitialized(): Promise<boolean> {
    const row = await db.selectFrom('instance_settings').select('key').where('key', '=', initializedKey).executeTakeFirst();
    return row !== undefined;
  }

  return {
    async config() {
      return { initialized: await isInitialized(), isSmtpConfigured: deps.config.smtpUrl !== undefined };
    },

    /**
     * Creates the first admin user, the organization and an admin machine identity whose non-expiring token is
     * returned once. The `initialized` row is inserted first in the same transaction, so of two concurrent
     * calls exactly one succeeds.
     */
    async bootstrap(input: { email: string; password: string; organization: string }, origin: RequestOrigin) {
      deps.limiter.consume(origin.ip ?? 'unknown');
      if (await isInitialized()) throw badRequest(alreadySetUp);
      const email = input.email.toLowerCase();
      assertPasswordPolicy(input.password, email);
      const passwordHash = await hashPassword(input.password);
      const now = clock.now();
      const userId = ids.uuid();
      const orgId = ids.uuid();
      const identityId = ids.uuid();
      const orgSlug = slugWithSuffix(input.organization, ids, 'org');

      return db.transaction().execute(async (trx) => {
        const claimed = await trx
          .insertInto('instance_settings')
          .values({ key: initializedKey, value: JSON.stringify({ at: now.toISOString(), by: userId }), updated_at: now })
          .onConflict((oc) => oc.column('key').doNothing())
          .returning('key')
          .executeTakeFirst();
        if (!claimed) throw badRequest(alreadySetUp);

        await organizations.insertOrganization(trx, { id: orgId, name: input.organization, slug: orgSlug, now });
        const user = await trx
          .insertInto('users')
          .values({ id: userId, email, password_hash: passwordHash, is_super_admin: true, password_changed_at: now, created_at: now, updated_at: now })
          .returningAll()
          .executeTakeFirstOrThrow();
        await organizations.insertMembership(trx, { id: ids.uuid(), orgId, userId, role: 'admin', status: 'accepted', now });
        const identity = await identities.repo.insertIdentity(trx, { id: identityId, orgId, name: 'Instance Admin Identity', role: 'admin', now });
        const { accessToken } = await identities.issueAccessToken(trx, {
          identityId,
          authMethod: 'token',
          clientSecretId: null,
          ttl: 0,
          maxTtl: 0,
          numUsesLimit: 0,
        });
        const actor: Actor = { type: 'user', userId, email, orgId, orgRole: 'admin', sessionId: '' };
        await audit.record(
          { actor, orgId, eventType: 'bootstrap-instance', resourceType: 'organization', resourceId: orgId, metadata: { email, organization: input.organization, identityId }, origin },
          trx,
        );
        return {
          message: 'Successfully bootstrapped instance',
          user: toUserDto(user),
          organization: { id: orgId, name: input.organization, slug: orgSlug },
          identity: { ...toIdentityDto({ ...identity, ua_id: null }), credentials: { token: accessToken } },
        };
      });
    },
  };
}

export type BootstrapService = ReturnType<typeof createBootstrapService>;
