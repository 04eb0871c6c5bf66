import { type Kysely, type Selectable, sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { AppConnectionApp, AppConnectionsTable } from './app-connections.tables.js';

export type AppConnectionRow = Selectable<AppConnectionsTable>;
export type RotationUsingConnection = { id: string; name: string };

export function createAppConnectionsRepo(db: Db) {
  return {
    findById(orgId: string, id: string, trx: Kysely<Database> = db): Promise<AppConnectionRow | undefined> {
      return trx.selectFrom('app_connections').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
    },

    /** Locks the row for the rest of the transaction, so a concurrent update or delete waits. */
    findByIdForUpdate(trx: Kysely<Database>, orgId: string, id: string): Promise<AppConnectionRow | undefined> {
      return trx
        .selectFrom('app_connections')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
    },

    findByName(orgId: string, name: string): Promise<AppConnectionRow | undefined> {
      return db.selectFrom('app_connections').selectAll().where('org_id', '=', orgId).where('name', '=', name).executeTakeFirst();
    },

    list(orgId: string, app?: AppConnectionApp): Promise<AppConnectionRow[]> {
      let query = db.selectFrom('app_connections').selectAll().where('org_id', '=', orgId);
      if (app) query = query.where('app', '=', app);
      return query.orderBy('name').execute();
    },

    async insert(trx: Kysely<Database>, row: Omit<AppConnectionRow, 'version'>): Promise<AppConnectionRow> {
      return trx.insertInto('app_connections').values(row).returningAll().executeTakeFirstOrThrow();
    },

    async update(
      trx: Kysely<Database>,
      id: string,
      patch: { name?: string; description?: string | null; encrypted_credentials?: Buffer; updated_at: Date },
      bumpVersion: boolean,
    ): Promise<AppConnectionRow> {
      return trx
        .updateTable('app_connections')
        .set((eb) => ({ ...patch, ...(bumpVersion ? { version: eb('version', '+', 1) } : {}) }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /**
     * Stores a refreshed OAuth token without changing the version, and only while the credentials are the
     * ones it was refreshed from: a person's newer credentials always win over a background refresh.
     */
    async replaceCredentialsOfVersion(id: string, version: number, sealed: Buffer): Promise<boolean> {
      const result = await db
        .updateTable('app_connections')
        .set({ encrypted_credentials: sealed })
        .where('id', '=', id)
        .where('version', '=', version)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async delete(trx: Kysely<Database>, id: string): Promise<void> {
      await trx.deleteFrom('app_connections').where('id', '=', id).execute();
    },

    /**
     * Secret rotations that use the connection. The rotations table belongs to the rotation engine (a later
     * migration), so it is read by name and only when it exists.
     */
    async rotationsUsingConnection(connectionId: string, trx: Kysely<Database> = db): Promise<RotationUsingConnection[]> {
      const exists = await sql<{ present: boolean }>`select to_regclass('secret_rotations') is not null as present`.execute(trx);
      if (!exists.rows[0]?.present) return [];
      const rows = await sql<RotationUsingConnection>`
        select id::text as id, name from secret_rotations where connection_id = ${connectionId} order by name`.execute(trx);
      return rows.rows;
    },
  };
}

export type AppConnectionsRepo = ReturnType<typeof createAppConnectionsRepo>;
