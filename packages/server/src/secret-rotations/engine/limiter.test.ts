import { describe, expect, it } from 'vitest';
import { type AttemptSlot, createRotationLimiter } from './limiter.js';

/** A wait the test ends by hand, so it can look at the limiter while an attempt is waiting. */
function manualWait() {
  let end: () => void = () => undefined;
  const wait = new Promise<void>((resolve) => {
    end = resolve;
  });
  return { wait: () => wait, end };
}

const admitted = (slot: AttemptSlot | undefined): AttemptSlot => {
  if (!slot) throw new Error('expected the attempt to be admitted');
  return slot;
};

describe('rotation limiter', () => {
  it('caps working attempts overall and per connection, and allows one attempt per application', () => {
    const limiter = createRotationLimiter({ working: 3, perConnection: 2, inFlight: 10 });
    const a = admitted(limiter.tryAdmit('c1', 'a1'));
    expect(limiter.tryAdmit('c1', 'a1')).toBeUndefined(); // same application
    admitted(limiter.tryAdmit('c1', 'a2'));
    expect(limiter.tryAdmit('c1', 'a3')).toBeUndefined(); // connection full
    admitted(limiter.tryAdmit('c2', 'a4'));
    expect(limiter.room().total).toBe(0);
    expect(limiter.tryAdmit('c3', 'a5')).toBeUndefined(); // working cap
    a.release();
    a.release(); // releasing twice changes nothing
    expect(limiter.room().total).toBe(1);
    expect(limiter.tryAdmit('c1', 'a1')).toBeDefined();
  });

  it('tells a claim pass what fits: room overall, per connection, and busy applications', () => {
    const limiter = createRotationLimiter({ working: 3, perConnection: 2, inFlight: 10 });
    const a = admitted(limiter.tryAdmit('c1', 'a1'));
    admitted(limiter.tryAdmit('c1', 'a2'));
    let room = limiter.room();
    expect(room.total).toBe(1);
    expect(room.busyTargets.sort()).toEqual(['a1', 'a2']);
    expect(room.byConnection).toEqual(new Map([['c1', 0]]));
    a.release();
    room = limiter.room();
    expect(room.busyTargets).toEqual(['a2']);
    expect(room.byConnection).toEqual(new Map([['c1', 1]]));
  });

  it('gives a waiting attempt’s slot to another, and counts only working attempts per connection', async () => {
    let roomCalls = 0;
    const limiter = createRotationLimiter({ working: 1, perConnection: 1, inFlight: 5 }, () => roomCalls++);
    const first = admitted(limiter.tryAdmit('c1', 'a1'));
    expect(limiter.tryAdmit('c1', 'a2')).toBeUndefined();
    const pause = manualWait();
    const waiting = first.whileWaiting(pause.wait);
    expect(roomCalls).toBe(1); // the scheduler is told at once
    expect(limiter.counts()).toEqual({ working: 0, inFlight: 1, resuming: 0 });
    // Same connection, another application: the waiting attempt does not count against the connection.
    const second = admitted(limiter.tryAdmit('c1', 'a2'));
    expect(limiter.counts()).toEqual({ working: 1, inFlight: 2, resuming: 0 });
    // The application stays busy while its attempt waits.
    second.release();
    expect(limiter.tryAdmit('c2', 'a1')).toBeUndefined();
    pause.end();
    await waiting;
    expect(limiter.counts()).toEqual({ working: 1, inFlight: 1, resuming: 0 });
  });

  it('resumes a waiting attempt before admitting new ones', async () => {
    const limiter = createRotationLimiter({ working: 1, perConnection: 1, inFlight: 5 });
    const first = admitted(limiter.tryAdmit('c1', 'a1'));
    const pause = manualWait();
    let isResumed = false;
    const waiting = first.whileWaiting(pause.wait).then(() => {
      isResumed = true;
    });
    const second = admitted(limiter.tryAdmit('c1', 'a2'));
    pause.end();
    await new Promise((resolve) => setImmediate(resolve));
    // The wait is over but the only slot is taken: the attempt queues for it, and the queue counts.
    expect(isResumed).toBe(false);
    expect(limiter.counts().resuming).toBe(1);
    expect(limiter.room().total).toBe(0);
    expect(limiter.room().byConnection.get('c1')).toBe(0);
    second.release();
    // The freed slot went to the waiting attempt, not to a new one.
    expect(limiter.tryAdmit('c2', 'a3')).toBeUndefined();
    await waiting;
    expect(isResumed).toBe(true);
    expect(limiter.counts()).toEqual({ working: 1, inFlight: 1, resuming: 0 });
  });

  it('caps attempts in flight, working or waiting', async () => {
    const limiter = createRotationLimiter({ working: 2, perConnection: 2, inFlight: 3 });
    const pauses = [manualWait(), manualWait(), manualWait()];
    const slots: AttemptSlot[] = [];
    const waits: Array<Promise<void>> = [];
    for (const [index, pause] of pauses.entries()) {
      // Each attempt starts working, then waits, which lets the next one start.
      const slot = admitted(limiter.tryAdmit(`c${index}`, `a${index}`));
      slots.push(slot);
      waits.push(slot.whileWaiting(pause.wait));
    }
    expect(limiter.counts()).toEqual({ working: 0, inFlight: 3, resuming: 0 });
    expect(limiter.room().total).toBe(0);
    expect(limiter.tryAdmit('c4', 'a4')).toBeUndefined();
    slots[0]?.release(); // a waiting attempt that ends (shutdown) frees its place in flight
    expect(limiter.room().total).toBe(1);
    for (const pause of pauses.slice(1)) pause.end();
    await Promise.all(waits.slice(1));
    expect(limiter.counts()).toEqual({ working: 2, inFlight: 2, resuming: 0 });
  });
});
