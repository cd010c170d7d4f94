/**
 * The extension functions of mswsock.h, as `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)` hands
 * them out: `LPFN_ACCEPTEX`, `LPFN_GETACCEPTEXSOCKADDRS`, `LPFN_CONNECTEX`, `LPFN_DISCONNECTEX`,
 * `LPFN_TRANSMITFILE`, `LPFN_WSARECVMSG`, `LPFN_WSASENDMSG`, and the structures they take.
 *
 * They are application-level functions: no `lpErrno`; a failure returns FALSE (or
 * `SOCKET_ERROR`) with the error in `WSAGetLastError()`, `ERROR_IO_PENDING` for a request that
 * pends. A function that never blocks in C (an overlapped-only one, or one that completes at once)
 * is synchronous; one that can block returns a Promise of its C result.
 * @module
 */

import type { Out } from '../types/out-cell';
import type { SOCKADDR } from '../types/sockaddr';
import type { WSABUF } from '../types/wsabuf';
import type { LPWSAOVERLAPPED_COMPLETION_ROUTINE, SOCKET, WSAOVERLAPPED, WSAPOLLFD } from './wsp-types';

/**
 * `AcceptEx`: accepts the listener's next connection into `sAcceptSocket` (unbound, unconnected),
 * writing the first `dwReceiveDataLength` bytes received, then the local and the remote address
 * (in slots of `dwLocalAddressLength` / `dwRemoteAddressLength` bytes, each at least 16 more than
 * the transport's address), into `lpOutputBuffer`. Overlapped only: it pends (FALSE,
 * `ERROR_IO_PENDING`) and completes on the listener's completion port.
 */
export type LPFN_ACCEPTEX = (
  sListenSocket: SOCKET,
  sAcceptSocket: SOCKET,
  lpOutputBuffer: Uint8Array | null,
  dwReceiveDataLength: number,
  dwLocalAddressLength: number,
  dwRemoteAddressLength: number,
  lpdwBytesReceived: Out<number> | null,
  lpOverlapped: WSAOVERLAPPED | null,
) => boolean;

/**
 * `GetAcceptExSockaddrs`: the local and remote addresses `AcceptEx` wrote into its buffer (the same
 * three lengths). C returns pointers into the buffer; here the addresses decoded from it.
 */
export type LPFN_GETACCEPTEXSOCKADDRS = (
  lpOutputBuffer: Uint8Array,
  dwReceiveDataLength: number,
  dwLocalAddressLength: number,
  dwRemoteAddressLength: number,
  LocalSockaddr: Out<SOCKADDR | null>,
  LocalSockaddrLength: Out<number>,
  RemoteSockaddr: Out<SOCKADDR | null>,
  RemoteSockaddrLength: Out<number>,
) => void;

/**
 * `ConnectEx`: connects a bound, unconnected connection-oriented socket, then sends
 * `lpSendBuffer`'s first `dwSendDataLength` bytes. Overlapped only; the completion reports the
 * bytes sent.
 */
export type LPFN_CONNECTEX = (
  s: SOCKET,
  name: SOCKADDR | null,
  namelen: number,
  lpSendBuffer: Uint8Array | null,
  dwSendDataLength: number,
  lpdwBytesSent: Out<number> | null,
  lpOverlapped: WSAOVERLAPPED | null,
) => boolean;

/**
 * `DisconnectEx`: closes the sending side of the connection (the peer reads its end), leaving the
 * socket connected for what `SD_SEND` leaves; with `TF_REUSE_SOCKET` the socket can afterwards be
 * given to `AcceptEx` or `ConnectEx` again. Overlapped, it pends and completes with 0 bytes.
 */
export type LPFN_DISCONNECTEX = (
  s: SOCKET,
  lpOverlapped: WSAOVERLAPPED | null,
  dwFlags: number,
  dwReserved: number,
) => boolean;

/** `TRANSMIT_FILE_BUFFERS`: data sent before and after the file. */
export interface TRANSMIT_FILE_BUFFERS {
  /** The data sent before the file, or null for none. */
  Head: Uint8Array | null;
  /** How many bytes of `Head` to send. */
  HeadLength: number;
  /** The data sent after the file, or null for none. */
  Tail: Uint8Array | null;
  /** How many bytes of `Tail` to send. */
  TailLength: number;
}

/**
 * A file handle for `TransmitFile`: a file descriptor from `fs.open`/`fs.openSync`, or a
 * `fs.promises.FileHandle`. Without an `OVERLAPPED` the file's current position is used and
 * advanced; with one, `Offset`/`OffsetHigh` give the position.
 */
