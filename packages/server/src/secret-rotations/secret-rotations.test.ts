import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RotationHarness, startRotationHarness } from './test-support/rotation-harness.js';

type Rotation = { id: string; rotationStatus: string; activeIndex: number; nextRotationAt: string | null; lastRotationMessage: string | null; secretsMapping: Record<string, string> };

describe('Azure client secret rotation', () => {
  let h: RotationHarness;
  beforeAll(async () => {
    h = await startRotationHarness({ targets: 4 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('create publishes both mapped secrets at once; the secret works and the app holds one Rekey password', async () => {
    const target = h.targets[0];
    if (!target) throw new Error('no target');
    const created = await h.createRotation(target, { name: 'payments-api' });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const rotation = created.body.secretRotation as Rotation;
    expect(rotation.rotationStatus).toBe('success');
    expect(rotation.nextRotationAt).not.toBeNull();
    const secrets = await h.readSecrets();
    const clientIdName = rotation.secretsMapping.clientId ?? '';
    const clientSecretName = rotation.secretsMapping.clientSecret ?? '';
    expect(secrets[clientIdName]).toBe(target.appId);
    const secretValue = secrets[clientSecretName] ?? '';
    expect(secretValue).toHaveLength(40);
    expect(await h.canAuthenticate(target.appId, secretValue)).toEqual({ ok: true });
    expect(h.rekeyPasswords(target)).toHaveLength(1);

    const read = await h.request('GET', `/api/v3/secrets/raw/${clientSecretName}?workspaceId=${h.project.id}&environment=dev&secretPath=/`);
    expect(read.body.secret).toMatchObject({ isRotatedSecret: true, rotationId: rotation.id });
  });

  it('three rotations leave exactly two Rekey passwords; every published value worked when published', async () => {
    const target = h.targets[1];
    if (!target) throw new Error('no target');
    const created = await h.createRotation(target);
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const rotation = created.body.secretRotation as Rotation;
    const secretName = rotation.secretsMapping.clientSecret ?? '';
    const published = [(await h.readSecrets())[secretName] ?? ''];
    for (let i = 0; i < 3; i++) {
      const rotated = await h.request('POST', `/api/v2/secret-rotations/azure-client-secret/${rotation.id}/rotate-secrets`);
      expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
      expect((rotated.body.secretRotation as Rotation).rotationStatus).toBe('success');
      const value = (await h.readSecrets())[secretName] ?? '';
      expect(published).not.toContain(value);
      expect(await h.canAuthenticate(target.appId, value)).toEqual({ ok: true });
      published.push(value);
    }
    const remaining = h.rekeyPasswords(target);
    expect(remaining).toHaveLength(2);
    // The two oldest values were revoked; the last two (active and previous) still work.
    expect((await h.canAuthenticate(target.appId, published[0] ?? '')).ok).toBe(false);
    expect((await h.canAuthenticate(target.appId, published[1] ?? '')).ok).toBe(false);
    expect((await h.canAuthenticate(target.appId, published[2] ?? '')).ok).toBe(true);
    expect((await h.canAuthenticate(target.appId, published[3] ?? '')).ok).toBe(true);

    const history = await h.request('GET', `/api/v2/secret-rotations/${rotation.id}/history`);
    expect(history.status).toBe(200);
    const entries = history.body.history as Array<{ trigger: string; outcome: string }>;
    expect(entries.map((entry) => entry.trigger)).toEqual(['manual', 'manual', 'manual', 'create']);
    expect(entries.every((entry) => entry.outcome === 'success')).toBe(true);
  });

  it('refuses to edit or delete a mapped secret, naming the rotation', async () => {
    const rotations = await h.request('GET', `/api/v2/secret-rotations?projectId=${h.project.id}`);
    const rotation = (rotations.body.secretRotations as Rotation[])[0];
    if (!rotation) throw new Error('no rotation');
    const name = rotation.secretsMapping.clientSecret;
    const update = await h.request('PATCH', `/api/v3/secrets/raw/${name}`, { workspaceId: h.project.id, environment: 'dev', secretPath: '/', secretValue: 'hijack' });
    expect(update.status).toBeGreaterThanOrEqual(400);
    expect(update.status).toBeLessThan(500);
    expect(String(update.body.message)).toMatch(/rotation/i);
  });

  it('a second rotate-secrets while one is in flight answers 409', async () => {
    const target = h.targets[2];
    if (!target) throw new Error('no target');
    const created = await h.createRotation(target);
    const rotation = created.body.secretRotation as Rotation;
    const hold = h.emulator.admin.addFault({ match: { route: 'addPassword', app: target.objectId }, action: { type: 'hold' } });
    const first = h.request('POST', `/api/v2/secret-rotations/azure-client-secret/${rotation.id}/rotate-secrets`);
    await h.emulator.admin.waitForHeld(hold);
    const second = await h.request('POST', `/api/v2/secret-rotations/azure-client-secret/${rotation.id}/rotate-secrets`);
    expect(second.status).toBe(409);
    expect(second.body.message).toBe('A rotation is already in progress for this secret rotation');
    h.emulator.admin.release(hold);
    expect((await first).status).toBe(200);
    await h.t.app.services.rotations.engine.idle();
  });

  it('delete with revokeGeneratedCredentials and deleteSecrets leaves no Rekey password and no secret', async () => {
    const target = h.targets[3];
    if (!target) throw new Error('no target');
    const created = await h.createRotation(target);
    const rotation = created.body.secretRotation as Rotation;
    await h.request('POST', `/api/v2/secret-rotations/azure-client-secret/${rotation.id}/rotate-secrets`);
    expect(h.rekeyPasswords(target)).toHaveLength(2);
    const removed = await h.request('DELETE', `/api/v2/secret-rotations/azure-client-secret/${rotation.id}?revokeGeneratedCredentials=true&deleteSecrets=true`);
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(h.rekeyPasswords(target)).toHaveLength(0);
    const secrets = await h.readSecrets();
    expect(secrets[rotation.secretsMapping.clientSecret ?? '']).toBeUndefined();
    expect(secrets[rotation.secretsMapping.clientId ?? '']).toBeUndefined();
  });
});
