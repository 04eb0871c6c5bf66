import type { FastifyBaseLogger } from 'fastify';
import type { AuditLog, RequestOrigin } from '../audit/audit.types.js';
import type { Actor } from '../auth/actor.js';
import { toUserDto } from '../auth/auth.schemas.js';
import type { AuthService } from '../auth/auth.service.js';
import { toOrgRole } from '../auth/authenticate.js';
import { assertPasswordPolicy, hashPassword, verifyPassword } from '../auth/passwords.js';
import type { RateLimiter } from '../auth/rate-limiter.js';
import { hashToken } from '../auth/tokens.js';
import type { Db } from '../db/database.js';
import { badRequest, conflict, notFound, unauthorized } from '../http/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { PermissionService } from '../permissions/permissions.types.js';
import type { Mailer } from './mailer.js';
import { createOrganizationsRepo } from './organizations.repo.js';

const invitationLifetimeMs = 7 * 24 * 60 * 60 * 1000;
const invalidInvitation = 'Invitation link is invalid or was replaced by a newer one: ask an admin to invite you again';

export type InvitationsDeps = {
  db: Db;
  clock: Clock;
  ids: Ids;
  audit: AuditLog;
  permissions: PermissionService;
  auth: AuthService;
  limiter: RateLimiter;
  mailer: Mailer | undefined;
  /** Base URL of the dashboard, for the links. */
  siteUrl: string;
  logger: FastifyBaseLogger;
};

