import { describe, expect, it } from 'vitest';
import { createCallSlots } from './call-slots.js';
import { type AttemptSlot, createRotationLimiter } from './limiter.js';
import { ProviderError } from './provider-error.js';
import { AbortedError } from './retry.js';

/** A call the test ends by hand, so it can look at the slots while calls run. */
function manualCall<T = string>(value: T) {
  let end: () => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  let isStarted = false;
  const done = new Promise<T>((resolve, reject) => {
    end = () => resolve(value);
    fail = reject;
  });
  return {
    run: () => {
      isStarted = true;
      return done;
    },
    end,
    fail,
    isStarted: () => isStarted,
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

const admitted = (slot: AttemptSlot | undefined): AttemptSlot => {
  if (!slot) throw new Error('expected the attempt to be admitted');
  return slot;
};

describe('call slots', () => {
  it('cap calls in flight overall and per connection, and queue the rest in order', async () => {
    const slots = createCallSlots({ calls: 3, perConnection: 2, throttlePauseMs: 1_000 });
    const calls = [manualCall(0), manualCall(1), manualCall(2), manualCall(3), manualCall(4)] as const;
    const [c1a, c1b, c1c, c2, c3] = calls;
    const results = [
      slots.run('c1', 'continuing', c1a.run),
      slots.run('c1', 'continuing', c1b.run),
      slots.run('c1', 'continuing', c1c.run), // c1 is full
      slots.run('c2', 'continuing', c2.run), // another connection goes past it
      slots.run('c3', 'continuing', c3.run), // overall cap
    ];
    await settle();
    expect(calls.map((call) => call.isStarted())).toEqual([true, true, false, true, false]);
    expect(slots.counts()).toEqual({ calls: 3, busiestConnection: 2, queuedCalls: 2 });
    c2.end(); // a slot frees up: c1 is still full, so c3 goes
    await settle();
    expect(calls.map((call) => call.isStarted())).toEqual([true, true, false, true, true]);
    c1a.end();
    await settle();
    expect(c1c.isStarted()).toBe(true);
    for (const call of calls) call.end();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4]);
    expect(slots.counts()).toEqual({ calls: 0, busiestConnection: 0, queuedCalls: 0 });
  });

  it('let calls of attempts under way go before an attempt’s first call', async () => {
    const slots = createCallSlots({ calls: 1, perConnection: 1, throttlePauseMs: 1_000 });
    const running = manualCall('running');
    const first = manualCall('first');
    const continuing = manualCall('continuing');
    const results = [slots.run('c1', 'continuing', running.run), slots.run('c1', 'first', first.run), slots.run('c1', 'continuing', continuing.run)];
    await settle();
    running.end();
    await settle();
    expect(continuing.isStarted()).toBe(true);
    expect(first.isStarted()).toBe(false);
    continuing.end();
    first.end();
    await Promise.all(results);
  });

  it('keep every call off a connection for the Retry-After it was given, and others go on', async () => {
    let pauseEnds = 0;
    const slots = createCallSlots({ calls: 4, perConnection: 4, throttlePauseMs: 1_000 }, () => pauseEnds++);
    const throttled = slots.run('c1', 'continuing', () =>
      Promise.reject(new ProviderError('throttled', 'throttled by Microsoft Graph', { retryAfterMs: 300 })),
    );
    await expect(throttled).rejects.toThrow('throttled');
    expect(slots.isPaused('c1')).toBe(true);
    const started = Date.now();
    let startedAt = 0;
    const onPaused = slots.run('c1', 'continuing', async () => {
      startedAt = Date.now();
      return 'after the pause';
    });
    expect(await slots.run('c2', 'continuing', async () => 'other connection')).toBe('other connection');
    expect(startedAt).toBe(0);
    expect(await onPaused).toBe('after the pause');
    expect(startedAt - started).toBeGreaterThanOrEqual(280);
    expect(pauseEnds).toBe(1);
    expect(slots.isPaused('c1')).toBe(false);
  });

  it('pause a connection after a 429 without Retry-After, and not after other errors', async () => {
    const slots = createCallSlots({ calls: 4, perConnection: 4, throttlePauseMs: 200 });
    await expect(slots.run('c1', 'continuing', () => Promise.reject(new ProviderError('network', 'reset')))).rejects.toThrow('reset');
    expect(slots.isPaused('c1')).toBe(false);
    await expect(slots.run('c1', 'continuing', () => Promise.reject(new ProviderError('throttled', '429')))).rejects.toThrow('429');
    expect(slots.isPaused('c1')).toBe(true);
    expect(slots.pausedConnections()).toEqual(['c1']);
  });

  it('stop waiting for a slot at shutdown', async () => {
    const slots = createCallSlots({ calls: 1, perConnection: 1, throttlePauseMs: 1_000 });
    const running = manualCall('running');
    const shutdown = new AbortController();
    const result = slots.run('c1', 'continuing', running.run);
    const waiting = slots.run('c1', 'continuing', async () => 'never', shutdown.signal);
    shutdown.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    expect(slots.counts().queuedCalls).toBe(0);
    running.end();
    await result;
  });
});

