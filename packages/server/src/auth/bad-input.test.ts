import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, bootstrap, createMachineIdentity, createProject, createUser, type Bootstrapped } from '../test-support/fixtures.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';

const tables = [
  'users',
  'organizations',
  'org_memberships',
  'org_invitations',
  'user_sessions',
  'refresh_tokens',
  'identities',
  'identity_universal_auths',
  'identity_client_secrets',
  'identity_access_tokens',
  'projects',
  'project_environments',
  'project_memberships',
  'project_membership_roles',
  'project_roles',
  'audit_logs',
  'instance_settings',
] as const;

async function rowCounts(t: TestApp): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const row = await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    counts[table] = row.n;
  }
  return counts;
}

type BadCase = { method: 'GET' | 'POST' | 'PATCH' | 'DELETE'; url: string; bodies?: unknown[]; token?: string };

const long = (n: number) => 'x'.repeat(n);

async function expectAll400(t: TestApp, cases: BadCase[]): Promise<void> {
  const before = await rowCounts(t);
  const wrong: string[] = [];
  for (const testCase of cases) {
    for (const body of testCase.bodies ?? [undefined]) {
      const response = await t.app.inject({
        method: testCase.method,
        url: testCase.url,
        headers: testCase.token ? authHeader(testCase.token) : {},
        ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
      });
      const ok = response.statusCode === 400 && response.json().code === 'bad_request' && typeof response.json().message === 'string';
      if (!ok) wrong.push(`${testCase.method} ${testCase.url} ${JSON.stringify(body)?.slice(0, 80)} → ${response.statusCode} ${response.body.slice(0, 200)}`);
    }
  }
  expect(wrong).toEqual([]);
  expect(await rowCounts(t)).toEqual(before);
}

