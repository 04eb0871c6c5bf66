import { useQuery } from '@tanstack/react-query';
import { ApiError, api } from '../api/client';
import { keys } from '../api/queries';
import type { Me } from '../api/types';
import { useMe } from '../session/session';

export type Subject = 'secrets' | 'secret-folders' | 'secret-rotations' | 'members' | 'environments' | 'project' | 'settings' | 'audit-logs' | 'roles';
export type Action = 'read' | 'create' | 'edit' | 'delete' | 'read-generated-credentials' | 'rotate-secrets';

/** One permission rule as the dashboard uses it (conditions are left to the server). */
export type Rule = { subject: string; actions: string[]; inverted?: boolean; hasConditions?: boolean };

const crud = ['read', 'create', 'edit', 'delete'];
const rotationActions = [...crud, 'read-generated-credentials', 'rotate-secrets'];

/**
 * The built-in project roles, as documented for the server (admin: everything; member: secrets and folders,
 * read rotations; viewer: read only). Only used to hide controls when the server cannot say directly.
 */
const builtInRoles: Record<string, Rule[]> = {
  admin: [
    ...['secrets', 'secret-folders', 'secret-imports', 'environments', 'members', 'identities', 'roles', 'webhooks', 'audit-logs', 'settings', 'project'].map((subject) => ({
      subject,
      actions: crud,
    })),
    { subject: 'secret-rotations', actions: rotationActions },
  ],
  member: [
    ...['secrets', 'secret-folders', 'secret-imports', 'environments'].map((subject) => ({ subject, actions: crud })),
    ...['secret-rotations', 'webhooks', 'audit-logs', 'members', 'identities', 'roles', 'settings', 'project'].map((subject) => ({ subject, actions: ['read'] })),
  ],
  viewer: ['secrets', 'secret-folders', 'secret-imports', 'environments', 'secret-rotations', 'project'].map((subject) => ({ subject, actions: ['read'] })),
  'no-access': [],
};
builtInRoles.developer = builtInRoles.member ?? [];

/**
 * Whether the rules allow an action somewhere in the project. Conditions (environment, path, connection)
 * are not evaluated: the dashboard only hides what cannot work; the server decides every request.
 */
export function allows(rules: Rule[], subject: Subject, action: Action): boolean {
  const matches = (rule: Rule) => rule.subject === subject && rule.actions.includes(action);
  const forbidden = rules.some((rule) => rule.inverted === true && !rule.hasConditions && matches(rule));
  return !forbidden && rules.some((rule) => rule.inverted !== true && matches(rule));
}

type RawRule = { subject: string; action?: string[]; actions?: string[]; inverted?: boolean; conditions?: unknown };

function normalize(rules: RawRule[]): Rule[] {
  return rules.map((rule) => ({
    subject: rule.subject,
    actions: rule.actions ?? rule.action ?? [],
    inverted: rule.inverted === true,
    hasConditions: rule.conditions !== undefined && rule.conditions !== null && Object.keys(rule.conditions).length > 0,
  }));
}

async function rulesForRole(projectId: string, role: string): Promise<Rule[]> {
  const builtIn = builtInRoles[role];
  if (builtIn) return builtIn;
  try {
    const { role: custom } = await api('get', '/api/v1/workspace/{projectId}/roles/slug/{roleSlug}', { params: { projectId, roleSlug: role } });
    return normalize(custom.permissions);
  } catch {
    return builtInRoles.viewer ?? [];
  }
}

/**
 * The caller's rules, derived from their project roles (the server has no "what may I do" route): built-in
 * roles from the documented table, custom roles from their definition.
 */
async function loadRules(projectId: string, me: Me): Promise<{ rules: Rule[]; roles: string[] }> {
  // Organization admins hold the admin role in every project.
  if (me.organization.role === 'admin') return { rules: builtInRoles.admin ?? [], roles: ['admin'] };
  try {
    const { memberships } = await api('get', '/api/v1/workspace/{projectId}/memberships', { params: { projectId } });
    const mine = memberships.find((membership) => membership.user.id === me.user.id);
    const roles = mine?.roles.map((entry) => entry.customRoleSlug ?? entry.role) ?? [];
    const rules = (await Promise.all(roles.map((role) => rulesForRole(projectId, role)))).flat();
    return { rules, roles };
  } catch (error) {
    // Listing members needs more than read access: whoever gets this far can read the project, nothing more is known.
    if (error instanceof ApiError && error.status === 403) return { rules: builtInRoles.viewer ?? [], roles: ['viewer'] };
    throw error;
  }
}

export type ProjectPermissions = {
  isLoading: boolean;
  can(subject: Subject, action: Action): boolean;
  roles: string[];
};

export function useProjectPermissions(projectId: string): ProjectPermissions {
  const me = useMe();
  const query = useQuery({
    queryKey: [...keys.projectPermissions(projectId), me.user.id],
    queryFn: () => loadRules(projectId, me),
    staleTime: 60_000,
    retry: false,
  });
  const rules = query.data?.rules ?? [];
  return {
    isLoading: query.isPending,
    can: (subject, action) => allows(rules, subject, action),
    roles: query.data?.roles ?? [],
  };
}
