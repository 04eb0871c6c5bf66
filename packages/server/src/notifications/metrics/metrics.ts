import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../../lib/clock.js';
import type { NotificationsDb } from '../notifications.tables.js';

/**
 * Rekey's Prometheus metrics in a registry of its own (not prom-client's global one), so several apps can
 * live in one process (tests). Counters move with lifecycle events, Graph responses and webhook deliveries;
 * the gauges are read from the database at scrape time, so they are right across replicas.
 */
export function createMetrics(deps: { db: NotificationsDb; clock: Clock; logger: FastifyBaseLogger }) {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  const attempts = new Counter({
    name: 'rekey_rotation_attempts_total',
    help: 'Finished rotation attempts by rotation type and outcome (success: a new credential was published)',
    labelNames: ['type', 'outcome'] as const,
    registers,
  });
  const attemptDuration = new Histogram({
    name: 'rekey_rotation_attempt_duration_seconds',
    help: 'Time from the start of a rotation attempt to its promotion or failure',
    labelNames: ['type', 'outcome'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800],
    registers,
  });
  const verificationDuration = new Histogram({
    name: 'rekey_rotation_verification_duration_seconds',
    help: 'How long a new credential took to work at the token endpoint (Entra ID propagation)',
    labelNames: ['type'] as const,
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600],
    registers,
  });
  const events = new Counter({
    name: 'rekey_rotation_events_total',
    help: 'Rotation lifecycle events by event type',
    labelNames: ['event'] as const,
    registers,
  });
  const graphRequests = new Counter({
    name: 'rekey_graph_requests_total',
    help: 'Microsoft Graph requests by HTTP status (error: no response)',
    labelNames: ['status'] as const,
    registers,
  });
  const webhookDeliveries = new Counter({
    name: 'rekey_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome (retrying: failed, another attempt is scheduled)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const alertEmails = new Counter({
    name: 'rekey_alert_emails_total',
    help: 'Alert emails sent by kind',
    labelNames: ['kind'] as const,
    registers,
  });

  /** A gauge whose value is one SQL count at scrape time; a failed query leaves it out of that scrape. */
  function countGauge(name: string, help: string, count: () => Promise<number>): void {
    new Gauge({
      name,
      help,
      registers,
      async collect() {
        try {
          this.set(await count());
        } catch (error) {
          deps.logger.warn({ err: error, metric: name }, 'could not read a metric from the database');
        }
      },
    });
  }

  countGauge('rekey_rotations_due', 'Automatic rotations whose next run time has passed and that are not running (the backlog)', async () => {
    const row = await sql<{ count: number }>`
      select count(*)::int as count from secret_rotations
      where is_auto_rotation_enabled and next_rotation_at <= ${deps.clock.now()} and status <> 'rotating'`.execute(deps.db);
    return row.rows[0]?.count ?? 0;
  });
  countGauge('rekey_rotation_pending_revocations', 'Replaced credentials waiting to be removed from the provider', async () => {
    const row = await sql<{ count: number }>`select count(*)::int as count from secret_rotation_pending_revocations`.execute(deps.db);
    return row.rows[0]?.count ?? 0;
  });
  countGauge('rekey_rotations_attention', 'Rotations that need a person (circuit breaker open, permanent error or expiring credential)', async () => {
    const row = await sql<{ count: number }>`select count(*)::int as count from secret_rotations where attention_reason is not null`.execute(deps.db);
    return row.rows[0]?.count ?? 0;
  });
  countGauge('rekey_webhook_deliveries_pending', 'Webhook deliveries waiting for their first or next attempt', async () => {
    const row = await sql<{ count: number }>`select count(*)::int as count from webhook_deliveries where status = 'pending'`.execute(deps.db);
    return row.rows[0]?.count ?? 0;
  });

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    attempts,
    attemptDuration,
    verificationDuration,
    events,
    graphRequests,
    webhookDeliveries,
    alertEmails,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
