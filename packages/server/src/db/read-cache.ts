import type { Clock } from '../lib/clock.js';
import type { ChangeFeed } from './change-feed.js';

/**
 * A bounded in-process cache for hot reads (who a token belongs to, what an actor may do in a project, the
 * secrets of a folder). An entry is used only while the change feed's generation is the one it was loaded
 * under, so any committed change to a watched table, on any replica, empties it; `ttlMs` bounds its age
 * regardless. Failed loads are not cached. Values are frozen so a caller cannot change what the next caller
 * receives.
 */
export type ReadCache<V> = {
  /** The cached value for `key`, or `load()`'s result (cached when nothing changed while it ran). */
  through(key: string, load: () => Promise<V>): Promise<V>;
  /** The cached value for `key` if there is a valid one, synchronously (for hot paths that skip a promise on hits). */
  peek(key: string): V | undefined;
  clear(): void;
  readonly size: number;
};

type Entry<V> = { value: V; generation: number; expiresAt: number };

export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}

export function createReadCache<V>(options: {
  feed: ChangeFeed | undefined;
  clock: Clock;
  ttlMs: number;
  maxEntries: number;
}): ReadCache<V> {
  const { feed, clock, ttlMs, maxEntries } = options;
  const entries = new Map<string, Entry<V>>();
  let seenGeneration: number | null = null;

  /** The current generation, emptying the cache first when it moved on; null when nothing may be cached. */
  function currentGeneration(): number | null {
    const generation = feed?.generation() ?? null;
    if (generation !== seenGeneration) {
      // Every entry belongs to an older generation now: drop them (and their decrypted values) at once.
      entries.clear();
      seenGeneration = generation;
    }
    return ttlMs > 0 ? generation : null;
  }

  function validEntry(key: string, generation: number, now: number): Entry<V> | undefined {
    const hit = entries.get(key);
    if (hit && hit.generation === generation && hit.expiresAt > now) return hit;
    if (hit) entries.delete(key);
    return undefined;
  }

  return {
    peek(key) {
      const generation = currentGeneration();
      return generation === null ? undefined : validEntry(key, generation, clock.now().getTime())?.value;
    },
    async through(key, load) {
      const generation = currentGeneration();
      if (generation === null) return load();
      const now = clock.now().getTime();
      const hit = validEntry(key, generation, now);
      if (hit) return hit.value;
      const value = await load();
      // Something committed while loading: the value may predate it, so it is returned but not kept.
      if (feed?.generation() !== generation) return value;
      if (entries.size >= maxEntries) {
        // Oldest first: Map iterates in insertion order.
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(key, { value: deepFreeze(value), generation, expiresAt: now + ttlMs });
      return value;
    },
    clear: () => entries.clear(),
    get size() {
      return entries.size;
    },
  };
}

/** Makes the app's read caches; all share the change feed and the age limit. */
export type ReadCaches = { create<V>(maxEntries: number): ReadCache<V> };

export function createReadCaches(options: { feed: ChangeFeed | undefined; clock: Clock; ttlMs: number }): ReadCaches {
  return { create: (maxEntries) => createReadCache({ ...options, maxEntries }) };
}

/** No caching at all: what services get when they are built without caches (unit tests, tools). */
export const noReadCaches: ReadCaches = createReadCaches({ feed: undefined, clock: { now: () => new Date() }, ttlMs: 0 });