describe('bad input answers 400 and writes nothing', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('bootstrap', async () => {
    await expectAll400(t, [
      {
        method: 'POST',
        url: '/api/v1/admin/bootstrap',
        bodies: [
          {},
          { email: 5, password: 'Long-enough-password', organization: 'Acme' },
          { email: 'not-an-email', password: 'Long-enough-password', organization: 'Acme' },
          { email: 'a@example.com', password: long(300), organization: 'Acme' },
          { email: 'a@example.com', password: 'Long-enough-password', organization: long(65) },
          { email: `${long(250)}@example.com`, password: 'Long-enough-password', organization: 'Acme' },
          { email: 'a@example.com', password: 'short', organization: 'Acme' },
        ],
      },
    ]);
  });

  describe('after bootstrap', () => {
    let admin: Bootstrapped;
    let projectId: string;
    let identityId: string;
    let freeIdentityId: string;
    let userMembershipId: string;
    let orgMembershipId: string;
    let roleId: string;
    let userToken: string;
    beforeAll(async () => {
      admin = await bootstrap(t);
      const project = await createProject(t, admin.userToken);
      projectId = project.id;
      identityId = (await createMachineIdentity(t, admin.userToken, { projectId })).identityId;
      const free = await t.app.inject({ method: 'POST', url: '/api/v1/identities', headers: authHeader(admin.userToken), payload: { name: 'free', organizationId: admin.orgId } });
      freeIdentityId = free.json().identity.id;
      const user = await createUser(t, admin.userToken, { projectId });
      userMembershipId = user.projectMembershipId ?? '';
      orgMembershipId = user.orgMembershipId;
      userToken = user.token;
      const role = await t.app.inject({ method: 'POST', url: `/api/v1/workspace/${projectId}/roles`, headers: authHeader(admin.userToken), payload: { slug: 'r1', name: 'R1', permissions: [] } });
      roleId = role.json().role.id;
    });

    it('auth, users and organizations', async () => {
      const token = admin.userToken;
      await expectAll400(t, [
        { method: 'POST', url: '/api/v1/admin/bootstrap', bodies: [{ email: 'b@example.com', password: 'Long-enough-password', organization: 'Again' }] },
        {
          method: 'POST',
          url: '/api/v1/auth/login',
          bodies: [{}, { email: 1, password: 2 }, { email: admin.adminEmail, password: long(257) }, { email: admin.adminEmail, password: 'x', extra: true }, { email: admin.adminEmail, password: 'x', organizationId: 'nope' }],
        },
        { method: 'POST', url: '/api/v3/auth/select-organization', token, bodies: [{}, { organizationId: 'nope' }, { organizationId: 42 }] },
        { method: 'POST', url: '/api/v1/users/me/password', token: userToken, bodies: [{}, { currentPassword: 1, newPassword: [] }, { currentPassword: 'x', newPassword: long(257) }] },
        { method: 'POST', url: '/api/v2/organizations', token, bodies: [{}, { name: long(65) }, { name: 7 }, { name: '   ' }] },
        { method: 'PATCH', url: `/api/v1/organization/${admin.orgId}`, token, bodies: [{ name: '' }, { slug: 'Not A Slug' }, { slug: long(65) }] },
        { method: 'GET', url: '/api/v1/organization/not-a-uuid', token },
        { method: 'PATCH', url: `/api/v2/organizations/${admin.orgId}/memberships/${orgMembershipId}`, token, bodies: [{}, { role: 'owner' }, { role: 3 }] },
        {
          method: 'POST',
          url: '/api/v1/invite-org/signup',
          token,
          bodies: [
            {},
            { inviteeEmails: [], organizationId: admin.orgId },
            { inviteeEmails: ['not-an-email'], organizationId: admin.orgId },
            { inviteeEmails: ['ok@example.com'], organizationId: admin.orgId, organizationRoleSlug: 'owner' },
            { inviteeEmails: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`), organizationId: admin.orgId },
          ],
        },
        { method: 'POST', url: '/api/v1/invite-org/verify', bodies: [{}, { email: 'a@example.com', token: 'short' }] },
        { method: 'POST', url: '/api/v1/invite-org/accept', bodies: [{}, { email: 'a@example.com', token: long(129), password: 'Long-enough-password' }] },
      ]);
    });

    it('machine identities and Universal Auth', async () => {
      const token = admin.userToken;
      const ua = `/api/v1/auth/universal-auth/identities/${identityId}`;
      await expectAll400(t, [
        {
          method: 'POST',
          url: '/api/v1/identities',
          token,
          bodies: [{}, { name: long(65), organizationId: admin.orgId }, { name: 'a', organizationId: 'x' }, { name: 'a', organizationId: admin.orgId, role: 'root' }],
        },
        { method: 'PATCH', url: `/api/v1/identities/${identityId}`, token, bodies: [{ role: 'root' }, { name: '' }, { name: 12 }] },
        { method: 'GET', url: '/api/v1/identities/123', token },
        {
          method: 'POST',
          url: `/api/v1/auth/universal-auth/identities/${freeIdentityId}`,
          token,
          bodies: [
            { accessTokenTTL: -1 },
            { accessTokenTTL: 'ten' },
            { clientSecretTrustedIps: [] },
            { accessTokenTTL: 100, accessTokenMaxTTL: 10 },
            { accessTokenTrustedIps: [{ ipAddress: long(65) }] },
            { accessTokenTrustedIps: [{ ipAddress: '999.1.1.1' }] },
          ],
        },
        { method: 'PATCH', url: ua, token, bodies: [{ accessTokenNumUsesLimit: -5 }, { accessTokenMaxTTL: 400_000_000 }] },
        { method: 'POST', url: `${ua}/client-secrets`, token, bodies: [{ ttl: -1 }, { description: long(257) }, { numUsesLimit: 'many' }] },
        { method: 'POST', url: `${ua}/client-secrets/not-a-uuid/revoke`, token },
        { method: 'POST', url: '/api/v1/auth/universal-auth/login', bodies: [{}, { clientId: 5, clientSecret: 'x' }, { clientId: 'a', clientSecret: long(257) }] },
        { method: 'POST', url: '/api/v1/auth/token/revoke', bodies: [{}, { accessToken: long(9000) }] },
        { method: 'POST', url: '/api/v1/auth/token/renew', bodies: [{}, { accessToken: 1 }] },
      ]);
    });

    it('projects, environments, memberships, roles and audit logs', async () => {
      const token = admin.userToken;
      const p = `/api/v1/workspace/${projectId}`;
      const [dev] = (await t.app.inject({ method: 'GET', url: `${p}/environments`, headers: authHeader(token) })).json().environments;
      await expectAll400(t, [
        { method: 'POST', url: '/api/v2/workspace', token, bodies: [{}, { projectName: long(65) }, { projectName: 'a', slug: 'Bad Slug' }, { projectName: 5 }, { projectName: 'a', slug: long(37) }] },
        { method: 'PATCH', url: p, token, bodies: [{ name: '' }, { slug: '-bad-' }, { description: long(257) }] },
        { method: 'GET', url: '/api/v1/workspace/not-a-uuid', token },
        { method: 'POST', url: `${p}/environments`, token, bodies: [{}, { name: 'a', slug: 'BAD' }, { name: long(65), slug: 'ok' }, { name: 'a', slug: 'ok', position: 0 }] },
        { method: 'PATCH', url: `${p}/environments/${dev.id}`, token, bodies: [{ position: 'first' }, { slug: 'has space' }] },
        {
          method: 'POST',
          url: `/api/v2/workspace/${projectId}/identity-memberships/${freeIdentityId}`,
          token,
          bodies: [{}, { roles: [] }, { roles: [{ role: 'superuser' }] }, { roles: [{ role: long(65) }] }, { role: 'superuser' }, { roles: [{ role: 'viewer', isTemporary: true }] }],
        },
        { method: 'PATCH', url: `/api/v2/workspace/${projectId}/identity-memberships/${identityId}`, token, bodies: [{ roles: [{ role: 'superuser' }] }, { roles: 'admin' }] },
        {
          method: 'POST',
          url: `/api/v2/workspace/${projectId}/memberships`,
          token,
          bodies: [{}, { emails: ['bad'] }, { emails: [admin.adminEmail], roleSlugs: ['superuser'] }, { emails: ['nobody@example.com'] }],
        },
        { method: 'PATCH', url: `${p}/memberships/${userMembershipId}`, token, bodies: [{ roles: [{ role: 'nope' }] }, {}] },
        {
          method: 'POST',
          url: `${p}/roles`,
          token,
          bodies: [
            {},
            { slug: 'Bad', name: 'x', permissions: [] },
            { slug: 'ok', name: 'x', permissions: [{ subject: 'secrets', action: 'fly' }] },
            { slug: 'ok', name: 'x', permissions: 'all' },
            { slug: 'admin', name: 'x', permissions: [] },
            { slug: 'ok', name: long(65), permissions: [] },
          ],
        },
        { method: 'PATCH', url: `${p}/roles/${roleId}`, token, bodies: [{ permissions: [{ subject: 'x' }] }, { slug: 'viewer' }] },
        { method: 'GET', url: `${p}/audit-logs?limit=1000`, token },
        { method: 'GET', url: '/api/v1/organization/audit-logs?startDate=tomorrow', token },
      ]);
    });
  });
});
