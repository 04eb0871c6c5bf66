import { z } from 'zod';
import { emailSchema } from '../auth/auth.schemas.js';

export const roleSlugInput = z.string().trim().min(1).max(64);

const roleEntry = z.object({
  role: roleSlugInput,
  isTemporary: z.boolean().optional(),
});

/** `{roles: [{role}]}`, or Infisical's deprecated `{role}`. */
export const membershipRolesBody = z
  .object({ roles: z.array(roleEntry).min(1).max(10).optional(), role: roleSlugInput.optional() })
  .refine((body) => body.roles !== undefined || body.role !== undefined, { message: 'roles is required, for example [{"role":"viewer"}]', path: ['roles'] });

export const membershipRoleSchema = z.object({
  id: z.uuid(),
  role: z.string(),
  customRoleId: z.uuid().nullable(),
  customRoleSlug: z.string().nullable(),
  isTemporary: z.boolean(),
  createdAt: z.string(),
});
export type MembershipRoleDto = z.infer<typeof membershipRoleSchema>;

export const identityMembershipSchema = z.object({
  id: z.uuid(),
  projectId: z.uuid(),
  identityId: z.uuid(),
  identity: z.object({ id: z.uuid(), name: z.string() }),
  roles: z.array(membershipRoleSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const userMembershipSchema = z.object({
  id: z.uuid(),
  projectId: z.uuid(),
  userId: z.uuid(),
  user: z.object({ id: z.uuid(), email: z.string(), firstName: z.string().nullable(), lastName: z.string().nullable() }),
  roles: z.array(membershipRoleSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const identityMembershipParams = z.object({ projectId: z.uuid(), identityId: z.uuid() });
export const userMembershipParams = z.object({ projectId: z.uuid(), membershipId: z.uuid() });

export const identityMembershipResponse = z.object({ identityMembership: identityMembershipSchema });
export const identityMembershipsResponse = z.object({ identityMemberships: z.array(identityMembershipSchema) });
export const rolesResponse = z.object({ roles: z.array(membershipRoleSchema) });

/** Infisical's `POST /api/v2/workspace/:projectId/memberships`: add organization members by email. */
export const addUsersBody = z
  .object({
    emails: z.array(emailSchema).min(1).max(50).optional(),
    usernames: z.array(emailSchema).min(1).max(50).optional(),
    roleSlugs: z.array(roleSlugInput).min(1).max(10).optional(),
  })
  .refine((body) => body.emails !== undefined || body.usernames !== undefined, { message: 'emails is required', path: ['emails'] });
export const userMembershipsResponse = z.object({ memberships: z.array(userMembershipSchema) });
export const userMembershipResponse = z.object({ membership: userMembershipSchema });
