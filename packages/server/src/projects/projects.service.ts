import type { Kysely } from 'kysely';
import type { AuditLog, RequestOrigin } from '../audit/audit.types.js';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/database.js';
import { isUniqueViolation } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { conflict, notFound } from '../http/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import { slugWithSuffix } from '../organizations/slug.js';
import type { PermissionService } from '../permissions/permissions.types.js';
import { environmentContentGuard } from './environment-usage.js';
import { createProjectsRepo } from './projects.repo.js';
import { type EnvironmentDto, type ProjectDto, toEnvironmentDto, toProjectDto } from './projects.schemas.js';

export const defaultEnvironments = [
  { name: 'Development', slug: 'dev' },
  { name: 'Staging', slug: 'staging' },
  { name: 'Production', slug: 'prod' },
] as const;

/**
 * Another module (secrets) says whether an environment still holds something: a guard returns a reason
 * ("3 secrets") to refuse the delete, or undefined to allow it.
 */
export type EnvironmentDeleteGuard = (
  environment: { id: string; projectId: string; slug: string },
  executor: Kysely<Database>,
) => Promise<string | undefined>;

export function isForeignKeyViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === '23503';
}

export type ProjectsServiceDeps = { db: Db; clock: Clock; ids: Ids; audit: AuditLog; permissions: PermissionService };

export function createProjectsService(deps: ProjectsServiceDeps) {
  const { db, clock, ids, audit, permissions } = deps;
  const repo = createProjectsRepo(db);
  const environmentGuards: EnvironmentDeleteGuard[] = [environmentContentGuard];

  async function withEnvironments(rows: Awaited<ReturnType<typeof repo.listProjects>>): Promise<ProjectDto[]> {
    const environments = await repo.listEnvironments(rows.map((row) => row.id));
    return rows.map((row) => toProjectDto(row, environments.filter((env) => env.project_id === row.id).map(toEnvironmentDto)));
  }

  async function projectDto(projectId: string): Promise<ProjectDto> {
    const row = await repo.findProject(projectId);
    if (!row) throw notFound(`Project '${projectId}' not found`);
    const [dto] = await withEnvironments([row]);
    if (!dto) throw notFound(`Project '${projectId}' not found`);
    return dto;
  }

  const slugTaken = (slug: string | undefined) => conflict(`A project with slug '${slug}' already exists in this organization: choose another slug`);

  return {
    repo,
    projectDto,

    /** Lets another module refuse deleting an environment that still holds its data. */
    addEnvironmentDeleteGuard(guard: EnvironmentDeleteGuard): void {
      environmentGuards.push(guard);
    },

    /** The environment with this slug in the project; a 404 naming it when there is none. */
    async findEnvironment(projectId: string, slug: string): Promise<EnvironmentDto> {
      const env = await repo.findEnvironmentBySlug(projectId, slug);
      if (env) return toEnvironmentDto(env);
      const known = (await repo.listEnvironments([projectId])).map((row) => row.slug);
      const hint = known.length > 0 ? ` (this project has: ${known.join(', ')})` : '';
      throw notFound(`Environment '${slug}' not found in this project${hint}`);
    },

    async listEnvironments(projectId: string): Promise<EnvironmentDto[]> {
      return (await repo.listEnvironments([projectId])).map(toEnvironmentDto);
    },

    /** Creates a project with dev, staging and prod; the creator becomes its admin. */
    async create(actor: Actor, input: { projectName: string; slug?: string | undefined; projectDescription?: string | undefined }, origin: RequestOrigin) {
      permissions.forOrg(actor).assert('projects', 'create');
      const projectId = ids.uuid();
      const slug = input.slug ?? slugWithSuffix(input.projectName, ids, 'project');
      const now = clock.now();
      try {
        await db.transaction().execute(async (trx) => {
          await repo.insertProject(trx, { id: projectId, orgId: actor.orgId, name: input.projectName, slug, description: input.projectDescription ?? '', now });
          for (const [index, env] of defaultEnvironments.entries()) {
            await repo.insertEnvironment(trx, { id: ids.uuid(), projectId, name: env.name, slug: env.slug, position: index + 1, now });
          }
          if (actor.type !== 'system') {
            const membershipId = ids.uuid();
            await trx
              .insertInto('project_memberships')
              .values({
                id: membershipId,
                project_id: projectId,
                user_id: actor.type === 'user' ? actor.userId : null,
                identity_id: actor.type === 'identity' ? actor.identityId : null,
                created_at: now,
                updated_at: now,
              })
              .execute();
            await trx.insertInto('project_membership_roles').values({ id: ids.uuid(), membership_id: membershipId, role: 'admin', custom_role_id: null, created_at: now }).execute();
          }
          await audit.record(
            { actor, orgId: actor.orgId, projectId, eventType: 'create-project', resourceType: 'project', resourceId: projectId, metadata: { name: input.projectName, slug }, origin },
            trx,
          );
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw slugTaken(slug);
        throw error;
      }
      return projectDto(projectId);
    },

    /** Org admins see every project of the organization; others see the projects they are members of. */
    async list(actor: Actor): Promise<ProjectDto[]> {
      const seesAll = actor.type === 'system' || permissions.forOrg(actor).can('projects', 'read');
      const member = actor.type === 'user' ? { userId: actor.userId } : actor.type === 'identity' ? { identityId: actor.identityId } : undefined;
      return withEnvironments(await repo.listProjects(actor.orgId, seesAll ? undefined : member));
    },

    async get(actor: Actor, projectId: string): Promise<ProjectDto> {
      (await permissions.forProject(actor, projectId)).assert('project', 'read');
      return projectDto(projectId);
    },

    async update(actor: Actor, projectId: string, input: { name?: string | undefined; description?: string | undefined; slug?: string | undefined }, origin: RequestOrigin) {
      (await permissions.forProject(actor, projectId)).assert('project', 'edit');
      try {
        await db.transaction().execute(async (trx) => {
          await repo.updateProject(trx, projectId, { ...input, now: clock.now() });
          await audit.record({ actor, orgId: actor.orgId, projectId, eventType: 'update-project', resourceType: 'project', resourceId: projectId, metadata: { ...input }, origin }, trx);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw slugTaken(input.slug);
        throw error;
      }
      return projectDto(projectId);
    },

    async remove(actor: Actor, projectId: string, origin: RequestOrigin) {
      (await permissions.forProject(actor, projectId)).assert('project', 'delete');
      const before = await projectDto(projectId);
      try {
        await db.transaction().execute(async (trx) => {
          await repo.deleteProject(trx, projectId);
          await audit.record(
            { actor, orgId: actor.orgId, projectId, eventType: 'delete-project', resourceType: 'project', resourceId: projectId, metadata: { name: before.name, slug: before.slug }, origin },
            trx,
          );
        });
      } catch (error) {
        if (isForeignKeyViolation(error)) throw conflict(`Project '${before.slug}' still holds data that must be deleted first`);
        throw error;
      }
      return before;
    },

    environmentGuards,
  };
}

export type ProjectsService = ReturnType<typeof createProjectsService>;
