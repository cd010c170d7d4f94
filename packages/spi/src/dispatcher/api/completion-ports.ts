/**
 * I/O completion ports and overlapped results (kernel32's ioapiset.h and winbase.h, and ws2_32's
 * `WSAGetOverlappedResult`): `CreateIoCompletionPort`, `GetQueuedCompletionStatus(Ex)`,
 * `PostQueuedCompletionStatus`, `CloseHandle` for a port, `SetFileCompletionNotificationModes`,
 * `GetOverlappedResult`, `WSAGetOverlappedResult`, `SleepEx`, `QueueUserAPC`, and the Win32 names
 * of the last error, `GetLastError` / `SetLastError`, which is the same per-thread value as
 * `WSAGetLastError` (Windows keeps one). Which requests queue a packet is the completion path's
 * rule (`process-io.ts`).
 * @module
 */
import { WSAEFAULT, WSASYSCALLFAILURE } from '../../constants/error-codes';
import { NT_SUCCESS, STATUS_PENDING } from '../../constants/ntstatus';
import { INVALID_SOCKET } from '../../constants/socket-api';
import {
  ERROR_ABANDONED_WAIT_0,
  ERROR_INVALID_HANDLE,
  ERROR_INVALID_PARAMETER,
  ERROR_IO_INCOMPLETE,
  ERROR_NO_SYSTEM_RESOURCES,
  INFINITE,
  INVALID_HANDLE_VALUE,
  WAIT_IO_COMPLETION,
  WAIT_TIMEOUT,
} from '../../constants/win32-errors';
import { win32ErrorFromNtStatus } from '../../spi/completion-status';
import type { SOCKET, WSAOVERLAPPED } from '../../spi/wsp-types';
import { type Out, out } from '../../types/out-cell';
import {
  asCInt,
  isIntegerArgument,
  isOptionalOverlapped,
  isOptionalWritableArray,
  isWritableCell,
} from '../argument-checks';
import {
  type CompletionKey,
  type CompletionPacket,
  IoCompletionPort,
  isIoCompletionPort,
  type OVERLAPPED_ENTRY,
} from '../io-completion-port';
import { Ws2Core } from '../ws2-core';

/** A `HANDLE` as these calls take it: a completion port, or a socket where a file handle is meant. */
export type HANDLE = IoCompletionPort | SOCKET;

/** An out-cell the call can write (probed by writing its value back; see `argument-checks.ts`). */
function isOutCell(value: unknown): value is Out<unknown> {
  return isWritableCell(value);
}

/** A wait in ms as kernel32 takes it: `INFINITE` (or anything above 2^31 - 1 ms) is for ever. */
function waitMs(dwMilliseconds: number): number | undefined {
  return dwMilliseconds === INFINITE || dwMilliseconds > 0x7fffffff ? undefined : dwMilliseconds;
}

function isValidWait(dwMilliseconds: unknown): dwMilliseconds is number {
  return (
    typeof dwMilliseconds === 'number' &&
    Number.isInteger(dwMilliseconds) &&
    dwMilliseconds >= 0 &&
    dwMilliseconds <= INFINITE
  );
}

/** The completion-port calls of `Ws2`; installed on its prototype, never instantiated. */
export abstract class Ws2CompletionPorts extends Ws2Core {
  /**
   * `CreateIoCompletionPort`: with `FileHandle` `INVALID_HANDLE_VALUE` (or `INVALID_SOCKET`, the
   * same bit pattern) and no existing port, a new port; with a socket, the socket's file object is
   * associated with `ExistingCompletionPort` (or a new port) and `CompletionKey`, and that port is
   * returned. NULL with `GetLastError()`: `ERROR_INVALID_HANDLE` for a handle that is not a socket
   * of the process or a port that is not open, `ERROR_INVALID_PARAMETER` for a socket already
   * associated or a bad argument.
   */
  CreateIoCompletionPort(
    FileHandle: SOCKET,
    ExistingCompletionPort: IoCompletionPort | null,
    CompletionKey: CompletionKey,
    NumberOfConcurrentThreads: number,
  ): IoCompletionPort | null {
    const failNull = (code: number): null => {
      this.lastError.set(code);
      return null;
    };
    if (!isIntegerArgument(NumberOfConcurrentThreads) || NumberOfConcurrentThreads < 0) {
      return failNull(ERROR_INVALID_PARAMETER);
    }
    // NULL is null or undefined, as for every optional pointer of the API.
    if (ExistingCompletionPort === undefined) ExistingCompletionPort = null;
    if (
      ExistingCompletionPort !== null &&
      (!isIoCompletionPort(ExistingCompletionPort) || ExistingCompletionPort.isClosed)
    ) {
      return failNull(ERROR_INVALID_HANDLE);
    }
    if (FileHandle === INVALID_HANDLE_VALUE || FileHandle === INVALID_SOCKET) {
      if (ExistingCompletionPort !== null) return failNull(ERROR_INVALID_PARAMETER);
      return new IoCompletionPort(NumberOfConcurrentThreads);
    }
    if (typeof FileHandle !== 'number' || !this.current?.handles.get(FileHandle)) {
      return failNull(ERROR_INVALID_HANDLE);
    }
    const port = ExistingCompletionPort ?? new IoCompletionPort(NumberOfConcurrentThreads);
    const outcome = this.io.associate(FileHandle, port, CompletionKey);
    if (outcome === 'ok') return port;
    if (ExistingCompletionPort === null) port.close();
    return failNull(outcome === 'associated' ? ERROR_INVALID_PARAMETER : ERROR_INVALID_HANDLE);
  }

