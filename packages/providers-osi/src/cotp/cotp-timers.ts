/**
 * The timer functions a `CotpConnection` uses for its CC and DC timeouts. Injected so that tests
 * drive time by hand; `createRealTimers()` is the default. Every timer a connection starts is
 * cleared when it closes.
 * @module
 */

/** An opaque handle returned by `setTimeout`. */
export type CotpTimerHandle = unknown;

/** `setTimeout` / `clearTimeout` as a connection needs them. */
export interface CotpTimers {
  /** Calls `callback` once after `ms` milliseconds; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): CotpTimerHandle;
  /** Cancels a timer that has not fired; a handle that fired or was cleared is ignored. */
  clearTimeout(handle: CotpTimerHandle): void;
}

/** Timers backed by Node's global `setTimeout` / `clearTimeout`. */
export function createRealTimers(): CotpTimers {
  return {
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
}
