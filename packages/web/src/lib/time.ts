/** Time of day as the API carries it. */
export type TimeOfDay = { hours: number; minutes: number };

const dayMs = 24 * 60 * 60 * 1000;

/** The browser's IANA time zone, e.g. Europe/Berlin (UTC when the browser does not say). */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The local wall-clock time that is 00:00 UTC today: the wizard's default "Rotate At". */
export function localMidnightUtc(now: Date = new Date()): TimeOfDay {
  const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 0, 0, 0));
  return { hours: midnight.getHours(), minutes: midnight.getMinutes() };
}

export function formatTimeOfDay(time: TimeOfDay): string {
  return `${String(time.hours).padStart(2, '0')}:${String(time.minutes).padStart(2, '0')}`;
}

/** Parses `HH:mm` (or `HH:mm:ss`) from a time input; null when it is not a valid time. */
export function parseTimeOfDay(text: string): TimeOfDay | null {
  const match = /^(\d{1,2}):(\d{2})(?::\d{2})?$/.exec(text.trim());
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59) return null;
  return { hours, minutes };
}

/** The zone's current offset from UTC as `UTC+02:00` (or `UTC` for zero). */
export function utcOffsetLabel(timeZone: string, at: Date = new Date()): string {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' }).formatToParts(at);
    const name = parts.find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
    return name === 'GMT' || name === 'GMT+00:00' ? 'UTC' : name.replace('GMT', 'UTC');
  } catch {
    return 'UTC';
  }
}

/** `Europe/Berlin (UTC+02:00)`, or just `UTC`. */
export function zoneLabel(timeZone: string, at: Date = new Date()): string {
  const offset = utcOffsetLabel(timeZone, at);
  return timeZone === 'UTC' || timeZone === 'Etc/UTC' ? 'UTC' : `${timeZone} (${offset})`;
}

/** A timestamp in the browser's local time with its zone, e.g. `Aug 20, 2026, 02:00 GMT+2`. */
export function formatLocalDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(date);
}

/** A short local date, e.g. `Aug 20, 2026`. */
export function formatLocalDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric' }).format(date);
}

/** `3 minutes ago`, `in 2 days`: relative to now, in the browser's language. */
export function formatRelative(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '—';
  const diff = new Date(iso).getTime() - now.getTime();
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const abs = Math.abs(diff);
  if (abs < 60_000) return rtf.format(Math.round(diff / 1000), 'second');
  if (abs < 3_600_000) return rtf.format(Math.round(diff / 60_000), 'minute');
  if (abs < dayMs) return rtf.format(Math.round(diff / 3_600_000), 'hour');
  return rtf.format(Math.round(diff / dayMs), 'day');
}

/** Whole days until `iso` (rounded down); negative when it is in the past. */
export function daysUntil(iso: string, now: Date = new Date()): number {
  return Math.floor((new Date(iso).getTime() - now.getTime()) / dayMs);
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
