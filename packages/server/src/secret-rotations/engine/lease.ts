import { sql } from 'kysely';
import type { Actor } from '../../auth/actor.js';
import { actorRef } from '../../auth/actor.js';
import type { AttemptTrigger } from '../secret-rotations.tables.js';
import { attemptMarker } from './credential-slots.js';
import type { EngineDeps } from './engine.types.js';

export type Claim = { rotationId: string; attemptId: string; trigger: AttemptTrigger };

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
      .select(['id', 'lease_expires_at', 'status'])
      .where('id', '=', input.rotationId)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!row) return undefined;
    const isLeased = row.lease_expires_at !== null && row.lease_expires_at.getTime() > now.getTime();
    if (isLeased) return undefined;
    const attemptId = deps.ids.uuid();
    await trx
      .updateTable('secret_rotations')
      .set({ lease_owner: deps.settings.workerId, lease_expires_at: leaseUntil(deps), status: 'rotating', last_rotation_attempted_at: now, updated_at: now })
      .where('id', '=', input.rotationId)
      .execute();
    const ref = actorRef(input.actor);
    await trx
      .insertInto('secret_rotation_attempts')
      .values({
        id: attemptId,
        rotation_id: input.rotationId,
        trigger: input.trigger,
        step: 'claimed',
        actor_type: ref.type,
        actor_id: ref.id,
        marker: attemptMarker(input.rotationId, attemptId),
        started_at: now,
      })
      .execute();
    return { rotationId: input.rotationId, attemptId, trigger: input.trigger };
  });
}

/** Ids of rotations that are due and free, locked and leased in one statement (no two workers get the same). */
export async function claimDueRotationIds(deps: Pick<EngineDeps, 'db' | 'clock' | 'settings'>, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const now = deps.clock.now();
  const result = await sql<{ id: string }>`
    update secret_rotations set lease_owner = ${deps.settings.workerId}, lease_expires_at = ${leaseUntil(deps)}
    where id in (
      select id from secret_rotations
      where is_auto_rotation_enabled and next_rotation_at <= ${now} and status <> 'rotating'
        and (lease_expires_at is null or lease_expires_at < ${now})
      order by next_rotation_at
      limit ${limit}
      for update skip locked
    )
    returning id`.execute(deps.db);
  return result.rows.map((row) => row.id);
}

/**
 * Rotations whose worker died mid-attempt (status rotating, lease expired), claimed for recovery by this
 * worker. The attempt journal says where to resume.
 */
export async function claimAbandonedRotationIds(deps: Pick<EngineDeps, 'db' | 'clock' | 'settings'>, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const now = deps.clock.now();
  const result = await sql<{ id: string }>`
    update secret_rotations set lease_owner = ${deps.settings.workerId}, lease_expires_at = ${leaseUntil(deps)}
    where id in (
      select id from secret_rotations
      where status = 'rotating' and (lease_expires_at is null or lease_expires_at < ${now})
      order by lease_expires_at nulls first
      limit ${limit}
      for update skip locked
    )
    returning id`.execute(deps.db);
  return result.rows.map((row) => row.id);
}

/** Extends our lease; false means another worker took the rotation over (we were presumed dead). */
export async function renewLease(deps: Pick<EngineDeps, 'db' | 'clock' | 'settings'>, rotationId: string): Promise<boolean> {
  const result = await deps.db
    .updateTable('secret_rotations')
    .set({ lease_expires_at: leaseUntil(deps) })
    .where('id', '=', rotationId)
    .where('lease_owner', '=', deps.settings.workerId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function releaseLease(deps: Pick<EngineDeps, 'db' | 'settings'>, rotationId: string): Promise<void> {
  await deps.db
    .updateTable('secret_rotations')
    .set({ lease_owner: null, lease_expires_at: null })
    .where('id', '=', rotationId)
    .where('lease_owner', '=', deps.settings.workerId)
    .execute();
}

/** Keeps a lease alive while work runs; `isLost()` turns true if a renewal finds the lease gone. */
export function startHeartbeat(deps: Pick<EngineDeps, 'db' | 'clock' | 'settings' | 'logger'>, rotationId: string) {
  let isLost = false;
  const timer = setInterval(
    () => {
      renewLease(deps, rotationId)
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

/** Journals a new attempt on a rotation this worker already leased (scheduled runs and recovery). */
export async function beginLeasedAttempt(
  deps: Pick<EngineDeps, 'db' | 'clock' | 'ids' | 'settings'>,
  input: { rotationId: string; trigger: AttemptTrigger; actor: Actor },
): Promise<Claim | undefined> {
  const now = deps.clock.now();
  const attemptId = deps.ids.uuid();
  const ref = actorRef(input.actor);
  return deps.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('secret_rotations')
      .set({ status: 'rotating', last_rotation_attempted_at: now, updated_at: now })
      .where('id', '=', input.rotationId)
      .where('lease_owner', '=', deps.settings.workerId)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return undefined;
    await trx
      .insertInto('secret_rotation_attempts')
      .values({
        id: attemptId,
        rotation_id: input.rotationId,
        trigger: input.trigger,
        step: 'claimed',
        actor_type: ref.type,
        actor_id: ref.id,
        marker: attemptMarker(input.rotationId, attemptId),
        started_at: now,
      })
      .execute();
    return { rotationId: input.rotationId, attemptId, trigger: input.trigger };
  });
}
