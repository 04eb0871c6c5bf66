import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPH_SCOPE, graphAs, postToken, ROTATOR, startTestEmulator, TARGET, TENANT } from './test-support/fixtures.js';
import type { HeldRequest, PasswordCredentialView, RequestLogEntry, RunningEmulator, SeedResult } from './types.js';

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startTestEmulator({ httpPort: 0 });
});
afterAll(() => emulator.close());

async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${emulator.origin}/_emulator${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

describe('admin HTTP API', () => {
  it('resets, seeds a tenant and an app, grants roles, adds owners and a known secret', async () => {
    const reset = await call<SeedResult>('POST', '/reset');
    expect(reset.body.tenants[0]?.id).toBe(TENANT.id);

    const seeded = await call<SeedResult>('POST', '/seed', {
      tenants: [{ id: 'fedcba98-7654-4321-8fed-cba987654321', domains: ['fabrikam.onmicrosoft.com'], applications: [{ key: 'caller', displayName: 'Caller' }] }],
    });
    const fabrikam = 'fedcba98-7654-4321-8fed-cba987654321';
    const callerApp = seeded.body.tenants[0]?.applications[0];
    expect(callerApp?.appId).toMatch(/^[0-9a-f-]{36}$/);
    const target = await call<{ id: string; appId: string }>('POST', `/tenants/${fabrikam}/applications`, { displayName: 'Target', owners: [callerApp?.appId] });
    expect((await call('POST', `/tenants/fabrikam.onmicrosoft.com/applications/${callerApp?.id}/roles`, { roles: ['Application.ReadWrite.OwnedBy'] })).status).toBe(200);
    const secret = await call<{ secretText: string; keyId: string }>('POST', `/tenants/${fabrikam}/applications/${callerApp?.appId}/passwordCredentials`, {
      secretText: 'Known~secret.value_1234567890abcdefghijk',
      displayName: 'seeded',
    });
    expect(secret.body.secretText).toBe('Known~secret.value_1234567890abcdefghijk');

    const token = await postToken(emulator, 'fabrikam.onmicrosoft.com', {
      grant_type: 'client_credentials',
      client_id: callerApp?.appId ?? '',
      client_secret: secret.body.secretText,
      scope: GRAPH_SCOPE,
    });
    expect(token.status).toBe(200);
    const added = await fetch(`${emulator.origin}/v1.0/applications/${target.body.id}/addPassword`, {
      method: 'POST',
      headers: { authorization: `Bearer ${String(token.body.access_token)}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(added.status).toBe(200);

    const credentials = await call<PasswordCredentialView[]>('GET', `/tenants/${fabrikam}/applications/${target.body.appId}/passwordCredentials`);
    expect(credentials.body).toHaveLength(1);
    expect(credentials.body[0]).toMatchObject({ state: 'active', isAcceptedByTokenEndpoint: true, isVisibleToGraph: true });
    expect(JSON.stringify(credentials.body)).not.toContain('secretText');
  });

  it('drives faults, holds, clock, log and counters over HTTP', async () => {
    await call('POST', '/reset');
    const rule = await call<{ id: string }>('POST', '/faults', { match: { route: 'addPassword' }, action: { type: 'hold', phase: 'after' } });
    const client = graphAs(emulator, ROTATOR);
    await client.api(`/applications/${TARGET.id}`).get();
    const pending = client.api(`/applications/${TARGET.id}/addPassword`).post({});
    const held = await call<HeldRequest>('GET', `/faults/${rule.body.id}/held?timeoutMs=5000`);
    expect(held.body).toMatchObject({ route: 'addPassword', method: 'POST' });
    expect((await call('POST', `/faults/${rule.body.id}/release`)).status).toBe(200);
    expect((await pending).secretText).toHaveLength(40);
    expect((await call('GET', '/faults/missing/held?timeoutMs=10')).status).toBe(400);

    const frozen = await call<{ now: string }>('POST', '/clock/freeze', { date: '2030-01-01T00:00:00Z' });
    expect(frozen.body.now).toBe('2030-01-01T00:00:00.000Z');
    expect((await call<{ now: string }>('POST', '/clock/advance', { ms: 1000 })).body.now).toBe('2030-01-01T00:00:01.000Z');
    await call('POST', '/clock/unfreeze');

    const log = await call<RequestLogEntry[]>('GET', '/requests');
    expect(log.body.map((entry) => entry.route)).toContain('addPassword');
    const counters = await call<{ byRoute: Record<string, number> }>('GET', '/counters');
    expect(counters.body.byRoute.addPassword).toBe(1);
    expect((await call('POST', '/faults', { action: { type: 'nonsense' } })).status).toBe(400);
    expect((await call('GET', '/nope')).status).toBe(404);
  });

  it('serves the same routes over the optional plain-HTTP listener, advertising the https origin', async () => {
    const httpOrigin = emulator.httpOrigin ?? '';
    expect(httpOrigin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const oidc = (await (await fetch(`${httpOrigin}/${TENANT.id}/v2.0/.well-known/openid-configuration`)).json()) as { issuer: string };
    expect(oidc.issuer).toBe(`${emulator.origin}/${TENANT.id}/v2.0`);
  });
});
