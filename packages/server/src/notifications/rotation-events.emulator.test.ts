import type { RunningEmulator } from 'entra-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AzureTenantFixture, emulatorEnv, seedAzureTenant, startAzureEmulator } from '../app-connections/test-support/azure-fixtures.js';
import { authHeader, bootstrap, type Bootstrapped, type CreatedProject, createProject } from '../test-support/fixtures.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';
import { eventually, startSmtpReceiver, startWebhookReceiver, verifyRekeySignature } from './test-support/receivers.js';

/** Scrapes /metrics and returns its samples by `name{labels}`; every line must parse. */
async function scrape(t: TestApp, token: string): Promise<Map<string, number>> {
  const response = await t.app.inject({ method: 'GET', url: '/metrics', headers: authHeader(token) });
  expect(response.statusCode).toBe(200);
  const samples = new Map<string, number>();
  for (const line of response.body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (-?[0-9.e+-]+|nan|[+-]inf)$/i.exec(line);
    expect(match, `unparseable metrics line: ${line}`).not.toBeNull();
    if (match?.[1] && match[2]) samples.set(match[1], Number(match[2]));
  }
  return samples;
}

/**
 * End to end over HTTP against the Entra ID emulator: a real rotation and a real failure (Graph refuses
 * addPassword) reach a webhook receiver, an SMTP server, the audit log and /metrics.
 */
