import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../lib/clock.js';
import { authHeader, bootstrap, createMachineIdentity, createProject, type Bootstrapped } from '../test-support/fixtures.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';

describe('Universal Auth', () => {
  let t: TestApp;
  let admin: Bootstrapped;
  const clock = createManualClock(new Date('2030-01-01T00:00:00Z'));
  beforeAll(async () => {
    t = await startTestApp({ clock });
    admin = await bootstrap(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const token = () => admin.adminIdentityToken;
  const login = (clientId: string, clientSecret: string, remoteAddress = '127.0.0.1') =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/universal-auth/login', payload: { clientId, clientSecret }, remoteAddress });
  const newSecret = async (identityId: string, body: Record<string, unknown> = {}) => {
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/v1/auth/universal-auth/identities/${identityId}/client-secrets`,
      headers: authHeader(token()),
      payload: body,
    });
    expect(response.statusCode).toBe(200);
    return response.json() as { clientSecret: string; clientSecretData: { id: string } };
  };
  const whoAmI = (accessToken: string, remoteAddress = '127.0.0.1') =>
    t.app.inject({ method: 'GET', url: '/api/v1/organization', headers: authHeader(accessToken), remoteAddress });

  it("applies Infisical's defaults and logs in with Infisical's response shape", async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/identities', headers: authHeader(token()), payload: { name: 'ci', organizationId: admin.orgId } });
    expect(created.statusCode).toBe(200);
    const identity = created.json().identity;
    expect(identity).toMatchObject({ name: 'ci', role: 'no-access', authMethod: null });
    const attached = await t.app.inject({ method: 'POST', url: `/api/v1/auth/universal-auth/identities/${identity.id}`, headers: authHeader(token()), payload: {} });
    expect(attached.statusCode).toBe(200);
    const ua = attached.json().identityUniversalAuth;
    expect(ua).toMatchObject({
      identityId: identity.id,
      accessTokenTTL: 2592000,
      accessTokenMaxTTL: 2592000,
      accessTokenNumUsesLimit: 0,
      clientSecretTrustedIps: [
        { ipAddress: '0.0.0.0', prefix: 0, type: 'ipv4' },
        { ipAddress: '::', prefix: 0, type: 'ipv6' },
      ],
    });
    const twice = await t.app.inject({ method: 'POST', url: `/api/v1/auth/universal-auth/identities/${identity.id}`, headers: authHeader(token()), payload: {} });
    expect(twice.statusCode).toBe(400);

    const secret = await newSecret(identity.id, { description: 'bench', numUsesLimit: 0, ttl: 0 });
    expect(secret.clientSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(secret.clientSecretData).toMatchObject({ description: 'bench', clientSecretPrefix: secret.clientSecret.slice(0, 4), isClientSecretRevoked: false });
    const stored = await t.db.selectFrom('identity_client_secrets').select('secret_hash').where('id', '=', secret.clientSecretData.id).executeTakeFirstOrThrow();
    expect(stored.secret_hash).not.toContain(secret.clientSecret);

    const response = await login(ua.clientId, secret.clientSecret);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ accessToken: expect.any(String), expiresIn: 2592000, accessTokenMaxTTL: 2592000, tokenType: 'Bearer' });
    const list = await t.app.inject({ method: 'GET', url: `/api/v1/auth/universal-auth/identities/${identity.id}/client-secrets`, headers: authHeader(token()) });
    expect(list.json().clientSecretData[0]).toMatchObject({ clientSecretNumUses: 1 });
    expect(JSON.stringify(list.json())).not.toContain(secret.clientSecret);
  });

  it('refuses a wrong client secret, an unknown client ID and a malformed one with 401 Invalid credentials', async () => {
    const identity = await createMachineIdentity(t, token());
    for (const [clientId, clientSecret] of [
      [identity.clientId, 'f'.repeat(64)],
      ['00000000-0000-0000-0000-000000000000', identity.clientSecret],
      ['not-a-uuid', identity.clientSecret],
    ] as const) {
      const response = await login(clientId, clientSecret);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ statusCode: 401, error: 'UnauthorizedError', message: 'Invalid credentials: the client ID or client secret is wrong' });
    }
  });

  it('refuses a revoked client secret', async () => {
    const identity = await createMachineIdentity(t, token());
    const secrets = await t.app.inject({ method: 'GET', url: `/api/v1/auth/universal-auth/identities/${identity.identityId}/client-secrets`, headers: authHeader(token()) });
    const secretId = secrets.json().clientSecretData[0].id;
    const revoked = await t.app.inject({
      method: 'POST',
      url: `/api/v1/auth/universal-auth/identities/${identity.identityId}/client-secrets/${secretId}/revoke`,
      headers: authHeader(token()),
    });
    expect(revoked.json().clientSecretData.isClientSecretRevoked).toBe(true);
    const response = await login(identity.clientId, identity.clientSecret);
    expect(response.statusCode).toBe(401);
    expect(response.json().message).toBe('Invalid credentials: this client secret has been revoked');
  });

  it('refuses an expired client secret', async () => {
    const identity = await createMachineIdentity(t, token(), { clientSecret: { ttl: 60 } });
    expect((await login(identity.clientId, identity.clientSecret)).statusCode).toBe(200);
    clock.advance(61_000);
    const response = await login(identity.clientId, identity.clientSecret);
    expect(response.statusCode).toBe(401);
    expect(response.json().message).toContain('this client secret expired');
  });

  it('refuses a client secret used up, counting uses atomically', async () => {
    const identity = await createMachineIdentity(t, token(), { clientSecret: { numUsesLimit: 3 } });
    // The fixture's own login used one; two remain. Fire four at once: exactly two succeed.
    const results = await Promise.all([1, 2, 3, 4].map(() => login(identity.clientId, identity.clientSecret)));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 401, 401]);
    const refused = results.find((r) => r.statusCode === 401);
    expect(refused?.json().message).toBe('Invalid credentials: this client secret has reached its use limit of 3 uses');
  });

  it('refuses logins from outside the client secret trusted IPs, and tokens from outside the access token trusted IPs', async () => {
    const identity = await createMachineIdentity(t, token(), {
      universalAuth: { clientSecretTrustedIps: [{ ipAddress: '127.0.0.1' }, { ipAddress: '10.0.0.0/8' }], accessTokenTrustedIps: [{ ipAddress: '10.0.0.0/8' }, { ipAddress: '127.0.0.1' }] },
    });
    const outside = await login(identity.clientId, identity.clientSecret, '192.0.2.10');
    expect(outside.statusCode).toBe(401);
    expect(outside.json().message).toBe("Universal Auth login is not allowed from IP address 192.0.2.10: it is not in the identity's client secret trusted IP ranges");
    const inside = await login(identity.clientId, identity.clientSecret, '10.20.30.40');
    expect(inside.statusCode).toBe(200);
    const accessToken = inside.json().accessToken;
    expect((await whoAmI(accessToken, '10.9.9.9')).statusCode).toBe(200);
    const elsewhere = await whoAmI(accessToken, '198.51.100.7');
    expect(elsewhere.statusCode).toBe(401);
    expect(elsewhere.json().message).toContain('cannot be used from IP address 198.51.100.7');
  });

  it('rejects malformed trusted IPs with 400', async () => {
    const identity = await t.app.inject({ method: 'POST', url: '/api/v1/identities', headers: authHeader(token()), payload: { name: 'x', organizationId: admin.orgId } });
    const response = await t.app.inject({
      method: 'POST',
      url: `/api/v1/auth/universal-auth/identities/${identity.json().identity.id}`,
      headers: authHeader(token()),
      payload: { clientSecretTrustedIps: [{ ipAddress: '10.0.0.0/99' }] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain("'10.0.0.0/99' is not an IP address or CIDR range");
    expect(await t.db.selectFrom('identity_universal_auths').selectAll().where('identity_id', '=', identity.json().identity.id).execute()).toEqual([]);
  });

  it('honours the access token TTL, max TTL, renewal and use limit', async () => {
    const identity = await createMachineIdentity(t, token(), { universalAuth: { accessTokenTTL: 60, accessTokenMaxTTL: 150, accessTokenNumUsesLimit: 0 } });
    expect((await whoAmI(identity.accessToken)).statusCode).toBe(200);
    clock.advance(50_000);
    const renewed = await t.app.inject({ method: 'POST', url: '/api/v1/auth/token/renew', payload: { accessToken: identity.accessToken } });
    expect(renewed.statusCode).toBe(200);
    expect(renewed.json()).toMatchObject({ expiresIn: 60, accessTokenMaxTTL: 150 });
    clock.advance(50_000);
    expect((await whoAmI(identity.accessToken)).statusCode).toBe(200);
    clock.advance(20_000);
    const expired = await whoAmI(identity.accessToken);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().message).toContain('its TTL of 60 seconds has passed');

    const limited = await createMachineIdentity(t, token(), { universalAuth: { accessTokenNumUsesLimit: 2 } });
    expect((await whoAmI(limited.accessToken)).statusCode).toBe(200);
    expect((await whoAmI(limited.accessToken)).statusCode).toBe(200);
    const used = await whoAmI(limited.accessToken);
    expect(used.statusCode).toBe(401);
    expect(used.json().message).toContain('reached its use limit of 2 uses');
  });

  it('revokes an access token (POST /api/v1/auth/token/revoke) and everything when Universal Auth is removed', async () => {
    const identity = await createMachineIdentity(t, token());
    const revoke = await t.app.inject({ method: 'POST', url: '/api/v1/auth/token/revoke', payload: { accessToken: identity.accessToken } });
    expect(revoke.statusCode).toBe(200);
    expect(revoke.json()).toEqual({ message: 'Successfully revoked access token' });
    const after = await whoAmI(identity.accessToken);
    expect(after.statusCode).toBe(401);
    expect(after.json().message).toBe('Access token has been revoked');
    const garbage = await t.app.inject({ method: 'POST', url: '/api/v1/auth/token/revoke', payload: { accessToken: 'garbage' } });
    expect(garbage.statusCode).toBe(401);

    const fresh = (await login(identity.clientId, identity.clientSecret)).json().accessToken;
    const removed = await t.app.inject({ method: 'DELETE', url: `/api/v1/auth/universal-auth/identities/${identity.identityId}`, headers: authHeader(token()) });
    expect(removed.statusCode).toBe(200);
    expect((await whoAmI(fresh)).statusCode).toBe(401);
    expect((await login(identity.clientId, identity.clientSecret)).statusCode).toBe(401);
  });

  it('deleting an identity invalidates its tokens and memberships', async () => {
    const project = await createProject(t, token());
    const identity = await createMachineIdentity(t, token(), { projectId: project.id, projectRole: 'viewer' });
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/workspace/${project.id}`, headers: authHeader(identity.accessToken) })).statusCode).toBe(200);
    const deleted = await t.app.inject({ method: 'DELETE', url: `/api/v1/identities/${identity.identityId}`, headers: authHeader(token()) });
    expect(deleted.statusCode).toBe(200);
    const after = await t.app.inject({ method: 'GET', url: `/api/v1/workspace/${project.id}`, headers: authHeader(identity.accessToken) });
    expect(after.statusCode).toBe(401);
  });

  it('updates settings with PATCH and validates TTL against max TTL', async () => {
    const identity = await createMachineIdentity(t, token());
    const url = `/api/v1/auth/universal-auth/identities/${identity.identityId}`;
    const bad = await t.app.inject({ method: 'PATCH', url, headers: authHeader(token()), payload: { accessTokenTTL: 3_000_000 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('accessTokenTTL cannot be greater than accessTokenMaxTTL');
    const good = await t.app.inject({ method: 'PATCH', url, headers: authHeader(token()), payload: { accessTokenTTL: 600, accessTokenMaxTTL: 3600 } });
    expect(good.statusCode).toBe(200);
    expect(good.json().identityUniversalAuth).toMatchObject({ accessTokenTTL: 600, accessTokenMaxTTL: 3600 });
    const fetched = await t.app.inject({ method: 'GET', url, headers: authHeader(token()) });
    expect(fetched.json().identityUniversalAuth.accessTokenTTL).toBe(600);
  });
});
