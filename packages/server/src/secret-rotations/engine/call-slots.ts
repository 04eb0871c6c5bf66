import { ProviderError } from './provider-error.js';
import { AbortedError } from './retry.js';

/**
 * Slots for calls to the provider (Azure: Graph requests and token requests), which is where the load on
 * Microsoft is: a cap on calls in flight overall, and one per connection (one tenant's Graph quota). A
 * call holds its slot only while it runs; database work, waits and backoff between retries hold none.
 *
 * Calls that cannot start queue in order of arrival, those of attempts already under way (which may hold
 * a credential that is not verified yet) before an attempt's first call; a connection that is full does
 * not hold up the others. When Microsoft throttles a connection (429, or Retry-After on any answer), no
 * call on that connection starts until the wait it asked for is over, as Graph expects of the whole
 * client, not only of the request that was refused.
 */
export type CallPriority = 'continuing' | 'first';

export type CallSlotLimits = {
  calls: number;
  perConnection: number;
  /** How long a connection pauses after a 429 that gave no Retry-After. */
  throttlePauseMs: number;
};

type Waiter = { connectionId: string; grant: () => void };

/** Longest pause one answer can impose (the same cap as the retry's wait). */
const maxPauseMs = 180_000;

export function createCallSlots(limits: CallSlotLimits, onPauseEnd: () => void = () => undefined) {
  let active = 0;
  const activeByConnection = new Map<string, number>();
  const pausedUntil = new Map<string, number>();
  const queues: Record<CallPriority, Waiter[]> = { continuing: [], first: [] };
  let pauseTimer: NodeJS.Timeout | undefined;

  const isPaused = (connectionId: string): boolean => {
    const until = pausedUntil.get(connectionId);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    pausedUntil.delete(connectionId);
    return false;
  };
  const fits = (connectionId: string) => active < limits.calls && (activeByConnection.get(connectionId) ?? 0) < limits.perConnection && !isPaused(connectionId);
  const take = (connectionId: string) => {
    active++;
    activeByConnection.set(connectionId, (activeByConnection.get(connectionId) ?? 0) + 1);
  };
  const giveBack = (connectionId: string) => {
    active--;
    const count = (activeByConnection.get(connectionId) ?? 1) - 1;
    if (count <= 0) activeByConnection.delete(connectionId);
    else activeByConnection.set(connectionId, count);
  };

  function dispatch(): void {
    for (const queue of [queues.continuing, queues.first]) {
      for (let index = 0; index < queue.length && active < limits.calls; ) {
        const waiter = queue[index];
        if (waiter && fits(waiter.connectionId)) {
          queue.splice(index, 1);
          take(waiter.connectionId);
          waiter.grant();
        } else index++;
      }
    }
  }

  /** Wakes the queue (and the scheduler, which leases nothing for a paused connection) when the earliest pause ends. */
  function schedulePauseEnd(): void {
    if (pauseTimer) clearTimeout(pauseTimer);
    pauseTimer = undefined;
    const now = Date.now();
    const next = Math.min(...[...pausedUntil.values()].filter((until) => until > now));
    if (!Number.isFinite(next)) return;
    pauseTimer = setTimeout(() => {
      pauseTimer = undefined;
      dispatch();
      onPauseEnd();
      schedulePauseEnd();
    }, next - now);
    pauseTimer.unref();
  }

  function backOff(connectionId: string, error: unknown): void {
    if (!(error instanceof ProviderError)) return;
    const pauseMs = error.retryAfterMs ?? (error.category === 'throttled' ? limits.throttlePauseMs : undefined);
    if (pauseMs === undefined || pauseMs <= 0) return;
    const until = Date.now() + Math.min(maxPauseMs, pauseMs);
    if (until <= (pausedUntil.get(connectionId) ?? 0)) return;
    pausedUntil.set(connectionId, until);
    schedulePauseEnd();
  }

  function acquire(connectionId: string, priority: CallPriority, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new AbortedError());
    // Queued first and granted by `dispatch`, so that a call never overtakes one that could go before it.
    return new Promise((resolve, reject) => {
      const queue = queues[priority];
      const onAbort = () => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(new AbortedError());
      };
      const waiter: Waiter = {
        connectionId,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      dispatch();
    });
  }

  return {
    /** Runs one call with a slot for `connectionId`, waiting for one first; throttling pauses the connection. */
    async run<T>(connectionId: string, priority: CallPriority, call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
      await acquire(connectionId, priority, signal);
      try {
        return await call();
      } catch (error) {
        backOff(connectionId, error);
        throw error;
      } finally {
        giveBack(connectionId);
        dispatch();
      }
    },
    /** Whether Microsoft asked this connection to wait (the scheduler starts nothing new on it meanwhile). */
    isPaused,
    pausedConnections: (): string[] => [...pausedUntil.keys()].filter(isPaused),
    /** Calls in flight overall, on the busiest connection, and waiting for a slot (tests and logs). */
    counts: () => ({
      calls: active,
      busiestConnection: Math.max(0, ...activeByConnection.values()),
      queuedCalls: queues.continuing.length + queues.first.length,
    }),
  };
}
