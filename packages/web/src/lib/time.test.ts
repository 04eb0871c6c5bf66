import { describe, expect, it } from 'vitest';
import { rotationStatus } from './rotation-status';
import { formatTimeOfDay, localMidnightUtc, parseTimeOfDay, utcOffsetLabel } from './time';
import { slugProblem } from './validation';

describe('time of day', () => {
  it('defaults Rotate At to the local equivalent of 00:00 UTC', () => {
    const local = localMidnightUtc(new Date('2026-07-20T12:00:00Z'));
    const expected = new Date(Date.UTC(2026, 6, 20, 0, 0));
    expect(local).toEqual({ hours: expected.getHours(), minutes: expected.getMinutes() });
  });

  it('parses and formats HH:mm', () => {
    expect(parseTimeOfDay('02:05')).toEqual({ hours: 2, minutes: 5 });
    expect(parseTimeOfDay('24:00')).toBeNull();
    expect(parseTimeOfDay('')).toBeNull();
    expect(formatTimeOfDay({ hours: 9, minutes: 0 })).toBe('09:00');
  });

  it('labels zone offsets', () => {
    expect(utcOffsetLabel('UTC')).toBe('UTC');
    expect(utcOffsetLabel('Asia/Kolkata')).toBe('UTC+05:30');
  });
});

describe('rotation status', () => {
  const now = new Date('2026-07-20T12:00:00Z');
  const base = { rotationStatus: 'success' as const, isAutoRotationEnabled: true };
  it('counts whole days until the next rotation', () => {
    expect(rotationStatus({ ...base, nextRotationAt: '2026-08-20T00:00:00Z' }, now).label).toBe('Rotates in 30 days');
    expect(rotationStatus({ ...base, nextRotationAt: '2026-07-23T00:00:00Z' }, now)).toMatchObject({ label: 'Rotates in 2 days', color: 'yellow' });
  });
  it('puts failure and pauses first', () => {
    expect(rotationStatus({ ...base, rotationStatus: 'failed', nextRotationAt: '2026-07-21T00:00:00Z' }, now).label).toBe('Rotation Failed');
    expect(rotationStatus({ ...base, isAutoRotationEnabled: false, nextRotationAt: null }, now).label).toBe('Auto-Rotation Disabled');
    expect(rotationStatus({ ...base, nextRotationAt: '2026-07-20T11:00:00Z' }, now).label).toBe('Rotating');
  });
});

describe('slug check', () => {
  it('explains what is wrong', () => {
    expect(slugProblem('')).toMatch(/required/);
    expect(slugProblem('My Rotation')).toMatch(/slug-friendly/);
    expect(slugProblem('my-rotation')).toBeNull();
  });
});
