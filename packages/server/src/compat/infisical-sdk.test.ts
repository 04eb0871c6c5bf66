import { InfisicalSDK } from '@infisical/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrap, createMachineIdentity, createProject, createUser, type Bootstrapped } from '../test-support/fixtures.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';

/**
 * The official @infisical/sdk (pinned dev dependency) against a real, listening Rekey over HTTP: the
 * identity part of the compatibility suite (secrets are in infisical-sdk-secrets.test.ts).
 */
describe('@infisical/sdk compatibility', () => {
  let t: TestApp;
  let siteUrl: string;
  let admin: Bootstrapped;
  beforeAll(async () => {
    t = await startTestApp();
    siteUrl = await t.listen();
    admin = await bootstrap(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('logs in with Universal Auth and renews the token', async () => {
    const project = await createProject(t, admin.userToken);
    const identity = await createMachineIdentity(t, admin.userToken, { projectId: project.id, projectRole: 'admin' });
    const client = new InfisicalSDK({ siteUrl });
    const authenticated = await client.auth().universalAuth.login({ clientId: identity.clientId, clientSecret: identity.clientSecret });
    const accessToken = authenticated.auth().getAccessToken();
    expect(accessToken).toEqual(expect.any(String));
    expect(accessToken).not.toBe(identity.accessToken);

    const response = await fetch(`${siteUrl}/api/v1/workspace/${project.id}`, { headers: { authorization: `Bearer ${accessToken}` } });
    expect(response.status).toBe(200);

    const renewed = await authenticated.auth().universalAuth.renew();
    expect(renewed.auth().getAccessToken()).toBe(accessToken);
  });

  it('reports wrong credentials with our message (no retries: 401 is not retried)', async () => {
    const identity = await createMachineIdentity(t, admin.userToken);
    const client = new InfisicalSDK({ siteUrl });
    const started = Date.now();
    await expect(client.auth().universalAuth.login({ clientId: identity.clientId, clientSecret: 'f'.repeat(64) })).rejects.toThrow(
      /StatusCode=401.*Invalid credentials: the client ID or client secret is wrong/,
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('creates a project and an environment and adds members through the SDK', async () => {
    const client = new InfisicalSDK({ siteUrl }).auth().accessToken(admin.adminIdentityToken);
    const project = await client.projects().create({ projectName: 'From SDK', type: 'secret-manager', slug: 'from-sdk' });
    expect(project).toMatchObject({ name: 'From SDK', slug: 'from-sdk' });
    const environment = await client.environments().create({ projectId: project.id, name: 'QA', slug: 'qa' });
    expect(environment).toMatchObject({ name: 'QA', slug: 'qa' });
    const user = await createUser(t, admin.userToken);
    const memberships = await client.projects().inviteMembers({ projectId: project.id, emails: [user.email], roleSlugs: ['viewer'] });
    expect(memberships).toHaveLength(1);
  });
});
