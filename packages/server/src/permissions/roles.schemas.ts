import { z } from 'zod';
import { slugSchema } from '../organizations/slug.js';
import { ruleInput, ruleOutput } from './permissions.schemas.js';

export const roleSchema = z.object({
  id: z.string(),
  projectId: z.uuid(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  isBuiltIn: z.boolean(),
  permissions: z.array(ruleOutput),
  createdAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
});
export type RoleDto = z.infer<typeof roleSchema>;

const roleName = z.string().trim().min(1).max(64);
const roleDescription = z.string().trim().max(500);
const rules = z.array(ruleInput).max(100);

export const createRoleBody = z.object({ slug: slugSchema(64), name: roleName, description: roleDescription.optional(), permissions: rules });
export const updateRoleBody = z.object({ slug: slugSchema(64).optional(), name: roleName.optional(), description: roleDescription.optional(), permissions: rules.optional() });

export const roleParams = z.object({ projectId: z.uuid(), roleId: z.uuid() });
export const roleSlugParams = z.object({ projectId: z.uuid(), roleSlug: z.string().min(1).max(64) });
export const roleResponse = z.object({ role: roleSchema });
export const rolesListResponse = z.object({ roles: z.array(roleSchema) });
