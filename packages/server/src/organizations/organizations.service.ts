import type { AuditLog, RequestOrigin } from '../audit/audit.types.js';
import type { Actor } from '../auth/actor.js';
import { createAuthRepo } from '../auth/auth.repo.js';
import type { Db } from '../db/database.js';
import { isUniqueViolation } from '../db/database.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { PermissionService } from '../permissions/permissions.types.js';
import { createOrganizationsRepo } from './organizations.repo.js';
import { toOrganizationDto, toOrgMembershipDto } from './organizations.schemas.js';
import { slugWithSuffix } from './slug.js';

export type OrganizationsServiceDeps = { db: Db; clock: Clock; ids: Ids; audit: AuditLog; permissions: PermissionService };

export function createOrganizationsService(deps: OrganizationsServiceDeps) {
  const { db, clock, ids, audit, permissions } = deps;
  const repo = createOrganizationsRepo(db);
  const authRepo = createAuthRepo(db);

  /** Organization routes act on the actor's current organization; any other id is a 404. */
  async function current(actor: Actor, organizationId: string) {
    const org = organizationId === actor.orgId ? await repo.findOrganization(organizationId) : undefined;
    if (!org) throw notFound(`Organization '${organizationId}' not found`);
    return org;
  }

  async function member(actor: Actor, organizationId: string, membershipId: string) {
    await current(actor, organizationId);
    const row = await repo.findMember(organizationId, membershipId);
    if (!row) throw notFound(`Membership '${membershipId}' not found`);
    return row;
  }

  return {
    repo,

    async listMine(actor: Actor) {
      if (actor.type !== 'user') {
        const org = await current(actor, actor.orgId);
        return [{ ...toOrganizationDto(org), role: actor.type === 'identity' ? actor.orgRole : 'admin' }];
      }
      const memberships = await authRepo.acceptedMemberships(actor.userId);
      const orgs = await Promise.all(memberships.map(async (m) => ({ org: await repo.findOrganization(m.id), role: m.role })));
      return orgs.flatMap(({ org, role }) => (org ? [{ ...toOrganizationDto(org), role }] : []));
    },

    async get(actor: Actor, organizationId: string) {
      return toOrganizationDto(await current(actor, organizationId));
    },

    /** Any user may start a new organization; they become its admin. Switch to it with select-organization. */
    async create(actor: Actor, input: { name: string }, origin: RequestOrigin) {
      if (actor.type !== 'user') throw badRequest('Only users can create organizations');
      const orgId = ids.uuid();
      const now = clock.now();
      const slug = slugWithSuffix(input.name, ids, 'org');
      await db.transaction().execute(async (trx) => {
        await repo.insertOrganization(trx, { id: orgId, name: input.name, slug, now });
        await repo.insertMembership(trx, { id: ids.uuid(), orgId, userId: actor.userId, role: 'admin', status: 'accepted', now });
        await audit.record(
          { actor: { ...actor, orgId, orgRole: 'admin' }, orgId, eventType: 'create-organization', resourceType: 'organization', resourceId: orgId, metadata: { name: input.name }, origin },
          trx,
        );
      });
      return toOrganizationDto(await current({ ...actor, orgId }, orgId));
    },

    async update(actor: Actor, organizationId: string, input: { name?: string | undefined; slug?: string | undefined }, origin: RequestOrigin) {
      await current(actor, organizationId);
      permissions.forOrg(actor).assert('settings', 'edit');
      try {
        const row = await db.transaction().execute(async (trx) => {
          const updated = await repo.updateOrganization(trx, organizationId, { ...input, now: clock.now() });
          await audit.record(
            { actor, orgId: organizationId, eventType: 'update-organization', resourceType: 'organization', resourceId: organizationId, metadata: { ...input }, origin },
            trx,
          );
          return updated;
        });
        return toOrganizationDto(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`An organization with slug '${input.slug}' already exists`);
        throw error;
      }
    },

    async listMembers(actor: Actor, organizationId: string) {
      await current(actor, organizationId);
      permissions.forOrg(actor).assert('members', 'read');
      return (await repo.listMembers(organizationId)).map(toOrgMembershipDto);
    },

    async updateMember(actor: Actor, organizationId: string, membershipId: string, role: string, origin: RequestOrigin) {
      const before = await member(actor, organizationId, membershipId);
      permissions.forOrg(actor).assert('members', 'edit');
      await db.transaction().execute(async (trx) => {
        const admins = await repo.lockAcceptedAdmins(trx, organizationId);
        if (role !== 'admin' && admins.length === 1 && admins[0] === membershipId) {
          throw badRequest('Cannot change the role of the last admin: make another member admin first');
        }
        await repo.setMembership(trx, membershipId, { role, now: clock.now() });
        await audit.record(
          { actor, orgId: organizationId, eventType: 'update-org-membership', resourceType: 'org-membership', resourceId: membershipId, metadata: { userId: before.user_id, from: before.role, to: role }, origin },
          trx,
        );
      });
      const after = await repo.findMember(organizationId, membershipId);
      if (!after) throw notFound(`Membership '${membershipId}' not found`);
      return toOrgMembershipDto(after);
    },

    /** Removes a member, their project memberships in this organization, and signs out their sessions here. */
    async removeMember(actor: Actor, organizationId: string, membershipId: string, origin: RequestOrigin) {
      const row = await member(actor, organizationId, membershipId);
      permissions.forOrg(actor).assert('members', 'delete');
      await db.transaction().execute(async (trx) => {
        const admins = await repo.lockAcceptedAdmins(trx, organizationId);
        if (admins.length === 1 && admins[0] === membershipId) throw badRequest('Cannot remove the last admin of the organization');
        await repo.deleteProjectMembershipsOfUser(trx, organizationId, row.user_id);
        await repo.deleteMembership(trx, membershipId);
        await authRepo.revokeUserSessions(trx, row.user_id, { now: clock.now(), reason: 'removed-from-organization', orgId: organizationId });
        await audit.record(
          { actor, orgId: organizationId, eventType: 'remove-org-member', resourceType: 'org-membership', resourceId: membershipId, metadata: { userId: row.user_id, email: row.email }, origin },
          trx,
        );
      });
      return toOrgMembershipDto(row);
    },
  };
}

export type OrganizationsService = ReturnType<typeof createOrganizationsService>;
