import {
  WSA_INVALID_HANDLE,
  WSAEFAULT,
  WSAEINVAL,
  WSAEMFILE,
  WSAENOTSOCK,
  WSANOTINITIALISED,
} from '../constants/error-codes';
import { INVALID_SOCKET, SOCKET_ERROR } from '../constants/socket-api';
import { createIfsHandle } from '../spi/ifs-handle';
import type { HWND, LPINT, SOCKET, WSATHREADID } from '../spi/wsp-types';
import type { WSPUPCALLTABLE } from '../spi/wsp-upcall-table';
import type { Out } from '../types/out-cell';
import { isWsaEvent, WsaEvent } from './event-object';
import type { WsProcess } from './ws-process';

/** What the upcalls need from the `Ws2` process that owns them. */
export interface UpcallHost {
  /** The live process state, or undefined after the last `WSACleanup`. */
  process(): WsProcess | undefined;
  /** Identifies the calling "thread" (async context) for `WPUOpenCurrentThread`. */
  currentThreadId(): number;
  /**
   * Runs `fn` later, from the event loop — so outside any provider call — on behalf of
   * `WPUPostMessage` (and `WPUQueueApc`, without `queueApc`).
   */
  schedule(fn: () => void): void;
  /** Queues an APC on the process's thread (`WPUQueueApc`): it also ends alertable waits. */
  queueApc?(fn: () => void): void;
  /** How many socket handles the process's table may hold (`Ws2Options.maxSockets`); more is `WSAEMFILE`. */
  maxSockets?: number;
}

function isOutCell(value: unknown): value is Out<unknown> {
  return typeof value === 'object' && value !== null && 'value' in value;
}

/**
 * Builds the 15 upcalls of `WSPUPCALLTABLE` for a process, all implemented for real. They never
 * throw: a bad argument is a failure return with the error in `lpErrno` (where the upcall has one).
 */
