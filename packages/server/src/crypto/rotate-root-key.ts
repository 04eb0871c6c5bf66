import type { Db } from '../db/database.js';
import { open, seal } from './aead.js';
import { dataKeyAad } from './keyring.js';
import { instanceSecretAad, verifyRootKey } from './root-key.js';

/**
 * Re-wraps every data key and root-wrapped instance secret under a new root key, in one transaction.
 * Secret values are untouched: they are sealed by data keys, which do not change.
 */
export async function rotateRootKey(db: Db, oldKey: Buffer, newKey: Buffer, now: Date): Promise<{ dataKeys: number; instanceSecrets: number }> {
  await verifyRootKey(db, oldKey);
  return db.transaction().execute(async (trx) => {
    const dataKeys = await trx.selectFrom('data_keys').select(['id', 'owner_id', 'wrapped_key']).forUpdate().execute();
    for (const row of dataKeys) {
      const key = open(oldKey, row.wrapped_key, dataKeyAad(row.owner_id));
      await trx
        .updateTable('data_keys')
        .set({ wrapped_key: seal(newKey, key, dataKeyAad(row.owner_id)), rewrapped_at: now })
        .where('id', '=', row.id)
        .execute();
    }
    const secrets = await trx.selectFrom('instance_secrets').select(['name', 'wrapped']).forUpdate().execute();
    for (const row of secrets) {
      const value = open(oldKey, row.wrapped, instanceSecretAad(row.name));
      await trx
        .updateTable('instance_secrets')
        .set({ wrapped: seal(newKey, value, instanceSecretAad(row.name)) })
        .where('name', '=', row.name)
        .execute();
    }
    return { dataKeys: dataKeys.length, instanceSecrets: secrets.length };
  });
}
