// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are secret values holding ${...} references, not templates
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProjectRole, bootstrap, createMachineIdentity, createProject, type CreatedProject } from '../test-support/fixtures.js';
import { sentinelValue } from '../test-support/sentinel.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';
import { messageOf, request, secretOf, secretsApi, secretsOf } from './test-support/http.js';

describe('secret references (expandSecretReferences=true)', () => {
  let t: TestApp;
  let project: CreatedProject;
  let adminToken: string;
  let admin: ReturnType<typeof secretsApi>;
  const password = sentinelValue('db-password');

  beforeAll(async () => {
    t = await startTestApp();
    const boot = await bootstrap(t);
    adminToken = boot.adminIdentityToken;
    project = await createProject(t, adminToken);
    admin = secretsApi(t, adminToken, project.id);
    expect((await admin.createFolder('api')).statusCode).toBe(200);
    expect((await admin.createFolder('db', { environment: 'staging' })).statusCode).toBe(200);
    for (const [key, value, environment, secretPath] of [
      ['HOST', 'db.internal', 'dev', '/'],
      ['PORT', '5432', 'dev', '/'],
      ['DB_NAME', 'payments', 'staging', '/'],
      ['PASSWORD', password, 'staging', '/db'],
      ['NAME', '${staging.DB_NAME}_dev', 'dev', '/api'],
      ['DB_URL', 'postgres://app:${staging.db.PASSWORD}@${dev.HOST}:${dev.PORT}/${NAME}', 'dev', '/api'],
      ['TEMPLATE', 'keep ${NOT_A_SECRET} as written', 'dev', '/api'],
    ] as const) {
      expect((await admin.create(key, value, { environment, secretPath })).statusCode, key).toBe(200);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('expands nested and cross-environment references on list and get', async () => {
    const expected = `postgres://app:${password}@db.internal:5432/payments_dev`;
    const listed = secretsOf(await admin.list({ secretPath: '/api', expandSecretReferences: true }));
    expect(Object.fromEntries(listed.map((s) => [s.secretKey, s.secretValue]))).toEqual({
      DB_URL: expected,
      NAME: 'payments_dev',
      TEMPLATE: 'keep ${NOT_A_SECRET} as written',
    });
    expect(secretOf(await admin.get('DB_URL', { secretPath: '/api', expandSecretReferences: true })).secretValue).toBe(expected);
  });

  it('expands references to untagged secrets when the list is filtered by tag', async () => {
    const tag = await request(t, adminToken, 'POST', `/api/v1/workspace/${project.id}/tags`, { slug: 'urls' });
    const tagId = (tag.json() as { workspaceTag: { id: string } }).workspaceTag.id;
    await admin.create('TAGGED_URL', 'https://${HOST}', { tagIds: [tagId] });
    const listed = secretsOf(await admin.list({ tagSlugs: 'urls', expandSecretReferences: true }));
    expect(listed.map((s) => [s.secretKey, s.secretValue])).toEqual([['TAGGED_URL', 'https://db.internal']]);
  });

  it('returns the stored text when expansion is not asked for', async () => {
    const raw = secretOf(await admin.get('DB_URL', { secretPath: '/api' }));
    expect(raw.secretValue).toBe('postgres://app:${staging.db.PASSWORD}@${dev.HOST}:${dev.PORT}/${NAME}');
  });

  it('refuses a cycle with a 400 that shows the cycle', async () => {
    await admin.createFolder('loop');
    await admin.create('A', 'a-${B}', { secretPath: '/loop' });
    await admin.create('B', 'b-${staging.C}', { secretPath: '/loop' });
    await admin.create('C', 'c-${dev.loop.A}', { environment: 'staging' });
    for (const response of [
      await admin.list({ secretPath: '/loop', expandSecretReferences: true }),
      await admin.get('A', { secretPath: '/loop', expandSecretReferences: true }),
    ]) {
      expect(response.statusCode).toBe(400);
      expect(messageOf(response)).toContain('Secret references form a cycle: dev:/loop/A -> dev:/loop/B -> staging:/C -> dev:/loop/A');
    }
    // Without expansion the same folder reads fine.
    expect((await admin.list({ secretPath: '/loop' })).statusCode).toBe(200);
  });

  it('refuses (403) a reference to a secret the reader may not read, without revealing it', async () => {
    const devOnly = await addProjectRole(t, adminToken, project.id, {
      permissions: [{ subject: 'secrets', action: 'read', conditions: { environment: 'dev' } }],
    });
    const reader = await createMachineIdentity(t, adminToken, { projectId: project.id, projectRole: devOnly.slug });
    const api = secretsApi(t, reader.accessToken, project.id);
    const response = await api.list({ secretPath: '/api', expandSecretReferences: true });
    expect(response.statusCode).toBe(403);
    expect(messageOf(response)).toContain('staging:/');
    expect(response.body).not.toContain(password);
    // The same reader sees the folder when it does not ask for expansion.
    expect((await api.list({ secretPath: '/api' })).statusCode).toBe(200);
  });
});
