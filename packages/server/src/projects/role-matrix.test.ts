import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, bootstrap, createMachineIdentity, createProject, type Bootstrapped, type CreatedProject } from '../test-support/fixtures.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';

/**
 * Who may call what, per route group: every actor calls every route. Allowed → 200; a member of the
 * organization without the permission → 403; an actor of another organization → 404 (existence does not leak).
 */
type ActorName = 'orgAdmin' | 'admin' | 'member' | 'viewer' | 'noAccess' | 'nonMember' | 'orgNoAccess' | 'outsider';
type Case = {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: () => Promise<string> | string;
  body?: () => unknown;
  allowed: ActorName[];
  /** Actors whose call is about another organization's resource (404 instead of 403). */
  outsiders?: ActorName[];
};

describe('role matrix', () => {
  let t: TestApp;
  let boot: Bootstrapped;
  let project: CreatedProject;
  let outsiderToken: string;
  const tokens = {} as Record<ActorName, string>;
  let counter = 0;
  const unique = (prefix: string) => {
    counter += 1;
    return `${prefix}-${counter}`;
  };

  beforeAll(async () => {
    t = await startTestApp();
    boot = await bootstrap(t);
    project = await createProject(t, boot.userToken);
    tokens.orgAdmin = boot.userToken;
    for (const [name, role] of [['admin', 'admin'], ['member', 'member'], ['viewer', 'viewer'], ['noAccess', 'no-access']] as const) {
      tokens[name] = (await createMachineIdentity(t, boot.userToken, { orgRole: 'member', projectId: project.id, projectRole: role })).accessToken;
    }
    tokens.nonMember = (await createMachineIdentity(t, boot.userToken, { orgRole: 'member' })).accessToken;
    tokens.orgNoAccess = (await createMachineIdentity(t, boot.userToken, { orgRole: 'no-access' })).accessToken;
    // Another organization's admin: the same person, switched to an organization of their own.
    const other = await t.app.inject({ method: 'POST', url: '/api/v2/organizations', headers: authHeader(boot.userToken), payload: { name: 'Elsewhere' } });
    const switched = await t.app.inject({
      method: 'POST',
      url: '/api/v3/auth/select-organization',
      headers: authHeader(boot.userToken),
      payload: { organizationId: other.json().organization.id },
    });
    outsiderToken = switched.json().token;
    tokens.outsider = outsiderToken;
  });
  afterAll(async () => {
    await t.close();
  });

  const projectActors: ActorName[] = ['orgAdmin', 'admin', 'member', 'viewer', 'noAccess', 'nonMember', 'orgNoAccess', 'outsider'];
  const readers: ActorName[] = ['orgAdmin', 'admin', 'member', 'viewer'];
  const writers: ActorName[] = ['orgAdmin', 'admin', 'member'];
  const admins: ActorName[] = ['orgAdmin', 'admin'];
  const p = () => `/api/v1/workspace/${project.id}`;
  const newEnvironment = async () => {
    const created = await t.app.inject({ method: 'POST', url: `${p()}/environments`, headers: authHeader(boot.adminIdentityToken), payload: { name: 'Tmp', slug: unique('tmp') } });
    return created.json().environment.id as string;
  };
  const newIdentity = async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/identities', headers: authHeader(boot.adminIdentityToken), payload: { name: unique('id'), organizationId: boot.orgId } });
    return created.json().identity.id as string;
  };

  const projectCases: Case[] = [
    { name: 'get project', method: 'GET', url: p, allowed: readers },
    { name: 'update project', method: 'PATCH', url: p, body: () => ({ description: unique('d') }), allowed: admins },
    { name: 'list environments', method: 'GET', url: () => `${p()}/environments`, allowed: readers },
    { name: 'create environment', method: 'POST', url: () => `${p()}/environments`, body: () => ({ name: 'Env', slug: unique('env') }), allowed: writers },
    { name: 'rename environment', method: 'PATCH', url: async () => `${p()}/environments/${await newEnvironment()}`, body: () => ({ name: unique('n') }), allowed: writers },
    { name: 'delete environment', method: 'DELETE', url: async () => `${p()}/environments/${await newEnvironment()}`, allowed: writers },
    { name: 'list identity memberships', method: 'GET', url: () => `/api/v2/workspace/${project.id}/identity-memberships`, allowed: writers },
    {
      name: 'add identity membership',
      method: 'POST',
      url: async () => `/api/v2/workspace/${project.id}/identity-memberships/${await newIdentity()}`,
      body: () => ({ roles: [{ role: 'viewer' }] }),
      allowed: admins,
    },
    { name: 'list user memberships', method: 'GET', url: () => `${p()}/memberships`, allowed: writers },
    { name: 'list roles', method: 'GET', url: () => `${p()}/roles`, allowed: writers },
    { name: 'create role', method: 'POST', url: () => `${p()}/roles`, body: () => ({ slug: unique('role'), name: 'R', permissions: [{ subject: 'secrets', action: 'read' }] }), allowed: admins },
    { name: 'project audit logs', method: 'GET', url: () => `${p()}/audit-logs`, allowed: writers },
  ];

  const orgCases: Case[] = [
    { name: 'create project', method: 'POST', url: () => '/api/v2/workspace', body: () => ({ projectName: unique('p') }), allowed: ['orgAdmin', 'admin', 'member', 'viewer', 'noAccess', 'nonMember', 'outsider'] },
    { name: 'list identities', method: 'GET', url: () => '/api/v1/identities', allowed: ['orgAdmin', 'outsider'] },
    { name: 'create identity', method: 'POST', url: () => '/api/v1/identities', body: () => ({ name: unique('i'), organizationId: boot.orgId }), allowed: ['orgAdmin'], outsiders: ['outsider'] },
    { name: 'get identity', method: 'GET', url: async () => `/api/v1/identities/${await newIdentity()}`, allowed: ['orgAdmin'], outsiders: ['outsider'] },
    { name: 'list org members', method: 'GET', url: () => `/api/v2/organizations/${boot.orgId}/memberships`, allowed: ['orgAdmin'], outsiders: ['outsider'] },
    {
      name: 'invite',
      method: 'POST',
      url: () => '/api/v1/invite-org/signup',
      body: () => ({ inviteeEmails: [`${unique('u')}@example.com`], organizationId: boot.orgId }),
      allowed: ['orgAdmin'],
      outsiders: ['outsider'],
    },
    { name: 'organization audit logs', method: 'GET', url: () => '/api/v1/organization/audit-logs', allowed: ['orgAdmin', 'outsider'] },
    { name: 'get organization', method: 'GET', url: () => `/api/v1/organization/${boot.orgId}`, allowed: projectActors.filter((a) => a !== 'outsider'), outsiders: ['outsider'] },
  ];

  async function run(testCase: Case, actor: ActorName, isProjectCase: boolean) {
    const body = testCase.body?.();
    const response = await t.app.inject({
      method: testCase.method,
      url: await testCase.url(),
      headers: authHeader(tokens[actor]),
      ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
    });
    const isOutsider = isProjectCase ? actor === 'outsider' : (testCase.outsiders ?? []).includes(actor);
    const expected = testCase.allowed.includes(actor) ? 200 : isOutsider ? 404 : 403;
    return { actor, status: response.statusCode, expected, message: response.json().message as string | undefined };
  }

  it.each(projectCases.map((c) => [c.name, c] as const))('project routes: %s', async (_name, testCase) => {
    const results = [];
    for (const actor of projectActors) results.push(await run(testCase, actor, true));
    expect(results.map((r) => `${r.actor}:${r.status}`)).toEqual(results.map((r) => `${r.actor}:${r.expected}`));
    const denied = results.find((r) => r.status === 403);
    if (denied) expect(denied.message).toMatch(/^Permission denied: you may not /);
  });

  it.each(orgCases.map((c) => [c.name, c] as const))('organization routes: %s', async (_name, testCase) => {
    const results = [];
    for (const actor of projectActors) results.push(await run(testCase, actor, false));
    expect(results.map((r) => `${r.actor}:${r.status}`)).toEqual(results.map((r) => `${r.actor}:${r.expected}`));
  });

  it('project deletion: members may not, project admins may, other organizations see 404', async () => {
    const doomed = await createProject(t, boot.userToken);
    const member = await createMachineIdentity(t, boot.userToken, { projectId: doomed.id, projectRole: 'member' });
    const admin = await createMachineIdentity(t, boot.userToken, { projectId: doomed.id, projectRole: 'admin' });
    const url = `/api/v1/workspace/${doomed.id}`;
    expect((await t.app.inject({ method: 'DELETE', url, headers: authHeader(member.accessToken) })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'DELETE', url, headers: authHeader(outsiderToken) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url, headers: authHeader(admin.accessToken) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url, headers: authHeader(boot.userToken) })).statusCode).toBe(404);
  });

  it('a 404 for another organization reads exactly like a project that does not exist', async () => {
    const foreign = await t.app.inject({ method: 'GET', url: p(), headers: authHeader(outsiderToken) });
    const missing = await t.app.inject({ method: 'GET', url: '/api/v1/workspace/00000000-0000-4000-8000-000000000000', headers: authHeader(outsiderToken) });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().message.replace(project.id, 'X')).toBe(missing.json().message.replace('00000000-0000-4000-8000-000000000000', 'X'));
  });
});
