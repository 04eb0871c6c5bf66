import type { Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { OrgMembershipStatus } from './organizations.tables.js';

type Executor = Kysely<Database>;

export function createOrganizationsRepo(db: Db) {
  const memberColumns = [
    'm.id',
    'm.org_id',
    'm.user_id',
    'm.role',
    'm.status',
    'm.created_at',
    'm.updated_at',
    'u.email',
    'u.first_name',
    'u.last_name',
  ] as const;

  return {
    async insertOrganization(executor: Executor, org: { id: string; name: string; slug: string; now: Date }) {
      await executor
        .insertInto('organizations')
        .values({ id: org.id, name: org.name, slug: org.slug, created_at: org.now, updated_at: org.now })
        .execute();
    },

    findOrganization(orgId: string, executor: Executor = db) {
      return executor.selectFrom('organizations').selectAll().where('id', '=', orgId).executeTakeFirst();
    },

    async updateOrganization(executor: Executor, orgId: string, values: { name?: string; slug?: string; now: Date }) {
      return executor
        .updateTable('organizations')
        .set({
          updated_at: values.now,
          ...(values.name !== undefined ? { name: values.name } : {}),
          ...(values.slug !== undefined ? { slug: values.slug } : {}),
        })
        .where('id', '=', orgId)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async insertMembership(
      executor: Executor,
      membership: { id: string; orgId: string; userId: string; role: string; status: OrgMembershipStatus; now: Date },
    ) {
      await executor
        .insertInto('org_memberships')
        .values({
          id: membership.id,
          org_id: membership.orgId,
          user_id: membership.userId,
          role: membership.role,
          status: membership.status,
          created_at: membership.now,
          updated_at: membership.now,
        })
        .execute();
    },

    listMembers(orgId: string) {
      return db
        .selectFrom('org_memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(memberColumns)
        .where('m.org_id', '=', orgId)
        .orderBy('m.created_at')
        .orderBy('m.id')
        .execute();
    },

    findMember(orgId: string, membershipId: string, executor: Executor = db) {
      return executor
        .selectFrom('org_memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(memberColumns)
        .where('m.org_id', '=', orgId)
        .where('m.id', '=', membershipId)
        .executeTakeFirst();
    },

    findMemberByUser(orgId: string, userId: string, executor: Executor = db) {
      return executor
        .selectFrom('org_memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(memberColumns)
        .where('m.org_id', '=', orgId)
        .where('m.user_id', '=', userId)
        .executeTakeFirst();
    },

    async setMembership(executor: Executor, membershipId: string, values: { role?: string; status?: OrgMembershipStatus; now: Date }) {
      await executor
        .updateTable('org_memberships')
        .set({
          updated_at: values.now,
          ...(values.role !== undefined ? { role: values.role } : {}),
          ...(values.status !== undefined ? { status: values.status } : {}),
        })
        .where('id', '=', membershipId)
        .execute();
    },

    async deleteMembership(executor: Executor, membershipId: string) {
      await executor.deleteFrom('org_memberships').where('id', '=', membershipId).execute();
    },

    /** Accepted admins, locked so two concurrent demotions cannot both pass the "last admin" check. */
    async lockAcceptedAdmins(executor: Executor, orgId: string): Promise<string[]> {
      const rows = await executor
        .selectFrom('org_memberships')
        .select('id')
        .where('org_id', '=', orgId)
        .where('role', '=', 'admin')
        .where('status', '=', 'accepted')
        .forUpdate()
        .execute();
      return rows.map((row) => row.id);
    },

    /** Removes the user's project memberships in this organization's projects. */
    async deleteProjectMembershipsOfUser(executor: Executor, orgId: string, userId: string) {
      await executor
        .deleteFrom('project_memberships')
        .where('user_id', '=', userId)
        .where('project_id', 'in', (eb) => eb.selectFrom('projects').select('id').where('org_id', '=', orgId))
        .execute();
    },

    async insertInvitation(
      executor: Executor,
      invitation: { id: string; orgId: string; membershipId: string; email: string; tokenHash: string; invitedBy: string; now: Date; expiresAt: Date },
    ) {
      await executor
        .insertInto('org_invitations')
        .values({
          id: invitation.id,
          org_id: invitation.orgId,
          membership_id: invitation.membershipId,
          email: invitation.email,
          token_hash: invitation.tokenHash,
          invited_by: invitation.invitedBy,
          created_at: invitation.now,
          expires_at: invitation.expiresAt,
        })
        .execute();
    },

    /** A newer invitation replaces older ones for the same membership. */
    async deletePendingInvitations(executor: Executor, membershipId: string) {
      await executor.deleteFrom('org_invitations').where('membership_id', '=', membershipId).where('accepted_at', 'is', null).execute();
    },

    findInvitation(tokenHash: string, executor: Executor = db) {
      return executor
        .selectFrom('org_invitations as i')
        .innerJoin('org_memberships as m', 'm.id', 'i.membership_id')
        .innerJoin('organizations as o', 'o.id', 'i.org_id')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select([
          'i.id',
          'i.org_id',
          'i.email',
          'i.expires_at',
          'i.accepted_at',
          'i.membership_id',
          'm.user_id',
          'm.role',
          'm.status',
          'o.name as org_name',
          'o.slug as org_slug',
          'u.password_hash',
        ])
        .where('i.token_hash', '=', tokenHash)
        .executeTakeFirst();
    },

    async markInvitationAccepted(executor: Executor, invitationId: string, now: Date): Promise<boolean> {
      const row = await executor
        .updateTable('org_invitations')
        .set({ accepted_at: now })
        .where('id', '=', invitationId)
        .where('accepted_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

export type OrganizationsRepo = ReturnType<typeof createOrganizationsRepo>;