describe('rotation lifecycle notifications (emulator)', () => {
  let emulator: RunningEmulator;
  let tenant: AzureTenantFixture;
  let t: TestApp;
  let admin: Bootstrapped;
  let project: CreatedProject;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;

  beforeAll(async () => {
    emulator = await startAzureEmulator();
    tenant = seedAzureTenant(emulator, { extraTargets: 1 });
    receiver = await startWebhookReceiver();
    smtp = await startSmtpReceiver();
    t = await startTestApp({
      env: {
        ...emulatorEnv(emulator),
        REKEY_SMTP_URL: smtp.url,
        REKEY_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        REKEY_ROTATION_VERIFY_INITIAL_DELAY_MS: '10',
        REKEY_ROTATION_TRANSIENT_RETRIES: '0',
      },
    });
    admin = await bootstrap(t);
    project = await createProject(t, admin.userToken, { name: 'Billing' });
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
    await smtp.close();
    await emulator.close();
  });

  it('a failed rotation reaches the webhook receiver (signed), the admins by email, the audit log and /metrics', async () => {
    const token = admin.userToken;
    const hook = await t.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: authHeader(token),
      payload: { projectId: project.id, environment: 'prod', webhookUrl: receiver.url },
    });
    expect(hook.statusCode).toBe(200);
    const { secret } = hook.json() as { secret: string };

    const connection = await t.app.inject({
      method: 'POST',
      url: '/api/v1/app-connections/azure-client-secrets',
      headers: authHeader(token),
      payload: { name: 'billing-tenant', method: 'client-secret', credentials: { tenantId: tenant.tenantId, clientId: tenant.connector.appId, clientSecret: tenant.connector.secret } },
    });
    expect(connection.statusCode, connection.body).toBe(200);
    const target = tenant.targets[0];
    if (!target) throw new Error('no target application seeded');
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v2/secret-rotations/azure-client-secret',
      headers: authHeader(token),
      payload: {
        name: 'billing-api',
        connectionId: connection.json().appConnection.id,
        projectId: project.id,
        environment: 'prod',
        secretPath: '/',
        rotationInterval: 30,
        rotateAtUtc: { hours: 3, minutes: 0 },
        parameters: { objectId: target.objectId, clientId: target.appId },
        secretsMapping: { clientId: 'BILLING_CLIENT_ID', clientSecret: 'BILLING_CLIENT_SECRET' },
      },
    });
    expect(created.statusCode, created.body).toBe(200);
    const rotationId = created.json().secretRotation.id as string;
    await t.app.services.notifications.settle();
    // Creation publishes first and verifies in the background; the next attempt waits for that to finish.
    await eventually(() => receiver.received.some((entry) => entry.headers['x-rekey-event'] === 'rotation.verified'), 20_000);
    await t.app.services.notifications.settle();

    // Graph now refuses to add passwords: a permission problem, which waiting cannot fix.
    emulator.admin.addFault({ match: { route: 'addPassword' }, action: { type: 'forbidden' } });
    const rotateNow = () => t.app.inject({ method: 'POST', url: `/api/v2/secret-rotations/azure-client-secret/${rotationId}/rotate-secrets`, headers: authHeader(token) });
    let rotated = await rotateNow();
    // The creation attempt may still be finishing (revocations, lease release) just after `verified`.
    for (let tries = 0; rotated.statusCode === 409 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      rotated = await rotateNow();
    }
    expect(rotated.statusCode, rotated.body).toBe(200);
    await eventually(() => receiver.received.some((entry) => entry.headers['x-rekey-event'] === 'rotation.failed'), 20_000);
    await t.app.services.notifications.settle();

    const failed = receiver.received.find((entry) => entry.headers['x-rekey-event'] === 'rotation.failed');
    if (!failed) throw new Error('no rotation.failed delivery');
    expect(verifyRekeySignature(secret, failed)).toBe(true);
    expect(failed.json).toMatchObject({
      type: 'rotation.failed',
      projectId: project.id,
      rotation: { id: rotationId, name: 'billing-api', environment: { slug: 'prod' }, secretPath: '/' },
      data: { cause: 'permission', trigger: 'manual', isPermanent: true, isFinal: true },
    });
    const events = receiver.received.map((entry) => entry.headers['x-rekey-event']);
    expect(events).toEqual(expect.arrayContaining(['rotation.started', 'rotation.promoted', 'rotation.failed']));
    // No secret value in any body: the published client secret is in the secrets store, never in a webhook.
    const secrets = await t.app.inject({ method: 'GET', url: `/api/v3/secrets/raw?workspaceId=${project.id}&environment=prod&secretPath=/`, headers: authHeader(token) });
    const secretValue = (secrets.json().secrets as { secretKey: string; secretValue: string }[]).find((entry) => entry.secretKey === 'BILLING_CLIENT_SECRET')?.secretValue;
    expect(secretValue).toBeTruthy();
    for (const entry of receiver.received) expect(entry.body).not.toContain(secretValue);

    await eventually(() => smtp.messages.some((mail) => mail.subject === 'Secret rotation failed: billing-api'));
    const mail = smtp.messages.find((entry) => entry.subject === 'Secret rotation failed: billing-api');
    expect(mail?.to).toEqual([admin.adminEmail]);
    expect(mail?.text).toContain('Cause: permission');
    expect(mail?.text).toContain('Environment: Production (prod)');

    const audit = await t.db.selectFrom('audit_logs').select('event_type').where('resource_id', '=', rotationId).execute();
    expect(audit.map((row) => row.event_type)).toEqual(expect.arrayContaining(['secret-rotation-started', 'secret-rotation-rotate-secrets']));

    const metrics = await scrape(t, admin.adminIdentityToken);
    expect(metrics.get('rekey_rotation_attempts_total{type="azure-client-secret",outcome="failed"}')).toBe(1);
    expect(metrics.get('rekey_rotation_attempts_total{type="azure-client-secret",outcome="success"}')).toBe(1);
    expect(metrics.get('rekey_rotation_attempt_duration_seconds_count{type="azure-client-secret",outcome="failed"}')).toBe(1);
    expect(metrics.get('rekey_graph_requests_total{status="403"}')).toBeGreaterThanOrEqual(1);
    expect(metrics.get('rekey_graph_requests_total{status="200"}')).toBeGreaterThanOrEqual(1);
    expect(metrics.get('rekey_rotations_attention')).toBe(1);
    expect(metrics.get('rekey_webhook_deliveries_total{outcome="delivered"}')).toBeGreaterThanOrEqual(3);
    expect(metrics.get('rekey_alert_emails_total{kind="rotation-failed"}')).toBe(1);
  });
});
