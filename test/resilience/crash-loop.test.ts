import { randomBytes } from 'node:crypto';
import type { FaultRule } from 'entra-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, type Db } from '../../packages/server/src/db/database.js';
import { type RotationHarness, startRotationHarness, type TargetApp } from '../../packages/server/src/secret-rotations/test-support/rotation-harness.js';
import { authHeader } from '../../packages/server/src/test-support/fixtures.js';
import { createTestDatabase } from '../../packages/server/src/test-support/test-app.js';
import { captureLogs } from './support/capture.js';
import { livePasswordIds, type RekeyProcess, startRekeyProcess, stopRekeyProcess, trackedKeyIds, waitUntilSettled } from './support/rekey-processes.js';
import { scaled } from './support/scale.js';
import { type SeededRandom, seededRandom } from './support/seeded-random.js';

/**
 * Crash loop: a real Rekey process is SIGKILLed at a randomly chosen point of a rotation, with random timing,
 * while the emulator holds the external call of that point (or just after it let the call through); a new
 * process then has to finish the rotation from its journal. After every restart: the published secrets
 * work (the new one, and the previous one that consumers may still cache), Azure holds exactly the
 * credentials Rekey tracks (orphans removed), and no rotation is left busy. One emulator and one database
 * live for the whole loop; only the server process is replaced. REKEY_RESILIENCE_SEED replays the same
 * schedule, crash points and delays (OS scheduling aside).
 */
const iterationsPerPoint = scaled({ full: 20, ci: 3 });
const random = seededRandom();
const settleTimeoutMs = 120_000;

type KillPlan = { mode: 'while-held' | 'after-release'; delayMs: number };
type Crash = { rule: FaultRule; kill: KillPlan };

type CrashPoint = {
  name: string;
  /** One crash; or a crash and then another one while the next process is recovering from it. */
  crashes: (target: TargetApp, rnd: SeededRandom) => Crash[];
  /** The held call created a credential whose creation response the killed process never recorded. */
  losesCreatedCredential?: (crashes: readonly Crash[]) => boolean;
};

/** Mostly kill while the call is parked; sometimes let it through and kill a moment later (between steps). */
const heldOrJustAfter = (rnd: SeededRandom): KillPlan =>
  rnd.chance(0.7) ? { mode: 'while-held', delayMs: rnd.int(0, 300) } : { mode: 'after-release', delayMs: rnd.int(0, 150) };

const hold = (route: 'getApplication' | 'addPassword' | 'removePassword', target: TargetApp, phase: 'before' | 'after', skip = 0): FaultRule => ({
  match: { route, app: target.objectId },
  action: { type: 'hold', phase },
  skip,
  times: 1,
});
const holdToken = (target: TargetApp, rnd: SeededRandom): FaultRule => ({
  match: { route: 'token', app: target.appId },
  action: { type: 'hold', phase: rnd.chance(0.5) ? 'before' : 'after' },
  skip: rnd.int(0, 1),
  times: 1,
});
const lostWhileHeld = (crashes: readonly Crash[]) => crashes[0]?.kill.mode === 'while-held';

const points: CrashPoint[] = [
  {
    // The first read of an attempt is the pre-flight check; the second, the duplicate check after promotion.
    name: 'Graph read (pre-flight or duplicate check)',
    crashes: (target, rnd) => [{ rule: hold('getApplication', target, 'before', rnd.int(0, 1)), kill: heldOrJustAfter(rnd) }],
  },
  {
    name: 'addPassword before effect',
    crashes: (target, rnd) => [{ rule: hold('addPassword', target, 'before'), kill: heldOrJustAfter(rnd) }],
    // Released after the kill: Azure creates the password for a caller that is gone.
    losesCreatedCredential: lostWhileHeld,
  },
  {
    name: 'addPassword after effect',
    crashes: (target, rnd) => [{ rule: hold('addPassword', target, 'after'), kill: heldOrJustAfter(rnd) }],
    losesCreatedCredential: lostWhileHeld,
  },
  {
    name: 'verification token request',
    crashes: (target, rnd) => [{ rule: holdToken(target, rnd), kill: heldOrJustAfter(rnd) }],
  },
  {
    // Let addPassword answer, then kill somewhere in journal-issued → verify → promote → revoke.
    name: 'promotion (random delay after addPassword)',
    crashes: (target, rnd) => [{ rule: hold('addPassword', target, 'after'), kill: { mode: 'after-release', delayMs: rnd.int(0, 200) } }],
  },
  {
    name: 'removePassword before effect',
    crashes: (target, rnd) => [{ rule: hold('removePassword', target, 'before'), kill: heldOrJustAfter(rnd) }],
  },
  {
    name: 'removePassword after effect',
    crashes: (target, rnd) => [{ rule: hold('removePassword', target, 'after'), kill: heldOrJustAfter(rnd) }],
  },
  {
    // The credential's creation response is lost, and the process that recovers is killed too: while it
    // lists or removes the orphan, re-issues, or verifies the re-issued credential.
    name: 'addPassword after effect, then again during recovery',
    crashes: (target, rnd) => [
      { rule: hold('addPassword', target, 'after'), kill: { mode: 'while-held', delayMs: rnd.int(0, 300) } },
      {
        rule: rnd.pick([
          hold('getApplication', target, 'before'),
          hold('removePassword', target, 'before'),
          hold('removePassword', target, 'after'),
          hold('addPassword', target, 'before'),
          hold('addPassword', target, 'after'),
          holdToken(target, rnd),
        ]),
        kill: heldOrJustAfter(rnd),
      },
    ],
  },
];

