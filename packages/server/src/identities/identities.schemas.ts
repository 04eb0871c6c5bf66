import { z } from 'zod';
import { orgRoles } from '../permissions/default-roles.js';
import type { IdentitiesTable } from './identities.tables.js';

export const orgRoleSchema = z.enum(orgRoles, { message: `must be one of: ${orgRoles.join(', ')}` });
export const identityNameSchema = z.string().trim().min(1).max(64);

export const identitySchema = z.object({
  id: z.uuid(),
  name: z.string(),
  orgId: z.uuid(),
  role: z.string(),
  authMethod: z.enum(['universal-auth', 'token']).nullable(),
  authMethods: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type IdentityDto = z.infer<typeof identitySchema>;

type IdentityRow = Pick<IdentitiesTable, 'id' | 'name' | 'org_id' | 'org_role'> & { created_at: Date; updated_at: Date; ua_id: string | null };

export function toIdentityDto(row: IdentityRow): IdentityDto {
  return {
    id: row.id,
    name: row.name,
    orgId: row.org_id,
    role: row.org_role,
    authMethod: row.ua_id ? 'universal-auth' : null,
    authMethods: row.ua_id ? ['universal-auth'] : [],
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export const identityIdParams = z.object({ identityId: z.uuid() });

export const createIdentityBody = z.object({
  name: identityNameSchema,
  organizationId: z.uuid(),
  role: orgRoleSchema.default('no-access'),
});

export const updateIdentityBody = z.object({ name: identityNameSchema.optional(), role: orgRoleSchema.optional() });

export const identityResponse = z.object({ identity: identitySchema });
export const identitiesResponse = z.object({ identities: z.array(identitySchema) });
