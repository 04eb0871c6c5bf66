import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, bootstrap, type Bootstrapped, createMachineIdentity, createProject, type CreatedProject } from '../test-support/fixtures.js';
import { sentinelValue } from '../test-support/sentinel.js';
import { createTestDatabase, startTestApp, type TestApp } from '../test-support/test-app.js';
import { createManualClock } from '../lib/clock.js';
import type { ChangeFeed } from './change-feed.js';
import { createReadCache } from './read-cache.js';

/** A change feed the test drives by hand. */
function manualFeed(): ChangeFeed & { bump(): void; setLive(isLive: boolean): void } {
  let generation = 0;
  let isLive = true;
  return {
    generation: () => (isLive ? generation : null),
    plugin: { transformQuery: (args) => args.node, transformResult: async (args) => args.result },
    start: async () => undefined,
    stop: async () => undefined,
    bump: () => {
      generation += 1;
    },
    setLive: (value) => {
      isLive = value;
    },
  };
}

describe('read cache', () => {
  it('reuses a value until the generation moves, and never keeps one loaded across a change', async () => {
    const feed = manualFeed();
    const cache = createReadCache<{ n: number }>({ feed, clock: createManualClock(), ttlMs: 60_000, maxEntries: 10 });
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await cache.through('k', load)).toEqual({ n: 1 });
    expect(await cache.through('k', load)).toEqual({ n: 1 });
    feed.bump();
    expect(await cache.through('k', load)).toEqual({ n: 2 });
    // A change committed while loading: the loaded value is returned but not kept.
    const racing = await cache.through('r', async () => {
      feed.bump();
      return { n: ++loads };
    });
    expect(racing).toEqual({ n: 3 });
    expect(await cache.through('r', load)).toEqual({ n: 4 });
    expect(await cache.through('r', load)).toEqual({ n: 4 });
  });

  it('peeks only at a value that through() would return from the cache', async () => {
    const feed = manualFeed();
    const clock = createManualClock();
    const cache = createReadCache<{ n: number }>({ feed, clock, ttlMs: 1_000, maxEntries: 10 });
    expect(cache.peek('k')).toBeUndefined();
    await cache.through('k', async () => ({ n: 1 }));
    expect(cache.peek('k')).toEqual({ n: 1 });
    feed.bump();
    expect(cache.peek('k')).toBeUndefined();
    await cache.through('k', async () => ({ n: 2 }));
    clock.advance(1_001);
    expect(cache.peek('k')).toBeUndefined();
    await cache.through('k', async () => ({ n: 3 }));
    feed.setLive(false);
    expect(cache.peek('k')).toBeUndefined();
    feed.setLive(true);
    expect(cache.peek('k')).toBeUndefined();
  });

  it('caches nothing while notifications are down, expires by age, stays bounded and freezes values', async () => {
    const feed = manualFeed();
    const clock = createManualClock();
    const cache = createReadCache<{ n: number; list: number[] }>({ feed, clock, ttlMs: 1_000, maxEntries: 2 });
    let loads = 0;
    const load = async () => ({ n: ++loads, list: [loads] });
    feed.setLive(false);
    await cache.through('k', load);
    await cache.through('k', load);
    expect(loads).toBe(2);
    expect(cache.size).toBe(0);
    feed.setLive(true);
    const value = await cache.through('k', load);
    expect(() => value.list.push(1)).toThrow(TypeError);
    clock.advance(1_001);
    expect((await cache.through('k', load)).n).toBe(4);
    await cache.through('a', load);
    await cache.through('b', load);
    expect(cache.size).toBe(2);
    await expect(cache.through('x', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(cache.size).toBe(2);
  });
});

/**
 * Two app instances on one database stand for two replicas. Every read below is made right after a change on
 * the other instance, so a stale cache would answer with the old value or let a revoked token in.
 */
describe('cached reads across replicas', () => {
  let replicaA: TestApp;
  let replicaB: TestApp;
  let admin: Bootstrapped;
  let project: CreatedProject;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = (await createTestDatabase()).url;
    replicaA = await startTestApp({ databaseUrl });
    replicaB = await startTestApp({ databaseUrl, rootKey: replicaA.rootKey });
    admin = await bootstrap(replicaA);
    project = await createProject(replicaA, admin.adminIdentityToken);
  });

  afterAll(async () => {
    await replicaA?.close();
    await replicaB?.close();
  });

  const list = (app: TestApp, token: string) =>
    app.app.inject({
      method: 'GET',
      url: `/api/v3/secrets/raw?workspaceId=${project.id}&environment=dev&secretPath=/`,
      headers: authHeader(token),
    });

  /** Reads on `app` until `accept` holds; the change notification needs a moment to cross replicas. */
  async function eventually(read: () => Promise<{ statusCode: number; body: string }>, accept: (r: { statusCode: number; body: string }) => boolean) {
    const deadline = Date.now() + 5_000;
    let last = await read();
    while (!accept(last) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      last = await read();
    }
    return last;
  }

  it('a write on one replica is read on the other, and a writer always reads its own write', async () => {
    const reader = await createMachineIdentity(replicaA, admin.adminIdentityToken, { projectId: project.id, projectRole: 'viewer' });
    const first = sentinelValue('cached-first');
    const second = sentinelValue('cached-second');
    const create = await replicaA.app.inject({
      method: 'POST',
      url: '/api/v3/secrets/raw/CACHED',
      headers: authHeader(admin.adminIdentityToken),
      payload: { workspaceId: project.id, environment: 'dev', secretPath: '/', secretValue: first },
    });
    expect(create.statusCode).toBe(200);
    // Warm replica B's cache, then change the value on replica A.
    expect((await eventually(() => list(replicaB, reader.accessToken), (r) => r.body.includes(first))).body).toContain(first);
    expect((await list(replicaB, reader.accessToken)).body).toContain(first);
    const update = await replicaA.app.inject({
      method: 'PATCH',
      url: '/api/v3/secrets/raw/CACHED',
      headers: authHeader(admin.adminIdentityToken),
      payload: { workspaceId: project.id, environment: 'dev', secretPath: '/', secretValue: second },
    });
    expect(update.statusCode).toBe(200);
    // The writer's own replica has it at once, with no wait for the notification.
    expect((await list(replicaA, reader.accessToken)).body).toContain(second);
    const onB = await eventually(() => list(replicaB, reader.accessToken), (r) => r.body.includes(second));
    expect(onB.body).toContain(second);
    expect(onB.body).not.toContain(first);
  });

  it('a revoked token and a removed membership stop working on the other replica', async () => {
    const reader = await createMachineIdentity(replicaA, admin.adminIdentityToken, { projectId: project.id, projectRole: 'viewer' });
    expect((await eventually(() => list(replicaB, reader.accessToken), (r) => r.statusCode === 200)).statusCode).toBe(200);
    expect((await list(replicaB, reader.accessToken)).statusCode).toBe(200);
    const removed = await replicaA.app.inject({
      method: 'DELETE',
      url: `/api/v2/workspace/${project.id}/identity-memberships/${reader.identityId}`,
      headers: authHeader(admin.adminIdentityToken),
    });
    expect(removed.statusCode).toBe(200);
    expect((await eventually(() => list(replicaB, reader.accessToken), (r) => r.statusCode !== 200)).statusCode).toBe(403);

    const other = await createMachineIdentity(replicaA, admin.adminIdentityToken, { projectId: project.id, projectRole: 'viewer' });
    expect((await eventually(() => list(replicaB, other.accessToken), (r) => r.statusCode === 200)).statusCode).toBe(200);
    const revoked = await replicaA.app.inject({
      method: 'POST',
      url: '/api/v1/auth/token/revoke',
      headers: authHeader(other.accessToken),
      payload: { accessToken: other.accessToken },
    });
    expect(revoked.statusCode).toBe(200);
    expect((await eventually(() => list(replicaB, other.accessToken), (r) => r.statusCode !== 200)).statusCode).toBe(401);
  });

  it('a change made outside Rekey (plain SQL) is noticed too, and losing the notification connection turns caching off', async () => {
    const reader = await createMachineIdentity(replicaA, admin.adminIdentityToken, { projectId: project.id, projectRole: 'viewer' });
    await replicaA.app.inject({
      method: 'POST',
      url: '/api/v3/secrets/raw/SQL_EDITED',
      headers: authHeader(admin.adminIdentityToken),
      payload: { workspaceId: project.id, environment: 'dev', secretPath: '/', secretValue: sentinelValue('sql') },
    });
    expect((await eventually(() => list(replicaB, reader.accessToken), (r) => r.body.includes('SQL_EDITED'))).body).toContain('SQL_EDITED');
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query("delete from secrets where key = 'SQL_EDITED'");
      expect((await eventually(() => list(replicaB, reader.accessToken), (r) => !r.body.includes('SQL_EDITED'))).body).not.toContain('SQL_EDITED');

      // Cut every LISTEN connection: reads must stay correct (uncached) and the feed must come back.
      await client.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen %'");
      await client.query("update identities set name = name where id = $1", [reader.identityId]);
      await client.query("delete from identity_access_tokens where identity_id = $1", [reader.identityId]);
      expect((await eventually(() => list(replicaB, reader.accessToken), (r) => r.statusCode === 401)).statusCode).toBe(401);
    } finally {
      await client.end();
    }
    const again = await createMachineIdentity(replicaA, admin.adminIdentityToken, { projectId: project.id, projectRole: 'viewer' });
    expect((await eventually(() => list(replicaB, again.accessToken), (r) => r.statusCode === 200)).statusCode).toBe(200);
  });
});
