import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Db } from '../../packages/server/src/db/database.js';
import { type RotationHarness, startRotationHarness, type TargetApp } from '../../packages/server/src/secret-rotations/test-support/rotation-harness.js';
import { authHeader } from '../../packages/server/src/test-support/fixtures.js';
import { createTestDatabase } from '../../packages/server/src/test-support/test-app.js';
import { captureLogs } from './support/capture.js';
import { livePasswordIds, type RekeyProcess, startRekeyProcess, stopRekeyProcess, trackedKeyIds, unsettledRotations } from './support/rekey-processes.js';
import { scaled } from './support/scale.js';

/**
 * Replicas: three Rekey processes share one PostgreSQL database and find R rotations due at the same
 * moment. When about half of them have been promoted, the replica holding the most leases is SIGKILLed;
 * the two survivors must take its in-flight attempts over from the journal. In the end every rotation
 * succeeded exactly once, every published secret works, and every credential Azure created is either
 * the one Rekey promoted or an orphan Rekey found and removed: Azure holds exactly what Rekey tracks.
 */
const rotationCount = scaled({ full: 500, ci: 100 });
const replicaCount = 3;
const leaseMs = 3_000;
const finishTimeoutMs = scaled({ full: 900_000, ci: 300_000 });

type Managed = { id: string; target: TargetApp; clientIdKey: string; clientSecretKey: string };

async function mapWithConcurrency<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  });
  await Promise.all(workers);
  return results;
}

