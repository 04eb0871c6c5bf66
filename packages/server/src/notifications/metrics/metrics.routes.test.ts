import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, bootstrap, type Bootstrapped, createUser } from '../../test-support/fixtures.js';
import { startTestApp, type TestApp } from '../../test-support/test-app.js';

describe('/metrics access', () => {
  let t: TestApp;
  let admin: Bootstrapped;

  beforeAll(async () => {
    t = await startTestApp({ env: { REKEY_METRICS_PORT: '0' } });
    admin = await bootstrap(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it("needs an admin of the instance's organization on the main port", async () => {
    expect((await t.app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const member = await createUser(t, admin.userToken, { orgRole: 'member' });
    expect((await t.app.inject({ method: 'GET', url: '/metrics', headers: authHeader(member.token) })).statusCode).toBe(403);
    const response = await t.app.inject({ method: 'GET', url: '/metrics', headers: authHeader(admin.adminIdentityToken) });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.body).toContain('# TYPE rekey_rotation_attempts_total counter');
    expect(response.body).toMatch(/^rekey_rotations_due 0$/m);
  });

  it('serves the separate port without authentication, and nothing else there', async () => {
    await t.app.services.startBackgroundWork();
    const url = t.app.services.notifications.metricsUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const response = await fetch(url ?? '');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('rekey_rotation_pending_revocations 0');
    expect((await fetch((url ?? '').replace('/metrics', '/api/status'))).status).toBe(404);
  });

  it('is public on the main port only when REKEY_METRICS_PUBLIC=true', async () => {
    const open = await startTestApp({ env: { REKEY_METRICS_PUBLIC: 'true' } });
    try {
      const response = await open.app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('process_cpu_user_seconds_total');
    } finally {
      await open.close();
    }
  });
});
