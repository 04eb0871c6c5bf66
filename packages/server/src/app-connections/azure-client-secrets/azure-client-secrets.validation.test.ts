import { randomUUID } from 'node:crypto';
import type { RunningEmulator } from 'entra-emulator';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bootstrapped, bootstrap, createProject } from '../../test-support/fixtures.js';
import { sentinelValue } from '../../test-support/sentinel.js';
import { startTestApp, type TestApp } from '../../test-support/test-app.js';
import { type AzureTenantFixture, emulatorEnv, seedAzureTenant, selfSignedCertificate, startAzureEmulator } from '../test-support/azure-fixtures.js';
import { connectionCount, connectionsPath, createClient } from '../test-support/http.js';

/**
 * Everything that must be refused: credentials Azure rejects (400 with Microsoft's problem turned into an
 * action, nothing stored) and malformed input (4xx before any call to Azure). This app has no OAuth config.
 */
describe('Azure connection validation', () => {
  let emulator: RunningEmulator;
  let tenant: AzureTenantFixture;
  let t: TestApp;
  let admin: Bootstrapped;
  let http: ReturnType<typeof createClient>;
  const wrongSecret = sentinelValue('wrong-client-secret');

  beforeAll(async () => {
    emulator = await startAzureEmulator();
    tenant = seedAzureTenant(emulator, { extraTargets: 1 });
    t = await startTestApp({ env: emulatorEnv(emulator) });
    admin = await bootstrap(t);
    http = createClient(t);
  });
  afterAll(async () => {
    await t?.close();
    await emulator?.close();
  });

  const clientSecretBody = (credentials: Record<string, unknown>, name = `conn-${randomUUID().slice(0, 8)}`) => ({
    name,
    method: 'client-secret',
    credentials: { tenantId: tenant.tenantId, clientId: tenant.connector.appId, clientSecret: tenant.connector.secret, ...credentials },
  });

  async function expectRefused(body: unknown, status: number, message: RegExp): Promise<void> {
    const reply = await http.post(connectionsPath, admin.userToken, body);
    expect(reply.status, reply.text).toBe(status);
    expect(String(reply.body.message)).toMatch(message);
    expect(await connectionCount(t)).toBe(0);
  }

  describe('credentials Azure rejects → 400 with an action, nothing stored', () => {
    it('wrong client secret', async () => {
      await expectRefused(clientSecretBody({ clientSecret: wrongSecret }), 400, /the client secret is wrong or expired \(AADSTS7000215\).*Value \(not its Secret ID\)/);
    });

    it('expired client secret', async () => {
      const expired = emulator.admin.addPasswordCredential(tenant.tenantId, tenant.connector.appId, {
        startDateTime: new Date(Date.now() - 10 * 86_400_000).toISOString(),
        endDateTime: new Date(Date.now() - 86_400_000).toISOString(),
      });
      await expectRefused(clientSecretBody({ clientSecret: expired.secretText }), 400, /expired \(AADSTS7000222\).*Create a new client secret/);
    });

    it('unknown tenant', async () => {
      await expectRefused(clientSecretBody({ tenantId: randomUUID() }), 400, /the tenant was not found.*Directory \(tenant\) ID/);
    });

    it('application not found in the tenant', async () => {
      await expectRefused(clientSecretBody({ clientId: randomUUID() }), 400, /client\) ID was not found in the tenant \(AADSTS700016\)/);
    });

    it('app without an Application.* Graph permission', async () => {
      await expectRefused(
        clientSecretBody({ clientId: tenant.noRoles.appId, clientSecret: tenant.noRoles.secret }),
        400,
        /lacks permission.*Application\.ReadWrite\.OwnedBy.*Application\.ReadWrite\.All/,
      );
    });

    it('certificate that is not registered on the app, and a key that does not match the certificate', async () => {
      const certificate = selfSignedCertificate();
      const body = {
        name: 'cert',
        method: 'certificate',
        credentials: { tenantId: tenant.tenantId, clientId: tenant.connector.appId, certificateBody: certificate.certificatePem, privateKey: certificate.privateKeyPem },
      };
      await expectRefused(body, 400, /AADSTS700027.*Upload this certificate to the app registration/);
      const before = emulator.admin.requestLog().length;
      const other = selfSignedCertificate();
      await expectRefused({ ...body, credentials: { ...body.credentials, privateKey: other.privateKeyPem } }, 400, /does not belong/);
      expect(emulator.admin.requestLog().length).toBe(before);
    });

    it('OAuth when the server has no OAuth app configured', async () => {
      await expectRefused(
        { name: 'oauth', method: 'oauth', credentials: { tenantId: tenant.tenantId, code: 'code', state: 'state' } },
        400,
        /REKEY_AZURE_OAUTH_CLIENT_ID/,
      );
      expect((await http.get(`${connectionsPath}/oauth/authorize-url?tenantId=${tenant.tenantId}`, admin.userToken)).status).toBe(400);
    });

    it('Microsoft Graph failing (500) is a 502 the caller may retry', async () => {
      const rule = emulator.admin.addFault({ match: { route: 'listApplications' }, action: { type: 'serverError', status: 500 }, times: 1 });
      try {
        await expectRefused(clientSecretBody({}), 502, /Microsoft Graph answered 500/);
      } finally {
        emulator.admin.removeFault(rule);
      }
    });
  });

  describe('bad input → 4xx before any call to Azure, nothing stored', () => {
    const cases: Array<[string, () => unknown, number]> = [
      ['missing credentials', () => ({ name: 'x', method: 'client-secret' }), 400],
      ['missing name', () => ({ method: 'client-secret', credentials: clientSecretBody({}).credentials }), 400],
      ['missing client secret', () => ({ ...clientSecretBody({}), credentials: { tenantId: tenant.tenantId, clientId: tenant.connector.appId } }), 400],
      ['non-UUID tenant', () => clientSecretBody({ tenantId: 'contoso.onmicrosoft.com/../../evil' }), 400],
      ['non-UUID client id', () => clientSecretBody({ clientId: 'my-app' }), 400],
      ['unknown method', () => ({ ...clientSecretBody({}), method: 'password' }), 400],
      ['name that is not a slug', () => clientSecretBody({}, 'My Connection'), 400],
      ['description over 256 characters', () => ({ ...clientSecretBody({}), description: 'd'.repeat(257) }), 400],
      ['empty client secret', () => clientSecretBody({ clientSecret: '   ' }), 400],
    ];
    it.each(cases)('%s', async (_label, body, status) => {
      const before = emulator.admin.requestLog().length;
      const reply = await http.post(connectionsPath, admin.userToken, body());
      expect(reply.status, reply.text).toBe(status);
      expect(reply.body.code).toBe('bad_request');
      expect(emulator.admin.requestLog().length).toBe(before);
      expect(await connectionCount(t)).toBe(0);
    });

    it('a 10 MB body is refused with 413, and malformed JSON with 400', async () => {
      const huge = JSON.stringify({ ...clientSecretBody({}), description: 'x'.repeat(10 * 1024 * 1024) });
      const tooLarge = await http.post(connectionsPath, admin.userToken, huge, { 'content-type': 'application/json' });
      expect(tooLarge.status).toBe(413);
      const malformed = await http.post(connectionsPath, admin.userToken, '{"name": "x", ', { 'content-type': 'application/json' });
      expect(malformed.status).toBe(400);
      expect(await connectionCount(t)).toBe(0);
    });

    it('a duplicate name is a 409 without calling Azure', async () => {
      const first = await http.post(connectionsPath, admin.userToken, clientSecretBody({}, 'only-once'));
      expect(first.status, first.text).toBe(200);
      const before = emulator.admin.requestLog().length;
      const second = await http.post(connectionsPath, admin.userToken, clientSecretBody({}, 'only-once'));
      expect(second.status).toBe(409);
      expect(emulator.admin.requestLog().length).toBe(before);
      await http.delete(`${connectionsPath}/${(first.body.appConnection as { id: string }).id}`, admin.userToken);
    });
  });

  it('refuses to delete a connection while a secret rotation uses it, naming the rotation', async () => {
    const created = await http.post(connectionsPath, admin.userToken, clientSecretBody({}, 'in-use'));
    const connectionId = (created.body.appConnection as { id: string }).id;
    const project = await createProject(t, admin.userToken);
    const environment = project.environments[0];
    if (!environment) throw new Error('the project has no environment');
    // A fixture row in the rotation engine's table: only the columns the table requires.
    const rotationId = randomUUID();
    await sql`insert into secret_rotations (id, org_id, project_id, environment_id, secret_path, name, type, connection_id, parameters,
        secrets_mapping, rotation_interval, rotate_at_hours, rotate_at_minutes, status)
      values (${rotationId}, ${admin.orgId}, ${project.id}, ${environment.id}, '/', 'payments-api-secret', 'azure-client-secret', ${connectionId},
        '{}'::jsonb, '{}'::jsonb, 30, 0, 0, 'success')`.execute(t.db);

    const refused = await http.delete(`${connectionsPath}/${connectionId}`, admin.userToken);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toMatch(/used by 1 secret rotation \("payments-api-secret"\)/);
    expect(refused.body.details).toEqual([{ path: `secretRotations.${rotationId}`, message: 'payments-api-secret' }]);
    expect((await http.get(`${connectionsPath}/${connectionId}`, admin.userToken)).status).toBe(200);

    await sql`delete from secret_rotations where id = ${rotationId}`.execute(t.db);
    expect((await http.delete(`${connectionsPath}/${connectionId}`, admin.userToken)).status).toBe(200);
  });

  it('echoes no secret in any response or log line', () => {
    for (const secret of [wrongSecret, tenant.connector.secret, tenant.noRoles.secret]) {
      expect(http.seen.some((body) => body.includes(secret))).toBe(false);
      expect(t.logs.some((line) => line.includes(secret))).toBe(false);
    }
  });
});
