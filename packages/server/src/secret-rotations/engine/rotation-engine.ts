import { sql } from 'kysely';
import type { Actor } from '../../auth/actor.js';
import type { AttemptTrigger } from '../secret-rotations.tables.js';
import { type AttemptHandle, removeMarked, runAttempt } from './attempt.js';
import { rotationMarkerPrefix, trackedExternalIds } from './credential-slots.js';
import type { EngineDeps } from './engine.types.js';
import {
  attemptLeaseOwner,
  beginLeasedAttempt,
  type Claim,
  claimAbandonedRotationIds,
  claimDueRotationIds,
  claimRotation,
  pendingLeaseOwner,
  releaseLease,
  transferLease,
} from './lease.js';
import { createKeyedLimiter } from './limiter.js';
import { providerFor } from './registry.js';
import { processPendingRevocations } from './revocations.js';

const schedulerActor = (orgId: string): Actor => ({ type: 'system', orgId, reason: 'scheduler' });

export type RotationEngine = ReturnType<typeof createRotationEngine>;

/**
 * The rotation engine: claims due rotations (exactly once across replicas), runs attempts with bounded
 * concurrency, resumes attempts whose worker died, retries pending revocations and removes orphaned
 * credentials. It runs without HTTP; main.ts starts it and the API calls `rotateNow`.
 */
