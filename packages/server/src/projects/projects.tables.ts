import type { Json, Timestamp } from '../db/column-types.js';
import type { PermissionRule } from '../permissions/permissions.types.js';

export type ProjectsTable = {
  id: string;
  org_id: string;
  name: string;
  slug: string;
  description: string;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type ProjectEnvironmentsTable = {
  id: string;
  project_id: string;
  name: string;
  slug: string;
  position: number;
  created_at: Timestamp;
  updated_at: Timestamp;
};

/** Exactly one of user_id / identity_id is set (a check constraint says so). */
export type ProjectMembershipsTable = {
  id: string;
  project_id: string;
  user_id: string | null;
  identity_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

/** A role held through a membership: a built-in slug, or a custom role (custom_role_id set, role = its slug). */
export type ProjectMembershipRolesTable = {
  id: string;
  membership_id: string;
  role: string;
  custom_role_id: string | null;
  created_at: Timestamp;
};

export type ProjectRolesTable = {
  id: string;
  project_id: string;
  slug: string;
  name: string;
  description: string;
  permissions: Json<PermissionRule[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type ProjectTables = {
  projects: ProjectsTable;
  project_environments: ProjectEnvironmentsTable;
  project_memberships: ProjectMembershipsTable;
  project_membership_roles: ProjectMembershipRolesTable;
  project_roles: ProjectRolesTable;
};
