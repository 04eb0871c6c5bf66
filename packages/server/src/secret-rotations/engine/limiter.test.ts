import { describe, expect, it } from 'vitest';
import { createKeyedLimiter } from './limiter.js';

describe('rotation concurrency limiter', () => {
  it('caps attempts globally, per connection, and to one per application', () => {
    const limiter = createKeyedLimiter({ global: 3, perConnection: 2 });
    const a = limiter.tryAcquire(['connection:c1', 'app:a1']);
    expect(a).toBeDefined();
    expect(limiter.tryAcquire(['connection:c1', 'app:a1'])).toBeUndefined(); // same application
    const b = limiter.tryAcquire(['connection:c1', 'app:a2']);
    expect(b).toBeDefined();
    expect(limiter.tryAcquire(['connection:c1', 'app:a3'])).toBeUndefined(); // connection full
    const c = limiter.tryAcquire(['connection:c2', 'app:a4']);
    expect(c).toBeDefined();
    expect(limiter.available()).toBe(0);
    expect(limiter.tryAcquire(['connection:c3', 'app:a5'])).toBeUndefined(); // global cap
    a?.();
    a?.(); // releasing twice changes nothing
    expect(limiter.available()).toBe(1);
    expect(limiter.tryAcquire(['connection:c1', 'app:a1'])).toBeDefined();
  });

  it('tells what it holds, so a scheduler pass can pick only what fits', () => {
    const limiter = createKeyedLimiter({ global: 3, perConnection: 2 });
    const release = limiter.tryAcquire(['connection:c1', 'app:a1']);
    limiter.tryAcquire(['connection:c1', 'app:a2']);
    expect([...limiter.held('app:').keys()].sort()).toEqual(['a1', 'a2']);
    expect(limiter.held('connection:')).toEqual(new Map([['c1', 2]]));
    release?.();
    expect([...limiter.held('app:').keys()]).toEqual(['a2']);
    expect(limiter.held('connection:')).toEqual(new Map([['c1', 1]]));
  });
});
