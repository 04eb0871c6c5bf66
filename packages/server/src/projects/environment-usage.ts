import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema.js';
import type { EnvironmentDeleteGuard } from './projects.service.js';

/**
 * What makes an environment "not empty": secrets, secret rotations, and folders other than the root one.
 * Those live in other modules' tables; this guard names the tables (and skips any that do not exist yet)
 * instead of importing their code, so the projects module depends on nothing. Folders' root rows, imports
 * and versions go with the environment (their foreign keys cascade).
 */
const contentQueries: { table: string; label: string; query: (envId: string) => ReturnType<typeof sql<{ n: number }>> }[] = [
  { table: 'secrets', label: 'secret(s)', query: (envId) => sql<{ n: number }>`select count(*)::int as n from secrets where environment_id = ${envId}` },
  {
    table: 'secret_rotations',
    label: 'secret rotation(s)',
    query: (envId) => sql<{ n: number }>`select count(*)::int as n from secret_rotations where environment_id = ${envId}`,
  },
  {
    table: 'secret_folders',
    label: 'folder(s)',
    query: (envId) => sql<{ n: number }>`select count(*)::int as n from secret_folders where environment_id = ${envId} and path <> '/'`,
  },
];

export const environmentContentGuard: EnvironmentDeleteGuard = async (environment, executor: Kysely<Database>) => {
  const found: string[] = [];
  for (const { table, label, query } of contentQueries) {
    const exists = await sql<{ oid: string | null }>`select to_regclass(${table})::text as oid`.execute(executor);
    if (!exists.rows[0]?.oid) continue;
    const count = (await query(environment.id).execute(executor)).rows[0]?.n ?? 0;
    if (count > 0) found.push(`${count} ${label}`);
  }
  return found.length > 0 ? `it holds ${found.join(', ')}` : undefined;
};
