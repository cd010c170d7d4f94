/**
 * The service-provider interface of ws2spi.h: the 30 `LPWSP…` function types and the
 * `WSPPROC_TABLE` a provider's `WSPStartup` fills, in Windows' member order.
 *
 * Conventions, as in C: every function returns 0 (or a valid SOCKET, or TRUE) on success and
 * `SOCKET_ERROR` (or `INVALID_SOCKET`, or FALSE) on failure with the error code stored in
 * `lpErrno.value`; nothing at this layer throws or sets a last error. A call that can block in C
 * returns a Promise of the same value; calls that never block stay synchronous.
 * @module
 */

import type { Out } from '../types/out-cell';
import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';
import type { SOCKADDR } from '../types/sockaddr';
import type { WSABUF } from '../types/wsabuf';
import type { WSPDATA } from '../types/wsadata';
import type {
  fd_set,
  GROUP,
  HWND,
  LPINT,
  LPWSAOVERLAPPED_COMPLETION_ROUTINE,
  QOS,
  SOCKET,
  SockOptValue,
  TIMEVAL,
  WSAEVENT,
  WSANETWORKEVENTS,
  WSAOVERLAPPED,
  WSATHREADID,
} from './wsp-types';
import type { WSPUPCALLTABLE } from './wsp-upcall-table';

/** A `WSABUF` that carries a socket address, as `lpCallerId` / `lpCalleeId` do in a condition function. */
export interface WSABUF_SOCKADDR {
  /** `sizeof` the address, as C passes it. */
  len: number;
  /** The socket address. */
  buf: SOCKADDR;
}

/**
 * `LPCONDITIONPROC` (winsock2.h): the `WSAAccept` condition function. It sees the caller's address
 * and connect data, may write callee data into `lpCalleeData` (setting `len` to the bytes written,
 * at most the offered `len`), and answers `CF_ACCEPT`, `CF_REJECT` or `CF_DEFER`.
 */
export type LPCONDITIONPROC = (
  lpCallerId: WSABUF_SOCKADDR | null,
  lpCallerData: WSABUF | null,
  lpSQOS: QOS | null,
  lpGQOS: QOS | null,
  lpCalleeId: WSABUF_SOCKADDR | null,
  lpCalleeData: WSABUF | null,
  g: Out<GROUP>,
  dwCallbackData: unknown,
) => number;

/** `WSPAccept`: accept a connection, optionally through a condition function. */
export type LPWSPACCEPT = (
  s: SOCKET,
  addr: Out<SOCKADDR | null> | null,
  addrlen: Out<number> | null,
  lpfnCondition: LPCONDITIONPROC | null,
  dwCallbackData: unknown,
  lpErrno: LPINT,
) => Promise<SOCKET>;

/** `WSPAddressToString`: render a socket address as text. */
export type LPWSPADDRESSTOSTRING = (
  lpsaAddress: SOCKADDR | null,
  dwAddressLength: number,
  lpProtocolInfo: WSAPROTOCOL_INFOW | null,
  lpszAddressString: Out<string>,
  lpdwAddressStringLength: Out<number>,
  lpErrno: LPINT,
) => number;

/** `WSPAsyncSelect`: post network events to a window as messages. */
export type LPWSPASYNCSELECT = (
  s: SOCKET,
  hWnd: HWND | null,
  wMsg: number,
  lEvent: number,
  lpErrno: LPINT,
) => number;

/** `WSPBind`: give a socket its local address. Returns a Promise because reserving a real port is asynchronous in Node. */
export type LPWSPBIND = (
  s: SOCKET,
  name: SOCKADDR | null,
  namelen: number,
  lpErrno: LPINT,
) => Promise<number>;

/** `WSPCancelBlockingCall` (Winsock 1.1). */
export type LPWSPCANCELBLOCKINGCALL = (lpErrno: LPINT) => number;

/** `WSPCleanup`: undo one `WSPStartup`; the last one resets and frees every socket of the provider. */
export type LPWSPCLEANUP = (lpErrno: LPINT) => number;

