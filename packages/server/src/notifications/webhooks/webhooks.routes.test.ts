import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, bootstrap, type Bootstrapped, type CreatedProject, createProject, createUser } from '../../test-support/fixtures.js';
import { startTestApp, type TestApp } from '../../test-support/test-app.js';
import { startWebhookReceiver, verifyRekeySignature } from '../test-support/receivers.js';

type WebhookBody = { id: string; url: string; events: string[]; isDisabled: boolean; environment: { slug: string } | null; secretPath: string };

describe('webhooks API', () => {
  let t: TestApp;
  let admin: Bootstrapped;
  let project: CreatedProject;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    // The receiver listens on 127.0.0.1, which only an instance that allows private targets may reach.
    t = await startTestApp({ env: { REKEY_WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } });
    admin = await bootstrap(t);
    project = await createProject(t, admin.userToken, { name: 'Hooks' });
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await t.close();
  });

  const create = (payload: Record<string, unknown>, token = admin.userToken) =>
    t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: authHeader(token), payload: { projectId: project.id, ...payload } });

  it('refuses bad input with 400 and stores nothing', async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['file URL', { webhookUrl: 'file:///etc/passwd' }, /http or https/],
      ['metadata address', { webhookUrl: 'http://169.254.169.254/' }, /metadata/],
      ['metadata over IPv6', { webhookUrl: 'http://[fd00:ec2::254]/latest' }, /metadata/],
      ['5,000-character URL', { webhookUrl: `https://hooks.example.com/${'a'.repeat(5000 - 26)}` }, /at most 2048 characters/],
      ['unknown event name', { webhookUrl: receiver.url, events: ['rotation.failed', 'rotation.exploded'] }, /must be one of/],
      ['empty event list', { webhookUrl: receiver.url, events: [] }, /at least one event/],
      ['unknown environment', { webhookUrl: receiver.url, environment: 'nope' }, /does not exist/],
      ['relative path glob', { webhookUrl: receiver.url, secretPath: 'api/**' }, /starting with \//],
      ['unknown field', { webhookUrl: receiver.url, secret: 'mine' }, /.+/],
    ];
    for (const [label, payload, message] of cases) {
      const response = await create(payload);
      expect(response.statusCode, label).toBe(400);
      expect(response.body, label).toMatch(message);
    }
    const missingProject = await t.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: authHeader(admin.userToken), payload: { webhookUrl: receiver.url } });
    expect(missingProject.statusCode).toBe(400);
    const list = await t.app.inject({ method: 'GET', url: `/api/v1/webhooks?projectId=${project.id}`, headers: authHeader(admin.userToken) });
    expect(list.json().webhooks).toEqual([]);
  });

  it('creates (secret shown once), lists, updates, tests and deletes a webhook', async () => {
    const created = await create({ workspaceId: project.id, projectId: undefined, environment: 'prod', secretPath: '/api/**', webhookUrl: receiver.url, events: ['rotation.failed', 'credential.expiring'] });
    expect(created.statusCode).toBe(200);
    const { webhook, secret } = created.json() as { webhook: WebhookBody; secret: string };
    expect(secret).toMatch(/^whsec_/);
    expect(webhook).toMatchObject({ url: receiver.url, events: ['rotation.failed', 'credential.expiring'], environment: { slug: 'prod' }, secretPath: '/api/**', isDisabled: false });

    const listed = await t.app.inject({ method: 'GET', url: `/api/v1/webhooks?workspaceId=${project.id}`, headers: authHeader(admin.userToken) });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(secret);
    expect(listed.json().webhooks.map((entry: WebhookBody) => entry.id)).toEqual([webhook.id]);

    const tested = await t.app.inject({ method: 'POST', url: `/api/v1/webhooks/${webhook.id}/test`, headers: authHeader(admin.userToken) });
    expect(tested.statusCode).toBe(200);
    expect(tested.json().delivery).toMatchObject({ eventType: 'webhook.test', status: 'delivered', attempts: 1, responseStatus: 200 });
    const received = receiver.received.at(-1);
    expect(received?.headers['x-rekey-event']).toBe('webhook.test');
    expect(received && verifyRekeySignature(secret, received)).toBe(true);

    const patched = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/webhooks/${webhook.id}`,
      headers: authHeader(admin.userToken),
      payload: { isDisabled: true, environment: null, events: ['rotation.promoted'] },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().webhook).toMatchObject({ isDisabled: true, environment: null, events: ['rotation.promoted'] });
    const badPatch = await t.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${webhook.id}`, headers: authHeader(admin.userToken), payload: { webhookUrl: 'ftp://example.com/' } });
    expect(badPatch.statusCode).toBe(400);

    const deliveries = await t.app.inject({ method: 'GET', url: `/api/v1/webhooks/${webhook.id}/deliveries`, headers: authHeader(admin.userToken) });
    expect(deliveries.json()).toMatchObject({ totalCount: 1, deliveries: [{ eventType: 'webhook.test', status: 'delivered', payload: { type: 'webhook.test' } }] });

    const removed = await t.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${webhook.id}`, headers: authHeader(admin.userToken) });
    expect(removed.statusCode).toBe(200);
    const gone = await t.app.inject({ method: 'GET', url: `/api/v1/webhooks/${webhook.id}`, headers: authHeader(admin.userToken) });
    expect(gone.statusCode).toBe(404);

    const audit = await t.db.selectFrom('audit_logs').select(['event_type', 'metadata']).where('resource_id', '=', webhook.id).orderBy('created_at').execute();
    expect(audit.map((row) => row.event_type)).toEqual(['create-webhook', 'webhook-test', 'update-webhook', 'delete-webhook']);
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it('checks project permissions: members read, viewers and other organizations do not', async () => {
    const created = await create({ webhookUrl: receiver.url });
    const webhookId = (created.json() as { webhook: WebhookBody }).webhook.id;
    const member = await createUser(t, admin.userToken, { projectId: project.id, projectRole: 'member' });
    const viewer = await createUser(t, admin.userToken, { projectId: project.id, projectRole: 'viewer' });
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/webhooks?projectId=${project.id}`, headers: authHeader(member.token) })).statusCode).toBe(200);
    expect((await create({ webhookUrl: receiver.url }, member.token)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${webhookId}`, headers: authHeader(member.token) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/webhooks?projectId=${project.id}`, headers: authHeader(viewer.token) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/webhooks?projectId=${project.id}` })).statusCode).toBe(401);
  });

  it('refuses loopback targets on an instance that does not allow private targets', async () => {
    const strict = await startTestApp();
    try {
      const strictAdmin = await bootstrap(strict);
      const strictProject = await createProject(strict, strictAdmin.userToken);
      for (const webhookUrl of [receiver.url, 'http://localhost:8080/hook', 'http://10.0.0.8/hook']) {
        const response = await strict.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: authHeader(strictAdmin.userToken), payload: { projectId: strictProject.id, webhookUrl } });
        expect(response.statusCode, webhookUrl).toBe(400);
        expect(response.body).toMatch(/REKEY_WEBHOOK_ALLOW_PRIVATE_TARGETS/);
      }
    } finally {
      await strict.close();
    }
  });
});
