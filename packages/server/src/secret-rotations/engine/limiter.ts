/**
 * In-process limits on scheduled attempts. Concurrency bounds load on Microsoft, so it counts only
 * *working* attempts (making Azure calls or database work for an attempt): a cap overall and one per
 * connection (one tenant's Graph quota). An attempt that is only waiting (verification's pause, Entra ID's
 * propagation) gives its working slot back but stays *in flight*: every such attempt has issued a
 * credential that is not verified yet, so attempts in flight have their own, larger cap. An attempt keeps
 * its application for its whole life (Graph rejects concurrent writes to one app).
 */
export type RotationLimits = { working: number; perConnection: number; inFlight: number };

/** What an admitted attempt holds. `whileWaiting` lends the working slot out for a wait; `release` ends it all. */
export type AttemptSlot = {
  /** Runs `wait` (which must make no Azure calls) without a working slot, then takes one again before returning. */
  whileWaiting<T>(wait: () => Promise<T>): Promise<T>;
  release(): void;
};

/** For attempts outside the limits (creation, rotate now): waiting changes nothing. */
export const unlimitedSlot: AttemptSlot = { whileWaiting: (wait) => wait(), release: () => undefined };

/** Room for new attempts: how many may start, how many per connection (absent: the full per-connection cap), and busy applications. */
export type LimiterRoom = { total: number; byConnection: Map<string, number>; busyTargets: string[] };

/** `onRoom` is called whenever a new attempt might fit again (a slot or a place in flight freed up). */
export function createRotationLimiter(limits: RotationLimits, onRoom: () => void = () => undefined) {
  let working = 0;
  let inFlight = 0;
  const workingByConnection = new Map<string, number>();
  const busyTargets = new Set<string>();
  // Waiting attempts that want their slot back, first come first served (a connection that is full does
  // not hold up the others).
  const resuming: Array<{ connectionId: string; grant: () => void }> = [];

  const hasWorkingRoom = (connectionId: string) => working < limits.working && (workingByConnection.get(connectionId) ?? 0) < limits.perConnection;
  const takeWorking = (connectionId: string) => {
    working++;
    workingByConnection.set(connectionId, (workingByConnection.get(connectionId) ?? 0) + 1);
  };
  const giveWorkingBack = (connectionId: string) => {
    working--;
    const count = (workingByConnection.get(connectionId) ?? 1) - 1;
    if (count <= 0) workingByConnection.delete(connectionId);
    else workingByConnection.set(connectionId, count);
    // Attempts coming back from a wait go before new ones: they hold a credential that is not verified yet.
    for (let index = 0; index < resuming.length && working < limits.working; ) {
      const next = resuming[index];
      if (next && hasWorkingRoom(next.connectionId)) {
        resuming.splice(index, 1);
        takeWorking(next.connectionId);
        next.grant();
      } else index++;
    }
    if (working < limits.working) onRoom();
  };

  function slotFor(connectionId: string, target: string): AttemptSlot {
    let isWorking = true;
    let isReleased = false;
    const pause = () => {
      if (!isWorking || isReleased) return;
      isWorking = false;
      giveWorkingBack(connectionId);
    };
    const resume = (): Promise<void> => {
      if (isWorking || isReleased) return Promise.resolve();
      if (resuming.length === 0 && hasWorkingRoom(connectionId)) {
        takeWorking(connectionId);
        isWorking = true;
        return Promise.resolve();
      }
      return new Promise((resolve) => {
        resuming.push({
          connectionId,
          grant: () => {
            isWorking = true;
            resolve();
          },
        });
      });
    };
    return {
      async whileWaiting(wait) {
        pause();
        // If the wait throws (shutdown), the attempt ends without taking a slot again.
        const result = await wait();
        await resume();
        return result;
      },
      release() {
        if (isReleased) return;
        isReleased = true;
        inFlight--;
        busyTargets.delete(target);
        if (isWorking) {
          isWorking = false;
          giveWorkingBack(connectionId);
        } else onRoom();
      },
    };
  }

  return {
    /** What a claim pass may lease: slots that waiting attempts are queued for are not free. */
    room(): LimiterRoom {
      const queuedByConnection = new Map<string, number>();
      for (const { connectionId } of resuming) queuedByConnection.set(connectionId, (queuedByConnection.get(connectionId) ?? 0) + 1);
      const byConnection = new Map<string, number>();
      for (const connectionId of new Set([...workingByConnection.keys(), ...queuedByConnection.keys()])) {
        const used = (workingByConnection.get(connectionId) ?? 0) + (queuedByConnection.get(connectionId) ?? 0);
        byConnection.set(connectionId, Math.max(0, limits.perConnection - used));
      }
      const total = Math.max(0, Math.min(limits.working - working - resuming.length, limits.inFlight - inFlight));
      return { total, byConnection, busyTargets: [...busyTargets] };
    },
    /** Admits a new attempt with a working slot, or undefined when it does not fit (nothing is taken then). */
    tryAdmit(connectionId: string, target: string): AttemptSlot | undefined {
      if (inFlight >= limits.inFlight || busyTargets.has(target)) return undefined;
      if (resuming.length > 0 || !hasWorkingRoom(connectionId)) return undefined;
      inFlight++;
      busyTargets.add(target);
      takeWorking(connectionId);
      return slotFor(connectionId, target);
    },
    /** Counts for tests and logs. */
    counts: () => ({ working, inFlight, resuming: resuming.length }),
  };
}
