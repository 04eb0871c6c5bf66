import { AppError } from '../http/errors.js';
import type { Clock } from '../lib/clock.js';

/**
 * A fixed-window counter per key (an IP address, an account), kept in this process's memory. With several
 * replicas each keeps its own count, so the effective limit is at most `limit` times the replica count.
 */
export type RateLimiter = {
  /** Counts one attempt and throws 429 (with the seconds to wait) when the key is over its limit. */
  consume(key: string): void;
  /** Throws 429 if the key is already at its limit, without counting. */
  check(key: string): void;
  /** Counts one attempt without throwing (failures are counted after the fact). */
  record(key: string): void;
  reset(key: string): void;
};

type Window = { startedAt: number; count: number };

const maxKeys = 50_000;

export function createRateLimiter(options: { clock: Clock; limit: number; windowMs: number; message: string }): RateLimiter {
  const windows = new Map<string, Window>();

  function current(key: string, now: number): Window {
    const existing = windows.get(key);
    if (existing && now - existing.startedAt < options.windowMs) return existing;
    if (windows.size >= maxKeys) prune(now);
    const fresh = { startedAt: now, count: 0 };
    windows.set(key, fresh);
    return fresh;
  }

  function prune(now: number): void {
    for (const [key, window] of windows) {
      if (now - window.startedAt >= options.windowMs) windows.delete(key);
    }
    // Still full of live windows (a flood of distinct keys): forget the oldest rather than grow without bound.
    if (windows.size >= maxKeys) {
      const oldest = windows.keys().next();
      if (!oldest.done) windows.delete(oldest.value);
    }
  }

  function refuse(window: Window, now: number): never {
    const retryAfterSeconds = Math.max(1, Math.ceil((window.startedAt + options.windowMs - now) / 1000));
    throw new AppError('rate_limited', `${options.message}; try again in ${retryAfterSeconds} seconds`, {
      details: [{ path: 'retryAfterSeconds', message: String(retryAfterSeconds) }],
    });
  }

  return {
    consume(key) {
      const now = options.clock.now().getTime();
      const window = current(key, now);
      if (window.count >= options.limit) refuse(window, now);
      window.count += 1;
    },
    check(key) {
      const now = options.clock.now().getTime();
      const window = current(key, now);
      if (window.count >= options.limit) refuse(window, now);
    },
    record(key) {
      const now = options.clock.now().getTime();
      current(key, now).count += 1;
    },
    reset(key) {
      windows.delete(key);
    },
  };
}
