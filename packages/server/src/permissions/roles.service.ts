import type { Selectable } from 'kysely';
import type { AuditLog, RequestOrigin } from '../audit/audit.types.js';
import type { Actor } from '../auth/actor.js';
import type { Db } from '../db/database.js';
import { isUniqueViolation } from '../db/database.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { ProjectRolesTable } from '../projects/projects.tables.js';
import { builtInProjectRoleNames, builtInProjectRoleRules, builtInProjectRoles, isBuiltInProjectRole, projectRoleAliases } from './default-roles.js';
import { normalizeRule, type RuleInput, toRuleOutput } from './permissions.schemas.js';
import type { PermissionService } from './permissions.types.js';
import type { RoleDto } from './roles.schemas.js';

export type RolesServiceDeps = { db: Db; clock: Clock; ids: Ids; audit: AuditLog; permissions: PermissionService };

function customRoleDto(row: Selectable<ProjectRolesTable>): RoleDto {
  return {
    id: row.id,
    projectId: row.project_id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    isBuiltIn: false,
    permissions: row.permissions.map(toRuleOutput),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function builtInRoleDtos(projectId: string): RoleDto[] {
  return builtInProjectRoles.map((slug) => ({
    id: slug,
    projectId,
    slug,
    ...builtInProjectRoleNames[slug],
    isBuiltIn: true,
    permissions: builtInProjectRoleRules(slug).map(toRuleOutput),
    createdAt: null,
    updatedAt: null,
  }));
}

/** Custom project roles: a slug, a name and a list of rules, assignable to user and identity memberships. */
export function createRolesService(deps: RolesServiceDeps) {
  const { db, clock, ids, audit, permissions } = deps;

  function assertCustomSlug(slug: string): void {
    if (isBuiltInProjectRole(slug) || projectRoleAliases[slug]) throw badRequest(`'${slug}' is a built-in role: choose another slug for a custom role`);
  }

  async function find(projectId: string, roleId: string) {
    const row = await db.selectFrom('project_roles').selectAll().where('project_id', '=', projectId).where('id', '=', roleId).executeTakeFirst();
    if (!row) throw notFound(`Role '${roleId}' not found in this project`);
    return row;
  }

  const taken = (slug: string | undefined) => conflict(`A role with slug '${slug}' already exists in this project`);
  const event = (actor: Actor, projectId: string, eventType: string, roleId: string, metadata: Record<string, unknown>, origin: RequestOrigin) => ({
    actor,
    orgId: actor.orgId,
    projectId,
    eventType,
    resourceType: 'project-role',
    resourceId: roleId,
    metadata,
    origin,
  });

  return {
    async list(actor: Actor, projectId: string): Promise<RoleDto[]> {
      (await permissions.forProject(actor, projectId)).assert('roles', 'read');
      const rows = await db.selectFrom('project_roles').selectAll().where('project_id', '=', projectId).orderBy('created_at').orderBy('id').execute();
      return [...builtInRoleDtos(projectId), ...rows.map(customRoleDto)];
    },

    async get(actor: Actor, projectId: string, roleId: string): Promise<RoleDto> {
      (await permissions.forProject(actor, projectId)).assert('roles', 'read');
      return customRoleDto(await find(projectId, roleId));
    },

    async getBySlug(actor: Actor, projectId: string, slug: string): Promise<RoleDto> {
      (await permissions.forProject(actor, projectId)).assert('roles', 'read');
      const builtIn = builtInRoleDtos(projectId).find((role) => role.slug === (projectRoleAliases[slug] ?? slug));
      if (builtIn) return builtIn;
      const row = await db.selectFrom('project_roles').selectAll().where('project_id', '=', projectId).where('slug', '=', slug).executeTakeFirst();
      if (!row) throw notFound(`Role '${slug}' not found in this project`);
      return customRoleDto(row);
    },

    async create(actor: Actor, projectId: string, input: { slug: string; name: string; description?: string | undefined; permissions: RuleInput[] }, origin: RequestOrigin) {
      (await permissions.forProject(actor, projectId)).assert('roles', 'create');
      assertCustomSlug(input.slug);
      const id = ids.uuid();
      const now = clock.now();
      const rules = input.permissions.map(normalizeRule);
      try {
        const row = await db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('project_roles')
            .values({ id, project_id: projectId, slug: input.slug, name: input.name, description: input.description ?? '', permissions: JSON.stringify(rules), created_at: now, updated_at: now })
            .returningAll()
            .executeTakeFirstOrThrow();
          await audit.record(event(actor, projectId, 'create-project-role', id, { slug: input.slug, rules: rules.length }, origin), trx);
          return created;
        });
        return customRoleDto(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw taken(input.slug);
        throw error;
      }
    },

    async update(
      actor: Actor,
      projectId: string,
      roleId: string,
      input: { slug?: string | undefined; name?: string | undefined; description?: string | undefined; permissions?: RuleInput[] | undefined },
      origin: RequestOrigin,
    ) {
      (await permissions.forProject(actor, projectId)).assert('roles', 'edit');
      await find(projectId, roleId);
      if (input.slug !== undefined) assertCustomSlug(input.slug);
      const now = clock.now();
      try {
        const row = await db.transaction().execute(async (trx) => {
          const updated = await trx
            .updateTable('project_roles')
            .set({
              updated_at: now,
              ...(input.slug !== undefined ? { slug: input.slug } : {}),
              ...(input.name !== undefined ? { name: input.name } : {}),
              ...(input.description !== undefined ? { description: input.description } : {}),
              ...(input.permissions !== undefined ? { permissions: JSON.stringify(input.permissions.map(normalizeRule)) } : {}),
            })
            .where('id', '=', roleId)
            .returningAll()
            .executeTakeFirstOrThrow();
          // Memberships name custom roles by slug as well as by id; keep the two in step.
          if (input.slug !== undefined) await trx.updateTable('project_membership_roles').set({ role: input.slug }).where('custom_role_id', '=', roleId).execute();
          await audit.record(event(actor, projectId, 'update-project-role', roleId, { slug: updated.slug, rulesChanged: input.permissions !== undefined }, origin), trx);
          return updated;
        });
        return customRoleDto(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw taken(input.slug);
        throw error;
      }
    },

    async remove(actor: Actor, projectId: string, roleId: string, origin: RequestOrigin) {
      (await permissions.forProject(actor, projectId)).assert('roles', 'delete');
      const row = await find(projectId, roleId);
      await db.transaction().execute(async (trx) => {
        const assigned = await trx
          .selectFrom('project_membership_roles')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('custom_role_id', '=', roleId)
          .executeTakeFirstOrThrow();
        if (Number(assigned.count) > 0) throw conflict(`Role '${row.slug}' is assigned to ${assigned.count} membership(s): give them another role first`);
        await trx.deleteFrom('project_roles').where('id', '=', roleId).execute();
        await audit.record(event(actor, projectId, 'delete-project-role', roleId, { slug: row.slug }, origin), trx);
      });
      return customRoleDto(row);
    },
  };
}

export type RolesService = ReturnType<typeof createRolesService>;
