import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { type EmbeddedPostgres, startEmbeddedPostgres } from '../db/embedded-postgres.js';
import { findSentinelLeaks } from './leak-scan.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

/**
 * One PostgreSQL server per test run: the embedded one by default (exactly what `npm start` uses), or the
 * server named by TEST_DATABASE_URL (CI runs the suite again on Debian's PostgreSQL 15). Each test file
 * creates its own database on it. At the end every table of every test database is scanned for the
 * sentinel secret values the tests wrote: none may be stored in plain text.
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedPostgres | undefined;
  let dataDir: string | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'rekey-test-pg-'));
    embedded = await startEmbeddedPostgres({
      dataDir,
      settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', max_connections: '300' },
    });
    adminUrl = embedded.connectionString;
  }
  project.provide('adminDatabaseUrl', adminUrl);

  return async () => {
    try {
      const leaks = await findSentinelLeaks(adminUrl);
      if (leaks.length > 0) {
        throw new Error(`Plaintext sentinel secrets found in the database:\n${leaks.join('\n')}`);
      }
    } finally {
      await embedded?.stop();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    }
  };
}
