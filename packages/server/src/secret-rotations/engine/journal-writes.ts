import type { Kysely } from 'kysely';
import type { ActorRef } from '../../auth/actor.js';
import type { Database } from '../../db/schema.js';
import type { AttemptTrigger } from '../secret-rotations.tables.js';
import { attemptMarker } from './credential-slots.js';
import type { RotationRow } from './engine.types.js';

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
