#!/usr/bin/env node
import { promises as fs } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { channel, subscribe, unsubscribe } from 'node:diagnostics_channel';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createKeyring } from './crypto/keyring.js';
import { RootKeyError, parseRootKey, resolveRootKey, rootKeyFile, verifyRootKey } from './crypto/root-key.js';
import { rotateRootKey } from './crypto/rotate-root-key.js';
import { resolveDatabase } from './db/connect.js';
import { createLogger, type Logger } from './http/logger.js';
import { systemClock } from './lib/clock.js';
import { randomIds } from './lib/ids.js';
import { startupCompleteChannel } from './lib/startup-channel.js';

const startedAt = performance.now();
/** Milliseconds since process start at each start-up step, logged with "ready" so slow starts can be explained. */
const startupSteps: Record<string, number> = {};
function stepDone(name: string): void {
  startupSteps[name] = Math.round(performance.now() - startedAt);
}

function exitWith(message: string): never {
  process.stderr.write(`rekey: ${message}\n`);
  process.exit(1);
}

/**
 * Resolves when the embedded PostgreSQL's `pg_ctl start` has been launched (Node's `child_process` diagnostics
 * channel reports every spawn). From then on start-up waits for another process, so that is when the rest of the
 * server's modules are evaluated: in the bundle their evaluation is one synchronous stretch (~150 ms), and begun
 * earlier it held up the steps before the launch instead of overlapping PostgreSQL's own start.
 */
function embeddedPostgresLaunch(): { launched: Promise<void>; stopWatching: () => void } {
  let resolveLaunched = () => {};
  const launched = new Promise<void>((resolve) => {
    resolveLaunched = resolve;
  });
  // The channel reports a child process as it is created, before it has a file name; 'spawn' follows once it runs.
  const onSpawn = (message: unknown) => {
    const child = (message as { process?: ChildProcess }).process;
    child?.once('spawn', () => {
      if (path.basename(child.spawnfile) === 'pg_ctl' && child.spawnargs.includes('start')) stopWatching();
    });
  };
  const stopWatching = () => {
    unsubscribe('child_process', onSpawn);
    resolveLaunched();
  };
  subscribe('child_process', onSpawn);
  return { launched, stopWatching };
}

/**
 * Opens the database (embedded or external), migrates it and proves the root key matches it. The storage modules
 * load once `launched` resolves (PostgreSQL is starting) or the database is up, whichever is first.
 */
async function openStorage(config: Config, logger: Logger, launched: Promise<void> = Promise.resolve()) {
  stepDone('modulesLoaded');
  const pending = resolveDatabase(config, (message) => logger.info({ component: 'embedded-postgres' }, message));
  const storageModules = Promise.race([launched, pending.catch(() => undefined)]).then(() =>
    Promise.all([import('./db/database.js'), import('./db/change-feed.js')]),
  );
  storageModules.catch(() => undefined);
  const target = await pending;
  stepDone('databaseUp');
  const [{ createDatabase, migrateToLatest }, { createChangeFeed, installChangeTriggers }] = await storageModules;
  const changes = createChangeFeed({
    connectionString: target.connectionString,
    onError: (error) => logger.warn({ err: error }, 'change notifications interrupted: read caches are off until they resume'),
  });
  const db = createDatabase(target.connectionString, { plugins: [changes.plugin] });
  const close = async () => {
    await changes.stop();
    await db.destroy();
    await target.embedded?.stop();
  };
  try {
    const rootKey = await resolveRootKey({
      configuredKey: config.rootKey,
      dataDir: config.dataDir,
      isEmbedded: !config.databaseUrl,
      warn: (message) => logger.warn(message),
    });
    const applied = await migrateToLatest(db);
    if (applied.length > 0) logger.info({ migrations: applied }, 'applied database migrations');
    await verifyRootKey(db, rootKey);
    await installChangeTriggers(db);
    stepDone('migrated');
    return { db, rootKey, close, embedded: target.embedded, changes };
  } catch (error) {
    await close();
    throw error;
  }
}

