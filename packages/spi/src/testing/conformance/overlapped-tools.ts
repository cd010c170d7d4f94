/**
 * What the extension-function and completion-port sections of the conformance suite share:
 * `OVERLAPPED`s with events, extension functions got per socket with
 * `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)`, completion ports and bounded dequeues. Every
 * event and port is closed when the test ends.
 * @module
 */

import { wsaErrorName } from '../../constants/error-codes';
import { SIO_GET_EXTENSION_FUNCTION_POINTER } from '../../constants/mswsock';
import { INVALID_HANDLE_VALUE } from '../../constants/win32-errors';
import type { IoCompletionPort } from '../../dispatcher/io-completion-port';
import type { Ws2 } from '../../dispatcher/ws2';
import { SIZEOF_POINTER } from '../../spi/mswsock-types';
import type { SOCKET, WSAEVENT, WSAOVERLAPPED } from '../../spi/wsp-types';
import type { GUID } from '../../types/guid';
import { out } from '../../types/out-cell';
import { withinTimeout } from './bounded-wait';
import type { ConformanceHarness } from './conformance-harness';

/** One dequeued packet, or how `GetQueuedCompletionStatus` failed without one. */
export interface Dequeued {
  ok: boolean;
  /** `GetLastError()` when not ok (the Win32 code: 64 is ERROR_NETNAME_DELETED, 258 WAIT_TIMEOUT). */
  error: number;
  bytes: number;
  key: unknown;
  overlapped: unknown;
}

/** An `OVERLAPPED` whose event is the process's own. */
export interface EventOverlapped extends WSAOVERLAPPED {
  hEvent: WSAEVENT;
}

/** The overlapped tools of one test. */
export class OverlappedTools {
  constructor(private readonly h: ConformanceHarness) {}

  /** The extension function `guid` of socket `s`, which must be there. */
  extension<F>(ws2: Ws2, s: SOCKET, guid: GUID): F {
    const pointer = out<unknown>(null);
    const bytes = out(0);
    const rc = ws2.WSAIoctl(
      s,
      SIO_GET_EXTENSION_FUNCTION_POINTER,
      guid,
      16,
      pointer,
      SIZEOF_POINTER,
      bytes,
      null,
      null,
    );
    if (rc !== 0 || typeof pointer.value !== 'function') {
      throw new Error(
        `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER, ${guid}) failed: ${wsaErrorName(ws2.WSAGetLastError())}`,
      );
    }
    return pointer.value as F;
  }

  /** An `OVERLAPPED` with a fresh event of `ws2` (closed when the test ends). */
  overlapped(ws2: Ws2): EventOverlapped {
    const event = ws2.WSACreateEvent();
    if (!event) throw new Error('WSACreateEvent failed');
    this.h.onDispose(() => ws2.WSACloseEvent(event));
    return { Internal: 0, InternalHigh: 0, hEvent: event };
  }

  /** An `OVERLAPPED` without an event. */
  plain(): WSAOVERLAPPED {
    return { Internal: 0, InternalHigh: 0, hEvent: null };
  }

  /** A new completion port of `ws2` (closed when the test ends). */
  port(ws2: Ws2): IoCompletionPort {
    const port = ws2.CreateIoCompletionPort(INVALID_HANDLE_VALUE, null, 0, 0);
    if (!port) throw new Error(`CreateIoCompletionPort failed: ${ws2.GetLastError()}`);
    this.h.onDispose(() => ws2.CloseHandle(port));
    return port;
  }

  /** Associates `s` with `port` and `key`, which must succeed. */
  associate(ws2: Ws2, s: SOCKET, port: IoCompletionPort, key: number): void {
    if (ws2.CreateIoCompletionPort(s, port, key, 0) !== port) {
      throw new Error(`CreateIoCompletionPort(${s}) failed: ${ws2.GetLastError()}`);
    }
  }

  /** `GetQueuedCompletionStatus` for at most `ms` (bounded by the harness too). */
  async dequeue(ws2: Ws2, port: IoCompletionPort, ms = this.h.timeoutMs): Promise<Dequeued> {
    const bytes = out(-1);
    const key = out<unknown>(-1);
    const overlapped = out<unknown>(undefined);
    const call = ws2.GetQueuedCompletionStatus(port, bytes, key, overlapped, ms);
    const ok = await withinTimeout(call, ms + this.h.timeoutMs, 'GetQueuedCompletionStatus');
    return {
      ok,
      error: ok ? 0 : ws2.GetLastError(),
      bytes: bytes.value,
      key: key.value,
      overlapped: overlapped.value,
    };
  }

  /** Waits (bounded) until the request of `ov` has completed, and returns `WSAGetOverlappedResult`'s view. */
  async result(
    ws2: Ws2,
    s: SOCKET,
    ov: WSAOVERLAPPED,
  ): Promise<{ ok: boolean; error: string; bytes: number; flags: number }> {
    const bytes = out(0);
    const flags = out(0);
    const call = ws2.WSAGetOverlappedResult(s, ov, bytes, true, flags);
    const ok = await withinTimeout(call, this.h.timeoutMs, 'WSAGetOverlappedResult');
    return {
      ok,
      error: ok ? 'NO_ERROR' : wsaErrorName(ws2.WSAGetLastError()),
      bytes: bytes.value,
      flags: flags.value,
    };
  }

  /** Waits (bounded) for an event to be signalled. */
  async signalled(ws2: Ws2, event: WSAEVENT): Promise<void> {
    const rc = await withinTimeout(
      ws2.WSAWaitForMultipleEvents(1, [event], false, this.h.timeoutMs, false),
      this.h.timeoutMs * 2,
      'WSAWaitForMultipleEvents',
    );
    if (rc !== 0) throw new Error(`the event was not signalled (${rc})`);
  }
}
