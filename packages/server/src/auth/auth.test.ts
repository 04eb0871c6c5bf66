import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../lib/clock.js';
import { authHeader, bootstrap, createUser, type Bootstrapped } from '../test-support/fixtures.js';
import { sentinelValue } from '../test-support/sentinel.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';
import { refreshCookieName } from './session-cookie.js';

function refreshCookie(response: { cookies: { name: string; value: string }[] }): string {
  const cookie = response.cookies.find((c) => c.name === refreshCookieName);
  if (!cookie) throw new Error('no refresh cookie set');
  return cookie.value;
}

describe('bootstrap', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports setup state, bootstraps once, and refuses a second time with 400', async () => {
    const before = await t.app.inject({ method: 'GET', url: '/api/v1/admin/config' });
    expect(before.json()).toEqual({ config: { initialized: false, isSmtpConfigured: false } });

    const body = { email: 'First@Example.com', password: sentinelValue('password'), organization: 'Acme' };
    const [first, concurrent] = await Promise.all([
      t.app.inject({ method: 'POST', url: '/api/v1/admin/bootstrap', payload: body }),
      t.app.inject({ method: 'POST', url: '/api/v1/admin/bootstrap', payload: { ...body, email: 'other@example.com' } }),
    ]);
    const statuses = [first.statusCode, concurrent.statusCode].sort();
    expect(statuses).toEqual([200, 400]);
    const winner = first.statusCode === 200 ? first : concurrent;
    const result = winner.json();
    expect(result.message).toBe('Successfully bootstrapped instance');
    expect(result.user).toMatchObject({ superAdmin: true });
    expect(result.organization).toMatchObject({ name: 'Acme' });
    expect(result.identity).toMatchObject({ name: 'Instance Admin Identity', role: 'admin', orgId: result.organization.id });
    expect(result.identity.credentials.token).toEqual(expect.any(String));

    const again = await t.app.inject({ method: 'POST', url: '/api/v1/admin/bootstrap', payload: body });
    expect(again.statusCode).toBe(400);
    expect(again.json().message).toContain('instance is already set up');
    const counts = await t.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(counts.n).toBe(1);

    const after = await t.app.inject({ method: 'GET', url: '/api/v1/admin/config' });
    expect(after.json().config.initialized).toBe(true);

    // The identity token works at once: it is an org admin.
    const orgs = await t.app.inject({ method: 'GET', url: '/api/v1/identities', headers: authHeader(result.identity.credentials.token) });
    expect(orgs.statusCode).toBe(200);
  });

  it('stores the password as an argon2id hash', async () => {
    const row = await t.db.selectFrom('users').select('password_hash').executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});

describe('password policy at bootstrap', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['short', 'Password is too short'],
    ['password123', 'most common passwords'],
    ['basketball', 'most common passwords'],
  ])('refuses %s', async (password, message) => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v1/admin/bootstrap', payload: { email: 'a@example.com', password, organization: 'Acme' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain(message);
    const settings = await t.db.selectFrom('instance_settings').selectAll().execute();
    expect(settings).toEqual([]);
  });
});

