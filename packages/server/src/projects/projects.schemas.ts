import type { Selectable } from 'kysely';
import { z } from 'zod';
import { slugSchema } from '../organizations/slug.js';
import type { ProjectEnvironmentsTable, ProjectsTable } from './projects.tables.js';

export const environmentSchema = z.object({ id: z.uuid(), name: z.string(), slug: z.string(), position: z.number().int() });
export type EnvironmentDto = z.infer<typeof environmentSchema>;

export function toEnvironmentDto(row: Pick<Selectable<ProjectEnvironmentsTable>, 'id' | 'name' | 'slug' | 'position'>): EnvironmentDto {
  return { id: row.id, name: row.name, slug: row.slug, position: row.position };
}

export const projectSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  slug: z.string(),
  description: z.string(),
  orgId: z.uuid(),
  version: z.number().int(),
  environments: z.array(environmentSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ProjectDto = z.infer<typeof projectSchema>;

export function toProjectDto(row: Selectable<ProjectsTable>, environments: EnvironmentDto[]): ProjectDto {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    description: row.description,
    orgId: row.org_id,
    // Infisical reports version 3 for projects that use its current (server-side) encryption scheme.
    version: 3,
    environments,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export const projectNameSchema = z.string().trim().min(1).max(64);
export const projectSlugSchema = slugSchema(36);
export const environmentSlugSchema = slugSchema(64);
export const environmentNameSchema = z.string().trim().min(1).max(64);

export const projectIdParams = z.object({ projectId: z.uuid() });
export const environmentParams = z.object({ projectId: z.uuid(), environmentId: z.uuid() });

/** Infisical's `POST /api/v2/workspace` body. */
export const createProjectBody = z.object({
  projectName: projectNameSchema,
  slug: projectSlugSchema.optional(),
  projectDescription: z.string().trim().max(256).optional(),
});
export const updateProjectBody = z.object({
  name: projectNameSchema.optional(),
  description: z.string().trim().max(256).optional(),
  slug: projectSlugSchema.optional(),
});

export const projectResponse = z.object({ project: projectSchema });
export const workspaceResponse = z.object({ workspace: projectSchema });
export const workspacesResponse = z.object({ workspaces: z.array(projectSchema) });

export const createEnvironmentBody = z.object({
  name: environmentNameSchema,
  slug: environmentSlugSchema,
  position: z.number().int().min(1).max(1000).optional(),
});
export const updateEnvironmentBody = z.object({
  name: environmentNameSchema.optional(),
  slug: environmentSlugSchema.optional(),
  position: z.number().int().min(1).max(1000).optional(),
});
export const environmentChangeResponse = z.object({ message: z.string(), workspace: projectSchema, environment: environmentSchema });
export const environmentResponse = z.object({ environment: environmentSchema });
export const environmentsResponse = z.object({ environments: z.array(environmentSchema) });
