import type { RotationLifecycleEvent } from '../secret-rotations/engine/engine.types.js';

/** Every event a webhook can subscribe to. The engine raises the `rotation.*` ones except `upcoming`; this module raises the rest. */
export const lifecycleEventTypes = [
  'rotation.upcoming',
  'rotation.started',
  'rotation.verified',
  'rotation.promoted',
  'rotation.revoked',
  'rotation.failed',
  'rotation.orphan-removed',
  'credential.expiring',
] as const;

export type LifecycleEventType = (typeof lifecycleEventTypes)[number];

/** Sent only by the "send a test event" route; not subscribable. */
export const testEventType = 'webhook.test';

export type RotationRef = RotationLifecycleEvent['rotation'];

/** What the notifications module receives: the engine's events and the two it raises itself. */
export type LifecycleEvent = {
  type: LifecycleEventType;
  rotation: RotationRef;
  attemptId?: string;
  details?: Record<string, unknown>;
};

/** Failure causes as operators think of them (the list), from the provider's finer categories. */
export type FailureCause = 'authentication' | 'permission' | 'not-found' | 'throttled' | 'network' | 'configuration' | 'internal';

const causeByCategory: Record<string, FailureCause> = {
  authentication: 'authentication',
  permission: 'permission',
  not_found: 'not-found',
  throttled: 'throttled',
  // Directory_ConcurrencyViolation and friends: contention on the tenant, which clears by waiting like throttling.
  conflict: 'throttled',
  network: 'network',
  limit: 'configuration',
  invalid: 'configuration',
  unknown: 'internal',
};

export function failureCause(category: unknown): FailureCause {
  return (typeof category === 'string' && causeByCategory[category]) || 'internal';
}

/** What a failure means in one sentence, for emails and webhook consumers that do not read provider messages. */
export const causeSummary: Record<FailureCause, string> = {
  authentication: 'the connection could not sign in to Entra ID (check its client secret or certificate)',
  permission: 'the connection lacks a permission it needs (for example Application.ReadWrite.OwnedBy on the application)',
  'not-found': 'the application or credential no longer exists in the tenant',
  throttled: 'Microsoft Graph throttled or rejected concurrent changes; Rekey retries with backoff',
  network: 'Entra ID or Microsoft Graph could not be reached',
  configuration: 'the rotation or application cannot be rotated as configured (for example a password limit)',
  internal: 'Rekey hit an internal error; the server log has details',
};

function pick(details: Record<string, unknown> | undefined, key: string, kind: 'string' | 'number' | 'boolean'): unknown {
  const value = details?.[key];
  return typeof value === kind ? value : undefined;
}

/**
 * The `data` of a webhook body. Each event type lists the fields it may carry (names, ids, times, counts):
 * nothing is copied wholesale, so a value the engine adds to its details later cannot leak into a body.
 */
export function eventData(event: LifecycleEvent): Record<string, unknown> {
  const d = event.details;
  const attempt = event.attemptId ? { attemptId: event.attemptId } : {};
  const fields: Record<string, unknown> = (() => {
    switch (event.type) {
      case 'rotation.upcoming':
        return { scheduledAt: pick(d, 'scheduledAt', 'string') };
      case 'rotation.started':
        return { ...attempt, trigger: pick(d, 'trigger', 'string') };
      case 'rotation.verified':
        return { ...attempt, verificationWaitMs: pick(d, 'verificationWaitMs', 'number') };
      case 'rotation.promoted':
        return { ...attempt };
      case 'rotation.revoked':
        return { keyId: pick(d, 'keyId', 'string'), outcome: pick(d, 'outcome', 'string') };
      case 'rotation.failed':
        return {
          ...attempt,
          trigger: pick(d, 'trigger', 'string'),
          cause: failureCause(d?.category),
          category: pick(d, 'category', 'string'),
          message: (pick(d, 'message', 'string') as string | undefined)?.slice(0, 1024),
          isPermanent: pick(d, 'isPermanent', 'boolean'),
          isFinal: pick(d, 'isFinal', 'boolean'),
          isCircuitOpen: pick(d, 'isCircuitOpen', 'boolean'),
          consecutiveFailures: pick(d, 'consecutiveFailures', 'number'),
        };
      case 'rotation.orphan-removed':
        return { keyId: pick(d, 'keyId', 'string') };
      case 'credential.expiring':
        return {
          keyId: pick(d, 'keyId', 'string'),
          expiresAt: pick(d, 'expiresAt', 'string'),
          daysLeft: pick(d, 'daysLeft', 'number'),
          marginDays: pick(d, 'marginDays', 'number'),
        };
    }
  })();
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
