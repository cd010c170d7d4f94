/**
 * The one completion path of a `Ws2` process — what the I/O manager and ws2_32's
 * `WPUCompleteOverlappedRequest` are on Windows. Every overlapped request of every provider ends
 * here, whichever way the application asked to be told:
 *
 * 1. `InternalHigh` = bytes, then `Internal` = the final NTSTATUS (`ntStatusFromWsaError`);
 * 2. the `hEvent` is set;
 * 3. a completion routine runs as an APC on the process's thread — and then no packet is queued;
 * 4. otherwise, when the socket is associated with a completion port, a packet is queued — unless
 *    `hEvent` has its low bit set (`eventHandleWithLowBit`), or the request succeeded at once
 *    (success or warning) on a handle in `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS` mode.
 *
 * A request that fails at once never reaches this path: the provider returns its error and
 * nothing is signalled. IFS providers start a request with `startOverlappedRequest` (the I/O
 * manager captures the socket's file object then, so a completion after `closesocket` still
 * reaches the port); non-IFS providers complete with `WPUCompleteOverlappedRequest` on a handle
 * they have not yet released, or queue the routine themselves with `WPUQueueApc`, as the SPI
 * requires.
 *
 * APCs run on the process's next turn (a Node flow never blocks, so the process's one thread is
 * always between waits); an alertable wait in progress (`SleepEx`, `GetQueuedCompletionStatusEx`
 * with `fAlertable`) then ends with `WAIT_IO_COMPLETION`.
 * @module
 */

import { WSAEFAULT, WSAEINVAL, WSANOTINITIALISED } from '../constants/error-codes';
import { STATUS_PENDING } from '../constants/ntstatus';
import { SOCKET_ERROR } from '../constants/socket-api';
import {
  FILE_SKIP_COMPLETION_PORT_ON_SUCCESS,
  FILE_SKIP_SET_EVENT_ON_HANDLE,
} from '../constants/win32-errors';
import { ntStatusFromWsaError } from '../spi/completion-status';
import { eventOfHandle } from '../spi/event-handle-low-bit';
import type { OverlappedRequest } from '../spi/overlapped-request';
import type { LPINT, LPWSAOVERLAPPED_COMPLETION_ROUTINE, SOCKET, WSAOVERLAPPED } from '../spi/wsp-types';
import { isWsaEvent } from './event-object';
import type { CompletionKey, IoCompletionPort } from './io-completion-port';
import type { WsProcess } from './ws-process';

/**
 * What one socket handle is to the I/O manager (its file object): the completion port it is
 * associated with and the key, and the notification modes of `SetFileCompletionNotificationModes`.
 */
export interface CompletionTarget {
  /** The port `CreateIoCompletionPort` associated the handle with (one at most), null until then. */
  port: IoCompletionPort | null;
  /** The `CompletionKey` given with the association, returned with every packet of this handle. */
  key: CompletionKey;
  /** `FILE_SKIP_*` bits; sticky: a mode once set cannot be cleared. */
  modes: number;
}

/** What the I/O manager needs from its `Ws2`. */
export interface ProcessIoHost {
  /** The live startup epoch, or undefined while the `WSAStartup` count is 0. */
  process(): WsProcess | undefined;
  /** An APC, an application callback, threw: contained and recorded. */
  reportApcFailure(error: unknown): void;
}

/** A listener for the APCs of the process's thread. */
type ApcListener = () => void;

/** The I/O manager of one `Ws2` process. */
export class ProcessIo {
  private readonly targets = new Map<SOCKET, CompletionTarget>();
  private sweepAt = 64;
  private readonly apcListeners = new Set<ApcListener>();
  private readonly completionWaiters = new WeakMap<object, Array<() => void>>();

  constructor(private readonly host: ProcessIoHost) {}

  // ── APCs ─────────────────────────────────────────────────────────────────────────────────

  /**
   * `QueueUserAPC` / `WPUQueueApc` on the process's thread: `fn` runs on a later turn, outside
   * any provider call; alertable waits in progress end with `WAIT_IO_COMPLETION`.
   */
  queueApc(fn: () => void): void {
    setImmediate(() => {
      // From the event loop: outside every provider call, as the thread runs it.
      try {
        fn();
      } catch (error) {
        this.host.reportApcFailure(error);
      }
      for (const listener of [...this.apcListeners]) listener();
    });
  }

  /** Subscribes an alertable wait to the thread's APCs; returns the unsubscribe. */
  onApc(listener: ApcListener): () => void {
    this.apcListeners.add(listener);
    return () => this.apcListeners.delete(listener);
  }

  // ── file objects ─────────────────────────────────────────────────────────────────────────

  /** The completion target of a handle of the live process, made on first use; undefined for a handle that is not one. */
  target(s: SOCKET): CompletionTarget | undefined {
    const existing = this.targets.get(s);
    if (existing) return existing;
    if (!this.host.process()?.handles.get(s)) return undefined;
    const made: CompletionTarget = { port: null, key: 0, modes: 0 };
    this.targets.set(s, made);
    if (this.targets.size >= this.sweepAt) this.sweep();
    return made;
  }

  /** The target of `s` if it was ever made (no handle check): for requests in flight after a close. */
  existingTarget(s: SOCKET): CompletionTarget | undefined {
    return this.targets.get(s);
  }

