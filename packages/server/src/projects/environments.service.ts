import type { Kysely } from 'kysely';
import type { AuditLog, RequestOrigin } from '../audit/audit.types.js';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/database.js';
import { isUniqueViolation } from '../db/database.js';
import type { Database } from '../db/schema.js';
import { conflict, notFound } from '../http/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { PermissionService } from '../permissions/permissions.types.js';
import { toEnvironmentDto } from './projects.schemas.js';
import { isForeignKeyViolation, type ProjectsService } from './projects.service.js';

export type EnvironmentsServiceDeps = { db: Db; clock: Clock; ids: Ids; audit: AuditLog; permissions: PermissionService; projects: ProjectsService };

export function createEnvironmentsService(deps: EnvironmentsServiceDeps) {
  const { db, clock, ids, audit, permissions, projects } = deps;
  const repo = projects.repo;

  /** Rewrites positions 1..n in the given order (environments per project are few). */
  async function renumber(trx: Kysely<Database>, orderedIds: string[], now: Date): Promise<void> {
    for (const [index, id] of orderedIds.entries()) {
      await trx.updateTable('project_environments').set({ position: index + 1, updated_at: now }).where('id', '=', id).execute();
    }
  }

  async function orderedIds(trx: Kysely<Database>, projectId: string): Promise<string[]> {
    return (await repo.listEnvironments([projectId], trx)).map((env) => env.id);
  }

  async function existing(projectId: string, environmentId: string) {
    const env = await repo.findEnvironment(projectId, environmentId);
    if (!env) throw notFound(`Environment '${environmentId}' not found in this project`);
    return env;
  }

  const slugTaken = (slug: string | undefined) => conflict(`An environment with slug '${slug}' already exists in this project`);

  async function result(projectId: string, environmentId: string, message: string) {
    const workspace = await projects.projectDto(projectId);
    const environment = workspace.environments.find((env) => env.id === environmentId);
    if (!environment) throw notFound(`Environment '${environmentId}' not found in this project`);
    return { message, workspace, environment };
  }

  return {
    async list(actor: Actor, projectId: string) {
      (await permissions.forProject(actor, projectId)).assert('environments', 'read');
      return projects.listEnvironments(projectId);
    },

    async get(actor: Actor, projectId: string, environmentId: string) {
      (await permissions.forProject(actor, projectId)).assert('environments', 'read');
      return toEnvironmentDto(await existing(projectId, environmentId));
    },

    async create(actor: Actor, projectId: string, input: { name: string; slug: string; position?: number | undefined }, origin: RequestOrigin) {
      (await permissions.forProject(actor, projectId)).assert('environments', 'create', { environment: input.slug });
      const id = ids.uuid();
      const now = clock.now();
      try {
        await db.transaction().execute(async (trx) => {
          await repo.lockProject(trx, projectId);
          const order = await orderedIds(trx, projectId);
          await repo.insertEnvironment(trx, { id, projectId, name: input.name, slug: input.slug, position: order.length + 1, now });
          const at = Math.min(Math.max((input.position ?? order.length + 1) - 1, 0), order.length);
          order.splice(at, 0, id);
          await renumber(trx, order, now);
          await audit.record({ actor, orgId: actor.orgId, projectId, eventType: 'create-environment', resourceType: 'environment', resourceId: id, metadata: { name: input.name, slug: input.slug }, origin }, trx);
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw slugTaken(input.slug);
        throw error;
      }
      return result(projectId, id, 'Successfully created new environment');
    },

    /** Renames (name and/or slug) and reorders: `position` is the 1-based place in the list. */
    async update(actor: Actor, projectId: string, environmentId: string, input: { name?: string | undefined; slug?: string | undefined; position?: number | undefined }, origin: RequestOrigin) {
      const access = await permissions.forProject(actor, projectId);
      const env = await existing(projectId, environmentId);
      access.assert('environments', 'edit', { environment: env.slug });
      const now = clock.now();
      try {
        await db.transaction().execute(async (trx) => {
          await repo.lockProject(trx, projectId);
          await repo.updateEnvironment(trx, environmentId, { name: input.name, slug: input.slug, now });
          if (input.position !== undefined) {
            const order = (await orderedIds(trx, projectId)).filter((id) => id !== environmentId);
            order.splice(Math.min(input.position - 1, order.length), 0, environmentId);
            await renumber(trx, order, now);
          }
          await audit.record(
            { actor, orgId: actor.orgId, projectId, eventType: 'update-environment', resourceType: 'environment', resourceId: environmentId, metadata: { slug: env.slug, ...input }, origin },
            trx,
          );
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw slugTaken(input.slug);
        throw error;
      }
      return result(projectId, environmentId, 'Successfully updated environment');
    },

    /** Deletes an environment only when nothing (secrets, folders, rotations) still lives in it. */
    async remove(actor: Actor, projectId: string, environmentId: string, origin: RequestOrigin) {
      const access = await permissions.forProject(actor, projectId);
      const env = await existing(projectId, environmentId);
      access.assert('environments', 'delete', { environment: env.slug });
      const before = await result(projectId, environmentId, 'Successfully deleted environment');
      const notEmpty = (reason: string) => conflict(`Environment '${env.slug}' is not empty (${reason}): delete what it holds first`);
      try {
        await db.transaction().execute(async (trx) => {
          await repo.lockProject(trx, projectId);
          for (const guard of projects.environmentGuards) {
            const reason = await guard({ id: env.id, projectId, slug: env.slug }, trx);
            if (reason) throw notEmpty(reason);
          }
          await repo.deleteEnvironment(trx, environmentId);
          await renumber(trx, await orderedIds(trx, projectId), clock.now());
          await audit.record({ actor, orgId: actor.orgId, projectId, eventType: 'delete-environment', resourceType: 'environment', resourceId: environmentId, metadata: { slug: env.slug }, origin }, trx);
        });
      } catch (error) {
        if (isForeignKeyViolation(error)) throw notEmpty('other data still refers to it');
        throw error;
      }
      return { ...before, workspace: await projects.projectDto(projectId) };
    },
  };
}

export type EnvironmentsService = ReturnType<typeof createEnvironmentsService>;
