import pg from 'pg';
import type { Config } from '../config.js';
import { type EmbeddedPostgres, startEmbeddedPostgres, withDatabase } from './embedded-postgres.js';

/** Creates `database` on the server if it does not exist yet (embedded clusters start with only `postgres`). */
export async function ensureDatabaseExists(adminConnectionString: string, database: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminConnectionString });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`create database ${client.escapeIdentifier(database)}`).catch((error: { code?: string }) => {
        // Another replica or test worker created it between our check and our create.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await client.end();
  }
  return withDatabase(adminConnectionString, database);
}

export type DatabaseTarget = { connectionString: string; embedded: EmbeddedPostgres | undefined };

/** DATABASE_URL when set (production); otherwise the embedded PostgreSQL under the data directory. */
export async function resolveDatabase(config: Config, log: (message: string) => void): Promise<DatabaseTarget> {
  if (config.databaseUrl) return { connectionString: config.databaseUrl, embedded: undefined };
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, onLog: log });
  try {
    const connectionString = await ensureDatabaseExists(embedded.connectionString, 'rekey');
    return { connectionString, embedded };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}
