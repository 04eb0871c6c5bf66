import { randomBytes } from 'node:crypto';

/**
 * Secret values written by tests carry this marker, so that after the suite the database (and captured
 * logs and responses) can be searched for any of them stored in plain text.
 */
export const sentinelMarker = 'rk-sentinel-7f3a';

export function sentinelValue(label = 'value'): string {
  return `${sentinelMarker}-${label}-${randomBytes(6).toString('hex')}`;
}
