import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../auth/actor.js';
import { AppError } from '../http/errors.js';
import { sentinelMarker, sentinelValue } from '../test-support/sentinel.js';
import { startServiceHarness, type ServiceHarness } from './test-support/service-harness.js';

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

describe('secrets service', () => {
  let h: ServiceHarness;
  let alice: Actor;
  beforeAll(async () => {
    h = await startServiceHarness();
    alice = h.user('alice');
  });
  afterAll(async () => {
    await h.close();
  });

  const at = (secretPath: string, environment = 'dev') => ({ project: { projectId: h.projectId }, environment, secretPath });

  it('creates, reads, updates and deletes, with a version per change and nothing in plain text', async () => {
    const first = sentinelValue('db');
    const created = await h.secrets.create({ actor: alice, ...at('/') }, { key: 'DB_PASSWORD', value: first, comment: 'primary db' });
    expect(created).toMatchObject({ secretKey: 'DB_PASSWORD', secretValue: first, secretComment: 'primary db', version: 1, type: 'shared' });

    const second = sentinelValue('db2');
    const updated = await h.secrets.update({ actor: alice, ...at('/') }, { key: 'DB_PASSWORD', value: second });
    expect(updated).toMatchObject({ version: 2, secretValue: second, secretComment: 'primary db' });

    const listed = await h.secrets.list({ actor: alice, ...at('/') });
    expect(listed.secrets.map((s) => [s.secretKey, s.secretValue])).toEqual([['DB_PASSWORD', second]]);

    const versions = await h.secrets.versions.list({ actor: alice }, created.id, { offset: 0, limit: 10 });
    expect(versions.map((v) => [v.version, v.secretValue, v.change, v.actor.name])).toEqual([
      [2, second, 'updated', 'alice@example.com'],
      [1, first, 'created', 'alice@example.com'],
    ]);

    const stored = await h.db.selectFrom('secrets').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(stored.encrypted_value.includes(Buffer.from(sentinelMarker))).toBe(false);

    await h.secrets.remove({ actor: alice, ...at('/') }, { key: 'DB_PASSWORD' });
    expect((await h.secrets.list({ actor: alice, ...at('/') })).secrets).toEqual([]);
  });

  it('binds each ciphertext to its row: a value copied to another secret does not decrypt', async () => {
    const a = await h.secrets.create({ actor: alice, ...at('/') }, { key: 'AAD_A', value: sentinelValue('a') });
    const b = await h.secrets.create({ actor: alice, ...at('/') }, { key: 'AAD_B', value: sentinelValue('b') });
    const rowA = await h.db.selectFrom('secrets').select('encrypted_value').where('id', '=', a.id).executeTakeFirstOrThrow();
    await h.db.updateTable('secrets').set({ encrypted_value: rowA.encrypted_value }).where('id', '=', b.id).execute();
    await expect(h.secrets.get({ actor: alice, ...at('/'), key: 'AAD_B' })).rejects.toThrow();
    await h.db.deleteFrom('secrets').where('id', 'in', [a.id, b.id]).execute();
  });

  it('applies a personal override for its owner only', async () => {
    const bob = h.user('bob');
    await h.secrets.create({ actor: alice, ...at('/') }, { key: 'LOG_LEVEL', value: 'info' });
    const missingShared = await errorOf(h.secrets.create({ actor: bob, ...at('/') }, { key: 'NOPE', value: 'x', type: 'personal' }));
    expect(missingShared.message).toContain('create the shared secret');
    await h.secrets.create({ actor: bob, ...at('/') }, { key: 'LOG_LEVEL', value: 'debug', type: 'personal' });

    const forBob = await h.secrets.list({ actor: bob, ...at('/') });
    expect(forBob.secrets.find((s) => s.secretKey === 'LOG_LEVEL')).toMatchObject({ secretValue: 'debug', type: 'personal' });
    const forAlice = await h.secrets.list({ actor: alice, ...at('/') });
    expect(forAlice.secrets.find((s) => s.secretKey === 'LOG_LEVEL')).toMatchObject({ secretValue: 'info', type: 'shared' });
    expect(await h.secrets.get({ actor: bob, ...at('/'), key: 'LOG_LEVEL', type: 'shared' })).toMatchObject({ secretValue: 'info' });

    // Renaming the shared secret carries the override along; deleting it removes the override too.
    await h.secrets.update({ actor: alice, ...at('/') }, { key: 'LOG_LEVEL', newKey: 'APP_LOG_LEVEL' });
    expect(await h.secrets.get({ actor: bob, ...at('/'), key: 'APP_LOG_LEVEL' })).toMatchObject({ secretValue: 'debug' });
    await h.secrets.remove({ actor: alice, ...at('/') }, { key: 'APP_LOG_LEVEL' });
    expect(await h.db.selectFrom('secrets').select('id').where('key', '=', 'APP_LOG_LEVEL').execute()).toEqual([]);
  });

  describe('managed secrets (the rotation engine API)', () => {
    const rotationId = '00000000-0000-4000-8000-000000000001';
    const otherRotation = '00000000-0000-4000-8000-000000000002';
    const target = () => ({ projectId: h.projectId, orgId: h.orgId, environment: { slug: 'prod' }, secretPath: '/azure/app' });

    it('writes mapped secrets in the caller transaction, creating the folder, and refuses edits while managed', async () => {
      await h.secrets.assertKeysAvailable(h.db, { ...target(), keys: ['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET'] });
      const secret1 = sentinelValue('azure-1');
      const written = await h.db.transaction().execute((trx) =>
        h.secrets.writeManagedSecrets(trx, { ...target(), rotationId, actor: h.system, values: { AZURE_CLIENT_ID: 'app-id', AZURE_CLIENT_SECRET: secret1 } }),
      );
      expect(written.map((w) => [w.key, w.version, w.secretPath])).toEqual([
        ['AZURE_CLIENT_ID', 1, '/azure/app'],
        ['AZURE_CLIENT_SECRET', 1, '/azure/app'],
      ]);

      const read = await h.secrets.get({ actor: alice, ...at('/azure/app', 'prod'), key: 'AZURE_CLIENT_SECRET' });
      expect(read).toMatchObject({ secretValue: secret1, isRotatedSecret: true, rotationId });

      for (const attempt of [
        () => h.secrets.update({ actor: alice, ...at('/azure/app', 'prod') }, { key: 'AZURE_CLIENT_SECRET', value: 'mine' }),
        () => h.secrets.update({ actor: alice, ...at('/azure/app', 'prod') }, { key: 'AZURE_CLIENT_SECRET', newKey: 'RENAMED' }),
        () => h.secrets.remove({ actor: alice, ...at('/azure/app', 'prod') }, { key: 'AZURE_CLIENT_SECRET' }),
        () => h.secrets.create({ actor: alice, ...at('/azure/app', 'prod') }, { key: 'AZURE_CLIENT_SECRET', value: 'x', type: 'personal' }),
        () => h.secrets.versions.restore({ actor: alice }, read.id, 1),
      ]) {
        const error = await errorOf(attempt());
        expect(error.code).toBe('conflict');
        expect(error.message).toContain(`managed by secret rotation ${rotationId}`);
      }

      const conflictOther = await errorOf(h.secrets.assertKeysAvailable(h.db, { ...target(), keys: ['AZURE_CLIENT_SECRET'], rotationId: otherRotation }));
      expect(conflictOther.message).toContain(rotationId);
      await h.secrets.assertKeysAvailable(h.db, { ...target(), keys: ['AZURE_CLIENT_SECRET'], rotationId });

      const secret2 = sentinelValue('azure-2');
      const rotated = await h.db.transaction().execute((trx) =>
        h.secrets.writeManagedSecrets(trx, { ...target(), rotationId, actor: h.system, values: { AZURE_CLIENT_ID: 'app-id', AZURE_CLIENT_SECRET: secret2 } }),
      );
      expect(rotated.map((w) => w.version)).toEqual([2, 2]);
      const versions = await h.secrets.versions.list({ actor: alice }, read.id, { offset: 0, limit: 5 });
      expect(versions.map((v) => [v.version, v.change, v.actor.actorType])).toEqual([
        [2, 'rotated', 'system'],
        [1, 'rotated', 'system'],
      ]);
    });

    it('names the rotation in the refusal when it can read the rotation', async () => {
      const environment = await h.db.selectFrom('project_environments').select('id').where('slug', '=', 'prod').executeTakeFirstOrThrow();
      await h.db.transaction().execute(async (trx) => {
        // The rotation's connection is another domain's row; foreign keys are not the point of this test.
        await sql`set local session_replication_role = replica`.execute(trx);
        await sql`insert into secret_rotations (id, org_id, project_id, environment_id, secret_path, name, type, connection_id, parameters,
          secrets_mapping, rotation_interval, rotate_at_hours, rotate_at_minutes, status)
          values (${rotationId}, ${h.orgId}, ${h.projectId}, ${environment.id}, '/azure/app', 'payments-app', 'azure-client-secret',
          ${otherRotation}, '{}', '{}', 30, 0, 0, 'success')`.execute(trx);
      });
      const error = await errorOf(h.secrets.remove({ actor: alice, ...at('/azure/app', 'prod') }, { key: 'AZURE_CLIENT_SECRET' }));
      expect(error.message).toContain(`managed by secret rotation 'payments-app' (${rotationId})`);
      await h.db.deleteFrom('secret_rotations').where('id', '=', rotationId).execute();
    });

    it('rolls back with the caller transaction', async () => {
      const failed = h.db.transaction().execute(async (trx) => {
        await h.secrets.writeManagedSecrets(trx, { ...target(), rotationId, actor: h.system, values: { AZURE_CLIENT_SECRET: 'never' } });
        throw new Error('promotion failed');
      });
      await expect(failed).rejects.toThrow('promotion failed');
      const read = await h.secrets.get({ actor: alice, ...at('/azure/app', 'prod'), key: 'AZURE_CLIENT_SECRET' });
      expect(read.version).toBe(2);
    });

    it('refuses a key that people own, and bad names and paths', async () => {
      await h.secrets.create({ actor: alice, ...at('/', 'prod') }, { key: 'TAKEN', value: 'x' });
      const taken = await errorOf(h.secrets.assertKeysAvailable(h.db, { ...target(), secretPath: '/', keys: ['TAKEN'] }));
      expect(taken.code).toBe('conflict');
      const write = h.db.transaction().execute((trx) =>
        h.secrets.writeManagedSecrets(trx, { ...target(), secretPath: '/', rotationId, actor: h.system, values: { TAKEN: 'y' } }),
      );
      expect((await errorOf(write)).code).toBe('conflict');
      expect((await errorOf(h.secrets.assertKeysAvailable(h.db, { ...target(), keys: ['BAD NAME'] }))).code).toBe('bad_request');
      expect((await errorOf(h.secrets.assertKeysAvailable(h.db, { ...target(), secretPath: '/a/../b', keys: ['A'] }))).code).toBe('bad_request');
      expect((await errorOf(h.secrets.assertKeysAvailable(h.db, { ...target(), environment: { slug: 'nope' }, keys: ['A'] }))).code).toBe('not_found');
    });

    it('releases secrets back to people, and deletes them', async () => {
      const listed = await h.db.transaction().execute((trx) => h.secrets.listManagedSecrets(trx, rotationId));
      expect(listed.map((s) => s.key)).toEqual(['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET']);

      const released = await h.db.transaction().execute((trx) => h.secrets.releaseManagedSecrets(trx, rotationId, { keys: ['AZURE_CLIENT_ID'] }));
      expect(released.map((s) => s.key)).toEqual(['AZURE_CLIENT_ID']);
      await h.secrets.update({ actor: alice, ...at('/azure/app', 'prod') }, { key: 'AZURE_CLIENT_ID', value: 'edited' });

      const deleted = await h.db.transaction().execute((trx) => h.secrets.deleteManagedSecrets(trx, rotationId, h.system));
      expect(deleted.map((s) => s.key)).toEqual(['AZURE_CLIENT_SECRET']);
      const left = await h.secrets.list({ actor: alice, ...at('/azure/app', 'prod') });
      expect(left.secrets.map((s) => [s.secretKey, s.isRotatedSecret])).toEqual([['AZURE_CLIENT_ID', false]]);
      expect(h.events.some((e) => e.eventType === 'delete-secrets' && e.resourceId === rotationId)).toBe(true);
    });
  });
});
