import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { type RunningEmulator, type SeedApplication, startEmulator } from 'entra-emulator';
import forge from 'node-forge';
import { sentinelValue } from '../../test-support/sentinel.js';

export const publicUrl = 'https://rekey.example.test';
export const oauthRedirectUri = `${publicUrl}/organization/app-connections/azure/oauth/callback`;

/** The emulator over real https, trusted through NODE_EXTRA_CA_CERTS (set by scripts/test.mjs). */
export async function startAzureEmulator(): Promise<RunningEmulator> {
  const caDir = process.env.REKEY_TEST_CA_DIR;
  if (!caDir) throw new Error('REKEY_TEST_CA_DIR is not set: run the tests through `node scripts/test.mjs`');
  return startEmulator({ caDir });
}

/** Server configuration pointing Rekey at the emulator (the only way Rekey learns an Azure URL). */
export function emulatorEnv(emulator: RunningEmulator, oauth?: { clientId: string; clientSecret: string }): Record<string, string> {
  return {
    REKEY_AZURE_AUTHORITY_HOST: emulator.origin,
    REKEY_AZURE_GRAPH_URL: emulator.origin,
    REKEY_PUBLIC_URL: publicUrl,
    ...(oauth ? { REKEY_AZURE_OAUTH_CLIENT_ID: oauth.clientId, REKEY_AZURE_OAUTH_CLIENT_SECRET: oauth.clientSecret } : {}),
  };
}

export type SeededCaller = { objectId: string; appId: string; secret: string };

export type AzureTenantFixture = {
  tenantId: string;
  /** May manage every application (Application.ReadWrite.All); its secret is a sentinel Rekey must encrypt. */
  connector: SeededCaller;
  /** A valid secret, but no Graph application permission. */
  noRoles: SeededCaller;
  /** Rekey's own app for the OAuth method, with the dashboard callback registered. */
  oauthApp: SeededCaller;
  targets: Array<{ objectId: string; appId: string; displayName: string }>;
};

function caller(emulator: RunningEmulator, tenantId: string, displayName: string, roles: string[], extra: Partial<SeedApplication> = {}) {
  // The connection secret is stored (encrypted) by Rekey, so it carries the sentinel the leak scan looks for.
  const secret = sentinelValue('azure-client-secret');
  const app = emulator.admin.createApplication(tenantId, {
    displayName,
    roles,
    passwordCredentials: [{ secretText: secret, displayName: 'seeded' }],
    ...extra,
  });
  return { objectId: app.id, appId: app.appId, secret };
}

/** One tenant with the apps the connection tests need, plus `extraTargets` applications to list. */
export function seedAzureTenant(emulator: RunningEmulator, options: { extraTargets?: number } = {}): AzureTenantFixture {
  const tenant = emulator.admin.createTenant({ id: randomUUID(), displayName: 'Rekey Test Tenant' });
  const tenantId = tenant.id;
  const connector = caller(emulator, tenantId, 'Rekey Connector', ['Application.ReadWrite.All']);
  const noRoles = caller(emulator, tenantId, 'No Roles', []);
  const oauthApp = caller(emulator, tenantId, 'Rekey OAuth', ['Application.ReadWrite.All'], { redirectUris: [oauthRedirectUri] });
  const targets: AzureTenantFixture['targets'] = [];
  const count = options.extraTargets ?? 3;
  if (count > 0) {
    const applications: SeedApplication[] = Array.from({ length: count }, (_, index) => ({
      displayName: `Target ${String(index).padStart(5, '0')}`,
    }));
    const seeded = emulator.admin.seed({ tenants: [{ id: tenantId, applications }] });
    for (const app of seeded.tenants.find((t) => t.id === tenantId)?.applications ?? []) {
      targets.push({ objectId: app.id, appId: app.appId, displayName: app.displayName });
    }
  }
  return { tenantId, connector, noRoles, oauthApp, targets };
}

/** A fresh RSA key pair and self-signed X.509 certificate, as an admin would create for an app registration. */
export function selfSignedCertificate(commonName = 'rekey-connector'): { certificatePem: string; privateKeyPem: string } {
  // node:crypto makes the key (fast, native); node-forge builds and signs the certificate.
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const privateKey = forge.pki.privateKeyFromPem(privateKeyPem);
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString());
  certificate.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(8))}`;
  certificate.validity.notBefore = new Date(Date.now() - 60_000);
  certificate.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const subject = [{ name: 'commonName', value: commonName }];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.sign(privateKey, forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(certificate), privateKeyPem };
}

/** Token requests the emulator has answered so far (any status). */
export function tokenRequests(emulator: RunningEmulator): number {
  return emulator.admin.counters().byRoute.token ?? 0;
}
