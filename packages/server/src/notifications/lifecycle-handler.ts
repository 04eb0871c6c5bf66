import type { FastifyBaseLogger } from 'fastify';
import type { AuditLog } from '../audit/audit.types.js';
import { noReadCaches, type ReadCaches } from '../db/read-cache.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { EmailAlerts } from './email-alerts.js';
import { eventData, type LifecycleEvent, type LifecycleEventType } from './lifecycle-events.js';
import type { Metrics } from './metrics/metrics.js';
import type { NotificationsDb } from './notifications.tables.js';
import type { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';

export type LifecycleHandlerDeps = {
  db: NotificationsDb;
  clock: Clock;
  ids: Ids;
  logger: FastifyBaseLogger;
  audit: AuditLog;
  metrics: Metrics;
  dispatcher: WebhookDispatcher;
  /** Undefined when SMTP is not configured. */
  emailAlerts: EmailAlerts | undefined;
  /** The circuit breaker's threshold (REKEY_ROTATION_MAX_CONSECUTIVE_FAILURES). */
  maxConsecutiveFailures: number;
  caches?: ReadCaches;
};

/** The engine writes these to the audit log itself, in the transaction that makes them true. */
const auditedByEngine = new Set<LifecycleEventType>(['rotation.promoted', 'rotation.failed', 'rotation.revoked', 'rotation.orphan-removed']);

const auditEventType: Record<LifecycleEventType, string> = {
  'rotation.upcoming': 'secret-rotation-upcoming',
  'rotation.started': 'secret-rotation-started',
  'rotation.verified': 'secret-rotation-verified',
  'rotation.promoted': 'secret-rotation-rotate-secrets',
  'rotation.revoked': 'secret-rotation-revoke-credential',
  'rotation.failed': 'secret-rotation-rotate-secrets',
  'rotation.orphan-removed': 'secret-rotation-orphan-removed',
  'credential.expiring': 'secret-rotation-credential-expiring',
};

type EventContext = {
  project: { id: string; orgId: string; name: string };
  environment: { id: string; slug: string; name: string } | null;
};

/**
 * What happens to each lifecycle event: metrics, the audit log (for events the engine does not already
 * record), project webhooks (durable outbox) and, for final failures and expiring credentials, email to the
 * project's admins. Events carry names, ids and categories only; bodies are built from an allowlist.
 */
export function createLifecycleHandler(deps: LifecycleHandlerDeps) {
  // Every rotation raises three or four events with the same project and environment: their names are read
  // once, until either table changes (db/read-cache.ts), instead of two statements per event.
  const contexts = (deps.caches ?? noReadCaches).create<EventContext>(1_000);

  function loadContext(event: LifecycleEvent): Promise<EventContext> {
    const key = `${event.rotation.org_id}:${event.rotation.project_id}:${event.rotation.environment_id}`;
    return contexts.through(key, () => readContext(event));
  }

  async function readContext(event: LifecycleEvent): Promise<EventContext> {
    const project = await deps.db.selectFrom('projects').select(['id', 'org_id', 'name']).where('id', '=', event.rotation.project_id).executeTakeFirst();
    const environment = await deps.db
      .selectFrom('project_environments')
      .select(['id', 'slug', 'name'])
      .where('id', '=', event.rotation.environment_id)
      .executeTakeFirst();
    return {
      project: { id: event.rotation.project_id, orgId: project?.org_id ?? event.rotation.org_id, name: project?.name ?? event.rotation.project_id },
      environment: environment ?? null,
    };
  }

  /** A failure is final when the circuit breaker has opened or waiting cannot fix it; the row says which. */
  async function withFailureState(event: LifecycleEvent): Promise<LifecycleEvent> {
    const row = await deps.db.selectFrom('secret_rotations').select(['consecutive_failures']).where('id', '=', event.rotation.id).executeTakeFirst();
    const attempt = event.attemptId
      ? await deps.db.selectFrom('secret_rotation_attempts').select('trigger').where('id', '=', event.attemptId).executeTakeFirst()
      : undefined;
    const consecutiveFailures = row?.consecutive_failures ?? 0;
    const isCircuitOpen = consecutiveFailures >= deps.maxConsecutiveFailures;
    const isPermanent = event.details?.isPermanent === true;
    const trigger = attempt?.trigger;
    return { ...event, details: { ...event.details, consecutiveFailures, isCircuitOpen, isFinal: isCircuitOpen || isPermanent, ...(trigger ? { trigger } : {}) } };
  }

  async function observe(event: LifecycleEvent): Promise<void> {
    const type = event.rotation.type;
    deps.metrics.events.inc({ event: event.type });
    if (event.type === 'rotation.verified' && typeof event.details?.verificationWaitMs === 'number') {
      deps.metrics.verificationDuration.observe({ type }, event.details.verificationWaitMs / 1000);
    }
    if (event.type !== 'rotation.promoted' && event.type !== 'rotation.failed') return;
    const outcome = event.type === 'rotation.promoted' ? 'success' : 'failed';
    deps.metrics.attempts.inc({ type, outcome });
    if (!event.attemptId) return;
    const attempt = await deps.db.selectFrom('secret_rotation_attempts').select('started_at').where('id', '=', event.attemptId).executeTakeFirst();
    if (attempt) deps.metrics.attemptDuration.observe({ type, outcome }, Math.max(0, deps.clock.now().getTime() - attempt.started_at.getTime()) / 1000);
  }

  function body(event: LifecycleEvent, eventId: string, context: EventContext): string {
    return JSON.stringify({
      id: eventId,
      type: event.type,
      createdAt: deps.clock.now().toISOString(),
      projectId: context.project.id,
      rotation: {
        id: event.rotation.id,
        name: event.rotation.name,
        type: event.rotation.type,
        environment: context.environment,
        secretPath: event.rotation.secret_path,
      },
      data: eventData(event),
    });
  }

  async function audit(event: LifecycleEvent, context: EventContext): Promise<void> {
    if (auditedByEngine.has(event.type)) return;
    await deps.audit.record({
      actor: { type: 'system', orgId: context.project.orgId, reason: 'rotation-notifications' },
      orgId: context.project.orgId,
      projectId: context.project.id,
      eventType: auditEventType[event.type],
      resourceType: 'secret-rotation',
      resourceId: event.rotation.id,
      metadata: { rotationId: event.rotation.id, type: event.rotation.type, event: event.type, ...eventData(event) },
    });
  }

  async function email(event: LifecycleEvent, context: EventContext): Promise<void> {
    if (!deps.emailAlerts) return;
    const alert = {
      rotation: { id: event.rotation.id, name: event.rotation.name, type: event.rotation.type, secretPath: event.rotation.secret_path },
      project: context.project,
      environment: context.environment,
    };
    const d = event.details ?? {};
    if (event.type === 'rotation.failed' && d.isFinal === true) {
      const sent = await deps.emailAlerts.rotationFailed({
        ...alert,
        category: typeof d.category === 'string' ? d.category : undefined,
        message: typeof d.message === 'string' ? d.message : undefined,
        consecutiveFailures: typeof d.consecutiveFailures === 'number' ? d.consecutiveFailures : 0,
        isCircuitOpen: d.isCircuitOpen === true,
        occurredAt: deps.clock.now(),
      });
      deps.metrics.alertEmails.inc({ kind: 'rotation-failed' }, sent);
    }
    if (event.type === 'credential.expiring' && typeof d.keyId === 'string' && typeof d.expiresAt === 'string') {
      const sent = await deps.emailAlerts.credentialExpiring({
        ...alert,
        keyId: d.keyId,
        expiresAt: new Date(d.expiresAt),
        daysLeft: typeof d.daysLeft === 'number' ? d.daysLeft : 0,
        marginDays: typeof d.marginDays === 'number' ? d.marginDays : 0,
      });
      deps.metrics.alertEmails.inc({ kind: 'credential-expiring' }, sent);
    }
  }

  /** Handles one event; each outlet fails on its own (logged), so a broken mail server cannot stop webhooks. */
  async function handle(received: LifecycleEvent): Promise<void> {
    const event = received.type === 'rotation.failed' ? await withFailureState(received) : received;
    const context = await loadContext(event);
    const outlets: Array<[string, () => Promise<unknown>]> = [
      ['metrics', () => observe(event)],
      ['audit', () => audit(event, context)],
      [
        'webhooks',
        () => {
          const id = deps.ids.uuid();
          return deps.dispatcher.enqueue({
            id,
            type: event.type,
            projectId: context.project.id,
            environmentId: event.rotation.environment_id,
            secretPath: event.rotation.secret_path,
            body: body(event, id, context),
          });
        },
      ],
      ['email', () => email(event, context)],
    ];
    for (const [outlet, run] of outlets) {
      await run().catch((error: unknown) => deps.logger.error({ err: error, outlet, event: event.type, rotationId: event.rotation.id }, 'could not handle a rotation lifecycle event'));
    }
  }

  return { handle };
}
