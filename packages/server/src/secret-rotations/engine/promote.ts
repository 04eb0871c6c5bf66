import type { Actor } from '../../auth/actor.js';
import { otherSlot, type SlotIndex, slotAad, slotColumns, slotExternalId } from './credential-slots.js';
import type { AttemptRow, EngineDeps, RotationRow } from './engine.types.js';
import { LeaseLostError } from './attempt-failure.js';
import { journalAttempt, queueRevocation } from './journal-writes.js';
import type { AnyRotationProvider } from './registry.js';
import { nextRotationAt } from './schedule.js';

function actorOf(attempt: AttemptRow, orgId: string): Actor {
  if (attempt.actor_type === 'user') return { type: 'user', userId: attempt.actor_id, email: '', orgId, orgRole: 'member', sessionId: '' };
  if (attempt.actor_type === 'identity') return { type: 'identity', identityId: attempt.actor_id, name: '', orgId, orgRole: 'member', tokenId: '' };
  return { type: 'system', orgId, reason: attempt.actor_id };
}

/** Publishes the credential: secrets, slots, index, schedule, journal and audit in one transaction. */
export async function promote(
  deps: EngineDeps,
  provider: AnyRotationProvider,
  rotation: RotationRow,
  attempt: AttemptRow,
  credential: Record<string, unknown>,
  isFirstCredential: boolean,
  leaseOwner: string,
  options: { releasesLease?: boolean } = {},
): Promise<{ rotation: RotationRow; attempt: AttemptRow }> {
  const now = deps.clock.now();
  const actor = actorOf(attempt, rotation.org_id);
  return deps.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('secret_rotations').selectAll().where('id', '=', rotation.id).forUpdate().executeTakeFirstOrThrow();
    if (current.lease_owner !== leaseOwner) throw new LeaseLostError();
    const target: SlotIndex = isFirstCredential ? (current.active_index as SlotIndex) : otherSlot(current.active_index);
    const replaced = isFirstCredential ? null : slotExternalId(current, target);
    if (replaced) {
      await queueRevocation(trx, { id: deps.ids.uuid(), rotation: current, externalId: replaced, reason: 'replaced', now });
    }
    const sealed = await deps.keyring.encrypt(current.org_id, slotAad(current.id, target), JSON.stringify(credential));
    const values = provider.toSecretValues(current.parameters, current.secrets_mapping, credential);
    await deps.secrets.writeManagedSecrets(trx, {
      orgId: current.org_id,
      projectId: current.project_id,
      environmentId: current.environment_id,
      secretPath: current.secret_path,
      rotationId: current.id,
      values,
      actor,
    });
    const isManual = attempt.trigger !== 'scheduled';
    const promoted = await trx
      .updateTable('secret_rotations')
      .set({
        ...slotColumns(target, { credential: sealed, externalId: attempt.external_id ?? '', expiresAt: attempt.credential_expires_at }),
        active_index: target,
        status: 'success',
        last_rotated_at: now,
        is_last_rotation_manual: isManual,
        next_rotation_at: nextRotationAt({
          lastRotatedAt: now,
          rotationIntervalDays: current.rotation_interval,
          rotateAt: { hours: current.rotate_at_hours, minutes: current.rotate_at_minutes, timeZone: current.time_zone },
          isLastRotationManual: isManual,
          isAutoRotationEnabled: current.is_auto_rotation_enabled,
        }),
        consecutive_failures: 0,
        attention_reason: null,
        last_rotation_message: null,
        last_failure_category: null,
        updated_at: now,
        // A first credential's verification goes on without the claim: giving the lease back in this
        // transaction saves the attempt a round trip while it holds a working slot.
        ...(options.releasesLease ? { lease_owner: null, lease_expires_at: null } : {}),
      })
      .where('id', '=', current.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const journaled = await journalAttempt(trx, attempt, { step: 'promoted', promoted_at: now, replaced_external_id: replaced });
    await deps.audit.record(
      {
        actor,
        orgId: current.org_id,
        projectId: current.project_id,
        eventType: 'secret-rotation-rotate-secrets',
        resourceType: 'secret-rotation',
        resourceId: current.id,
        metadata: {
          rotationId: current.id,
          type: current.type,
          connectionId: current.connection_id,
          status: 'success',
          trigger: attempt.trigger,
          attemptId: attempt.id,
          keyId: attempt.external_id,
          replacedKeyId: replaced,
          secretKeys: Object.keys(values),
        },
      },
      trx,
    );
    return { rotation: promoted, attempt: journaled };
  });
}
