import type { Kysely } from 'kysely';
import type { AuditLog, RequestOrigin } from '../audit/audit.types.js';
import type { Actor } from '../auth/actor.js';
import type { TokenService } from '../auth/tokens.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { notFound } from '../http/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { PermissionService } from '../permissions/permissions.types.js';
import { isUuid } from '../permissions/permissions.service.js';
import { createIdentitiesRepo } from './identities.repo.js';
import { toIdentityDto } from './identities.schemas.js';
import type { IdentityAuthMethod } from './identities.tables.js';

export type IdentitiesServiceDeps = { db: Db; clock: Clock; ids: Ids; audit: AuditLog; permissions: PermissionService; tokens: TokenService };

export function createIdentitiesService(deps: IdentitiesServiceDeps) {
  const { db, clock, ids, audit, permissions, tokens } = deps;
  const repo = createIdentitiesRepo(db);

  /** The identity if it exists in the actor's organization; another organization's identity is a 404. */
  async function findInOrg(actor: Actor, identityId: string) {
    const row = isUuid(identityId) ? await repo.findIdentity(identityId) : undefined;
    if (!row || row.org_id !== actor.orgId) throw notFound(`Identity '${identityId}' not found`);
    return row;
  }

  function assertOrg(actor: Actor, organizationId: string): void {
    if (organizationId !== actor.orgId) throw notFound(`Organization '${organizationId}' not found`);
  }

  /** Records a machine access token and signs the bearer JWT that names it. */
  async function issueAccessToken(
    executor: Kysely<Database>,
    input: { identityId: string; authMethod: IdentityAuthMethod; clientSecretId: string | null; ttl: number; maxTtl: number; numUsesLimit: number },
  ): Promise<{ accessToken: string; tokenId: string }> {
    const tokenId = ids.uuid();
    const now = clock.now();
    await repo.insertAccessToken(executor, { id: tokenId, ...input, now });
    const accessToken = await tokens.signIdentityAccessToken({ identityId: input.identityId, tokenId, issuedAt: now, maxTtlSeconds: input.maxTtl });
    return { accessToken, tokenId };
  }

  return {
    repo,
    findInOrg,
    issueAccessToken,

    async create(actor: Actor, input: { name: string; organizationId: string; role: string }, origin: RequestOrigin) {
      assertOrg(actor, input.organizationId);
      permissions.forOrg(actor).assert('identities', 'create');
      const id = ids.uuid();
      const row = await db.transaction().execute(async (trx) => {
        const created = await repo.insertIdentity(trx, { id, orgId: actor.orgId, name: input.name, role: input.role, now: clock.now() });
        await audit.record(
          { actor, orgId: actor.orgId, eventType: 'create-identity', resourceType: 'identity', resourceId: id, metadata: { name: input.name, role: input.role }, origin },
          trx,
        );
        return created;
      });
      return toIdentityDto({ ...row, ua_id: null });
    },

    async list(actor: Actor) {
      permissions.forOrg(actor).assert('identities', 'read');
      return (await repo.listIdentities(actor.orgId)).map(toIdentityDto);
    },

    async get(actor: Actor, identityId: string) {
      const row = await findInOrg(actor, identityId);
      // An identity may always look itself up.
      if (!(actor.type === 'identity' && actor.identityId === identityId)) permissions.forOrg(actor).assert('identities', 'read');
      return toIdentityDto(row);
    },

    async update(actor: Actor, identityId: string, input: { name?: string | undefined; role?: string | undefined }, origin: RequestOrigin) {
      await findInOrg(actor, identityId);
      permissions.forOrg(actor).assert('identities', 'edit');
      await db.transaction().execute(async (trx) => {
        await repo.updateIdentity(trx, identityId, { ...input, now: clock.now() });
        await audit.record(
          { actor, orgId: actor.orgId, eventType: 'update-identity', resourceType: 'identity', resourceId: identityId, metadata: { name: input.name, role: input.role }, origin },
          trx,
        );
      });
      return toIdentityDto(await findInOrg(actor, identityId));
    },

    async remove(actor: Actor, identityId: string, origin: RequestOrigin) {
      const row = await findInOrg(actor, identityId);
      permissions.forOrg(actor).assert('identities', 'delete');
      await db.transaction().execute(async (trx) => {
        // Cascades to Universal Auth, client secrets, access tokens and project memberships.
        await repo.deleteIdentity(trx, identityId);
        await audit.record(
          { actor, orgId: actor.orgId, eventType: 'delete-identity', resourceType: 'identity', resourceId: identityId, metadata: { name: row.name }, origin },
          trx,
        );
      });
      return toIdentityDto(row);
    },
  };
}

export type IdentitiesService = ReturnType<typeof createIdentitiesService>;
