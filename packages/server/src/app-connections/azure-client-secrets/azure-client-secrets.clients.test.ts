import type { RunningEmulator } from 'entra-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bootstrapped, bootstrap } from '../../test-support/fixtures.js';
import { startTestApp, type TestApp } from '../../test-support/test-app.js';
import {
  type AzureTenantFixture,
  emulatorEnv,
  seedAzureTenant,
  selfSignedCertificate,
  startAzureEmulator,
  tokenRequests,
} from '../test-support/azure-fixtures.js';
import { connectionsPath, createClient } from '../test-support/http.js';

/** Graph's page size for applications is at most 999: this tenant needs three pages. */
const extraTargets = 2100;

describe('GET /:connectionId/clients', () => {
  let emulator: RunningEmulator;
  let tenant: AzureTenantFixture;
  let t: TestApp;
  let admin: Bootstrapped;
  let http: ReturnType<typeof createClient>;
  const ids = { secret: '', certificate: '' };
  let tokensAtStart = 0;

  beforeAll(async () => {
    emulator = await startAzureEmulator();
    tenant = seedAzureTenant(emulator, { extraTargets });
    const certificate = selfSignedCertificate();
    const certApp = emulator.admin.createApplication(tenant.tenantId, { displayName: 'Cert Connector', roles: ['Application.Read.All'] });
    emulator.admin.addKeyCredential(tenant.tenantId, certApp.appId, { certificatePem: certificate.certificatePem });
    t = await startTestApp({ env: emulatorEnv(emulator) });
    admin = await bootstrap(t);
    http = createClient(t);
    tokensAtStart = tokenRequests(emulator);
    const secret = await http.post(connectionsPath, admin.userToken, {
      name: 'big-tenant',
      method: 'client-secret',
      credentials: { tenantId: tenant.tenantId, clientId: tenant.connector.appId, clientSecret: tenant.connector.secret },
    });
    const cert = await http.post(connectionsPath, admin.userToken, {
      name: 'big-tenant-cert',
      method: 'certificate',
      credentials: { tenantId: tenant.tenantId, clientId: certApp.appId, certificateBody: certificate.certificatePem, privateKey: certificate.privateKeyPem },
    });
    expect(secret.status, secret.text).toBe(200);
    expect(cert.status, cert.text).toBe(200);
    ids.secret = (secret.body.appConnection as { id: string }).id;
    ids.certificate = (cert.body.appConnection as { id: string }).id;
  });
  afterAll(async () => {
    await t?.close();
    await emulator?.close();
  });

  it('returns every application of the tenant, following @odata.nextLink across pages', async () => {
    const before = emulator.admin.requestLog().length;
    const reply = await http.get(`${connectionsPath}/${ids.secret}/clients`, admin.userToken);
    expect(reply.status, reply.text).toBe(200);
    const clients = reply.body.clients as { id: string; name: string; appId: string }[];
    const inTenant = emulator.admin.snapshot().find((view) => view.id === tenant.tenantId)?.applications ?? [];
    expect(clients).toHaveLength(inTenant.length);
    expect(inTenant.length).toBeGreaterThan(2 * 999);
    expect(new Set(clients.map((client) => client.id)).size).toBe(clients.length);
    expect(clients.map((client) => client.appId).sort()).toEqual(inTenant.map((app) => app.appId).sort());

    const pages = emulator.admin.requestLog().slice(before).filter((entry) => entry.route === 'listApplications');
    expect(pages).toHaveLength(3);
    expect(pages[0]?.query).toMatchObject({ $top: '999' });
    expect(pages[1]?.query.$skiptoken).toBeTruthy();
    expect(pages.every((page) => page.status === 200 && page.hasAuthorization)).toBe(true);
  });

  it('costs one token request per connection for creation and every Graph call after it', async () => {
    for (let index = 0; index < 3; index += 1) {
      expect((await http.get(`${connectionsPath}/${ids.secret}/clients`, admin.userToken)).status).toBe(200);
      expect((await http.get(`${connectionsPath}/${ids.certificate}/clients`, admin.userToken)).status).toBe(200);
    }
    // Two connections created (one token each), then 7 listings of 3 pages each: still two tokens.
    expect(tokenRequests(emulator) - tokensAtStart).toBe(2);
  });

  it('after a restart, gets one token per connection from the stored credentials and reuses it', async () => {
    const restarted = await startTestApp({ env: emulatorEnv(emulator), databaseUrl: String(t.config.databaseUrl), rootKey: t.rootKey });
    try {
      const again = createClient(restarted);
      const before = tokenRequests(emulator);
      const replies = await Promise.all(
        [ids.secret, ids.certificate, ids.secret, ids.certificate].map((id) => again.get(`${connectionsPath}/${id}/clients`, admin.userToken)),
      );
      expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 200]);
      expect(tokenRequests(emulator) - before).toBe(2);
    } finally {
      await restarted.close();
    }
  });

  it('answers 400 with the reason when the connection’s credentials stopped working', async () => {
    const restarted = await startTestApp({ env: emulatorEnv(emulator), databaseUrl: String(t.config.databaseUrl), rootKey: t.rootKey });
    try {
      const password = emulator.admin.listPasswordCredentials(tenant.tenantId, tenant.connector.appId)[0];
      emulator.admin.removePasswordCredential(tenant.tenantId, tenant.connector.appId, password?.keyId ?? '');
      const reply = await createClient(restarted).get(`${connectionsPath}/${ids.secret}/clients`, admin.userToken);
      expect(reply.status).toBe(400);
      expect(reply.body.message).toMatch(/Could not list the applications of the tenant: .*AADSTS7000215/);
    } finally {
      await restarted.close();
    }
  });
});
