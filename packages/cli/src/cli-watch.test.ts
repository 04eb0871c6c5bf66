import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunningEmulator, startEmulator } from 'entra-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseEnv, runCli, startCli, waitFor } from './test-support/cli-process.js';
import { type Identity, type RekeyServer, type Workspace, bootstrapWorkspace, call, createIdentity, startRekey } from './test-support/rekey-server.js';

/**
 * `rekey run --watch` and `rekey rotations` against a real server whose Azure is the Entra emulator:
 * a rotation must reach a running child without anyone restarting it by hand.
 */

let emulator: RunningEmulator;
let server: RekeyServer;
let workspace: Workspace;
let identity: Identity;
let tenantId: string;
let env: Record<string, string>;
let tmp: string;
const rotationName = 'payments-api';

beforeAll(async () => {
  const caDir = process.env.REKEY_TEST_CA_DIR;
  if (!caDir) throw new Error('REKEY_TEST_CA_DIR is not set: run the tests through `node scripts/test.mjs` (it also sets NODE_EXTRA_CA_CERTS)');
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'rekey-cli-watch-'));
  emulator = await startEmulator({ caDir });
  server = await startRekey({ REKEY_AZURE_AUTHORITY_HOST: emulator.origin, REKEY_AZURE_GRAPH_URL: emulator.origin });
  workspace = await bootstrapWorkspace(server.url);
  identity = await createIdentity(server.url, workspace, 'admin');

  // The connection's app may manage the applications it owns; "Payments API" is one of them.
  tenantId = emulator.admin.createTenant({ id: randomUUID(), displayName: 'CLI Test Tenant' }).id;
  const connectorSecret = `cli-connector-${randomUUID()}`;
  const connector = emulator.admin.createApplication(tenantId, {
    key: 'connector',
    displayName: 'Rekey Connector',
    roles: ['Application.ReadWrite.OwnedBy'],
    passwordCredentials: [{ secretText: connectorSecret }],
  });
  const target = emulator.admin.createApplication(tenantId, { displayName: 'Payments API', owners: [connector.appId] });
  const { appConnection } = await call<{ appConnection: { id: string } }>(server.url, 'POST', '/api/v1/app-connections/azure-client-secrets', workspace.adminToken, {
    name: 'cli-test-tenant',
    method: 'client-secret',
    credentials: { tenantId, clientId: connector.appId, clientSecret: connectorSecret },
  });
  await call(server.url, 'POST', '/api/v2/secret-rotations/azure-client-secret', workspace.adminToken, {
    name: rotationName,
    connectionId: appConnection.id,
    projectId: workspace.project.id,
    environment: 'dev',
    secretPath: '/',
    rotationInterval: 30,
    parameters: { objectId: target.id, clientId: target.appId },
    secretsMapping: { clientId: 'AZURE_CLIENT_ID', clientSecret: 'AZURE_CLIENT_SECRET' },
  });

  const home = path.join(tmp, 'home');
  await fs.mkdir(home);
  env = { ...baseEnv(home), REKEY_API_URL: server.url, REKEY_PROJECT_ID: workspace.project.id };
  const login = await runCli(['login', '--client-id', identity.clientId, '--client-secret', identity.clientSecret], { env });
  if (login.code !== 0) throw new Error(`login failed: ${login.stderr}`);
});