  /**
   * `GetQueuedCompletionStatus`: TRUE with the packet of a request that succeeded (the last error
   * untouched); FALSE with the packet of one that failed, the error being the Win32 form of its
   * status (`ERROR_NETNAME_DELETED` after a reset); FALSE with `*lpOverlapped` NULL and
   * `WAIT_TIMEOUT` when `dwMilliseconds` ran out (0 polls), or `ERROR_ABANDONED_WAIT_0` when the
   * port is closed while waiting. `dwMilliseconds` is `INFINITE` to wait for ever.
   */
  async GetQueuedCompletionStatus(
    CompletionPort: IoCompletionPort,
    lpNumberOfBytesTransferred: Out<number>,
    lpCompletionKey: Out<CompletionKey>,
    lpOverlapped: Out<WSAOVERLAPPED | null | unknown>,
    dwMilliseconds: number,
  ): Promise<boolean> {
    const cell = this.lastError.claim();
    const failWith = (code: number): false => {
      this.lastError.complete(cell, code);
      return false;
    };
    if (!isIoCompletionPort(CompletionPort) || CompletionPort.isClosed) return failWith(ERROR_INVALID_HANDLE);
    if (!isOutCell(lpNumberOfBytesTransferred) || !isOutCell(lpCompletionKey) || !isOutCell(lpOverlapped)) {
      return failWith(ERROR_INVALID_PARAMETER);
    }
    if (!isValidWait(dwMilliseconds)) return failWith(ERROR_INVALID_PARAMETER);
    // Cleared before the wait, so a timeout is told apart from a failed request by *lpOverlapped.
    lpOverlapped.value = null;
    const result = await CompletionPort.wait(1, waitMs(dwMilliseconds));
    if (result.kind === 'timeout') return failWith(WAIT_TIMEOUT);
    if (result.kind !== 'packets') return failWith(ERROR_ABANDONED_WAIT_0);
    const packet = result.packets[0] as CompletionPacket;
    lpNumberOfBytesTransferred.value = packet.bytes;
    lpCompletionKey.value = packet.key;
    lpOverlapped.value = packet.overlapped;
    return NT_SUCCESS(packet.status) ? true : failWith(win32ErrorFromNtStatus(packet.status));
  }

