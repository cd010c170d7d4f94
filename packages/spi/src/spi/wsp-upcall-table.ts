/**
 * `WSPUPCALLTABLE` (ws2spi.h): the 15 functions the dispatcher gives every provider, in Windows'
 * order. A provider claims its sockets through `WPUCreateSocketHandle` (non-IFS: the dispatcher
 * mints the handle and keeps the provider's context) or `WPUModifyIFSHandle` (IFS: the provider's
 * own handle is registered to the catalog entry it names); the dispatcher routes every later call
 * on the handle by that claim.
 * @module
 */
import type { GUID } from '../types/guid';
import type { Out } from '../types/out-cell';
import type {
  fd_set,
  HWND,
  LPBLOCKINGCALLBACK,
  LPINT,
  LPWSAUSERAPC,
  SOCKET,
  WSAEVENT,
  WSATHREADID,
} from './wsp-types';

/** `WPUCloseEvent`. */
export type LPWPUCLOSEEVENT = (hEvent: WSAEVENT, lpErrno: LPINT) => boolean;
/** `WPUCloseSocketHandle`: release a handle made by `WPUCreateSocketHandle`. */
export type LPWPUCLOSESOCKETHANDLE = (s: SOCKET, lpErrno: LPINT) => number;
/** `WPUCreateEvent`: returns null (`WSA_INVALID_EVENT`) on failure. */
export type LPWPUCREATEEVENT = (lpErrno: LPINT) => WSAEVENT | null;
/** `WPUCreateSocketHandle`: mint a handle owned by `dwCatalogEntryId`, tied to `dwContext`. `INVALID_SOCKET` on failure. */
export type LPWPUCREATESOCKETHANDLE = (
  dwCatalogEntryId: number,
  dwContext: unknown,
  lpErrno: LPINT,
) => SOCKET;
/** `WPUFDIsSet`: non-zero when `s` is in the set. */
export type LPWPUFDISSET = (s: SOCKET, fdset: fd_set | null) => number;
/** `WPUGetProviderPath`: the (unexpanded) provider path of a ProviderId. */
export type LPWPUGETPROVIDERPATH = (
  lpProviderId: GUID,
  lpszProviderDllPath: Out<string>,
  lpProviderDllPathLen: Out<number>,
  lpErrno: LPINT,
) => number;
/** `WPUModifyIFSHandle`: register an IFS handle (see `createIfsHandle`) as owned by `dwCatalogEntryId`; returns it. */
export type LPWPUMODIFYIFSHANDLE = (
  dwCatalogEntryId: number,
  ProposedHandle: SOCKET,
  lpErrno: LPINT,
) => SOCKET;
/** `WPUPostMessage`. */
export type LPWPUPOSTMESSAGE = (hWnd: HWND, Msg: number, wParam: number, lParam: number) => boolean;
/** `WPUQueryBlockingCallback` (Winsock 1.1 blocking hook of the calling context). */
export type LPWPUQUERYBLOCKINGCALLBACK = (
  dwCatalogEntryId: number,
  lplpfnCallback: Out<LPBLOCKINGCALLBACK | null>,
  lpdwContext: Out<unknown>,
  lpErrno: LPINT,
) => number;
/** `WPUQuerySocketHandleContext`: the context a non-IFS handle was created with. */
export type LPWPUQUERYSOCKETHANDLECONTEXT = (s: SOCKET, lpContext: Out<unknown>, lpErrno: LPINT) => number;
/** `WPUQueueApc`: run `lpfnUserApc(dwContext)` later on the given "thread". */
export type LPWPUQUEUEAPC = (
  lpThreadId: WSATHREADID,
  lpfnUserApc: LPWSAUSERAPC,
  dwContext: unknown,
  lpErrno: LPINT,
) => number;
/** `WPUResetEvent`. */
export type LPWPURESETEVENT = (hEvent: WSAEVENT, lpErrno: LPINT) => boolean;
/** `WPUSetEvent`. */
export type LPWPUSETEVENT = (hEvent: WSAEVENT, lpErrno: LPINT) => boolean;
/** `WPUOpenCurrentThread`: fill `lpThreadId` for the calling async context. */
export type LPWPUOPENCURRENTTHREAD = (lpThreadId: WSATHREADID, lpErrno: LPINT) => number;
/** `WPUCloseThread`. */
export type LPWPUCLOSETHREAD = (lpThreadId: WSATHREADID, lpErrno: LPINT) => number;