type PoolRotation = { id: string; target: TargetApp; clientIdKey: string; clientSecretKey: string };
type IterationFigures = { point: string; kills: string; recoveryMs: number; addPassword: number; orphansRemoved: number };

describe('crash loop (SIGKILL at random points, restart, recover)', { timeout: 60 * 60_000 }, () => {
  let h: RotationHarness;
  let db: Db;
  let databaseUrl: string;
  const rootKey = randomBytes(32);
  const pool: PoolRotation[] = [];
  let server: RekeyProcess | undefined;
  let processCount = 0;

  beforeAll(async () => {
    databaseUrl = (await createTestDatabase()).url;
    h = await startRotationHarness({ targets: points.length, env: {}, databaseUrl, rootKey });
    db = createDatabase(databaseUrl, { maxConnections: 2 });
    // One rotation per target, each rotated once more so that both credential slots are filled and every
    // later rotation also has a replaced credential to revoke.
    for (const target of h.targets) {
      const created = await h.createRotation(target);
      if (created.status !== 200) throw new Error(`creating a rotation failed: ${JSON.stringify(created.body)}`);
      const rotation = created.body.secretRotation as { id: string; secretsMapping: { clientId: string; clientSecret: string } };
      await h.t.app.services.rotations.engine.idle();
      const rotated = await h.request('POST', `/api/v2/secret-rotations/azure-client-secret/${rotation.id}/rotate-secrets`);
      if (rotated.status !== 200) throw new Error(`rotating failed: ${JSON.stringify(rotated.body)}`);
      await h.t.app.services.rotations.engine.idle();
      pool.push({ id: rotation.id, target, clientIdKey: rotation.secretsMapping.clientId, clientSecretKey: rotation.secretsMapping.clientSecret });
    }
  }, 300_000);

  afterAll(async () => {
    if (server) await stopRekeyProcess(server, 'SIGTERM');
    captureLogs('crash-loop in-process set-up app', h.t.logs.join(''));
    await db.destroy();
    await h.close();
  });

  async function startServer(): Promise<RekeyProcess> {
    processCount += 1;
    return startRekeyProcess({ databaseUrl, rootKey, emulatorOrigin: h.emulator.origin }, `crash-loop server #${processCount}`, {
      REKEY_SCHEDULER_INTERVAL_MS: '200',
      REKEY_ROTATION_LEASE_MS: '1500',
      REKEY_ROTATION_VERIFY_INITIAL_DELAY_MS: '50',
      REKEY_ROTATION_RETRY_BASE_MS: '50',
      REKEY_ROTATE_WAIT_MS: '0',
      LOG_LEVEL: 'info',
    });
  }

  /** The folder's secrets as consumers read them, through the running process's API. */
  async function publishedSecrets(via: RekeyProcess): Promise<Record<string, string>> {
    const url = `${via.url}/api/v3/secrets/raw?workspaceId=${h.project.id}&environment=dev&secretPath=%2F`;
    const response = await fetch(url, { headers: authHeader(h.admin.adminIdentityToken) });
    const body = (await response.json()) as { secrets?: Array<{ secretKey: string; secretValue: string }> };
    if (response.status !== 200 || !body.secrets) throw new Error(`reading secrets answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
    return Object.fromEntries(body.secrets.map((secret) => [secret.secretKey, secret.secretValue]));
  }

  async function waitForRecordedCall(ruleId: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (h.emulator.admin.requestLog().some((entry) => entry.faultRuleId === ruleId)) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`the emulator never finished the call held by ${ruleId}`);
  }

  it(`${iterationsPerPoint} crashes at each of ${points.length} points, in random order and timing`, async () => {
    const schedule = random.shuffled(points.flatMap((point) => Array.from({ length: iterationsPerPoint }, () => point)));
    const figures: IterationFigures[] = [];
    const started = Date.now();
    console.log(`crash loop: seed ${random.seed} (replay with REKEY_RESILIENCE_SEED=${random.seed}), ${schedule.length} iterations`);
    server = await startServer();

    for (const [index, point] of schedule.entries()) {
      const rotation = random.pick(pool);
      const crashes = point.crashes(rotation.target, random);
      const stepsAtKill: string[] = [];
      let current: RekeyProcess = server;
      const context = () =>
        `[seed ${random.seed} (REKEY_RESILIENCE_SEED=${random.seed} replays), iteration ${index + 1}/${schedule.length}, point "${point.name}", ` +
        `crashes ${JSON.stringify(crashes)}, attempt steps at the kills ${stepsAtKill.join(' → ') || 'none yet'}, rotation ${rotation.id}]`;
      const withOutput = () => `${context()}\n--- ${current.source} output (tail) ---\n${current.output().slice(-4000)}`;

      const before = await publishedSecrets(current);
      const previousSecret = before[rotation.clientSecretKey] ?? '';
      const knownKeyIds = new Set(h.emulator.admin.listPasswordCredentials(h.tenantId, rotation.target.objectId).map((password) => password.keyId));
      const iterationStart = new Date();
      h.emulator.admin.clearRequestLog();

      let killedAt = 0;
      for (const [crashIndex, crash] of crashes.entries()) {
        const ruleId = h.emulator.admin.addFault(crash.rule);
        if (crashIndex === 0) {
          const triggered = await fetch(`${current.url}/api/v2/secret-rotations/azure-client-secret/${rotation.id}/rotate-secrets`, {
            method: 'POST',
            headers: authHeader(h.admin.adminIdentityToken),
          });
          expect(triggered.status, `rotate-secrets ${context()}`).toBe(200);
        } else {
          // The next process recovers the attempt and runs into the next held call.
          current = await startServer();
          server = current;
        }
        try {
          await h.emulator.admin.waitForHeld(ruleId, { timeoutMs: 30_000 });
        } catch (error) {
          throw new Error(`${(error as Error).message}\n${withOutput()}`);
        }
        if (crash.kill.mode === 'after-release') h.emulator.admin.release(ruleId);
        await new Promise((resolve) => setTimeout(resolve, crash.kill.delayMs));
        await stopRekeyProcess(current, 'SIGKILL');
        server = undefined;
        killedAt = Date.now();
        const attemptAtKill = await db
          .selectFrom('secret_rotation_attempts')
          .select('step')
          .where('rotation_id', '=', rotation.id)
          .where('started_at', '>=', iterationStart)
          .orderBy('started_at', 'desc')
          .executeTakeFirst();
        stepsAtKill.push(`${crash.kill.mode}@${attemptAtKill?.step ?? 'none'}`);
        // A call parked "before" takes effect now, for a caller that is gone; wait for it so the next
        // process finds Azure as such a late answer would have left it.
        h.emulator.admin.removeFault(ruleId);
        await waitForRecordedCall(ruleId);
      }

      current = await startServer();
      server = current;
      await waitUntilSettled(db, { timeoutMs: settleTimeoutMs, context: withOutput });
      // From the (last) kill to everything at rest again, including the new process's start-up.
      const recoveryMs = Date.now() - killedAt;

      // The rotation finished the attempt the killed process started: one attempt, completed, promoted.
      const row = await db.selectFrom('secret_rotations').selectAll().where('id', '=', rotation.id).executeTakeFirstOrThrow();
      expect(row.status, `rotation status ${context()} ${row.last_rotation_message}`).toBe('success');
      expect(row.consecutive_failures, context()).toBe(0);
      const attempts = await db.selectFrom('secret_rotation_attempts').selectAll().where('rotation_id', '=', rotation.id).where('started_at', '>=', iterationStart).execute();
      expect(
        attempts.map((attempt) => ({ step: attempt.step, error: attempt.error_message })),
        `attempts since the crash ${context()}`,
      ).toEqual([{ step: 'completed', error: null }]);
      const activeKeyId = row.active_index === 0 ? row.slot0_external_id : row.slot1_external_id;
      expect(attempts[0]?.external_id, `the attempt's credential is the active one ${context()}`).toBe(activeKeyId);
      expect(row.last_rotated_at?.getTime() ?? 0, context()).toBeGreaterThanOrEqual(iterationStart.getTime() - 1000);

      // Consumers: the new secret works, and so does the one they may have cached before the crash.
      const after = await publishedSecrets(current);
      const published = after[rotation.clientSecretKey] ?? '';
      expect(published, `a new secret was published ${context()}`).not.toBe(previousSecret);
      expect(await h.canAuthenticate(rotation.target.appId, published), `published secret works ${context()}`).toEqual({ ok: true });
      expect(await h.canAuthenticate(rotation.target.appId, previousSecret), `previous secret still works ${context()}`).toEqual({ ok: true });

      // Every rotation: its published secret works and Azure holds exactly the two credentials Rekey tracks.
      for (const other of pool) {
        const otherRow = await db.selectFrom('secret_rotations').selectAll().where('id', '=', other.id).executeTakeFirstOrThrow();
        const tracked = trackedKeyIds(otherRow);
        expect(tracked, `rotation ${other.id} tracks two credentials ${context()}`).toHaveLength(2);
        expect(livePasswordIds(h.emulator, h.tenantId, other.target.objectId), `Azure holds exactly what Rekey tracks for ${other.id} ${context()}`).toEqual(tracked);
        expect(after[other.clientIdKey], context()).toBe(other.target.appId);
        expect(await h.canAuthenticate(other.target.appId, after[other.clientSecretKey] ?? ''), `published secret of ${other.id} works ${context()}`).toEqual({ ok: true });
      }

      // Every credential Azure created in this iteration is the promoted one or was removed as an orphan.
      const addPassword = h.emulator.admin.counters().byRoute.addPassword ?? 0;
      const created = h.emulator.admin.listPasswordCredentials(h.tenantId, rotation.target.objectId).filter((password) => !knownKeyIds.has(password.keyId));
      expect(created.length, `one credential per addPassword call ${context()}`).toBe(addPassword);
      expect(
        created.filter((password) => password.state !== 'removed').map((password) => password.keyId),
        `the only credential created that is still in Azure is the promoted one ${context()}`,
      ).toEqual([activeKeyId]);
      const orphansRemoved = created.length - 1;
      const orphanAudits = await db
        .selectFrom('audit_logs')
        .select('metadata')
        .where('event_type', '=', 'secret-rotation-orphan-removed')
        .where('resource_id', '=', rotation.id)
        .where('created_at', '>=', iterationStart)
        .execute();
      if (crashes.length === 1) {
        // (A process killed while removing an orphan may remove it without living to record it.)
        expect(orphanAudits.length, `every orphan removal is audited ${context()}`).toBe(orphansRemoved);
      }
      if (point.losesCreatedCredential?.(crashes)) {
        expect(orphansRemoved, `the credential whose creation response was lost is removed ${context()}`).toBe(1);
      }
      figures.push({ point: point.name, kills: stepsAtKill.join('→'), recoveryMs, addPassword, orphansRemoved });
    }

    const wallMs = Date.now() - started;
    const byPoint = new Map<string, IterationFigures[]>();
    for (const figure of figures) byPoint.set(figure.point, [...(byPoint.get(figure.point) ?? []), figure]);
    const lines = [...byPoint.entries()].map(([name, list]) => {
      const kills = new Map<string, number>();
      for (const figure of list) kills.set(figure.kills, (kills.get(figure.kills) ?? 0) + 1);
      const recovery = list.map((figure) => figure.recoveryMs);
      return `  ${name}: ${list.length}× [${[...kills.entries()].map(([key, count]) => `${key}×${count}`).join(', ')}], orphans removed ${list.reduce((sum, figure) => sum + figure.orphansRemoved, 0)}, recovery ${Math.min(...recovery)}–${Math.max(...recovery)} ms`;
    });
    console.log(
      `crash loop figures (seed ${random.seed}): ${schedule.length} iterations, ${processCount} server processes, wall ${(wallMs / 1000).toFixed(1)} s, ` +
        `addPassword ${figures.reduce((sum, figure) => sum + figure.addPassword, 0)}, orphans removed ${figures.reduce((sum, figure) => sum + figure.orphansRemoved, 0)}\n${lines.join('\n')}`,
    );
  });
});
