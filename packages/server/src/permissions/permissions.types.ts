import type { Actor } from '../auth/actor.js';

/**
 * The permission model (Infisical-compatible in spirit): a role is a list of rules, each rule allows
 * (or, with `inverted`, forbids) actions on a subject, optionally only where conditions match.
 */
export const projectSubjects = [
  'secrets',
  'secret-folders',
  'secret-imports',
  'environments',
  'members',
  'identities',
  'roles',
  'secret-rotations',
  'webhooks',
  'audit-logs',
  'settings',
  'project',
] as const;
export type ProjectSubject = (typeof projectSubjects)[number];

export const orgSubjects = ['members', 'identities', 'app-connections', 'projects', 'audit-logs', 'settings'] as const;
export type OrgSubject = (typeof orgSubjects)[number];

/** Actions: the generic CRUD set plus subject-specific ones (rotations: read-generated-credentials, rotate-secrets; connections: connect). */
export const permissionActions = [
  'read',
  'create',
  'edit',
  'delete',
  'read-generated-credentials',
  'rotate-secrets',
  'connect',
] as const;
export type PermissionAction = (typeof permissionActions)[number];

/** Conditions a rule may carry; `secretPath` is a glob such as `/api/**`. */
export type PermissionConditions = {
  environment?: string | string[];
  secretPath?: string;
  connectionId?: string | string[];
};

export type PermissionRule = {
  subject: ProjectSubject | OrgSubject;
  actions: PermissionAction[];
  conditions?: PermissionConditions;
  inverted?: boolean;
};

/** What a specific check is about: the environment slug, folder path and connection involved. */
export type PermissionTarget = {
  environment?: string;
  secretPath?: string;
  connectionId?: string;
};

export type ProjectRoleSlug = 'admin' | 'member' | 'viewer' | 'no-access' | (string & {});

/** An actor's resolved access to one project. Loading it proves the project exists in the actor's organization. */
export type ProjectAccess = {
  projectId: string;
  orgId: string;
  actor: Actor;
  /** Role slugs the actor holds in the project (a user or identity may hold several). */
  roles: ProjectRoleSlug[];
  can(subject: ProjectSubject, action: PermissionAction, target?: PermissionTarget): boolean;
  /** Throws a 403 AppError naming what was missing. */
  assert(subject: ProjectSubject, action: PermissionAction, target?: PermissionTarget): void;
};

export type OrgAccess = {
  orgId: string;
  actor: Actor;
  can(subject: OrgSubject, action: PermissionAction, target?: PermissionTarget): boolean;
  assert(subject: OrgSubject, action: PermissionAction, target?: PermissionTarget): void;
};

export type PermissionService = {
  /**
   * Resolves the actor's access to a project. A project that does not exist, or that belongs to another
   * organization, is a 404 (never a 403), so its existence does not leak.
   */
  forProject(actor: Actor, projectId: string): Promise<ProjectAccess>;
  /** Same, by project slug within the actor's organization (Infisical's `workspaceSlug`). */
  forProjectSlug(actor: Actor, slug: string): Promise<ProjectAccess>;
  forOrg(actor: Actor): OrgAccess;
};
