/**
 * In-process concurrency limits: a global cap on attempts, and a cap per key (a connection, i.e. one
 * tenant's Graph quota, or one application, since Graph rejects concurrent writes to one app).
 */
export function createKeyedLimiter(options: { global: number; perKey: number }) {
  let running = 0;
  const perKey = new Map<string, number>();
  return {
    available: () => Math.max(0, options.global - running),
    tryAcquire(keys: string[]): (() => void) | undefined {
      if (running >= options.global) return undefined;
      if (keys.some((key) => (perKey.get(key) ?? 0) >= options.perKey)) return undefined;
      running++;
      for (const key of keys) perKey.set(key, (perKey.get(key) ?? 0) + 1);
      let isReleased = false;
      return () => {
        if (isReleased) return;
        isReleased = true;
        running--;
        for (const key of keys) {
          const count = (perKey.get(key) ?? 1) - 1;
          if (count <= 0) perKey.delete(key);
          else perKey.set(key, count);
        }
      };
    },
  };
}