afterAll(async () => {
  await server?.stop();
  await emulator?.close();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

/** Proof that a secret is a live Azure credential: the token endpoint issues a token for it. */
async function obtainsToken(clientId: string, clientSecret: string): Promise<boolean> {
  const response = await fetch(`${emulator.origin}/${tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope: 'https://graph.microsoft.com/.default' }),
  });
  return response.status === 200;
}

/** The child prints the credential it started with, and says so when it is asked to stop. */
const child = `
console.log('started ' + JSON.stringify({ id: process.env.AZURE_CLIENT_ID, secret: process.env.AZURE_CLIENT_SECRET }));
process.on('SIGTERM', () => { console.log('stopping on SIGTERM'); process.exit(0); });
setInterval(() => {}, 1000);`;

function starts(output: string): { id: string; secret: string }[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('started '))
    .map((line) => JSON.parse(line.slice('started '.length)) as { id: string; secret: string });
}

describe('rekey run --watch', () => {
  it('restarts the child gracefully after rotate-secrets, and the child gets the new client secret', async () => {
    const cli = startCli(['run', '--watch', '--watch-interval', '0.5', '--grace-period', '5', '--', process.execPath, '-e', child], { env });
    const output = () => `${cli.stdout()}\n--- stderr ---\n${cli.stderr()}`;
    await waitFor('the first child', () => starts(cli.stdout()).length === 1, 30_000, output);
    const [first] = starts(cli.stdout());
    expect(first?.secret).toBeTruthy();
    expect(await obtainsToken(first?.id ?? '', first?.secret ?? '')).toBe(true);

    const rotate = await runCli(['rotations', 'rotate', rotationName], { env });
    expect(rotate.stderr).toContain(`rotating ${rotationName}`);
    expect(rotate).toMatchObject({ code: 0 });
    expect(rotate.stdout).toMatch(new RegExp(`^Rotated ${rotationName}: status success`));

    await waitFor('the restarted child', () => starts(cli.stdout()).length === 2, 30_000, output);
    const [, second] = starts(cli.stdout());
    expect(second?.id).toBe(first?.id);
    expect(second?.secret).not.toBe(first?.secret);
    expect(await obtainsToken(second?.id ?? '', second?.secret ?? '')).toBe(true);
    // Graceful: the old child was asked to stop (SIGTERM) before the new one started.
    expect(cli.stdout()).toMatch(/^started .*\nstopping on SIGTERM\nstarted .*\n$/);
    expect(cli.stderr()).toContain('secrets changed (AZURE_CLIENT_SECRET): restarting');

    const current = await runCli(['secrets', 'get', 'AZURE_CLIENT_SECRET'], { env });
    expect(current.stdout).toBe(second?.secret);

    cli.child.kill('SIGTERM');
    expect(await cli.result).toMatchObject({ code: 0, signal: null });
  });
});

describe('rekey rotations', () => {
  it('lists, shows and tells the history of a rotation', async () => {
    const list = await runCli(['rotations', 'list'], { env });
    expect(list.stderr).toBe('');
    expect(list.stdout).toMatch(/^NAME\s+TYPE\s+FOLDER\s+STATUS/);
    expect(list.stdout).toMatch(new RegExp(`${rotationName}\\s+azure-client-secret\\s+dev:/\\s+success`));

    const get = await runCli(['rotations', 'get', rotationName], { env });
    expect(get.stdout).toMatch(/^Name:\s+payments-api$/m);
    expect(get.stdout).toMatch(/^Secrets:\s+clientId -> AZURE_CLIENT_ID, clientSecret -> AZURE_CLIENT_SECRET$/m);
    expect(get.stdout).toMatch(/^Schedule:\s+every 30 day\(s\) at /m);

    const history = await runCli(['rotations', 'history', rotationName, '--json'], { env });
    const page = JSON.parse(history.stdout) as { totalCount: number; history: { trigger: string; outcome: string }[] };
    expect(page.history.map((attempt) => attempt.trigger)).toContain('manual');
    expect(page.history.every((attempt) => attempt.outcome === 'success')).toBe(true);
    const table = await runCli(['rotations', 'history', rotationName], { env });
    expect(table.stdout).toMatch(/^STARTED\s+TRIGGER\s+OUTCOME/);

    const unknown = await runCli(['rotations', 'rotate', 'nope'], { env });
    expect(unknown).toMatchObject({ code: 1 });
    expect(unknown.stderr).toBe(`rekey: No secret rotation 'nope' in project ${workspace.project.id}; its rotations: ${rotationName}\n`);
  });
});
