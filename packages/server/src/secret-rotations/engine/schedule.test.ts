import { describe, expect, it } from 'vitest';
import { localTimeOnDay, nextRotationAt, upcomingRotations } from './schedule.js';

const utc = (iso: string) => new Date(iso);

describe('nextRotationAt (UTC, Infisical rules)', () => {
  it.each([
    // created (manual) after the run time of its day: a whole interval plus one day
    ['2026-07-20T12:01:00Z', 30, 3, 15, true, '2026-08-20T03:15:00.000Z'],
    // created before the run time of its day: no extra day
    ['2026-07-20T01:00:00Z', 30, 3, 15, true, '2026-08-19T03:15:00.000Z'],
    // scheduled run (not manual), even if it finished a few seconds late
    ['2026-07-20T03:15:04Z', 30, 3, 15, false, '2026-08-19T03:15:00.000Z'],
    // manual exactly at the run time counts as "at or after"
    ['2026-07-20T03:15:00Z', 1, 3, 15, true, '2026-07-22T03:15:00.000Z'],
    ['2026-07-20T23:59:00Z', 1, 0, 0, false, '2026-07-21T00:00:00.000Z'],
    // interval bounds
    ['2026-01-01T00:00:00Z', 909, 0, 0, false, '2028-06-28T00:00:00.000Z'],
  ])('last %s, every %i days at %i:%i, manual=%s → %s', (last, days, hours, minutes, manual, expected) => {
    const next = nextRotationAt({
      lastRotatedAt: utc(last),
      rotationIntervalDays: days,
      rotateAt: { hours, minutes, timeZone: 'UTC' },
      isLastRotationManual: manual,
      isAutoRotationEnabled: true,
    });
    expect(next?.toISOString()).toBe(expected);
  });

  it('is null when auto-rotation is disabled', () => {
    expect(
      nextRotationAt({
        lastRotatedAt: utc('2026-07-20T00:00:00Z'),
        rotationIntervalDays: 30,
        rotateAt: { hours: 2, minutes: 0, timeZone: 'UTC' },
        isLastRotationManual: false,
        isAutoRotationEnabled: false,
      }),
    ).toBeNull();
  });
});

describe('local time zones keep wall-clock time across DST', () => {
  it.each([
    // Europe/Berlin: CET (+01) in winter, CEST (+02) in summer
    ['Europe/Berlin', '2026-03-01T01:00:00Z', 30, 2, 0, '2026-03-31T00:00:00.000Z'], // 02:00 CEST
    ['Europe/Berlin', '2026-10-01T00:00:00Z', 30, 2, 0, '2026-10-31T01:00:00.000Z'], // 02:00 CET
    // America/New_York: EST (-05) / EDT (-04)
    ['America/New_York', '2026-03-01T07:00:00Z', 10, 2, 0, '2026-03-11T06:00:00.000Z'], // 02:00 EDT
    ['America/New_York', '2026-10-30T06:00:00Z', 3, 2, 0, '2026-11-02T07:00:00.000Z'], // 02:00 EST
  ])('%s: last %s every %i days at %i:%i local → %s', (timeZone, last, days, hours, minutes, expected) => {
    const next = nextRotationAt({
      lastRotatedAt: utc(last),
      rotationIntervalDays: days,
      rotateAt: { hours, minutes, timeZone },
      isLastRotationManual: false,
      isAutoRotationEnabled: true,
    });
    expect(next?.toISOString()).toBe(expected);
  });

  it('runs a skipped local time (spring forward) at the first valid instant after it', () => {
    // Berlin 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00 UTC; 02:30 does not exist.
    expect(localTimeOnDay({ year: 2026, month: 3, day: 29 }, { hours: 2, minutes: 30, timeZone: 'Europe/Berlin' }).toUTC().toISO()).toBe(
      '2026-03-29T01:00:00.000Z',
    );
    // New York 2026-03-08: 02:00 EST jumps to 03:00 EDT at 07:00 UTC.
    expect(localTimeOnDay({ year: 2026, month: 3, day: 8 }, { hours: 2, minutes: 15, timeZone: 'America/New_York' }).toUTC().toISO()).toBe(
      '2026-03-08T07:00:00.000Z',
    );
  });

  it('runs a repeated local time (fall back) once, at its first occurrence', () => {
    // Berlin 2026-10-25: 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET).
    expect(localTimeOnDay({ year: 2026, month: 10, day: 25 }, { hours: 2, minutes: 30, timeZone: 'Europe/Berlin' }).toUTC().toISO()).toBe(
      '2026-10-25T00:30:00.000Z',
    );
    // New York 2026-11-01: 01:30 happens at 05:30 UTC (EDT) and again at 06:30 UTC (EST).
    expect(localTimeOnDay({ year: 2026, month: 11, day: 1 }, { hours: 1, minutes: 30, timeZone: 'America/New_York' }).toUTC().toISO()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });

  it('lists upcoming runs across a DST change at the same local time', () => {
    const runs = upcomingRotations(
      {
        lastRotatedAt: utc('2026-03-27T01:00:00Z'),
        rotationIntervalDays: 1,
        rotateAt: { hours: 3, minutes: 0, timeZone: 'Europe/Berlin' },
        isLastRotationManual: false,
        isAutoRotationEnabled: true,
      },
      3,
    ).map((d) => d.toISOString());
    expect(runs).toEqual(['2026-03-28T02:00:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T01:00:00.000Z']);
  });
});
