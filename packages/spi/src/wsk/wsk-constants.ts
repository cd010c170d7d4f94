/**
 * The constants of wsk.h with Windows' names and values: socket categories, request and event
 * flags, event masks, socket options and IOCTLs, wait values, client control codes, the WSK
 * version macros and the NPI identifier. The same number means different things in different
 * calls (`0x1` is `WSK_FLAG_ABORTIVE` to `WskDisconnect` and `WSK_FLAG_OOB` to `WskSend`), as in C.
 * @module
 */

import type { GUID } from '../types/guid';

// ---- versions -----------------------------------------------------------------------------

/** `MAKE_WSK_VERSION(Mj, Mn)`: `(Mj << 8) | (Mn & 0xff)`, as a `USHORT`. */
export function MAKE_WSK_VERSION(major: number, minor: number): number {
  return ((major << 8) | (minor & 0xff)) & 0xffff;
}

/** `WSK_MAJOR_VERSION(V)`: the high byte. */
export function WSK_MAJOR_VERSION(version: number): number {
  return (version >> 8) & 0xff;
}

/** `WSK_MINOR_VERSION(V)`: the low byte. */
export function WSK_MINOR_VERSION(version: number): number {
  return version & 0xff;
}

/**
 * `NPI_WSK_INTERFACE_ID` {2227E803-8D8B-11D4-ABAD-009027719E09}: the NPI of the standard WSK
 * events, named in `WSK_EVENT_CALLBACK_CONTROL.NpiId`.
 */
export const NPI_WSK_INTERFACE_ID: GUID = '2227e803-8d8b-11d4-abad-009027719e09';

// ---- socket categories (WskSocket Flags) ---------------------------------------------------

/** A basic socket: control operations only (`WSK_PROVIDER_BASIC_DISPATCH`). */
export const WSK_FLAG_BASIC_SOCKET = 0x00000000;
/** A listening socket: accepts connections (`WSK_PROVIDER_LISTEN_DISPATCH`). */
export const WSK_FLAG_LISTEN_SOCKET = 0x00000001;
/** A connection-oriented socket (`WSK_PROVIDER_CONNECTION_DISPATCH`). */
export const WSK_FLAG_CONNECTION_SOCKET = 0x00000002;
/** A datagram socket (`WSK_PROVIDER_DATAGRAM_DISPATCH`). */
export const WSK_FLAG_DATAGRAM_SOCKET = 0x00000004;
/**
 * A stream socket (WSK 1.1+, listen or connect decided later): not offered, `WskSocket` answers
 * `STATUS_NOT_SUPPORTED`.
 */
export const WSK_FLAG_STREAM_SOCKET = 0x00000008;

// ---- request and event flags ---------------------------------------------------------------

/** `WskDisconnect`: abortive; `WskDisconnectEvent`: the peer reset the connection. */
export const WSK_FLAG_ABORTIVE = 0x00000001;
/** `WskSend`: send as out-of-band (expedited) data. */
export const WSK_FLAG_OOB = 0x00000001;
/** `WskSend`: send this and everything queued without delay. */
export const WSK_FLAG_NODELAY = 0x00000002;
/** Receive events: do not keep the indicated buffers long. */
export const WSK_FLAG_RELEASE_ASAP = 0x00000002;
/** `WskReceive`: complete only when the buffer is full (or the connection ends). */
export const WSK_FLAG_WAITALL = 0x00000002;
/** Receive events: the indication is a whole message. */
export const WSK_FLAG_ENTIRE_MESSAGE = 0x00000004;
/** `WskReceive`: discard everything received, now and until the connection ends. */
export const WSK_FLAG_DRAIN = 0x00000004;
/** Event callbacks: the callback runs at `DISPATCH_LEVEL`. */
export const WSK_FLAG_AT_DISPATCH_LEVEL = 0x00000008;

// ---- event masks (SO_WSK_EVENT_CALLBACK) ---------------------------------------------------

/** `WskSendBacklogEvent` (connection and listen sockets). */
export const WSK_EVENT_SEND_BACKLOG = 0x00000010;
/** `WskReceiveEvent` (connection and listen sockets). */
export const WSK_EVENT_RECEIVE = 0x00000040;
/** `WskDisconnectEvent` (connection and listen sockets). */
export const WSK_EVENT_DISCONNECT = 0x00000080;
/** `WskReceiveFromEvent` (datagram sockets). */
export const WSK_EVENT_RECEIVE_FROM = 0x00000100;
/** `WskAcceptEvent` (listen sockets). */
export const WSK_EVENT_ACCEPT = 0x00000200;
/** Disables the one event named with it. */
export const WSK_EVENT_DISABLE = 0x80000000;

// ---- socket options and control requests ---------------------------------------------------

/** `WSK_SO_BASE` (ws2def.h): the first WSK socket option. */
export const WSK_SO_BASE = 0x4000;
/** Applies a security descriptor to the socket: not offered (`STATUS_NOT_SUPPORTED`). */
export const SO_WSK_SECURITY = WSK_SO_BASE + 1;
/** Enables and disables event callbacks with a `WSK_EVENT_CALLBACK_CONTROL`. */
export const SO_WSK_EVENT_CALLBACK = WSK_SO_BASE + 2;