async function serve(config: Config): Promise<void> {
  const logger = createLogger({ level: config.logLevel });
  // The application's modules load while PostgreSQL starts (a separate process): on a restart these are the
  // two longest steps, and they need not wait for each other. An external database is reached over the network
  // from the first step on, so there they load at once.
  const launch = config.databaseUrl ? { launched: Promise.resolve(), stopWatching: () => {} } : embeddedPostgresLaunch();
  const opening = openStorage(config, logger, launch.launched);
  void opening.then(launch.stopWatching, launch.stopWatching);
  const appModule = Promise.race([launch.launched, opening.catch(() => undefined)]).then(() => import('./app.js'));
  appModule.catch(() => undefined);
  const storage = await opening;
  const { buildApp } = await appModule;
  const keyring = createKeyring({ db: storage.db, rootKey: storage.rootKey, ids: randomIds });
  await storage.changes.start();
  const app = await buildApp({
    config,
    db: storage.db,
    keyring,
    rootKey: storage.rootKey,
    clock: systemClock,
    ids: randomIds,
    logger,
    changes: storage.changes,
  });
  stepDone('appBuilt');
  await app.listen({ port: config.port, host: config.host });
  stepDone('listening');
  await app.services.startBackgroundWork();
  logger.info(
    { readyInMs: Math.round(performance.now() - startedAt), startupSteps, embeddedPostgres: Boolean(storage.embedded), worker: config.isWorkerEnabled },
    `Rekey is ready at http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`,
  );
  channel(startupCompleteChannel).publish({ readyInMs: Math.round(performance.now() - startedAt) });

  let isShuttingDown = false;
  const shutdown = async (signal: string) => {
    if (isShuttingDown) {
      logger.warn({ signal }, 'second signal: exiting immediately');
      process.exit(1);
    }
    isShuttingDown = true;
    logger.info({ signal }, 'shutting down: no new requests, finishing the ones in flight');
    try {
      await app.close();
      await storage.close();
      logger.info('stopped cleanly');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** `rekey-server rotate-root-key`: re-wraps every data key under REKEY_NEW_ROOT_KEY (or a generated key in embedded mode). */
async function rotateRootKeyCommand(config: Config): Promise<void> {
  const logger = createLogger({ level: config.logLevel });
  const isEmbedded = !config.databaseUrl;
  const newKeyText = process.env.REKEY_NEW_ROOT_KEY;
  if (!newKeyText && !isEmbedded) exitWith('REKEY_NEW_ROOT_KEY: is required (32 random bytes, base64)');
  const newKey = newKeyText ? parseRootKey(newKeyText, 'REKEY_NEW_ROOT_KEY') : randomBytes(32);
  const storage = await openStorage(config, logger);
  try {
    const result = await rotateRootKey(storage.db, storage.rootKey, newKey, systemClock.now());
    if (isEmbedded && !config.rootKey) {
      await fs.writeFile(rootKeyFile(config.dataDir), `${newKey.toString('base64')}\n`, { mode: 0o600 });
      process.stdout.write(`Re-wrapped ${result.dataKeys} data keys; the new root key is in ${rootKeyFile(config.dataDir)}\n`);
    } else {
      process.stdout.write(`Re-wrapped ${result.dataKeys} data keys; set REKEY_ROOT_KEY to the new key before the next start\n`);
    }
  } finally {
    await storage.close();
  }
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
    if (config.rootKey) parseRootKey(config.rootKey);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof RootKeyError) exitWith(error.message.split('\n').join('; '));
    throw error;
  }
  const command = process.argv[2];
  try {
    if (command === undefined || command === 'serve') return await serve(config);
    if (command === 'rotate-root-key') return await rotateRootKeyCommand(config);
    exitWith(`unknown command "${command}"; commands: serve (default), rotate-root-key`);
  } catch (error) {
    if (error instanceof RootKeyError || error instanceof ConfigError) exitWith(error.message);
    exitWith(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
}

// Not a top-level await: the bundle is a CommonJS script (scripts/bundle.mjs). main() handles its own errors.
void main();
