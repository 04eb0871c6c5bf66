import type { AttemptRow, EngineDeps, RotationRow } from './engine.types.js';
import { journalAttempt } from './journal-writes.js';
import { ProviderError } from './provider-error.js';
import type { AnyRotationProvider } from './registry.js';
import { AbortedError, sleep, withTransientRetries } from './retry.js';

/**
 * The wait before the next verification request. It doubles from the initial delay, but only up to
 * `verifyMaxDelayMs` (or the initial delay, when that is larger): Entra ID accepts a new secret at an
 * unpredictable moment, usually 5–30 s after creation, and a wait that kept doubling would find it up to
 * one whole wait late (secrets active at 16 s were found at 31 s with waits doubling to 15 s). A capped
 * wait costs a token request every couple of seconds while waiting, and finds the secret at most one wait
 * after it starts working.
 */
export function nextVerifyDelayMs(settings: EngineDeps['settings'], delayMs: number): number {
  return Math.min(Math.max(settings.verifyMaxDelayMs, settings.verifyInitialDelayMs), delayMs * 2);
}

/**
 * Asks until the provider accepts the credential the required number of times in a row, within the bound.
 * Each request takes a call slot (the provider the engine passes is gated, limiter.ts); the waits in
 * between hold none: concurrency bounds calls to Microsoft, not waiting.
 */
export async function verifyUntilActive(
  deps: EngineDeps,
  provider: AnyRotationProvider,
  connection: unknown,
  parameters: Record<string, unknown>,
  credential: Record<string, unknown>,
): Promise<number> {
  const started = Date.now();
  let delay = deps.settings.verifyInitialDelayMs;
  let successes = 0;
  let lastReason = '';
  while (true) {
    const result = await withTransientRetries(() => provider.verify(connection, parameters, credential), {
      retries: deps.settings.transientRetries,
      baseDelayMs: deps.settings.transientBaseDelayMs,
      signal: deps.shutdownSignal,
    });
    if (result.status === 'active') {
      successes++;
      if (successes >= deps.settings.verifyRequiredSuccesses) return Date.now() - started;
      // Successes in a row must be apart in time: one replica answering does not mean all of them do.
      await sleep(Math.min(500, delay), deps.shutdownSignal);
      continue;
    }
    successes = 0;
    lastReason = result.reason;
    const waited = Date.now() - started;
    if (waited >= deps.settings.verifyTimeoutMs) {
      throw new ProviderError(
        'authentication',
        `The new credential did not start working within ${Math.round(deps.settings.verifyTimeoutMs / 1000)} s (${lastReason}); the published secrets were left unchanged`,
        { isRetryable: false },
      );
    }
    await sleep(Math.min(delay, deps.settings.verifyTimeoutMs - waited), deps.shutdownSignal);
    delay = nextVerifyDelayMs(deps.settings, delay);
  }
}

/** Background check of a credential published without verification (a rotation's first credential). */
export async function verifyPublishedCredential(
  deps: EngineDeps,
  provider: AnyRotationProvider,
  connection: unknown,
  rotation: RotationRow,
  attempt: AttemptRow,
  credential: Record<string, unknown>,
): Promise<void> {
  const event = { id: rotation.id, org_id: rotation.org_id, project_id: rotation.project_id, environment_id: rotation.environment_id, secret_path: rotation.secret_path, name: rotation.name, type: rotation.type };
  try {
    const waitedMs = await verifyUntilActive(deps, provider, connection, rotation.parameters, credential);
    await journalAttempt(deps.db, attempt, { step: 'completed', verified_at: deps.clock.now(), verification_wait_ms: waitedMs, finished_at: deps.clock.now() });
    deps.onEvent?.({ type: 'rotation.verified', rotation: event, attemptId: attempt.id, details: { verificationWaitMs: waitedMs } });
  } catch (error) {
    if (error instanceof AbortedError) return;
    const message = error instanceof Error ? error.message.slice(0, 1024) : 'verification failed';
    const category = error instanceof ProviderError ? error.category : 'unknown';
    await journalAttempt(deps.db, attempt, { step: 'completed', error_message: message, error_category: category, finished_at: deps.clock.now() });
    // Only flag the rotation if this credential is still the published one.
    await deps.db
      .updateTable('secret_rotations')
      .set({ status: 'failed', last_rotation_message: `The published credential has not been accepted by Entra ID: ${message}`, last_failure_category: category, updated_at: deps.clock.now() })
      .where('id', '=', rotation.id)
      .where((eb) => eb.or([eb('slot0_external_id', '=', attempt.external_id), eb('slot1_external_id', '=', attempt.external_id)]))
      .where('status', '<>', 'rotating')
      .execute();
    deps.onEvent?.({ type: 'rotation.failed', rotation: event, attemptId: attempt.id, details: { category, message, isPermanent: false } });
  }
}