export function createInvitationsService(deps: InvitationsDeps) {
  const { db, clock, ids, audit, permissions } = deps;
  const repo = createOrganizationsRepo(db);

  async function findValid(email: string, token: string, origin: RequestOrigin) {
    deps.limiter.consume(origin.ip ?? 'unknown');
    const invitation = await repo.findInvitation(hashToken(token));
    if (!invitation || invitation.email !== email.toLowerCase()) throw unauthorized(invalidInvitation);
    if (invitation.accepted_at) throw unauthorized('Invitation was already used: sign in instead');
    if (invitation.expires_at.getTime() <= clock.now().getTime()) throw unauthorized('Invitation expired: ask an admin to invite you again');
    return invitation;
  }

  return {
    /** Creates (or re-issues) a one-time link per address; sends it by email when SMTP is configured. */
    async invite(actor: Actor, input: { inviteeEmails: string[]; organizationId: string; organizationRoleSlug: string }, origin: RequestOrigin) {
      if (input.organizationId !== actor.orgId) throw notFound(`Organization '${input.organizationId}' not found`);
      permissions.forOrg(actor).assert('members', 'create');
      const org = await repo.findOrganization(actor.orgId);
      if (!org) throw notFound(`Organization '${input.organizationId}' not found`);
      const emails = [...new Set(input.inviteeEmails.map((email) => email.toLowerCase()))];
      const now = clock.now();
      const links = await db.transaction().execute(async (trx) => {
        const created: { email: string; link: string }[] = [];
        for (const email of emails) {
          let user = await trx.selectFrom('users').select(['id']).where('email', '=', email).executeTakeFirst();
          if (!user) {
            user = { id: ids.uuid() };
            await trx.insertInto('users').values({ id: user.id, email, password_hash: null, first_name: null, last_name: null, created_at: now, updated_at: now }).execute();
          }
          const membership = await repo.findMemberByUser(actor.orgId, user.id, trx);
          if (membership?.status === 'accepted') throw conflict(`${email} is already a member of this organization`);
          let membershipId = membership?.id;
          if (membershipId) {
            await repo.setMembership(trx, membershipId, { role: input.organizationRoleSlug, now });
            await repo.deletePendingInvitations(trx, membershipId);
          } else {
            membershipId = ids.uuid();
            await repo.insertMembership(trx, { id: membershipId, orgId: actor.orgId, userId: user.id, role: input.organizationRoleSlug, status: 'invited', now });
          }
          const token = ids.token(32);
          await repo.insertInvitation(trx, {
            id: ids.uuid(),
            orgId: actor.orgId,
            membershipId,
            email,
            tokenHash: hashToken(token),
            invitedBy: actor.type === 'user' ? actor.email : actor.type,
            now,
            expiresAt: new Date(now.getTime() + invitationLifetimeMs),
          });
          const query = new URLSearchParams({ token, email, organization_id: actor.orgId });
          created.push({ email, link: `${deps.siteUrl}/signup/invite?${query.toString()}` });
          await audit.record(
            { actor, orgId: actor.orgId, eventType: 'invite-org-member', resourceType: 'org-membership', resourceId: membershipId, metadata: { email, role: input.organizationRoleSlug }, origin },
            trx,
          );
        }
        return created;
      });

      let emailNote = 'SMTP is not configured: share the links yourself';
      if (deps.mailer) {
        const mailer = deps.mailer;
        const results = await Promise.allSettled(
          links.map(({ email, link }) =>
            mailer.send({
              to: email,
              subject: `You have been invited to ${org.name} on Rekey`,
              text: `You have been invited to join the organization "${org.name}" on Rekey.\n\nSet your password and sign in with this one-time link (valid for 7 days):\n${link}\n`,
            }),
          ),
        );
        const failed = results.filter((result) => result.status === 'rejected');
        for (const failure of failed) deps.logger.warn({ err: failure.reason }, 'could not send an invitation email');
        emailNote = failed.length === 0 ? 'invitation emails sent' : `${failed.length} invitation email(s) could not be sent: share those links yourself`;
      }
      return { message: `Invited ${links.length} user(s); ${emailNote}`, completeInviteLinks: links };
    },

    async verify(input: { email: string; token: string }, origin: RequestOrigin) {
      const invitation = await findValid(input.email, input.token, origin);
      return {
        email: invitation.email,
        role: invitation.role,
        organization: { id: invitation.org_id, name: invitation.org_name, slug: invitation.org_slug },
        expiresAt: invitation.expires_at.toISOString(),
        needsPassword: invitation.password_hash === null,
      };
    },

    /**
     * Accepts an invitation: a new user sets their password here; an existing user confirms with theirs.
     * Starts a session, like a login.
     */
    async accept(input: { email: string; token: string; password: string; firstName?: string | undefined; lastName?: string | undefined }, origin: RequestOrigin) {
      const invitation = await findValid(input.email, input.token, origin);
      const email = invitation.email;
      let passwordHash: string | undefined;
      if (invitation.password_hash === null) {
        assertPasswordPolicy(input.password, email);
        passwordHash = await hashPassword(input.password);
      } else if (!(await verifyPassword(invitation.password_hash, input.password))) {
        throw badRequest('You already have a Rekey account: enter its password to accept the invitation');
      }
      const now = clock.now();
      const result = await db.transaction().execute(async (trx) => {
        if (!(await repo.markInvitationAccepted(trx, invitation.id, now))) throw unauthorized('Invitation was already used: sign in instead');
        await trx
          .updateTable('users')
          .set({
            updated_at: now,
            ...(passwordHash ? { password_hash: passwordHash, password_changed_at: now } : {}),
            ...(input.firstName !== undefined ? { first_name: input.firstName } : {}),
            ...(input.lastName !== undefined ? { last_name: input.lastName } : {}),
          })
          .where('id', '=', invitation.user_id)
          .execute();
        await repo.setMembership(trx, invitation.membership_id, { status: 'accepted', now });
        const session = await deps.auth.issueSession(trx, invitation.user_id, invitation.org_id, origin);
        const actor: Actor = { type: 'user', userId: invitation.user_id, email, orgId: invitation.org_id, orgRole: toOrgRole(invitation.role), sessionId: session.sessionId };
        await audit.record(
          { actor, orgId: invitation.org_id, eventType: 'accept-org-invitation', resourceType: 'org-membership', resourceId: invitation.membership_id, metadata: { email }, origin },
          trx,
        );
        const user = await trx.selectFrom('users').selectAll().where('id', '=', invitation.user_id).executeTakeFirstOrThrow();
        return { session, user };
      });
      return {
        ...result.session,
        user: toUserDto(result.user),
        organization: { id: invitation.org_id, name: invitation.org_name, slug: invitation.org_slug },
      };
    },
  };
}

export type InvitationsService = ReturnType<typeof createInvitationsService>;
