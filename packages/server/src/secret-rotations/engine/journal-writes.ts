import { type Kysely, sql } from 'kysely';
import type { ActorRef } from '../../auth/actor.js';
import type { Database } from '../../db/schema.js';
import type { AttemptTrigger } from '../secret-rotations.tables.js';
import { attemptMarker } from './credential-slots.js';
import type { AttemptRow, RotationRow } from './engine.types.js';

/** Writes a new attempt row at step `claimed`; its marker names rotation and attempt. */
export async function insertClaimedAttempt(
  trx: Kysely<Database>,
  input: { attemptId: string; rotationId: string; trigger: AttemptTrigger; actor: ActorRef; now: Date },
): Promise<void> {
  await trx
    .insertInto('secret_rotation_attempts')
    .values({
      id: input.attemptId,
      rotation_id: input.rotationId,
      trigger: input.trigger,
      step: 'claimed',
      actor_type: input.actor.type,
      actor_id: input.actor.id,
      marker: attemptMarker(input.rotationId, input.attemptId),
      started_at: input.now,
    })
    .execute();
}

/**
 * Hands a lease from a scheduler pass to a new attempt and journals the attempt at step `claimed`, in one
 * statement (atomic, and one round trip where a transaction would take four). Returns the rotation as it
 * now stands (the attempt starts from it without reading it again), or undefined when the pass no longer
 * holds the lease, in which case nothing was written.
 */
export async function beginAttemptOnLease(
  db: Kysely<Database>,
  input: {
    rotationId: string;
    fromOwner: string;
    lease: { owner: string; expiresAt: Date };
    attemptId: string;
    trigger: AttemptTrigger;
    actor: ActorRef;
    now: Date;
  },
): Promise<RotationRow | undefined> {
  return db
    .with('leased', (qb) =>
      qb
        .updateTable('secret_rotations')
        .set({ status: 'rotating', lease_owner: input.lease.owner, lease_expires_at: input.lease.expiresAt, last_rotation_attempted_at: input.now, updated_at: input.now })
        .where('id', '=', input.rotationId)
        .where('lease_owner', '=', input.fromOwner)
        .returningAll(),
    )
    .with('inserted', (qb) =>
      qb
        .insertInto('secret_rotation_attempts')
        .columns(['id', 'rotation_id', 'trigger', 'step', 'actor_type', 'actor_id', 'marker', 'started_at'])
        .expression((eb) =>
          eb
            .selectFrom('leased')
            // Parameters in a select list have no type of their own: cast them to the columns' types.
            .select([
              sql<string>`${input.attemptId}::uuid`.as('id'),
              'leased.id',
              sql<string>`${input.trigger}::text`.as('trigger'),
              sql<string>`'claimed'::text`.as('step'),
              sql<string>`${input.actor.type}::text`.as('actor_type'),
              sql<string>`${input.actor.id}::text`.as('actor_id'),
              sql<string>`${attemptMarker(input.rotationId, input.attemptId)}::text`.as('marker'),
              sql<Date>`${input.now}::timestamptz`.as('started_at'),
            ]),
        )
        .returning('rotation_id'),
    )
    .selectFrom('leased')
    .innerJoin('inserted', 'inserted.rotation_id', 'leased.id')
    .selectAll('leased')
    .executeTakeFirst();
}

/** Puts a credential on the durable revocation list (once: a second queueing of the same key is ignored). */
export async function queueRevocation(
  trx: Kysely<Database>,
  input: { id: string; rotation: Pick<RotationRow, 'id' | 'org_id' | 'connection_id' | 'type' | 'parameters'>; externalId: string; reason: string; now: Date },
): Promise<void> {
  await trx
    .insertInto('secret_rotation_pending_revocations')
    .values({
      id: input.id,
      rotation_id: input.rotation.id,
      org_id: input.rotation.org_id,
      connection_id: input.rotation.connection_id,
      type: input.rotation.type,
      parameters: JSON.stringify(input.rotation.parameters),
      external_id: input.externalId,
      reason: input.reason,
      next_attempt_at: input.now,
    })
    .onConflict((oc) => oc.columns(['connection_id', 'external_id']).doNothing())
    .execute();
}

/** Journals a step (or any change) of an attempt and returns the row as it now stands. */
export async function journalAttempt(db: Kysely<Database>, attempt: AttemptRow, changes: Partial<Omit<AttemptRow, 'id'>>): Promise<AttemptRow> {
  await db.updateTable('secret_rotation_attempts').set(changes).where('id', '=', attempt.id).execute();
  return { ...attempt, ...changes };
}
