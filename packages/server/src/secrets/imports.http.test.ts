import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProjectRole, bootstrap, createMachineIdentity, createProject, type CreatedProject } from '../test-support/fixtures.js';
import { sentinelValue } from '../test-support/sentinel.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';
import { messageOf, request, secretOf, secretsApi, type SecretJson } from './test-support/http.js';

type ImportJson = { id: string; importPath: string; importEnv: { slug: string }; position: number; folderId: string };
type ImportsBlock = { secretPath: string; environment: string; folderId: string; secrets: SecretJson[] };

describe('secret imports', () => {
  let t: TestApp;
  let project: CreatedProject;
  let adminToken: string;
  let admin: ReturnType<typeof secretsApi>;
  const shared = sentinelValue('shared');

  beforeAll(async () => {
    t = await startTestApp();
    adminToken = (await bootstrap(t)).adminIdentityToken;
    project = await createProject(t, adminToken);
    admin = secretsApi(t, adminToken, project.id);
    await admin.createFolder('app');
    await admin.createFolder('common', { environment: 'staging' });
    await admin.create('SHARED_TOKEN', shared, { environment: 'staging', secretPath: '/common' });
    await admin.create('COMMON_ONLY', 'from-common', { environment: 'staging', secretPath: '/common' });
    await admin.create('STAGING_ROOT', 'from-staging-root', { environment: 'staging' });
    await admin.create('LOCAL', 'local', { secretPath: '/app' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates, lists and deletes imports, Infisical style', async () => {
    const created = await admin.createImport({ environment: 'dev', path: '/app' }, { environment: 'staging', path: '/common' });
    expect(created.statusCode).toBe(200);
    const secretImport = (created.json() as { secretImport: ImportJson }).secretImport;
    expect(secretImport).toMatchObject({ importPath: '/common', importEnv: { slug: 'staging' }, position: 1 });

    const again = await admin.createImport({ environment: 'dev', path: '/app' }, { environment: 'staging', path: '/common' });
    expect(again.statusCode).toBe(409);
    expect((await admin.createImport({ environment: 'dev', path: '/app' }, { environment: 'dev', path: '/app' })).statusCode).toBe(400);
    expect((await admin.createImport({ environment: 'dev', path: '/app' }, { environment: 'nope', path: '/' })).statusCode).toBe(404);
    expect((await admin.createImport({ environment: 'dev', path: '/app' }, { environment: 'staging', path: '/missing' })).statusCode).toBe(404);

    const listed = await request(t, adminToken, 'GET', `/api/v1/secret-imports?workspaceId=${project.id}&environment=dev&path=/app`);
    expect((listed.json() as { secretImports: ImportJson[] }).secretImports.map((i) => i.id)).toEqual([secretImport.id]);

    const temporary = await admin.createImport({ environment: 'dev', path: '/app' }, { environment: 'staging', path: '/' });
    const temporaryId = (temporary.json() as { secretImport: ImportJson }).secretImport.id;
    const deleted = await request(t, adminToken, 'DELETE', `/api/v1/secret-imports/${temporaryId}`, { workspaceId: project.id, environment: 'dev', path: '/app' });
    expect(deleted.statusCode).toBe(200);
    const missing = await request(t, adminToken, 'DELETE', `/api/v1/secret-imports/${temporaryId}`, { workspaceId: project.id, environment: 'dev', path: '/app' });
    expect(missing.statusCode).toBe(404);
  });

  it('returns imported secrets with include_imports, and finds one with includeImports', async () => {
    const plain = await admin.list({ secretPath: '/app' });
    expect(plain.json()).not.toHaveProperty('imports');

    const withImports = await admin.list({ secretPath: '/app', include_imports: true });
    const body = withImports.json() as { secrets: SecretJson[]; imports: ImportsBlock[] };
    expect(body.secrets.map((s) => s.secretKey)).toEqual(['LOCAL']);
    expect(body.imports.map((i) => [i.environment, i.secretPath, i.secrets.map((s) => [s.secretKey, s.secretValue])])).toEqual([
      [
        'staging',
        '/common',
        [
          ['COMMON_ONLY', 'from-common'],
          ['SHARED_TOKEN', shared],
        ],
      ],
    ]);

    expect((await admin.get('SHARED_TOKEN', { secretPath: '/app' })).statusCode).toBe(404);
    const found = await admin.get('SHARED_TOKEN', { secretPath: '/app', includeImports: true });
    expect(secretOf(found)).toMatchObject({ secretValue: shared, environment: 'staging', secretPath: '/common' });
  });

  it('follows imports of imports once each, so a loop of imports terminates', async () => {
    await admin.createImport({ environment: 'staging', path: '/common' }, { environment: 'staging', path: '/' });
    await admin.createImport({ environment: 'staging', path: '/' }, { environment: 'dev', path: '/app' });
    const body = (await admin.list({ secretPath: '/app', include_imports: true })).json() as { imports: ImportsBlock[] };
    expect(body.imports.map((i) => `${i.environment}:${i.secretPath}`)).toEqual(['staging:/common', 'staging:/']);
  });

  it('leaves out imports the reader may not read, and refuses to create them', async () => {
    const devOnly = await addProjectRole(t, adminToken, project.id, {
      permissions: [
        { subject: 'secrets', action: ['read'], conditions: { environment: 'dev' } },
        { subject: 'secret-imports', action: ['read', 'create'], conditions: { environment: 'dev' } },
      ],
    });
    const reader = await createMachineIdentity(t, adminToken, { projectId: project.id, projectRole: devOnly.slug });
    const api = secretsApi(t, reader.accessToken, project.id);
    const body = (await api.list({ secretPath: '/app', include_imports: true })).json() as { secrets: SecretJson[]; imports: ImportsBlock[] };
    expect(body.secrets.map((s) => s.secretKey)).toEqual(['LOCAL']);
    expect(body.imports).toEqual([]);
    expect(JSON.stringify(body)).not.toContain(shared);
    const refused = await api.createImport({ environment: 'dev', path: '/' }, { environment: 'staging', path: '/common' });
    expect(refused.statusCode).toBe(403);
    expect(messageOf(refused)).toContain('staging');
  });
});
