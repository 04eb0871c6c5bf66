import { DateTime } from 'luxon';
import type { RequestOrigin } from '../audit/audit.types.js';
import type { Actor } from '../auth/actor.js';
import { badRequest, conflict, notFound } from '../http/errors.js';
import { actorRef } from '../auth/actor.js';
import { openSlot, otherSlot, type SlotIndex, slotExpiresAt, slotExternalId } from './engine/credential-slots.js';
import type { RotationRow } from './engine/engine.types.js';
import { claimRotation, releaseLease } from './engine/lease.js';
import { providerFor } from './engine/registry.js';
import { upcomingRotations } from './engine/schedule.js';
import { findRotations, pendingRevocationIds } from './secret-rotations.repo.js';
import type { SecretRotationsServiceDeps } from './secret-rotations.service.js';
import { toRequestError } from './secret-rotations.service.js';

const dayMs = 24 * 60 * 60 * 1000;

function outcomeOf(step: string): 'success' | 'failed' | 'abandoned' | 'in-progress' {
  if (step === 'failed') return 'failed';
  if (step === 'completed' || step === 'promoted') return 'success';
  if (step === 'abandoned') return 'abandoned';
  return 'in-progress';
}

/** History, preview and rollback: the operator's view of a rotation (issue "rotation operations"). */
export function createRotationOperations(deps: SecretRotationsServiceDeps & { engineSettings: { credentialGraceDays: number } }) {
  async function load(actor: Actor, rotationId: string) {
    const found = (await findRotations(deps.db, { id: rotationId }))[0];
    if (!found || found.row.org_id !== actor.orgId) throw notFound(`Secret rotation ${rotationId} not found`);
    const access = await deps.permissions.forProject(actor, found.row.project_id);
    const target = { environment: found.context.environment.slug, secretPath: found.row.secret_path, connectionId: found.row.connection_id };
    return { ...found, access, target };
  }

  return {
    async history(actor: Actor, rotationId: string, page: { offset: number; limit: number }) {
      const { row, access, target } = await load(actor, rotationId);
      access.assert('secret-rotations', 'read', target);
      const [attempts, total] = await Promise.all([
        deps.db
          .selectFrom('secret_rotation_attempts')
          .select(['id', 'trigger', 'step', 'actor_type', 'actor_id', 'external_id', 'replaced_external_id', 'error_message', 'error_category', 'verification_wait_ms', 'started_at', 'issued_at', 'verified_at', 'promoted_at', 'finished_at'])
          .where('rotation_id', '=', row.id)
          .orderBy('started_at', 'desc')
          .offset(page.offset)
          .limit(page.limit)
          .execute(),
        deps.db.selectFrom('secret_rotation_attempts').select((eb) => eb.fn.countAll<number>().as('count')).where('rotation_id', '=', row.id).executeTakeFirstOrThrow(),
      ]);
      const iso = (date: Date | null) => (date ? date.toISOString() : null);
      return {
        totalCount: Number(total.count),
        history: attempts.map((attempt) => ({
          id: attempt.id,
          trigger: attempt.trigger,
          step: attempt.step,
          outcome: outcomeOf(attempt.step),
          actor: { type: attempt.actor_type, id: attempt.actor_id },
          keyId: attempt.external_id,
          replacedKeyId: attempt.replaced_external_id,
          message: attempt.error_message,
          failureCategory: attempt.error_category,
          verificationWaitMs: attempt.verification_wait_ms,
          startedAt: attempt.started_at.toISOString(),
          issuedAt: iso(attempt.issued_at),
          verifiedAt: iso(attempt.verified_at),
          promotedAt: iso(attempt.promoted_at),
          finishedAt: iso(attempt.finished_at),
        })),
      };
    },

    async preview(actor: Actor, rotationId: string, count: number) {
      const { row, access, target } = await load(actor, rotationId);
      access.assert('secret-rotations', 'read', target);
      const rotateAt = { hours: row.rotate_at_hours, minutes: row.rotate_at_minutes, timeZone: row.time_zone };
      const first = row.next_rotation_at;
      const runs = first
        ? [first, ...upcomingRotations({ lastRotatedAt: first, rotationIntervalDays: row.rotation_interval, rotateAt, isLastRotationManual: false, isAutoRotationEnabled: true }, count - 1)]
        : [];
      const inactive = otherSlot(row.active_index);
      const nextRun = runs[0] ?? null;
      return {
        rotationId: row.id,
        isAutoRotationEnabled: row.is_auto_rotation_enabled,
        timeZone: row.time_zone,
        nextRuns: runs.slice(0, count).map((run) => ({
          utc: run.toISOString(),
          local: DateTime.fromJSDate(run, { zone: row.time_zone }).toISO({ suppressMilliseconds: true }) ?? run.toISOString(),
        })),
        nextRotation: {
          at: nextRun ? nextRun.toISOString() : null,
          revokesKeyId: slotExternalId(row, inactive),
          keepsKeyId: slotExternalId(row, row.active_index as SlotIndex),
          secretNames: Object.values(row.secrets_mapping),
          newCredentialEndDate: new Date((nextRun ?? deps.clock.now()).getTime() + (2 * row.rotation_interval + deps.engineSettings.credentialGraceDays) * dayMs).toISOString(),
        },
      };
    },

    /**
     * Makes the previous credential active again while it is still valid: publishes it, flips the index.
     * The credential rolled back from becomes the inactive slot, so the next rotation revokes it — nothing
     * is orphaned and nothing is revoked early.
     */
    async rollback(actor: Actor, rotationId: string, origin?: RequestOrigin) {
      const { row, access, target } = await load(actor, rotationId);
      access.assert('secret-rotations', 'rotate-secrets', target);
      const previous = otherSlot(row.active_index);
      const previousKeyId = slotExternalId(row, previous);
      const expiresAt = slotExpiresAt(row, previous);
      if (!previousKeyId) throw badRequest('There is no previous credential to roll back to (it was never issued or has been revoked)');
      if (expiresAt && expiresAt.getTime() <= deps.clock.now().getTime()) throw badRequest(`The previous credential (keyId ${previousKeyId}) expired at ${expiresAt.toISOString()}; it cannot be restored`);
      if ((await pendingRevocationIds(deps.db, row.id)).includes(previousKeyId)) throw badRequest(`The previous credential (keyId ${previousKeyId}) is being revoked; it cannot be restored`);
      const provider = providerFor(row.type);
      if (!provider) throw notFound(`Unknown rotation type ${row.type}`);
      const connection = await deps.connections.resolve(row.type, row.org_id, row.connection_id);
      const stillThere = await provider.listMarked(connection, row.parameters, '').then(
        (all) => all.some((credential) => credential.externalId === previousKeyId),
        (error: unknown) => {
          throw toRequestError(error);
        },
      );
      if (!stillThere) throw badRequest(`The previous credential (keyId ${previousKeyId}) no longer exists in Azure; it cannot be restored`);
      const claim = await claimRotation({ ...deps, settings: deps.engine.settings }, { rotationId: row.id, trigger: 'rollback', actor });
      if (!claim) throw conflict('A rotation is in progress; try the rollback again once it has finished');
      try {
        await publishSlot(deps, row, previous, actor, claim.attemptId, origin);
      } finally {
        await releaseLease(deps, row.id, claim.leaseOwner);
      }
      return (await findRotations(deps.db, { id: row.id }))[0];
    },
  };
}

