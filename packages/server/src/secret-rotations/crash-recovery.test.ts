import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Db } from '../db/database.js';
import { authHeader } from '../test-support/fixtures.js';
import { freePort, type ServerProcess, spawnServer, waitUntilReady } from '../test-support/server-process.js';
import { createTestDatabase } from '../test-support/test-app.js';
import { type RotationHarness, startRotationHarness, type TargetApp } from './test-support/rotation-harness.js';

/**
 * A real Rekey server process is killed with SIGKILL while the emulator holds each external call of a
 * rotation; a new process must finish the rotation from the journal, publish a working secret and leave
 * Azure holding exactly the credentials Rekey tracks. The pause comes from the emulator, not from src/.
 */
describe('crash recovery (SIGKILL at each external step)', { timeout: 240_000 }, () => {
  let h: RotationHarness;
  let db: Db;
  let databaseUrl: string;
  const rootKey = randomBytes(32);
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    databaseUrl = (await createTestDatabase()).url;
    // Set-up through an in-process app on the same database; the processes under test take over after.
    h = await startRotationHarness({ targets: 3, env: {}, databaseUrl, rootKey });
    db = createDatabase(databaseUrl, { maxConnections: 2 });
  });
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await db.destroy();
    await h.close();
  });

  async function startServer(): Promise<ServerProcess> {
    const port = await freePort();
    const started = spawnServer({
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REKEY_ROOT_KEY: rootKey.toString('base64'),
      REKEY_AZURE_AUTHORITY_HOST: h.emulator.origin,
      REKEY_AZURE_GRAPH_URL: h.emulator.origin,
      REKEY_SCHEDULER_INTERVAL_MS: '200',
      REKEY_ROTATION_LEASE_MS: '1500',
      REKEY_ROTATION_VERIFY_INITIAL_DELAY_MS: '50',
      REKEY_ROTATION_RETRY_BASE_MS: '50',
      REKEY_ROTATE_WAIT_MS: '0',
      LOG_LEVEL: 'warn',
    });
    await waitUntilReady(started);
    return started;
  }

  async function settled(rotationId: string) {
    const deadline = Date.now() + 120_000;
    let last = '';
    while (Date.now() < deadline) {
      const row = await db.selectFrom('secret_rotations').selectAll().where('id', '=', rotationId).executeTakeFirstOrThrow();
      const pending = await db.selectFrom('secret_rotation_pending_revocations').select('external_id').where('rotation_id', '=', rotationId).execute();
      const open = await db
        .selectFrom('secret_rotation_attempts')
        .select('id')
        .where('rotation_id', '=', rotationId)
        .where('step', 'not in', ['completed', 'failed', 'abandoned'])
        .execute();
      const isLeaseFree = row.lease_expires_at === null || row.lease_expires_at.getTime() < Date.now();
      if (row.status !== 'rotating' && isLeaseFree && pending.length === 0 && open.length === 0) return row;
      last = JSON.stringify({ status: row.status, lease: row.lease_owner, message: row.last_rotation_message, pending: pending.length, open: open.length });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`rotation did not settle after the restart: ${last}\n${server?.output().slice(-3000)}`);
  }

  async function crashDuring(target: TargetApp, hold: Parameters<RotationHarness['emulator']['admin']['addFault']>[0]) {
    const created = await h.createRotation(target);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const rotation = created.body.secretRotation as { id: string; secretsMapping: { clientSecret: string } };
    await h.t.app.services.rotations.engine.idle();
    // Two rotations first, so the next one also has a credential to revoke.
    expect((await h.request('POST', `/api/v2/secret-rotations/azure-client-secret/${rotation.id}/rotate-secrets`)).status).toBe(200);
    const before = (await h.readSecrets())[rotation.secretsMapping.clientSecret];

    server = await startServer();
    const ruleId = h.emulator.admin.addFault(hold);
    const response = await fetch(`${server.url}/api/v2/secret-rotations/azure-client-secret/${rotation.id}/rotate-secrets`, {
      method: 'POST',
      headers: authHeader(h.admin.userToken),
    });
    expect(response.status).toBe(200);
    await h.emulator.admin.waitForHeld(ruleId, { timeoutMs: 20_000 });
    server.child.kill('SIGKILL');
    await server.exited;
    h.emulator.admin.release(ruleId);
    h.emulator.admin.removeFault(ruleId);

    server = await startServer();
    const row = await settled(rotation.id);
    server.child.kill('SIGTERM');
    await server.exited;
    server = undefined;

    expect(row.status).toBe('success');
    const tracked = [row.slot0_external_id, row.slot1_external_id].filter(Boolean).sort();
    expect(h.rekeyPasswords(target).map((p) => p.keyId).sort()).toEqual(tracked);
    const published = (await h.readSecrets())[rotation.secretsMapping.clientSecret] ?? '';
    expect(await h.canAuthenticate(target.appId, published)).toEqual({ ok: true });
    return { before, published };
  }

  it('addPassword created the password but the response was lost: the orphan is removed and the rotation completes', async () => {
    const target = h.targets[0] as TargetApp;
    const { before, published } = await crashDuring(target, { match: { route: 'addPassword', app: target.objectId }, action: { type: 'hold', phase: 'after' }, times: 1 });
    expect(published).not.toBe(before);
  });

  it('killed while verifying the new secret: the stored credential is verified and promoted after restart', async () => {
    const target = h.targets[1] as TargetApp;
    const { before, published } = await crashDuring(target, { match: { route: 'token', app: target.appId }, action: { type: 'hold' }, times: 1 });
    expect(published).not.toBe(before);
  });

  it('killed while revoking the replaced secret: the revocation is retried and nothing lingers', async () => {
    const target = h.targets[2] as TargetApp;
    const { before, published } = await crashDuring(target, { match: { route: 'removePassword', app: target.objectId }, action: { type: 'hold' }, times: 1 });
    expect(published).not.toBe(before);
  });
});
