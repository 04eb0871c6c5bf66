import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../auth/actor.js';
import { loadConfig } from '../../config.js';
import type { Keyring } from '../../crypto/keyring.js';
import { createManualClock } from '../../lib/clock.js';
import { randomIds } from '../../lib/ids.js';
import { selfSignedCertificate } from '../test-support/azure-fixtures.js';
import { refreshAt } from './azure-auth.js';
import { normalizeCertificateCredentials } from './azure-certificate.js';
import { azureSettingsFromConfig } from './azure-connection.js';
import { createOAuthStateCodec } from './oauth-state.js';
import { open, seal } from '../../crypto/aead.js';

/** Checks that need no network: certificate parsing, the OAuth state, and configuration. */
describe('certificate credentials', () => {
  const { certificatePem, privateKeyPem } = selfSignedCertificate();
  const now = new Date();

  it('accepts PKCS#1 and base64 DER input and stores canonical PEM (PKCS#8 key)', () => {
    const pem = normalizeCertificateCredentials({ certificateBody: certificatePem, privateKey: privateKeyPem }, now);
    expect(pem.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(pem.certificateBody).toMatch(/^-----BEGIN CERTIFICATE-----/);
    const derKey = pem.privateKey.replace(/-----[A-Z ]+-----|\s/g, '');
    const derCertificate = pem.certificateBody.replace(/-----[A-Z ]+-----|\s/g, '');
    expect(normalizeCertificateCredentials({ certificateBody: derCertificate, privateKey: derKey }, now)).toEqual(pem);
  });

  it('refuses a key that does not belong to the certificate', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => normalizeCertificateCredentials({ certificateBody: certificatePem, privateKey: other }, now)).toThrow(/does not belong/);
  });

  it('refuses an expired certificate, an encrypted key and garbage with precise messages', () => {
    expect(() => normalizeCertificateCredentials({ certificateBody: certificatePem, privateKey: privateKeyPem }, new Date(Date.now() + 400 * 86_400_000))).toThrow(
      /expired on/,
    );
    const encrypted = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'x' })
      .toString();
    expect(() => normalizeCertificateCredentials({ certificateBody: certificatePem, privateKey: encrypted }, now)).toThrow(/password-protected/);
    expect(() => normalizeCertificateCredentials({ certificateBody: 'not a certificate!', privateKey: privateKeyPem }, now)).toThrow(/X\.509/);
    expect(() => normalizeCertificateCredentials({ certificateBody: certificatePem, privateKey: 'nope' }, now)).toThrow(/private key/);
  });
});

describe('OAuth state', () => {
  // A keyring with one fixed key per owner is enough to exercise sealing; the real one is tested in crypto/.
  const keys = new Map<string, Buffer>();
  const keyFor = (owner: string) => keys.get(owner) ?? keys.set(owner, Buffer.alloc(32, keys.size + 1)).get(owner) ?? Buffer.alloc(32);
  const keyring = {
    encrypt: async (owner: string, aad: string, plaintext: string | Buffer) => seal(keyFor(owner), plaintext, aad),
    decryptText: async (owner: string, aad: string, sealed: Buffer) => open(keyFor(owner), sealed, aad).toString('utf8'),
  } as unknown as Keyring;
  const clock = createManualClock(new Date('2026-01-01T00:00:00Z'));
  const codec = createOAuthStateCodec({ keyring, clock, ids: randomIds });
  const tenantId = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
  const alice: Actor = { type: 'user', userId: 'u-alice', email: 'a@example.com', orgId: 'org-1', orgRole: 'admin', sessionId: 's' };
  const bob: Actor = { ...alice, userId: 'u-bob' };
  const otherOrg: Actor = { ...alice, orgId: 'org-2' };

  it('round-trips for the same actor and tenant, with a PKCE challenge of the verifier', async () => {
    const start = await codec.start(alice, tenantId);
    const verifier = await codec.finish(alice, tenantId.toUpperCase(), start.state);
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(verifier).digest('base64url')).toBe(start.codeChallenge);
    expect(start.state).not.toContain(verifier);
  });

  it('refuses another actor, another tenant, another organization, tampering and expiry', async () => {
    const start = await codec.start(alice, tenantId);
    await expect(codec.finish(bob, tenantId, start.state)).rejects.toThrow(/started by someone else/);
    await expect(codec.finish(alice, '3f2504e0-4f89-41d3-9a0c-0305e82c3302', start.state)).rejects.toThrow(/started for tenant/);
    await expect(codec.finish(otherOrg, tenantId, start.state)).rejects.toThrow(/not valid for this organization/);
    const tampered = `${start.state.slice(0, -2)}${start.state.endsWith('AA') ? 'BB' : 'AA'}`;
    await expect(codec.finish(alice, tenantId, tampered)).rejects.toThrow(/not valid/);
    clock.advance(16 * 60 * 1000);
    await expect(codec.finish(alice, tenantId, start.state)).rejects.toThrow(/expired/);
  });
});

describe('Azure configuration', () => {
  const base = { DATABASE_URL: 'postgres://localhost/x', REKEY_ROOT_KEY: Buffer.alloc(32).toString('base64') };

  it('enables OAuth only with client id, secret and a public URL, and builds the callback from the public URL', () => {
    expect(azureSettingsFromConfig(loadConfig(base)).oauthApp).toBeUndefined();
    const config = loadConfig({
      ...base,
      REKEY_AZURE_OAUTH_CLIENT_ID: 'client',
      REKEY_AZURE_OAUTH_CLIENT_SECRET: 'secret',
      REKEY_PUBLIC_URL: 'https://rekey.example.com/',
    });
    expect(azureSettingsFromConfig(config)).toEqual({
      endpoints: { authorityHost: 'https://login.microsoftonline.com', graphUrl: 'https://graph.microsoft.com', requestTimeoutMs: 30_000 },
      oauthApp: { clientId: 'client', clientSecret: 'secret', redirectUri: 'https://rekey.example.com/organization/app-connections/azure/oauth/callback' },
    });
  });

  it('requires the OAuth client id and secret together, and https Azure endpoints', () => {
    expect(() => loadConfig({ ...base, REKEY_AZURE_OAUTH_CLIENT_ID: 'client' })).toThrow(/set both/);
    expect(() => loadConfig({ ...base, REKEY_AZURE_GRAPH_URL: 'http://127.0.0.1:1' })).toThrow(/REKEY_AZURE_GRAPH_URL/);
  });
});

describe('token refresh time', () => {
  it('is five minutes before expiry, or halfway for tokens that live under ten minutes', () => {
    const now = 1_000_000;
    expect(refreshAt(now + 3600_000, now)).toBe(now + 3300_000);
    expect(refreshAt(now + 120_000, now)).toBe(now + 60_000);
    expect(refreshAt(now - 1, now)).toBe(now - 1);
  });
});
