import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RotationHarness, startRotationHarness, type TargetApp } from '../test-support/rotation-harness.js';

/**
 * The scheduler keeps its slots busy: when an attempt ends, the next due rotation starts at once (the
 * tick here is an hour away), and rotations that share an application still run one at a time.
 */
describe('scheduler', { timeout: 90_000 }, () => {
  let h: RotationHarness;
  beforeAll(async () => {
    h = await startRotationHarness({
      targets: 2,
      engineOverrides: { maxConcurrentCalls: 3, maxConcurrentCallsPerConnection: 3, pollIntervalMs: 3_600_000 },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('fills a freed slot without waiting for a tick, one attempt per application at a time', async () => {
    const engine = h.t.app.services.rotations.engine;
    const templates: string[] = [];
    for (const target of h.targets as TargetApp[]) {
      const created = await h.createRotation(target, { secretPath: `/${target.objectId}` });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      templates.push((created.body.secretRotation as { id: string }).id);
    }
    await engine.idle();
    // Three more rotations per application, each in its own folder: eight rotations, two applications.
    for (const [index, template] of [...templates, ...templates, ...templates].entries()) {
      await sql`
        insert into secret_rotations (id, org_id, project_id, environment_id, secret_path, name, type, connection_id, parameters,
          secrets_mapping, is_auto_rotation_enabled, rotation_interval, rotate_at_hours, rotate_at_minutes, time_zone, active_index,
          status, is_last_rotation_manual, consecutive_failures)
        select ${randomUUID()}, org_id, project_id, environment_id, secret_path || ${`/copy-${index}`}, ${`copy-${index}`}, type, connection_id,
          parameters, secrets_mapping, true, rotation_interval, rotate_at_hours, rotate_at_minutes, time_zone, 0, 'success', true, 0
        from secret_rotations where id = ${template}`.execute(h.t.db);
    }
    const started = new Date();
    await h.t.db.updateTable('secret_rotations').set({ next_rotation_at: new Date(Date.now() - 60_000) }).execute();

    engine.startScheduler();
    const deadline = Date.now() + 60_000;
    let attempts: Array<{ objectId: string; started_at: Date; finished_at: Date | null }> = [];
    while (Date.now() < deadline) {
      attempts = await h.t.db
        .selectFrom('secret_rotation_attempts as a')
        .innerJoin('secret_rotations as r', 'r.id', 'a.rotation_id')
        .select([sql<string>`r.parameters->>'objectId'`.as('objectId'), 'a.started_at', 'a.finished_at'])
        .where('a.started_at', '>=', started)
        .execute();
      if (attempts.length === 8 && attempts.every((attempt) => attempt.finished_at !== null)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(attempts).toHaveLength(8);
    expect(attempts.every((attempt) => attempt.finished_at !== null)).toBe(true);
    const rotated = await h.t.db.selectFrom('secret_rotations').select('status').where('last_rotated_at', '>=', started).execute();
    expect(rotated.map((row) => row.status)).toEqual(Array(8).fill('success'));
    // Per application, each attempt started after the previous one had finished.
    for (const target of h.targets as TargetApp[]) {
      const own = attempts.filter((attempt) => attempt.objectId === target.objectId).sort((a, b) => a.started_at.getTime() - b.started_at.getTime());
      expect(own).toHaveLength(4);
      for (let i = 1; i < own.length; i++) expect(own[i]?.started_at.getTime()).toBeGreaterThanOrEqual(own[i - 1]?.finished_at?.getTime() ?? Number.POSITIVE_INFINITY);
    }
  });
});
