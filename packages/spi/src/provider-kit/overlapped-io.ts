/**
 * How a kit provider runs an overlapped request, for every call that takes an `OVERLAPPED`
 * (`WSPSend`/`WSPRecv` and their `…To`/`…From` forms, `WSPIoctl`, and the extension functions).
 *
 * An overlapped call returns as the C call does: at once with the result when the operation
 * finished there (the request still completes: fields, event, routine or port packet), with
 * `WSA_IO_PENDING` as soon as it has to wait (it completes later), or with its error when it failed
 * before pending (nothing completes; the `OVERLAPPED` is left as it was). A call without an
 * `OVERLAPPED` keeps its blocking semantics.
 *
 * The completion goes the way the handle kind says: an IFS provider's through the process's I/O
 * manager (`startOverlappedRequest`), a non-IFS provider's through `WPUCompleteOverlappedRequest`
 * — or `WPUQueueApc` for a completion routine — as the SPI requires. A non-IFS socket closed with
 * requests in flight keeps its handle until they have completed (`hasRequestsInFlight`), as the
 * Microsoft sample LSP does, so those completions still reach the application. A provider driven
 * without a `Ws2` process (no host) completes through the upcalls alone.
 * @module
 */

import { WSA_IO_PENDING, WSAEFAULT, WSAEINTR } from '../constants/error-codes';
import { STATUS_PENDING } from '../constants/ntstatus';
import { providerHost } from '../dispatcher/provider-host';
import { ntStatusFromWsaError } from '../spi/completion-status';
import { eventOfHandle } from '../spi/event-handle-low-bit';
import type { OverlappedRequest } from '../spi/overlapped-request';
import type {
  LPWSAOVERLAPPED_COMPLETION_ROUTINE,
  SOCKET,
  WSAOVERLAPPED,
  WSATHREADID,
} from '../spi/wsp-types';
import type { WSPUPCALLTABLE } from '../spi/wsp-upcall-table';
import { out } from '../types/out-cell';
import { codeOf, fail } from './kit-failure';
import type { KitSocket } from './kit-socket';

/** What an overlapped operation came to. */
export interface OverlappedOutcome {
  bytes: number;
  /** Output flags (`MSG_PARTIAL`, `MSG_TRUNC` …). */
  flags: number;
  /** 0, or an error that still completes the request (`WSAEMSGSIZE` with the bytes that fit). */
  error: number;
}

/** An overlapped request as `WSPGetOverlappedResult` reads it back. */
export interface OverlappedRecord {
  /** True once the request completed. */
  done: boolean;
  error: number;
  bytes: number;
  flags: number;
  /** Settles when the request completed. */
  settled: Promise<void>;
}

/** The request's caller: the socket, its handle, and the call's overlapped arguments. */
export interface OverlappedCall {
  readonly socket: KitSocket;
  readonly handle: SOCKET;
  readonly lpOverlapped: WSAOVERLAPPED | null;
  readonly lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null;
  readonly lpThreadId: WSATHREADID | null;
  /**
   * The error a request that had pended ends with when the socket is closed under it (Windows:
   * `WSAECONNABORTED` for a receive, `WSA_OPERATION_ABORTED` for `AcceptEx` and the others).
   */
  readonly abortCode: number;
}

/** What the engine needs of the provider instance. */
export interface OverlappedHost {
  readonly handleKind: 'ifs' | 'non-ifs';
  readonly upcalls: WSPUPCALLTABLE;
  readonly overlapped: WeakMap<WSAOVERLAPPED, OverlappedRecord>;
  /** A socket closed with requests in flight, whose last one just completed: release it now. */
  requestsDrained(socket: KitSocket): void;
}

const inFlight = new WeakMap<KitSocket, number>();

/** True while overlapped requests of `socket` are in flight. */
export function hasRequestsInFlight(socket: KitSocket): boolean {
  return (inFlight.get(socket) ?? 0) > 0;
}

/**
 * One overlapped request of the kit, started by `beginRequest`: it may pend (once), and ends once
 * — by `complete` (also with an error that still completes, such as `WSAEMSGSIZE`) or `abandon`
 * (the call failed before pending: nothing is signalled and the `OVERLAPPED` stays as it was).
 */
export interface KitRequest {
  pending(): void;
  complete(outcome: OverlappedOutcome, synchronous: boolean): void;
  /** Completes a pended request with the error `reason` stands for (see `OverlappedCall.abortCode`). */
  failPended(reason: unknown): void;
  abandon(): void;
}

