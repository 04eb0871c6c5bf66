import type { GraphError } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addPassword, checkSecret, replicationTiming } from './credentials.js';
import type { StoredApplication } from './store.js';
import { REALISM_PRESETS, resolveRealism } from './settings.js';
import {
  GRAPH_SCOPE,
  graphAs,
  postToken,
  rejectionOf,
  ROTATOR,
  secretCredential,
  sleep,
  startTestEmulator,
  TARGET,
  TENANT,
} from './test-support/fixtures.js';
import type { RunningEmulator } from './types.js';

describe('realism presets', () => {
  it("'realistic' draws activation delays between 5 and 30 seconds with jitter", () => {
    const realism = resolveRealism('realistic');
    expect(realism.activationDelay).toEqual({ minMs: 5_000, maxMs: 30_000 });
    const draws = Array.from({ length: 200 }, () => replicationTiming(realism).activationDelayMs);
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(5_000);
    expect(Math.max(...draws)).toBeLessThanOrEqual(30_000);
    expect(new Set(draws).size).toBeGreaterThan(50);
  });

  it("'instant' is all zeros and options override a base field by field", () => {
    expect(resolveRealism('instant')).toEqual(REALISM_PRESETS.instant);
    expect(resolveRealism({ activationDelay: 1500, removalDelayMs: 10 })).toMatchObject({
      activationDelay: { minMs: 1500, maxMs: 1500 },
      removalDelayMs: 10,
      readAfterWriteDelayMs: 0,
    });
    expect(resolveRealism({ activationDelay: 'realistic' }).readAfterWriteDelayMs).toBe(0);
    expect(() => resolveRealism({ activationDelay: { minMs: 5, maxMs: 1 } })).toThrow(/maxMs/);
  });
});

describe('flaky replicas', () => {
  it('fail intermittently inside the flaky window after activation, then settle', () => {
    const app: StoredApplication = {
      id: 'a', appId: 'b', servicePrincipalId: 'c', displayName: 'x', signInAudience: 'AzureADMyOrg', createdMs: 0,
      description: null, notes: null, tags: [], redirectUris: [], roles: new Set(), owners: new Set(), passwords: [], keyCredentials: [],
    };
    const realism = resolveRealism({ activationDelay: 1000, flakyWindowMs: 5000, flakyProbability: 0.5 });
    const { secretText } = addPassword(app, {}, 0, replicationTiming(realism));
    expect(checkSecret(app, secretText, 500, realism).result).toBe('invalid');
    expect(checkSecret(app, secretText, 2000, realism, () => 0.4).result).toBe('invalid');
    expect(checkSecret(app, secretText, 2000, realism, () => 0.6).result).toBe('ok');
    expect(checkSecret(app, secretText, 6000, realism, () => 0).result).toBe('ok');
  });
});

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => {
  emulator.admin.reset();
});

const clientCredentials = (clientId: string, secret: string): Record<string, string> => ({
  grant_type: 'client_credentials',
  client_id: clientId,
  client_secret: secret,
  scope: GRAPH_SCOPE,
});

