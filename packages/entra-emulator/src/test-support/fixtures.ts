import { ClientSecretCredential, type TokenCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { startEmulator } from '../server.js';
import type { EmulatorOptions, RunningEmulator, Seed, SeedApplication } from '../types.js';

export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export const TENANT = {
  id: '11111111-2222-4333-8444-555555555555',
  domain: 'contoso.onmicrosoft.com',
  displayName: 'Contoso',
};

export const USER = { id: '99999999-0000-4000-8000-000000000001', upn: 'alice@contoso.onmicrosoft.com' };

interface TestApp {
  id: string;
  appId: string;
  secret: string;
}

const app = (n: number, secret = `Tst${n}Q~fixture-secret-${String(n).padStart(2, '0')}_abcdefghijklm`): TestApp => ({
  id: `aaaaaaaa-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`,
  appId: `bbbbbbbb-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`,
  secret,
});

/** Callers (they hold a known secret). */
export const ROTATOR = app(1);
export const READER = app(2);
export const ADMIN_APP = app(3);
export const NO_ROLES = app(4);
/** Targets owned by the rotator. */
export const TARGET = app(10);
export const TARGET_2 = app(11);
export const PERSONAL = app(12);
/** Not owned by the rotator. */
export const UNOWNED = app(20);

export const REDIRECT_URI = 'http://localhost:8080/oauth/callback';

/** Eight applications in a fixed order, so `$top=3` gives exactly three pages. */
export function testSeed(extraApps: SeedApplication[] = []): Seed {
  const withSecret = (a: TestApp, displayName: string, roles: string[]): SeedApplication => ({
    id: a.id,
    appId: a.appId,
    displayName,
    roles,
    passwordCredentials: [{ secretText: a.secret, displayName: 'fixture' }],
  });
  return {
    tenants: [
      {
        id: TENANT.id,
        displayName: TENANT.displayName,
        domains: [TENANT.domain],
        users: [{ id: USER.id, userPrincipalName: USER.upn, displayName: 'Alice' }],
        applications: [
          { key: 'rotator', ...withSecret(ROTATOR, 'Rotator', ['Application.ReadWrite.OwnedBy']), redirectUris: [REDIRECT_URI] },
          withSecret(READER, 'Reader', ['Application.Read.All']),
          withSecret(ADMIN_APP, 'Admin App', ['Application.ReadWrite.All']),
          withSecret(NO_ROLES, 'No Roles', []),
          { id: TARGET.id, appId: TARGET.appId, displayName: 'Target One', owners: ['rotator'] },
          { id: TARGET_2.id, appId: TARGET_2.appId, displayName: 'Target Two', owners: ['rotator'] },
          {
            id: PERSONAL.id,
            appId: PERSONAL.appId,
            displayName: 'Personal Accounts App',
            signInAudience: 'AzureADandPersonalMicrosoftAccount',
            owners: ['rotator'],
          },
          { id: UNOWNED.id, appId: UNOWNED.appId, displayName: 'Unowned App' },
          ...extraApps,
        ],
      },
    ],
  };
}

/**
 * Starts an emulator trusted by this process: scripts/test.mjs created the CA in
 * REKEY_TEST_CA_DIR and put it in NODE_EXTRA_CA_CERTS before the workers started.
 */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const caDir = process.env.REKEY_TEST_CA_DIR;
  if (!caDir || !process.env.NODE_EXTRA_CA_CERTS) {
    throw new Error('Run the tests through scripts/test.mjs, which sets NODE_EXTRA_CA_CERTS and REKEY_TEST_CA_DIR.');
  }
  const started = performance.now();
  const emulator = await startEmulator({ caDir, seed: testSeed(), ...options });
  console.log(`entra-emulator started in ${Math.round(performance.now() - started)} ms at ${emulator.origin}`);
  return emulator;
}

export function secretCredential(emulator: RunningEmulator, clientId: string, secret: string, tenant = TENANT.id): ClientSecretCredential {
  return new ClientSecretCredential(tenant, clientId, secret, { authorityHost: emulator.origin, disableInstanceDiscovery: true });
}

export function graphClient(emulator: RunningEmulator, credential: TokenCredential): Client {
  return Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_SCOPE] }),
    baseUrl: emulator.origin,
    customHosts: new Set(['127.0.0.1']),
  });
}

/** Graph client authenticated as the given fixture app with its seeded secret. */
export function graphAs(emulator: RunningEmulator, caller: TestApp): Client {
  return graphClient(emulator, secretCredential(emulator, caller.appId, caller.secret));
}

/** Raw token request for exact-body assertions. */
export async function postToken(emulator: RunningEmulator, tenant: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${emulator.origin}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export async function rejectionOf(promise: Promise<unknown>): Promise<Record<string, unknown> & Error> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown> & Error;
  }
  throw new Error('expected the promise to reject');
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