  /**
   * `GetQueuedCompletionStatusEx`: up to `ulCount` packets at once, each with its own status in
   * `Internal` (callers check each entry). FALSE when none was removed: `WAIT_TIMEOUT`,
   * `ERROR_ABANDONED_WAIT_0` (port closed), or — with `fAlertable` and nothing queued — an APC
   * ran: `WAIT_IO_COMPLETION`. Packets already queued are returned before any APC.
   */
  async GetQueuedCompletionStatusEx(
    CompletionPort: IoCompletionPort,
    lpCompletionPortEntries: OVERLAPPED_ENTRY[],
    ulCount: number,
    ulNumEntriesRemoved: Out<number>,
    dwMilliseconds: number,
    fAlertable: boolean,
  ): Promise<boolean> {
    const cell = this.lastError.claim();
    const failWith = (code: number): false => {
      this.lastError.complete(cell, code);
      return false;
    };
    if (!isIoCompletionPort(CompletionPort) || CompletionPort.isClosed) return failWith(ERROR_INVALID_HANDLE);
    if (
      !isOptionalWritableArray(lpCompletionPortEntries) ||
      !Array.isArray(lpCompletionPortEntries) ||
      !isIntegerArgument(ulCount) ||
      ulCount < 1 ||
      !isOutCell(ulNumEntriesRemoved) ||
      !isValidWait(dwMilliseconds)
    ) {
      return failWith(ERROR_INVALID_PARAMETER);
    }
    ulNumEntriesRemoved.value = 0;
    const onApc = fAlertable ? (wake: () => void) => this.io.onApc(wake) : undefined;
    const result = await CompletionPort.wait(ulCount, waitMs(dwMilliseconds), onApc);
    if (result.kind === 'timeout') return failWith(WAIT_TIMEOUT);
    if (result.kind === 'apc') return failWith(WAIT_IO_COMPLETION);
    if (result.kind === 'closed') return failWith(ERROR_ABANDONED_WAIT_0);
    result.packets.forEach((packet, i) => {
      lpCompletionPortEntries[i] = {
        lpCompletionKey: packet.key,
        lpOverlapped: packet.overlapped,
        Internal: packet.status,
        dwNumberOfBytesTransferred: packet.bytes,
      };
    });
    ulNumEntriesRemoved.value = result.packets.length;
    return true;
  }

  /** `PostQueuedCompletionStatus`: a packet with these three values (unvalidated) and `Internal` 0. */
  PostQueuedCompletionStatus(
    CompletionPort: IoCompletionPort,
    dwNumberOfBytesTransferred: number,
    dwCompletionKey: CompletionKey,
    lpOverlapped: WSAOVERLAPPED | null | unknown,
  ): boolean {
    if (!isIoCompletionPort(CompletionPort) || CompletionPort.isClosed) {
      return this.failBool(ERROR_INVALID_HANDLE);
    }
    if (!isIntegerArgument(dwNumberOfBytesTransferred) || dwNumberOfBytesTransferred < 0) {
      return this.failBool(ERROR_INVALID_PARAMETER);
    }
    const posted = CompletionPort.post({
      bytes: dwNumberOfBytesTransferred,
      key: dwCompletionKey,
      overlapped: lpOverlapped,
      status: 0,
    });
    return posted ? true : this.failBool(ERROR_NO_SYSTEM_RESOURCES);
  }

  /**
   * `CloseHandle` for a completion port: waits on it end with `ERROR_ABANDONED_WAIT_0`, later
   * completions of its sockets are dropped. Any other handle: FALSE, `ERROR_INVALID_HANDLE`
   * (sockets are closed with `closesocket`, events with `WSACloseEvent`).
   */
  CloseHandle(hObject: HANDLE): boolean {
    if (!isIoCompletionPort(hObject) || hObject.isClosed) return this.failBool(ERROR_INVALID_HANDLE);
    hObject.close();
    return true;
  }

  /**
   * `SetFileCompletionNotificationModes`: `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS` (no packet for a
   * request that succeeds at once) and `FILE_SKIP_SET_EVENT_ON_HANDLE`. Modes are sticky; unknown
   * bits are ignored. `ERROR_INVALID_HANDLE` for a handle that is not a socket of the process.
   */
  SetFileCompletionNotificationModes(FileHandle: SOCKET, Flags: number): boolean {
    if (!Number.isInteger(Flags) || Flags < 0 || Flags > 0xff) return this.failBool(ERROR_INVALID_PARAMETER);
    if (typeof FileHandle !== 'number' || !this.io.setModes(FileHandle, Flags)) {
      return this.failBool(ERROR_INVALID_HANDLE);
    }
    return true;
  }

  /**
   * `GetOverlappedResult` (kernel32): the request's status read from the `OVERLAPPED` — TRUE with
   * the bytes, or FALSE with the Win32 error of the status (`ERROR_NETNAME_DELETED`, …);
   * `ERROR_IO_INCOMPLETE` while it is in progress and `bWait` is FALSE; with `bWait`, waits for
   * the completion.
   */
  async GetOverlappedResult(
    _hFile: HANDLE,
    lpOverlapped: WSAOVERLAPPED,
    lpNumberOfBytesTransferred: Out<number>,
    bWait: boolean,
  ): Promise<boolean> {
    const cell = this.lastError.claim();
    const failWith = (code: number): false => {
      this.lastError.complete(cell, code);
      return false;
    };
    if (
      lpOverlapped === null ||
      lpOverlapped === undefined ||
      !isOptionalOverlapped(lpOverlapped) ||
      !isOutCell(lpNumberOfBytesTransferred)
    ) {
      return failWith(ERROR_INVALID_PARAMETER);
    }
    if (lpOverlapped.Internal === STATUS_PENDING) {
      if (!bWait) return failWith(ERROR_IO_INCOMPLETE);
      await this.io.whenComplete(lpOverlapped);
    }
    lpNumberOfBytesTransferred.value = lpOverlapped.InternalHigh;
    const status = lpOverlapped.Internal;
    return NT_SUCCESS(status) ? true : failWith(win32ErrorFromNtStatus(status));
  }

