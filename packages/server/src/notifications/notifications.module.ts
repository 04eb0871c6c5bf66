import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AuditLog } from '../audit/audit.types.js';
import type { Config } from '../config.js';
import type { Keyring } from '../crypto/keyring.js';
import type { Db } from '../db/database.js';
import type { ReadCaches } from '../db/read-cache.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { PermissionService } from '../permissions/permissions.types.js';
import type { RotationLifecycleEvent } from '../secret-rotations/engine/engine.types.js';
import { type AlertMailer, createEmailAlerts, createSmtpAlertMailer } from './email-alerts.js';
import { createLifecycleHandler } from './lifecycle-handler.js';
import type { LifecycleEvent } from './lifecycle-events.js';
import { observeGraphCalls } from './metrics/graph-calls.js';
import { createMetrics } from './metrics/metrics.js';
import { metricsRoutes } from './metrics/metrics.routes.js';
import { startMetricsServer } from './metrics/metrics-server.js';
import { notificationsDb } from './notifications.tables.js';
import { createScheduledNotices } from './scheduled-notices.js';
import { createWebhookDispatcher } from './webhooks/webhook-dispatcher.js';
import { webhooksRoutes } from './webhooks/webhooks.routes.js';
import { createWebhooksService } from './webhooks/webhooks.service.js';

/** Finished webhook deliveries stay visible in the delivery log this long. */
const deliveryLogRetentionMs = 30 * 86_400_000;

export type NotificationsModuleDeps = {
  config: Config;
  db: Db;
  keyring: Keyring;
  clock: Clock;
  ids: Ids;
  logger: FastifyBaseLogger;
  audit: AuditLog;
  permissions: PermissionService;
  /** Replaces the SMTP transport (tests); by default nodemailer on REKEY_SMTP_URL when it is set. */
  mailer?: AlertMailer;
  /** The app's read caches (db/read-cache.ts); none when omitted. */
  caches?: ReadCaches;
};

/**
 * Lifecycle notifications and operations signals: the audit log and project webhooks for every rotation
 * event, email alerts, the expiry guard, `rotation.upcoming`, and Prometheus metrics. Wire `onRotationEvent`
 * into the rotation module's `onEvent`, register the routes, `start()` after listening, `stop()` on shutdown.
 */
