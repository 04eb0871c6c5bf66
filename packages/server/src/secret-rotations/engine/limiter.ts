/**
 * In-process concurrency limits: a global cap on attempts, a cap per connection (one tenant's Graph
 * quota), and one attempt per application at a time (Graph rejects concurrent writes to one app).
 */
export function createKeyedLimiter(options: { global: number; perConnection: number }) {
  let running = 0;
  const counts = new Map<string, number>();
  const limitOf = (key: string) => (key.startsWith('app:') ? 1 : options.perConnection);
  return {
    available: () => Math.max(0, options.global - running),
    /** Keys with that prefix held right now and how many times (busy applications, busy connections), prefix removed. */
    held(prefix: string): Map<string, number> {
      return new Map([...counts].filter(([key]) => key.startsWith(prefix)).map(([key, count]) => [key.slice(prefix.length), count]));
    },
    tryAcquire(keys: string[]): (() => void) | undefined {
      if (running >= options.global) return undefined;
      if (keys.some((key) => (counts.get(key) ?? 0) >= limitOf(key))) return undefined;
      running++;
      for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
      let isReleased = false;
      return () => {
        if (isReleased) return;
        isReleased = true;
        running--;
        for (const key of keys) {
          const count = (counts.get(key) ?? 1) - 1;
          if (count <= 0) counts.delete(key);
          else counts.set(key, count);
        }
      };
    },
  };
}
