/**
 * The emulator's notion of "now". Expiry, activation, token lifetimes and Retry-After dates all
 * read it, so tests can move time instead of sleeping. Real timers (latency, delays, holds) do not.
 */
export interface EmulatorClock {
  now(): number;
  advance(ms: number): number;
  freeze(at?: number): number;
  unfreeze(): number;
  reset(): void;
}

export function createClock(source: () => number = Date.now): EmulatorClock {
  let offsetMs = 0;
  let frozenAt: number | null = null;

  const now = (): number => frozenAt ?? source() + offsetMs;

  return {
    now,
    advance(ms) {
      if (frozenAt !== null) frozenAt += ms;
      else offsetMs += ms;
      return now();
    },
    freeze(at) {
      frozenAt = at ?? now();
      return frozenAt;
    },
    unfreeze() {
      if (frozenAt !== null) {
        // Continue from the frozen instant rather than jumping back to the source's time.
        offsetMs = frozenAt - source();
        frozenAt = null;
      }
      return now();
    },
    reset() {
      offsetMs = 0;
      frozenAt = null;
    },
  };
}
