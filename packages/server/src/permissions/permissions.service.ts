import { actorCacheKey, type Actor } from '../auth/actor.js';
import type { Db } from '../db/database.js';
import { noReadCaches, type ReadCaches } from '../db/read-cache.js';
import { forbidden, notFound } from '../http/errors.js';
import { builtInProjectRules, isBuiltInProjectRole, orgRoleRules } from './default-roles.js';
import type {
  OrgAccess,
  OrgSubject,
  PermissionAction,
  PermissionRule,
  PermissionService,
  PermissionTarget,
  ProjectAccess,
  ProjectRoleSlug,
  ProjectSubject,
} from './permissions.types.js';
import { describeCheck, isAllowed } from './rules.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

type ProjectRow = { id: string; org_id: string; slug: string };

type ResolvedProject = { project: ProjectRow; roles: ProjectRoleSlug[]; rules: PermissionRule[] } | undefined;

export function createPermissionService(deps: { db: Db; caches?: ReadCaches }): PermissionService {
  const { db } = deps;
  // What an actor may do in a project, reused until a committed change to projects, memberships or roles.
  const resolved = (deps.caches ?? noReadCaches).create<ResolvedProject>(10_000);

  /** Roles and rules the actor holds in the project through its membership (and, for org admins, implicitly). */
  async function rolesFor(actor: Actor, projectId: string): Promise<{ roles: ProjectRoleSlug[]; rules: PermissionRule[] }> {
    if (actor.type === 'system') return { roles: ['admin'], rules: builtInProjectRules.admin };
    let query = db
      .selectFrom('project_membership_roles as r')
      .innerJoin('project_memberships as m', 'm.id', 'r.membership_id')
      .leftJoin('project_roles as pr', 'pr.id', 'r.custom_role_id')
      .select(['r.role', 'pr.permissions'])
      .where('m.project_id', '=', projectId);
    query = actor.type === 'user' ? query.where('m.user_id', '=', actor.userId) : query.where('m.identity_id', '=', actor.identityId);
    const held = await query.execute();
    const roles: ProjectRoleSlug[] = [];
    const rules: PermissionRule[] = [];
    // Org admins administer every project of their organization, member or not.
    if (actor.orgRole === 'admin') {
      roles.push('admin');
      rules.push(...builtInProjectRules.admin);
    }
    for (const row of held) {
      if (roles.includes(row.role)) continue;
      roles.push(row.role);
      if (row.permissions) rules.push(...row.permissions);
      else if (isBuiltInProjectRole(row.role)) rules.push(...builtInProjectRules[row.role]);
    }
    return { roles, rules };
  }

  function projectAccess(actor: Actor, project: ProjectRow, roles: ProjectRoleSlug[], rules: PermissionRule[]): ProjectAccess {
    const can = (subject: ProjectSubject, action: PermissionAction, target?: PermissionTarget) => isAllowed(rules, subject, action, target);
    return {
      projectId: project.id,
      orgId: project.org_id,
      actor,
      roles,
      can,
      assert(subject, action, target) {
        if (can(subject, action, target)) return;
        const held = roles.length > 0 ? roles.join(', ') : 'none';
        throw forbidden(`Permission denied: you may not ${describeCheck(subject, action, target)} in project '${project.slug}' (your project roles: ${held})`);
      },
    };
  }

  async function withRoles(actor: Actor, project: ProjectRow | undefined): Promise<ResolvedProject> {
    // Another organization's project answers exactly like a missing one.
    if (!project || project.org_id !== actor.orgId) return undefined;
    const { roles, rules } = await rolesFor(actor, project.id);
    return { project, roles, rules };
  }

  function accessOrNotFound(actor: Actor, found: ResolvedProject, label: string): ProjectAccess {
    if (!found) throw notFound(`Project ${label} not found`);
    return projectAccess(actor, found.project, found.roles, found.rules);
  }

  return {
    async forProject(actor, projectId) {
      if (!isUuid(projectId)) throw notFound(`Project '${projectId}' not found`);
      const found = await resolved.through(`${actorCacheKey(actor)}:id:${projectId}`, async () =>
        withRoles(actor, await db.selectFrom('projects').select(['id', 'org_id', 'slug']).where('id', '=', projectId).executeTakeFirst()),
      );
      return accessOrNotFound(actor, found, `'${projectId}'`);
    },

    async forProjectSlug(actor, slug) {
      const found = await resolved.through(`${actorCacheKey(actor)}:slug:${slug}`, async () =>
        withRoles(
          actor,
          await db
            .selectFrom('projects')
            .select(['id', 'org_id', 'slug'])
            .where('org_id', '=', actor.orgId)
            .where('slug', '=', slug)
            .executeTakeFirst(),
        ),
      );
      return accessOrNotFound(actor, found, `'${slug}'`);
    },

    forOrg(actor): OrgAccess {
      const rules = actor.type === 'system' ? orgRoleRules.admin : orgRoleRules[actor.orgRole];
      const can = (subject: OrgSubject, action: PermissionAction, target?: PermissionTarget) => isAllowed(rules, subject, action, target);
      return {
        orgId: actor.orgId,
        actor,
        can,
        assert(subject, action, target) {
          if (can(subject, action, target)) return;
          const role = actor.type === 'system' ? 'system' : actor.orgRole;
          throw forbidden(`Permission denied: you may not ${describeCheck(subject, action, target)} in this organization (your organization role: ${role})`);
        },
      };
    },
  };
}
