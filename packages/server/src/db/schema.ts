import type { AppConnectionTables } from '../app-connections/app-connections.tables.js';
import type { AuditTables } from '../audit/audit.tables.js';
import type { AuthTables } from '../auth/auth.tables.js';
import type { IdentityTables } from '../identities/identities.tables.js';
import type { OrganizationTables } from '../organizations/organizations.tables.js';
import type { ProjectTables } from '../projects/projects.tables.js';
import type { SecretRotationTables } from '../secret-rotations/secret-rotations.tables.js';
import type { SecretsTables } from '../secrets/secrets.tables.js';
import type { PlatformTables } from './platform.tables.js';

/**
 * The whole schema as Kysely sees it: each domain declares its tables in its own `*.tables.ts` file and
 * they are joined here. Migrations live in ./migrations and are the source of truth for the SQL.
 */
export type Database = PlatformTables & AuthTables & OrganizationTables & IdentityTables & ProjectTables & AuditTables &
  SecretsTables &
  SecretRotationTables &
  AppConnectionTables;

export type { Json, Timestamp, Generated } from './column-types.js';
