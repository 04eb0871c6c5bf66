import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import { buildApp, type AppDeps } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import { createKeyring, type Keyring } from '../crypto/keyring.js';
import { verifyRootKey } from '../crypto/root-key.js';
import { createChangeFeed, installChangeTriggers } from '../db/change-feed.js';
import { createDatabase, migrateToLatest, type Db } from '../db/database.js';
import { withDatabase } from '../db/embedded-postgres.js';
import { createLogger } from '../http/logger.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { randomIds } from '../lib/ids.js';

/** A fresh, migrated database on the run's PostgreSQL server, for one test file. */
export async function createTestDatabase(): Promise<{ url: string; name: string }> {
  const adminUrl = inject('adminDatabaseUrl');
  const name = `rekey_test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  return { url: withDatabase(adminUrl, name), name };
}

export type TestApp = {
  app: FastifyInstance;
  db: Db;
  keyring: Keyring;
  rootKey: Buffer;
  config: Config;
  /** Every log line the app wrote, as raw JSON text. */
  logs: string[];
  /** The app listening on 127.0.0.1, for clients that need real HTTP. */
  listen(): Promise<string>;
  close(): Promise<void>;
};

export async function startTestApp(
  options: {
    env?: Record<string, string>;
    clock?: Clock;
    rootKey?: Buffer;
    databaseUrl?: string;
    engineOverrides?: AppDeps['engineOverrides'];
  } = {},
): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase()).url;
  const rootKey = options.rootKey ?? randomBytes(32);
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    REKEY_ROOT_KEY: rootKey.toString('base64'),
    LOG_LEVEL: 'info',
    REKEY_WORKER: 'false',
    ...options.env,
  });
  const changes = createChangeFeed({ connectionString: databaseUrl, reconnectDelayMs: 100 });
  const db = createDatabase(databaseUrl, { maxConnections: 5, plugins: [changes.plugin] });
  await migrateToLatest(db);
  await verifyRootKey(db, rootKey);
  await installChangeTriggers(db);
  await changes.start();
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger({ level: config.logLevel, destination });
  const keyring = createKeyring({ db, rootKey, ids: randomIds });
  const deps: AppDeps = {
    config,
    db,
    keyring,
    rootKey,
    clock: options.clock ?? systemClock,
    ids: randomIds,
    logger,
    changes,
    ...(options.engineOverrides ? { engineOverrides: options.engineOverrides } : {}),
  };
  const app = await buildApp(deps);
  let isListening = false;
  return {
    app,
    db,
    keyring,
    rootKey,
    config,
    logs,
    listen: async () => {
      if (!isListening) {
        await app.listen({ port: 0, host: '127.0.0.1' });
        isListening = true;
      }
      const address = app.server.address();
      if (!address || typeof address === 'string') throw new Error('server has no TCP address');
      return `http://127.0.0.1:${address.port}`;
    },
    close: async () => {
      await app.close();
      await changes.stop();
      await db.destroy();
    },
  };
}
