import type { Selectable } from 'kysely';
import { z } from 'zod';
import { emailSchema, passwordSchema, personNameSchema, userSchema, userTokenResponse } from '../auth/auth.schemas.js';
import { orgRoleSchema } from '../identities/identities.schemas.js';
import { slugSchema } from './slug.js';
import type { OrganizationsTable } from './organizations.tables.js';

export const organizationSchema = z.object({ id: z.uuid(), name: z.string(), slug: z.string(), createdAt: z.string(), updatedAt: z.string() });

export function toOrganizationDto(row: Selectable<OrganizationsTable>): z.infer<typeof organizationSchema> {
  return { id: row.id, name: row.name, slug: row.slug, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() };
}

export const orgMembershipSchema = z.object({
  id: z.uuid(),
  orgId: z.uuid(),
  role: z.string(),
  status: z.enum(['invited', 'accepted']),
  user: z.object({ id: z.uuid(), email: z.string(), firstName: z.string().nullable(), lastName: z.string().nullable() }),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type MemberRow = {
  id: string;
  org_id: string;
  user_id: string;
  role: string;
  status: 'invited' | 'accepted';
  created_at: Date;
  updated_at: Date;
  email: string;
  first_name: string | null;
  last_name: string | null;
};

export function toOrgMembershipDto(row: MemberRow): z.infer<typeof orgMembershipSchema> {
  return {
    id: row.id,
    orgId: row.org_id,
    role: row.role,
    status: row.status,
    user: { id: row.user_id, email: row.email, firstName: row.first_name, lastName: row.last_name },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export const organizationNameSchema = z.string().trim().min(1).max(64);
export const organizationIdParams = z.object({ organizationId: z.uuid() });
export const membershipParams = z.object({ organizationId: z.uuid(), membershipId: z.uuid() });

export const createOrganizationBody = z.object({ name: organizationNameSchema }).strict();
export const updateOrganizationBody = z.object({ name: organizationNameSchema.optional(), slug: slugSchema(64).optional() }).strict();
export const organizationResponse = z.object({ organization: organizationSchema });
export const organizationsResponse = z.object({ organizations: z.array(organizationSchema.extend({ role: z.string() })) });

export const membersResponse = z.object({ users: z.array(orgMembershipSchema) });
export const membershipResponse = z.object({ membership: orgMembershipSchema });
export const updateMembershipBody = z.object({ role: orgRoleSchema }).strict();

/** Infisical's `POST /api/v1/invite-org/signup` body. */
export const inviteBody = z.object({
  inviteeEmails: z.array(emailSchema).min(1).max(50),
  organizationId: z.uuid(),
  organizationRoleSlug: orgRoleSchema.default('member'),
});
export const inviteResponse = z.object({
  message: z.string(),
  completeInviteLinks: z.array(z.object({ email: z.string(), link: z.string() })),
});

const invitationToken = z.string().min(16).max(128);
export const verifyInvitationBody = z.object({ email: emailSchema, token: invitationToken }).strict();
export const verifyInvitationResponse = z.object({
  invitation: z.object({
    email: z.string(),
    role: z.string(),
    organization: z.object({ id: z.uuid(), name: z.string(), slug: z.string() }),
    expiresAt: z.string(),
    needsPassword: z.boolean(),
  }),
});
export const acceptInvitationBody = z
  .object({ email: emailSchema, token: invitationToken, password: passwordSchema, firstName: personNameSchema.optional(), lastName: personNameSchema.optional() })
  .strict();
export const acceptInvitationResponse = userTokenResponse.extend({ user: userSchema, organization: organizationSchema.pick({ id: true, name: true, slug: true }) });