export function createNotificationsModule(deps: NotificationsModuleDeps) {
  const db = notificationsDb(deps.db);
  const settings = deps.config.notifications;
  const logger = deps.logger.child({ component: 'notifications' });
  const metrics = createMetrics({ db, clock: deps.clock, logger });
  const stopObservingGraph = observeGraphCalls(deps.config.azureGraphUrl, (status) => metrics.graphRequests.inc({ status }));
  const dispatcher = createWebhookDispatcher({
    db,
    keyring: deps.keyring,
    clock: deps.clock,
    ids: deps.ids,
    logger,
    settings: {
      timeoutMs: settings.webhookTimeoutMs,
      maxAttempts: settings.webhookMaxAttempts,
      retryBaseMs: settings.webhookRetryBaseMs,
      allowPrivateTargets: settings.webhookAllowPrivateTargets,
      leaseMs: settings.webhookTimeoutMs + 30_000,
    },
    onOutcome: (outcome) => metrics.webhookDeliveries.inc({ outcome }),
  });
  const mailer = deps.mailer ?? (deps.config.smtpUrl ? createSmtpAlertMailer(deps.config.smtpUrl, deps.config.smtpFrom) : undefined);
  const emailAlerts = mailer ? createEmailAlerts({ db: deps.db, mailer, logger, publicUrl: deps.config.publicUrl }) : undefined;
  const handler = createLifecycleHandler({
    db,
    clock: deps.clock,
    ids: deps.ids,
    logger,
    audit: deps.audit,
    metrics,
    dispatcher,
    emailAlerts,
    maxConsecutiveFailures: deps.config.rotation.maxConsecutiveFailures,
    ...(deps.caches ? { caches: deps.caches } : {}),
  });
  const notices = createScheduledNotices({
    db,
    clock: deps.clock,
    ids: deps.ids,
    logger,
    settings: { expiryMarginDays: settings.expiryMarginDays, upcomingLeadMinutes: settings.upcomingLeadMinutes },
    emit: (event) => handler.handle(event),
  });
  const webhooks = createWebhooksService({
    db,
    keyring: deps.keyring,
    clock: deps.clock,
    ids: deps.ids,
    audit: deps.audit,
    permissions: deps.permissions,
    dispatcher,
    allowPrivateTargets: settings.webhookAllowPrivateTargets,
  });

  const inFlight = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  let isStopped = false;
  let areLoopsRunning = false;

  function track(work: Promise<unknown>, what: string): Promise<void> {
    const guarded = work.then(
      () => undefined,
      (error: unknown) => logger.error({ err: error, what }, 'notification work failed'),
    );
    inFlight.add(guarded);
    void guarded.finally(() => inFlight.delete(guarded));
    return guarded;
  }

  /** Runs `work` now-ish and then every `intervalMs`, never overlapping itself, until stop. */
  function every(intervalMs: number, firstDelayMs: number, what: string, work: () => Promise<unknown>): void {
    const schedule = (delayMs: number) => {
      if (isStopped) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        void track(work(), what).finally(() => schedule(intervalMs));
      }, delayMs);
      timer.unref();
      timers.add(timer);
    };
    schedule(firstDelayMs);
  }

  async function settle(): Promise<void> {
    while (inFlight.size > 0) await Promise.all([...inFlight]);
    await dispatcher.settle();
  }

  return {
    metrics,
    webhooks,
    dispatcher,

    /** The rotation engine's `onEvent`: returns at once; the work runs in the background (see `settle`). */
    onRotationEvent(event: RotationLifecycleEvent | LifecycleEvent): void {
      void track(handler.handle(event), event.type);
    },

    async registerRoutes(app: FastifyInstance): Promise<void> {
      const routes = app.withTypeProvider<ZodTypeProvider>();
      await routes.register(webhooksRoutes, { service: webhooks });
      await routes.register(metricsRoutes, {
        metrics,
        isPublic: deps.config.metrics.isPublic,
        // Bootstrap creates the first organization; it is the instance's own.
        instanceOrganizationId: async () =>
          (await deps.db.selectFrom('organizations').select('id').orderBy('created_at').orderBy('id').limit(1).executeTakeFirst())?.id,
      });
    },

    /**
     * Starts the separate metrics listener (when REKEY_METRICS_PORT is set) and, on workers (REKEY_WORKER), the
     * loops: webhook retries and `rotation.upcoming` every REKEY_NOTIFICATIONS_POLL_MS, the expiry guard every
     * REKEY_EXPIRY_CHECK_INTERVAL_MS (first run shortly after start), which also prunes the delivery log.
     */
    async start(): Promise<void> {
      isStopped = false;
      if (deps.config.metrics.port !== undefined && !metricsServer) {
        metricsServer = await startMetricsServer(metrics, { port: deps.config.metrics.port, host: deps.config.metrics.host, logger });
      }
      if (!deps.config.isWorkerEnabled || areLoopsRunning) return;
      areLoopsRunning = true;
      every(settings.pollIntervalMs, settings.pollIntervalMs, 'webhook deliveries', () => dispatcher.deliverDue());
      every(settings.pollIntervalMs, settings.pollIntervalMs, 'upcoming rotations', () => notices.checkUpcoming());
      every(settings.expiryCheckIntervalMs, Math.min(settings.pollIntervalMs, settings.expiryCheckIntervalMs), 'expiry guard', async () => {
        await notices.checkExpiring();
        await dispatcher.pruneFinished(new Date(deps.clock.now().getTime() - deliveryLogRetentionMs));
      });
    },

    /** The unauthenticated metrics URL when the separate listener runs. */
    metricsUrl: (): string | undefined => metricsServer?.url,

    /** One expiry-guard pass; returns how many `credential.expiring` events it raised. */
    runExpiryGuard: () => notices.checkExpiring(),
    /** One `rotation.upcoming` pass; returns how many events it raised. */
    runUpcomingCheck: () => notices.checkUpcoming(),
    /** One webhook retry pass; returns how many deliveries it attempted. */
    deliverDueWebhooks: () => dispatcher.deliverDue(),

    /** Waits until every event received so far has been handled and its first deliveries attempted. */
    settle,

    async stop(): Promise<void> {
      isStopped = true;
      areLoopsRunning = false;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      stopObservingGraph();
      await settle();
      await metricsServer?.close();
      metricsServer = undefined;
      mailer?.close();
    },
  };
}

export type NotificationsModule = ReturnType<typeof createNotificationsModule>;
