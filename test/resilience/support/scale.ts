/**
 * How hard the suite pushes. `full` is what the issue specifies (npm run test:resilience); `ci` is the
 * scaled-down form `.ci/run` uses to stay within its time budget. The mechanisms exercised are the same.
 */
export type ResilienceScale = 'full' | 'ci';

export function resilienceScale(): ResilienceScale {
  const value = process.env.REKEY_RESILIENCE_SCALE ?? 'full';
  if (value !== 'full' && value !== 'ci') throw new Error(`REKEY_RESILIENCE_SCALE must be full or ci, got ${value}`);
  return value;
}

/** Picks the figure for the current scale. */
export function scaled<T>(figures: { full: T; ci: T }): T {
  return figures[resilienceScale()];
}