/** `WSPCloseSocket`: close a socket (gracefully unless `SO_LINGER {1, 0}`); never blocks here. */
export type LPWSPCLOSESOCKET = (s: SOCKET, lpErrno: LPINT) => number;

/** `WSPConnect`: connect, exchanging connect data where the protocol carries it (`XP1_CONNECT_DATA`). */
export type LPWSPCONNECT = (
  s: SOCKET,
  name: SOCKADDR | null,
  namelen: number,
  lpCallerData: WSABUF | null,
  lpCalleeData: WSABUF | null,
  lpSQOS: QOS | null,
  lpGQOS: QOS | null,
  lpErrno: LPINT,
) => Promise<number>;

/** `WSPDuplicateSocket`: describe a socket for another process. */
export type LPWSPDUPLICATESOCKET = (
  s: SOCKET,
  dwProcessId: number,
  lpProtocolInfo: Out<WSAPROTOCOL_INFOW | null>,
  lpErrno: LPINT,
) => number;

/** `WSPEnumNetworkEvents`: report and clear the recorded network events; reset the event object if given. */
export type LPWSPENUMNETWORKEVENTS = (
  s: SOCKET,
  hEventObject: WSAEVENT | null,
  lpNetworkEvents: WSANETWORKEVENTS | null,
  lpErrno: LPINT,
) => number;

/** `WSPEventSelect`: associate network events with an event object (and make the socket non-blocking). */
export type LPWSPEVENTSELECT = (
  s: SOCKET,
  hEventObject: WSAEVENT | null,
  lNetworkEvents: number,
  lpErrno: LPINT,
) => number;

/** `WSPGetOverlappedResult`. */
export type LPWSPGETOVERLAPPEDRESULT = (
  s: SOCKET,
  lpOverlapped: WSAOVERLAPPED | null,
  lpcbTransfer: Out<number>,
  fWait: boolean,
  lpdwFlags: Out<number>,
  lpErrno: LPINT,
) => Promise<boolean>;

/** `WSPGetPeerName`. */
export type LPWSPGETPEERNAME = (
  s: SOCKET,
  name: Out<SOCKADDR | null> | null,
  namelen: Out<number> | null,
  lpErrno: LPINT,
) => number;

/** `WSPGetSockName`. */
export type LPWSPGETSOCKNAME = LPWSPGETPEERNAME;

/** `WSPGetSockOpt`: `optlen` is in/out as in C (the caller's capacity in, the size written out). */
export type LPWSPGETSOCKOPT = (
  s: SOCKET,
  level: number,
  optname: number,
  optval: Out<SockOptValue | null> | null,
  optlen: Out<number> | null,
  lpErrno: LPINT,
) => number;

/** `WSPGetQOSByName`. */
export type LPWSPGETQOSBYNAME = (
  s: SOCKET,
  lpQOSName: WSABUF | null,
  lpQOS: QOS | null,
  lpErrno: LPINT,
) => boolean;

/** `WSPIoctl` (`FIONBIO`, `FIONREAD`, `SIOCATMARK`, …). */
export type LPWSPIOCTL = (
  s: SOCKET,
  dwIoControlCode: number,
  lpvInBuffer: unknown,
  cbInBuffer: number,
  lpvOutBuffer: Out<unknown> | null,
  cbOutBuffer: number,
  lpcbBytesReturned: Out<number> | null,
  lpOverlapped: WSAOVERLAPPED | null,
  lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  lpThreadId: WSATHREADID | null,
  lpErrno: LPINT,
) => number;

/** `WSPJoinLeaf`: join a multipoint session. */
export type LPWSPJOINLEAF = (
  s: SOCKET,
  name: SOCKADDR | null,
  namelen: number,
  lpCallerData: WSABUF | null,
  lpCalleeData: WSABUF | null,
  lpSQOS: QOS | null,
  lpGQOS: QOS | null,
  dwFlags: number,
  lpErrno: LPINT,
) => Promise<SOCKET>;

/** `WSPListen`. Returns a Promise because starting a real listener is asynchronous in Node. */
export type LPWSPLISTEN = (s: SOCKET, backlog: number, lpErrno: LPINT) => Promise<number>;

