import type { Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { MembershipRoleDto } from './memberships.schemas.js';

type Executor = Kysely<Database>;
export type Principal = { userId: string } | { identityId: string };
export type ResolvedRole = { role: string; customRoleId: string | null };

export function createMembershipsRepo(db: Db) {
  async function rolesOf(membershipIds: string[], executor: Executor = db): Promise<Map<string, MembershipRoleDto[]>> {
    const byMembership = new Map<string, MembershipRoleDto[]>();
    if (membershipIds.length === 0) return byMembership;
    const rows = await executor
      .selectFrom('project_membership_roles')
      .selectAll()
      .where('membership_id', 'in', membershipIds)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    for (const row of rows) {
      const list = byMembership.get(row.membership_id) ?? [];
      list.push({
        id: row.id,
        role: row.custom_role_id ? 'custom' : row.role,
        customRoleId: row.custom_role_id,
        customRoleSlug: row.custom_role_id ? row.role : null,
        isTemporary: false,
        createdAt: row.created_at.toISOString(),
      });
      byMembership.set(row.membership_id, list);
    }
    return byMembership;
  }

  return {
    rolesOf,

    findMembership(projectId: string, principal: Principal, executor: Executor = db) {
      const query = executor.selectFrom('project_memberships').selectAll().where('project_id', '=', projectId);
      return ('userId' in principal ? query.where('user_id', '=', principal.userId) : query.where('identity_id', '=', principal.identityId)).executeTakeFirst();
    },

    findMembershipById(projectId: string, membershipId: string) {
      return db.selectFrom('project_memberships').selectAll().where('project_id', '=', projectId).where('id', '=', membershipId).executeTakeFirst();
    },

    listIdentityMemberships(projectId: string, identityId?: string) {
      let query = db
        .selectFrom('project_memberships as m')
        .innerJoin('identities as i', 'i.id', 'm.identity_id')
        .selectAll('m')
        .select(['i.name as identity_name'])
        .where('m.project_id', '=', projectId);
      if (identityId) query = query.where('m.identity_id', '=', identityId);
      return query.orderBy('m.created_at').orderBy('m.id').execute();
    },

    listUserMemberships(projectId: string, membershipId?: string) {
      let query = db
        .selectFrom('project_memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .selectAll('m')
        .select(['u.email', 'u.first_name', 'u.last_name'])
        .where('m.project_id', '=', projectId);
      if (membershipId) query = query.where('m.id', '=', membershipId);
      return query.orderBy('m.created_at').orderBy('m.id').execute();
    },

    async insertMembership(executor: Executor, membership: { id: string; projectId: string; now: Date } & Principal) {
      await executor
        .insertInto('project_memberships')
        .values({
          id: membership.id,
          project_id: membership.projectId,
          user_id: 'userId' in membership ? membership.userId : null,
          identity_id: 'identityId' in membership ? membership.identityId : null,
          created_at: membership.now,
          updated_at: membership.now,
        })
        .execute();
    },

    /** Replaces the membership's roles. */
    async setRoles(executor: Executor, membershipId: string, roles: ResolvedRole[], ids: () => string, now: Date) {
      await executor.deleteFrom('project_membership_roles').where('membership_id', '=', membershipId).execute();
      await executor
        .insertInto('project_membership_roles')
        // A millisecond apart, so the roles read back in the order they were given.
        .values(
          roles.map((role, index) => ({ id: ids(), membership_id: membershipId, role: role.role, custom_role_id: role.customRoleId, created_at: new Date(now.getTime() + index) })),
        )
        .execute();
      await executor.updateTable('project_memberships').set({ updated_at: now }).where('id', '=', membershipId).execute();
    },

    async deleteMembership(executor: Executor, membershipId: string) {
      await executor.deleteFrom('project_memberships').where('id', '=', membershipId).execute();
    },
  };
}

export type MembershipsRepo = ReturnType<typeof createMembershipsRepo>;