export function createRotationEngine(deps: EngineDeps) {
  const limiter = createKeyedLimiter({ global: deps.settings.maxConcurrentAttempts, perConnection: deps.settings.maxConcurrentPerConnection });
  const inFlight = new Set<Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let isTicking = false;
  let lastSweepAt = 0;

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  async function limiterKeys(rotationId: string): Promise<string[]> {
    const row = await deps.db.selectFrom('secret_rotations').select(['connection_id', 'parameters']).where('id', '=', rotationId).executeTakeFirst();
    if (!row) return [];
    const objectId = typeof row.parameters.objectId === 'string' ? row.parameters.objectId : rotationId;
    return [`connection:${row.connection_id}`, `app:${objectId}`];
  }

  function start(claim: Claim, release?: () => void): AttemptHandle {
    const handle = runAttempt(deps, claim);
    void track(handle.done.finally(() => release?.()));
    return handle;
  }

  /** Runs an attempt now for one rotation (create, rotate-secrets). Undefined when one is already in flight. */
  async function rotateNow(rotationId: string, actor: Actor, trigger: AttemptTrigger): Promise<AttemptHandle | undefined> {
    const claim = await claimRotation(deps, { rotationId, trigger, actor });
    if (!claim) return undefined;
    return start(claim);
  }

  /** Starts leased work if the limiter has room; otherwise gives the lease back for another worker or tick. */
  async function startLeased(rotationId: string, trigger: AttemptTrigger, resume: boolean): Promise<void> {
    const keys = await limiterKeys(rotationId);
    const release = limiter.tryAcquire(keys);
    const pending = pendingLeaseOwner(deps);
    if (!release) {
      await releaseLease(deps, rotationId, pending);
      return;
    }
    try {
      const claim = resume ? await resumableClaim(rotationId) : await beginScheduled(rotationId, trigger);
      if (!claim) {
        release();
        await releaseLease(deps, rotationId, pending);
        return;
      }
      start(claim, release);
    } catch (error) {
      release();
      await releaseLease(deps, rotationId, pending).catch(() => undefined);
      deps.logger.error({ err: error, rotationId }, 'could not start a rotation attempt');
    }
  }

  async function beginScheduled(rotationId: string, trigger: AttemptTrigger): Promise<Claim | undefined> {
    const row = await deps.db.selectFrom('secret_rotations').select('org_id').where('id', '=', rotationId).executeTakeFirst();
    if (!row) return undefined;
    return beginLeasedAttempt(deps, { rotationId, trigger, actor: schedulerActor(row.org_id) });
  }

  /**
   * The attempt a dead worker left behind. Attempts that never stored their credential restart: whatever
   * they may have created is found by marker and removed first (inside runAttempt, step `issuing`).
   */
  async function resumableClaim(rotationId: string): Promise<Claim | undefined> {
    const attempt = await deps.db
      .selectFrom('secret_rotation_attempts')
      .select(['id', 'trigger', 'step'])
      .where('rotation_id', '=', rotationId)
      .where('step', 'not in', ['completed', 'failed', 'abandoned'])
      .orderBy('started_at', 'desc')
      .executeTakeFirst();
    if (attempt?.trigger === 'rollback') {
      // A rollback is one transaction: if it did not commit, nothing changed. Close it and move on.
      await deps.db.updateTable('secret_rotation_attempts').set({ step: 'abandoned', finished_at: deps.clock.now() }).where('id', '=', attempt.id).execute();
      await deps.db.updateTable('secret_rotations').set({ status: 'success' }).where('id', '=', rotationId).execute();
      return undefined;
    }
    if (attempt) {
      deps.logger.info({ rotationId, attemptId: attempt.id, step: attempt.step }, 'resuming an interrupted rotation attempt');
      const leaseOwner = attemptLeaseOwner(deps, attempt.id);
      if (!(await transferLease(deps, rotationId, pendingLeaseOwner(deps), leaseOwner))) return undefined;
      return { rotationId, attemptId: attempt.id, trigger: attempt.trigger, leaseOwner };
    }
    return beginScheduled(rotationId, 'recovery');
  }

  /**
   * Removes credentials that carry a rotation's marker but that Rekey neither tracks nor is still working
   * on. It takes no lease (so it never blocks "rotate now"): a credential is only removed when the attempt
   * named in its marker has finished, and a finished attempt's credential is either tracked or queued for
   * revocation. Attempt rows exist before their credential does, so a listed credential is never newer
   * than the journal read after the listing.
   */
  async function sweepOrphans(): Promise<void> {
    const rotations = await deps.db.selectFrom('secret_rotations').selectAll().execute();
    for (const rotation of rotations) {
      const provider = providerFor(rotation.type);
      if (!provider) continue;
      try {
        const connection = await deps.connections.resolve(rotation.type, rotation.org_id, rotation.connection_id);
        const marked = await provider.listMarked(connection, rotation.parameters, rotationMarkerPrefix(rotation.id));
        if (marked.length === 0) continue;
        const current = await deps.db.selectFrom('secret_rotations').selectAll().where('id', '=', rotation.id).executeTakeFirst();
        if (!current) continue;
        const pending = await deps.db.selectFrom('secret_rotation_pending_revocations').select('external_id').where('rotation_id', '=', rotation.id).execute();
        const busy = await deps.db
          .selectFrom('secret_rotation_attempts')
          .select('marker')
          .where('rotation_id', '=', rotation.id)
          .where('step', 'not in', ['completed', 'failed', 'abandoned'])
          .execute();
        const keep = new Set([...trackedExternalIds(current), ...pending.map((row) => row.external_id)]);
        const busyMarkers = new Set(busy.map((row) => row.marker));
        for (const credential of marked) {
          if (keep.has(credential.externalId) || busyMarkers.has(credential.marker)) continue;
          await removeMarked(deps, provider, connection, rotation.parameters, credential.marker, current);
        }
      } catch (error) {
        deps.logger.warn({ err: error, rotationId: rotation.id }, 'orphan sweep failed for a rotation; will try again');
      }
    }
  }

  /**
   * Closes attempts that published their credential and whose remaining work (revoking the replaced
   * credential) finished without them, e.g. after a crash: the revocation list is worked by every tick.
   * A first credential's background verification that outlived its process is closed with a note.
   */
  async function closeFinishedAttempts(): Promise<void> {
    const now = deps.clock.now();
    const verificationDeadline = new Date(now.getTime() - deps.settings.verifyTimeoutMs - deps.settings.leaseMs);
    await sql`
      update secret_rotation_attempts a set step = 'completed', finished_at = ${now}
      where a.step = 'promoted' and a.verified_at is not null
        and not exists (select 1 from secret_rotation_pending_revocations p where p.rotation_id = a.rotation_id)
        and exists (select 1 from secret_rotations r where r.id = a.rotation_id and (r.lease_expires_at is null or r.lease_expires_at < ${now}))`.execute(deps.db);
    await sql`
      update secret_rotation_attempts a set step = 'completed', finished_at = ${now},
        error_message = 'Verification of the published credential was interrupted (the server stopped); use check-credentials to test it'
      where a.step = 'promoted' and a.verified_at is null and a.promoted_at < ${verificationDeadline}`.execute(deps.db);
  }

  /** One pass of background work. Exposed so tests can drive it deterministically. */
  async function tick(): Promise<void> {
    if (isTicking || deps.shutdownSignal.aborted) return;
    isTicking = true;
    try {
      for (const rotationId of await claimAbandonedRotationIds(deps, limiter.available())) await startLeased(rotationId, 'recovery', true);
      for (const rotationId of await claimDueRotationIds(deps, limiter.available())) await startLeased(rotationId, 'scheduled', false);
      await processPendingRevocations(deps);
      await closeFinishedAttempts();
      if (Date.now() - lastSweepAt >= deps.settings.orphanSweepIntervalMs) {
        lastSweepAt = Date.now();
        await sweepOrphans();
      }
    } catch (error) {
      deps.logger.error({ err: error }, 'rotation scheduler pass failed');
    } finally {
      isTicking = false;
    }
  }

  return {
    workerId: deps.settings.workerId,
    leaseMs: deps.settings.leaseMs,
    settings: deps.settings,
    rotateNow,
    /** Runs an attempt on a rotation that was claimed elsewhere (creation claims in its own transaction). */
    runClaimed: async (claim: Claim): Promise<AttemptHandle> => start(claim),
    tick,
    sweepOrphans,
    /** Starts the periodic scheduler (every process unless REKEY_WORKER=false). */
    startScheduler(): void {
      if (timer) return;
      timer = setInterval(() => void tick(), deps.settings.pollIntervalMs);
      timer.unref();
      void tick();
    },
    /** Stops scheduling and waits for in-flight attempts to finish or release their leases (shutdownSignal). */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await Promise.allSettled([...inFlight]);
    },
    /** Waits until every attempt started so far has ended (tests). */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
