import type { OrgRole } from '../auth/actor.js';
import type { OrgSubject, PermissionAction, PermissionRule, ProjectSubject } from './permissions.types.js';
import { projectSubjects } from './permissions.types.js';

const crud: PermissionAction[] = ['read', 'create', 'edit', 'delete'];

/** Which actions mean something for which subject; a role may only name these. */
export function actionsForProjectSubject(subject: ProjectSubject): PermissionAction[] {
  if (subject === 'secret-rotations') return [...crud, 'read-generated-credentials', 'rotate-secrets'];
  return crud;
}

export function actionsForOrgSubject(subject: OrgSubject): PermissionAction[] {
  if (subject === 'app-connections') return [...crud, 'connect'];
  return crud;
}

export const builtInProjectRoles = ['admin', 'member', 'viewer', 'no-access'] as const;
export type BuiltInProjectRole = (typeof builtInProjectRoles)[number];

/** Infisical's older name for the member role; accepted on input and stored as `member`. */
export const projectRoleAliases: Record<string, BuiltInProjectRole> = { developer: 'member' };

export function isBuiltInProjectRole(slug: string): slug is BuiltInProjectRole {
  return (builtInProjectRoles as readonly string[]).includes(slug);
}

const allow = (subject: ProjectSubject | OrgSubject, actions: PermissionAction[]): PermissionRule => ({ subject, actions });

/**
 * Built-in project roles. Secret rotations follow Infisical (reference §5.1): admin has all six actions,
 * member and viewer may only read the configuration, no-access has nothing.
 */
export const builtInProjectRules: Record<BuiltInProjectRole, PermissionRule[]> = {
  admin: projectSubjects.map((subject) => allow(subject, actionsForProjectSubject(subject))),
  member: [
    allow('secrets', crud),
    allow('secret-folders', crud),
    allow('secret-imports', crud),
    allow('environments', crud),
    allow('secret-rotations', ['read']),
    allow('webhooks', ['read']),
    allow('audit-logs', ['read']),
    allow('members', ['read']),
    allow('identities', ['read']),
    allow('roles', ['read']),
    allow('settings', ['read']),
    allow('project', ['read']),
  ],
  viewer: [
    allow('secrets', ['read']),
    allow('secret-folders', ['read']),
    allow('secret-imports', ['read']),
    allow('environments', ['read']),
    allow('secret-rotations', ['read']),
    allow('project', ['read']),
  ],
  'no-access': [],
};

export function builtInProjectRoleRules(role: BuiltInProjectRole): PermissionRule[] {
  return builtInProjectRules[role];
}

export const builtInProjectRoleNames: Record<BuiltInProjectRole, { name: string; description: string }> = {
  admin: { name: 'Admin', description: 'Full access to everything in the project' },
  member: { name: 'Developer', description: 'Reads and writes secrets, folders, imports and environments; reads rotations' },
  viewer: { name: 'Viewer', description: 'Reads secrets, folders, imports, environments and rotations' },
  'no-access': { name: 'No Access', description: 'No access to the project' },
};

/**
 * Organization roles. An org admin manages members, identities, app connections and every project (and holds
 * the project admin role in all of them); an org member may read app connections and create projects.
 */
export const orgRoleRules: Record<OrgRole, PermissionRule[]> = {
  admin: [
    allow('members', crud),
    allow('identities', crud),
    allow('app-connections', actionsForOrgSubject('app-connections')),
    allow('projects', crud),
    allow('audit-logs', ['read']),
    allow('settings', ['read', 'edit']),
  ],
  member: [allow('app-connections', ['read']), allow('projects', ['create'])],
  'no-access': [],
};

export const orgRoles = ['admin', 'member', 'no-access'] as const satisfies readonly OrgRole[];
