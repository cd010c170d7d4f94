import type { GUID } from '../types/guid';
import type { Out } from '../types/out-cell';

/**
 * `SOCKET`: a handle — from `createIfsHandle` for IFS providers, or minted by `WPUCreateSocketHandle`
 * for non-IFS ones — registered in the dispatcher's handle table; never reused.
 */
export type SOCKET = number;
/** `GROUP` (socket groups are reserved; always 0). */
export type GROUP = number;
/** `WSAEVENT`: an event object created by `WSACreateEvent` / `WPUCreateEvent`. */
export type WSAEVENT = WsaEventObject;
/** `HWND` stand-in for `WSAAsyncSelect` / `WPUPostMessage`: a window is a message sink. */
export type HWND = WindowHandle;

/** A manual-reset event object (`WSACreateEvent`): signalled / non-signalled, awaitable. */
export interface WsaEventObject {
  readonly id: number;
  readonly signalled: boolean;
}

/** A message sink that `WPUPostMessage` posts to: a stand-in for a window's message queue. */
export interface WindowHandle {
  post(uMsg: number, wParam: number, lParam: number): void;
}

/** `QOS` (qos.h). Flow specs are carried opaquely; no provider here implements QoS. */
export interface QOS {
  SendingFlowspec?: Record<string, number>;
  ReceivingFlowspec?: Record<string, number>;
  ProviderSpecific?: Uint8Array;
}

/** `WSATHREADID` (ws2spi.h): identifies the "thread" (async execution context) an APC runs on. */
export interface WSATHREADID {
  ThreadHandle: number;
  Reserved: number;
}

/**
 * `WSAOVERLAPPED` (= `OVERLAPPED`): the caller's record of one overlapped request. An overlapped
 * call returns at once — 0 when it completed there, `SOCKET_ERROR` with `WSA_IO_PENDING` when it
 * pends, another error when it failed (and then nothing more happens) — and the completion is
 * written here: `InternalHigh` the bytes, then `Internal` the final NTSTATUS (`STATUS_PENDING`,
 * 0x103, while in progress). The completion also sets `hEvent` (an event made with
 * `WSACreateEvent`; `eventHandleWithLowBit(hEvent)` asks for no completion-port packet), runs the
 * completion routine as an APC, or queues a packet to the socket's completion port.
 * `Offset`/`OffsetHigh` are the file offset of `TransmitFile`; a non-IFS provider may keep its
 * result there (error in `OffsetHigh`, flags in `Offset`), as the SPI suggests.
 */
export interface WSAOVERLAPPED {
  Internal: number;
  InternalHigh: number;
  Offset?: number;
  OffsetHigh?: number;
  hEvent: WSAEVENT | null;
}

/** `LPWSAOVERLAPPED_COMPLETION_ROUTINE`. */
export type LPWSAOVERLAPPED_COMPLETION_ROUTINE = (
  dwError: number,
  cbTransferred: number,
  lpOverlapped: WSAOVERLAPPED,
  dwFlags: number,
) => void;

/** `LPWSAUSERAPC`: an APC queued with `WPUQueueApc`. */
export type LPWSAUSERAPC = (dwContext: unknown) => void;

/** `LPBLOCKINGCALLBACK` (Winsock 1.1 blocking hook): return false to cancel the blocking call. */
export type LPBLOCKINGCALLBACK = (dwContext: unknown) => boolean;

/** `WSANETWORKEVENTS`: the events recorded since the last enumeration, and an error code per bit. */
export interface WSANETWORKEVENTS {
  lNetworkEvents: number;
  /** Indexed by `FD_*_BIT`; `FD_MAX_EVENTS` (10) entries. */
  iErrorCode: number[];
}

/** A fresh `WSANETWORKEVENTS` for use as an out-parameter. */
export function emptyNetworkEvents(): WSANETWORKEVENTS {
  return { lNetworkEvents: 0, iErrorCode: new Array(10).fill(0) };
}

/** `fd_set`: a set of sockets for `select`. `fd_count` is implied by the array length. */
export interface fd_set {
  fd_array: SOCKET[];
}

/** `TIMEVAL` for `select`: seconds and microseconds; `null` waits for ever. */
export interface TIMEVAL {
  tv_sec: number;
  tv_usec: number;
}

/** `WSAPOLLFD` for `WSAPoll`. */
export interface WSAPOLLFD {
  fd: SOCKET;
  events: number;
  revents: number;
}

/** `LINGER` (`SO_LINGER`). */
export interface LINGER {
  l_onoff: number;
  l_linger: number;
}

/**
 * The value of a socket option. C passes `char *optval, int optlen`; here options have typed
 * values: a number for integer and BOOL options, a `LINGER`, a `WSAPROTOCOL_INFOW`, or bytes for
 * anything provider-specific.
 */
export type SockOptValue = number | boolean | LINGER | Uint8Array | object;

/** Identifies a provider in `WPUGetProviderPath`. */
export type ProviderGuid = GUID;

/** Convenience alias for the `LPINT lpErrno` out-parameter of every WSP call. */
export type LPINT = Out<number>;
