import { describe, expect, it } from 'vitest';
import { defaultEngineSettings, type RotationEngineSettings } from './engine.types.js';
import { nextVerifyDelayMs } from './verification.js';

const settings = (overrides: Partial<RotationEngineSettings>): RotationEngineSettings => ({ ...defaultEngineSettings, workerId: 'w', ...overrides });

describe('verification waits', () => {
  it('double from the initial delay up to the cap, then stay there', () => {
    const s = settings({ verifyInitialDelayMs: 250, verifyMaxDelayMs: 2_000 });
    const waits = [250];
    for (let i = 0; i < 6; i++) waits.push(nextVerifyDelayMs(s, waits.at(-1) ?? 0));
    expect(waits).toEqual([250, 500, 1_000, 2_000, 2_000, 2_000, 2_000]);
  });

  it('find a secret that starts working at any moment within the cap (by default 2 s) of that moment', () => {
    const s = settings({});
    // Checks at the default schedule; a secret accepted from `activeAt` is seen at the first check after it.
    const checks = [0];
    let delay = s.verifyInitialDelayMs;
    while ((checks.at(-1) ?? 0) < 120_000) {
      checks.push((checks.at(-1) ?? 0) + delay);
      delay = nextVerifyDelayMs(s, delay);
    }
    for (let activeAt = 0; activeAt <= 100_000; activeAt += 250) {
      const seenAt = checks.find((at) => at >= activeAt) ?? Number.POSITIVE_INFINITY;
      expect(seenAt - activeAt).toBeLessThanOrEqual(2_000);
    }
  });

  it('keep an initial delay that is larger than the cap', () => {
    expect(nextVerifyDelayMs(settings({ verifyInitialDelayMs: 5_000, verifyMaxDelayMs: 2_000 }), 5_000)).toBe(5_000);
  });
});