  /**
   * `WSAGetOverlappedResult`: the provider's `WSPGetOverlappedResult` — TRUE with the bytes and
   * flags, or FALSE with the request's Winsock error (`WSAECONNRESET` after a reset,
   * `WSA_IO_INCOMPLETE` while in progress without `fWait`). On success the last error is set to 0,
   * as Windows 10 1809 and later do.
   */
  async WSAGetOverlappedResult(
    s: SOCKET,
    lpOverlapped: WSAOVERLAPPED,
    lpcbTransfer: Out<number>,
    fWait: boolean,
    lpdwFlags: Out<number>,
  ): Promise<boolean> {
    const socket = this.route(s);
    if (typeof socket === 'number') return Promise.resolve(this.failBool(socket));
    if (
      lpOverlapped === null ||
      lpOverlapped === undefined ||
      !isOptionalOverlapped(lpOverlapped) ||
      !isOutCell(lpcbTransfer) ||
      !isOutCell(lpdwFlags)
    ) {
      return Promise.resolve(this.failBool(WSAEFAULT));
    }
    const cell = this.lastError.claim();
    const provider = socket.provider;
    const lpErrno = out(0);
    // Busy only while the provider runs synchronously for the socket (the re-entrancy rule).
    socket.busy++;
    let pending: Promise<boolean>;
    try {
      pending = provider.procTable.lpWSPGetOverlappedResult(
        s,
        lpOverlapped,
        lpcbTransfer,
        fWait,
        lpdwFlags,
        lpErrno,
      );
    } catch (error) {
      pending = Promise.reject(error);
    } finally {
      socket.busy--;
    }
    let ok: unknown;
    try {
      ok = await pending;
    } catch (error) {
      this.providerBroke(provider, 'lpWSPGetOverlappedResult', 'threw or rejected', error);
    }
    if (ok === true) {
      this.lastError.complete(cell, 0);
      return true;
    }
    if (ok !== false && ok !== undefined) {
      this.providerBroke(provider, 'lpWSPGetOverlappedResult', 'did not resolve to a BOOL');
    }
    this.lastError.complete(cell, lpErrno.value || WSASYSCALLFAILURE);
    return false;
  }

  /**
   * `SleepEx`: waits `dwMilliseconds` (`INFINITE`: for ever); an alertable sleep ends early, with
   * `WAIT_IO_COMPLETION`, when an APC (a completion routine) runs. 0 otherwise.
   */
  SleepEx(dwMilliseconds: number, bAlertable: boolean): Promise<number> {
    const ms = isValidWait(dwMilliseconds) ? waitMs(dwMilliseconds) : 0;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let unsubscribe: (() => void) | undefined;
      const finish = (rc: number): void => {
        if (timer !== undefined) clearTimeout(timer);
        unsubscribe?.();
        resolve(rc);
      };
      if (ms !== undefined) timer = setTimeout(() => finish(0), ms);
      if (bAlertable) unsubscribe = this.io.onApc(() => finish(WAIT_IO_COMPLETION));
    });
  }

  /** `QueueUserAPC`: `pfnAPC(dwData)` runs on the process's thread at its next turn; non-zero on success. */
  QueueUserAPC(pfnAPC: (dwData: unknown) => void, _hThread: unknown, dwData: unknown): number {
    if (typeof pfnAPC !== 'function') {
      this.lastError.set(ERROR_INVALID_PARAMETER);
      return 0;
    }
    this.io.queueApc(() => pfnAPC(dwData));
    return 1;
  }

  /** `GetLastError`: the calling flow's last error — the same value `WSAGetLastError` reads. */
  GetLastError(): number {
    return this.lastError.get();
  }

  /** `SetLastError`. */
  SetLastError(dwErrCode: number): void {
    this.lastError.set(asCInt(dwErrCode));
  }
}
