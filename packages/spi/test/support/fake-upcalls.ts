/**
 * FOR PROVIDER-KIT UNIT TESTS ONLY: a small but faithful `WSPUPCALLTABLE`, standing in for the
 * dispatcher's so the kit can be driven through its WSP table directly. It keeps a handle table
 * (IFS and non-IFS records with their catalog entry and context), manual-reset events, posted
 * messages and queued APCs (both run on a later microtask, never inside the provider's call), and
 * counts every upcall so tests can assert which ones a provider used.
 */

import {
  createIfsHandle,
  type fd_set,
  INVALID_SOCKET,
  type SOCKET,
  SOCKET_ERROR,
  WSA_INVALID_HANDLE,
  WSAEFAULT,
  WSAEINVAL,
  WSAENOTSOCK,
  type WSAEVENT,
  type WSPUPCALLTABLE,
  type WSPUPCALLTABLE_MEMBERS,
  type WsaEventObject,
} from '@ws2spi/spi';

/** A manual-reset event object. */
export class FakeEvent implements WsaEventObject {
  private static nextId = 1;
  readonly id = FakeEvent.nextId++;
  signalled = false;
  closed = false;
  /** How many times it was set. */
  sets = 0;
}

/** One handle the fake dispatcher knows. */
export interface FakeHandleRecord {
  catalogEntryId: number;
  nonIfs: boolean;
  context: unknown;
}

/** A posted `WSAAsyncSelect`-style message. */
export interface PostedMessage {
  msg: number;
  wParam: number;
  lParam: number;
}

/** The fake upcall table and what it recorded. */
export interface FakeUpcalls {
  table: WSPUPCALLTABLE;
  handles: Map<SOCKET, FakeHandleRecord>;
  /** Calls per upcall name. */
  calls: Map<(typeof WSPUPCALLTABLE_MEMBERS)[number], number>;
  createEvent(): FakeEvent;
}

/** Builds a fresh fake upcall table (one per simulated process). */
export function createFakeUpcalls(): FakeUpcalls {
  const handles = new Map<SOCKET, FakeHandleRecord>();
  const calls = new Map<(typeof WSPUPCALLTABLE_MEMBERS)[number], number>();
  const count = (name: (typeof WSPUPCALLTABLE_MEMBERS)[number]): void => {
    calls.set(name, (calls.get(name) ?? 0) + 1);
  };
  const eventOf = (hEvent: WSAEVENT, lpErrno: { value: number }): FakeEvent | undefined => {
    if (hEvent instanceof FakeEvent && !hEvent.closed) return hEvent;
    lpErrno.value = WSA_INVALID_HANDLE;
    return undefined;
  };
  const table: WSPUPCALLTABLE = {
    lpWPUCloseEvent(hEvent, lpErrno) {
      count('lpWPUCloseEvent');
      const e = eventOf(hEvent, lpErrno);
      if (!e) return false;
      e.closed = true;
      return true;
    },
    lpWPUCloseSocketHandle(s, lpErrno) {
      count('lpWPUCloseSocketHandle');
      const record = handles.get(s);
      if (!record?.nonIfs) {
        lpErrno.value = WSAENOTSOCK;
        return SOCKET_ERROR;
      }
      handles.delete(s);
      return 0;
    },
    lpWPUCreateEvent() {
      count('lpWPUCreateEvent');
      return new FakeEvent();
    },
    lpWPUCreateSocketHandle(dwCatalogEntryId, dwContext, lpErrno) {
      count('lpWPUCreateSocketHandle');
      if (!Number.isInteger(dwCatalogEntryId) || dwCatalogEntryId <= 0) {
        lpErrno.value = WSAEINVAL;
        return INVALID_SOCKET;
      }
      const handle = createIfsHandle();
      handles.set(handle, { catalogEntryId: dwCatalogEntryId, nonIfs: true, context: dwContext });
      return handle;
    },
    lpWPUFDIsSet(s, fdset: fd_set | null) {
      count('lpWPUFDIsSet');
      return fdset?.fd_array.includes(s) ? 1 : 0;
    },
    lpWPUGetProviderPath(_id, _path, _len, lpErrno) {
      count('lpWPUGetProviderPath');
      lpErrno.value = WSAEINVAL;
      return SOCKET_ERROR;
    },
    lpWPUModifyIFSHandle(dwCatalogEntryId, ProposedHandle, lpErrno) {
      count('lpWPUModifyIFSHandle');
      if (!Number.isInteger(dwCatalogEntryId) || dwCatalogEntryId <= 0 || !Number.isInteger(ProposedHandle)) {
        lpErrno.value = WSAEINVAL;
        return INVALID_SOCKET;
      }
      handles.set(ProposedHandle, { catalogEntryId: dwCatalogEntryId, nonIfs: false, context: undefined });
      return ProposedHandle;
    },
    lpWPUPostMessage(hWnd, Msg, wParam, lParam) {
      count('lpWPUPostMessage');
      if (!hWnd || typeof hWnd.post !== 'function') return false;
      queueMicrotask(() => hWnd.post(Msg, wParam, lParam));
      return true;
    },
    lpWPUQueryBlockingCallback(_id, lplpfnCallback, lpdwContext) {
      count('lpWPUQueryBlockingCallback');
      lplpfnCallback.value = null;
      lpdwContext.value = 0;
      return 0;
    },
    lpWPUQuerySocketHandleContext(s, lpContext, lpErrno) {
      count('lpWPUQuerySocketHandleContext');
      const record = handles.get(s);
      if (!record) {
        lpErrno.value = WSAENOTSOCK;
        return SOCKET_ERROR;
      }
      if (!record.nonIfs) {
        lpErrno.value = WSAEINVAL;
        return SOCKET_ERROR;
      }
      lpContext.value = record.context;
      return 0;
    },
    lpWPUQueueApc(lpThreadId, lpfnUserApc, dwContext, lpErrno) {
      count('lpWPUQueueApc');
      if (!lpThreadId || typeof lpfnUserApc !== 'function') {
        lpErrno.value = WSAEFAULT;
        return SOCKET_ERROR;
      }
      queueMicrotask(() => lpfnUserApc(dwContext));
      return 0;
    },
    lpWPUResetEvent(hEvent, lpErrno) {
      count('lpWPUResetEvent');
      const e = eventOf(hEvent, lpErrno);
      if (!e) return false;
      e.signalled = false;
      return true;
    },
    lpWPUSetEvent(hEvent, lpErrno) {
      count('lpWPUSetEvent');
      const e = eventOf(hEvent, lpErrno);
      if (!e) return false;
      e.signalled = true;
      e.sets++;
      return true;
    },
    lpWPUOpenCurrentThread(lpThreadId) {
      count('lpWPUOpenCurrentThread');
      lpThreadId.ThreadHandle = 1;
      lpThreadId.Reserved = 0;
      return 0;
    },
    lpWPUCloseThread() {
      count('lpWPUCloseThread');
      return 0;
    },
  };
  return { table, handles, calls, createEvent: () => new FakeEvent() };
}
