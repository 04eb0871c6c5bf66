import { recordingAuditLog } from '../../test-support/recording-audit.js';
import { randomUUID } from 'node:crypto';
import type { RunningEmulator } from 'entra-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../auth/actor.js';
import type { AuditEvent, AuditLog } from '../../audit/audit.types.js';
import { systemClock } from '../../lib/clock.js';
import { randomIds } from '../../lib/ids.js';
import { startTestApp, type TestApp } from '../../test-support/test-app.js';
import { type AppConnectionsService, createAppConnectionsService } from '../app-connections.service.js';
import { type AzureTenantFixture, emulatorEnv, seedAzureTenant, startAzureEmulator, tokenRequests } from '../test-support/azure-fixtures.js';
import { azureSettingsFromConfig } from './azure-connection.js';
import { openCredentials } from './azure-credentials.js';

/**
 * The API the rotation engine uses: `resolveAzureConnection` against the emulator with the real Microsoft
 * libraries. (The HTTP routes are covered in azure-client-secrets.routes.test.ts.)
 */
describe('resolveAzureConnection', () => {
  let emulator: RunningEmulator;
  let t: TestApp;
  let tenant: AzureTenantFixture;
  let service: AppConnectionsService;
  const events: AuditEvent[] = [];
  const audit: AuditLog = recordingAuditLog(events);
  const orgs = { a: randomUUID(), b: randomUUID() };
  const actorIn = (orgId: string): Actor => ({ type: 'system', orgId, reason: 'test' });
  const caller = (orgId: string) => ({ actor: actorIn(orgId), origin: { ip: null, userAgent: null } });

  beforeAll(async () => {
    emulator = await startAzureEmulator();
    tenant = seedAzureTenant(emulator, { extraTargets: 5 });
    t = await startTestApp({ env: emulatorEnv(emulator, { clientId: tenant.oauthApp.appId, clientSecret: tenant.oauthApp.secret }) });
    for (const [slug, id] of Object.entries(orgs)) await t.db.insertInto('organizations').values({ id, name: `Org ${slug}`, slug: `org-${slug}-${id.slice(0, 8)}` }).execute();
    service = createAppConnectionsService({
      db: t.db,
      keyring: t.keyring,
      clock: systemClock,
      ids: randomIds,
      audit,
      logger: t.app.log,
      azure: azureSettingsFromConfig(t.config),
    });
  });
  afterAll(async () => {
    await t?.close();
    await emulator?.close();
  });

  async function createClientSecretConnection(name: string) {
    return service.createAzure(caller(orgs.a), {
      name,
      description: null,
      method: 'client-secret',
      credentials: { tenantId: tenant.tenantId, clientId: tenant.connector.appId, clientSecret: tenant.connector.secret },
    });
  }

  it('shares one token across many Graph calls and across resolves of the same connection', async () => {
    const connection = await createClientSecretConnection('shared-token');
    const before = tokenRequests(emulator);
    const handle = await service.resolveAzureConnection(orgs.a, connection.id);
    expect(handle).toMatchObject({ connectionId: connection.id, tenantId: tenant.tenantId, endpoints: { graphUrl: emulator.origin } });
    for (let index = 0; index < 5; index += 1) {
      const again = await service.resolveAzureConnection(orgs.a, connection.id);
      await again.graph.listApplications();
      await again.graph.getApplication(tenant.targets[0]?.objectId ?? '');
    }
    // The token that validated the connection at creation is still good: no new token request at all.
    expect(tokenRequests(emulator) - before).toBe(0);
    const graphCalls = emulator.admin.requestLog().filter((entry) => entry.route === 'getApplication' || entry.route === 'listApplications');
    expect(graphCalls.length).toBeGreaterThanOrEqual(10);
  });

  it('gets one token for a connection loaded from the database (e.g. after a restart), then reuses it', async () => {
    const connection = await createClientSecretConnection('after-restart');
    const fresh = createAppConnectionsService({
      db: t.db,
      keyring: t.keyring,
      clock: systemClock,
      ids: randomIds,
      audit,
      logger: t.app.log,
      azure: azureSettingsFromConfig(t.config),
    });
    const before = tokenRequests(emulator);
    await Promise.all(Array.from({ length: 4 }, async () => (await fresh.resolveAzureConnection(orgs.a, connection.id)).graph.probe()));
    await (await fresh.resolveAzureConnection(orgs.a, connection.id)).graph.listApplications();
    expect(tokenRequests(emulator) - before).toBe(1);
  });

  it('is a 404 for a connection of another organization or one that does not exist', async () => {
    const connection = await createClientSecretConnection('org-a-only');
    await expect(service.resolveAzureConnection(orgs.b, connection.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(service.resolveAzureConnection(orgs.a, randomUUID())).rejects.toMatchObject({ code: 'not_found' });
  });

  it('builds a new token source when the credentials change (version bump)', async () => {
    const connection = await createClientSecretConnection('versioned');
    const first = await service.resolveAzureConnection(orgs.a, connection.id);
    await service.updateAzure(caller(orgs.a), connection.id, {
      description: undefined,
      credentials: { tenantId: tenant.tenantId, clientId: tenant.connector.appId, clientSecret: tenant.connector.secret },
    });
    const second = await service.resolveAzureConnection(orgs.a, connection.id);
    expect(second).not.toBe(first);
    expect((await service.get(caller(orgs.a), { id: connection.id })).version).toBe(2);
  });

  it('refreshes an OAuth connection’s token and persists the new refresh token encrypted', async () => {
    const start = await service.oauthAuthorizeUrl(actorIn(orgs.a), tenant.tenantId);
    const redirect = await fetch(start.url, { redirect: 'manual' });
    const location = new URL(redirect.headers.get('location') ?? '');
    const code = location.searchParams.get('code') ?? '';
    expect(location.searchParams.get('state')).toBe(start.state);
    const connection = await service.createAzure(caller(orgs.a), {
      name: 'oauth-refresh',
      description: null,
      method: 'oauth',
      credentials: { tenantId: tenant.tenantId, code, state: start.state },
    });
    const row = await t.db.selectFrom('app_connections').selectAll().where('id', '=', connection.id).executeTakeFirstOrThrow();
    const stored = await openCredentials(t.keyring, orgs.a, connection.id, row.encrypted_credentials);

    // A new process has no access token: it renews with the stored refresh token, once, even for tokens
    // that live less than the five-minute margin.
    emulator.admin.configure({ tokenLifetimeSeconds: 120 });
    try {
      const fresh = createAppConnectionsService({
        db: t.db,
        keyring: t.keyring,
        clock: systemClock,
        ids: randomIds,
        audit,
        logger: t.app.log,
        azure: azureSettingsFromConfig(t.config),
      });
      const before = emulator.admin.requestLog().length;
      const handle = await fresh.resolveAzureConnection(orgs.a, connection.id);
      await handle.graph.probe();
      await handle.graph.listApplications();
      await (await fresh.resolveAzureConnection(orgs.a, connection.id)).graph.probe();
      const grants = emulator.admin
        .requestLog()
        .slice(before)
        .filter((entry) => entry.route === 'token')
        .map((entry) => (entry.body as Record<string, string>).grant_type);
      expect(grants).toEqual(['refresh_token']);
    } finally {
      emulator.admin.configure({ tokenLifetimeSeconds: 3599 });
    }
    const after = await t.db.selectFrom('app_connections').selectAll().where('id', '=', connection.id).executeTakeFirstOrThrow();
    const refreshed = await openCredentials(t.keyring, orgs.a, connection.id, after.encrypted_credentials);
    if (refreshed.method !== 'oauth' || stored.method !== 'oauth') throw new Error('expected OAuth credentials');
    // A new refresh token, stored encrypted, without a version bump (the version counts people's changes).
    expect(refreshed.refreshToken).not.toBe(stored.refreshToken);
    expect(after.encrypted_credentials.includes(Buffer.from(refreshed.refreshToken))).toBe(false);
    expect(after.version).toBe(row.version);
  });
});
