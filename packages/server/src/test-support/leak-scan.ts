import pg from 'pg';
import { withDatabase } from '../db/embedded-postgres.js';
import { sentinelMarker } from './sentinel.js';

/** Scans every row of every table in every test database for the sentinel marker, as text and as bytea hex. */
export async function findSentinelLeaks(adminUrl: string): Promise<string[]> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const leaks: string[] = [];
  try {
    const databases = await admin.query<{ datname: string }>("select datname from pg_database where datname like 'rekey_test_%'");
    for (const { datname } of databases.rows) {
      const client = new pg.Client({ connectionString: withDatabase(adminUrl, datname) });
      await client.connect();
      try {
        const tables = await client.query<{ table_name: string }>(
          "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'",
        );
        for (const { table_name } of tables.rows) {
          const found = await client.query<{ n: number }>(
            `select count(*)::int as n from ${client.escapeIdentifier(table_name)} t where position($1 in t::text) > 0 or position($2 in t::text) > 0`,
            [sentinelMarker, Buffer.from(sentinelMarker).toString('hex')],
          );
          const count = found.rows[0]?.n ?? 0;
          if (count > 0) leaks.push(`${datname}.${table_name}: ${count} row(s)`);
        }
      } finally {
        await client.end();
      }
    }
  } finally {
    await admin.end();
  }
  return leaks;
}
