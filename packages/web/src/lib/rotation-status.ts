import type { SecretRotation } from '../api/types';
import { daysUntil } from './time';

/** What a rotation row's status badge says. */
export type RotationStatus =
  | { kind: 'failed'; label: 'Rotation Failed'; color: 'red' }
  | { kind: 'rotating'; label: 'Rotating'; color: 'blue' }
  | { kind: 'disabled'; label: 'Auto-Rotation Disabled'; color: 'gray' }
  | { kind: 'scheduled'; label: string; color: 'blue' | 'yellow' };

/** The row's status, in the order a person cares about it: failure, in progress, paused, countdown. */
export function rotationStatus(rotation: Pick<SecretRotation, 'rotationStatus' | 'isAutoRotationEnabled' | 'nextRotationAt'>, now: Date = new Date()): RotationStatus {
  if (rotation.rotationStatus === 'failed') return { kind: 'failed', label: 'Rotation Failed', color: 'red' };
  if (rotation.rotationStatus === 'rotating') return { kind: 'rotating', label: 'Rotating', color: 'blue' };
  if (!rotation.isAutoRotationEnabled || !rotation.nextRotationAt) return { kind: 'disabled', label: 'Auto-Rotation Disabled', color: 'gray' };
  const due = new Date(rotation.nextRotationAt).getTime();
  if (due <= now.getTime()) return { kind: 'rotating', label: 'Rotating', color: 'blue' };
  const days = daysUntil(rotation.nextRotationAt, now);
  const label = days >= 1 ? `Rotates in ${days} day${days === 1 ? '' : 's'}` : 'Rotates today';
  return { kind: 'scheduled', label, color: days >= 7 ? 'blue' : 'yellow' };
}

/** Pretty-prints a failure message that is JSON (Graph error bodies), else returns it as it is. */
export function readableMessage(message: string): string {
  const start = message.indexOf('{');
  if (start < 0) return message;
  try {
    const parsed: unknown = JSON.parse(message.slice(start));
    return `${message.slice(0, start)}${JSON.stringify(parsed, null, 2)}`;
  } catch {
    return message;
  }
}

