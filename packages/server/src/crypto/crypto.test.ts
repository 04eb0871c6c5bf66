import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, migrateToLatest, type Db } from '../db/database.js';
import { randomIds } from '../lib/ids.js';
import { createTestDatabase } from '../test-support/test-app.js';
import { sentinelValue } from '../test-support/sentinel.js';
import { DecryptionError, open, seal } from './aead.js';
import { createKeyring } from './keyring.js';
import { RootKeyError, parseRootKey, verifyRootKey } from './root-key.js';
import { rotateRootKey } from './rotate-root-key.js';

describe('AES-256-GCM sealing', () => {
  const key = randomBytes(32);

  it('round-trips text and binary values', () => {
    expect(open(key, seal(key, 'hello', 'row:1'), 'row:1').toString()).toBe('hello');
    const binary = randomBytes(1000);
    expect(open(key, seal(key, binary, 'row:1'), 'row:1').equals(binary)).toBe(true);
  });

  it('uses a fresh IV every time', () => {
    expect(seal(key, 'same', 'row:1').equals(seal(key, 'same', 'row:1'))).toBe(false);
  });

  it.each([
    ['ciphertext', 40],
    ['IV', 3],
    ['tag', 20],
  ])('rejects a tampered %s', (_part, offset) => {
    const sealed = seal(key, 'a value long enough to have a body', 'row:1');
    sealed[offset] = (sealed[offset] ?? 0) ^ 0x01;
    expect(() => open(key, sealed, 'row:1')).toThrow(DecryptionError);
  });

  it('rejects other associated data, so a ciphertext cannot move to another row', () => {
    const sealed = seal(key, 'value', 'secret:row-a:value');
    expect(() => open(key, sealed, 'secret:row-b:value')).toThrow(DecryptionError);
  });

  it('rejects a different key', () => {
    expect(() => open(randomBytes(32), seal(key, 'value', 'row:1'), 'row:1')).toThrow(DecryptionError);
  });
});

describe('root key parsing', () => {
  it('accepts 32 base64 bytes and rejects anything else with the variable named', () => {
    expect(parseRootKey(randomBytes(32).toString('base64')).length).toBe(32);
    expect(() => parseRootKey(randomBytes(16).toString('base64'))).toThrow(/REKEY_ROOT_KEY: must decode to 32 bytes, got 16/);
    expect(() => parseRootKey('not base64 at all!')).toThrow(RootKeyError);
  });
});

describe('keyring and root key against PostgreSQL', () => {
  let db: Db;
  const rootKey = randomBytes(32);

  beforeAll(async () => {
    db = createDatabase((await createTestDatabase()).url, { maxConnections: 3 });
    await migrateToLatest(db);
    await verifyRootKey(db, rootKey);
    await db.schema
      .createTable('test_vault')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('sealed', 'bytea', (c) => c.notNull())
      .execute();
  });
  afterAll(async () => {
    await db.destroy();
  });

  it('stores values sealed per organization and per row; a copied ciphertext fails to open', async () => {
    const keyring = createKeyring({ db, rootKey, ids: randomIds });
    const orgA = randomIds.uuid();
    const plaintext = sentinelValue('keyring');
    const sealed = await keyring.encrypt(orgA, 'test_vault:row-1', plaintext);
    await db.insertInto('test_vault' as never).values({ id: 'row-1', sealed } as never).execute();
    await db.insertInto('test_vault' as never).values({ id: 'row-2', sealed } as never).execute();
    expect(await keyring.decryptText(orgA, 'test_vault:row-1', sealed)).toBe(plaintext);
    await expect(keyring.decryptText(orgA, 'test_vault:row-2', sealed)).rejects.toThrow(DecryptionError);
    const orgB = randomIds.uuid();
    await expect(keyring.decryptText(orgB, 'test_vault:row-1', sealed)).rejects.toThrow(DecryptionError);
  });

  it('refuses a wrong root key instead of returning garbage', async () => {
    await expect(verifyRootKey(db, randomBytes(32))).rejects.toThrow(/REKEY_ROOT_KEY: does not match/);
  });

  it('re-wraps data keys under a new root key without touching sealed values', async () => {
    const keyring = createKeyring({ db, rootKey, ids: randomIds });
    const org = randomIds.uuid();
    const sealed = await keyring.encrypt(org, 'x:1', 'before rotation');
    const newRootKey = randomBytes(32);
    const result = await rotateRootKey(db, rootKey, newRootKey, new Date());
    expect(result.dataKeys).toBeGreaterThanOrEqual(1);
    await expect(verifyRootKey(db, rootKey)).rejects.toThrow(RootKeyError);
    await verifyRootKey(db, newRootKey);
    const rotated = createKeyring({ db, rootKey: newRootKey, ids: randomIds });
    expect(await rotated.decryptText(org, 'x:1', sealed)).toBe('before rotation');
    await rotateRootKey(db, newRootKey, rootKey, new Date());
  });
});
