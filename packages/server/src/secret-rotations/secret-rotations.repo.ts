import type { Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { RotationRow } from './engine/engine.types.js';
import type { RotationContext } from './secret-rotations.view.js';

export type RotationWithContext = { row: RotationRow; context: RotationContext };

/** Rotation rows with the environment and connection they are shown with, in one query. */
export async function findRotations(
  db: Kysely<Database>,
  filter: { id?: string; projectId?: string; type?: string; name?: string },
): Promise<RotationWithContext[]> {
  let query = db
    .selectFrom('secret_rotations as r')
    .innerJoin('project_environments as e', 'e.id', 'r.environment_id')
    .innerJoin('app_connections as c', 'c.id', 'r.connection_id')
    .selectAll('r')
    .select(['e.name as env_name', 'e.slug as env_slug', 'c.name as connection_name', 'c.app as connection_app']);
  if (filter.id) query = query.where('r.id', '=', filter.id);
  if (filter.projectId) query = query.where('r.project_id', '=', filter.projectId);
  if (filter.type) query = query.where('r.type', '=', filter.type);
  if (filter.name) query = query.where('r.name', '=', filter.name);
  const rows = await query.orderBy('r.created_at', 'asc').execute();
  return rows.map(({ env_name, env_slug, connection_name, connection_app, ...row }) => ({
    row,
    context: {
      environment: { id: row.environment_id, name: env_name, slug: env_slug },
      connection: { id: row.connection_id, name: connection_name, app: connection_app },
    },
  }));
}

export async function isNameTaken(db: Db, projectId: string, name: string, exceptId?: string): Promise<boolean> {
  let query = db.selectFrom('secret_rotations').select('id').where('project_id', '=', projectId).where('name', '=', name);
  if (exceptId) query = query.where('id', '<>', exceptId);
  return (await query.executeTakeFirst()) !== undefined;
}

export async function pendingRevocationIds(db: Kysely<Database>, rotationId: string): Promise<string[]> {
  const rows = await db.selectFrom('secret_rotation_pending_revocations').select('external_id').where('rotation_id', '=', rotationId).execute();
  return rows.map((row) => row.external_id);
}
