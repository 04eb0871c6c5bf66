import { type CallPriority, createCallSlots } from './call-slots.js';

/**
 * In-process limits on scheduled work. Concurrency bounds load on Microsoft, so it counts *Azure calls in
 * flight* (call-slots.ts), overall and per connection; an attempt takes a call slot just around each call
 * and holds none while it does database work, publishes, pauses or waits for Entra ID. Attempts in flight
 * have their own, larger cap: each has issued (or is about to issue) a credential that is not verified
 * yet, and each does database work. An attempt keeps its application for its whole life (Graph rejects
 * concurrent writes to one app).
 */
export type RotationLimits = {
  /** Azure calls in flight, overall and per connection. */
  calls: number;
  perConnection: number;
  /** Attempts in flight, working or waiting. */
  inFlight: number;
  /** How long a connection pauses after a 429 without Retry-After. */
  throttlePauseMs: number;
};

/** Runs one provider call for a connection under the call limits. */
export type CallGate = <T>(connectionId: string, call: () => Promise<T>) => Promise<T>;

/** Calls outside the limits (creation, rotate now). */
export const ungated: CallGate = (_connectionId, call) => call();

/** What an admitted attempt holds: its place in flight and its application. Its provider calls go through `call`. */
export type AttemptSlot = { call: CallGate; release(): void };

/** For attempts outside the limits (creation, rotate now). */
export const unlimitedSlot: AttemptSlot = { call: ungated, release: () => undefined };

/** Room for new attempts: how many may start, how many per connection (absent: `perConnectionDefault`), and busy applications. */
export type LimiterRoom = { total: number; byConnection: Map<string, number>; perConnectionDefault: number; busyTargets: string[] };

/**
 * `onRoom` is called whenever a new attempt might fit again (a place in flight freed up, or a connection's
 * throttling pause ended). `signal` ends waits for a call slot (shutdown).
 */
export function createRotationLimiter(limits: RotationLimits, onRoom: () => void = () => undefined, signal?: AbortSignal) {
  const calls = createCallSlots({ calls: limits.calls, perConnection: limits.perConnection, throttlePauseMs: limits.throttlePauseMs }, onRoom);
  // Attempts of one connection in flight, at most its share of the in-flight cap as of the call caps:
  // many attempts queued on one tenant's 4 call slots would leave the other tenants' slots idle.
  const inFlightPerConnection = Math.min(limits.inFlight, Math.ceil((limits.inFlight * limits.perConnection) / limits.calls));
  let inFlight = 0;
  const inFlightByConnection = new Map<string, number>();
  const busyTargets = new Set<string>();

  const call = (connectionId: string, priority: CallPriority) => {
    return <T>(run: () => Promise<T>) => calls.run(connectionId, priority, run, signal);
  };

  function slotFor(connectionId: string, target: string): AttemptSlot {
    let hasCalled = false;
    let isReleased = false;
    return {
      call(callConnectionId, run) {
        // An attempt's first call queues behind those of attempts already under way.
        const priority: CallPriority = hasCalled ? 'continuing' : 'first';
        hasCalled = true;
        return call(callConnectionId, priority)(run);
      },
      release() {
        if (isReleased) return;
        isReleased = true;
        inFlight--;
        const count = (inFlightByConnection.get(connectionId) ?? 1) - 1;
        if (count <= 0) inFlightByConnection.delete(connectionId);
        else inFlightByConnection.set(connectionId, count);
        busyTargets.delete(target);
        onRoom();
      },
    };
  }

  const connectionRoom = (connectionId: string) =>
    calls.isPaused(connectionId) ? 0 : Math.max(0, inFlightPerConnection - (inFlightByConnection.get(connectionId) ?? 0));

  return {
    /** What a claim pass may lease: places in flight, per connection (none while throttled), and busy applications. */
    room(): LimiterRoom {
      const byConnection = new Map<string, number>();
      for (const connectionId of new Set([...inFlightByConnection.keys(), ...calls.pausedConnections()])) {
        byConnection.set(connectionId, connectionRoom(connectionId));
      }
      return { total: Math.max(0, limits.inFlight - inFlight), byConnection, perConnectionDefault: inFlightPerConnection, busyTargets: [...busyTargets] };
    },
    /** Admits a new attempt, or undefined when it does not fit (nothing is taken then). */
    tryAdmit(connectionId: string, target: string): AttemptSlot | undefined {
      if (inFlight >= limits.inFlight || busyTargets.has(target) || connectionRoom(connectionId) <= 0) return undefined;
      inFlight++;
      inFlightByConnection.set(connectionId, (inFlightByConnection.get(connectionId) ?? 0) + 1);
      busyTargets.add(target);
      return slotFor(connectionId, target);
    },
    /** Scheduled work outside attempts (the revocation list, the orphan sweep) takes call slots too. */
    background: ((connectionId, run) => call(connectionId, 'continuing')(run)) as CallGate,
    /** Counts for tests and logs. */
    counts: () => ({ ...calls.counts(), inFlight }),
  };
}