/** `WSPUPCALLTABLE`: all 15 members, in Windows' order. */
export interface WSPUPCALLTABLE {
  /** `WPUCloseEvent`: close an event object. */
  lpWPUCloseEvent: LPWPUCLOSEEVENT;
  /** `WPUCloseSocketHandle`: release a handle made by `WPUCreateSocketHandle`. */
  lpWPUCloseSocketHandle: LPWPUCLOSESOCKETHANDLE;
  /** `WPUCreateEvent`: create an event object. */
  lpWPUCreateEvent: LPWPUCREATEEVENT;
  /** `WPUCreateSocketHandle`: a new handle for a non-IFS socket, with the provider's context. */
  lpWPUCreateSocketHandle: LPWPUCREATESOCKETHANDLE;
  /** `WPUFDIsSet`: whether a handle is in an `fd_set`. */
  lpWPUFDIsSet: LPWPUFDISSET;
  /** `WPUGetProviderPath`: the catalog path of a provider GUID. */
  lpWPUGetProviderPath: LPWPUGETPROVIDERPATH;
  /** `WPUModifyIFSHandle`: claim an IFS handle for a catalog entry; the dispatcher routes the socket there. */
  lpWPUModifyIFSHandle: LPWPUMODIFYIFSHANDLE;
  /** `WPUPostMessage`: post a `WSAAsyncSelect` message to a window. */
  lpWPUPostMessage: LPWPUPOSTMESSAGE;
  /** `WPUQueryBlockingCallback`: the blocking hook of the calling thread (Winsock 1.1). */
  lpWPUQueryBlockingCallback: LPWPUQUERYBLOCKINGCALLBACK;
  /** `WPUQuerySocketHandleContext`: the context a handle was created with. */
  lpWPUQuerySocketHandleContext: LPWPUQUERYSOCKETHANDLECONTEXT;
  /** `WPUQueueApc`: queue a completion routine on a thread. */
  lpWPUQueueApc: LPWPUQUEUEAPC;
  /** `WPUResetEvent`: reset an event object. */
  lpWPUResetEvent: LPWPURESETEVENT;
  /** `WPUSetEvent`: signal an event object. */
  lpWPUSetEvent: LPWPUSETEVENT;
  /** `WPUOpenCurrentThread`: the calling thread, for `WPUQueueApc`. */
  lpWPUOpenCurrentThread: LPWPUOPENCURRENTTHREAD;
  /** `WPUCloseThread`: release what `WPUOpenCurrentThread` returned. */
  lpWPUCloseThread: LPWPUCLOSETHREAD;
}

/** The 15 member names of `WSPUPCALLTABLE`, in Windows' order. */
export const WSPUPCALLTABLE_MEMBERS = [
  'lpWPUCloseEvent',
  'lpWPUCloseSocketHandle',
  'lpWPUCreateEvent',
  'lpWPUCreateSocketHandle',
  'lpWPUFDIsSet',
  'lpWPUGetProviderPath',
  'lpWPUModifyIFSHandle',
  'lpWPUPostMessage',
  'lpWPUQueryBlockingCallback',
  'lpWPUQuerySocketHandleContext',
  'lpWPUQueueApc',
  'lpWPUResetEvent',
  'lpWPUSetEvent',
  'lpWPUOpenCurrentThread',
  'lpWPUCloseThread',
] as const satisfies readonly (keyof WSPUPCALLTABLE)[];
