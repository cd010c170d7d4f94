/**
 * The clock a layered provider keeps time with. A fault injector's latencies, slices, timeouts and
 * slow closes are timers on a `LayerClock`: the real one (`realClock`, Node's timers) over real
 * networks, or a `SimNetwork`'s virtual clock (`network.clock`) over the simulated one — where a
 * 30-second latency costs no wall-clock time and runs in order with the network's own packets, so
 * a seeded run repeats event for event.
 * @module
 */

/** A timer set on a `LayerClock`. */
export interface LayerTimer {
  /** Drops the timer if it has not fired. Idempotent. */
  cancel(): void;
}

/** Time for layers: a reading in milliseconds and one-shot timers. */
export interface LayerClock {
  /** The time in milliseconds. Only differences mean anything (the origin is the clock's). */
  now(): number;
  /** Calls `callback` once, `delayMs` (≥ 0) after now on this clock. */
  setTimer(delayMs: number, callback: () => void): LayerTimer;
}

/**
 * Node's timers (`setTimeout`) and `performance.now()`: what a layer over real sockets uses. A
 * timer never fires before its time on `now()`: Node measures timeouts from the event loop's
 * cached time, which can lag `performance.now()` by however long the current turn has run, so a
 * timer that fires early is set again for the rest.
 *
 * @example
 * const faults = createFaultInjectorLayer({ clock: realClock });   // the default
 */
export const realClock: LayerClock = {
  now: () => performance.now(),
  setTimer: (delayMs, callback) => {
    const due = performance.now() + Math.max(0, delayMs);
    let handle: NodeJS.Timeout;
    const arm = (ms: number): void => {
      handle = setTimeout(() => {
        const left = due - performance.now();
        if (left > 0) arm(left);
        else callback();
      }, ms);
    };
    arm(Math.max(0, delayMs));
    return { cancel: () => clearTimeout(handle) };
  },
};
