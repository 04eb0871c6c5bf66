import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { attemptCredentialAad, otherSlot, type SlotIndex, slotColumns, slotExternalId, trackedExternalIds } from './credential-slots.js';
import type { AttemptRow, EngineDeps, RotationRow } from './engine.types.js';
import { failAttempt, LeaseLostError } from './attempt-failure.js';
import { journalAttempt, queueRevocation } from './journal-writes.js';
import { releaseLease, startHeartbeat, type Claim } from './lease.js';
import { gateProvider } from './gated-provider.js';
import { type AttemptSlot, unlimitedSlot } from './limiter.js';
import { promote } from './promote.js';
import { providerFor, type AnyRotationProvider } from './registry.js';
import { AbortedError, withTransientRetries } from './retry.js';
import { processPendingRevocations } from './revocations.js';
import { ProviderError } from './provider-error.js';
import { verifyPublishedCredential, verifyUntilActive } from './verification.js';

export type AttemptOutcome = { status: 'success' } | { status: 'failed'; message: string } | { status: 'interrupted' };

/** A running attempt: `published` settles once the mapped secrets hold the new credential (or the attempt ended without it). */
export type AttemptHandle = { published: Promise<boolean>; done: Promise<AttemptOutcome> };

const dayMs = 24 * 60 * 60 * 1000;

