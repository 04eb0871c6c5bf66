import type { Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';

type Executor = Kysely<Database>;

export function createProjectsRepo(db: Db) {
  return {
    async insertProject(executor: Executor, project: { id: string; orgId: string; name: string; slug: string; description: string; now: Date }) {
      return executor
        .insertInto('projects')
        .values({ id: project.id, org_id: project.orgId, name: project.name, slug: project.slug, description: project.description, created_at: project.now, updated_at: project.now })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    findProject(projectId: string, executor: Executor = db) {
      return executor.selectFrom('projects').selectAll().where('id', '=', projectId).executeTakeFirst();
    },

    /** Every project of the organization, or only those where the user/identity holds a membership. */
    listProjects(orgId: string, member?: { userId?: string; identityId?: string }) {
      let query = db.selectFrom('projects as p').selectAll('p').where('p.org_id', '=', orgId);
      if (member) {
        query = query.where((eb) =>
          eb.exists(
            eb
              .selectFrom('project_memberships as m')
              .select('m.id')
              .whereRef('m.project_id', '=', 'p.id')
              .where(member.userId ? 'm.user_id' : 'm.identity_id', '=', member.userId ?? member.identityId ?? ''),
          ),
        );
      }
      return query.orderBy('p.created_at').orderBy('p.id').execute();
    },

    async updateProject(executor: Executor, projectId: string, values: { name?: string; description?: string; slug?: string; now: Date }) {
      return executor
        .updateTable('projects')
        .set({
          updated_at: values.now,
          ...(values.name !== undefined ? { name: values.name } : {}),
          ...(values.description !== undefined ? { description: values.description } : {}),
          ...(values.slug !== undefined ? { slug: values.slug } : {}),
        })
        .where('id', '=', projectId)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async deleteProject(executor: Executor, projectId: string) {
      await executor.deleteFrom('projects').where('id', '=', projectId).execute();
    },

    listEnvironments(projectIds: string[], executor: Executor = db) {
      if (projectIds.length === 0) return Promise.resolve([]);
      return executor
        .selectFrom('project_environments')
        .selectAll()
        .where('project_id', 'in', projectIds)
        .orderBy('position')
        .orderBy('created_at')
        .execute();
    },

    findEnvironmentBySlug(projectId: string, slug: string) {
      return db.selectFrom('project_environments').selectAll().where('project_id', '=', projectId).where('slug', '=', slug).executeTakeFirst();
    },

    findEnvironment(projectId: string, environmentId: string, executor: Executor = db) {
      return executor
        .selectFrom('project_environments')
        .selectAll()
        .where('project_id', '=', projectId)
        .where('id', '=', environmentId)
        .executeTakeFirst();
    },

    async insertEnvironment(executor: Executor, env: { id: string; projectId: string; name: string; slug: string; position: number; now: Date }) {
      return executor
        .insertInto('project_environments')
        .values({ id: env.id, project_id: env.projectId, name: env.name, slug: env.slug, position: env.position, created_at: env.now, updated_at: env.now })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async updateEnvironment(executor: Executor, environmentId: string, values: { name?: string; slug?: string; position?: number; now: Date }) {
      await executor
        .updateTable('project_environments')
        .set({
          updated_at: values.now,
          ...(values.name !== undefined ? { name: values.name } : {}),
          ...(values.slug !== undefined ? { slug: values.slug } : {}),
          ...(values.position !== undefined ? { position: values.position } : {}),
        })
        .where('id', '=', environmentId)
        .execute();
    },

    async deleteEnvironment(executor: Executor, environmentId: string) {
      await executor.deleteFrom('project_environments').where('id', '=', environmentId).execute();
    },

    /** Locks the project row, serialising environment changes (positions) within one project. */
    async lockProject(executor: Executor, projectId: string) {
      await executor.selectFrom('projects').select('id').where('id', '=', projectId).forUpdate().execute();
    },
  };
}

export type ProjectsRepo = ReturnType<typeof createProjectsRepo>;
