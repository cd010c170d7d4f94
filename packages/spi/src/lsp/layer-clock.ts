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
 * Node's timers (`setTimeout`) and `performance.now()`: what a layer over real sockets uses.
 *
 * @example
 * const faults = createFaultInjectorLayer({ clock: realClock });   // the default
 */
export const realClock: LayerClock = {
  now: () => performance.now(),
  setTimer: (delayMs, callback) => {
    const handle = setTimeout(callback, Math.max(0, delayMs));
    return { cancel: () => clearTimeout(handle) };
  },
};
