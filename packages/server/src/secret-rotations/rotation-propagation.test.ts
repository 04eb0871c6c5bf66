import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RotationHarness, startRotationHarness, type TargetApp } from './test-support/rotation-harness.js';

/**
 * Entra ID needs time before it accepts a new client secret. Rekey verifies before it publishes, so a
 * consumer using whatever is published at any moment never sees AADSTS7000215.
 */
describe('propagation delay', () => {
  let h: RotationHarness;
  beforeAll(async () => {
    h = await startRotationHarness({ targets: 1, realism: { activationDelay: { minMs: 300, maxMs: 1200 } } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('a consumer never gets AADSTS7000215 from a published secret across 20 rotations', async () => {
    const target = h.targets[0] as TargetApp;
    const created = await h.createRotation(target);
    expect(created.status).toBe(200);
    const rotation = created.body.secretRotation as { id: string; secretsMapping: { clientSecret: string } };
    // The first credential has nothing older to fall back on: it is published at once and verified after.
    await h.t.app.services.rotations.engine.idle();
    const failures: string[] = [];
    let checks = 0;
    for (let i = 0; i < 20; i++) {
      const rotated = h.request('POST', `/api/v2/secret-rotations/azure-client-secret/${rotation.id}/rotate-secrets`);
      // While the rotation runs, keep using whatever is published, like a consumer would.
      let isDone = false;
      void rotated.then(() => {
        isDone = true;
      });
      while (!isDone) {
        const value = (await h.readSecrets())[rotation.secretsMapping.clientSecret] ?? '';
        const result = await h.canAuthenticate(target.appId, value);
        checks++;
        if (!result.ok) failures.push(result.message.slice(0, 120));
      }
      const response = await rotated;
      expect((response.body.secretRotation as { rotationStatus: string }).rotationStatus).toBe('success');
      const value = (await h.readSecrets())[rotation.secretsMapping.clientSecret] ?? '';
      const result = await h.canAuthenticate(target.appId, value);
      checks++;
      if (!result.ok) failures.push(result.message.slice(0, 120));
    }
    expect(failures).toEqual([]);
    expect(checks).toBeGreaterThan(20);
    const history = await h.request('GET', `/api/v2/secret-rotations/${rotation.id}/history?limit=5`);
    const waits = (history.body.history as Array<{ verificationWaitMs: number | null }>).map((entry) => entry.verificationWaitMs ?? 0);
    // Verification really waited for activation.
    expect(Math.max(...waits)).toBeGreaterThanOrEqual(250);
  });
});