  /**
   * Forgets the targets of handles that are gone. Requests in flight keep their own reference, so
   * this only bounds the map; it runs when the map has doubled since the last sweep.
   */
  private sweep(): void {
    const handles = this.host.process()?.handles;
    for (const s of [...this.targets.keys()]) if (!handles?.get(s)) this.targets.delete(s);
    this.sweepAt = Math.max(64, this.targets.size * 2);
  }

  // ── requests ─────────────────────────────────────────────────────────────────────────────

  /**
   * Starts an overlapped request on socket `s` (the I/O manager's IRP, for IFS providers): the
   * socket's file object is captured now, so the completion reaches the port associated with it
   * whenever that association was made, also after the socket is closed. Without an `OVERLAPPED`
   * (a call that blocks) the request completes nothing.
   */
  startOverlappedRequest(
    s: SOCKET,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  ): OverlappedRequest {
    const target = this.target(s) ?? null;
    let done = false;
    return {
      pending: () => {
        if (lpOverlapped && !done) lpOverlapped.Internal = STATUS_PENDING;
      },
      complete: (error, bytes, flags, synchronous) => {
        if (done || !lpOverlapped) return;
        done = true;
        this.complete(target, lpOverlapped, error, bytes, flags, lpCompletionRoutine, synchronous);
      },
    };
  }

  /**
   * The completion path itself (see the module comment). `synchronous` says the request completed
   * before its call returned, which only matters for `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS`.
   */
  complete(
    target: CompletionTarget | null,
    lpOverlapped: WSAOVERLAPPED,
    error: number,
    bytes: number,
    flags: number,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
    synchronous: boolean,
  ): void {
    const status = ntStatusFromWsaError(error);
    lpOverlapped.InternalHigh = bytes;
    lpOverlapped.Internal = status;
    const { event, noPortPacket } = eventOfHandle(lpOverlapped.hEvent);
    if (isWsaEvent(event) && !event.isClosed) event.set();
    if (typeof lpCompletionRoutine === 'function') {
      this.queueApc(() => lpCompletionRoutine(error, bytes, lpOverlapped, flags));
    } else if (target?.port && !noPortPacket) {
      // Success and warnings (severity 0–2) count as "succeeded at once"; only errors never skip.
      const skip =
        synchronous && status >>> 30 !== 3 && (target.modes & FILE_SKIP_COMPLETION_PORT_ON_SUCCESS) !== 0;
      if (!skip) target.port.post({ bytes, key: target.key, overlapped: lpOverlapped, status });
    }
    const waiters = this.completionWaiters.get(lpOverlapped);
    if (waiters) {
      this.completionWaiters.delete(lpOverlapped);
      for (const wake of waiters) wake();
    }
  }

  /** Resolves once `lpOverlapped` is no longer `STATUS_PENDING` (for `GetOverlappedResult`'s wait). */
  whenComplete(lpOverlapped: WSAOVERLAPPED): Promise<void> {
    if (lpOverlapped.Internal !== STATUS_PENDING) return Promise.resolve();
    return new Promise((resolve) => {
      const waiters = this.completionWaiters.get(lpOverlapped) ?? [];
      waiters.push(resolve);
      this.completionWaiters.set(lpOverlapped, waiters);
    });
  }

  /**
   * `WPUCompleteOverlappedRequest` (exported by ws2_32 for non-IFS providers): completes a request
   * on a handle made by `WPUCreateSocketHandle` and not yet closed — `InternalHigh`, then
   * `Internal`, the event, and the port packet when the handle is associated. WSAEINVAL for any
   * other handle.
   */
  WPUCompleteOverlappedRequest(
    s: SOCKET,
    lpOverlapped: WSAOVERLAPPED | null,
    dwError: number,
    cbTransferred: number,
    lpErrno: LPINT,
  ): number {
    const process = this.host.process();
    if (!process) {
      lpErrno.value = WSANOTINITIALISED;
      return SOCKET_ERROR;
    }
    if (!process.handles.get(s)?.nonIfs) {
      lpErrno.value = WSAEINVAL;
      return SOCKET_ERROR;
    }
    if (typeof lpOverlapped !== 'object' || lpOverlapped === null) {
      lpErrno.value = WSAEFAULT;
      return SOCKET_ERROR;
    }
    this.complete(this.target(s) ?? null, lpOverlapped, dwError, cbTransferred, 0, null, false);
    return 0;
  }

  // ── association and modes ────────────────────────────────────────────────────────────────

  /**
   * `CreateIoCompletionPort(s, port, key, …)`: associates the socket's file object. A handle
   * already associated cannot be associated again (`ERROR_INVALID_PARAMETER`, what
   * `NtSetInformationFile(FileCompletionInformation)` answers); false for a handle that is not a
   * socket of the process.
   */
  associate(s: SOCKET, port: IoCompletionPort, key: CompletionKey): 'ok' | 'not-a-socket' | 'associated' {
    const target = this.target(s);
    if (!target) return 'not-a-socket';
    if (target.port) return 'associated';
    target.port = port;
    target.key = key;
    return 'ok';
  }

  /** `SetFileCompletionNotificationModes`: the modes only ever grow; unknown bits are ignored. */
  setModes(s: SOCKET, flags: number): boolean {
    const target = this.target(s);
    if (!target) return false;
    target.modes |= flags & (FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE);
    return true;
  }
}
