import { recordingAuditLog } from '../test-support/recording-audit.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../auth/actor.js';
import { createPermissionService } from '../permissions/permissions.service.js';
import { addProjectRole, authHeader, bootstrap, createMachineIdentity, createProject, createUser, type Bootstrapped } from '../test-support/fixtures.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';
import { createProjectsService } from './projects.service.js';

describe('projects, environments and memberships', () => {
  let t: TestApp;
  let admin: Bootstrapped;
  beforeAll(async () => {
    t = await startTestApp();
    admin = await bootstrap(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const as = (token: string) => authHeader(token);

  it("creates a project with Infisical's shape and default environments; the creator is its admin", async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/v2/workspace', headers: as(admin.adminIdentityToken), payload: { projectName: 'Peer Bench', slug: 'peer-bench' } });
    expect(response.statusCode).toBe(200);
    const project = response.json().project;
    expect(project).toMatchObject({ name: 'Peer Bench', slug: 'peer-bench', version: 3, orgId: admin.orgId });
    expect(project.environments.map((e: { slug: string; name: string }) => [e.slug, e.name])).toEqual([
      ['dev', 'Development'],
      ['staging', 'Staging'],
      ['prod', 'Production'],
    ]);
    const members = await t.app.inject({ method: 'GET', url: `/api/v2/workspace/${project.id}/identity-memberships`, headers: as(admin.adminIdentityToken) });
    expect(members.json().identityMemberships[0]).toMatchObject({ identityId: admin.adminIdentityId, roles: [{ role: 'admin' }] });
    const duplicate = await t.app.inject({ method: 'POST', url: '/api/v2/workspace', headers: as(admin.userToken), payload: { projectName: 'Again', slug: 'peer-bench' } });
    expect(duplicate.statusCode).toBe(409);
    const generated = await createProject(t, admin.userToken, { name: 'Payments API!' });
    expect(generated.slug).toMatch(/^payments-api-[0-9a-f]{4}$/);
  });

  it('lists the projects an actor can see: org admins all, others their memberships', async () => {
    const mine = await createProject(t, admin.userToken);
    const member = await createMachineIdentity(t, admin.userToken, { projectId: mine.id, projectRole: 'viewer' });
    const all = await t.app.inject({ method: 'GET', url: '/api/v1/workspace', headers: as(admin.userToken) });
    const visible = await t.app.inject({ method: 'GET', url: '/api/v1/workspace', headers: as(member.accessToken) });
    expect(all.json().workspaces.length).toBeGreaterThan(1);
    expect(visible.json().workspaces.map((w: { id: string }) => w.id)).toEqual([mine.id]);
  });

  it('updates a project', async () => {
    const project = await createProject(t, admin.userToken);
    const updated = await t.app.inject({ method: 'PATCH', url: `/api/v1/workspace/${project.id}`, headers: as(admin.userToken), payload: { name: 'Renamed', description: 'About' } });
    expect(updated.json().workspace).toMatchObject({ name: 'Renamed', description: 'About', slug: project.slug });
  });

  it('creates, renames, reorders and deletes environments; refuses a non-empty one', async () => {
    const project = await createProject(t, admin.userToken);
    const base = `/api/v1/workspace/${project.id}/environments`;
    const created = await t.app.inject({ method: 'POST', url: base, headers: as(admin.userToken), payload: { name: 'QA', slug: 'qa', position: 2 } });
    expect(created.statusCode).toBe(200);
    expect(created.json().message).toBe('Successfully created new environment');
    const order = (body: { workspace: { environments: { slug: string; position: number }[] } }) => body.workspace.environments.map((e) => `${e.position}:${e.slug}`);
    expect(order(created.json())).toEqual(['1:dev', '2:qa', '3:staging', '4:prod']);
    const qa = created.json().environment.id;
    const moved = await t.app.inject({ method: 'PATCH', url: `${base}/${qa}`, headers: as(admin.userToken), payload: { position: 4, name: 'Quality', slug: 'quality' } });
    expect(order(moved.json())).toEqual(['1:dev', '2:staging', '3:prod', '4:quality']);
    const clash = await t.app.inject({ method: 'PATCH', url: `${base}/${qa}`, headers: as(admin.userToken), payload: { slug: 'dev' } });
    expect(clash.statusCode).toBe(409);

    const projects = createProjectsService({ db: t.db, clock: { now: () => new Date() }, ids: { uuid: () => '', token: () => '' }, audit: recordingAuditLog([]), permissions: createPermissionService({ db: t.db }) });
    expect(await projects.findEnvironment(project.id, 'quality')).toMatchObject({ id: qa, name: 'Quality' });
    await expect(projects.findEnvironment(project.id, 'nope')).rejects.toThrow("Environment 'nope' not found in this project (this project has: dev, staging, prod, quality)");
    expect((await projects.listEnvironments(project.id)).map((e) => e.slug)).toEqual(['dev', 'staging', 'prod', 'quality']);

    // Something lives in it: a folder below the root (the secrets module's table, written directly here).
    const rootId = crypto.randomUUID();
    const folderId = crypto.randomUUID();
    await sql`insert into secret_folders (id, project_id, environment_id, parent_id, name, path) values (${rootId}, ${project.id}, ${qa}, null, 'root', '/')`.execute(t.db);
    await sql`insert into secret_folders (id, project_id, environment_id, parent_id, name, path) values (${folderId}, ${project.id}, ${qa}, ${rootId}, 'api', '/api')`.execute(t.db);
    const refused = await t.app.inject({ method: 'DELETE', url: `${base}/${qa}`, headers: as(admin.userToken) });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toBe("Environment 'quality' is not empty (it holds 1 folder(s)): delete what it holds first");
    await sql`delete from secret_folders where id = ${folderId}`.execute(t.db);

    const deleted = await t.app.inject({ method: 'DELETE', url: `${base}/${qa}`, headers: as(admin.userToken) });
    expect(deleted.statusCode).toBe(200);
    expect(order(deleted.json())).toEqual(['1:dev', '2:staging', '3:prod']);
    const missing = await t.app.inject({ method: 'DELETE', url: `${base}/${qa}`, headers: as(admin.userToken) });
    expect(missing.statusCode).toBe(404);
  });

  it('adds users by email and identities by id with roles; unknown roles are refused', async () => {
    const project = await createProject(t, admin.userToken);
    const user = await createUser(t, admin.userToken);
    const added = await t.app.inject({ method: 'POST', url: `/api/v2/workspace/${project.id}/memberships`, headers: as(admin.userToken), payload: { emails: [user.email], roleSlugs: ['developer'] } });
    expect(added.statusCode).toBe(200);
    const membership = added.json().memberships[0];
    expect(membership).toMatchObject({ userId: user.userId, roles: [{ role: 'member' }] });
    const changed = await t.app.inject({ method: 'PATCH', url: `/api/v1/workspace/${project.id}/memberships/${membership.id}`, headers: as(admin.userToken), payload: { roles: [{ role: 'viewer' }] } });
    expect(changed.json().roles.map((r: { role: string }) => r.role)).toEqual(['viewer']);
    const unknownRole = await t.app.inject({ method: 'PATCH', url: `/api/v1/workspace/${project.id}/memberships/${membership.id}`, headers: as(admin.userToken), payload: { roles: [{ role: 'superuser' }] } });
    expect(unknownRole.statusCode).toBe(400);
    expect(unknownRole.json().message).toContain("Unknown role 'superuser'");
    const notInOrg = await t.app.inject({ method: 'POST', url: `/api/v2/workspace/${project.id}/memberships`, headers: as(admin.userToken), payload: { emails: ['stranger@example.com'] } });
    expect(notInOrg.statusCode).toBe(400);

    const identity = await createMachineIdentity(t, admin.userToken);
    const url = `/api/v2/workspace/${project.id}/identity-memberships/${identity.identityId}`;
    const legacy = await t.app.inject({ method: 'POST', url, headers: as(admin.userToken), payload: { role: 'admin' } });
    expect(legacy.statusCode).toBe(200);
    expect(legacy.json().identityMembership).toMatchObject({ projectId: project.id, identityId: identity.identityId, roles: [{ role: 'admin' }] });
    expect((await t.app.inject({ method: 'POST', url, headers: as(admin.userToken), payload: { roles: [{ role: 'viewer' }] } })).statusCode).toBe(409);
    const patched = await t.app.inject({ method: 'PATCH', url, headers: as(admin.userToken), payload: { roles: [{ role: 'viewer' }, { role: 'member' }] } });
    expect(patched.json().roles.map((r: { role: string }) => r.role)).toEqual(['viewer', 'member']);
    expect((await t.app.inject({ method: 'DELETE', url, headers: as(admin.userToken) })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url, headers: as(admin.userToken) })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/workspace/${project.id}/memberships/${membership.id}`, headers: as(admin.userToken) })).statusCode).toBe(200);
  });

  it('custom roles: conditions on environment and path, assignable, renamable, not deletable while assigned', async () => {
    const project = await createProject(t, admin.userToken);
    const role = await addProjectRole(t, admin.userToken, project.id, {
      slug: 'api-reader',
      permissions: [
        { subject: 'secrets', action: ['read'], conditions: { environment: 'dev', secretPath: { $glob: '/api/**' } } },
        { subject: 'project', action: 'read' },
      ],
    });
    const builtIn = await t.app.inject({ method: 'POST', url: `/api/v1/workspace/${project.id}/roles`, headers: as(admin.userToken), payload: { slug: 'viewer', name: 'x', permissions: [] } });
    expect(builtIn.statusCode).toBe(400);
    const identity = await createMachineIdentity(t, admin.userToken, { orgRole: 'no-access', projectId: project.id, projectRole: 'api-reader' });
    const actor: Actor = { type: 'identity', identityId: identity.identityId, name: identity.name, orgId: admin.orgId, orgRole: 'no-access', tokenId: '' };
    const access = await createPermissionService({ db: t.db }).forProject(actor, project.id);
    expect(access.roles).toEqual(['api-reader']);
    expect(access.can('secrets', 'read', { environment: 'dev', secretPath: '/api' })).toBe(true);
    expect(access.can('secrets', 'read', { environment: 'dev', secretPath: '/api/v1/x' })).toBe(true);
    expect(access.can('secrets', 'read', { environment: 'dev', secretPath: '/web' })).toBe(false);
    expect(access.can('secrets', 'read', { environment: 'prod', secretPath: '/api' })).toBe(false);
    expect(() => access.assert('secrets', 'edit', { environment: 'dev', secretPath: '/api' })).toThrow(
      "Permission denied: you may not edit secrets in environment 'dev' at path '/api'",
    );
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/workspace/${project.id}`, headers: as(identity.accessToken) })).statusCode).toBe(200);

    const renamed = await t.app.inject({ method: 'PATCH', url: `/api/v1/workspace/${project.id}/roles/${role.id}`, headers: as(admin.userToken), payload: { slug: 'api-read' } });
    expect(renamed.json().role).toMatchObject({ slug: 'api-read', permissions: [{ subject: 'secrets', action: ['read'], conditions: { environment: 'dev', secretPath: { $glob: '/api/**' } } }, { subject: 'project', action: ['read'] }] });
    const membership = await t.app.inject({ method: 'GET', url: `/api/v2/workspace/${project.id}/identity-memberships/${identity.identityId}`, headers: as(admin.userToken) });
    expect(membership.json().identityMembership.roles[0]).toMatchObject({ role: 'custom', customRoleSlug: 'api-read', customRoleId: role.id });
    const bySlug = await t.app.inject({ method: 'GET', url: `/api/v1/workspace/${project.id}/roles/slug/api-read`, headers: as(admin.userToken) });
    expect(bySlug.json().role.id).toBe(role.id);
    const list = await t.app.inject({ method: 'GET', url: `/api/v1/workspace/${project.id}/roles`, headers: as(admin.userToken) });
    expect(list.json().roles.map((r: { slug: string }) => r.slug)).toEqual(['admin', 'member', 'viewer', 'no-access', 'api-read']);

    const busy = await t.app.inject({ method: 'DELETE', url: `/api/v1/workspace/${project.id}/roles/${role.id}`, headers: as(admin.userToken) });
    expect(busy.statusCode).toBe(409);
    await t.app.inject({ method: 'DELETE', url: `/api/v2/workspace/${project.id}/identity-memberships/${identity.identityId}`, headers: as(admin.userToken) });
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/workspace/${project.id}/roles/${role.id}`, headers: as(admin.userToken) })).statusCode).toBe(200);
  });

  it('forProjectSlug resolves within the actor organization only', async () => {
    const project = await createProject(t, admin.userToken, { slug: 'by-slug' });
    const permissions = createPermissionService({ db: t.db });
    const actor: Actor = { type: 'identity', identityId: admin.adminIdentityId, name: 'x', orgId: admin.orgId, orgRole: 'admin', tokenId: '' };
    expect((await permissions.forProjectSlug(actor, 'by-slug')).projectId).toBe(project.id);
    await expect(permissions.forProjectSlug({ ...actor, orgId: '00000000-0000-4000-8000-000000000000' }, 'by-slug')).rejects.toMatchObject({ code: 'not_found' });
    await expect(permissions.forProject(actor, 'not-a-uuid')).rejects.toMatchObject({ code: 'not_found' });
  });
});
