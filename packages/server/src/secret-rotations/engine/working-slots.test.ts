import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RotationHarness, startRotationHarness } from '../test-support/rotation-harness.js';

/**
 * Concurrency counts working attempts only: while an attempt waits for Entra ID to accept its secret it
 * gives its slot back, so another attempt (same connection, another application) starts, and attempts in
 * flight stay within their own cap. One working slot, one per connection, two in flight, three due.
 */
describe('working slots', { timeout: 90_000 }, () => {
  let h: RotationHarness;
  beforeAll(async () => {
    h = await startRotationHarness({
      targets: 3,
      // Each new secret starts working 1.5 s after it is created: attempts spend most of their time waiting.
      realism: { activationDelay: 1_500 },
      engineOverrides: { maxConcurrentAttempts: 1, maxConcurrentPerConnection: 1, maxAttemptsInFlight: 2, verifyInitialDelayMs: 200, verifyMaxDelayMs: 200 },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('lets another attempt work while one waits, counts only working attempts per connection, and caps attempts in flight', async () => {
    const engine = h.t.app.services.rotations.engine;
    for (const target of h.targets) {
      const created = await h.createRotation(target, { secretPath: `/${target.objectId}` });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
    }
    await engine.idle();
    const started = new Date();
    await h.t.db.updateTable('secret_rotations').set({ next_rotation_at: new Date(Date.now() - 60_000) }).execute();

    const samples: Array<ReturnType<typeof engine.attemptCounts>> = [];
    const sampler = setInterval(() => samples.push(engine.attemptCounts()), 5);
    try {
      engine.startScheduler();
      const deadline = Date.now() + 60_000;
      let finished = 0;
      while (Date.now() < deadline && finished < 3) {
        const rows = await h.t.db.selectFrom('secret_rotation_attempts').select('id').where('started_at', '>=', started).where('finished_at', 'is not', null).execute();
        finished = rows.length;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      await engine.stop();
    } finally {
      clearInterval(sampler);
    }

    const attempts = await h.t.db
      .selectFrom('secret_rotation_attempts')
      .select(['step', 'started_at', 'finished_at', 'verification_wait_ms'])
      .where('started_at', '>=', started)
      .orderBy('started_at')
      .execute();
    expect(attempts.map((attempt) => attempt.step)).toEqual(['completed', 'completed', 'completed']);
    // Every attempt waited for Entra ID (1.5 s) before its secret was published.
    for (const attempt of attempts) expect(attempt.verification_wait_ms).toBeGreaterThanOrEqual(1_000);

    // The second attempt (same connection) started while the first was still waiting: only working attempts
    // count, overall and per connection.
    const [first, second, third] = attempts;
    expect(second?.started_at.getTime()).toBeLessThan(first?.finished_at?.getTime() ?? 0);
    // The third started only once one of the two in flight had ended.
    const firstEnd = Math.min(first?.finished_at?.getTime() ?? 0, second?.finished_at?.getTime() ?? 0);
    expect(third?.started_at.getTime()).toBeGreaterThanOrEqual(firstEnd);

    expect(Math.max(...samples.map((sample) => sample.working))).toBe(1);
    expect(Math.max(...samples.map((sample) => sample.inFlight))).toBe(2);
    // Two in flight with nothing working: both were waiting, neither holding a slot.
    expect(samples.some((sample) => sample.inFlight === 2 && sample.working === 0)).toBe(true);
  });
});