/** `WSPRecv`: scatter receive; `lpFlags` in/out (`MSG_PEEK`, `MSG_OOB`; `MSG_PARTIAL` out). */
export type LPWSPRECV = (
  s: SOCKET,
  lpBuffers: WSABUF[] | null,
  dwBufferCount: number,
  lpNumberOfBytesRecvd: Out<number> | null,
  lpFlags: Out<number> | null,
  lpOverlapped: WSAOVERLAPPED | null,
  lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  lpThreadId: WSATHREADID | null,
  lpErrno: LPINT,
) => Promise<number>;

/**
 * `WSPRecvDisconnect`: disable receives and copy in the peer's disconnect data, if any.
 * `lpInboundDisconnectData.len` is the capacity on entry and the bytes written on return.
 */
export type LPWSPRECVDISCONNECT = (
  s: SOCKET,
  lpInboundDisconnectData: WSABUF | null,
  lpErrno: LPINT,
) => number;

/** `WSPRecvFrom`. */
export type LPWSPRECVFROM = (
  s: SOCKET,
  lpBuffers: WSABUF[] | null,
  dwBufferCount: number,
  lpNumberOfBytesRecvd: Out<number> | null,
  lpFlags: Out<number> | null,
  lpFrom: Out<SOCKADDR | null> | null,
  lpFromlen: Out<number> | null,
  lpOverlapped: WSAOVERLAPPED | null,
  lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  lpThreadId: WSATHREADID | null,
  lpErrno: LPINT,
) => Promise<number>;

/** `WSPSelect`: the sets are rewritten in place to the ready sockets; returns how many are ready. */
export type LPWSPSELECT = (
  nfds: number,
  readfds: fd_set | null,
  writefds: fd_set | null,
  exceptfds: fd_set | null,
  timeout: TIMEVAL | null,
  lpErrno: LPINT,
) => Promise<number>;

/** `WSPSend`: gather send. */
export type LPWSPSEND = (
  s: SOCKET,
  lpBuffers: WSABUF[] | null,
  dwBufferCount: number,
  lpNumberOfBytesSent: Out<number> | null,
  dwFlags: number,
  lpOverlapped: WSAOVERLAPPED | null,
  lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  lpThreadId: WSATHREADID | null,
  lpErrno: LPINT,
) => Promise<number>;

/** `WSPSendDisconnect`: disable sends and start termination, with disconnect data where supported. Never blocks. */
export type LPWSPSENDDISCONNECT = (
  s: SOCKET,
  lpOutboundDisconnectData: WSABUF | null,
  lpErrno: LPINT,
) => number;

/** `WSPSendTo`. */
export type LPWSPSENDTO = (
  s: SOCKET,
  lpBuffers: WSABUF[] | null,
  dwBufferCount: number,
  lpNumberOfBytesSent: Out<number> | null,
  dwFlags: number,
  lpTo: SOCKADDR | null,
  iTolen: number,
  lpOverlapped: WSAOVERLAPPED | null,
  lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  lpThreadId: WSATHREADID | null,
  lpErrno: LPINT,
) => Promise<number>;

/** `WSPSetSockOpt`. */
export type LPWSPSETSOCKOPT = (
  s: SOCKET,
  level: number,
  optname: number,
  optval: SockOptValue | null,
  optlen: number,
  lpErrno: LPINT,
) => number;

/** `WSPShutdown`: `SD_RECEIVE`, `SD_SEND` or `SD_BOTH`. Never blocks. */
export type LPWSPSHUTDOWN = (s: SOCKET, how: number, lpErrno: LPINT) => number;

/**
 * `WSPSocket`: create a socket and claim its handle through `WPUCreateSocketHandle` (non-IFS) or
 * `WPUModifyIFSHandle` (IFS) with the catalog entry ID that should own it.
 */
export type LPWSPSOCKET = (
  af: number,
  type: number,
  protocol: number,
  lpProtocolInfo: WSAPROTOCOL_INFOW | null,
  g: GROUP,
  dwFlags: number,
  lpErrno: LPINT,
) => SOCKET;