describe('rotation limiter', () => {
  it('caps attempts in flight and per connection, and allows one attempt per application', () => {
    // Per connection: the in-flight cap's share as of the call caps, ceil(4 × 1 / 2) = 2.
    const limiter = createRotationLimiter({ calls: 2, perConnection: 1, inFlight: 4, throttlePauseMs: 1_000 });
    const a = admitted(limiter.tryAdmit('c1', 'a1'));
    expect(limiter.tryAdmit('c1', 'a1')).toBeUndefined(); // same application
    admitted(limiter.tryAdmit('c1', 'a2'));
    expect(limiter.tryAdmit('c1', 'a3')).toBeUndefined(); // the connection's share
    admitted(limiter.tryAdmit('c2', 'a4'));
    admitted(limiter.tryAdmit('c3', 'a5'));
    expect(limiter.room().total).toBe(0);
    expect(limiter.tryAdmit('c4', 'a6')).toBeUndefined(); // in-flight cap
    a.release();
    a.release(); // releasing twice changes nothing
    const room = limiter.room();
    expect(room.total).toBe(1);
    expect(room.byConnection.get('c1')).toBe(1);
    expect(room.perConnectionDefault).toBe(2);
    expect(room.busyTargets.sort()).toEqual(['a2', 'a4', 'a5']);
    expect(limiter.tryAdmit('c1', 'a1')).toBeDefined();
  });

  it('holds a call slot only around each call: attempts between calls hold none', async () => {
    const limiter = createRotationLimiter({ calls: 1, perConnection: 1, inFlight: 3, throttlePauseMs: 1_000 });
    const first = admitted(limiter.tryAdmit('c1', 'a1'));
    const second = admitted(limiter.tryAdmit('c1', 'a2'));
    expect(limiter.counts()).toMatchObject({ calls: 0, inFlight: 2 });
    const call = manualCall('issued');
    const running = first.call('c1', call.run);
    await settle();
    expect(limiter.counts()).toMatchObject({ calls: 1, inFlight: 2 });
    // The other attempt's call waits for the one slot...
    const queued = manualCall('verified');
    const waiting = second.call('c1', queued.run);
    await settle();
    expect(queued.isStarted()).toBe(false);
    call.end();
    expect(await running).toBe('issued');
    await settle();
    // ...and gets it once the call returns, although the first attempt is still in flight.
    expect(queued.isStarted()).toBe(true);
    queued.end();
    await waiting;
    expect(limiter.counts()).toMatchObject({ calls: 0, inFlight: 2, queuedCalls: 0 });
  });

  it('leases nothing new on a connection Microsoft throttled until its Retry-After is over', async () => {
    let rooms = 0;
    const limiter = createRotationLimiter({ calls: 4, perConnection: 2, inFlight: 8, throttlePauseMs: 1_000 }, () => rooms++);
    const slot = admitted(limiter.tryAdmit('c1', 'a1'));
    await expect(slot.call('c1', () => Promise.reject(new ProviderError('throttled', '429', { retryAfterMs: 150 })))).rejects.toThrow('429');
    expect(limiter.room().byConnection.get('c1')).toBe(0);
    expect(limiter.tryAdmit('c1', 'a2')).toBeUndefined();
    expect(limiter.tryAdmit('c2', 'a3')).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(rooms).toBeGreaterThanOrEqual(1); // the scheduler was told the connection may go on
    expect(limiter.room().byConnection.get('c1')).toBe(3);
    expect(limiter.tryAdmit('c1', 'a2')).toBeDefined();
  });
});
