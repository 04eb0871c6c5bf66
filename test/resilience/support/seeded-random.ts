import { randomInt } from 'node:crypto';

/**
 * A small seeded PRNG (mulberry32) so a randomised resilience run can be replayed: the seed comes from
 * REKEY_RESILIENCE_SEED when set, otherwise it is drawn at random, and tests print it in every failure.
 */
export type SeededRandom = {
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both included). */
  int(min: number, max: number): number;
  /** True with the given probability. */
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy (Fisher–Yates). */
  shuffled<T>(items: readonly T[]): T[];
};

export function resilienceSeed(): number {
  const fromEnv = process.env.REKEY_RESILIENCE_SEED;
  if (fromEnv === undefined || fromEnv === '') return randomInt(1, 2 ** 31);
  const seed = Number(fromEnv);
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) throw new Error(`REKEY_RESILIENCE_SEED must be an integer in [0, 2^32), got ${fromEnv}`);
  return seed;
}

export function seededRandom(seed: number = resilienceSeed()): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    seed,
    next,
    int,
    chance: (probability) => next() < probability,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)] as T;
    },
    shuffled<T>(items: readonly T[]): T[] {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(0, i);
        [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
      }
      return copy;
    },
  };
}
