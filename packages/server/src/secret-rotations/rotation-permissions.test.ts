import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMachineIdentity } from '../test-support/fixtures.js';
import { type RotationHarness, startRotationHarness, type TargetApp } from './test-support/rotation-harness.js';

/** The six rotation actions of Infisical's permission model, per built-in project role. */
describe('rotation permissions', () => {
  let h: RotationHarness;
  let rotationId: string;
  beforeAll(async () => {
    h = await startRotationHarness({ targets: 2 });
    const created = await h.createRotation(h.targets[0] as TargetApp, { name: 'guarded' });
    expect(created.status).toBe(200);
    rotationId = (created.body.secretRotation as { id: string }).id;
    await h.t.app.services.rotations.engine.idle();
  });
  afterAll(async () => {
    await h.close();
  });

  const base = '/api/v2/secret-rotations/azure-client-secret';
  const allowed = (status: number) => status === 200;

  it.each([
    ['admin', { read: true, readCredentials: true, create: true, edit: true, rotate: true, remove: true }],
    ['member', { read: true, readCredentials: false, create: false, edit: false, rotate: false, remove: false }],
    ['viewer', { read: true, readCredentials: false, create: false, edit: false, rotate: false, remove: false }],
    ['no-access', { read: false, readCredentials: false, create: false, edit: false, rotate: false, remove: false }],
  ])('%s', async (role, expected) => {
    // Creating a rotation also needs `connect` on the connection, which org admins hold.
    const identity = await createMachineIdentity(h.t, h.admin.userToken, { projectId: h.project.id, projectRole: role, orgRole: role === 'admin' ? 'admin' : 'member' });
    const token = identity.accessToken;
    h.emulator.admin.clearRequestLog();
    const read = await h.request('GET', `${base}/${rotationId}`, undefined, token);
    const credentials = await h.request('GET', `${base}/${rotationId}/generated-credentials`, undefined, token);
    const edit = await h.request('PATCH', `${base}/${rotationId}`, { description: `edited by ${role}` }, token);
    const target = h.targets[1] as TargetApp;
    const create = await h.request(
      'POST',
      base,
      {
        name: `by-${role}`,
        connectionId: h.connectionId,
        projectId: h.project.id,
        environment: 'dev',
        secretPath: `/${role}`,
        rotationInterval: 30,
        parameters: { objectId: target.objectId, clientId: target.appId },
        secretsMapping: { clientId: `ID_${role.replace('-', '_').toUpperCase()}`, clientSecret: `SECRET_${role.replace('-', '_').toUpperCase()}` },
      },
      token,
    );
    if (!expected.create) expect(h.emulator.admin.counters().byRoute.addPassword ?? 0).toBe(0);
    const rotate = await h.request('POST', `${base}/${rotationId}/rotate-secrets`, undefined, token);
    const createdId = (create.body.secretRotation as { id?: string } | undefined)?.id;
    await h.t.app.services.rotations.engine.idle();
    const remove = await h.request('DELETE', `${base}/${createdId ?? rotationId}?revokeGeneratedCredentials=true&deleteSecrets=true`, undefined, token);
    expect({
      read: allowed(read.status),
      readCredentials: allowed(credentials.status),
      create: allowed(create.status),
      edit: allowed(edit.status),
      rotate: allowed(rotate.status),
      remove: allowed(remove.status),
    }).toEqual(expected);
    for (const response of [read, credentials, create, edit, rotate, remove]) {
      expect([200, 403, 404]).toContain(response.status);
      if (response.status === 403) expect(typeof response.body.message).toBe('string');
    }
    if (expected.readCredentials) {
      const generated = credentials.body.generatedCredentials as Array<{ isActive: boolean; credential: { clientSecret: string } }>;
      expect(generated.some((entry) => entry.isActive)).toBe(true);
    } else {
      expect(JSON.stringify(credentials.body)).not.toMatch(/clientSecret/);
    }
  });
});
