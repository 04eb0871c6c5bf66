import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditLog } from '../audit/audit.service.js';
import type { Actor } from '../auth/actor.js';
import { AppError } from '../http/errors.js';
import { createLogger } from '../http/logger.js';
import { systemClock } from '../lib/clock.js';
import { randomIds } from '../lib/ids.js';
import { createPermissionService } from '../permissions/permissions.service.js';
import { bootstrap, type Bootstrapped, type CreatedProject, createProject } from '../test-support/fixtures.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';
import { createSmtpAlertMailer } from './email-alerts.js';
import type { RotationRef } from './lifecycle-events.js';
import { createNotificationsModule, type NotificationsModule } from './notifications.module.js';
import { eventually, startSmtpReceiver, startWebhookReceiver, verifyRekeySignature } from './test-support/receivers.js';
import { insertRotation } from './test-support/rotation-rows.js';

const dayMs = 86_400_000;

/**
 * The module on its own (events fed through `onRotationEvent`, as the engine does), against a real database,
 * a real webhook receiver and a real SMTP server. The HTTP routes are tested in webhooks.routes.test.ts.
 */
describe('notifications module', () => {
  let t: TestApp;
  let admin: Bootstrapped;
  let project: CreatedProject;
  let actor: Actor;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let module: NotificationsModule;

  function build(overrides: { allowPrivate?: boolean; worker?: boolean } = {}): NotificationsModule {
    const logger = createLogger({ level: 'silent' });
    const config = {
      ...t.config,
      isWorkerEnabled: overrides.worker ?? false,
      notifications: { ...t.config.notifications, webhookAllowPrivateTargets: overrides.allowPrivate ?? true, webhookRetryBaseMs: 10, pollIntervalMs: 50 },
    };
    return createNotificationsModule({
      config,
      db: t.db,
      keyring: t.keyring,
      clock: systemClock,
      ids: randomIds,
      logger,
      audit: createAuditLog({ db: t.db, clock: systemClock, ids: randomIds, logger }),
      permissions: createPermissionService({ db: t.db }),
      mailer: createSmtpAlertMailer(smtp.url, 'Rekey Alerts <alerts@rekey.test>'),
    });
  }

  beforeAll(async () => {
    t = await startTestApp({ env: { REKEY_PUBLIC_URL: 'https://rekey.example.com' } });
    admin = await bootstrap(t);
    project = await createProject(t, admin.userToken, { name: 'Payments' });
    actor = { type: 'user', userId: admin.adminUserId, email: admin.adminEmail, orgId: admin.orgId, orgRole: 'admin', sessionId: 'test' };
    receiver = await startWebhookReceiver();
    smtp = await startSmtpReceiver();
    module = build();
  });
  afterAll(async () => {
    await module.stop();
    await receiver.close();
    await smtp.close();
    await t.close();
  });

  const prod = () => project.environments.find((env) => env.slug === 'prod') ?? { id: '', slug: 'prod' };
  const newRotation = (input: Partial<Parameters<typeof insertRotation>[1]> = {}) =>
    insertRotation(t.db, { orgId: admin.orgId, projectId: project.id, environmentId: prod().id, ...input });

  it('delivers a final failure to the webhook (signed) and emails the project admins', async () => {
    const { webhook, secret } = await module.webhooks.create(actor, {
      projectId: project.id,
      environment: 'prod',
      secretPath: '/**',
      webhookUrl: receiver.url,
      events: ['rotation.failed'],
      isDisabled: false,
    });
    expect(secret).toMatch(/^whsec_/);
    const rotation = await newRotation({ name: 'billing-api', secretPath: '/billing' });
    module.onRotationEvent({
      type: 'rotation.failed',
      rotation,
      attemptId: randomIds.uuid(),
      details: { category: 'permission', message: 'The connection lacks Application.ReadWrite.OwnedBy on app X', isPermanent: true },
    });
    await module.settle();

    const delivery = receiver.received.find((entry) => entry.headers['x-rekey-event'] === 'rotation.failed');
    expect(delivery).toBeDefined();
    if (!delivery) return;
    expect(verifyRekeySignature(secret, delivery)).toBe(true);
    expect(verifyRekeySignature('whsec_wrong', delivery)).toBe(false);
    expect(delivery.headers['x-rekey-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(delivery.json).toMatchObject({
      type: 'rotation.failed',
      projectId: project.id,
      rotation: { id: rotation.id, name: 'billing-api', type: 'azure-client-secret', secretPath: '/billing', environment: { slug: 'prod' } },
      data: { cause: 'permission', category: 'permission', isPermanent: true, isFinal: true },
    });

    await eventually(() => smtp.messages.length > 0);
    const mail = smtp.messages[0];
    expect(mail?.to).toEqual([admin.adminEmail]);
    expect(mail?.subject).toBe('Secret rotation failed: billing-api');
    expect(mail?.text).toContain('Project:     Payments');
    expect(mail?.text).toContain('Cause: permission');
    expect(mail?.text).toContain('Application.ReadWrite.OwnedBy');
    expect(mail?.text).toContain(`https://rekey.example.com/projects/${project.id}/rotations/${rotation.id}`);

    const log = await module.webhooks.deliveries(actor, webhook.id, { offset: 0, limit: 10 });
    expect(log.deliveries[0]).toMatchObject({ eventType: 'rotation.failed', status: 'delivered', attempts: 1, responseStatus: 200 });
  });

  it('emails only on a final failure: a transient failure reaches webhooks but no inbox', async () => {
    const before = smtp.messages.length;
    const seen = receiver.received.length;
    const rotation = await newRotation();
    module.onRotationEvent({ type: 'rotation.failed', rotation, details: { category: 'throttled', message: 'Graph answered 429', isPermanent: false } });
    await module.settle();
    expect(receiver.received.length).toBe(seen + 1);
    expect(receiver.received.at(-1)?.json).toMatchObject({ data: { cause: 'throttled', isFinal: false } });
    expect(smtp.messages.length).toBe(before);

    // The circuit breaker has opened (the engine counted the failures): now it is final.
    await t.db.updateTable('secret_rotations').set({ consecutive_failures: t.config.rotation.maxConsecutiveFailures }).where('id', '=', rotation.id).execute();
    module.onRotationEvent({ type: 'rotation.failed', rotation, details: { category: 'network', message: 'connect ETIMEDOUT', isPermanent: false } });
    await module.settle();
    await eventually(() => smtp.messages.length === before + 1);
    expect(smtp.messages.at(-1)?.text).toContain(`failed ${t.config.rotation.maxConsecutiveFailures} times in a row`);
    expect(receiver.received.at(-1)?.json).toMatchObject({ data: { cause: 'network', isFinal: true, isCircuitOpen: true } });
  });

  it('retries a failed delivery with backoff from the delivery log', async () => {
    const { webhook } = await module.webhooks.create(actor, { projectId: project.id, secretPath: '/retry/**', webhookUrl: receiver.url, events: ['rotation.promoted'], isDisabled: false });
    const rotation = await newRotation({ secretPath: '/retry/app' });
    receiver.respondWith(503);
    module.onRotationEvent({ type: 'rotation.promoted', rotation, attemptId: randomIds.uuid() });
    await module.settle();
    let log = await module.webhooks.deliveries(actor, webhook.id, { offset: 0, limit: 10 });
    expect(log.deliveries[0]).toMatchObject({ status: 'pending', attempts: 1, responseStatus: 503, error: 'the receiver answered HTTP 503' });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await module.deliverDueWebhooks()).toBe(1);
    log = await module.webhooks.deliveries(actor, webhook.id, { offset: 0, limit: 10 });
    expect(log.deliveries[0]).toMatchObject({ status: 'delivered', attempts: 2, responseStatus: 200, error: null });
    const webhookNow = await module.webhooks.get(actor, webhook.id);
    expect(webhookNow.lastStatus).toBe('delivered');
  });

  it('on a worker, the background loop retries due deliveries by itself; finished ones are pruned later', async () => {
    const worker = build({ worker: true });
    try {
      const { webhook } = await worker.webhooks.create(actor, { projectId: project.id, secretPath: '/loop/**', webhookUrl: receiver.url, events: ['rotation.revoked'], isDisabled: false });
      const rotation = await newRotation({ secretPath: '/loop/app' });
      receiver.respondWith(500, 502);
      await worker.start();
      worker.onRotationEvent({ type: 'rotation.revoked', rotation, details: { keyId: 'key-old', outcome: 'removed' } });
      await worker.settle();
      let log = await worker.webhooks.deliveries(actor, webhook.id, { offset: 0, limit: 10 });
      for (let waited = 0; log.deliveries[0]?.status !== 'delivered' && waited < 5000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        log = await worker.webhooks.deliveries(actor, webhook.id, { offset: 0, limit: 10 });
      }
      expect(log.deliveries[0]).toMatchObject({ status: 'delivered', attempts: 3, payload: { data: { keyId: 'key-old', outcome: 'removed' } } });
      expect(await worker.dispatcher.pruneFinished(new Date(Date.now() + 1000))).toBeGreaterThanOrEqual(1);
      expect((await worker.webhooks.deliveries(actor, webhook.id, { offset: 0, limit: 10 })).totalCount).toBe(0);
    } finally {
      await worker.stop();
    }
  });

  it('filters by environment, path glob and event list', async () => {
    const { webhook } = await module.webhooks.create(actor, { projectId: project.id, environment: 'dev', secretPath: '/only/*', webhookUrl: receiver.url, events: ['rotation.started'], isDisabled: false });
    const dev = project.environments.find((env) => env.slug === 'dev')?.id ?? '';
    const matching = await insertRotation(t.db, { orgId: admin.orgId, projectId: project.id, environmentId: dev, secretPath: '/only/this' });
    const wrongPath = await insertRotation(t.db, { orgId: admin.orgId, projectId: project.id, environmentId: dev, secretPath: '/only/this/deeper' });
    const wrongEnv = await newRotation({ secretPath: '/only/this' });
    for (const rotation of [matching, wrongPath, wrongEnv]) module.onRotationEvent({ type: 'rotation.started', rotation, details: { trigger: 'manual' } });
    module.onRotationEvent({ type: 'rotation.verified', rotation: matching, details: { verificationWaitMs: 1500 } });
    await module.settle();
    const log = await module.webhooks.deliveries(actor, webhook.id, { offset: 0, limit: 10 });
    expect(log.deliveries.map((entry) => [entry.eventType, (entry.payload as { rotation: RotationRef }).rotation.id])).toEqual([['rotation.started', matching.id]]);
  });

  it('refuses private and metadata targets unless the instance allows them', async () => {
    const strict = build({ allowPrivate: false });
    for (const webhookUrl of [receiver.url, 'http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/', 'http://localhost:9/']) {
      const attempt = strict.webhooks.create(actor, { projectId: project.id, secretPath: '/**', webhookUrl, events: ['rotation.failed'], isDisabled: false });
      await expect(attempt, webhookUrl).rejects.toSatisfy((error: unknown) => error instanceof AppError && error.code === 'bad_request');
    }
    await strict.stop();
  });

  it('expiry guard: flags a credential inside the margin once, sets attention, emails and delivers credential.expiring', async () => {
    await module.webhooks.create(actor, { projectId: project.id, secretPath: '/**', webhookUrl: receiver.url, events: ['credential.expiring'], isDisabled: false });
    const expiring = await newRotation({ name: 'expiring-one', activeKeyId: 'key-expiring', activeExpiresAt: new Date(Date.now() + 2 * dayMs + 3600_000) });
    const healthy = await newRotation({ name: 'healthy-one', activeKeyId: 'key-healthy', activeExpiresAt: new Date(Date.now() + 40 * dayMs) });
    // A one-day interval: its margin is one day, so four days left is healthy.
    const daily = await newRotation({ name: 'daily-one', rotationInterval: 1, activeKeyId: 'key-daily', activeExpiresAt: new Date(Date.now() + 4 * dayMs) });
    const mailsBefore = smtp.messages.length;

    expect(await module.runExpiryGuard()).toBe(1);
    await module.settle();
    expect(await module.runExpiryGuard()).toBe(0);

    const rows = await t.db.selectFrom('secret_rotations').select(['id', 'attention_reason']).where('id', 'in', [expiring.id, healthy.id, daily.id]).execute();
    const reasons = Object.fromEntries(rows.map((row) => [row.id, row.attention_reason]));
    expect(reasons[expiring.id]).toMatch(/key-expiring.*less than 7 days away/);
    expect(reasons[healthy.id]).toBeNull();
    expect(reasons[daily.id]).toBeNull();

    const delivered = receiver.received.filter((entry) => entry.headers['x-rekey-event'] === 'credential.expiring');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]?.json).toMatchObject({ rotation: { id: expiring.id }, data: { keyId: 'key-expiring', daysLeft: 2, marginDays: 7 } });
    await eventually(() => smtp.messages.length === mailsBefore + 1);
    expect(smtp.messages.at(-1)?.subject).toBe('Credential expiring: expiring-one');
    expect(smtp.messages.at(-1)?.text).toContain('expires in 2 days');

    const audit = await t.db.selectFrom('audit_logs').select(['event_type', 'metadata']).where('resource_id', '=', expiring.id).execute();
    expect(audit.map((row) => row.event_type)).toEqual(['secret-rotation-credential-expiring']);
  });

  it('rotation.upcoming fires once per scheduled run within the lead time', async () => {
    await module.webhooks.create(actor, { projectId: project.id, secretPath: '/**', webhookUrl: receiver.url, events: ['rotation.upcoming'], isDisabled: false });
    const soon = await newRotation({ nextRotationAt: new Date(Date.now() + 3600_000) });
    await newRotation({ nextRotationAt: new Date(Date.now() + 3 * dayMs) });
    expect(await module.runUpcomingCheck()).toBe(1);
    expect(await module.runUpcomingCheck()).toBe(0);
    await module.settle();
    const delivered = receiver.received.filter((entry) => entry.headers['x-rekey-event'] === 'rotation.upcoming');
    expect(delivered.map((entry) => (entry.json.rotation as { id: string }).id)).toEqual([soon.id]);
  });

  it('exposes Prometheus metrics that parse and move with events', async () => {
    const rotation = await newRotation();
    const read = async () => {
      const text = await module.metrics.render();
      const samples = new Map<string, number>();
      for (const line of text.split('\n')) {
        if (line === '' || line.startsWith('#')) continue;
        // Prometheus text format: name{labels} value; values may be NaN/Inf in any case (Go's ParseFloat).
        const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (-?[0-9.e+-]+|nan|[+-]inf)$/i.exec(line);
        expect(match, `unparseable line: ${line}`).not.toBeNull();
        if (match?.[1] && match[2]) samples.set(match[1], Number(match[2]));
      }
      return samples;
    };
    const before = await read();
    const key = 'rekey_rotation_attempts_total{type="azure-client-secret",outcome="success"}';
    module.onRotationEvent({ type: 'rotation.verified', rotation, details: { verificationWaitMs: 4200 } });
    module.onRotationEvent({ type: 'rotation.promoted', rotation });
    await module.settle();
    const after = await read();
    expect((after.get(key) ?? 0) - (before.get(key) ?? 0)).toBe(1);
    expect(after.get('rekey_rotation_verification_duration_seconds_count{type="azure-client-secret"}')).toBeGreaterThanOrEqual(1);
    expect(after.get('rekey_rotations_attention')).toBeGreaterThanOrEqual(1);
    expect(after.has('rekey_rotation_pending_revocations')).toBe(true);
    expect(after.has('rekey_rotations_due')).toBe(true);
    expect(after.get('rekey_webhook_deliveries_total{outcome="delivered"}')).toBeGreaterThanOrEqual(1);
    expect(after.get('rekey_webhook_deliveries_total{outcome="retrying"}')).toBeGreaterThanOrEqual(1);
    expect([...after.keys()].some((name) => name.startsWith('process_cpu_user_seconds_total'))).toBe(true);
  });
});