describe('replicas: one of three SIGKILLed halfway through a burst of due rotations', { timeout: 60 * 60_000 }, () => {
  let h: RotationHarness;
  let db: Db;
  let databaseUrl: string;
  const rootKey = randomBytes(32);
  const managed: Managed[] = [];
  const replicas: RekeyProcess[] = [];

  beforeAll(async () => {
    databaseUrl = (await createTestDatabase()).url;
    h = await startRotationHarness({ targets: 1, databaseUrl, rootKey });
    db = createDatabase(databaseUrl, { maxConnections: 2 });
    // R real rotations, created through the API: each has its first credential published and verified.
    const apps = Array.from({ length: rotationCount }, (_, index) => {
      const app = h.emulator.admin.createApplication(h.tenantId, { displayName: `Replica target ${index}`, owners: [h.rotator.objectId] });
      return { objectId: app.id, appId: app.appId, displayName: `Replica target ${index}` };
    });
    const created = await mapWithConcurrency(apps, 8, async (target, index) => {
      const clientIdKey = `REPLICA_${index}_CLIENT_ID`;
      const clientSecretKey = `REPLICA_${index}_CLIENT_SECRET`;
      const response = await h.createRotation(target, { name: `replica-${index}`, secretsMapping: { clientId: clientIdKey, clientSecret: clientSecretKey } });
      if (response.status !== 200) throw new Error(`creating rotation ${index} failed: ${JSON.stringify(response.body)}`);
      return { id: (response.body.secretRotation as { id: string }).id, target, clientIdKey, clientSecretKey };
    });
    managed.push(...created);
    await h.t.app.services.rotations.engine.idle();
    const busy = await unsettledRotations(db);
    if (busy.length > 0) throw new Error(`set-up left rotations busy: ${busy.slice(0, 5).join('\n')}`);
  }, 30 * 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => stopRekeyProcess(replica, 'SIGTERM')));
    captureLogs('replicas in-process set-up app', h.t.logs.join(''));
    await db.destroy();
    await h.close();
  });

  it(`${rotationCount} rotations due at once on ${replicaCount} replicas, one SIGKILLed halfway: each rotates exactly once, no orphans`, async () => {
    const started = await Promise.all(
      Array.from({ length: replicaCount }, (_, index) =>
        startRekeyProcess({ databaseUrl, rootKey, emulatorOrigin: h.emulator.origin }, `replica #${index + 1}`, {
          REKEY_SCHEDULER_INTERVAL_MS: '100',
          REKEY_ROTATION_LEASE_MS: String(leaseMs),
          REKEY_ROTATION_MAX_CONCURRENCY: '16',
          REKEY_ROTATION_MAX_CONCURRENCY_PER_CONNECTION: '16',
          REKEY_ROTATION_VERIFY_INITIAL_DELAY_MS: '20',
          REKEY_ROTATION_RETRY_BASE_MS: '50',
          LOG_LEVEL: 'warn',
        }),
      ),
    );
    replicas.push(...started);

    // Credentials that exist before the burst; anything else in Azure afterwards was created by it.
    const existingKeyIds = new Set(managed.flatMap((rotation) => h.emulator.admin.listPasswordCredentials(h.tenantId, rotation.target.objectId).map((password) => password.keyId)));
    const publishedBefore = await readPublished(replicas[0] as RekeyProcess);
    // Some latency widens the windows in which the killed replica has calls in flight.
    h.emulator.admin.setLatency({ minMs: 5, maxMs: 30 });
    h.emulator.admin.clearRequestLog();
    const burstStart = new Date();
    await db.updateTable('secret_rotations').set({ next_rotation_at: new Date(burstStart.getTime() - 60_000) }).execute();

    // Halfway: SIGKILL the replica with the most leases, i.e. the most work in flight.
    let promoted = 0;
    while (promoted < rotationCount / 2) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      promoted = await countPromotedSince(burstStart);
      if (Date.now() - burstStart.getTime() > finishTimeoutMs) throw new Error(`only ${promoted} rotations promoted after ${finishTimeoutMs} ms`);
    }
    const leasesByPid = await leasesByProcess();
    const victim = [...replicas].sort((a, b) => (leasesByPid.get(b.pid)?.length ?? 0) - (leasesByPid.get(a.pid)?.length ?? 0))[0] as RekeyProcess;
    await stopRekeyProcess(victim, 'SIGKILL');
    const killedAtMs = Date.now() - burstStart.getTime();
    const promotedAtKill = await countPromotedSince(burstStart);
    // What the victim left behind: leases it still held, and the journal step of each attempt among them.
    const orphanedLeases = (await leasesByProcess()).get(victim.pid) ?? [];
    const orphanedAttemptIds = orphanedLeases.map((owner) => owner.split('/')[1] ?? '').filter((id) => id !== 'pending');
    const stepsAtKill =
      orphanedAttemptIds.length === 0
        ? []
        : await db.selectFrom('secret_rotation_attempts').select(['id', 'step']).where('id', 'in', orphanedAttemptIds).execute();
    const survivors = replicas.filter((replica) => replica !== victim);
    const context = () =>
      `[victim ${victim.source} pid ${victim.pid} killed at ${killedAtMs} ms with ${orphanedLeases.length} leases (${stepsAtKill.map((row) => row.step).join(',')})]\n` +
      survivors.map((replica) => `--- ${replica.source} (tail) ---\n${replica.output().slice(-3000)}`).join('\n');
    expect(orphanedLeases.length, `the victim had work in flight ${context()}`).toBeGreaterThan(0);

    // The survivors finish everything, including the victim's attempts once its leases expire.
    let done = 0;
    let busy: string[] = [];
    while (Date.now() - burstStart.getTime() < finishTimeoutMs) {
      const row = await db
        .selectFrom('secret_rotations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('last_rotated_at', '>=', burstStart)
        .where('status', '=', 'success')
        .executeTakeFirstOrThrow();
      done = Number(row.n);
      busy = await unsettledRotations(db);
      if (done === rotationCount && busy.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const wallMs = Date.now() - burstStart.getTime();
    expect(busy, `no rotation left busy ${context()}`).toEqual([]);
    expect(done, `rotations that succeeded after the burst started ${context()}`).toBe(rotationCount);

    // Exactly one attempt per rotation, each completed and promoted; none failed, none started twice.
    const attempts = await db
      .selectFrom('secret_rotation_attempts')
      .select(['rotation_id', 'step', 'external_id', 'promoted_at', 'error_message'])
      .where('started_at', '>=', burstStart)
      .execute();
    expect(attempts.filter((attempt) => attempt.step !== 'completed' || attempt.promoted_at === null || attempt.error_message !== null), context()).toEqual([]);
    expect(attempts, `one attempt per rotation ${context()}`).toHaveLength(rotationCount);
    expect(new Set(attempts.map((attempt) => attempt.rotation_id)).size).toBe(rotationCount);
    const promotedKeyIds = new Set(attempts.map((attempt) => attempt.external_id ?? ''));
    expect(promotedKeyIds.size, 'distinct promoted credentials').toBe(rotationCount);

    // Azure's side: every credential created during the burst is either promoted (and still there) or an
    // orphan that Rekey removed and audited; each application holds exactly the credentials Rekey tracks.
    const addPasswordCalls = h.emulator.admin.counters().byRoute.addPassword ?? 0;
    const removePasswordCalls = h.emulator.admin.counters().byRoute.removePassword ?? 0;
    const rows = await db.selectFrom('secret_rotations').selectAll().execute();
    const rowById = new Map(rows.map((row) => [row.id, row]));
    const createdLive: string[] = [];
    const createdRemoved: string[] = [];
    const mismatches: string[] = [];
    for (const rotation of managed) {
      const row = rowById.get(rotation.id);
      const tracked = row ? trackedKeyIds(row) : [];
      const live = livePasswordIds(h.emulator, h.tenantId, rotation.target.objectId);
      if (tracked.length !== 2 || JSON.stringify(live) !== JSON.stringify(tracked)) mismatches.push(`${rotation.id}: Azure ${live.join(',')} vs Rekey ${tracked.join(',')}`);
      for (const password of h.emulator.admin.listPasswordCredentials(h.tenantId, rotation.target.objectId)) {
        if (existingKeyIds.has(password.keyId)) continue;
        (password.state === 'removed' ? createdRemoved : createdLive).push(password.keyId);
      }
    }
    expect(mismatches, `Azure holds exactly what Rekey tracks ${context()}`).toEqual([]);
    const orphanAudits = await db
      .selectFrom('audit_logs')
      .select('metadata')
      .where('event_type', '=', 'secret-rotation-orphan-removed')
      .where('created_at', '>=', burstStart)
      .execute();
    const orphanKeyIds = orphanAudits.map((audit) => String(audit.metadata.keyId)).sort();
    expect(createdLive.length + createdRemoved.length, 'every addPassword call created one credential').toBe(addPasswordCalls);
    expect([...createdLive].sort(), 'the live credentials created by the burst are exactly the promoted ones').toEqual([...promotedKeyIds].sort());
    expect([...createdRemoved].sort(), `the other credentials created by the burst are the orphans Rekey removed ${context()}`).toEqual(orphanKeyIds);
    expect(addPasswordCalls - rotationCount, 'addPassword calls beyond one per rotation = orphans removed').toBe(orphanKeyIds.length);

    // Consumers: every published secret changed and works, and the one cached before the burst still works.
    const published = await readPublished(survivors[0] as RekeyProcess);
    const failures = (
      await mapWithConcurrency(managed, 16, async (rotation) => {
        const value = published[rotation.clientSecretKey] ?? '';
        const previous = publishedBefore[rotation.clientSecretKey] ?? '';
        if (published[rotation.clientIdKey] !== rotation.target.appId) return `${rotation.id}: client ID ${published[rotation.clientIdKey]}`;
        if (value === previous) return `${rotation.id}: secret unchanged`;
        const now = await h.canAuthenticate(rotation.target.appId, value);
        if (!now.ok) return `${rotation.id}: published secret rejected: ${now.message}`;
        const cached = await h.canAuthenticate(rotation.target.appId, previous);
        return cached.ok ? undefined : `${rotation.id}: previous secret rejected: ${cached.message}`;
      })
    ).filter((failure): failure is string => failure !== undefined);
    expect(failures, context()).toEqual([]);

    console.log(
      `replicas figures: R=${rotationCount} rotations on ${replicaCount} replicas; wall ${(wallMs / 1000).toFixed(1)} s from due to all settled; ` +
        `victim ${victim.source} SIGKILLed at ${(killedAtMs / 1000).toFixed(1)} s with ${promotedAtKill} promoted, holding ${orphanedLeases.length} leases ` +
        `(${orphanedAttemptIds.length} attempts at steps ${summarise(stepsAtKill.map((row) => row.step))}); ` +
        `addPassword ${addPasswordCalls} (${rotationCount} promoted + ${orphanKeyIds.length} orphans removed), removePassword ${removePasswordCalls}`,
    );
  });

  async function countPromotedSince(since: Date): Promise<number> {
    const row = await db
      .selectFrom('secret_rotation_attempts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('started_at', '>=', since)
      .where('promoted_at', 'is not', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Live leases grouped by the pid in their owner (`<pid>-<suffix>/<attemptId|pending>`). */
  async function leasesByProcess(): Promise<Map<number, string[]>> {
    const result = await sql<{ lease_owner: string }>`select lease_owner from secret_rotations where lease_owner is not null and lease_expires_at > now()`.execute(db);
    const byPid = new Map<number, string[]>();
    for (const { lease_owner } of result.rows) {
      const pid = Number(lease_owner.split('-')[0]);
      byPid.set(pid, [...(byPid.get(pid) ?? []), lease_owner]);
    }
    return byPid;
  }

  async function readPublished(via: RekeyProcess): Promise<Record<string, string>> {
    const url = `${via.url}/api/v3/secrets/raw?workspaceId=${h.project.id}&environment=dev&secretPath=%2F`;
    const response = await fetch(url, { headers: authHeader(h.admin.adminIdentityToken) });
    const body = (await response.json()) as { secrets?: Array<{ secretKey: string; secretValue: string }> };
    if (response.status !== 200 || !body.secrets) throw new Error(`reading secrets answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
    return Object.fromEntries(body.secrets.map((secret) => [secret.secretKey, secret.secretValue]));
  }
});

function summarise(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()].map(([value, count]) => `${value}×${count}`).join(', ') || 'none';
}