/** Starts the request of an overlapped call (`call.lpOverlapped` must be an object). */
export function beginRequest(host: OverlappedHost, call: OverlappedCall): KitRequest {
  const lpOverlapped = call.lpOverlapped as WSAOVERLAPPED;
  const request = startRequest(host, call);
  let settle: () => void = () => {};
  const record: OverlappedRecord = {
    done: false,
    error: 0,
    bytes: 0,
    flags: 0,
    settled: new Promise<void>((resolve) => (settle = resolve)),
  };
  host.overlapped.set(lpOverlapped, record);
  let pended = false;
  let ended = false;
  const drained = (): void => {
    const left = (inFlight.get(call.socket) ?? 1) - 1;
    if (left > 0) inFlight.set(call.socket, left);
    else {
      inFlight.delete(call.socket);
      if (call.socket.closed) host.requestsDrained(call.socket);
    }
  };
  const complete = (outcome: OverlappedOutcome, synchronous: boolean): void => {
    if (ended) return;
    ended = true;
    record.done = true;
    record.error = outcome.error;
    record.bytes = outcome.bytes;
    record.flags = outcome.flags;
    request.complete(outcome.error, outcome.bytes, outcome.flags, synchronous);
    settle();
    if (pended) drained();
  };
  return {
    pending: () => {
      if (pended || ended) return;
      pended = true;
      inFlight.set(call.socket, (inFlight.get(call.socket) ?? 0) + 1);
      request.pending();
    },
    complete,
    failPended: (reason) => {
      let code = codeOf(reason);
      // Closing the socket interrupts a wait with WSAEINTR; an overlapped request ends otherwise.
      if (code === WSAEINTR && call.socket.closed) code = call.abortCode;
      complete({ bytes: 0, flags: 0, error: code }, false);
    },
    abandon: () => {
      if (ended) return;
      ended = true;
      if (host.overlapped.get(lpOverlapped) === record) host.overlapped.delete(lpOverlapped);
      settle();
      if (pended) drained();
    },
  };
}

/**
 * For a call that always pends once its arguments are accepted (`AcceptEx`, `ConnectEx`, an
 * overlapped `DisconnectEx`): the request pends now and completes with what `operation` comes to.
 * Throws `WSA_IO_PENDING`, the call's return.
 */
export function pendRequest(
  host: OverlappedHost,
  call: OverlappedCall,
  operation: (request: KitRequest) => Promise<OverlappedOutcome>,
): never {
  const request = beginRequest(host, call);
  request.pending();
  operation(request).then(
    (outcome) => request.complete(outcome, false),
    (reason: unknown) => request.failPended(reason),
  );
  return fail(WSA_IO_PENDING);
}

/**
 * Runs `run` as the call `call` asks: blocking (no `OVERLAPPED`), or overlapped as the module
 * comment says. `run(onPending)` calls `onPending` before it first waits. Returns the outcome of
 * a request that completed at once; throws `WSA_IO_PENDING` for one that pended, or the error of
 * one that failed at once.
 */
export async function runOverlapped(
  host: OverlappedHost,
  call: OverlappedCall,
  run: (onPending: () => void) => Promise<OverlappedOutcome>,
): Promise<OverlappedOutcome> {
  const { lpOverlapped } = call;
  if (!lpOverlapped) return run(() => {});
  if (typeof lpOverlapped !== 'object') fail(WSAEFAULT);
  const request = beginRequest(host, call);
  let pended = false;
  let markPending: () => void = () => {};
  const pendingNow = new Promise<'pending'>((resolve) => {
    markPending = () => {
      if (pended) return;
      pended = true;
      request.pending();
      resolve('pending');
    };
  });
  const operation = run(markPending).then(
    (outcome) => ({ outcome }),
    (reason: unknown) => ({ reason }),
  );
  const first = await Promise.race([operation, pendingNow]);
  if (first !== 'pending') {
    if ('reason' in first) {
      request.abandon();
      throw first.reason;
    }
    request.complete(first.outcome, true);
    return first.outcome;
  }
  void operation.then((settled) => {
    if ('outcome' in settled) request.complete(settled.outcome, false);
    else request.failPended(settled.reason);
  });
  return fail(WSA_IO_PENDING);
}

/** The request the completion goes through, by handle kind (see the module comment). */
function startRequest(host: OverlappedHost, call: OverlappedCall): OverlappedRequest {
  const { lpOverlapped, lpCompletionRoutine, lpThreadId, handle } = call;
  const ov = lpOverlapped as WSAOVERLAPPED;
  const io = providerHost(host.upcalls)?.io;
  if (io && host.handleKind === 'ifs') return io.startOverlappedRequest(handle, ov, lpCompletionRoutine);
  let done = false;
  return {
    pending: () => {
      if (!done) ov.Internal = STATUS_PENDING;
    },
    complete: (error, bytes, flags) => {
      if (done) return;
      done = true;
      const upcalls = host.upcalls;
      try {
        if (io && typeof lpCompletionRoutine !== 'function') {
          io.WPUCompleteOverlappedRequest(handle, ov, error, bytes, out(0));
          return;
        }
        // The provider's own completion: the fields, the event, the routine as an APC.
        ov.InternalHigh = bytes;
        ov.Internal = ntStatusFromWsaError(error);
        const { event } = eventOfHandle(ov.hEvent);
        if (event) upcalls.lpWPUSetEvent(event, out(0));
        if (typeof lpCompletionRoutine === 'function' && lpThreadId) {
          upcalls.lpWPUQueueApc(lpThreadId, () => lpCompletionRoutine(error, bytes, ov, flags), null, out(0));
        }
      } catch {
        // An upcall that throws is the dispatcher's failure; the request is complete either way.
      }
    },
  };
}