export type FILE_HANDLE =
  | number
  | {
      /** The file descriptor of a `fs.promises.FileHandle`. */
      readonly fd: number;
    };

/**
 * `TransmitFile`: sends `nNumberOfBytesToWrite` bytes of the file (0 = to its end) between the
 * head and tail buffers; `TF_DISCONNECT` then disconnects, `TF_REUSE_SOCKET` (with it) leaves the
 * socket reusable. Returns a Promise: without an `OVERLAPPED` it blocks until everything is sent.
 */
export type LPFN_TRANSMITFILE = (
  hSocket: SOCKET,
  hFile: FILE_HANDLE | null,
  nNumberOfBytesToWrite: number,
  nNumberOfBytesPerSend: number,
  lpOverlapped: WSAOVERLAPPED | null,
  lpTransmitBuffers: TRANSMIT_FILE_BUFFERS | null,
  dwReserved: number,
) => Promise<boolean>;

/**
 * `WSAMSG`: the message of `WSARecvMsg` / `WSASendMsg`. `name` is the peer address — written by
 * `WSARecvMsg` (give it a non-null value, or `namelen` 0), read by `WSASendMsg`. `dwFlags` are
 * the output flags of a receive (`MSG_TRUNC`, `MSG_CTRUNC`, …).
 */
export interface WSAMSG {
  /**
   * The peer address: the source `WSARecvMsg` writes, the destination `WSASendMsg` reads (null: the connected
   * peer).
   */
  name: SOCKADDR | null;
  /** The size of `name` in bytes; `WSARecvMsg` sets it to the length of the source address. */
  namelen: number;
  /** The data buffers (`LPWSABUF`). */
  lpBuffers: WSABUF[] | null;
  /** How many entries of `lpBuffers` are used. */
  dwBufferCount: number;
  /** The buffer for protocol control (ancillary) data; on return `len` is the bytes of it received. */
  Control: WSABUF;
  /** In: `WSARecvMsg`'s flags (only `MSG_PEEK`). Out: its `MSG_*` result flags. Ignored by `WSASendMsg`. */
  dwFlags: number;
}

/** `WSARecvMsg` (datagram and raw sockets): receives a message with its source and control data. */
export type LPFN_WSARECVMSG = (
  s: SOCKET,
  lpMsg: WSAMSG | null,
  lpdwNumberOfBytesRecvd: Out<number> | null,
  lpOverlapped: WSAOVERLAPPED | null,
  lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
) => Promise<number>;

/** `WSASendMsg` (datagram and raw sockets): sends a message to `lpMsg.name` (or the connected peer). */
export type LPFN_WSASENDMSG = (
  s: SOCKET,
  lpMsg: WSAMSG | null,
  dwFlags: number,
  lpNumberOfBytesSent: Out<number> | null,
  lpOverlapped: WSAOVERLAPPED | null,
  lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
) => Promise<number>;

/**
 * `WSAPOLLDATA` (ws2spi.h): the argument block of `SIO_EXT_POLL`, which ws2_32 sends to the
 * provider (the handle `SIO_BSP_HANDLE_POLL` named) to have `WSAPoll` evaluated there.
 */
export interface WSAPOLLDATA {
  /** Out: how many entries have `revents`. */
  result: number;
  /** In: how many entries of `fdArray` to look at. */
  fds: number;
  /** In: how long to wait, in ms (providers here evaluate at once: 0). */
  timeout: number;
  /**
   * In/out: the `WSAPOLLFD` entries (socket, `events` asked for, `revents` found), as `WSAPoll` takes them.
   */
  fdArray: WSAPOLLFD[];
}

/** Any extension function a GUID names. */
export type ExtensionFunction =
  | LPFN_ACCEPTEX
  | LPFN_GETACCEPTEXSOCKADDRS
  | LPFN_CONNECTEX
  | LPFN_DISCONNECTEX
  | LPFN_TRANSMITFILE
  | LPFN_WSARECVMSG
  | LPFN_WSASENDMSG;

/** `sizeof(void *)` on x64: the `cbOutBuffer` an extension-function pointer needs and the bytes returned. */
export const SIZEOF_POINTER = 8;
/** `sizeof(SOCKET)` on x64: the output of the base-handle ioctls, and `SO_UPDATE_ACCEPT_CONTEXT`'s `optlen`. */
export const SIZEOF_SOCKET = 8;
/** The bytes `AcceptEx` needs beyond the transport's address in each address slot. */
export const ACCEPTEX_ADDRESS_SLACK = 16;
/** `TransmitFile`'s and `TransmitPackets`' largest transfer: 2^31 - 2 bytes. */
export const TRANSMIT_FILE_MAX_BYTES = 2_147_483_646;
