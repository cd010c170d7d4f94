/**
 * The overlapped engine of a non-IFS layer — the Microsoft sample's `nonifslsp/overlap.cpp`. The
 * application's `OVERLAPPED` never goes below the layer (the handles differ, and the port the
 * application associated is with the layer's handle): the layer issues the lower request with an
 * `OVERLAPPED` of its own, whose event it waits on, and when the lower request completes it reads
 * the result with the lower `WSPGetOverlappedResult` and completes the application's request on
 * its own handle — `WPUCompleteOverlappedRequest` (event and completion port), or, for a
 * completion routine, the fields and event itself and the routine through `WPUQueueApc`.
 *
 * As in the sample, an overlapped call through the layer never completes at once: a lower request
 * that succeeded at once still returns `WSA_IO_PENDING` here and completes through the same path.
 * A lower request that failed at once fails the call, and nothing is signalled. A socket closed
 * with requests in flight keeps its handle until they have completed, so their completions still
 * reach the application (`releaseWhenIdle`).
 * @module
 */

import {
  WSA_IO_INCOMPLETE,
  WSA_IO_PENDING,
  WSAENETDOWN,
  WSAENOBUFS,
  WSAENOTSOCK,
} from '../constants/error-codes';
import { STATUS_PENDING } from '../constants/ntstatus';
import { SOCKET_ERROR } from '../constants/socket-api';
import { isWsaEvent, type WsaEvent } from '../dispatcher/event-object';
import { ntStatusFromWsaError, wsaErrorFromNtStatus } from '../spi/completion-status';
import { eventOfHandle } from '../spi/event-handle-low-bit';
import type { LPINT, LPWSAOVERLAPPED_COMPLETION_ROUTINE, WSAOVERLAPPED, WSATHREADID } from '../spi/wsp-types';
import { out } from '../types/out-cell';
import type { LayerInstance, LayerSocket } from './layer-instance';

/** An application request as the layer's `WSPGetOverlappedResult` reads it back. */
interface LayerRecord {
  done: boolean;
  error: number;
  bytes: number;
  flags: number;
  settled: Promise<void>;
}

/** What the lower call of a request came to: `rc` and, on failure, the error. */
export interface LowerIssue {
  failed: boolean;
  error: number;
}

/** The application's side of one overlapped request. */
export interface CallerRequest {
  readonly lpOverlapped: WSAOVERLAPPED;
  readonly lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null;
  readonly lpThreadId: WSATHREADID | null;
}

/** The overlapped engine of one non-IFS layer instance. */
export class NonIfsOverlapped {
  private readonly records = new WeakMap<WSAOVERLAPPED, LayerRecord>();
  private readonly inFlight = new Map<LayerSocket, number>();
  private readonly idleWaiters = new Set<LayerSocket>();

  constructor(private readonly layer: LayerInstance) {}

  /**
   * Issues the lower request of the application's request `caller` on `socket`: `issue` makes the
   * lower call with the layer's own `OVERLAPPED`. Returns `SOCKET_ERROR` with `WSA_IO_PENDING` (the
   * request pends) or with the lower call's immediate error.
   */
  async forward(
    socket: LayerSocket,
    caller: CallerRequest,
    lpErrno: LPINT,
    issue: (lowerOverlapped: WSAOVERLAPPED) => Promise<LowerIssue> | LowerIssue,
  ): Promise<number> {
    const lower = this.lowerOverlapped(lpErrno);
    if (!lower) return SOCKET_ERROR;
    let issued: LowerIssue;
    try {
      issued = await issue(lower);
    } catch (error) {
      this.layer.upcalls.lpWPUCloseEvent(lower.hEvent as WsaEvent, out(0));
      throw error;
    }
    return this.issued(socket, caller, lower, issued, lpErrno);
  }

  /** `forward` for a call that issues synchronously (`WSPIoctl`). */
  forwardSync(
    socket: LayerSocket,
    caller: CallerRequest,
    lpErrno: LPINT,
    issue: (lowerOverlapped: WSAOVERLAPPED) => LowerIssue,
  ): number {
    const lower = this.lowerOverlapped(lpErrno);
    if (!lower) return SOCKET_ERROR;
    return this.issued(socket, caller, lower, issue(lower), lpErrno);
  }

  /** The layer's own `OVERLAPPED`, with an event it can wait on; undefined (`WSAENOBUFS`) without one. */
  private lowerOverlapped(lpErrno: LPINT): (WSAOVERLAPPED & { hEvent: WsaEvent }) | undefined {
    const event = this.layer.upcalls.lpWPUCreateEvent(out(0));
    if (!isWsaEvent(event)) {
      lpErrno.value = WSAENOBUFS;
      return undefined;
    }
    return { Internal: 0, InternalHigh: 0, hEvent: event };
  }