describe('user sessions', () => {
  let t: TestApp;
  let admin: Bootstrapped;
  const clock = createManualClock(new Date('2030-01-01T00:00:00Z'));
  beforeAll(async () => {
    t = await startTestApp({ clock, env: { REKEY_PUBLIC_URL: 'https://rekey.example.com' } });
    admin = await bootstrap(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (email: string, password: string, remoteAddress = '127.0.0.1') =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress });

  it('signs in with an access token and a strict, httpOnly, secure refresh cookie', async () => {
    const response = await login(admin.adminEmail.toUpperCase(), admin.adminPassword);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, organizationId: admin.orgId, organization: { role: 'admin' } });
    const cookie = response.cookies.find((c) => c.name === refreshCookieName);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: true, path: '/api/v1/auth' });
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: authHeader(body.accessToken) });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ user: { email: admin.adminEmail }, organization: { id: admin.orgId, role: 'admin' } });
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const unknown = await login('nobody@example.com', 'Wrong-password-1');
    const wrong = await login(admin.adminEmail, 'Wrong-password-1');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    const strip = (body: Record<string, unknown>) => ({ ...body, reqId: undefined });
    expect(strip(unknown.json())).toEqual(strip(wrong.json()));
    expect(unknown.json().message).toBe('Invalid credentials: the email address or password is wrong');
  });

  it('rejects requests without a token, with a malformed token, and with an expired token', async () => {
    const missing = await t.app.inject({ method: 'GET', url: '/api/v1/users/me' });
    expect(missing.statusCode).toBe(401);
    expect(missing.json().message).toBe('Token missing');
    const malformed = await t.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: authHeader('not-a-jwt') });
    expect(malformed.statusCode).toBe(401);
    expect(malformed.json().message).toContain('Invalid token');
    const notBearer = await t.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: { authorization: 'Basic abc' } });
    expect(notBearer.statusCode).toBe(401);

    const { accessToken } = (await login(admin.adminEmail, admin.adminPassword)).json();
    clock.advance(16 * 60 * 1000);
    const expired = await t.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: authHeader(accessToken) });
    expect(expired.statusCode).toBe(401);
    expect(expired.json().message).toContain('Access token expired');
  });

  it('rotates the refresh token on every use and revokes the whole session when an old one is reused', async () => {
    const first = await login(admin.adminEmail, admin.adminPassword);
    const cookie1 = refreshCookie(first);
    const access1 = first.json().accessToken;

    const refreshed = await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', cookies: { [refreshCookieName]: cookie1 } });
    expect(refreshed.statusCode).toBe(200);
    const cookie2 = refreshCookie(refreshed);
    expect(cookie2).not.toBe(cookie1);
    const access2 = refreshed.json().accessToken;
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: authHeader(access2) })).statusCode).toBe(200);

    // Reusing the first (already rotated) token: the attacker and the victim share one family, so all of it ends.
    const reused = await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', cookies: { [refreshCookieName]: cookie1 } });
    expect(reused.statusCode).toBe(401);
    expect(reused.json().message).toContain('already used');
    for (const token of [access1, access2]) {
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: authHeader(token) });
      expect(me.statusCode).toBe(401);
      expect(me.json().message).toContain('Session has been revoked');
    }
    const next = await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', cookies: { [refreshCookieName]: cookie2 } });
    expect(next.statusCode).toBe(401);
    const events = await t.db.selectFrom('audit_logs').select('event_type').where('event_type', '=', 'refresh-token-reuse-detected').execute();
    expect(events).toHaveLength(1);
  });

  it('refuses a missing or unknown refresh cookie and an expired session', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/token' })).json().message).toContain('Refresh token missing');
    const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', cookies: { [refreshCookieName]: 'x'.repeat(43) } });
    expect(unknown.statusCode).toBe(401);
    const session = await login(admin.adminEmail, admin.adminPassword);
    clock.advance(8 * 24 * 60 * 60 * 1000);
    const late = await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', cookies: { [refreshCookieName]: refreshCookie(session) } });
    expect(late.statusCode).toBe(401);
    expect(late.json().message).toContain('Session expired');
  });

  it('logs out: the access token and the refresh cookie stop working', async () => {
    const session = await login(admin.adminEmail, admin.adminPassword);
    const cookie = refreshCookie(session);
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies: { [refreshCookieName]: cookie } });
    expect(out.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: authHeader(session.json().accessToken) })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', cookies: { [refreshCookieName]: cookie } })).statusCode).toBe(401);
  });

  it('changing the password signs out the other sessions and keeps this one', async () => {
    const adminToken = (await login(admin.adminEmail, admin.adminPassword)).json().accessToken;
    const user = await createUser(t, adminToken);
    const other = await login(user.email, user.password);
    const otherCookie = refreshCookie(other);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users/me/password',
      headers: authHeader(user.token),
      payload: { currentPassword: 'not-my-password', newPassword: sentinelValue('new') },
    });
    expect(wrong.statusCode).toBe(400);
    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users/me/password',
      headers: authHeader(user.token),
      payload: { currentPassword: user.password, newPassword: 'password123' },
    });
    expect(weak.statusCode).toBe(400);
    const newPassword = sentinelValue('new');
    const changed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users/me/password',
      headers: authHeader(user.token),
      payload: { currentPassword: user.password, newPassword },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().message).toContain('1 other session(s) signed out');
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: authHeader(user.token) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: authHeader(other.json().accessToken) })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/token', cookies: { [refreshCookieName]: otherCookie } })).statusCode).toBe(401);
    expect((await login(user.email, user.password)).statusCode).toBe(401);
    expect((await login(user.email, newPassword)).statusCode).toBe(200);
  });

  it('machine identities cannot use user-only routes', async () => {
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: authHeader(admin.adminIdentityToken) });
    expect(me.statusCode).toBe(400);
  });
});

describe('login rate limiting', () => {
  let t: TestApp;
  let admin: Bootstrapped;
  const clock = createManualClock(new Date('2030-01-01T00:00:00Z'));
  beforeAll(async () => {
    t = await startTestApp({ clock, env: { REKEY_LOGIN_RATE_LIMIT_PER_MINUTE: '6', REKEY_ACCOUNT_LOGIN_FAILURES_PER_15_MINUTES: '3' } });
    admin = await bootstrap(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (email: string, password: string, remoteAddress: string) =>
    t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress });

  it('limits attempts per IP address, with Retry-After, and resets after the window', async () => {
    const answers: number[] = [];
    for (let i = 0; i < 7; i += 1) answers.push((await login(`someone${i}@example.com`, 'Wrong-password-1', '10.1.1.1')).statusCode);
    expect(answers).toEqual([401, 401, 401, 401, 401, 401, 429]);
    const limited = await login(admin.adminEmail, admin.adminPassword, '10.1.1.1');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().message).toContain('Too many sign-in attempts from this IP address');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await login(admin.adminEmail, admin.adminPassword, '10.1.1.2')).statusCode).toBe(200);
    clock.advance(61_000);
    expect((await login(admin.adminEmail, admin.adminPassword, '10.1.1.1')).statusCode).toBe(200);
  });

  it('locks an account after repeated failures from any address, the same way for unknown emails', async () => {
    for (const [index, email] of [admin.adminEmail, 'ghost@example.com'].entries()) {
      for (let i = 0; i < 3; i += 1) expect((await login(email, 'Wrong-password-1', `10.2.${index}.${i}`)).statusCode).toBe(401);
      const locked = await login(email, email === admin.adminEmail ? admin.adminPassword : 'Wrong-password-1', `10.3.${index}.1`);
      expect(locked.statusCode).toBe(429);
      expect(locked.json().message).toContain('Too many failed sign-in attempts for this account');
    }
    clock.advance(15 * 60_000 + 1000);
    expect((await login(admin.adminEmail, admin.adminPassword, '10.4.0.1')).statusCode).toBe(200);
  });
});