async function loadRotation(db: Kysely<Database>, id: string): Promise<RotationRow> {
  return db.selectFrom('secret_rotations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function loadAttempt(db: Kysely<Database>, id: string): Promise<AttemptRow> {
  return db.selectFrom('secret_rotation_attempts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/**
 * Runs (or resumes) one attempt from the step its journal records. Every step is written to the database
 * before the external call it leads to, so a crash at any point can be resumed by another worker.
 */
export function runAttempt(deps: EngineDeps, claim: Claim, slot: AttemptSlot = unlimitedSlot): AttemptHandle {
  let markPublished: (value: boolean) => void = () => undefined;
  const published = new Promise<boolean>((resolve) => {
    markPublished = resolve;
  });
  const done = execute(deps, claim, slot, () => markPublished(true)).finally(() => markPublished(false));
  return { published, done };
}

async function execute(deps: EngineDeps, claim: Claim, slot: AttemptSlot, onPublished: () => void): Promise<AttemptOutcome> {
  const heartbeat = startHeartbeat(deps, claim.rotationId, claim.leaseOwner);
  // Released early when the first credential's verification goes on without the claim.
  let isLeaseReleased = false;
  const ensureLease = () => {
    if (heartbeat.isLost()) throw new LeaseLostError();
    if (deps.shutdownSignal.aborted) throw new AbortedError();
  };
  try {
    let [rotation, attempt] = await Promise.all([claim.rotation ?? loadRotation(deps.db, claim.rotationId), claim.attempt ?? loadAttempt(deps.db, claim.attemptId)]);
    const registered = providerFor(rotation.type);
    if (!registered) throw new ProviderError('invalid', `Rekey has no provider for rotation type "${rotation.type}"`);
    // Every call to the provider takes a call slot just for the call: database work, publishing and
    // waits in between hold none (limiter.ts).
    const provider = gateProvider(registered, slot.call, rotation.connection_id);
    const revokePending = () => processPendingRevocations(deps, { rotationId: rotation.id, gate: slot.call });
    const connection = await deps.connections.resolve(rotation.type, rotation.org_id, rotation.connection_id);
    const parameters = rotation.parameters;
    const retrying = <T>(call: () => Promise<T>) =>
      withTransientRetries(call, {
        retries: deps.settings.transientRetries,
        baseDelayMs: deps.settings.transientBaseDelayMs,
        signal: deps.shutdownSignal,
        onRetry: (error, delayMs) => deps.logger.info({ rotationId: rotation.id, category: error.category, delayMs }, 'retrying after a transient error'),
      });
    const event = { id: rotation.id, org_id: rotation.org_id, project_id: rotation.project_id, environment_id: rotation.environment_id, secret_path: rotation.secret_path, name: rotation.name, type: rotation.type };

    if (attempt.step === 'claimed' || attempt.step === 'issuing') {
      deps.onEvent?.({ type: 'rotation.started', rotation: event, attemptId: attempt.id, details: { trigger: attempt.trigger } });
      if (attempt.step === 'issuing') {
        // Resumed after a crash during issue: the credential may exist in the provider although we never
        // stored it. Find it by its marker and remove it before issuing again.
        await removeMarked(deps, provider, connection, parameters, attempt.marker, rotation);
      }
      const { maxCredentials } = await retrying(() => provider.preflight(connection, parameters, trackedExternalIds(rotation)));
      const inactive = otherSlot(rotation.active_index);
      if (maxCredentials !== null && maxCredentials <= 2 && slotExternalId(rotation, inactive)) {
        // Two-password applications: retire the two-rotations-old credential before issuing, since the
        // new one could not be added otherwise. Consumers lose nothing: the active credential stays.
        await retireSlot(deps, rotation, inactive, 'retired-before-issue');
        await revokePending();
        const remaining = await deps.db.selectFrom('secret_rotation_pending_revocations').select('id').where('rotation_id', '=', rotation.id).execute();
        if (remaining.length > 0) throw new ProviderError('unknown', 'Could not remove the previous credential, which this application needs gone before a new one can be added');
        rotation = await loadRotation(deps.db, rotation.id);
      }
      attempt = await journalAttempt(deps.db, attempt, { step: 'issuing' });
      ensureLease();
      const expiresAt = new Date(deps.clock.now().getTime() + (2 * rotation.rotation_interval + deps.settings.credentialGraceDays) * dayMs);
      const issued = await retrying(() => provider.issue(connection, parameters, { marker: attempt.marker, expiresAt })).catch(async (error: unknown) => {
        // A timeout may hide a credential that was created after all; look for it before giving up.
        await removeMarked(deps, provider, connection, parameters, attempt.marker, rotation).catch(() => undefined);
        throw error;
      });
      const sealed = await deps.keyring.encrypt(rotation.org_id, attemptCredentialAad(attempt.id), JSON.stringify(issued.credential));
      attempt = await journalAttempt(deps.db, attempt, {
        step: 'issued',
        external_id: issued.externalId,
        credential: sealed,
        credential_expires_at: issued.expiresAt,
        issued_at: deps.clock.now(),
      });
    }

    const credential = await openAttemptCredential(deps, rotation, attempt);
    // With nothing published yet (creation, or a rotation whose first credential never landed) there is no
    // older credential to fall back on: publish first, verify afterwards.
    const isFirstCredential = !slotExternalId(rotation, rotation.active_index as SlotIndex);
    if (attempt.step === 'issued' && !isFirstCredential) {
      ensureLease();
      const waitedMs = await verifyUntilActive(deps, provider, connection, parameters, credential);
      attempt = await journalAttempt(deps.db, attempt, { step: 'verified', verified_at: deps.clock.now(), verification_wait_ms: waitedMs });
      deps.onEvent?.({ type: 'rotation.verified', rotation: event, attemptId: attempt.id, details: { verificationWaitMs: waitedMs } });
    }
    if (attempt.step === 'issued' || attempt.step === 'verified') {
      ensureLease();
      // A first credential is verified after it is published, without the claim (below).
      const releasesLease = isFirstCredential && attempt.verified_at === null;
      ({ rotation, attempt } = await promote(deps, provider, rotation, attempt, credential, isFirstCredential, claim.leaseOwner, { releasesLease }));
      isLeaseReleased = releasesLease;
      deps.onEvent?.({ type: 'rotation.promoted', rotation: event, attemptId: attempt.id });
    }
    onPublished();
    if (attempt.step === 'promoted' && attempt.verified_at === null) {
      // The first credential is already published and nothing older exists to fall back on, so its
      // verification only reports: it holds no claim, and "rotate now" may start right away.
      heartbeat.stop();
      if (!isLeaseReleased) await releaseLease(deps, claim.rotationId, claim.leaseOwner);
      isLeaseReleased = true;
      await verifyPublishedCredential(deps, provider, connection, rotation, attempt, credential);
      return { status: 'success' };
    }
    // Both at once: revoking the replaced credential, and looking for duplicates of this attempt's (a
    // request that timed out and was retried may still have created one: anything with this attempt's
    // marker that is not tracked now is an orphan; the periodic sweep covers later arrivals). They touch
    // different credentials, and the look is a read.
    await Promise.all([
      revokePending(),
      removeMarked(deps, provider, connection, parameters, attempt.marker, rotation).catch((error: unknown) =>
        deps.logger.warn({ err: error, rotationId: rotation.id }, 'could not check for duplicate credentials; the sweep will'),
      ),
    ]);
    await journalAttempt(deps.db, attempt, { step: 'completed', finished_at: deps.clock.now() });
    return { status: 'success' };
  } catch (error) {
    if (error instanceof LeaseLostError || error instanceof AbortedError) {
      deps.logger.warn({ rotationId: claim.rotationId, attemptId: claim.attemptId, msg: error.message }, 'rotation attempt interrupted; it will resume from its journal');
      return { status: 'interrupted' };
    }
    const message = await failAttempt(deps, claim, error, slot.call);
    return { status: 'failed', message };
  } finally {
    heartbeat.stop();
    if (!isLeaseReleased) await releaseLease(deps, claim.rotationId, claim.leaseOwner).catch(() => undefined);
  }
}

async function openAttemptCredential(deps: EngineDeps, rotation: RotationRow, attempt: AttemptRow): Promise<Record<string, unknown>> {
  if (!attempt.credential) throw new ProviderError('unknown', 'the attempt journal holds no credential to continue with');
  const text = await deps.keyring.decryptText(rotation.org_id, attemptCredentialAad(attempt.id), attempt.credential);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Moves a slot's credential to the pending-revocation list and empties the slot. */
async function retireSlot(deps: EngineDeps, rotation: RotationRow, slot: SlotIndex, reason: string): Promise<void> {
  const externalId = slotExternalId(rotation, slot);
  if (!externalId) return;
  await deps.db.transaction().execute(async (trx) => {
    await queueRevocation(trx, { id: deps.ids.uuid(), rotation, externalId, reason, now: deps.clock.now() });
    await trx.updateTable('secret_rotations').set(slotColumns(slot, null)).where('id', '=', rotation.id).execute();
  });
}

/** Removes credentials carrying `marker` that Rekey does not track (lost creation responses). */
export async function removeMarked(
  deps: EngineDeps,
  provider: AnyRotationProvider,
  connection: unknown,
  parameters: Record<string, unknown>,
  marker: string,
  rotation: RotationRow,
): Promise<string[]> {
  const tracked = new Set(trackedExternalIds(await loadRotation(deps.db, rotation.id)));
  const found = await withTransientRetries(() => provider.listMarked(connection, parameters, marker), {
    retries: deps.settings.transientRetries,
    baseDelayMs: deps.settings.transientBaseDelayMs,
    signal: deps.shutdownSignal,
  });
  const removed: string[] = [];
  for (const credential of found) {
    if (tracked.has(credential.externalId)) continue;
    await withTransientRetries(() => provider.revoke(connection, parameters, credential.externalId), {
      retries: deps.settings.transientRetries,
      baseDelayMs: deps.settings.transientBaseDelayMs,
      signal: deps.shutdownSignal,
    });
    removed.push(credential.externalId);
    deps.onEvent?.({
      type: 'rotation.orphan-removed',
      rotation: { id: rotation.id, org_id: rotation.org_id, project_id: rotation.project_id, environment_id: rotation.environment_id, secret_path: rotation.secret_path, name: rotation.name, type: rotation.type },
      details: { keyId: credential.externalId, marker: credential.marker },
    });
    await deps.audit.record({
      actor: { type: 'system', orgId: rotation.org_id, reason: 'rotation-engine' },
      orgId: rotation.org_id,
      projectId: rotation.project_id,
      eventType: 'secret-rotation-orphan-removed',
      resourceType: 'secret-rotation',
      resourceId: rotation.id,
      metadata: { keyId: credential.externalId, marker: credential.marker },
    });
  }
  return removed;
}