  private issued(
    socket: LayerSocket,
    caller: CallerRequest,
    lower: WSAOVERLAPPED & { hEvent: WsaEvent },
    issued: LowerIssue,
    lpErrno: LPINT,
  ): number {
    if (issued.failed && issued.error !== WSA_IO_PENDING) {
      this.layer.upcalls.lpWPUCloseEvent(lower.hEvent, out(0));
      lpErrno.value = issued.error;
      return SOCKET_ERROR;
    }
    this.track(socket, caller, lower);
    lpErrno.value = WSA_IO_PENDING;
    return SOCKET_ERROR;
  }

  /** The application's request pends until the lower one completes. */
  private track(
    socket: LayerSocket,
    caller: CallerRequest,
    lowerOverlapped: WSAOVERLAPPED & { hEvent: WsaEvent },
  ): void {
    const event = lowerOverlapped.hEvent;
    const ov = caller.lpOverlapped;
    let settle: () => void = () => {};
    const record: LayerRecord = {
      done: false,
      error: 0,
      bytes: 0,
      flags: 0,
      settled: new Promise<void>((resolve) => (settle = resolve)),
    };
    this.records.set(ov, record);
    ov.Internal = STATUS_PENDING;
    this.inFlight.set(socket, (this.inFlight.get(socket) ?? 0) + 1);
    void event.wait().promise.then(async () => {
      const bytes = out(0);
      const flags = out(0);
      const errno = out(0);
      let ok = false;
      try {
        ok = await socket.route.lower.lpWSPGetOverlappedResult(
          socket.lower,
          lowerOverlapped,
          bytes,
          false,
          flags,
          errno,
        );
      } catch {
        errno.value = WSAENETDOWN; // the lower provider broke
      }
      if (!ok && errno.value === WSAENOTSOCK) {
        // The lower socket is already closed (the application closed it, which ended the request):
        // the lower OVERLAPPED still says how it ended.
        ok = lowerOverlapped.Internal === 0;
        errno.value = wsaErrorFromNtStatus(lowerOverlapped.Internal);
        bytes.value = lowerOverlapped.InternalHigh;
      }
      this.layer.upcalls.lpWPUCloseEvent(event, out(0));
      record.done = true;
      record.error = ok ? 0 : errno.value;
      record.bytes = bytes.value;
      record.flags = flags.value;
      this.completeCaller(socket, caller, record);
      settle();
      this.requestEnded(socket);
    });
  }

  private completeCaller(socket: LayerSocket, caller: CallerRequest, record: LayerRecord): void {
    const { lpOverlapped: ov, lpCompletionRoutine: routine, lpThreadId } = caller;
    const upcalls = this.layer.upcalls;
    if (typeof routine === 'function') {
      ov.InternalHigh = record.bytes;
      ov.Internal = ntStatusFromWsaError(record.error);
      const { event } = eventOfHandle(ov.hEvent);
      if (event) upcalls.lpWPUSetEvent(event, out(0));
      upcalls.lpWPUQueueApc(
        lpThreadId ?? { ThreadHandle: 0, Reserved: 0 },
        () => routine(record.error, record.bytes, ov, record.flags),
        null,
        out(0),
      );
      return;
    }
    const io = this.layer.host.io;
    if (io) io.WPUCompleteOverlappedRequest(socket.handle, ov, record.error, record.bytes, out(0));
  }

  private requestEnded(socket: LayerSocket): void {
    const left = (this.inFlight.get(socket) ?? 1) - 1;
    if (left > 0) {
      this.inFlight.set(socket, left);
      return;
    }
    this.inFlight.delete(socket);
    if (this.idleWaiters.delete(socket)) this.layer.upcalls.lpWPUCloseSocketHandle(socket.handle, out(0));
  }

  /**
   * The layer closed `socket` (the lower socket is closed, the layer forgot it): its handle is
   * released now, or once its requests in flight have completed.
   */
  releaseWhenIdle(socket: LayerSocket): void {
    if ((this.inFlight.get(socket) ?? 0) > 0) this.idleWaiters.add(socket);
    else this.layer.upcalls.lpWPUCloseSocketHandle(socket.handle, out(0));
  }

  /**
   * `WSPGetOverlappedResult` for a request that went through the layer: the result it completed
   * with, `WSA_IO_INCOMPLETE` while in progress without `fWait`; undefined for an `OVERLAPPED` the
   * layer never saw (the lower provider is asked then).
   */
  async result(
    lpOverlapped: WSAOVERLAPPED,
    lpcbTransfer: { value: number },
    fWait: boolean,
    lpdwFlags: { value: number },
    lpErrno: LPINT,
  ): Promise<boolean | undefined> {
    const record = this.records.get(lpOverlapped);
    if (!record) return undefined;
    if (!record.done) {
      if (!fWait) {
        lpErrno.value = WSA_IO_INCOMPLETE;
        return false;
      }
      await record.settled;
    }
    lpcbTransfer.value = record.bytes;
    lpdwFlags.value = record.flags;
    if (record.error) {
      lpErrno.value = record.error;
      return false;
    }
    return true;
  }
}