async function publishSlot(
  deps: SecretRotationsServiceDeps,
  row: RotationRow,
  slot: SlotIndex,
  actor: Actor,
  attemptId: string,
  origin?: RequestOrigin,
): Promise<void> {
  const credential = await openSlot(deps.keyring, row, slot);
  const provider = providerFor(row.type);
  if (!credential || !provider) throw badRequest('The previous credential cannot be read');
  const values = provider.toSecretValues(row.parameters, row.secrets_mapping, credential);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await deps.secrets.writeManagedSecrets(trx, { orgId: row.org_id, projectId: row.project_id, environmentId: row.environment_id, secretPath: row.secret_path, rotationId: row.id, values, actor });
    await trx
      .updateTable('secret_rotations')
      .set({ active_index: slot, status: 'success', last_rotation_message: null, last_failure_category: null, consecutive_failures: 0, updated_at: now })
      .where('id', '=', row.id)
      .execute();
    await trx
      .updateTable('secret_rotation_attempts')
      .set({ step: 'completed', external_id: slotExternalId(row, slot), replaced_external_id: slotExternalId(row, otherSlot(slot)), promoted_at: now, finished_at: now })
      .where('id', '=', attemptId)
      .execute();
    await deps.audit.record(
      {
        actor,
        orgId: row.org_id,
        projectId: row.project_id,
        eventType: 'secret-rotation-rollback',
        resourceType: 'secret-rotation',
        resourceId: row.id,
        metadata: { rotationId: row.id, restoredKeyId: slotExternalId(row, slot), rolledBackFromKeyId: slotExternalId(row, otherSlot(slot)), by: actorRef(actor) },
        ...(origin ? { origin } : {}),
      },
      trx,
    );
  });
}
