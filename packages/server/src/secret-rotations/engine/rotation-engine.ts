import type { Actor } from '../../auth/actor.js';
import type { AttemptTrigger } from '../secret-rotations.tables.js';
import { type AttemptHandle, runAttempt } from './attempt.js';
import type { EngineDeps } from './engine.types.js';
import { closeFinishedAttempts, sweepOrphans } from './housekeeping.js';
import { attemptLeaseOwner, beginLeasedAttempt, type Claim, claimRotation, pendingLeaseOwner, releaseLease, transferLease } from './lease.js';
import { type AttemptSlot, createRotationLimiter, unlimitedSlot } from './limiter.js';
import { processPendingRevocations } from './revocations.js';
import { type LeasedRotation, leaseClaimable } from './scheduler-claims.js';

const schedulerActor = (orgId: string): Actor => ({ type: 'system', orgId, reason: 'scheduler' });

export type RotationEngine = ReturnType<typeof createRotationEngine>;

/**
 * The rotation engine: claims due rotations (exactly once across replicas), runs attempts with bounded
 * concurrency, resumes attempts whose worker died, retries pending revocations and removes orphaned
 * credentials. It runs without HTTP; main.ts starts it and the API calls `rotateNow`.
 */
export function createRotationEngine(deps: EngineDeps) {
  const limiter = createRotationLimiter(
    {
      calls: deps.settings.maxConcurrentCalls,
      perConnection: deps.settings.maxConcurrentCallsPerConnection,
      inFlight: deps.settings.maxAttemptsInFlight,
      throttlePauseMs: deps.settings.transientBaseDelayMs,
    },
    () => {
      // A place in flight just became free (or a throttled connection may go on): fill it now rather than
      // at the next tick.
      if (timer) void pump();
    },
    deps.shutdownSignal,
  );
  const inFlight = new Set<Promise<unknown>>();
  let timer: NodeJS.Timeout | undefined;
  let isTicking = false;
  let isStopped = false;
  let lastSweepAt = 0;

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  function start(claim: Claim, slot: AttemptSlot = unlimitedSlot): AttemptHandle {
    const handle = runAttempt(deps, claim, slot);
    // Releasing tells the limiter, which pumps if a new attempt fits now (rather than at the next tick).
    void track(handle.done.finally(() => slot.release()));
    return handle;
  }

  /** Runs an attempt now for one rotation (create, rotate-secrets). Undefined when one is already in flight. */
  async function rotateNow(rotationId: string, actor: Actor, trigger: AttemptTrigger): Promise<AttemptHandle | undefined> {
    const claim = await claimRotation(deps, { rotationId, trigger, actor });
    if (!claim) return undefined;
    return start(claim);
  }

  /**
   * One claim pass: lease what the limiter has room for (one statement picks only rotations that fit),
   * take their slots and start them. Returns whether the batch was full (more may be waiting).
   */
  async function claimAndStart(): Promise<boolean> {
    const room = limiter.room();
    if (room.total <= 0) return false;
    const leased = await leaseClaimable(deps, {
      limit: room.total,
      busyTargets: room.busyTargets,
      connectionRoom: Object.fromEntries(room.byConnection),
      perConnectionDefault: room.perConnectionDefault,
    });
    const starts = leased.map(async (rotation) => {
      const slot = limiter.tryAdmit(rotation.connectionId, rotation.target);
      if (!slot) {
        // Its connection was throttled meanwhile (it takes no new attempts then); a later pass takes this one.
        await releaseLease(deps, rotation.id, pendingLeaseOwner(deps));
        return false;
      }
      return startLeased(rotation, slot);
    });
    await Promise.all(starts);
    return leased.length >= room.total;
  }

  /** Starts an attempt on a rotation this pass leased; on any problem gives the slot and the lease back. */
  async function startLeased(rotation: LeasedRotation, slot: AttemptSlot): Promise<boolean> {
    const pending = pendingLeaseOwner(deps);
    try {
      const claim = rotation.isAbandoned
        ? await resumableClaim(rotation)
        : await beginLeasedAttempt(deps, { rotationId: rotation.id, trigger: 'scheduled', actor: schedulerActor(rotation.orgId) });
      if (!claim) {
        slot.release();
        await releaseLease(deps, rotation.id, pending);
        return false;
      }
      start(claim, slot);
      return true;
    } catch (error) {
      slot.release();
      await releaseLease(deps, rotation.id, pending).catch(() => undefined);
      deps.logger.error({ err: error, rotationId: rotation.id }, 'could not start a rotation attempt');
      return false;
    }
  }

  let pumping: Promise<void> | undefined;
  let isPumpRequested = false;

  /**
   * Claims work until the limiter is full or nothing claimable is left. Runs once at a time; a request
   * that arrives meanwhile (an attempt ended) makes the running pump go round again, so no slot waits for
   * the next tick. Resolves once a pass that started after the call has finished.
   */
  function pump(): Promise<void> {
    isPumpRequested = true;
    pumping ??= (async () => {
      try {
        while (isPumpRequested && !isStopped && !deps.shutdownSignal.aborted) {
          isPumpRequested = false;
          try {
            // A full batch may have left more behind, and a slot may be free again (an attempt that
            // could not start, say): go round once more.
            if ((await claimAndStart()) && limiter.room().total > 0) isPumpRequested = true;
          } catch (error) {
            deps.logger.error({ err: error }, 'rotation claim pass failed');
          }
        }
      } finally {
        pumping = undefined;
      }
    })();
    return pumping;
  }

  /**
   * The attempt a dead worker left behind. Attempts that never stored their credential restart: whatever
   * they may have created is found by marker and removed first (inside runAttempt, step `issuing`).
   */
  async function resumableClaim(rotation: LeasedRotation): Promise<Claim | undefined> {
    const rotationId = rotation.id;
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
    return beginLeasedAttempt(deps, { rotationId, trigger: 'recovery', actor: schedulerActor(rotation.orgId) });
  }

  /** One pass of background work. Exposed so tests can drive it deterministically. */
  async function tick(): Promise<void> {
    if (isTicking || deps.shutdownSignal.aborted) return;
    isTicking = true;
    try {
      await pump();
      await processPendingRevocations(deps, { gate: limiter.background });
      await closeFinishedAttempts(deps);
      if (Date.now() - lastSweepAt >= deps.settings.orphanSweepIntervalMs) {
        lastSweepAt = Date.now();
        await sweepOrphans(deps, limiter.background);
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
    /** Azure calls of scheduled work in flight (overall, on the busiest connection) and queued, and attempts in flight, right now. */
    attemptCounts: () => limiter.counts(),
    sweepOrphans: () => sweepOrphans(deps),
    /** Starts the periodic scheduler (every process unless REKEY_WORKER=false). */
    startScheduler(): void {
      if (timer) return;
      timer = setInterval(() => void tick(), deps.settings.pollIntervalMs);
      timer.unref();
      void tick();
    },
    /** Stops scheduling and waits for in-flight attempts to finish or release their leases (shutdownSignal). */
    async stop(): Promise<void> {
      isStopped = true;
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
