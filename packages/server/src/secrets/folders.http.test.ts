import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, createProject, type CreatedProject } from '../test-support/fixtures.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';
import { messageOf, request, secretOf, secretsApi, secretsOf } from './test-support/http.js';

type FolderJson = { id: string; name: string; path: string; parentId: string | null; environment: string };

describe('folders (/api/v1/folders)', () => {
  let t: TestApp;
  let project: CreatedProject;
  let token: string;
  let api: ReturnType<typeof secretsApi>;

  beforeAll(async () => {
    t = await startTestApp();
    token = (await bootstrap(t)).adminIdentityToken;
    project = await createProject(t, token);
    api = secretsApi(t, token, project.id);
  });
  afterAll(async () => {
    await t.close();
  });

  const folderOf = (response: { json: () => unknown }) => (response.json() as { folder: FolderJson }).folder;
  const list = async (path: string, extra = '', environment = 'dev') =>
    ((await request(t, token, 'GET', `/api/v1/folders?workspaceId=${project.id}&environment=${environment}&path=${path}${extra}`)).json() as { folders: FolderJson[] })
      .folders;

  it('creates folders, with missing parents, and lists them', async () => {
    const created = await api.createFolder('payments', { path: '/api/v2' });
    expect(created.statusCode).toBe(200);
    expect(folderOf(created)).toMatchObject({ name: 'payments', path: '/api/v2/payments', environment: 'dev' });
    expect((await list('/')).map((f) => f.path)).toEqual(['/api']);
    expect((await list('/api', '&recursive=true')).map((f) => f.path)).toEqual(['/api/v2', '/api/v2/payments']);
    expect(await list('/', '', 'nope')).toEqual([]);

    expect((await api.createFolder('payments', { path: '/api/v2' })).statusCode).toBe(409);
    for (const bad of ['..', 'a b', 'a/b', '']) expect((await api.createFolder(bad)).statusCode, bad).toBe(400);
    expect((await api.createFolder('x', { path: '/api/../etc' })).statusCode).toBe(400);
    expect((await api.createFolder('x', { environment: 'nope' })).statusCode).toBe(404);
  });

  it('renames a folder with everything in it, and imports of it follow', async () => {
    await api.createFolder('old-name');
    await api.createFolder('inner', { path: '/old-name' });
    await api.create('INNER_KEY', 'v', { secretPath: '/old-name/inner' });
    await api.createImport({ environment: 'staging', path: '/' }, { environment: 'dev', path: '/old-name/inner' });
    const folder = (await list('/')).find((f) => f.name === 'old-name');
    const renamed = await request(t, token, 'PATCH', `/api/v1/folders/${folder?.id}`, { workspaceId: project.id, environment: 'dev', name: 'new-name' });
    expect(renamed.statusCode).toBe(200);
    expect(folderOf(renamed).path).toBe('/new-name');
    expect(secretOf(await api.get('INNER_KEY', { secretPath: '/new-name/inner' })).secretPath).toBe('/new-name/inner');
    expect((await api.get('INNER_KEY', { secretPath: '/old-name/inner' })).statusCode).toBe(404);
    const imported = (await api.list({ environment: 'staging', include_imports: true })).json() as { imports: { secretPath: string }[] };
    expect(imported.imports.map((i) => i.secretPath)).toEqual(['/new-name/inner']);
  });

  it('deletes an empty folder, a non-empty one only with force, never the root', async () => {
    await api.createFolder('empty');
    const emptyDeleted = await request(t, token, 'DELETE', '/api/v1/folders/empty', { workspaceId: project.id, environment: 'dev', path: '/' });
    expect(emptyDeleted.statusCode).toBe(200);

    await api.createFolder('full');
    await api.create('IN_FULL', 'v', { secretPath: '/full' });
    const refused = await request(t, token, 'DELETE', '/api/v1/folders/full', { workspaceId: project.id, environment: 'dev', path: '/' });
    expect(refused.statusCode).toBe(409);
    expect(messageOf(refused)).toContain('"force": true');
    expect(secretsOf(await api.list({ secretPath: '/full' })).map((s) => s.secretKey)).toEqual(['IN_FULL']);

    const forced = await request(t, token, 'DELETE', '/api/v1/folders/full', { workspaceId: project.id, environment: 'dev', path: '/', force: true });
    expect(forced.statusCode).toBe(200);
    expect(await t.db.selectFrom('secrets').select('id').where('key', '=', 'IN_FULL').execute()).toEqual([]);

    const root = await t.db.selectFrom('secret_folders').select('id').where('path', '=', '/').executeTakeFirstOrThrow();
    const rootDelete = await request(t, token, 'DELETE', `/api/v1/folders/${root.id}`, { workspaceId: project.id, environment: 'dev', path: '/', force: true });
    expect([400, 404]).toContain(rootDelete.statusCode);
  });

  it('refuses to move or delete a folder holding rotation-managed secrets', async () => {
    await api.createFolder('rotated');
    const id = secretOf(await api.create('MANAGED', 'v', { secretPath: '/rotated' })).id;
    await t.db.updateTable('secrets').set({ managed_by_rotation_id: '11111111-2222-4333-8444-555555555555' }).where('id', '=', id).execute();
    const body = { workspaceId: project.id, environment: 'dev', path: '/' };
    const deleted = await request(t, token, 'DELETE', '/api/v1/folders/rotated', { ...body, force: true });
    expect(deleted.statusCode).toBe(409);
    expect(messageOf(deleted)).toContain('managed by secret rotation');
    expect((await request(t, token, 'PATCH', '/api/v1/folders/rotated', { ...body, name: 'moved' })).statusCode).toBe(409);
  });
});
