import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/database.js';
import { DecryptionError, open, seal } from './aead.js';

export class RootKeyError extends Error {}

export function parseRootKey(encoded: string, variable = 'REKEY_ROOT_KEY'): Buffer {
  const trimmed = encoded.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    throw new RootKeyError(`${variable}: must be 32 random bytes encoded as base64`);
  }
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new RootKeyError(`${variable}: must decode to 32 bytes, got ${key.length} (generate one with: openssl rand -base64 32)`);
  }
  return key;
}

export function rootKeyFile(dataDir: string): string {
  return path.join(dataDir, 'root-key');
}

/**
 * The root key comes from REKEY_ROOT_KEY. Only the embedded default may fall back to a key generated into
 * the data directory, because there the database and the key sit on the same disk anyway.
 */
export async function resolveRootKey(options: {
  configuredKey: string | undefined;
  dataDir: string;
  isEmbedded: boolean;
  warn: (message: string) => void;
}): Promise<Buffer> {
  if (options.configuredKey) return parseRootKey(options.configuredKey);
  if (!options.isEmbedded) throw new RootKeyError('REKEY_ROOT_KEY: is required when DATABASE_URL is set');
  const file = rootKeyFile(options.dataDir);
  const existing = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (existing) return parseRootKey(existing, file);
  const key = randomBytes(32);
  await fs.mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  await fs.writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  options.warn(
    `No REKEY_ROOT_KEY set: generated a root key into ${file} (mode 0600). Anyone who can read that file and the database can read every secret; back it up, and set REKEY_ROOT_KEY in production.`,
  );
  return key;
}

const checkName = 'root-key-check';
const checkPlaintext = 'rekey root key check v1';

/** Root-wrapped instance secrets (the key check, signing keys) live in `instance_secrets`. */
export function instanceSecretAad(name: string): string {
  return `instance-secret:${name}`;
}

/**
 * Proves the configured root key is the one the database was written with, before anything is decrypted.
 * A fresh database records the check on first start.
 */
export async function verifyRootKey(db: Db, rootKey: Buffer): Promise<void> {
  const row = await db.selectFrom('instance_secrets').select('wrapped').where('name', '=', checkName).executeTakeFirst();
  if (!row) {
    await db
      .insertInto('instance_secrets')
      .values({ name: checkName, wrapped: seal(rootKey, checkPlaintext, instanceSecretAad(checkName)) })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    return verifyRootKey(db, rootKey);
  }
  try {
    open(rootKey, row.wrapped, instanceSecretAad(checkName));
  } catch (error) {
    if (error instanceof DecryptionError) {
      throw new RootKeyError(
        'REKEY_ROOT_KEY: does not match the key this database was encrypted with; start with the original key (or run rotate-root-key with it)',
      );
    }
    throw error;
  }
}
