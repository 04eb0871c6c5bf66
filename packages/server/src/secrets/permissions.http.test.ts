import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProjectRole, bootstrap, createMachineIdentity, createProject, createUser, type CreatedProject } from '../test-support/fixtures.js';
import { sentinelValue } from '../test-support/sentinel.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';
import { messageOf, request, secretOf, secretsApi, secretsOf } from './test-support/http.js';

describe('secrets permissions', () => {
  let t: TestApp;
  let project: CreatedProject;
  let adminToken: string;
  let userToken: string;
  let admin: ReturnType<typeof secretsApi>;

  beforeAll(async () => {
    t = await startTestApp();
    const boot = await bootstrap(t);
    adminToken = boot.adminIdentityToken;
    userToken = boot.userToken;
    project = await createProject(t, adminToken);
    admin = secretsApi(t, adminToken, project.id);
    await admin.createFolder('payments', { path: '/api' });
    await admin.createFolder('web');
    await admin.create('ROOT_SECRET', sentinelValue('root'));
    await admin.create('API_SECRET', sentinelValue('api'), { secretPath: '/api' });
    await admin.create('PAYMENTS_SECRET', sentinelValue('payments'), { secretPath: '/api/payments' });
    await admin.create('WEB_SECRET', sentinelValue('web'), { secretPath: '/web' });
  });
  afterAll(async () => {
    await t.close();
  });

  const rowCount = async () => Number((await t.db.selectFrom('secrets').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('lets a viewer read but not write', async () => {
    const viewer = await createUser(t, adminToken, { projectId: project.id, projectRole: 'viewer' });
    const api = secretsApi(t, viewer.token, project.id);
    expect(secretsOf(await api.list()).map((s) => s.secretKey)).toEqual(['ROOT_SECRET']);
    expect((await api.get('API_SECRET', { secretPath: '/api' })).statusCode).toBe(200);
    const before = await rowCount();
    for (const [name, response] of [
      ['create', await api.create('VIEWER_WRITE', 'x')],
      ['update', await api.update('ROOT_SECRET', { secretValue: 'changed' })],
      ['delete', await api.remove('ROOT_SECRET')],
      ['folder', await api.createFolder('viewer-folder')],
      ['import', await api.createImport({ environment: 'dev', path: '/' }, { environment: 'dev', path: '/web' })],
    ] as const) {
      expect(response.statusCode, name).toBe(403);
      expect(messageOf(response), name).toContain('Permission denied');
    }
    expect(await rowCount()).toBe(before);
    const rootId = secretOf(await api.get('ROOT_SECRET')).id;
    expect((await request(t, viewer.token, 'GET', `/api/v1/secret/${rootId}/secret-versions`)).statusCode).toBe(200);
    expect((await request(t, viewer.token, 'POST', `/api/v1/secret/${rootId}/secret-versions/1/restore`)).statusCode).toBe(403);
  });

  it('hides every folder outside /api/** from a role limited to it', async () => {
    const apiOnly = await addProjectRole(t, adminToken, project.id, {
      permissions: [
        { subject: 'secrets', action: ['read', 'create', 'edit', 'delete'], conditions: { secretPath: { $glob: '/api/**' } } },
        { subject: 'secret-folders', action: ['read'], conditions: { secretPath: { $glob: '/api/**' } } },
      ],
    });
    const scoped = await createMachineIdentity(t, adminToken, { projectId: project.id, projectRole: apiOnly.slug });
    const api = secretsApi(t, scoped.accessToken, project.id);

    expect(secretsOf(await api.list({ secretPath: '/api' })).map((s) => s.secretKey)).toEqual(['API_SECRET']);
    const recursive = secretsOf(await api.list({ recursive: true }));
    expect(recursive.map((s) => `${s.secretPath}:${s.secretKey}`)).toEqual(['/api:API_SECRET', '/api/payments:PAYMENTS_SECRET']);

    for (const response of [await api.list(), await api.list({ secretPath: '/web' }), await api.get('WEB_SECRET', { secretPath: '/web' })]) {
      expect(response.statusCode).toBe(403);
      expect(response.body).not.toContain('WEB_SECRET');
    }
    const folders = await request(t, scoped.accessToken, 'GET', `/api/v1/folders?workspaceId=${project.id}&environment=dev&path=/`);
    expect((folders.json() as { folders: { path: string }[] }).folders.map((f) => f.path)).toEqual(['/api']);

    expect((await api.create('SCOPED_WRITE', 'x', { secretPath: '/api' })).statusCode).toBe(200);
    expect((await api.create('SCOPED_WRITE', 'x', { secretPath: '/web' })).statusCode).toBe(403);
  });

  it('answers 404 for another organization’s project, 403 without membership, 401 without a token', async () => {
    const created = await request(t, userToken, 'POST', '/api/v2/organizations', { name: 'Other Org' });
    const otherOrgId = (created.json() as { organization: { id: string } }).organization.id;
    const switched = await request(t, userToken, 'POST', '/api/v3/auth/select-organization', { organizationId: otherOrgId });
    const outsider = secretsApi(t, (switched.json() as { token: string }).token, project.id);
    for (const response of [await outsider.list(), await outsider.create('X', 'y'), await outsider.get('ROOT_SECRET')]) {
      expect(response.statusCode).toBe(404);
      expect(messageOf(response)).toContain('not found');
    }

    const stranger = await createMachineIdentity(t, adminToken, { orgRole: 'member' });
    expect((await secretsApi(t, stranger.accessToken, project.id).list()).statusCode).toBe(403);

    const anonymous = await t.app.inject({ method: 'GET', url: `/api/v3/secrets/raw?workspaceId=${project.id}&environment=dev` });
    expect(anonymous.statusCode).toBe(401);
  });
});