describe('replication simulation', () => {
  it('a new secret gets AADSTS7000215 until its activation delay has passed, then works', async () => {
    emulator.admin.setRealism({ activationDelay: { minMs: 1500, maxMs: 1500 } });
    const added = await graphAs(emulator, ROTATOR).api(`/applications/${TARGET.id}/addPassword`).post({});
    const addedAt = Date.now();

    const early = await rejectionOf(secretCredential(emulator, TARGET.appId, added.secretText).getToken(GRAPH_SCOPE));
    expect(early.message).toMatch(/AADSTS7000215/);
    expect(emulator.admin.listPasswordCredentials(TENANT.id, TARGET.id)[0]).toMatchObject({ state: 'pending', isAcceptedByTokenEndpoint: false });

    await sleep(Math.max(0, 1600 - (Date.now() - addedAt)));
    // A fresh credential object, as a rotator must build to test a new secret (reference §3).
    const token = await secretCredential(emulator, TARGET.appId, added.secretText).getToken(GRAPH_SCOPE);
    expect(token.token.length).toBeGreaterThan(100);
    expect(emulator.admin.listPasswordCredentials(TENANT.id, TARGET.id)[0]).toMatchObject({ state: 'active', isAcceptedByTokenEndpoint: true });
  });

  it('activation also follows the emulator clock, so tests can skip the wait', async () => {
    emulator.admin.setRealism('realistic');
    const added = await graphAs(emulator, ROTATOR).api(`/applications/${TARGET.id}/addPassword`).post({});
    expect((await postToken(emulator, TENANT.id, clientCredentials(TARGET.appId, added.secretText))).status).toBe(401);
    emulator.admin.advanceClock(30_001);
    expect((await postToken(emulator, TENANT.id, clientCredentials(TARGET.appId, added.secretText))).status).toBe(200);
  });

  it('read-after-write: a fresh key is invisible to GET and removePassword for a while', async () => {
    emulator.admin.setRealism({ readAfterWriteDelayMs: 5_000 });
    const client = graphAs(emulator, ROTATOR);
    const added = await client.api(`/applications/${TARGET.id}/addPassword`).post({});
    expect((await client.api(`/applications/${TARGET.id}`).get()).passwordCredentials).toEqual([]);
    const error = (await rejectionOf(client.api(`/applications/${TARGET.id}/removePassword`).post({ keyId: added.keyId }))) as unknown as GraphError;
    expect(error.message).toBe(`No password credential found with keyId ${added.keyId}.`);
    emulator.admin.advanceClock(5_000);
    expect((await client.api(`/applications/${TARGET.id}`).get()).passwordCredentials).toHaveLength(1);
    await client.api(`/applications/${TARGET.id}/removePassword`).post({ keyId: added.keyId });
  });

  it('removal delay: a removed secret keeps working at the token endpoint for a while', async () => {
    emulator.admin.setRealism({ removalDelayMs: 10_000 });
    const seeded = emulator.admin.addPasswordCredential(TENANT.id, TARGET.id, {});
    await graphAs(emulator, ROTATOR).api(`/applications/${TARGET.id}/removePassword`).post({ keyId: seeded.keyId });
    expect((await postToken(emulator, TENANT.id, clientCredentials(TARGET.appId, seeded.secretText))).status).toBe(200);
    emulator.admin.advanceClock(10_000);
    const after = await postToken(emulator, TENANT.id, clientCredentials(TARGET.appId, seeded.secretText));
    expect(after.body).toMatchObject({ error_codes: [7000215] });
  });

  it('honours startDateTime / endDateTime; the code for a future secret is configurable', async () => {
    const now = emulator.admin.freezeClock();
    const future = emulator.admin.addPasswordCredential(TENANT.id, TARGET.id, {
      startDateTime: new Date(now.getTime() + 60_000).toISOString(),
      endDateTime: new Date(now.getTime() + 120_000).toISOString(),
    });
    const form = clientCredentials(TARGET.appId, future.secretText);
    expect((await postToken(emulator, TENANT.id, form)).body).toMatchObject({ error_codes: [7000215] });
    emulator.admin.configure({ futureSecretCode: 7000222 });
    expect((await postToken(emulator, TENANT.id, form)).body).toMatchObject({ error_codes: [7000222] });
    emulator.admin.advanceClock(60_000);
    expect((await postToken(emulator, TENANT.id, form)).status).toBe(200);
    emulator.admin.advanceClock(60_000);
    expect((await postToken(emulator, TENANT.id, form)).body).toMatchObject({ error_codes: [7000222] });
    expect(emulator.admin.listPasswordCredentials(TENANT.id, TARGET.appId)[0]?.state).toBe('expired');
  });

  it('concurrent writes to one application conflict; sequential ones do not', async () => {
    emulator.admin.setRealism({ concurrentWriteWindowMs: 300 });
    const client = graphAs(emulator, ROTATOR);
    await client.api(`/applications/${TARGET.id}`).get(); // warm the token cache so both writes start together
    const results = await Promise.allSettled([
      client.api(`/applications/${TARGET.id}/addPassword`).post({}),
      client.api(`/applications/${TARGET.id}/addPassword`).post({}),
    ]);
    const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toMatchObject({ statusCode: 409, code: 'Directory_ConcurrencyViolation' });
    await client.api(`/applications/${TARGET.id}/addPassword`).post({});
    await client.api(`/applications/${TARGET.id}/addPassword`).post({});
    expect(emulator.admin.listPasswordCredentials(TENANT.id, TARGET.id)).toHaveLength(3);
  });
});
