import { InfisicalSDK, SecretType } from '@infisical/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, createMachineIdentity, createProject, type CreatedIdentity, type CreatedProject } from '../test-support/fixtures.js';
import { sentinelValue } from '../test-support/sentinel.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';

/**
 * The official Infisical SDK (pinned @infisical/sdk 5.0.2) against a running Rekey: after the fixtures set up
 * a project and a machine identity, every call below is the SDK's own (login, folders, secrets), no
 * hand-made requests. The SDK retries 429s and network errors for ~15 s, so a failure here shows up as a
 * slow test rather than a hang; nothing here is rate limited.
 */
describe('@infisical/sdk secrets compatibility', () => {
  let t: TestApp;
  let project: CreatedProject;
  let identity: CreatedIdentity;
  let sdk: InfisicalSDK;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = (await bootstrap(t)).adminIdentityToken;
    project = await createProject(t, admin);
    identity = await createMachineIdentity(t, admin, { projectId: project.id, projectRole: 'member' });
    sdk = new InfisicalSDK({ siteUrl: await t.listen() });
    await sdk.auth().universalAuth.login({ clientId: identity.clientId, clientSecret: identity.clientSecret });
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates, reads, lists, updates and deletes secrets at the root of an environment', async () => {
    const projectId = project.id;
    const value = sentinelValue('sdk-root');
    const created = await sdk.secrets().createSecret('DATABASE_URL', { projectId, environment: 'dev', secretValue: value, secretComment: 'primary' });
    expect(created.secret).toMatchObject({ secretKey: 'DATABASE_URL', secretValue: value, version: 1, type: 'shared' });

    const fetched = await sdk.secrets().getSecret({ projectId, environment: 'dev', secretName: 'DATABASE_URL' });
    expect(fetched).toMatchObject({ secretKey: 'DATABASE_URL', secretValue: value, secretComment: 'primary', secretPath: '/' });

    const listed = await sdk.secrets().listSecrets({ projectId, environment: 'dev' });
    expect(listed.secrets.map((secret) => [secret.secretKey, secret.secretValue])).toEqual([['DATABASE_URL', value]]);

    const next = sentinelValue('sdk-root-2');
    const updated = await sdk.secrets().updateSecret('DATABASE_URL', { projectId, environment: 'dev', secretValue: next });
    expect(updated.secret).toMatchObject({ secretValue: next, version: 2 });
    const renamed = await sdk.secrets().updateSecret('DATABASE_URL', { projectId, environment: 'dev', newSecretName: 'PRIMARY_DATABASE_URL' });
    expect(renamed.secret).toMatchObject({ secretKey: 'PRIMARY_DATABASE_URL', secretValue: next, version: 3 });

    const deleted = await sdk.secrets().deleteSecret('PRIMARY_DATABASE_URL', { projectId, environment: 'dev' });
    expect(deleted.secret).toMatchObject({ secretKey: 'PRIMARY_DATABASE_URL' });
    await expect(sdk.secrets().getSecret({ projectId, environment: 'dev', secretName: 'PRIMARY_DATABASE_URL' })).rejects.toThrow(
      /StatusCode=404.*not found/,
    );
  });

  it('works in a sub-folder created with the SDK', async () => {
    const projectId = project.id;
    const folder = await sdk.folders().create({ projectId, environment: 'staging', path: '/', name: 'payments' });
    expect(folder).toMatchObject({ name: 'payments' });
    const folders = await sdk.folders().listFolders({ projectId, environment: 'staging', path: '/' });
    expect(folders.map((f) => f.name)).toEqual(['payments']);

    const value = sentinelValue('sdk-folder');
    await sdk.secrets().createSecret('STRIPE_KEY', { projectId, environment: 'staging', secretPath: '/payments', secretValue: value });
    const fetched = await sdk.secrets().getSecret({ projectId, environment: 'staging', secretPath: '/payments', secretName: 'STRIPE_KEY' });
    expect(fetched).toMatchObject({ secretValue: value, secretPath: '/payments', environment: 'staging' });

    const root = await sdk.secrets().listSecrets({ projectId, environment: 'staging' });
    expect(root.secrets).toEqual([]);
    const recursive = await sdk.secrets().listSecrets({ projectId, environment: 'staging', recursive: true });
    expect(recursive.secrets.map((secret) => `${secret.secretPath}:${secret.secretKey}`)).toEqual(['/payments:STRIPE_KEY']);

    const next = sentinelValue('sdk-folder-2');
    await sdk.secrets().updateSecret('STRIPE_KEY', { projectId, environment: 'staging', secretPath: '/payments', secretValue: next });
    const listed = await sdk.secrets().listSecrets({ projectId, environment: 'staging', secretPath: '/payments' });
    expect(listed.secrets.map((secret) => [secret.secretKey, secret.secretValue, secret.version])).toEqual([['STRIPE_KEY', next, 2]]);

    await sdk.secrets().deleteSecret('STRIPE_KEY', { projectId, environment: 'staging', secretPath: '/payments' });
    expect((await sdk.secrets().listSecrets({ projectId, environment: 'staging', secretPath: '/payments' })).secrets).toEqual([]);
  });

  it('applies a personal override for its owner', async () => {
    const projectId = project.id;
    const shared = sentinelValue('sdk-shared');
    const personal = sentinelValue('sdk-personal');
    await sdk.secrets().createSecret('LOG_LEVEL', { projectId, environment: 'dev', secretValue: shared });
    const override = await sdk.secrets().createSecret('LOG_LEVEL', { projectId, environment: 'dev', secretValue: personal, type: SecretType.Personal });
    expect(override.secret).toMatchObject({ type: 'personal', secretValue: personal });

    expect(await sdk.secrets().getSecret({ projectId, environment: 'dev', secretName: 'LOG_LEVEL' })).toMatchObject({ type: 'personal', secretValue: personal });
    expect(await sdk.secrets().getSecret({ projectId, environment: 'dev', secretName: 'LOG_LEVEL', type: SecretType.Shared })).toMatchObject({
      type: 'shared',
      secretValue: shared,
    });
    const listed = await sdk.secrets().listSecrets({ projectId, environment: 'dev' });
    expect(listed.secrets.filter((s) => s.secretKey === 'LOG_LEVEL').map((s) => [s.type, s.secretValue])).toEqual([['personal', personal]]);

    const changed = sentinelValue('sdk-personal-2');
    await sdk.secrets().updateSecret('LOG_LEVEL', { projectId, environment: 'dev', secretValue: changed, type: SecretType.Personal });
    expect(await sdk.secrets().getSecret({ projectId, environment: 'dev', secretName: 'LOG_LEVEL', type: SecretType.Shared })).toMatchObject({ secretValue: shared });

    await sdk.secrets().deleteSecret('LOG_LEVEL', { projectId, environment: 'dev', type: SecretType.Personal });
    expect(await sdk.secrets().getSecret({ projectId, environment: 'dev', secretName: 'LOG_LEVEL' })).toMatchObject({ type: 'shared', secretValue: shared });
  });

  it('turns Rekey errors into SDK errors with the message', async () => {
    const projectId = project.id;
    await expect(sdk.secrets().createSecret('HAS SPACE', { projectId, environment: 'dev', secretValue: 'x' })).rejects.toThrow(
      /StatusCode=400.*must not contain whitespace/,
    );
    await expect(sdk.secrets().createSecret('NO_ENV', { projectId, environment: 'nope', secretValue: 'x' })).rejects.toThrow(
      /StatusCode=404.*Environment 'nope' does not exist/,
    );
    expect((await sdk.secrets().listSecrets({ projectId, environment: 'nope' })).secrets).toEqual([]);
  });
});
