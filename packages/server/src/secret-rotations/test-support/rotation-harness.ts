import { randomUUID } from 'node:crypto';
import { ClientSecretCredential } from '@azure/identity';
import { type RunningEmulator, type RealismOptions, startEmulator } from 'entra-emulator';
import type { RotationEngineSettings } from '../engine/engine.types.js';
import { authHeader, bootstrap, type Bootstrapped, type CreatedProject, createProject } from '../../test-support/fixtures.js';
import { sentinelValue } from '../../test-support/sentinel.js';
import { startTestApp, type TestApp } from '../../test-support/test-app.js';

/** Engine timings for tests: fast waits, scheduler driven by hand through `engine.tick()`. */
export const fastEngine: Partial<RotationEngineSettings> = {
  leaseMs: 5_000,
  verifyInitialDelayMs: 50,
  verifyMaxDelayMs: 300,
  verifyTimeoutMs: 20_000,
  transientBaseDelayMs: 50,
  pollIntervalMs: 3_600_000,
  orphanSweepIntervalMs: 3_600_000,
};

export type TargetApp = { objectId: string; appId: string; displayName: string };

export type RotationHarness = {
  emulator: RunningEmulator;
  t: TestApp;
  admin: Bootstrapped;
  project: CreatedProject;
  tenantId: string;
  rotator: { objectId: string; appId: string };
  connectionId: string;
  /** Applications the connection's app owns (Application.ReadWrite.OwnedBy lets it write only these). */
  targets: TargetApp[];
  /** An application the connection's app does not own. */
  unowned: TargetApp;
  /** Owned, but allows personal Microsoft accounts: at most two passwords. */
  personal: TargetApp;
  request(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }>;
  createRotation(target: TargetApp, overrides?: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Secret values of a folder as consumers read them (`GET /api/v3/secrets/raw`). */
  readSecrets(environment?: string, secretPath?: string): Promise<Record<string, string>>;
  /** Passwords Rekey created on an application and that still exist in Azure. */
  rekeyPasswords(target: TargetApp): Array<{ keyId: string; displayName: string | null }>;
  /** Whether a client secret obtains a token from the emulator right now. */
  canAuthenticate(clientId: string, clientSecret: string): Promise<{ ok: true } | { ok: false; message: string }>;
  close(): Promise<void>;
};

export async function startRotationHarness(
  options: {
    realism?: RealismOptions;
    engineOverrides?: Partial<RotationEngineSettings>;
    targets?: number;
    env?: Record<string, string>;
    databaseUrl?: string;
    rootKey?: Buffer;
  } = {},
): Promise<RotationHarness> {
  const caDir = process.env.REKEY_TEST_CA_DIR;
  if (!caDir) throw new Error('REKEY_TEST_CA_DIR is not set: run the tests through `node scripts/test.mjs`');
  const emulator = await startEmulator({ caDir, realism: options.realism ?? { activationDelay: 0 } });
  const tenantId = randomUUID();
  emulator.admin.createTenant({ id: tenantId, displayName: 'Rotation tests' });
  const rotatorSecret = sentinelValue('rotator-secret');
  const rotatorApp = emulator.admin.createApplication(tenantId, {
    displayName: 'Rekey Rotator',
    roles: ['Application.ReadWrite.OwnedBy'],
    passwordCredentials: [{ secretText: rotatorSecret, displayName: 'connection secret' }],
  });
  const rotator = { objectId: rotatorApp.id, appId: rotatorApp.appId };
  const make = (displayName: string, extra: Record<string, unknown> = {}): TargetApp => {
    const app = emulator.admin.createApplication(tenantId, { displayName, ...extra });
    return { objectId: app.id, appId: app.appId, displayName };
  };
  const targets = Array.from({ length: options.targets ?? 3 }, (_, index) => make(`Target ${index + 1}`, { owners: [rotator.objectId] }));
  const unowned = make('Unowned App');
  const personal = make('Personal Accounts App', { owners: [rotator.objectId], signInAudience: 'AzureADandPersonalMicrosoftAccount' });

  const t = await startTestApp({
    env: { REKEY_AZURE_AUTHORITY_HOST: emulator.origin, REKEY_AZURE_GRAPH_URL: emulator.origin, REKEY_ROTATE_WAIT_MS: '20000', ...options.env },
    engineOverrides: { ...fastEngine, ...options.engineOverrides },
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.rootKey ? { rootKey: options.rootKey } : {}),
  });
  const admin = await bootstrap(t);
  const project = await createProject(t, admin.userToken);

  const request: RotationHarness['request'] = async (method, url, body, token) => {
    const response = await t.app.inject({
      method,
      url,
      headers: authHeader(token ?? admin.userToken),
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    return { status: response.statusCode, body: (response.body ? response.json() : {}) as Record<string, unknown> };
  };

  const connection = await request('POST', '/api/v1/app-connections/azure-client-secrets', {
    name: 'tenant-connection',
    method: 'client-secret',
    credentials: { tenantId, clientId: rotator.appId, clientSecret: rotatorSecret },
  });
  if (connection.status !== 200) throw new Error(`creating the connection failed: ${JSON.stringify(connection.body)}`);
  const connectionId = (connection.body.appConnection as { id: string }).id;

  return {
    emulator,
    t,
    admin,
    project,
    tenantId,
    rotator,
    connectionId,
    targets,
    unowned,
    personal,
    request,
    createRotation: (target, overrides = {}) =>
      request('POST', '/api/v2/secret-rotations/azure-client-secret', {
        name: `rotation-${randomUUID().slice(0, 8)}`,
        connectionId,
        projectId: project.id,
        environment: 'dev',
        secretPath: '/',
        rotationInterval: 30,
        rotateAtUtc: { hours: 2, minutes: 0 },
        parameters: { objectId: target.objectId, clientId: target.appId, appName: target.displayName },
        secretsMapping: { clientId: `CLIENT_ID_${target.appId.slice(0, 8).toUpperCase()}`, clientSecret: `CLIENT_SECRET_${target.appId.slice(0, 8).toUpperCase()}` },
        ...overrides,
      }),
    async readSecrets(environment = 'dev', secretPath = '/') {
      const response = await request('GET', `/api/v3/secrets/raw?workspaceId=${project.id}&environment=${environment}&secretPath=${encodeURIComponent(secretPath)}`);
      if (response.status !== 200) throw new Error(`reading secrets failed: ${JSON.stringify(response.body)}`);
      const secrets = response.body.secrets as Array<{ secretKey: string; secretValue: string }>;
      return Object.fromEntries(secrets.map((secret) => [secret.secretKey, secret.secretValue]));
    },
    rekeyPasswords(target) {
      return emulator.admin
        .listPasswordCredentials(tenantId, target.objectId)
        .filter((password) => password.state !== 'removed' && (password.displayName ?? '').startsWith('Rekey rotation'))
        .map((password) => ({ keyId: password.keyId, displayName: password.displayName }));
    },
    async canAuthenticate(clientId, clientSecret) {
      const credential = new ClientSecretCredential(tenantId, clientId, clientSecret, { authorityHost: emulator.origin, disableInstanceDiscovery: true });
      try {
        await credential.getToken('https://graph.microsoft.com/.default');
        return { ok: true };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },
    async close() {
      await t.close();
      await emulator.close();
    },
  };
}
