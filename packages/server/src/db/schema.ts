import type { PlatformTables } from './platform.tables.js';

/**
 * The whole schema as Kysely sees it: each domain declares its tables in its own `*.tables.ts` file and
 * they are joined here. Migrations live in ./migrations and are the source of truth for the SQL.
 */
export type Database = PlatformTables;

export type { Json, Timestamp, Generated } from './column-types.js';
