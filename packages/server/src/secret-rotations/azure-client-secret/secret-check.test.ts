import { randomUUID } from 'node:crypto';
import { type RunningEmulator, startEmulator } from 'entra-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sentinelValue } from '../../test-support/sentinel.js';
import { checkNewClientSecret } from './secret-check.js';

describe('checking a new client secret', () => {
  let emulator: RunningEmulator;
  let tenantId: string;
  let appId: string;
  const endpoints = () => ({ authorityHost: emulator.origin, graphUrl: emulator.origin, requestTimeoutMs: 10_000 });

  beforeAll(async () => {
    const caDir = process.env.REKEY_TEST_CA_DIR;
    if (!caDir) throw new Error('REKEY_TEST_CA_DIR is not set: run the tests through `node scripts/test.mjs`');
    emulator = await startEmulator({ caDir });
    tenantId = randomUUID();
    emulator.admin.createTenant({ id: tenantId, displayName: 'Secret checks' });
    appId = emulator.admin.createApplication(tenantId, { displayName: 'Checked' }).appId;
  });
  afterAll(async () => {
    await emulator.close();
  });

  it('asks for a token every time, but fetches the discovery document once per authority', async () => {
    const active = sentinelValue('active-secret');
    const pending = sentinelValue('pending-secret');
    emulator.admin.addPasswordCredential(tenantId, appId, { secretText: active });
    emulator.admin.addPasswordCredential(tenantId, appId, { secretText: pending, activationDelayMs: 60_000 });
    emulator.admin.clearRequestLog();
    expect(await checkNewClientSecret({ tenantId, clientId: appId, clientSecret: active }, endpoints())).toEqual({ status: 'active' });
    expect(await checkNewClientSecret({ tenantId, clientId: appId, clientSecret: active }, endpoints())).toEqual({ status: 'active' });
    expect(await checkNewClientSecret({ tenantId, clientId: appId, clientSecret: pending }, endpoints())).toEqual({
      status: 'not-yet-active',
      code: 'AADSTS7000215',
    });
    expect(emulator.admin.counters().byRoute).toEqual({ openidConfiguration: 1, token: 3 });
  });

  it('an unknown application is an error, not "not yet active"', async () => {
    await expect(checkNewClientSecret({ tenantId, clientId: randomUUID(), clientSecret: 'whatever' }, endpoints())).rejects.toMatchObject({
      name: 'ProviderError',
      category: 'not_found',
    });
  });

  it.each([
    ['a 503', { type: 'serverError', status: 503 }],
    ['a 429', { type: 'throttle' }],
    ['a dropped connection', { type: 'reset' }],
    ['no answer in time', { type: 'delay', ms: 3_000 }],
  ] as const)('%s from the token endpoint is a transient error (retried), not a verdict on the secret', async (_name, action) => {
    const secret = sentinelValue('secret');
    emulator.admin.addPasswordCredential(tenantId, appId, { secretText: secret });
    const rule = emulator.admin.addFault({ match: { route: 'token' }, action });
    try {
      await expect(
        checkNewClientSecret({ tenantId, clientId: appId, clientSecret: secret }, { ...endpoints(), requestTimeoutMs: 1_000 }),
      ).rejects.toMatchObject({ name: 'ProviderError', isRetryable: true });
    } finally {
      emulator.admin.removeFault(rule);
    }
    expect(await checkNewClientSecret({ tenantId, clientId: appId, clientSecret: secret }, endpoints())).toEqual({ status: 'active' });
  });
});