/** `WSK_CONTROL_SOCKET_TYPE`: what `WskControlSocket` does. */
export const WskSetOption = 0;
/** Reads a socket option. */
export const WskGetOption = 1;
/** Issues an I/O control code (`SIO_*`). */
export const WskIoctl = 2;
/** One past the last `WSK_CONTROL_SOCKET_TYPE`. */
export const WskControlMax = 3;

/** `WSK_INSPECT_ACTION` (conditional accept). */
export const WskInspectReject = 0;
/** `WskInspectEvent`'s answer that accepts the connection. */
export const WskInspectAccept = 1;
/** `WskInspectEvent`'s answer that decides later, through `WskInspectComplete`. */
export const WskInspectPend = 2;
/** One past the last `WSK_INSPECT_ACTION`. */
export const WskInspectMax = 3;

const IOC_VOID = 0x20000000;
const IOC_OUT = 0x40000000;
const IOC_IN = 0x80000000;
/** `IOC_WS2` (ws2def.h). */
export const IOC_WS2 = 0x08000000;
/** `IOC_WSK`: `IOC_WS2 | 0x07000000`. */
export const IOC_WSK = (IOC_WS2 | 0x07000000) >>> 0;

const ioctl = (direction: number, code: number): number => (direction | IOC_WSK | code) >>> 0;

/** `_WSAIOW(IOC_WSK, 0x1)`: fixes the remote address of a datagram socket. */
export const SIO_WSK_SET_REMOTE_ADDRESS = ioctl(IOC_IN, 0x1);
/** `_WSAIORW(IOC_WSK, 0x2)`. */
export const SIO_WSK_REGISTER_EXTENSION = ioctl(IOC_IN | IOC_OUT, 0x2);
/** `_WSAIOR(IOC_WSK, 0x3)`: the ideal send backlog of a connection. */
export const SIO_WSK_QUERY_IDEAL_SEND_BACKLOG = ioctl(IOC_OUT, 0x3);
/** `_WSAIOR(IOC_WSK, 0x4)`: bytes received and not yet taken. */
export const SIO_WSK_QUERY_RECEIVE_BACKLOG = ioctl(IOC_OUT, 0x4);
/** `_WSAIOR(IOC_WSK, 0x5)`: the inspect ID of a conditionally accepted connection (not offered). */
export const SIO_WSK_QUERY_INSPECT_ID = ioctl(IOC_OUT, 0x5);
/**
 * `_WSAIOW(IOC_WSK, 0x6)`: a fixed destination for a datagram socket's `WskSendTo` (not offered).
 */
export const SIO_WSK_SET_SENDTO_ADDRESS = ioctl(IOC_IN, 0x6);
/** `_WSAIO(IOC_WSK, 0x7)`: TCP silent mode (not offered). */
export const SIO_WSK_SET_TCP_SILENT_MODE = ioctl(IOC_VOID, 0x7);
/** `_WSAIOW(IOC_WSK, 0x8)`: the receive-ex callback (not offered). */
export const SIO_WSK_SET_RECEIVE_EX_CALLBACK = ioctl(IOC_IN, 0x8);

// ---- registration --------------------------------------------------------------------------

/** `WskCaptureProviderNPI`: do not wait for the provider. */
export const WSK_NO_WAIT = 0;
/** `WskCaptureProviderNPI`: wait until the provider is available. */
export const WSK_INFINITE_WAIT = 0xffffffff;

// ---- client control codes (WskControlClient) -----------------------------------------------

/** `WskControlClient`: the transports the provider offers, as `WSK_TRANSPORT` entries. */
export const WSK_TRANSPORT_LIST_QUERY = 2;
/** `WskControlClient`: an IRP that completes when the transport list changes. */
export const WSK_TRANSPORT_LIST_CHANGE = 3;
/** `WskControlClient`: caches a security descriptor (not offered). */
export const WSK_CACHE_SD = 4;
/** `WskControlClient`: releases a cached security descriptor (not offered). */
export const WSK_RELEASE_SD = 5;
/** `WskControlClient`: maps a TDI device name to a transport (not offered). */
export const WSK_TDI_DEVICENAME_MAPPING = 6;
/** `WskControlClient`: enables event callbacks on every socket the client creates from now on. */
export const WSK_SET_STATIC_EVENT_CALLBACKS = 7;
/** `WskControlClient`: whether WSK uses TDI transports (not offered). */
export const WSK_TDI_BEHAVIOR = 8;
/** `WSK_TDI_BEHAVIOR`'s value that bypasses TDI transports. */
export const WSK_TDI_BEHAVIOR_BYPASS_TDI = 0x00000001;

// ---- datagram control flags (ws2def.h), reported by WskReceiveFrom -------------------------

/** The datagram was larger than the buffer; the rest was discarded. */
export const MSG_TRUNC = 0x0100;
/** The control information was larger than its buffer; the rest was discarded. */
export const MSG_CTRUNC = 0x0200;
/** The datagram was received as a link-layer broadcast. */
export const MSG_BCAST = 0x0400;
/** The datagram was received as a link-layer multicast. */
export const MSG_MCAST = 0x0800;
