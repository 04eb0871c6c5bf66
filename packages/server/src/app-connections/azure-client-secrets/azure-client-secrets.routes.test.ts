import type { RunningEmulator } from 'entra-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bootstrapped, bootstrap, createMachineIdentity, createUser } from '../../test-support/fixtures.js';
import { startTestApp, type TestApp } from '../../test-support/test-app.js';
import {
  type AzureTenantFixture,
  emulatorEnv,
  oauthRedirectUri,
  seedAzureTenant,
  selfSignedCertificate,
  startAzureEmulator,
  tokenRequests,
} from '../test-support/azure-fixtures.js';
import { connectionCount, connectionsPath, consentInBrowser, createClient } from '../test-support/http.js';
import { openCredentials } from './azure-credentials.js';

/** The connection routes over HTTP, against the Entra ID + Graph emulator with Microsoft's own libraries. */
describe('Azure Client Secrets app connections', () => {
  let emulator: RunningEmulator;
  let tenant: AzureTenantFixture;
  let t: TestApp;
  let admin: Bootstrapped;
  let http: ReturnType<typeof createClient>;
  const certificate = selfSignedCertificate();
  const created = { secret: '', certificate: '', oauth: '' };

  beforeAll(async () => {
    emulator = await startAzureEmulator();
    tenant = seedAzureTenant(emulator, { extraTargets: 3 });
    t = await startTestApp({ env: emulatorEnv(emulator, { clientId: tenant.oauthApp.appId, clientSecret: tenant.oauthApp.secret }) });
    admin = await bootstrap(t);
    http = createClient(t);
  });
  afterAll(async () => {
    await t?.close();
    await emulator?.close();
  });

  it('lists the connection types with their methods and Rekey’s OAuth client id', async () => {
    const reply = await http.get('/api/v1/app-connections/options', admin.userToken);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      appConnectionOptions: [
        { name: 'Azure Client Secrets', app: 'azure-client-secrets', methods: ['client-secret', 'certificate', 'oauth'], oauthClientId: tenant.oauthApp.appId },
      ],
    });
  });

  it('creates a client-secret connection after proving it against Entra ID and Graph, and never returns the secret', async () => {
    const before = emulator.admin.requestLog().length;
    const reply = await http.post(connectionsPath, admin.userToken, {
      name: 'contoso-secret',
      description: 'Rotates the payment apps',
      method: 'client-secret',
      credentials: { tenantId: tenant.tenantId, clientId: tenant.connector.appId, clientSecret: tenant.connector.secret },
    });
    expect(reply.status, reply.text).toBe(200);
    const connection = reply.body.appConnection as Record<string, unknown>;
    expect(connection).toMatchObject({
      name: 'contoso-secret',
      description: 'Rotates the payment apps',
      app: 'azure-client-secrets',
      method: 'client-secret',
      credentials: { tenantId: tenant.tenantId, clientId: tenant.connector.appId },
      version: 1,
      orgId: admin.orgId,
    });
    expect(Object.keys(connection.credentials as object).sort()).toEqual(['clientId', 'tenantId']);
    created.secret = String(connection.id);
    // The validation really happened: a client-credentials token, then one page of applications.
    const calls = emulator.admin.requestLog().slice(before);
    expect(calls.filter((entry) => entry.route === 'token').map((entry) => (entry.body as Record<string, string>).grant_type)).toEqual(['client_credentials']);
    expect(calls.find((entry) => entry.route === 'listApplications')?.query).toMatchObject({ $top: '1' });
    // Stored encrypted with the organization's key, bound to the row.
    const row = await t.db.selectFrom('app_connections').selectAll().where('id', '=', created.secret).executeTakeFirstOrThrow();
    expect(row.encrypted_credentials.includes(Buffer.from(tenant.connector.secret))).toBe(false);
    expect(await openCredentials(t.keyring, admin.orgId, row.id, row.encrypted_credentials)).toMatchObject({ clientSecret: tenant.connector.secret });
  });

  it('creates a certificate connection (client assertion signed with the uploaded key)', async () => {
    const app = emulator.admin.createApplication(tenant.tenantId, { displayName: 'Cert Connector', roles: ['Application.ReadWrite.OwnedBy'] });
    emulator.admin.addKeyCredential(tenant.tenantId, app.appId, { certificatePem: certificate.certificatePem, displayName: 'rekey' });
    const before = emulator.admin.requestLog().length;
    const reply = await http.post(connectionsPath, admin.userToken, {
      name: 'contoso-certificate',
      method: 'certificate',
      credentials: { tenantId: tenant.tenantId, clientId: app.appId, certificateBody: certificate.certificatePem, privateKey: certificate.privateKeyPem },
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.appConnection).toMatchObject({ method: 'certificate', credentials: { tenantId: tenant.tenantId, clientId: app.appId }, description: null });
    const token = emulator.admin.requestLog().slice(before).find((entry) => entry.route === 'token');
    expect(token?.body).toMatchObject({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' });
    expect(token?.status).toBe(200);
    created.certificate = String((reply.body.appConnection as { id: string }).id);
  });

  it('creates an OAuth connection: authorize URL → consent → code → create, and stores only a refresh token', async () => {
    const start = await http.get(`${connectionsPath}/oauth/authorize-url?tenantId=${tenant.tenantId}`, admin.userToken);
    expect(start.status, start.text).toBe(200);
    const url = new URL(String(start.body.url));
    expect(`${url.origin}${url.pathname}`).toBe(`${emulator.origin}/${tenant.tenantId}/oauth2/v2.0/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: tenant.oauthApp.appId,
      redirect_uri: oauthRedirectUri,
      response_type: 'code',
      code_challenge_method: 'S256',
      state: start.body.state,
    });
    expect(start.body.redirectUri).toBe(oauthRedirectUri);

    const consent = await consentInBrowser(String(start.body.url));
    expect(`${consent.callback.origin}${consent.callback.pathname}`).toBe(oauthRedirectUri);
    const reply = await http.post(connectionsPath, admin.userToken, {
      name: 'contoso-oauth',
      method: 'oauth',
      credentials: { tenantId: tenant.tenantId, code: consent.code, state: consent.state },
    });
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.appConnection).toMatchObject({ method: 'oauth', credentials: { tenantId: tenant.tenantId } });
    expect(Object.keys((reply.body.appConnection as { credentials: object }).credentials)).toEqual(['tenantId']);
    created.oauth = String((reply.body.appConnection as { id: string }).id);
    const row = await t.db.selectFrom('app_connections').selectAll().where('id', '=', created.oauth).executeTakeFirstOrThrow();
    const stored = await openCredentials(t.keyring, admin.orgId, row.id, row.encrypted_credentials);
    expect(Object.keys(stored).sort()).toEqual(['method', 'refreshToken', 'tenantId']);

    // The code was redeemed once, with the PKCE verifier sealed in the state: replaying it fails cleanly.
    const replay = await http.post(connectionsPath, admin.userToken, {
      name: 'contoso-oauth-replay',
      method: 'oauth',
      credentials: { tenantId: tenant.tenantId, code: consent.code, state: consent.state },
    });
    expect(replay.status).toBe(400);
    expect(replay.body.message).toMatch(/authorization code was already used \(AADSTS54005\)/);
  });

  it('reads connections by id and name, lists them (per app and all), and keeps secrets out of every shape', async () => {
    const byId = await http.get(`${connectionsPath}/${created.secret}`, admin.userToken);
    expect(byId.status).toBe(200);
    const byName = await http.get(`${connectionsPath}/connection-name/contoso-secret`, admin.userToken);
    expect(byName.body).toEqual(byId.body);
    const azure = await http.get(connectionsPath, admin.userToken);
    const all = await http.get('/api/v1/app-connections', admin.adminIdentityToken);
    for (const list of [azure, all]) {
      expect(list.status).toBe(200);
      expect((list.body.appConnections as { name: string }[]).map((c) => c.name)).toEqual(['contoso-certificate', 'contoso-oauth', 'contoso-secret']);
    }
    const missing = await http.get(`${connectionsPath}/00000000-0000-4000-8000-000000000000`, admin.userToken);
    expect(missing.status).toBe(404);
    expect((await http.get(`${connectionsPath}/connection-name/nope`, admin.userToken)).status).toBe(404);
  });

  it('lists the tenant’s applications for the rotation wizard, sorted, sharing the validation token', async () => {
    const before = tokenRequests(emulator);
    for (let index = 0; index < 3; index += 1) {
      const reply = await http.get(`${connectionsPath}/${created.secret}/clients`, admin.userToken);
      expect(reply.status, reply.text).toBe(200);
      const clients = reply.body.clients as { id: string; name: string; appId: string }[];
      expect(clients.find((client) => client.appId === tenant.targets[0]?.appId)).toEqual({
        id: tenant.targets[0]?.objectId,
        name: tenant.targets[0]?.displayName,
        appId: tenant.targets[0]?.appId,
      });
      expect(clients.map((client) => client.name)).toEqual([...clients.map((client) => client.name)].sort((a, b) => a.localeCompare(b)));
    }
    expect(tokenRequests(emulator) - before).toBe(0);
  });

  it('updates name and description without touching Azure, and re-validates new credentials (version bump)', async () => {
    const before = emulator.admin.requestLog().length;
    const renamed = await http.patch(`${connectionsPath}/${created.secret}`, admin.userToken, { name: 'contoso-main', description: null });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body.appConnection).toMatchObject({ name: 'contoso-main', description: null, version: 1 });
    expect(emulator.admin.requestLog().length).toBe(before);

    const secret = emulator.admin.addPasswordCredential(tenant.tenantId, tenant.connector.appId, { displayName: 'second' });
    const updated = await http.patch(`${connectionsPath}/${created.secret}`, admin.userToken, {
      credentials: { tenantId: tenant.tenantId, clientId: tenant.connector.appId, clientSecret: secret.secretText },
    });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body.appConnection).toMatchObject({ version: 2, credentials: { clientId: tenant.connector.appId } });

    const wrongShape = await http.patch(`${connectionsPath}/${created.secret}`, admin.userToken, {
      credentials: { tenantId: tenant.tenantId, code: 'x', state: 'y' },
    });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.body.message).toMatch(/do not match the connection's method \(client-secret\)/);
    const methodChange = await http.patch(`${connectionsPath}/${created.secret}`, admin.userToken, { method: 'certificate' });
    expect(methodChange.status).toBe(400);
    expect(methodChange.body.message).toMatch(/method of a connection cannot change/);
    const taken = await http.patch(`${connectionsPath}/${created.secret}`, admin.userToken, { name: 'contoso-oauth' });
    expect(taken.status).toBe(409);
  });

  it('enforces org permissions: members read, only admins change or use; machine identities with permission list clients', async () => {
    const member = await createUser(t, admin.userToken, { orgRole: 'member' });
    const noAccess = await createUser(t, admin.userToken, { orgRole: 'no-access' });
    const identity = await createMachineIdentity(t, admin.userToken, { orgRole: 'admin' });
    expect((await http.get(connectionsPath, member.token)).status).toBe(200);
    expect((await http.get(connectionsPath, noAccess.token)).status).toBe(403);
    expect((await http.get(connectionsPath, undefined)).status).toBe(401);
    const createByMember = await http.post(connectionsPath, member.token, {
      name: 'by-member',
      method: 'client-secret',
      credentials: { tenantId: tenant.tenantId, clientId: tenant.connector.appId, clientSecret: tenant.connector.secret },
    });
    expect(createByMember.status).toBe(403);
    expect((await http.patch(`${connectionsPath}/${created.certificate}`, member.token, { description: 'x' })).status).toBe(403);
    expect((await http.delete(`${connectionsPath}/${created.certificate}`, member.token)).status).toBe(403);
    expect((await http.get(`${connectionsPath}/${created.secret}/clients`, member.token)).status).toBe(403);
    expect((await http.get(`${connectionsPath}/oauth/authorize-url?tenantId=${tenant.tenantId}`, member.token)).status).toBe(403);
    const clients = await http.get(`${connectionsPath}/${created.secret}/clients`, identity.accessToken);
    expect(clients.status, clients.text).toBe(200);
    const available = await http.get(`${connectionsPath}/available`, identity.accessToken);
    expect((available.body.appConnections as unknown[]).length).toBe(3);
  });

  it('deletes a connection and returns it', async () => {
    const reply = await http.delete(`${connectionsPath}/${created.certificate}`, admin.userToken);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.appConnection).toMatchObject({ id: created.certificate, name: 'contoso-certificate' });
    expect((await http.get(`${connectionsPath}/${created.certificate}`, admin.userToken)).status).toBe(404);
  });

  it('audits every change (and, batched, every read) without credentials', async () => {
    const load = () => t.db.selectFrom('audit_logs').selectAll().where('event_type', 'like', '%app-connection%').orderBy('created_at').execute();
    let rows = await load();
    // Read events are queued and written in batches about once a second.
    for (let waited = 0; waited < 5000 && !rows.some((row) => row.event_type === 'get-app-connection'); waited += 250) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      rows = await load();
    }
    const byType = (type: string) => rows.filter((row) => row.event_type === type).map((row) => row.metadata);
    expect(byType('create-app-connection')).toContainEqual({ name: 'contoso-secret', method: 'client-secret', app: 'azure-client-secrets', connectionId: created.secret });
    expect(byType('update-app-connection')).toContainEqual({ name: 'contoso-main', description: null, credentialsUpdated: true, connectionId: created.secret });
    expect(byType('update-app-connection')).toContainEqual({ name: 'contoso-main', description: null, credentialsUpdated: false, connectionId: created.secret });
    expect(byType('delete-app-connection')).toHaveLength(1);
    // Identical reads from one client share an event that counts them (`reads`).
    expect(byType('get-app-connection')).toContainEqual(expect.objectContaining({ connectionId: created.secret, name: 'contoso-secret', app: 'azure-client-secrets' }));
    const reads = byType('get-app-connections').reduce((sum: number, metadata) => sum + ((metadata as { reads?: number }).reads ?? 1), 0);
    expect(reads).toBeGreaterThanOrEqual(2);
    const creation = rows.find((row) => row.event_type === 'create-app-connection');
    expect(creation).toMatchObject({ org_id: admin.orgId, actor_type: 'user', actor_id: admin.adminUserId, resource_id: created.secret });
  });

  it('never shows a secret, private key or token in a response, a log line or an audit row', async () => {
    const audit = JSON.stringify(await t.db.selectFrom('audit_logs').selectAll().execute());
    const oauthRow = await t.db.selectFrom('app_connections').selectAll().where('id', '=', created.oauth).executeTakeFirstOrThrow();
    const oauth = await openCredentials(t.keyring, admin.orgId, oauthRow.id, oauthRow.encrypted_credentials);
    const secrets = [
      tenant.connector.secret,
      tenant.oauthApp.secret,
      certificate.privateKeyPem.split('\n')[1] ?? '',
      oauth.method === 'oauth' ? oauth.refreshToken : 'missing',
    ];
    const haystacks = { responses: http.seen.join('\n'), logs: t.logs.join('\n'), audit };
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(10);
      for (const [where, text] of Object.entries(haystacks)) expect(text.includes(secret), `${where} contain a secret`).toBe(false);
    }
    expect(await connectionCount(t)).toBe(2);
  });
});
