import { randomUUID } from 'node:crypto';
import type { RequestLogEntry } from 'entra-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RotationHarness, startRotationHarness, type TargetApp } from '../test-support/rotation-harness.js';

/** Each logged request as the emulator timed it, with the tenant it was for. */
function spans(log: RequestLogEntry[], tenantOf: (entry: RequestLogEntry) => string | undefined) {
  return log.map((entry) => {
    const end = Date.parse(entry.time);
    return { start: end - entry.latencyMs, end, tenant: tenantOf(entry), entry };
  });
}

/** Most requests in flight at once; 1 ms off each end, since the log keeps end times in whole milliseconds. */
function mostAtOnce(list: Array<{ start: number; end: number }>): number {
  const edges = list.flatMap((span) => [
    { at: span.start + 1, delta: 1 },
    { at: span.end - 1, delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let now = 0;
  let most = 0;
  for (const edge of edges) {
    now += edge.delta;
    most = Math.max(most, now);
  }
  return most;
}

type Setup = { h: RotationHarness; tenantB: string; tenantOf: (entry: RequestLogEntry) => string | undefined };

/** The harness's connection with four applications, and a second tenant's connection with four more. */
async function setUp(): Promise<Setup> {
  const h = await startRotationHarness({
    targets: 4,
    realism: { activationDelay: 400 },
    engineOverrides: { maxConcurrentCalls: 3, maxConcurrentCallsPerConnection: 2, maxAttemptsInFlight: 5, verifyInitialDelayMs: 100, verifyMaxDelayMs: 100 },
  });
  const tenantOfApp = new Map<string, string>();
  const tenantB = randomUUID();
  h.emulator.admin.createTenant({ id: tenantB, displayName: 'Second tenant' });
  const secret = `rotator-b-${randomUUID()}`;
  const rotatorB = h.emulator.admin.createApplication(tenantB, { displayName: 'Rotator B', roles: ['Application.ReadWrite.OwnedBy'], passwordCredentials: [{ secretText: secret }] });
  const connection = await h.request('POST', '/api/v1/app-connections/azure-client-secrets', {
    name: 'second-tenant',
    method: 'client-secret',
    credentials: { tenantId: tenantB, clientId: rotatorB.appId, clientSecret: secret },
  });
  expect(connection.status, JSON.stringify(connection.body)).toBe(200);
  const connectionB = (connection.body.appConnection as { id: string }).id;
  for (const target of h.targets) {
    tenantOfApp.set(target.objectId, h.tenantId);
    const created = await h.createRotation(target, { secretPath: `/${target.objectId}` });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
  }
  for (let index = 0; index < 4; index++) {
    const app = h.emulator.admin.createApplication(tenantB, { displayName: `B ${index}`, owners: [rotatorB.id] });
    const target: TargetApp = { objectId: app.id, appId: app.appId, displayName: `B ${index}` };
    tenantOfApp.set(target.objectId, tenantB);
    const created = await h.createRotation(target, { connectionId: connectionB, secretPath: `/${target.objectId}` });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
  }
  await h.t.app.services.rotations.engine.idle();
  // Token requests name their tenant in the path; Graph requests name the application.
  const tenantOf = (entry: RequestLogEntry) => entry.path.match(/^\/([0-9a-f-]{36})\//)?.[1] ?? tenantOfApp.get(entry.path.match(/applications\/([0-9a-f-]{36})/)?.[1] ?? '');
  return { h, tenantB, tenantOf };
}

/** Makes every rotation due, runs the scheduler until all have finished, sampling the engine's counts. */
async function runAllDue({ h, tenantOf }: Setup) {
  const engine = h.t.app.services.rotations.engine;
  h.emulator.admin.clearRequestLog();
  const started = new Date();
  await h.t.db.updateTable('secret_rotations').set({ next_rotation_at: new Date(Date.now() - 60_000) }).execute();
  const samples: Array<ReturnType<typeof engine.attemptCounts>> = [];
  const sampler = setInterval(() => samples.push(engine.attemptCounts()), 2);
  try {
    engine.startScheduler();
    const deadline = Date.now() + 60_000;
    let finished = 0;
    while (Date.now() < deadline && finished < 8) {
      const rows = await h.t.db.selectFrom('secret_rotation_attempts').select('id').where('started_at', '>=', started).where('finished_at', 'is not', null).execute();
      finished = rows.length;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await engine.stop();
  } finally {
    clearInterval(sampler);
  }
  const attempts = await h.t.db.selectFrom('secret_rotation_attempts').select(['step', 'error_message']).where('started_at', '>=', started).execute();
  return { attempts, samples, log: spans(h.emulator.admin.requestLog(), tenantOf) };
}

/**
 * Concurrency bounds Azure calls in flight: each call takes a slot overall and of its connection just
 * around the call. Attempts doing database work or waiting for Entra ID hold none, so more attempts are in
 * flight than calls (up to their own cap). Two connections (tenants) with four applications each; three
 * calls at once, two per connection, five attempts in flight. Calls are counted by the engine and, from its
 * request log, by the emulator.
 */
describe('call slots', { timeout: 120_000 }, () => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await setUp();
  });
  afterAll(async () => {
    await setup.h.close();
  });

  it('keeps Azure calls in flight within the limits, overall and per connection, while more attempts are in flight', async () => {
    const { h, tenantB } = setup;
    h.emulator.admin.setLatency(30);
    const { attempts, samples, log } = await runAllDue(setup);
    expect(attempts.map((attempt) => attempt.step)).toEqual(Array(8).fill('completed'));

    // Counted by the engine...
    expect(Math.max(...samples.map((sample) => sample.calls))).toBeLessThanOrEqual(3);
    expect(Math.max(...samples.map((sample) => sample.calls))).toBeGreaterThanOrEqual(2);
    expect(Math.max(...samples.map((sample) => sample.busiestConnection))).toBeLessThanOrEqual(2);
    // ...and at the emulator.
    expect(log.length).toBeGreaterThanOrEqual(8 * 4);
    expect(mostAtOnce(log)).toBeLessThanOrEqual(3);
    expect(mostAtOnce(log.filter((span) => span.tenant === h.tenantId))).toBeLessThanOrEqual(2);
    expect(mostAtOnce(log.filter((span) => span.tenant === tenantB))).toBeLessThanOrEqual(2);

    // Attempts in flight reach their own cap, above the call cap: waiting or database work holds no slot.
    expect(Math.max(...samples.map((sample) => sample.inFlight))).toBe(5);
    expect(samples.some((sample) => sample.inFlight >= 3 && sample.calls === 0)).toBe(true);
  });

});

describe('call slots under throttling', { timeout: 120_000 }, () => {
  let setup: Setup;
  beforeAll(async () => {
    setup = await setUp();
  });
  afterAll(async () => {
    await setup.h.close();
  });

  it('keeps every call off a connection for the Retry-After Microsoft gave it, and then goes on', async () => {
    const { h } = setup;
    h.emulator.admin.setLatency(10);
    // Secrets take long to start working: the connection's other attempts keep asking for tokens meanwhile.
    h.emulator.admin.setRealism({ activationDelay: 3_000 });
    // Four 429s: the Graph client retries three times itself (honouring Retry-After), the engine sees the fourth.
    const rule = h.emulator.admin.addFault({ match: { route: 'addPassword', tenant: h.tenantId }, action: { type: 'throttle', retryAfterSeconds: 1 }, times: 4 });
    const { attempts, log } = await runAllDue(setup);
    expect(attempts.map((attempt) => attempt.step)).toEqual(Array(8).fill('completed'));

    const throttled = log.filter((span) => span.entry.faultRuleId === rule).sort((a, b) => a.end - b.end);
    expect(throttled).toHaveLength(4);
    const answeredAt = throttled[3]?.end ?? 0;
    // Nothing on that tenant starts while it waits (50 ms allowance for the answer to reach the engine)...
    const during = log.filter((span) => span.start > answeredAt + 50 && span.start < answeredAt + 950);
    expect(during.filter((span) => span.tenant === h.tenantId)).toEqual([]);
    // ...and it goes on afterwards.
    expect(log.some((span) => span.tenant === h.tenantId && span.start >= answeredAt + 950)).toBe(true);
  });
});
