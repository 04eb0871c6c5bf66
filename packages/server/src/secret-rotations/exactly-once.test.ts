import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Db } from '../db/database.js';
import { freePort, type ServerProcess, spawnServer, waitUntilReady } from '../test-support/server-process.js';
import { createTestDatabase } from '../test-support/test-app.js';
import { type RotationHarness, startRotationHarness } from './test-support/rotation-harness.js';

const rotationCount = Number(process.env.REKEY_TEST_EXACTLY_ONCE_ROTATIONS ?? 200);

/**
 * Three server processes share one PostgreSQL database and find every rotation due at the same moment:
 * the claims must hand each rotation to exactly one of them.
 */
describe('exactly-once across replicas', { timeout: 240_000 }, () => {
  let h: RotationHarness;
  let db: Db;
  let databaseUrl: string;
  const rootKey = randomBytes(32);
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    databaseUrl = (await createTestDatabase()).url;
    h = await startRotationHarness({ targets: 1, databaseUrl, rootKey });
    db = createDatabase(databaseUrl, { maxConnections: 2 });
  });
  afterAll(async () => {
    for (const server of servers) server.child.kill('SIGKILL');
    await db.destroy();
    await h.close();
  });

  it(`${rotationCount} rotations due at once → exactly ${rotationCount} addPassword calls, every rotation succeeds`, async () => {
    const template = await h.createRotation(h.targets[0] ?? { objectId: '', appId: '', displayName: '' }, { name: 'template' });
    expect(template.status, JSON.stringify(template.body)).toBe(200);
    await h.t.app.services.rotations.engine.idle();
    const templateId = (template.body.secretRotation as { id: string }).id;

    // One application per rotation, all owned by the connection's app; rotation rows cloned from the template.
    const apps = Array.from({ length: rotationCount - 1 }, (_, index) =>
      h.emulator.admin.createApplication(h.tenantId, { displayName: `Bulk ${index}`, owners: [h.rotator.objectId] }),
    );
    for (const [index, app] of apps.entries()) {
      await sql`
        insert into secret_rotations (id, org_id, project_id, environment_id, secret_path, name, description, type, connection_id,
          parameters, secrets_mapping, is_auto_rotation_enabled, rotation_interval, rotate_at_hours, rotate_at_minutes, time_zone,
          active_index, status, is_last_rotation_manual, consecutive_failures, created_at, updated_at)
        select ${randomUUID()}, org_id, project_id, environment_id, ${`/bulk/${index}`}, ${`bulk-${index}`}, null, type, connection_id,
          ${JSON.stringify({ objectId: app.id, clientId: app.appId })}::jsonb, secrets_mapping, true, rotation_interval, rotate_at_hours,
          rotate_at_minutes, time_zone, 0, 'success', true, 0, now(), now()
        from secret_rotations where id = ${templateId}`.execute(db);
    }
    const dueAt = new Date(Date.now() - 60_000);
    await db.updateTable('secret_rotations').set({ next_rotation_at: dueAt }).execute();
    const before = new Date();
    h.emulator.admin.clearRequestLog();

    for (let i = 0; i < 3; i++) {
      const server = spawnServer({
        PORT: String(await freePort()),
        DATABASE_URL: databaseUrl,
        REKEY_ROOT_KEY: rootKey.toString('base64'),
        REKEY_AZURE_AUTHORITY_HOST: h.emulator.origin,
        REKEY_AZURE_GRAPH_URL: h.emulator.origin,
        REKEY_SCHEDULER_INTERVAL_MS: '100',
        REKEY_ROTATION_MAX_CONCURRENCY: '16',
        REKEY_ROTATION_VERIFY_INITIAL_DELAY_MS: '20',
        REKEY_ROTATION_RETRY_BASE_MS: '50',
        LOG_LEVEL: 'warn',
      });
      servers.push(server);
    }
    await Promise.all(servers.map((server) => waitUntilReady(server)));

    const deadline = Date.now() + 180_000;
    let done = 0;
    while (Date.now() < deadline) {
      const row = await db
        .selectFrom('secret_rotations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('last_rotated_at', '>=', before)
        .where('status', '=', 'success')
        .executeTakeFirstOrThrow();
      done = Number(row.n);
      if (done === rotationCount) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(done).toBe(rotationCount);
    const counters = h.emulator.admin.counters();
    expect(counters.byRoute.addPassword).toBe(rotationCount);
    expect(counters.byRouteAndStatus.addPassword?.['200']).toBe(rotationCount);
    const attempts = await db
      .selectFrom('secret_rotation_attempts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('started_at', '>=', before)
      .executeTakeFirstOrThrow();
    expect(Number(attempts.n)).toBe(rotationCount);
  });
});
