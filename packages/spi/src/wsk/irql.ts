/**
 * The IRQL model of the WSK module. Node runs one thread, so there is one current IRQL, as on one
 * processor:
 *
 * - Whatever the transport starts — a link's or listener's event, a datagram's arrival, a driver
 *   promise settling (connect, bind, send-to) — runs at `DISPATCH_LEVEL`. Event callbacks invoked
 *   there get `WSK_FLAG_AT_DISPATCH_LEVEL` (where they take flags), and IRP completion routines run
 *   there too.
 * - Work WSK defers to a later turn of the event loop (indicating data that waited in the receive
 *   buffer once a `WskReceive` re-enabled indications, a disconnect event that waited for that
 *   data, the first send-backlog indication) runs at `PASSIVE_LEVEL`, without the flag.
 * - Inside a client's call (`WskSend`, `WskReceive` …), IRQL is the caller's: an IRP completed
 *   before the call returns has its completion routine run at that IRQL.
 *
 * What is wrong at `DISPATCH_LEVEL` is what blocks: a callback that returns a promise (it awaited
 * something) or a call that waits (`WskRegister`, `WskDeregister`, `WskCaptureProviderNPI` with a
 * timeout). The verifier records both.
 * @module
 */

/** `KIRQL`. */
export type KIRQL = number;

/** `PASSIVE_LEVEL`: threads run here; waiting is allowed. */
export const PASSIVE_LEVEL = 0;
/** `APC_LEVEL`. */
export const APC_LEVEL = 1;
/** `DISPATCH_LEVEL`: DPCs and the transports' receive paths run here; nothing may wait. */
export const DISPATCH_LEVEL = 2;

let currentIrql: KIRQL = PASSIVE_LEVEL;

/** `KeGetCurrentIrql`: the IRQL the current code runs at. */
export function KeGetCurrentIrql(): KIRQL {
  return currentIrql;
}

/**
 * `KeRaiseIrql`: raises to `NewIrql` and returns the old IRQL in `OldIrql.value`.
 * @throws RangeError when `NewIrql` is below the current IRQL (Windows bugchecks).
 */
export function KeRaiseIrql(NewIrql: KIRQL, OldIrql: { value: KIRQL }): void {
  if (NewIrql < currentIrql) {
    throw new RangeError(`KeRaiseIrql: ${NewIrql} is below the current IRQL ${currentIrql}`);
  }
  OldIrql.value = currentIrql;
  currentIrql = NewIrql;
}

/**
 * `KeLowerIrql`: back to `NewIrql`, the value `KeRaiseIrql` returned.
 * @throws RangeError when `NewIrql` is above the current IRQL.
 */
export function KeLowerIrql(NewIrql: KIRQL): void {
  if (NewIrql > currentIrql) {
    throw new RangeError(`KeLowerIrql: ${NewIrql} is above the current IRQL ${currentIrql}`);
  }
  currentIrql = NewIrql;
}

/** Runs `body` at `irql` (never lower than the current one) and restores the IRQL after, also when it throws. */
export function runAtIrql<T>(irql: KIRQL, body: () => T): T {
  const previous = currentIrql;
  currentIrql = Math.max(irql, previous);
  try {
    return body();
  } finally {
    currentIrql = previous;
  }
}

/**
 * Raises to `DISPATCH_LEVEL` (if below) and returns the IRQL `restoreIrql` must go back to: the
 * closure-free form of `atDispatchLevel`, for the per-packet paths.
 * @internal
 */
export function raiseToDispatchLevel(): KIRQL {
  const previous = currentIrql;
  if (previous < DISPATCH_LEVEL) currentIrql = DISPATCH_LEVEL;
  return previous;
}

/** Goes back to the IRQL `raiseToDispatchLevel` returned. @internal */
export function restoreIrql(previous: KIRQL): void {
  currentIrql = previous;
}

/** Runs `body` as the transport's receive path does: at `DISPATCH_LEVEL`. */
export function atDispatchLevel<T>(body: () => T): T {
  return runAtIrql(DISPATCH_LEVEL, body);
}
