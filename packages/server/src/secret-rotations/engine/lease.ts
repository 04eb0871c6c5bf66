import type { Actor } from '../../auth/actor.js';
import { actorRef } from '../../auth/actor.js';
import type { AttemptTrigger } from '../secret-rotations.tables.js';
import { attemptMarker } from './credential-slots.js';
import type { AttemptRow, EngineDeps, RotationRow } from './engine.types.js';
import { beginAttemptOnLease, insertClaimedAttempt } from './journal-writes.js';

/**
 * A lease belongs to one piece of work, not to a process: `<workerId>/<attemptId>`. Two attempts in one
 * process (say, a first credential still verifying while someone rotates again) can then never renew or
 * release each other's lease.
 */
export type Claim = {
  rotationId: string;
  attemptId: string;
  trigger: AttemptTrigger;
  leaseOwner: string;
  /** The rows as the claim left them, when it has them (the attempt then need not read them again). */
  rotation?: RotationRow;
  attempt?: AttemptRow;
};

type LeaseDeps = Pick<EngineDeps, 'db' | 'clock' | 'settings'>;

export function attemptLeaseOwner(deps: Pick<EngineDeps, 'settings'>, attemptId: string): string {
  return `${deps.settings.workerId}/${attemptId}`;
}

/** The owner of leases taken by a scheduler pass before an attempt exists. */
export function pendingLeaseOwner(deps: Pick<EngineDeps, 'settings'>): string {
  return `${deps.settings.workerId}/pending`;
}

function leaseUntil(deps: Pick<EngineDeps, 'clock' | 'settings'>): Date {
  return new Date(deps.clock.now().getTime() + deps.settings.leaseMs);
}

/**
 * Claims one rotation for an attempt: in one transaction, lock the row (skipping it if another worker
 * holds the lock), check no live lease exists, take the lease and journal the attempt. Exactly one worker
 * in the cluster can succeed. Returns undefined when the rotation is busy.
 */
export async function claimRotation(
  deps: Pick<EngineDeps, 'db' | 'clock' | 'ids' | 'settings'>,
  input: { rotationId: string; trigger: AttemptTrigger; actor: Actor },
): Promise<Claim | undefined> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('secret_rotations')
      .select(['id', 'lease_expires_at'])
      .where('id', '=', input.rotationId)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.lease_expires_at !== null && row.lease_expires_at.getTime() > now.getTime()) return undefined;
    const attemptId = deps.ids.uuid();
    const leaseOwner = attemptLeaseOwner(deps, attemptId);
    await trx
      .updateTable('secret_rotations')
      .set({ lease_owner: leaseOwner, lease_expires_at: leaseUntil(deps), status: 'rotating', last_rotation_attempted_at: now, updated_at: now })
      .where('id', '=', input.rotationId)
      .execute();
    const ref = actorRef(input.actor);
    await insertClaimedAttempt(trx, { attemptId, rotationId: input.rotationId, trigger: input.trigger, actor: ref, now });
    return { rotationId: input.rotationId, attemptId, trigger: input.trigger, leaseOwner };
  });
}

/** Hands a lease from one owner to another (a scheduler pass's lease to the attempt it starts). */
export async function transferLease(deps: LeaseDeps, rotationId: string, from: string, to: string): Promise<boolean> {
  const result = await deps.db
    .updateTable('secret_rotations')
    .set({ lease_owner: to, lease_expires_at: leaseUntil(deps) })
    .where('id', '=', rotationId)
    .where('lease_owner', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Extends a lease; false means another worker took the rotation over (we were presumed dead). */
export async function renewLease(deps: LeaseDeps, rotationId: string, owner: string): Promise<boolean> {
  const result = await deps.db
    .updateTable('secret_rotations')
    .set({ lease_expires_at: leaseUntil(deps) })
    .where('id', '=', rotationId)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function releaseLease(deps: Pick<EngineDeps, 'db'>, rotationId: string, owner: string): Promise<void> {
  await deps.db
    .updateTable('secret_rotations')
    .set({ lease_owner: null, lease_expires_at: null })
    .where('id', '=', rotationId)
    .where('lease_owner', '=', owner)
    .execute();
}

/** Keeps a lease alive while work runs; `isLost()` turns true if a renewal finds the lease gone. */
export function startHeartbeat(deps: LeaseDeps & Pick<EngineDeps, 'logger'>, rotationId: string, owner: string) {
  let isLost = false;
  const timer = setInterval(
    () => {
      renewLease(deps, rotationId, owner)
        .then((isHeld) => {
          if (!isHeld) isLost = true;
        })
        .catch((error: unknown) => deps.logger.warn({ err: error, rotationId }, 'could not renew rotation lease'));
    },
    Math.max(50, Math.floor(deps.settings.leaseMs / 3)),
  );
  timer.unref();
  return { isLost: () => isLost, stop: () => clearInterval(timer) };
}

/** Journals a new attempt on a rotation this worker leased in a scheduler pass, and gives it the lease. */
export async function beginLeasedAttempt(
  deps: Pick<EngineDeps, 'db' | 'clock' | 'ids' | 'settings'>,
  input: { rotationId: string; trigger: AttemptTrigger; actor: Actor },
): Promise<Claim | undefined> {
  const attemptId = deps.ids.uuid();
  const leaseOwner = attemptLeaseOwner(deps, attemptId);
  const actor = actorRef(input.actor);
  const now = deps.clock.now();
  const rotation = await beginAttemptOnLease(deps.db, {
    rotationId: input.rotationId,
    fromOwner: pendingLeaseOwner(deps),
    lease: { owner: leaseOwner, expiresAt: leaseUntil(deps) },
    attemptId,
    trigger: input.trigger,
    actor,
    now,
  });
  if (!rotation) return undefined;
  // The journal row exactly as the statement inserted it (every other column starts empty).
  const attempt: AttemptRow = {
    id: attemptId,
    rotation_id: input.rotationId,
    trigger: input.trigger,
    step: 'claimed',
    actor_type: actor.type,
    actor_id: actor.id,
    marker: attemptMarker(input.rotationId, attemptId),
    external_id: null,
    credential: null,
    credential_expires_at: null,
    replaced_external_id: null,
    error_message: null,
    error_category: null,
    verification_wait_ms: null,
    started_at: now,
    issued_at: null,
    verified_at: null,
    promoted_at: null,
    finished_at: null,
  };
  return { rotationId: input.rotationId, attemptId, trigger: input.trigger, leaseOwner, rotation, attempt };
}
