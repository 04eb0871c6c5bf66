import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProjectRole, authHeader, bootstrap, createMachineIdentity, createProject, createUser } from './fixtures.js';
import { startTestApp, type TestApp } from './test-app.js';

describe('test fixtures (through the real routes)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('bootstrap, project, identity, user and custom role all work', async () => {
    const admin = await bootstrap(t);
    expect(admin.orgId).toBeTruthy();
    const project = await createProject(t, admin.userToken, { name: 'Fixture Project' });
    expect(project.environments.map((env) => env.slug)).toEqual(['dev', 'staging', 'prod']);
    const identity = await createMachineIdentity(t, admin.userToken, { projectId: project.id, projectRole: 'viewer' });
    const asIdentity = await t.app.inject({ method: 'GET', url: `/api/v1/workspace/${project.id}`, headers: authHeader(identity.accessToken) });
    expect(asIdentity.statusCode).toBe(200);
    const user = await createUser(t, admin.userToken, { projectId: project.id, projectRole: 'member' });
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/users/me', headers: authHeader(user.token) });
    expect(me.json().user.email).toBe(user.email);
    const role = await addProjectRole(t, admin.userToken, project.id, { permissions: [{ subject: 'secrets', action: ['read'], conditions: { secretPath: { $glob: '/api/**' } } }] });
    const custom = await createMachineIdentity(t, admin.adminIdentityToken, { projectId: project.id, projectRole: role.slug });
    expect(custom.accessToken).toBeTruthy();
    const asAdminIdentity = await createProject(t, admin.adminIdentityToken);
    expect(asAdminIdentity.slug).toBeTruthy();
  });
});
