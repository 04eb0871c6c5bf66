import type { Kysely } from 'kysely';
import type { AuditLog, RequestOrigin } from '../audit/audit.types.js';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import { builtInProjectRoles, isBuiltInProjectRole, projectRoleAliases } from '../permissions/default-roles.js';
import type { PermissionService } from '../permissions/permissions.types.js';
import { isUuid } from '../permissions/permissions.service.js';
import { createMembershipsRepo, type Principal, type ResolvedRole } from './memberships.repo.js';

type RolesInput = { roles?: { role: string; isTemporary?: boolean | undefined }[] | undefined; role?: string | undefined };

export type MembershipsServiceDeps = { db: Db; clock: Clock; ids: Ids; audit: AuditLog; permissions: PermissionService };

export function createMembershipsService(deps: MembershipsServiceDeps) {
  const { db, clock, ids, audit, permissions } = deps;
  const repo = createMembershipsRepo(db);

  /** Built-in slugs (and the `developer` alias) or a custom role of this project; anything else is a 400. */
  async function resolveRoles(executor: Kysely<Database>, projectId: string, slugs: string[]): Promise<ResolvedRole[]> {
    const resolved: ResolvedRole[] = [];
    for (const input of [...new Set(slugs)]) {
      const slug = projectRoleAliases[input] ?? input;
      if (isBuiltInProjectRole(slug)) {
        resolved.push({ role: slug, customRoleId: null });
        continue;
      }
      const custom = await executor.selectFrom('project_roles').select(['id', 'slug']).where('project_id', '=', projectId).where('slug', '=', slug).executeTakeFirst();
      if (!custom) {
        throw badRequest(`Unknown role '${input}': use ${builtInProjectRoles.join(', ')} or the slug of a custom role of this project`, [
          { path: 'body.roles', message: `unknown role '${input}'` },
        ]);
      }
      resolved.push({ role: custom.slug, customRoleId: custom.id });
    }
    return resolved;
  }

  function requestedSlugs(input: RolesInput): string[] {
    if (input.roles?.some((entry) => entry.isTemporary)) throw badRequest('Temporary role assignments are not supported: omit isTemporary or set it to false');
    return input.roles ? input.roles.map((entry) => entry.role) : [input.role ?? ''];
  }

  async function identityInOrg(actor: Actor, identityId: string) {
    const identity = isUuid(identityId) ? await db.selectFrom('identities').select(['id', 'org_id', 'name']).where('id', '=', identityId).executeTakeFirst() : undefined;
    if (!identity || identity.org_id !== actor.orgId) throw notFound(`Identity '${identityId}' not found`);
    return identity;
  }

  async function identityMembershipDto(projectId: string, identityId: string) {
    const [row] = await repo.listIdentityMemberships(projectId, identityId);
    if (!row?.identity_id) throw notFound(`Identity '${identityId}' is not a member of this project`);
    const roles = await repo.rolesOf([row.id]);
    return {
      id: row.id,
      projectId: row.project_id,
      identityId: row.identity_id,
      identity: { id: row.identity_id, name: row.identity_name },
      roles: roles.get(row.id) ?? [],
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    };
  }

  async function userMembershipDtos(projectId: string, membershipId?: string) {
    const rows = await repo.listUserMemberships(projectId, membershipId);
    const roles = await repo.rolesOf(rows.map((row) => row.id));
    return rows.flatMap((row) =>
      row.user_id
        ? [
            {
              id: row.id,
              projectId: row.project_id,
              userId: row.user_id,
              user: { id: row.user_id, email: row.email, firstName: row.first_name, lastName: row.last_name },
              roles: roles.get(row.id) ?? [],
              createdAt: row.created_at.toISOString(),
              updatedAt: row.updated_at.toISOString(),
            },
          ]
        : [],
    );
  }

  const event = (actor: Actor, projectId: string, eventType: string, membershipId: string, metadata: Record<string, unknown>, origin: RequestOrigin) => ({
    actor,
    orgId: actor.orgId,
    projectId,
    eventType,
    resourceType: 'project-membership',
    resourceId: membershipId,
    metadata,
    origin,
  });

  async function addMember(executor: Kysely<Database>, projectId: string, principal: Principal, roles: ResolvedRole[], now: Date): Promise<string> {
    const membershipId = ids.uuid();
    await repo.insertMembership(executor, { id: membershipId, projectId, now, ...principal });
    await repo.setRoles(executor, membershipId, roles, () => ids.uuid(), now);
    return membershipId;
  }

  return {
    resolveRoles,

    async addIdentity(actor: Actor, projectId: string, identityId: string, input: RolesInput, origin: RequestOrigin) {
      (await permissions.forProject(actor, projectId)).assert('identities', 'create');
      await identityInOrg(actor, identityId);
      const slugs = requestedSlugs(input);
      await db.transaction().execute(async (trx) => {
        if (await repo.findMembership(projectId, { identityId }, trx)) throw conflict('This identity is already a member of the project: change its roles with PATCH');
        const roles = await resolveRoles(trx, projectId, slugs);
        const membershipId = await addMember(trx, projectId, { identityId }, roles, clock.now());
        await audit.record(event(actor, projectId, 'add-identity-to-project', membershipId, { identityId, roles: roles.map((r) => r.role) }, origin), trx);
      });
      return identityMembershipDto(projectId, identityId);
    },

    async listIdentities(actor: Actor, projectId: string) {
      (await permissions.forProject(actor, projectId)).assert('identities', 'read');
      const rows = await repo.listIdentityMemberships(projectId);
      return Promise.all(rows.flatMap((row) => (row.identity_id ? [identityMembershipDto(projectId, row.identity_id)] : [])));
    },

    async getIdentity(actor: Actor, projectId: string, identityId: string) {
      (await permissions.forProject(actor, projectId)).assert('identities', 'read');
      await identityInOrg(actor, identityId);
      return identityMembershipDto(projectId, identityId);
    },

    async updateIdentity(actor: Actor, projectId: string, identityId: string, input: RolesInput, origin: RequestOrigin) {
      (await permissions.forProject(actor, projectId)).assert('identities', 'edit');
      await identityInOrg(actor, identityId);
      const slugs = requestedSlugs(input);
      await db.transaction().execute(async (trx) => {
        const membership = await repo.findMembership(projectId, { identityId }, trx);
        if (!membership) throw notFound(`Identity '${identityId}' is not a member of this project`);
        const roles = await resolveRoles(trx, projectId, slugs);
        await repo.setRoles(trx, membership.id, roles, () => ids.uuid(), clock.now());
        await audit.record(event(actor, projectId, 'update-identity-project-roles', membership.id, { identityId, roles: roles.map((r) => r.role) }, origin), trx);
      });
      return (await identityMembershipDto(projectId, identityId)).roles;
    },

    async removeIdentity(actor: Actor, projectId: string, identityId: string, origin: RequestOrigin) {
      (await permissions.forProject(actor, projectId)).assert('identities', 'delete');
      await identityInOrg(actor, identityId);
      const before = await identityMembershipDto(projectId, identityId);
      await db.transaction().execute(async (trx) => {
        await repo.deleteMembership(trx, before.id);
        await audit.record(event(actor, projectId, 'remove-identity-from-project', before.id, { identityId }, origin), trx);
      });
      return before;
    },

    /** Adds organization members to the project by email (default role: member). */
    async addUsers(actor: Actor, projectId: string, input: { emails?: string[] | undefined; usernames?: string[] | undefined; roleSlugs?: string[] | undefined }, origin: RequestOrigin) {
      (await permissions.forProject(actor, projectId)).assert('members', 'create');
      const emails = [...new Set([...(input.emails ?? []), ...(input.usernames ?? [])].map((email) => email.toLowerCase()))];
      const membershipIds = await db.transaction().execute(async (trx) => {
        const roles = await resolveRoles(trx, projectId, input.roleSlugs ?? ['member']);
        const added: string[] = [];
        for (const email of emails) {
          const user = await trx
            .selectFrom('users as u')
            .innerJoin('org_memberships as m', 'm.user_id', 'u.id')
            .select(['u.id'])
            .where('u.email', '=', email)
            .where('m.org_id', '=', actor.orgId)
            .executeTakeFirst();
          if (!user) throw badRequest(`${email} is not a member of this organization: invite them to the organization first`);
          if (await repo.findMembership(projectId, { userId: user.id }, trx)) throw conflict(`${email} is already a member of this project`);
          const membershipId = await addMember(trx, projectId, { userId: user.id }, roles, clock.now());
          await audit.record(event(actor, projectId, 'add-user-to-project', membershipId, { userId: user.id, email, roles: roles.map((r) => r.role) }, origin), trx);
          added.push(membershipId);
        }
        return added;
      });
      const all = await userMembershipDtos(projectId);
      return all.filter((membership) => membershipIds.includes(membership.id));
    },

    async listUsers(actor: Actor, projectId: string) {
      (await permissions.forProject(actor, projectId)).assert('members', 'read');
      return userMembershipDtos(projectId);
    },

    async updateUser(actor: Actor, projectId: string, membershipId: string, input: RolesInput, origin: RequestOrigin) {
      (await permissions.forProject(actor, projectId)).assert('members', 'edit');
      const [before] = await userMembershipDtos(projectId, membershipId);
      if (!before) throw notFound(`Membership '${membershipId}' not found in this project`);
      const slugs = requestedSlugs(input);
      await db.transaction().execute(async (trx) => {
        const roles = await resolveRoles(trx, projectId, slugs);
        await repo.setRoles(trx, membershipId, roles, () => ids.uuid(), clock.now());
        await audit.record(event(actor, projectId, 'update-user-project-roles', membershipId, { userId: before.userId, roles: roles.map((r) => r.role) }, origin), trx);
      });
      const [after] = await userMembershipDtos(projectId, membershipId);
      return after?.roles ?? [];
    },

    async removeUser(actor: Actor, projectId: string, membershipId: string, origin: RequestOrigin) {
      (await permissions.forProject(actor, projectId)).assert('members', 'delete');
      const [before] = await userMembershipDtos(projectId, membershipId);
      if (!before) throw notFound(`Membership '${membershipId}' not found in this project`);
      await db.transaction().execute(async (trx) => {
        await repo.deleteMembership(trx, membershipId);
        await audit.record(event(actor, projectId, 'remove-user-from-project', membershipId, { userId: before.userId, email: before.user.email }, origin), trx);
      });
      return before;
    },
  };
}

export type MembershipsService = ReturnType<typeof createMembershipsService>;