/** `WSPStringToAddress`. */
export type LPWSPSTRINGTOADDRESS = (
  AddressString: string,
  AddressFamily: number,
  lpProtocolInfo: WSAPROTOCOL_INFOW | null,
  lpAddress: Out<SOCKADDR | null>,
  lpAddressLength: Out<number>,
  lpErrno: LPINT,
) => number;

/** `WSPPROC_TABLE` (ws2spi.h): all 30 members, in Windows' order. */
export interface WSPPROC_TABLE {
  /** `WSPAccept`: accept a connection, with an optional condition function (`WSAAccept`, `accept`). */
  lpWSPAccept: LPWSPACCEPT;
  /** `WSPAddressToString`: an address as text (`WSAAddressToStringW`). */
  lpWSPAddressToString: LPWSPADDRESSTOSTRING;
  /** `WSPAsyncSelect`: network events as window messages (`WSAAsyncSelect`). */
  lpWSPAsyncSelect: LPWSPASYNCSELECT;
  /** `WSPBind`: give the socket a local address (`bind`). */
  lpWSPBind: LPWSPBIND;
  /** `WSPCancelBlockingCall`: cancel a blocking call (Winsock 1.1; `WSAEOPNOTSUPP` on 2.x). */
  lpWSPCancelBlockingCall: LPWSPCANCELBLOCKINGCALL;
  /** `WSPCleanup`: the process no longer uses the provider (the last `WSACleanup`). */
  lpWSPCleanup: LPWSPCLEANUP;
  /** `WSPCloseSocket`: close the socket (`closesocket`). */
  lpWSPCloseSocket: LPWSPCLOSESOCKET;
  /** `WSPConnect`: connect, with optional connect data (`connect`, `WSAConnect`). */
  lpWSPConnect: LPWSPCONNECT;
  /** `WSPDuplicateSocket`: a `WSAPROTOCOL_INFOW` another process can open the socket with (`WSADuplicateSocketW`). */
  lpWSPDuplicateSocket: LPWSPDUPLICATESOCKET;
  /** `WSPEnumNetworkEvents`: the recorded network events and their error codes (`WSAEnumNetworkEvents`). */
  lpWSPEnumNetworkEvents: LPWSPENUMNETWORKEVENTS;
  /** `WSPEventSelect`: network events signal an event object (`WSAEventSelect`). */
  lpWSPEventSelect: LPWSPEVENTSELECT;
  /** `WSPGetOverlappedResult`: the result of an overlapped call (`WSAGetOverlappedResult`). */
  lpWSPGetOverlappedResult: LPWSPGETOVERLAPPEDRESULT;
  /** `WSPGetPeerName`: the peer's address (`getpeername`). */
  lpWSPGetPeerName: LPWSPGETPEERNAME;
  /** `WSPGetSockName`: the local address (`getsockname`). */
  lpWSPGetSockName: LPWSPGETSOCKNAME;
  /** `WSPGetSockOpt`: read a socket option (`getsockopt`). */
  lpWSPGetSockOpt: LPWSPGETSOCKOPT;
  /** `WSPGetQOSByName`: a QoS template by name (`WSAGetQOSByName`). */
  lpWSPGetQOSByName: LPWSPGETQOSBYNAME;
  /** `WSPIoctl`: a control code, e.g. `FIONREAD` or `SIO_GET_EXTENSION_FUNCTION_POINTER` (`WSAIoctl`, `ioctlsocket`). */
  lpWSPIoctl: LPWSPIOCTL;
  /** `WSPJoinLeaf`: join a multipoint session (`WSAJoinLeaf`). */
  lpWSPJoinLeaf: LPWSPJOINLEAF;
  /** `WSPListen`: accept incoming connections (`listen`). */
  lpWSPListen: LPWSPLISTEN;
  /** `WSPRecv`: receive on a connected socket (`recv`, `WSARecv`). */
  lpWSPRecv: LPWSPRECV;
  /** `WSPRecvDisconnect`: stop receiving and read the peer's disconnect data (`WSARecvDisconnect`). */
  lpWSPRecvDisconnect: LPWSPRECVDISCONNECT;
  /** `WSPRecvFrom`: receive a datagram and its source (`recvfrom`, `WSARecvFrom`). */
  lpWSPRecvFrom: LPWSPRECVFROM;
  /** `WSPSelect`: which sockets are readable, writable or in error (`select`). */
  lpWSPSelect: LPWSPSELECT;
  /** `WSPSend`: send on a connected socket (`send`, `WSASend`). */
  lpWSPSend: LPWSPSEND;
  /** `WSPSendDisconnect`: stop sending, with optional disconnect data (`WSASendDisconnect`; `WSAENOPROTOOPT` for data without `XP1_DISCONNECT_DATA`). */
  lpWSPSendDisconnect: LPWSPSENDDISCONNECT;
  /** `WSPSendTo`: send a datagram to an address (`sendto`, `WSASendTo`). */
  lpWSPSendTo: LPWSPSENDTO;
  /** `WSPSetSockOpt`: set a socket option (`setsockopt`). */
  lpWSPSetSockOpt: LPWSPSETSOCKOPT;
  /** `WSPShutdown`: stop receiving, sending or both (`shutdown`). */
  lpWSPShutdown: LPWSPSHUTDOWN;
  /** `WSPSocket`: create a socket and claim its handle through the upcall table (`socket`, `WSASocketW`). */
  lpWSPSocket: LPWSPSOCKET;
  /** `WSPStringToAddress`: parse an address from text (`WSAStringToAddressW`). */
  lpWSPStringToAddress: LPWSPSTRINGTOADDRESS;
}

