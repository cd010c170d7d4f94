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
  /** A number that identifies the event object in traces. */
  readonly id: number;
  /** True while the event is signalled. */
  readonly signalled: boolean;
}

/** A message sink that `WPUPostMessage` posts to: a stand-in for a window's message queue. */
export interface WindowHandle {
  /** Receives the message `WSAAsyncSelect` / `WPUPostMessage` posts: the message, `wParam` (the socket) and `lParam` (event and error). */
  post(uMsg: number, wParam: number, lParam: number): void;
}

/** `QOS` (qos.h). Flow specs are carried opaquely; no provider here implements QoS. */
export interface QOS {
  /** The flow spec of the sending direction. */
  SendingFlowspec?: Record<string, number>;
  /** The flow spec of the receiving direction. */
  ReceivingFlowspec?: Record<string, number>;
  /** Provider-specific QoS parameters. */
  ProviderSpecific?: Uint8Array;
}

/** `WSATHREADID` (ws2spi.h): identifies the "thread" (async execution context) an APC runs on. */
export interface WSATHREADID {
  /** The thread (`WPUOpenCurrentThread`). */
  ThreadHandle: number;
  /** Reserved for the dispatcher. */
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
  /** The completion status, filled by the provider. */
  Internal: number;
  /** The bytes transferred, filled by the provider. */
  InternalHigh: number;
  /** The file offset's low part (`TransmitFile`), or where a non-IFS provider keeps its flags. */
  Offset?: number;
  /** The file offset's high part (`TransmitFile`), or where a non-IFS provider keeps its error. */
  OffsetHigh?: number;
  /** The event signalled at completion, or `null`. */
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
  /** The `FD_*` events that occurred. */
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
  /** The sockets in the set (at most `FD_SETSIZE`). */
  fd_array: SOCKET[];
}

/** `TIMEVAL` for `select`: seconds and microseconds; `null` waits for ever. */
export interface TIMEVAL {
  /** Seconds. */
  tv_sec: number;
  /** Microseconds. */
  tv_usec: number;
}

/** `WSAPOLLFD` for `WSAPoll`. */
export interface WSAPOLLFD {
  /** The socket. */
  fd: SOCKET;
  /** The `POLL*` events asked for. */
  events: number;
  /** The `POLL*` events that occurred, filled by `WSAPoll`. */
  revents: number;
}

/** `LINGER` (`SO_LINGER`). */
export interface LINGER {
  /** Non-zero: linger on close. */
  l_onoff: number;
  /** How long to linger, in seconds (0 with `l_onoff` set: an abortive close, RST). */
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
