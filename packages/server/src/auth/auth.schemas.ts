import { z } from 'zod';
import type { UsersTable } from './auth.tables.js';
import { passwordMaxLength } from './passwords.js';

export const emailSchema = z.email({ message: 'must be an email address' }).max(254);
/** Length and common-password rules are checked by the service, so the message can say exactly what is wrong. */
export const passwordSchema = z.string().min(1).max(passwordMaxLength);
export const personNameSchema = z.string().trim().min(1).max(64);

export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  superAdmin: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type UserDto = z.infer<typeof userSchema>;

export function toUserDto(row: Pick<UsersTable, 'id' | 'email' | 'first_name' | 'last_name'> & {
  is_super_admin: boolean;
  created_at: Date;
  updated_at: Date;
}): UserDto {
  return {
    id: row.id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    superAdmin: row.is_super_admin,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export const organizationSummarySchema = z.object({ id: z.uuid(), name: z.string(), slug: z.string() });
export const organizationWithRoleSchema = organizationSummarySchema.extend({ role: z.string() });

export const loginBody = z
  .object({ email: emailSchema, password: passwordSchema, organizationId: z.uuid().optional() })
  .strict();

export const userTokenResponse = z.object({
  accessToken: z.string(),
  expiresIn: z.number().int(),
  tokenType: z.literal('Bearer'),
  organizationId: z.uuid(),
});

export const loginResponse = userTokenResponse.extend({ user: userSchema, organization: organizationWithRoleSchema });

export const messageResponse = z.object({ message: z.string() });

export const changePasswordBody = z.object({ currentPassword: passwordSchema, newPassword: passwordSchema }).strict();

export const selectOrganizationBody = z.object({ organizationId: z.uuid() }).strict();
export const selectOrganizationResponse = userTokenResponse.extend({ token: z.string() });

export const meResponse = z.object({
  user: userSchema,
  organization: organizationWithRoleSchema,
  organizations: z.array(organizationWithRoleSchema),
});

export const bootstrapBody = z
  .object({ email: emailSchema, password: passwordSchema, organization: z.string().trim().min(1).max(64) })
  .strict();

export const bootstrapResponse = z.object({
  message: z.string(),
  user: userSchema,
  organization: organizationSummarySchema,
  identity: z.object({
    id: z.uuid(),
    name: z.string(),
    orgId: z.uuid(),
    role: z.string(),
    credentials: z.object({ token: z.string() }),
  }),
});

export const adminConfigResponse = z.object({
  config: z.object({ initialized: z.boolean(), isSmtpConfigured: z.boolean() }),
});