/** The 30 member names of `WSPPROC_TABLE`, in Windows' order. */
export const WSPPROC_TABLE_MEMBERS = [
  'lpWSPAccept',
  'lpWSPAddressToString',
  'lpWSPAsyncSelect',
  'lpWSPBind',
  'lpWSPCancelBlockingCall',
  'lpWSPCleanup',
  'lpWSPCloseSocket',
  'lpWSPConnect',
  'lpWSPDuplicateSocket',
  'lpWSPEnumNetworkEvents',
  'lpWSPEventSelect',
  'lpWSPGetOverlappedResult',
  'lpWSPGetPeerName',
  'lpWSPGetSockName',
  'lpWSPGetSockOpt',
  'lpWSPGetQOSByName',
  'lpWSPIoctl',
  'lpWSPJoinLeaf',
  'lpWSPListen',
  'lpWSPRecv',
  'lpWSPRecvDisconnect',
  'lpWSPRecvFrom',
  'lpWSPSelect',
  'lpWSPSend',
  'lpWSPSendDisconnect',
  'lpWSPSendTo',
  'lpWSPSetSockOpt',
  'lpWSPShutdown',
  'lpWSPSocket',
  'lpWSPStringToAddress',
] as const satisfies readonly (keyof WSPPROC_TABLE)[];

/** The names of the `WSPPROC_TABLE` members. */
export type WspProcName = (typeof WSPPROC_TABLE_MEMBERS)[number];

/**
 * `WSPStartup` (ws2spi.h): the one export a provider module needs. Returns the error code directly
 * (0 on success; e.g. `WSAVERNOTSUPPORTED`), fills `lpWSPData` and every member of `lpProcTable`.
 * Version words are `MAKEWORD(major, minor)`.
 */
export type LPWSPSTARTUP = (
  wVersionRequested: number,
  lpWSPData: WSPDATA,
  lpProtocolInfo: WSAPROTOCOL_INFOW,
  UpcallTable: WSPUPCALLTABLE,
  lpProcTable: Partial<WSPPROC_TABLE>,
) => number;

/**
 * The missing or non-function members of a proc table, in Windows' order; empty when complete.
 * A table with any missing member is `WSAEINVALIDPROCTABLE`.
 */
export function missingProcTableMembers(table: Partial<WSPPROC_TABLE> | null | undefined): WspProcName[] {
  return WSPPROC_TABLE_MEMBERS.filter((name) => typeof table?.[name] !== 'function');
}
