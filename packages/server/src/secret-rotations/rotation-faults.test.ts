import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../test-support/fixtures.js';
import { type RotationHarness, startRotationHarness, type TargetApp } from './test-support/rotation-harness.js';

type Rotation = { id: string; rotationStatus: string; lastRotationMessage: string | null; lastFailureCategory: string | null; secretsMapping: { clientId: string; clientSecret: string } };

describe('rotation under Graph faults', () => {
  let h: RotationHarness;
  beforeAll(async () => {
    // Graph calls slower than 5 s time out and are retried (longer than the Graph client's own 503 retry wait).
    h = await startRotationHarness({ targets: 7, env: { REKEY_AZURE_REQUEST_TIMEOUT_MS: '5000' } });
  });
  afterAll(async () => {
    await h.close();
  });

  async function created(target: TargetApp): Promise<Rotation> {
    const response = await h.createRotation(target);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    await h.t.app.services.rotations.engine.idle();
    return response.body.secretRotation as Rotation;
  }

  async function rotate(rotation: Rotation): Promise<Rotation> {
    const response = await h.request('POST', `/api/v2/secret-rotations/azure-client-secret/${rotation.id}/rotate-secrets`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.secretRotation as Rotation;
  }

  it.each([
    ['a 429 storm with Retry-After', { type: 'throttle', retryAfterSeconds: 1 }, 'addPassword', 3, 0],
    ['503 without Retry-After', { type: 'serverError', status: 503 }, 'addPassword', 2, 1],
    ['503 with Retry-After (HTTP date)', { type: 'serverError', status: 503, retryAfterSeconds: 1, retryAfterFormat: 'http-date' }, 'removePassword', 2, 2],
    ['concurrent-write conflicts', { type: 'conflict' }, 'addPassword', 2, 3],
    ['slow answers', { type: 'delay', ms: 1500 }, 'getApplication', 1, 4],
    ['a timed-out addPassword (the password may exist: it is found and removed)', { type: 'delay', ms: 7000 }, 'addPassword', 1, 6],
  ] as const)('%s → success after retries', async (_label, action, route, times, targetIndex) => {
    const target = h.targets[targetIndex] as TargetApp;
    const rotation = await created(target);
    await rotate(rotation);
    h.emulator.admin.clearRequestLog();
    h.emulator.admin.addFault({ match: { route, app: target.objectId }, action, times });
    const after = await rotate(rotation);
    expect(after.rotationStatus, after.lastRotationMessage ?? '').toBe('success');
    const counters = h.emulator.admin.counters();
    expect(counters.byRoute[route] ?? 0).toBeGreaterThanOrEqual(times);
    if (action.type === 'delay' && route === 'addPassword') {
      // The abandoned request still creates its password when it finally runs: the sweep finds it by marker.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await h.t.app.services.rotations.engine.sweepOrphans();
    }
    expect(h.rekeyPasswords(target)).toHaveLength(2);
    const value = (await h.readSecrets())[rotation.secretsMapping.clientSecret] ?? '';
    expect(await h.canAuthenticate(target.appId, value)).toEqual({ ok: true });
  });

  it('403 fails with an actionable message and leaves the mapped secrets unchanged', async () => {
    const target = h.targets[5] as TargetApp;
    const rotation = await created(target);
    const before = await h.readSecrets();
    const rule = h.emulator.admin.addFault({ match: { route: 'addPassword', app: target.objectId }, action: { type: 'forbidden' } });
    const after = await rotate(rotation);
    h.emulator.admin.removeFault(rule);
    expect(after.rotationStatus).toBe('failed');
    expect(after.lastFailureCategory).toBe('permission');
    expect(after.lastRotationMessage).toMatch(/Application\.ReadWrite\.OwnedBy/);
    expect(await h.readSecrets()).toEqual(before);
    expect(h.rekeyPasswords(target)).toHaveLength(1);
  });

  it('a deleted application fails with an actionable message and leaves the secrets unchanged', async () => {
    const target = h.targets[5] as TargetApp;
    const list = await h.request('GET', `/api/v2/secret-rotations?projectId=${h.project.id}`);
    const rotation = (list.body.secretRotations as Array<Rotation & { parameters: { objectId: string } }>).find((r) => r.parameters.objectId === target.objectId);
    if (!rotation) throw new Error('rotation missing');
    const before = await h.readSecrets();
    const rule = h.emulator.admin.addFault({
      match: { route: 'getApplication', app: target.objectId },
      action: { type: 'error', status: 404, code: 'Request_ResourceNotFound', message: `Resource '${target.objectId}' does not exist or one of its queried reference-property objects are not present.` },
    });
    const after = await rotate(rotation);
    h.emulator.admin.removeFault(rule);
    expect(after.rotationStatus).toBe('failed');
    expect(after.lastFailureCategory).toBe('not_found');
    expect(after.lastRotationMessage).toMatch(/does not exist in the tenant/);
    expect(await h.readSecrets()).toEqual(before);
  });
});

describe('bad input creates nothing, in Rekey or in Azure', () => {
  let h: RotationHarness;
  beforeAll(async () => {
    h = await startRotationHarness({ targets: 2 });
  });
  afterAll(async () => {
    await h.close();
  });

  it.each([
    ['a name that is not a slug', { name: 'Not A Slug!' }, 400],
    ['interval 0', { rotationInterval: 0 }, 400],
    ['interval 910', { rotationInterval: 910 }, 400],
    ['an unknown connection', { connectionId: '00000000-0000-4000-8000-000000000000' }, 404],
    ['equal mapped names', { secretsMapping: { clientId: 'SAME', clientSecret: 'SAME' } }, 400],
    ['an unknown environment', { environment: 'nope' }, 404],
    ['a path with ..', { secretPath: '/api/../x' }, 400],
    ['an unknown time zone', { rotateAt: { hours: 2, minutes: 0 }, timeZone: 'Mars/Olympus' }, 400],
    ['an objectId that is not in the tenant', { parameters: { objectId: '11111111-1111-4111-8111-111111111111', clientId: '22222222-2222-4222-8222-222222222222' } }, 400],
    ['an objectId and clientId of different apps', 'mismatch', 400],
  ] as Array<[string, Record<string, unknown> | 'mismatch', number]>)('%s → %s', async (_label, overrides, status) => {
    h.emulator.admin.clearRequestLog();
    const target = h.targets[0] as TargetApp;
    const other = h.targets[1] as TargetApp;
    const body = overrides === 'mismatch' ? { parameters: { objectId: target.objectId, clientId: other.appId } } : overrides;
    const response = await h.createRotation(target, body);
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    expect(typeof response.body.message).toBe('string');
    expect(h.emulator.admin.counters().byRoute.addPassword ?? 0).toBe(0);
    const rows = await h.t.db.selectFrom('secret_rotations').select('id').execute();
    expect(rows).toHaveLength(0);
  });

  it('mapped names already taken by an ordinary secret → 409, nothing created', async () => {
    const put = await h.request('POST', '/api/v3/secrets/raw/TAKEN_NAME', { workspaceId: h.project.id, environment: 'dev', secretPath: '/', secretValue: 'x' });
    expect(put.status).toBe(200);
    h.emulator.admin.clearRequestLog();
    const response = await h.createRotation(h.targets[0] as TargetApp, { secretsMapping: { clientId: 'TAKEN_NAME', clientSecret: 'FREE_NAME' } });
    expect(response.status).toBe(409);
    expect(String(response.body.message)).toContain('TAKEN_NAME');
    expect(h.emulator.admin.counters().byRoute.addPassword ?? 0).toBe(0);
  });

  it('a connection of another organization is not found', async () => {
    const otherUser = await createUser(h.t, h.admin.userToken, { orgRole: 'admin' });
    const org = await h.request('POST', '/api/v2/organizations', { name: 'Other Org' }, otherUser.token);
    expect(org.status, JSON.stringify(org.body)).toBe(200);
    const orgId = (org.body.organization as { id: string }).id;
    const switched = await h.request('POST', '/api/v3/auth/select-organization', { organizationId: orgId }, otherUser.token);
    const token = (switched.body as { token?: string; accessToken?: string }).token ?? (switched.body as { accessToken?: string }).accessToken ?? '';
    const project = await h.request('POST', '/api/v2/workspace', { projectName: 'Other project' }, token);
    expect(project.status, JSON.stringify(project.body)).toBe(200);
    const target = h.targets[0] as TargetApp;
    const response = await h.request(
      'POST',
      '/api/v2/secret-rotations/azure-client-secret',
      {
        name: 'cross-org',
        connectionId: h.connectionId,
        projectId: (project.body.project as { id: string }).id,
        environment: 'dev',
        rotationInterval: 30,
        parameters: { objectId: target.objectId, clientId: target.appId },
        secretsMapping: { clientId: 'A', clientSecret: 'B' },
      },
      token,
    );
    expect(response.status).toBe(404);
    expect(h.emulator.admin.counters().byRoute.addPassword ?? 0).toBe(0);
  });
});
