import { DateTime } from 'luxon';

/** The time of day a rotation runs, as wall-clock time in an IANA time zone (`UTC` for Infisical's `rotateAtUtc`). */
export type RotateAt = { hours: number; minutes: number; timeZone: string };

export type ScheduleInput = {
  lastRotatedAt: Date;
  /** Days between rotations, >= 1. */
  rotationIntervalDays: number;
  rotateAt: RotateAt;
  /** Creation and "rotate now" count as manual: the next run then waits a whole interval (see below). */
  isLastRotationManual: boolean;
  isAutoRotationEnabled: boolean;
};

export function isValidTimeZone(timeZone: string): boolean {
  return DateTime.now().setZone(timeZone).isValid;
}

/**
 * The instant at which the local wall-clock time `hours:minutes` occurs on the given local calendar day.
 * - A local time skipped by a DST change (spring forward) runs at the first valid instant after it, i.e.
 *   the moment the clocks jump.
 * - A local time that occurs twice (fall back) runs at its first occurrence.
 */
export function localTimeOnDay(day: { year: number; month: number; day: number }, rotateAt: RotateAt): DateTime {
  const zone = rotateAt.timeZone;
  const requested = { ...day, hour: rotateAt.hours, minute: rotateAt.minutes, second: 0, millisecond: 0 };
  const candidate = DateTime.fromObject(requested, { zone });
  if (candidate.hour === rotateAt.hours && candidate.minute === rotateAt.minutes) {
    // Ambiguous (repeated) times: prefer the earlier of the two instants that show this wall-clock time.
    const earlier = candidate.minus({ hours: 1 });
    if (earlier.hour === rotateAt.hours && earlier.minute === rotateAt.minutes && earlier.day === candidate.day) return earlier;
    return candidate;
  }
  // Skipped time: Luxon moved it forward by the gap; walk back to the instant the new offset began.
  let instant = candidate;
  for (let step = 0; step < 24 * 60; step++) {
    const previous = instant.minus({ minutes: 1 });
    if (previous.offset === candidate.offset) instant = previous;
    else break;
  }
  return instant;
}

function localDay(instant: DateTime) {
  return { year: instant.year, month: instant.month, day: instant.day };
}

/**
 * When the next automatic rotation is due: `rotationIntervalDays` after the last successful rotation, at
 * `rotateAt` in its zone. After a manual rotation (or creation) performed at or after that day's
 * `rotateAt`, one more day is added so the credential still lives a whole interval (Infisical's rule).
 * Returns null when auto-rotation is off.
 */
export function nextRotationAt(input: ScheduleInput): Date | null {
  if (!input.isAutoRotationEnabled) return null;
  const last = DateTime.fromJSDate(input.lastRotatedAt, { zone: input.rotateAt.timeZone });
  const sameDayRun = localTimeOnDay(localDay(last), input.rotateAt);
  const isAfterRunTime = last.toMillis() >= sameDayRun.toMillis();
  const extraDay = input.isLastRotationManual && isAfterRunTime ? 1 : 0;
  const day = last.startOf('day').plus({ days: input.rotationIntervalDays + extraDay });
  return localTimeOnDay(localDay(day), input.rotateAt).toJSDate();
}

/** The next `count` scheduled run times, assuming each run succeeds on time (for previews). */
export function upcomingRotations(input: ScheduleInput, count: number): Date[] {
  const runs: Date[] = [];
  let current: ScheduleInput = input;
  for (let i = 0; i < count; i++) {
    const next = nextRotationAt(current);
    if (!next) break;
    runs.push(next);
    current = { ...current, lastRotatedAt: next, isLastRotationManual: false };
  }
  return runs;
}

/** The UTC wall-clock time of the next run, for Infisical clients that only know `rotateAtUtc`. */
export function rotateAtUtcFor(next: Date | null, rotateAt: RotateAt): { hours: number; minutes: number } {
  if (rotateAt.timeZone === 'UTC' || !next) {
    if (rotateAt.timeZone === 'UTC') return { hours: rotateAt.hours, minutes: rotateAt.minutes };
    const today = localTimeOnDay(localDay(DateTime.now().setZone(rotateAt.timeZone)), rotateAt).toUTC();
    return { hours: today.hour, minutes: today.minute };
  }
  const utc = DateTime.fromJSDate(next, { zone: 'UTC' });
  return { hours: utc.hour, minutes: utc.minute };
}
