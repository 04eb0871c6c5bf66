/** Date formats the real services emit; clients parse them, so the shapes matter. */

/** Graph credential dates carry 7 fractional digits: `2021-09-09T19:50:29.3080000Z`. */
export function graphDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** Object creation dates have no fraction: `2021-09-09T19:50:29Z`. */
export function graphCreatedDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Graph `innerError.date`: `YYYY-MM-DDTHH:MM:SS`. */
export function innerErrorDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** Identity error `timestamp`: `YYYY-MM-DD HH:MM:SSZ`. */
export function aadTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Parses an ISO 8601 date-time; returns null for anything Date cannot read. */
export function parseDateTime(value: unknown): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}

/** Calendar years, as Graph computes the default credential end date (start + 2 years). */
export function addYears(ms: number, years: number): number {
  const date = new Date(ms);
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return date.getTime();
}
