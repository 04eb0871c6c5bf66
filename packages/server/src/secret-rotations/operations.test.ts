import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RotationHarness, startRotationHarness, type TargetApp } from './test-support/rotation-harness.js';

type Rotation = { id: string; activeIndex: number; rotationStatus: string; needsAttention: boolean; attentionReason: string | null; nextRotationAt: string | null; secretsMapping: { clientSecret: string } };

describe('rotation operations: preview, rollback, circuit breaker', () => {
  let h: RotationHarness;
  beforeAll(async () => {
    h = await startRotationHarness({ targets: 3, engineOverrides: { maxConsecutiveFailures: 3, transientRetries: 0 } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('preview lists the next runs at the same local time across a DST change, without touching Azure', async () => {
    const target = h.targets[0] as TargetApp;
    const created = await h.createRotation(target, { rotationInterval: 7, rotateAt: { hours: 3, minutes: 30 }, timeZone: 'Europe/Berlin' });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const rotation = created.body.secretRotation as Rotation;
    await h.t.app.services.rotations.engine.idle();
    // Pretend the last rotation ran just before the October change (CEST → CET on 2026-10-25).
    await h.t.db
      .updateTable('secret_rotations')
      .set({ next_rotation_at: new Date('2026-10-22T01:30:00Z'), last_rotated_at: new Date('2026-10-15T01:30:00Z') })
      .where('id', '=', rotation.id)
      .execute();
    h.emulator.admin.clearRequestLog();
    const preview = await h.request('GET', `/api/v2/secret-rotations/${rotation.id}/preview?count=3`);
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    const runs = preview.body.nextRuns as Array<{ utc: string; local: string }>;
    expect(runs.map((run) => run.utc)).toEqual(['2026-10-22T01:30:00.000Z', '2026-10-29T02:30:00.000Z', '2026-11-05T02:30:00.000Z']);
    expect(runs.map((run) => run.local.slice(11, 16))).toEqual(['03:30', '03:30', '03:30']);
    const next = preview.body.nextRotation as { revokesKeyId: string | null; keepsKeyId: string | null; secretNames: string[]; newCredentialEndDate: string };
    expect(next.secretNames).toContain(rotation.secretsMapping.clientSecret);
    expect(next.keepsKeyId).toBe(h.rekeyPasswords(target)[0]?.keyId);
    expect(next.revokesKeyId).toBeNull();
    expect(new Date(next.newCredentialEndDate).toISOString()).toBe('2026-11-08T01:30:00.000Z');
    expect(h.emulator.admin.counters().total).toBe(0);
  });

  it('rollback makes the previous credential active again; Azure keeps exactly the tracked passwords', async () => {
    const target = h.targets[1] as TargetApp;
    const created = await h.createRotation(target);
    const rotation = created.body.secretRotation as Rotation;
    await h.t.app.services.rotations.engine.idle();
    const first = (await h.readSecrets())[rotation.secretsMapping.clientSecret] ?? '';
    const rotated = await h.request('POST', `/api/v2/secret-rotations/azure-client-secret/${rotation.id}/rotate-secrets`);
    expect((rotated.body.secretRotation as Rotation).rotationStatus).toBe('success');
    const second = (await h.readSecrets())[rotation.secretsMapping.clientSecret] ?? '';
    expect(second).not.toBe(first);

    const rolledBack = await h.request('POST', `/api/v2/secret-rotations/${rotation.id}/rollback`);
    expect(rolledBack.status, JSON.stringify(rolledBack.body)).toBe(200);
    expect((await h.readSecrets())[rotation.secretsMapping.clientSecret]).toBe(first);
    expect(await h.canAuthenticate(target.appId, first)).toEqual({ ok: true });
    const row = await h.t.db.selectFrom('secret_rotations').selectAll().where('id', '=', rotation.id).executeTakeFirstOrThrow();
    const tracked = [row.slot0_external_id, row.slot1_external_id].filter(Boolean).sort();
    expect(h.rekeyPasswords(target).map((p) => p.keyId).sort()).toEqual(tracked);
    const history = await h.request('GET', `/api/v2/secret-rotations/${rotation.id}/history`);
    expect((history.body.history as Array<{ trigger: string }>)[0]?.trigger).toBe('rollback');

    // The rolled-back-from credential is now the previous one: the next rotation revokes it, no orphan.
    await h.request('POST', `/api/v2/secret-rotations/azure-client-secret/${rotation.id}/rotate-secrets`);
    expect((await h.canAuthenticate(target.appId, second)).ok).toBe(false);
    expect(h.rekeyPasswords(target)).toHaveLength(2);
  });

  it('rollback is refused when the previous credential is gone from Azure', async () => {
    const target = h.targets[1] as TargetApp;
    const list = await h.request('GET', `/api/v2/secret-rotations?projectId=${h.project.id}`);
    const rotation = (list.body.secretRotations as Array<Rotation & { parameters: { objectId: string } }>).find((r) => r.parameters.objectId === target.objectId);
    if (!rotation) throw new Error('rotation missing');
    const row = await h.t.db.selectFrom('secret_rotations').selectAll().where('id', '=', rotation.id).executeTakeFirstOrThrow();
    const previous = row.active_index === 0 ? row.slot1_external_id : row.slot0_external_id;
    h.emulator.admin.removePasswordCredential(h.tenantId, target.objectId, previous ?? '');
    const refused = await h.request('POST', `/api/v2/secret-rotations/${rotation.id}/rollback`);
    expect(refused.status).toBe(400);
    expect(String(refused.body.message)).toMatch(/no longer exists in Azure/);
  });

  it('the circuit breaker stops automatic retries after the configured failures and resets on a manual retry', async () => {
    const target = h.targets[2] as TargetApp;
    const created = await h.createRotation(target);
    const rotation = created.body.secretRotation as Rotation;
    await h.t.app.services.rotations.engine.idle();
    const rule = h.emulator.admin.addFault({ match: { route: 'addPassword', app: target.objectId }, action: { type: 'serverError', status: 500 } });
    for (let failure = 1; failure <= 3; failure++) {
      await h.t.db.updateTable('secret_rotations').set({ next_rotation_at: new Date(Date.now() - 1000) }).where('id', '=', rotation.id).execute();
      await h.t.app.services.rotations.engine.tick();
      await h.t.app.services.rotations.engine.idle();
      const row = await h.t.db.selectFrom('secret_rotations').selectAll().where('id', '=', rotation.id).executeTakeFirstOrThrow();
      expect(row.status).toBe('failed');
      expect(row.consecutive_failures).toBe(failure);
      if (failure < 3) {
        expect(row.next_rotation_at).not.toBeNull();
        expect(row.attention_reason).toBeNull();
      } else {
        expect(row.next_rotation_at).toBeNull();
        expect(row.attention_reason).toMatch(/Automatic retries stopped after 3 failed attempts/);
      }
    }
    const tripped = await h.request('GET', `/api/v2/secret-rotations/azure-client-secret/${rotation.id}`);
    expect((tripped.body.secretRotation as Rotation).needsAttention).toBe(true);
    h.emulator.admin.removeFault(rule);
    const retried = await h.request('POST', `/api/v2/secret-rotations/azure-client-secret/${rotation.id}/rotate-secrets`);
    const after = retried.body.secretRotation as Rotation;
    expect(after.rotationStatus).toBe('success');
    expect(after.needsAttention).toBe(false);
    expect(after.nextRotationAt).not.toBeNull();
  });
});
