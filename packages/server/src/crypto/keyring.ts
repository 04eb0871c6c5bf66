import type { Db } from '../db/database.js';
import type { Ids } from '../lib/ids.js';
import { randomBytes } from 'node:crypto';
import { open, seal } from './aead.js';

/**
 * Envelope encryption: one data key per owner (an organization), wrapped by the root key. Values are
 * sealed with their owner's data key and an associated-data string naming the row and field.
 */
export type Keyring = {
  encrypt(ownerId: string, associatedData: string, plaintext: string | Buffer): Promise<Buffer>;
  decrypt(ownerId: string, associatedData: string, sealed: Buffer): Promise<Buffer>;
  decryptText(ownerId: string, associatedData: string, sealed: Buffer): Promise<string>;
  /** Synchronous variants for hot paths once the data key is cached (see `warm`). */
  warm(ownerId: string): Promise<void>;
  encryptSync(ownerId: string, associatedData: string, plaintext: string | Buffer): Buffer;
  decryptTextSync(ownerId: string, associatedData: string, sealed: Buffer): string;
};

export function dataKeyAad(ownerId: string): string {
  return `data-key:${ownerId}`;
}

export function createKeyring(deps: { db: Db; rootKey: Buffer; ids: Ids }): Keyring {
  const { db, rootKey, ids } = deps;
  const cache = new Map<string, Buffer>();

  async function loadOrCreate(ownerId: string): Promise<Buffer> {
    const cached = cache.get(ownerId);
    if (cached) return cached;
    let row = await db.selectFrom('data_keys').select('wrapped_key').where('owner_id', '=', ownerId).executeTakeFirst();
    if (!row) {
      const wrapped = seal(rootKey, randomBytes(32), dataKeyAad(ownerId));
      await db
        .insertInto('data_keys')
        .values({ id: ids.uuid(), owner_id: ownerId, wrapped_key: wrapped })
        .onConflict((oc) => oc.column('owner_id').doNothing())
        .execute();
      row = await db.selectFrom('data_keys').select('wrapped_key').where('owner_id', '=', ownerId).executeTakeFirstOrThrow();
    }
    const key = open(rootKey, row.wrapped_key, dataKeyAad(ownerId));
    cache.set(ownerId, key);
    return key;
  }

  function cachedKey(ownerId: string): Buffer {
    const key = cache.get(ownerId);
    if (!key) throw new Error(`data key for ${ownerId} is not loaded; call warm() first`);
    return key;
  }

  return {
    encrypt: async (ownerId, aad, plaintext) => seal(await loadOrCreate(ownerId), plaintext, aad),
    decrypt: async (ownerId, aad, sealed) => open(await loadOrCreate(ownerId), sealed, aad),
    decryptText: async (ownerId, aad, sealed) => open(await loadOrCreate(ownerId), sealed, aad).toString('utf8'),
    warm: async (ownerId) => {
      await loadOrCreate(ownerId);
    },
    encryptSync: (ownerId, aad, plaintext) => seal(cachedKey(ownerId), plaintext, aad),
    decryptTextSync: (ownerId, aad, sealed) => open(cachedKey(ownerId), sealed, aad).toString('utf8'),
  };
}