export function createUpcallTable(host: UpcallHost): WSPUPCALLTABLE {
  const setErr = (lpErrno: LPINT, code: number): void => {
    if (isOutCell(lpErrno)) lpErrno.value = code;
  };
  const live = (lpErrno: LPINT): WsProcess | undefined => {
    const process = host.process();
    if (!process) setErr(lpErrno, WSANOTINITIALISED);
    return process;
  };
  const eventOf = (hEvent: unknown, lpErrno: LPINT): WsaEvent | undefined => {
    if (isWsaEvent(hEvent) && !hEvent.isClosed) return hEvent;
    setErr(lpErrno, WSA_INVALID_HANDLE);
    return undefined;
  };

  return {
    lpWPUCloseEvent(hEvent, lpErrno) {
      const event = eventOf(hEvent, lpErrno);
      if (!event) return false;
      event.close();
      return true;
    },

    lpWPUCloseSocketHandle(s, lpErrno) {
      const process = live(lpErrno);
      if (!process) return SOCKET_ERROR;
      const record = process.handles.get(s);
      if (!record?.nonIfs) {
        setErr(lpErrno, WSAENOTSOCK);
        return SOCKET_ERROR;
      }
      process.handles.delete(s);
      return 0;
    },

    lpWPUCreateEvent(lpErrno) {
      if (!live(lpErrno)) return null;
      return new WsaEvent();
    },

    lpWPUCreateSocketHandle(dwCatalogEntryId, dwContext, lpErrno) {
      const process = live(lpErrno);
      if (!process) return INVALID_SOCKET;
      if (!process.entry(dwCatalogEntryId)) {
        setErr(lpErrno, WSAEINVAL);
        return INVALID_SOCKET;
      }
      if (process.handles.size >= (host.maxSockets ?? Number.POSITIVE_INFINITY)) {
        setErr(lpErrno, WSAEMFILE);
        return INVALID_SOCKET;
      }
      const handle = createIfsHandle();
      process.handles.claim(handle, dwCatalogEntryId, true, dwContext);
      return handle;
    },

    lpWPUFDIsSet(s, fdset) {
      return fdset && Array.isArray(fdset.fd_array) && fdset.fd_array.includes(s) ? 1 : 0;
    },

    lpWPUGetProviderPath(lpProviderId, lpszProviderDllPath, lpProviderDllPathLen, lpErrno) {
      const process = live(lpErrno);
      if (!process) return SOCKET_ERROR;
      if (!isOutCell(lpszProviderDllPath) || !isOutCell(lpProviderDllPathLen)) {
        setErr(lpErrno, WSAEFAULT);
        return SOCKET_ERROR;
      }
      const entry = process.snapshot.entries.find((e) => e.info.ProviderId === lpProviderId);
      if (!entry) {
        setErr(lpErrno, WSAEINVAL);
        return SOCKET_ERROR;
      }
      // Lengths count characters including the terminating NUL, as in C.
      const needed = entry.path.length + 1;
      if (typeof lpProviderDllPathLen.value !== 'number' || lpProviderDllPathLen.value < needed) {
        lpProviderDllPathLen.value = needed;
        setErr(lpErrno, WSAEFAULT);
        return SOCKET_ERROR;
      }
      lpszProviderDllPath.value = entry.path;
      lpProviderDllPathLen.value = needed;
      return 0;
    },

    lpWPUModifyIFSHandle(dwCatalogEntryId, ProposedHandle, lpErrno) {
      const process = live(lpErrno);
      if (!process) return INVALID_SOCKET;
      if (!process.entry(dwCatalogEntryId)) {
        setErr(lpErrno, WSAEINVAL);
        return INVALID_SOCKET;
      }
      if (!Number.isInteger(ProposedHandle) || ProposedHandle <= 0 || ProposedHandle === INVALID_SOCKET) {
        setErr(lpErrno, WSAEINVAL);
        return INVALID_SOCKET;
      }
      const existing = process.handles.get(ProposedHandle);
      // A new handle needs a free descriptor; re-owning one (an IFS layer's claim) does not.
      if (existing === undefined && process.handles.size >= (host.maxSockets ?? Number.POSITIVE_INFINITY)) {
        setErr(lpErrno, WSAEMFILE);
        return INVALID_SOCKET;
      }
      if (existing?.nonIfs) {
        // A handle minted for a non-IFS provider's context is not an IFS handle to re-own.
        setErr(lpErrno, WSAEINVAL);
        return INVALID_SOCKET;
      }
      // Re-registering an IFS handle moves its ownership: this is how an IFS layer claims its
      // lower provider's handle (ReactOS replaces the context in the same way).
      process.handles.claim(ProposedHandle, dwCatalogEntryId, false, undefined);
      return ProposedHandle;
    },

    lpWPUPostMessage(hWnd: HWND, Msg, wParam, lParam) {
      if (!hWnd || typeof hWnd.post !== 'function') return false;
      // PostMessage queues: the window procedure runs later, never inside the provider's call.
      host.schedule(() => hWnd.post(Msg, wParam, lParam));
      return true;
    },

    lpWPUQueryBlockingCallback(_dwCatalogEntryId, lplpfnCallback, lpdwContext, lpErrno) {
      if (!isOutCell(lplpfnCallback) || !isOutCell(lpdwContext)) {
        setErr(lpErrno, WSAEFAULT);
        return SOCKET_ERROR;
      }
      // Winsock 2 has no blocking hooks: there is never a callback to call.
      lplpfnCallback.value = null;
      lpdwContext.value = 0;
      return 0;
    },

    lpWPUQuerySocketHandleContext(s: SOCKET, lpContext, lpErrno) {
      const process = live(lpErrno);
      if (!process) return SOCKET_ERROR;
      if (!isOutCell(lpContext)) {
        setErr(lpErrno, WSAEFAULT);
        return SOCKET_ERROR;
      }
      const record = process.handles.get(s);
      if (!record) {
        setErr(lpErrno, WSAENOTSOCK);
        return SOCKET_ERROR;
      }
      if (!record.nonIfs) {
        setErr(lpErrno, WSAEINVAL);
        return SOCKET_ERROR;
      }
      lpContext.value = record.context;
      return 0;
    },

    lpWPUQueueApc(lpThreadId: WSATHREADID, lpfnUserApc, dwContext, lpErrno) {
      if (typeof lpfnUserApc !== 'function' || typeof lpThreadId !== 'object' || lpThreadId === null) {
        setErr(lpErrno, WSAEFAULT);
        return SOCKET_ERROR;
      }
      if (host.queueApc) host.queueApc(() => lpfnUserApc(dwContext));
      else host.schedule(() => lpfnUserApc(dwContext));
      return 0;
    },

    lpWPUResetEvent(hEvent, lpErrno) {
      const event = eventOf(hEvent, lpErrno);
      if (!event) return false;
      event.reset();
      return true;
    },

    lpWPUSetEvent(hEvent, lpErrno) {
      const event = eventOf(hEvent, lpErrno);
      if (!event) return false;
      event.set();
      return true;
    },

    lpWPUOpenCurrentThread(lpThreadId, lpErrno) {
      if (typeof lpThreadId !== 'object' || lpThreadId === null) {
        setErr(lpErrno, WSAEFAULT);
        return SOCKET_ERROR;
      }
      lpThreadId.ThreadHandle = host.currentThreadId();
      lpThreadId.Reserved = 0;
      return 0;
    },

    lpWPUCloseThread(lpThreadId, lpErrno) {
      if (typeof lpThreadId !== 'object' || lpThreadId === null) {
        setErr(lpErrno, WSAEFAULT);
        return SOCKET_ERROR;
      }
      return 0;
    },
  };
}
