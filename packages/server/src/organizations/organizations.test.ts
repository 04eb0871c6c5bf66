import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, bootstrap, createProject, createUser, type Bootstrapped } from '../test-support/fixtures.js';
import { sentinelValue } from '../test-support/sentinel.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';

function inviteToken(link: string): string {
  return new URL(link).searchParams.get('token') ?? '';
}

describe('organizations, members and invitations', () => {
  let t: TestApp;
  let admin: Bootstrapped;
  beforeAll(async () => {
    t = await startTestApp({ env: { REKEY_PUBLIC_URL: 'https://rekey.example.com' } });
    admin = await bootstrap(t, { organization: 'Acme' });
  });
  afterAll(async () => {
    await t.close();
  });

  const invite = (token: string, emails: string[], role = 'member', organizationId = admin.orgId) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/invite-org/signup',
      headers: authHeader(token),
      payload: { inviteeEmails: emails, organizationId, organizationRoleSlug: role },
    });

  it('invites by email with a one-time link; the invitee sets a password and is signed in', async () => {
    const response = await invite(admin.userToken, ['New.Person@example.com']);
    expect(response.statusCode).toBe(200);
    const [entry] = response.json().completeInviteLinks;
    expect(entry.email).toBe('new.person@example.com');
    expect(entry.link).toMatch(/^https:\/\/rekey\.example\.com\/signup\/invite\?token=/);
    expect(response.json().message).toContain('SMTP is not configured');

    const members = await t.app.inject({ method: 'GET', url: `/api/v2/organizations/${admin.orgId}/memberships`, headers: authHeader(admin.userToken) });
    expect(members.json().users.find((m: { user: { email: string } }) => m.user.email === 'new.person@example.com')).toMatchObject({ status: 'invited', role: 'member' });

    const pendingLogin = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'new.person@example.com', password: 'Anything-at-all-1' } });
    expect(pendingLogin.statusCode).toBe(401);

    const token = inviteToken(entry.link);
    const verify = await t.app.inject({ method: 'POST', url: '/api/v1/invite-org/verify', payload: { email: 'new.person@example.com', token } });
    expect(verify.json().invitation).toMatchObject({ role: 'member', needsPassword: true, organization: { name: 'Acme' } });

    const weak = await t.app.inject({ method: 'POST', url: '/api/v1/invite-org/accept', payload: { email: 'new.person@example.com', token, password: 'password123' } });
    expect(weak.statusCode).toBe(400);
    const password = sentinelValue('password');
    const accepted = await t.app.inject({ method: 'POST', url: '/api/v1/invite-org/accept', payload: { email: 'new.person@example.com', token, password, firstName: 'New' } });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({ tokenType: 'Bearer', organizationId: admin.orgId, user: { firstName: 'New' } });
    expect(accepted.cookies.some((c) => c.name === 'rekey_refresh')).toBe(true);

    const reused = await t.app.inject({ method: 'POST', url: '/api/v1/invite-org/accept', payload: { email: 'new.person@example.com', token, password } });
    expect(reused.statusCode).toBe(401);
    expect(reused.json().message).toContain('already used');
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 'new.person@example.com', password } });
    expect(login.statusCode).toBe(200);

    const again = await invite(admin.userToken, ['new.person@example.com']);
    expect(again.statusCode).toBe(409);
  });

  it('a newer invitation replaces the older link; a wrong email or token is refused', async () => {
    const first = inviteToken((await invite(admin.userToken, ['twice@example.com'])).json().completeInviteLinks[0].link);
    const second = inviteToken((await invite(admin.userToken, ['twice@example.com'], 'admin')).json().completeInviteLinks[0].link);
    const old = await t.app.inject({ method: 'POST', url: '/api/v1/invite-org/verify', payload: { email: 'twice@example.com', token: first } });
    expect(old.statusCode).toBe(401);
    const wrongEmail = await t.app.inject({ method: 'POST', url: '/api/v1/invite-org/verify', payload: { email: 'other@example.com', token: second } });
    expect(wrongEmail.statusCode).toBe(401);
    const current = await t.app.inject({ method: 'POST', url: '/api/v1/invite-org/verify', payload: { email: 'twice@example.com', token: second } });
    expect(current.json().invitation.role).toBe('admin');
  });

  it('changes roles and removes members, never the last admin; a removed member is signed out at once', async () => {
    const project = await createProject(t, admin.userToken);
    const user = await createUser(t, admin.userToken, { projectId: project.id, projectRole: 'viewer' });
    const base = `/api/v2/organizations/${admin.orgId}/memberships`;
    const promoted = await t.app.inject({ method: 'PATCH', url: `${base}/${user.orgMembershipId}`, headers: authHeader(admin.userToken), payload: { role: 'admin' } });
    expect(promoted.json().membership.role).toBe('admin');
    // The new role applies to the existing token immediately: it is read from the database per request.
    const asAdmin = await t.app.inject({ method: 'GET', url: base, headers: authHeader(user.token) });
    expect(asAdmin.statusCode).toBe(200);

    const members = asAdmin.json().users as { id: string; user: { email: string } }[];
    const adminMembership = members.find((m) => m.user.email === admin.adminEmail)?.id ?? '';
    expect((await t.app.inject({ method: 'PATCH', url: `${base}/${user.orgMembershipId}`, headers: authHeader(admin.userToken), payload: { role: 'member' } })).statusCode).toBe(200);
    const lastAdmin = await t.app.inject({ method: 'PATCH', url: `${base}/${adminMembership}`, headers: authHeader(admin.userToken), payload: { role: 'member' } });
    expect(lastAdmin.statusCode).toBe(400);
    expect(lastAdmin.json().message).toContain('last admin');
    const removeLast = await t.app.inject({ method: 'DELETE', url: `${base}/${adminMembership}`, headers: authHeader(admin.userToken) });
    expect(removeLast.statusCode).toBe(400);

    const removed = await t.app.inject({ method: 'DELETE', url: `${base}/${user.orgMembershipId}`, headers: authHeader(admin.userToken) });
    expect(removed.statusCode).toBe(200);
    const after = await t.app.inject({ method: 'GET', url: `/api/v1/workspace/${project.id}`, headers: authHeader(user.token) });
    expect(after.statusCode).toBe(401);
    const projectMembers = await t.db.selectFrom('project_memberships').selectAll().where('user_id', '=', user.userId).execute();
    expect(projectMembers).toEqual([]);
  });

  it('org members may not manage members; org roles outside the list are refused', async () => {
    const member = await createUser(t, admin.userToken, { orgRole: 'member' });
    expect((await invite(member.token, ['x@example.com'])).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: `/api/v2/organizations/${admin.orgId}/memberships`, headers: authHeader(member.token) })).statusCode).toBe(403);
    expect((await invite(admin.userToken, ['y@example.com'], 'owner')).statusCode).toBe(400);
  });

  it('a user can create a second organization and switch to it; the other organization is then invisible (404)', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v2/organizations', headers: authHeader(admin.userToken), payload: { name: 'Globex' } });
    expect(created.statusCode).toBe(200);
    const globex = created.json().organization;
    const switched = await t.app.inject({ method: 'POST', url: '/api/v3/auth/select-organization', headers: authHeader(admin.userToken), payload: { organizationId: globex.id } });
    expect(switched.statusCode).toBe(200);
    const globexToken = switched.json().token;
    const mine = await t.app.inject({ method: 'GET', url: '/api/v1/organization', headers: authHeader(globexToken) });
    expect(mine.json().organizations.map((o: { name: string }) => o.name).sort()).toEqual(['Acme', 'Globex']);
    const acme = await t.app.inject({ method: 'GET', url: `/api/v1/organization/${admin.orgId}`, headers: authHeader(globexToken) });
    expect(acme.statusCode).toBe(404);
    const acmeMembers = await t.app.inject({ method: 'GET', url: `/api/v2/organizations/${admin.orgId}/memberships`, headers: authHeader(globexToken) });
    expect(acmeMembers.statusCode).toBe(404);
    expect((await invite(globexToken, ['z@example.com'], 'member', admin.orgId)).statusCode).toBe(404);
    const notMine = await t.app.inject({ method: 'POST', url: '/api/v3/auth/select-organization', headers: authHeader(admin.adminIdentityToken), payload: { organizationId: globex.id } });
    expect(notMine.statusCode).toBe(400);
  });

  it('renames the organization (admins only)', async () => {
    const renamed = await t.app.inject({ method: 'PATCH', url: `/api/v1/organization/${admin.orgId}`, headers: authHeader(admin.adminIdentityToken), payload: { name: 'Acme Corp' } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().organization.name).toBe('Acme Corp');
  });
});

describe('invitation emails', () => {
  let t: TestApp;
  let smtp: SMTPServer;
  const received: { to: string; body: string }[] = [];
  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let body = '';
        stream.on('data', (chunk: Buffer) => {
          body += chunk.toString('utf8');
        });
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), body });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    const { port } = smtp.server.address() as AddressInfo;
    t = await startTestApp({ env: { REKEY_SMTP_URL: `smtp://127.0.0.1:${port}`, REKEY_SMTP_FROM: 'Rekey <rekey@example.com>' } });
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  it('sends the one-time link by email when SMTP is configured', async () => {
    const admin = await bootstrap(t, { organization: 'Mailers' });
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/v1/invite-org/signup',
      headers: authHeader(admin.userToken),
      payload: { inviteeEmails: ['mail@example.com'], organizationId: admin.orgId },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().message).toContain('invitation emails sent');
    expect(received).toHaveLength(1);
    expect(received[0]?.to).toBe('mail@example.com');
    const token = inviteToken(response.json().completeInviteLinks[0].link);
    expect(received[0]?.body.replace(/=\r?\n/g, '')).toContain(token);
    expect(received[0]?.body).toContain('Mailers');
  });
});
