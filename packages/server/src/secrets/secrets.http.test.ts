import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, createMachineIdentity, createProject, type CreatedProject } from '../test-support/fixtures.js';
import { sentinelMarker, sentinelValue } from '../test-support/sentinel.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';
import { messageOf, request, secretOf, secretsApi, secretsOf } from './test-support/http.js';

describe('secrets API (/api/v3/secrets/raw)', () => {
  let t: TestApp;
  let project: CreatedProject;
  let token: string;
  let api: ReturnType<typeof secretsApi>;

  beforeAll(async () => {
    t = await startTestApp();
    const boot = await bootstrap(t);
    project = await createProject(t, boot.adminIdentityToken);
    token = (await createMachineIdentity(t, boot.adminIdentityToken, { projectId: project.id, projectRole: 'member' })).accessToken;
    api = secretsApi(t, token, project.id);
  });
  afterAll(async () => {
    await t.close();
  });

  const count = async (table: 'secrets' | 'secret_versions' | 'secret_folders') =>
    Number((await t.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

  it('creates, lists, reads, updates and deletes with the Infisical response shape', async () => {
    const value = sentinelValue('crud');
    const created = await api.create('API_KEY', value, { secretComment: 'for the payments API' });
    expect(created.statusCode).toBe(200);
    expect(secretOf(created)).toMatchObject({
      _id: secretOf(created).id,
      workspace: project.id,
      environment: 'dev',
      version: 1,
      type: 'shared',
      secretKey: 'API_KEY',
      secretValue: value,
      secretComment: 'for the payments API',
      secretPath: '/',
      tags: [],
      isRotatedSecret: false,
      rotationId: null,
      skipMultilineEncoding: false,
      secretReminderNote: null,
    });

    const listed = await api.list();
    expect(listed.statusCode).toBe(200);
    expect(listed.json()).not.toHaveProperty('imports');
    expect(secretsOf(listed).map((s) => [s.secretKey, s.secretValue])).toContainEqual(['API_KEY', value]);

    const renamed = await api.update('API_KEY', { newSecretName: 'PAYMENTS_API_KEY', secretValue: sentinelValue('crud2') });
    expect(secretOf(renamed)).toMatchObject({ secretKey: 'PAYMENTS_API_KEY', version: 2 });
    expect((await api.get('API_KEY')).statusCode).toBe(404);
    expect(secretOf(await api.get('PAYMENTS_API_KEY'))).toMatchObject({ version: 2, secretComment: 'for the payments API' });

    const deleted = await api.remove('PAYMENTS_API_KEY');
    expect(deleted.statusCode).toBe(200);
    const gone = await api.get('PAYMENTS_API_KEY');
    expect(gone.statusCode).toBe(404);
    expect(messageOf(gone)).toContain("Secret 'PAYMENTS_API_KEY' not found in environment 'dev' at path '/'");
  });

  it('accepts workspaceSlug and reports a duplicate as 409', async () => {
    await api.create('BY_SLUG', 'v');
    const bySlug = await request(t, token, 'GET', `/api/v3/secrets/raw/BY_SLUG?workspaceSlug=${project.slug}&environment=dev`);
    expect(secretOf(bySlug).secretValue).toBe('v');
    const again = await api.create('BY_SLUG', 'w');
    expect(again.statusCode).toBe(409);
    expect(messageOf(again)).toContain('already exists');
  });

  it('takes names up to 256 characters in the URL', async () => {
    const longName = `K${'_'.repeat(254)}K`;
    expect((await api.create(longName, 'v')).statusCode).toBe(200);
    expect(secretOf(await api.get(longName)).secretKey).toBe(longName);
    expect((await api.remove(longName)).statusCode).toBe(200);
  });

  it('answers an unknown environment or path with an empty list, as Infisical does', async () => {
    expect((await api.list({ environment: 'nope' })).json()).toEqual({ secrets: [] });
    expect((await api.list({ secretPath: '/does/not/exist', include_imports: true })).json()).toEqual({ secrets: [], imports: [] });
  });

  it('keeps a version per change, lists them with who and when, and restores one', async () => {
    const v1 = sentinelValue('v1');
    const v2 = sentinelValue('v2');
    const id = secretOf(await api.create('VERSIONED', v1, { secretComment: 'first' })).id;
    await api.update('VERSIONED', { secretValue: v2, secretComment: 'second' });
    const history = await request(t, token, 'GET', `/api/v1/secret/${id}/secret-versions`);
    expect(history.statusCode).toBe(200);
    const versions = (history.json() as { secretVersions: { version: number; secretValue: string; secretComment: string; actor: { actorType: string; name: string }; createdAt: string }[] }).secretVersions;
    expect(versions.map((v) => [v.version, v.secretValue, v.secretComment])).toEqual([
      [2, v2, 'second'],
      [1, v1, 'first'],
    ]);
    expect(versions[0]?.actor.actorType).toBe('identity');
    expect(Date.parse(versions[0]?.createdAt ?? '')).toBeGreaterThan(0);

    const older = await api.get('VERSIONED', { version: 1 });
    expect(secretOf(older)).toMatchObject({ version: 1, secretValue: v1 });

    const restored = await request(t, token, 'POST', `/api/v1/secret/${id}/secret-versions/1/restore`);
    expect(restored.statusCode).toBe(200);
    expect(secretOf(restored)).toMatchObject({ version: 3, secretValue: v1, secretComment: 'first' });
    expect((await request(t, token, 'POST', `/api/v1/secret/${id}/secret-versions/9/restore`)).statusCode).toBe(404);
    const after = (await request(t, token, 'GET', `/api/v1/secret/${id}/secret-versions?limit=1`)).json() as { secretVersions: unknown[] };
    expect(after.secretVersions).toHaveLength(1);
  });

  it('refuses bad input with 4xx and writes nothing', async () => {
    const before = { secrets: await count('secrets'), versions: await count('secret_versions'), folders: await count('secret_folders') };
    const bigValue = `${sentinelMarker}-${'x'.repeat(5 * 1000 * 1000)}`;
    const cases = [
      { name: 'name with a space', response: await request(t, token, 'POST', '/api/v3/secrets/raw/BAD%20NAME', { workspaceId: project.id, environment: 'dev', secretValue: 'x' }) },
      { name: 'name too long', response: await api.create('X'.repeat(257), 'x') },
      { name: 'unknown environment', response: await api.create('OK_NAME', 'x', { environment: 'nope' }), status: 404, message: "Environment 'nope' does not exist" },
      { name: 'path with ..', response: await api.create('OK_NAME', 'x', { secretPath: '/api/../etc' }), message: '".."' },
      { name: 'empty segment', response: await api.create('OK_NAME', 'x', { secretPath: '/api//x' }) },
      { name: 'missing folder', response: await api.create('OK_NAME', 'x', { secretPath: '/missing' }), status: 404 },
      { name: '5 MB value', response: await api.create('BIG', bigValue), message: 'Secret value is too large' },
      {
        name: 'batch with one bad name',
        response: await request(t, token, 'POST', '/api/v3/secrets/batch/raw', {
          workspaceId: project.id,
          environment: 'dev',
          secrets: [
            { secretKey: 'GOOD_ONE', secretValue: 'a' },
            { secretKey: 'BAD ONE', secretValue: 'b' },
          ],
        }),
      },
      {
        name: 'batch with a duplicate key',
        response: await request(t, token, 'POST', '/api/v3/secrets/batch/raw', {
          workspaceId: project.id,
          environment: 'dev',
          secrets: [
            { secretKey: 'DUP', secretValue: 'a' },
            { secretKey: 'DUP', secretValue: 'b' },
          ],
        }),
      },
      { name: 'no project', response: await request(t, token, 'POST', '/api/v3/secrets/raw/OK_NAME', { environment: 'dev', secretValue: 'x' }) },
    ];
    for (const { name, response, status, message } of cases) {
      expect(response.statusCode, name).toBe(status ?? 400);
      expect(typeof messageOf(response), name).toBe('string');
      if (message) expect(messageOf(response), name).toContain(message);
    }
    expect({ secrets: await count('secrets'), versions: await count('secret_versions'), folders: await count('secret_folders') }).toEqual(before);
  });

  it('writes a batch in one transaction: a conflict in the middle leaves nothing behind', async () => {
    await api.create('BATCH_EXISTING', 'x');
    const before = await count('secrets');
    const failed = await request(t, token, 'POST', '/api/v3/secrets/batch/raw', {
      workspaceId: project.id,
      environment: 'dev',
      secrets: [
        { secretKey: 'BATCH_NEW', secretValue: 'a' },
        { secretKey: 'BATCH_EXISTING', secretValue: 'b' },
      ],
    });
    expect(failed.statusCode).toBe(409);
    expect(await count('secrets')).toBe(before);

    const upsert = await request(t, token, 'PATCH', '/api/v3/secrets/batch/raw', {
      workspaceId: project.id,
      environment: 'dev',
      mode: 'upsert',
      secrets: [
        { secretKey: 'BATCH_NEW', secretValue: 'a' },
        { secretKey: 'BATCH_EXISTING', secretValue: 'b' },
      ],
    });
    expect(secretsOf(upsert).map((s) => [s.secretKey, s.version])).toEqual([
      ['BATCH_NEW', 1],
      ['BATCH_EXISTING', 2],
    ]);
    const removed = await request(t, token, 'DELETE', '/api/v3/secrets/batch/raw', {
      workspaceId: project.id,
      environment: 'dev',
      secrets: [{ secretKey: 'BATCH_NEW' }, { secretKey: 'BATCH_EXISTING' }],
    });
    expect(secretsOf(removed)).toHaveLength(2);
  });

  it('refuses edits of a secret a rotation manages, naming the rotation, and shows it as rotated', async () => {
    const rotationId = '11111111-2222-4333-8444-555555555555';
    const id = secretOf(await api.create('AZURE_CLIENT_SECRET', sentinelValue('managed'))).id;
    await t.db.updateTable('secrets').set({ managed_by_rotation_id: rotationId }).where('id', '=', id).execute();

    const read = secretOf(await api.get('AZURE_CLIENT_SECRET'));
    expect(read).toMatchObject({ isRotatedSecret: true, rotationId });
    const versionsBefore = await count('secret_versions');
    for (const response of [
      await api.update('AZURE_CLIENT_SECRET', { secretValue: 'hand-edited' }),
      await api.update('AZURE_CLIENT_SECRET', { newSecretName: 'RENAMED' }),
      await api.remove('AZURE_CLIENT_SECRET'),
      await request(t, token, 'POST', `/api/v1/secret/${id}/secret-versions/1/restore`),
    ]) {
      expect(response.statusCode).toBe(409);
      expect(messageOf(response)).toContain(`managed by secret rotation ${rotationId}`);
    }
    expect(await count('secret_versions')).toBe(versionsBefore);
    expect(secretOf(await api.get('AZURE_CLIENT_SECRET')).version).toBe(1);
  });

  it('filters by tag', async () => {
    const tag = await request(t, token, 'POST', `/api/v1/workspace/${project.id}/tags`, { slug: 'database', color: '#123456' });
    expect(tag.statusCode).toBe(200);
    const tagId = (tag.json() as { workspaceTag: { id: string } }).workspaceTag.id;
    await api.create('TAGGED', 'x', { tagIds: [tagId] });
    const listed = secretsOf(await api.list({ tagSlugs: 'database,other' }));
    expect(listed.map((s) => [s.secretKey, s.tags.map((x) => x.slug)])).toEqual([['TAGGED', ['database']]]);
    expect((await api.create('BAD_TAG', 'x', { tagIds: ['00000000-0000-4000-8000-000000000000'] })).statusCode).toBe(400);
  });

  it('audits writes in the same transaction and reads in batches', async () => {
    await api.create('AUDITED', sentinelValue('audit'));
    await api.list();
    await t.app.inject({ method: 'GET', url: '/api/status' });
    const events = await t.db.selectFrom('audit_logs').select(['event_type', 'metadata']).where('project_id', '=', project.id).execute();
    const types = new Set(events.map((e) => e.event_type));
    expect(types.has('create-secret')).toBe(true);
    expect(JSON.stringify(events)).not.toContain(sentinelMarker);
  });
});
