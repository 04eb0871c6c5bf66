import { randomBytes } from 'node:crypto';
import type { PermissionAction, ProjectSubject } from '../permissions/permissions.types.js';
import { sentinelValue } from './sentinel.js';
import type { TestApp } from './test-app.js';

/**
 * Test fixtures that go through the real HTTP routes (`t.app.inject`), never the database, so every fixture
 * call is also a test of those routes. Passwords and client secrets are sentinel values: the end-of-run scan
 * proves none of them is stored in plain text.
 */

export function authHeader(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

type InjectResult = { statusCode: number; body: string; json: () => unknown };

async function call<T>(t: TestApp, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, token: string | undefined, payload?: unknown): Promise<T> {
  const response: InjectResult = await t.app.inject({
    method,
    url,
    headers: token ? authHeader(token) : {},
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  if (response.statusCode !== 200) throw new Error(`${method} ${url} answered ${response.statusCode}: ${response.body}`);
  return response.json() as T;
}

/** The organization the token acts in: a user's current one, or the identity's. */
export async function currentOrgId(t: TestApp, token: string): Promise<string> {
  const me = await t.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: authHeader(token) });
  if (me.statusCode === 200) return (me.json() as { organization: { id: string } }).organization.id;
  const orgs = await call<{ organizations: { id: string }[] }>(t, 'GET', '/api/v1/organization', token);
  return orgs.organizations[0]?.id ?? '';
}

function uniqueEmail(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}@example.com`;
}

export type Bootstrapped = {
  adminEmail: string;
  adminPassword: string;
  /** The admin user's access JWT (15 minutes). */
  userToken: string;
  orgId: string;
  /** The non-expiring token of the instance admin machine identity (org admin). */
  adminIdentityToken: string;
  adminIdentityId: string;
  adminUserId: string;
};

/** Sets up the instance (first admin, organization, admin identity) and signs the admin in. */
export async function bootstrap(t: TestApp, options: { organization?: string } = {}): Promise<Bootstrapped> {
  const adminEmail = uniqueEmail('admin');
  const adminPassword = sentinelValue('password');
  const setup = await call<{ user: { id: string }; organization: { id: string }; identity: { id: string; credentials: { token: string } } }>(
    t,
    'POST',
    '/api/v1/admin/bootstrap',
    undefined,
    { email: adminEmail, password: adminPassword, organization: options.organization ?? 'Test Org' },
  );
  const login = await call<{ accessToken: string }>(t, 'POST', '/api/v1/auth/login', undefined, { email: adminEmail, password: adminPassword });
  return {
    adminEmail,
    adminPassword,
    userToken: login.accessToken,
    orgId: setup.organization.id,
    adminIdentityToken: setup.identity.credentials.token,
    adminIdentityId: setup.identity.id,
    adminUserId: setup.user.id,
  };
}

export type CreatedProject = { id: string; slug: string; name: string; environments: { id: string; name: string; slug: string; position: number }[] };

/** `POST /api/v2/workspace`; the caller (user or identity) becomes the project's admin. */
export async function createProject(t: TestApp, token: string, options: { name?: string; slug?: string } = {}): Promise<CreatedProject> {
  const { project } = await call<{ project: CreatedProject }>(t, 'POST', '/api/v2/workspace', token, {
    projectName: options.name ?? `Project ${randomBytes(3).toString('hex')}`,
    ...(options.slug ? { slug: options.slug } : {}),
  });
  return { id: project.id, slug: project.slug, name: project.name, environments: project.environments };
}

export type ProjectRoleInput = string;

export type CreatedIdentity = { identityId: string; clientId: string; clientSecret: string; accessToken: string; name: string };

/**
 * A machine identity with Universal Auth (Infisical's defaults unless overridden), one client secret and a
 * logged-in access token; optionally added to a project with `projectRole` (default `member`).
 */
export async function createMachineIdentity(
  t: TestApp,
  token: string,
  options: {
    orgRole?: 'admin' | 'member' | 'no-access';
    projectId?: string;
    projectRole?: ProjectRoleInput;
    projectRoles?: ProjectRoleInput[];
    name?: string;
    universalAuth?: Record<string, unknown>;
    clientSecret?: { description?: string; numUsesLimit?: number; ttl?: number };
  } = {},
): Promise<CreatedIdentity> {
  const organizationId = await currentOrgId(t, token);
  const name = options.name ?? `identity-${randomBytes(3).toString('hex')}`;
  const { identity } = await call<{ identity: { id: string } }>(t, 'POST', '/api/v1/identities', token, {
    name,
    organizationId,
    role: options.orgRole ?? 'member',
  });
  const { identityUniversalAuth } = await call<{ identityUniversalAuth: { clientId: string } }>(
    t,
    'POST',
    `/api/v1/auth/universal-auth/identities/${identity.id}`,
    token,
    options.universalAuth ?? {},
  );
  const { clientSecret } = await call<{ clientSecret: string }>(
    t,
    'POST',
    `/api/v1/auth/universal-auth/identities/${identity.id}/client-secrets`,
    token,
    options.clientSecret ?? { description: 'fixture' },
  );
  if (options.projectId) {
    const roles = options.projectRoles ?? [options.projectRole ?? 'member'];
    await call(t, 'POST', `/api/v2/workspace/${options.projectId}/identity-memberships/${identity.id}`, token, { roles: roles.map((role) => ({ role })) });
  }
  const login = await call<{ accessToken: string }>(t, 'POST', '/api/v1/auth/universal-auth/login', undefined, {
    clientId: identityUniversalAuth.clientId,
    clientSecret,
  });
  return { identityId: identity.id, clientId: identityUniversalAuth.clientId, clientSecret, accessToken: login.accessToken, name };
}

export type CreatedUser = { userId: string; email: string; password: string; token: string; orgMembershipId: string; projectMembershipId?: string };

/** Invites a user into the admin's organization, accepts the invitation (setting a password) and returns their session token. */
export async function createUser(
  t: TestApp,
  adminToken: string,
  options: { orgRole?: 'admin' | 'member' | 'no-access'; projectId?: string; projectRole?: ProjectRoleInput; projectRoles?: ProjectRoleInput[]; email?: string } = {},
): Promise<CreatedUser> {
  const organizationId = await currentOrgId(t, adminToken);
  const email = options.email ?? uniqueEmail('user');
  const invite = await call<{ completeInviteLinks: { email: string; link: string }[] }>(t, 'POST', '/api/v1/invite-org/signup', adminToken, {
    inviteeEmails: [email],
    organizationId,
    organizationRoleSlug: options.orgRole ?? 'member',
  });
  const link = invite.completeInviteLinks[0]?.link ?? '';
  const inviteToken = new URL(link).searchParams.get('token') ?? '';
  const password = sentinelValue('password');
  const accepted = await call<{ accessToken: string; user: { id: string } }>(t, 'POST', '/api/v1/invite-org/accept', undefined, { email, token: inviteToken, password });
  const members = await call<{ users: { id: string; user: { id: string } }[] }>(t, 'GET', `/api/v2/organizations/${organizationId}/memberships`, adminToken);
  const orgMembershipId = members.users.find((member) => member.user.id === accepted.user.id)?.id ?? '';
  let projectMembershipId: string | undefined;
  if (options.projectId) {
    const roleSlugs = options.projectRoles ?? [options.projectRole ?? 'member'];
    const added = await call<{ memberships: { id: string }[] }>(t, 'POST', `/api/v2/workspace/${options.projectId}/memberships`, adminToken, { emails: [email], roleSlugs });
    projectMembershipId = added.memberships[0]?.id;
  }
  return { userId: accepted.user.id, email, password, token: accepted.accessToken, orgMembershipId, ...(projectMembershipId ? { projectMembershipId } : {}) };
}

export type RuleFixture = {
  subject: ProjectSubject;
  action: PermissionAction | PermissionAction[];
  conditions?: { environment?: string | { $in: string[] }; secretPath?: string | { $glob: string }; connectionId?: string };
  inverted?: boolean;
};

/** Creates a custom project role (`POST /api/v1/workspace/:projectId/roles`); assign it by its slug. */
export async function addProjectRole(
  t: TestApp,
  token: string,
  projectId: string,
  role: { slug?: string; name?: string; description?: string; permissions: RuleFixture[] },
): Promise<{ id: string; slug: string }> {
  const slug = role.slug ?? `role-${randomBytes(3).toString('hex')}`;
  const created = await call<{ role: { id: string; slug: string } }>(t, 'POST', `/api/v1/workspace/${projectId}/roles`, token, {
    slug,
    name: role.name ?? slug,
    description: role.description ?? '',
    permissions: role.permissions,
  });
  return { id: created.role.id, slug: created.role.slug };
}
