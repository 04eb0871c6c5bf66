import { ProviderError } from './provider-error.js';

export class AbortedError extends Error {
  constructor() {
    super('stopped because the server is shutting down');
    this.name = 'AbortedError';
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new AbortedError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortedError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `call`, retrying errors the provider marks retryable (throttling, 5xx, timeouts, write conflicts)
 * with exponential backoff and jitter, or exactly the wait the upstream asked for via Retry-After.
 */
export async function withTransientRetries<T>(
  call: () => Promise<T>,
  options: { retries: number; baseDelayMs: number; signal?: AbortSignal; onRetry?: (error: ProviderError, delayMs: number) => void },
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof ProviderError) || !error.isRetryable || attempt >= options.retries) throw error;
      const backoff = Math.min(30_000, options.baseDelayMs * 2 ** attempt) * (0.75 + Math.random() * 0.5);
      const delay = Math.min(180_000, error.retryAfterMs ?? backoff);
      options.onRetry?.(error, delay);
      await sleep(delay, options.signal);
    }
  }
}

/** Delay before the next automatic attempt after `failures` failed ones in a row: minutes, then hours, then daily. */
export function failedAttemptRetryDelayMs(failures: number): number {
  const minutes = [5, 15, 60, 240, 720];
  return (minutes[Math.max(0, failures - 1)] ?? 24 * 60) * 60_000;
}

/** Delay before retrying a failed revoke. */
export function revokeRetryDelayMs(attempts: number): number {
  return Math.min(6 * 60 * 60_000, 30_000 * 2 ** Math.max(0, attempts - 1));
}
