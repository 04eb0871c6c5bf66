import type { EngineDeps } from './engine.types.js';
import { queueRevocation } from './journal-writes.js';
import type { Claim } from './lease.js';
import { type CallGate, ungated } from './limiter.js';
import { ProviderError } from './provider-error.js';
import { failedAttemptRetryDelayMs } from './retry.js';
import { processPendingRevocations } from './revocations.js';

export class LeaseLostError extends Error {
  constructor() {
    super('another worker took over this rotation');
    this.name = 'LeaseLostError';
  }
}

/** Errors that will not go away by waiting: they need someone to change the connection or the rotation. */
const permanentCategories = new Set(['permission', 'not_found', 'invalid', 'limit', 'authentication']);

function describe(error: unknown): { message: string; category: string } {
  if (error instanceof ProviderError) return { message: error.message.slice(0, 1024), category: error.category };
  return { message: 'Rekey hit an internal error during the rotation; the server log has details', category: 'unknown' };
}

/**
 * Ends an attempt as failed. The published secrets are never touched: consumers keep the credential that
 * works. A credential this attempt issued but did not publish is queued for removal, so it cannot linger
 * in the provider. Transient failures are retried later with growing delays; permanent ones wait for a
 * change to the configuration (or a manual rotation).
 */
export async function failAttempt(deps: EngineDeps, claim: Claim, error: unknown, gate: CallGate = ungated): Promise<string> {
  const { message, category } = describe(error);
  if (!(error instanceof ProviderError)) deps.logger.error({ err: error, rotationId: claim.rotationId }, 'rotation attempt failed unexpectedly');
  const now = deps.clock.now();
  const isPermanent = permanentCategories.has(category);
  const rotation = await deps.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('secret_rotations').selectAll().where('id', '=', claim.rotationId).forUpdate().executeTakeFirst();
    const attempt = await trx.selectFrom('secret_rotation_attempts').selectAll().where('id', '=', claim.attemptId).forUpdate().executeTakeFirst();
    if (!current || !attempt) return undefined;
    if (current.lease_owner !== null && current.lease_owner !== claim.leaseOwner) return undefined;
    if (attempt.external_id && (attempt.step === 'issued' || attempt.step === 'verified')) {
      await queueRevocation(trx, { id: deps.ids.uuid(), rotation: current, externalId: attempt.external_id, reason: 'unpublished', now });
    }
    // A failure after publishing (creation's background verification) keeps the step for history.
    const isPublished = attempt.step === 'promoted';
    await trx
      .updateTable('secret_rotation_attempts')
      .set({ step: isPublished ? 'completed' : 'failed', error_message: message, error_category: category, finished_at: now })
      .where('id', '=', attempt.id)
      .execute();
    const failures = current.consecutive_failures + 1;
    // Circuit breaker: after too many failures in a row, stop retrying until a person retries or edits.
    const isTripped = failures >= deps.settings.maxConsecutiveFailures;
    const retryAt = current.is_auto_rotation_enabled && !isPermanent && !isTripped ? new Date(now.getTime() + failedAttemptRetryDelayMs(failures)) : null;
    const attentionReason = isTripped
      ? `Automatic retries stopped after ${failures} failed attempts in a row; fix the cause, then rotate now or edit the rotation. Last error: ${message}`
      : isPermanent
        ? `Needs a change before it can succeed: ${message}`
        : current.attention_reason;
    await trx
      .updateTable('secret_rotations')
      .set({
        status: 'failed',
        last_rotation_message: message,
        last_failure_category: category,
        consecutive_failures: failures,
        next_rotation_at: retryAt,
        attention_reason: attentionReason,
        updated_at: now,
      })
      .where('id', '=', current.id)
      .execute();
    await deps.audit.record(
      {
        actor: { type: 'system', orgId: current.org_id, reason: 'rotation-engine' },
        orgId: current.org_id,
        projectId: current.project_id,
        eventType: 'secret-rotation-rotate-secrets',
        resourceType: 'secret-rotation',
        resourceId: current.id,
        metadata: { rotationId: current.id, type: current.type, status: 'failed', trigger: attempt.trigger, attemptId: attempt.id, category, message, nextAttemptAt: retryAt },
      },
      trx,
    );
    return current;
  });
  if (rotation) {
    deps.onEvent?.({
      type: 'rotation.failed',
      rotation,
      attemptId: claim.attemptId,
      details: { category, message, isPermanent },
    });
    await processPendingRevocations(deps, { rotationId: rotation.id, gate }).catch((revokeError: unknown) =>
      deps.logger.warn({ err: revokeError, rotationId: rotation.id }, 'could not remove the unpublished credential yet; it stays queued'),
    );
  }
  return message;
}
