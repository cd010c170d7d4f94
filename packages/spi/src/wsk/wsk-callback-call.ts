/**
 * Calling a client's event callback the way WSK must: counted as "in progress" for its event (so
 * a disable during it pends, and a close waits for it), at the current IRQL, and checked — a
 * callback that throws, returns a promise or returns a status its contract forbids is recorded by
 * the verifier, and WSK then acts on a safe status instead (for receive events: keep the data, so
 * nothing is lost).
 * @module
 */

import { isThenable } from './irp';
import { DISPATCH_LEVEL, KeGetCurrentIrql } from './irql';
import { type NTSTATUS, ntStatusName } from './ntstatus';
import { WSK_FLAG_AT_DISPATCH_LEVEL } from './wsk-constants';
import type { WskEventState } from './wsk-event-control';
import { type WskVerifier, WskVerifierError } from './wsk-verifier';

/** What a socket offers for its callbacks to be called. */
export interface CallbackHost {
  /** The verifier that hears of a callback breaking its contract. */
  readonly verifier: WskVerifier;
  /** Which events are enabled, and which callbacks are running (for disabling them). */
  readonly events: WskEventState;
  /** Callbacks of this socket running now. */
  callbackDepth: number;
}

/** `WSK_FLAG_AT_DISPATCH_LEVEL` when the current IRQL is `DISPATCH_LEVEL`, else 0. */
export function irqlFlag(): number {
  return KeGetCurrentIrql() >= DISPATCH_LEVEL ? WSK_FLAG_AT_DISPATCH_LEVEL : 0;
}

/**
 * Runs `body` (the callback call) for event `flag` of `host` and returns its status, or `fallback`
 * when it threw, returned a promise, or returned a status outside `allowed`.
 */
export function callClientCallback(
  host: CallbackHost,
  flag: number,
  call: string,
  allowed: readonly NTSTATUS[],
  fallback: NTSTATUS,
  body: () => unknown,
): NTSTATUS {
  host.callbackDepth++;
  host.events.enter(flag);
  let result: unknown;
  try {
    result = body();
  } catch (error) {
    // A strict verifier stopping inside the callback (a call the callback made) must surface.
    if (error instanceof WskVerifierError) throw error;
    host.verifier.report('callback-threw', call, `the callback threw: ${String(error)}`);
    return fallback;
  } finally {
    host.callbackDepth--;
    host.events.leave(flag);
  }
  if (isThenable(result)) {
    result.then(
      () => undefined,
      () => undefined,
    );
    if (KeGetCurrentIrql() >= DISPATCH_LEVEL) {
      host.verifier.report('dispatch-level-wait', call, 'the callback returned a promise at DISPATCH_LEVEL');
    } else {
      host.verifier.report('callback-status', call, 'the callback returned a promise, not an NTSTATUS');
    }
    return fallback;
  }
  if (typeof result !== 'number' || !allowed.includes(result >>> 0)) {
    host.verifier.report(
      'callback-status',
      call,
      `the callback returned ${typeof result === 'number' ? ntStatusName(result) : String(result)}; allowed: ${allowed
        .map(ntStatusName)
        .join(', ')}`,
    );
    return fallback;
  }
  return result >>> 0;
}
