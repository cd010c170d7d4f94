/**
 * The Microsoft extensions of mswsock.h and the Winsock 2 ioctls around them: the
 * `SIO_GET_EXTENSION_FUNCTION_POINTER` ioctl and the GUIDs it takes, the base-handle ioctls
 * (`SIO_BASE_HANDLE`, `SIO_BSP_HANDLE*`), the `TF_*` / `TP_*` flags of `TransmitFile`,
 * `TransmitPackets` and `DisconnectEx`, the `SO_UPDATE_*_CONTEXT` options and the `MSG_*` output
 * flags of `WSARecvMsg`.
 * @module
 */

import type { GUID } from '../types/guid';

/** `IOC_VOID`: an ioctl without buffers. */
export const IOC_VOID = 0x20000000;
/** `IOC_OUT`: an ioctl with an output buffer. */
export const IOC_OUT = 0x40000000;
/** `IOC_IN`: an ioctl with an input buffer. */
export const IOC_IN = 0x80000000;
/** `IOC_INOUT` (`IOC_IN | IOC_OUT`). */
export const IOC_INOUT = 0xc0000000;
/** `IOC_WS2`: the generic Winsock 2 ioctl family (T = 1). */
export const IOC_WS2 = 0x08000000;
/** `IOC_VENDOR`: vendor-defined ioctls (T = 3). */
export const IOC_VENDOR = 0x18000000;

/** `_WSAIO(x, y)` = `IOC_VOID | x | y`. */
export function _WSAIO(x: number, y: number): number {
  return (IOC_VOID | x | y) >>> 0;
}
/** `_WSAIOR(x, y)` = `IOC_OUT | x | y`. */
export function _WSAIOR(x: number, y: number): number {
  return (IOC_OUT | x | y) >>> 0;
}
/** `_WSAIOW(x, y)` = `IOC_IN | x | y`. */
export function _WSAIOW(x: number, y: number): number {
  return (IOC_IN | x | y) >>> 0;
}
/** `_WSAIORW(x, y)` = `IOC_INOUT | x | y`. */
export function _WSAIORW(x: number, y: number): number {
  return (IOC_INOUT | x | y) >>> 0;
}

/** `_WSAIO(IOC_WS2, 4)`: discard queued urgent data. */
export const SIO_FLUSH = 0x28000004;
/** `_WSAIORW(IOC_WS2, 6)`: in a GUID, out the provider's extension function for this socket. */
export const SIO_GET_EXTENSION_FUNCTION_POINTER = 0xc8000006;
/** `_WSAIORW(IOC_WS2, 13)`. */
export const SIO_TRANSLATE_HANDLE = 0xc800000d;
/** `_WSAIOR(IOC_WS2, 24)`. */
export const SIO_QUERY_TARGET_PNP_HANDLE = 0x48000018;
/** `_WSAIOR(IOC_WS2, 27)`: the handle `WSASendMsg` is sent to (an LSP that hooks it answers its own). */
export const SIO_BSP_HANDLE = 0x4800001b;
/** `_WSAIOR(IOC_WS2, 28)`: the handle `select` is sent to. */
export const SIO_BSP_HANDLE_SELECT = 0x4800001c;
/** `_WSAIOR(IOC_WS2, 29)`: the handle `WSAPoll` is sent to; `lpOverlapped` must be NULL. */
export const SIO_BSP_HANDLE_POLL = 0x4800001d;
/** `_WSAIORW(IOC_WS2, 30)`. */
export const SIO_EXT_SELECT = 0xc800001e;
/** `_WSAIORW(IOC_WS2, 31)`. */
export const SIO_EXT_POLL = 0xc800001f;
/** `_WSAIORW(IOC_WS2, 32)`. */
export const SIO_EXT_SENDMSG = 0xc8000020;
/** `_WSAIOR(IOC_WS2, 34)`: the base service provider's handle; never intercepted by a correct LSP. */
export const SIO_BASE_HANDLE = 0x48000022;
/** `_WSAIORW(IOC_WS2, 36)`: a table of extension functions (`WSAID_MULTIPLE_RIO`). */
export const SIO_GET_MULTIPLE_EXTENSION_FUNCTION_POINTER = 0xc8000024;

/** `WSAID_TRANSMITFILE`. */
export const WSAID_TRANSMITFILE: GUID = 'b5367df0-cbac-11cf-95ca-00805f48a192';
/** `WSAID_ACCEPTEX`. */
export const WSAID_ACCEPTEX: GUID = 'b5367df1-cbac-11cf-95ca-00805f48a192';
/** `WSAID_GETACCEPTEXSOCKADDRS`. */
export const WSAID_GETACCEPTEXSOCKADDRS: GUID = 'b5367df2-cbac-11cf-95ca-00805f48a192';
/** `WSAID_TRANSMITPACKETS`. */
export const WSAID_TRANSMITPACKETS: GUID = 'd9689da0-1f90-11d3-9971-00c04f68c876';
/** `WSAID_CONNECTEX`. */
export const WSAID_CONNECTEX: GUID = '25a207b9-ddf3-4660-8ee9-76e58c74063e';
/** `WSAID_DISCONNECTEX`. */
export const WSAID_DISCONNECTEX: GUID = '7fda2e11-8630-436f-a031-f536a6eec157';
/** `WSAID_WSARECVMSG`. */
export const WSAID_WSARECVMSG: GUID = 'f689d7c8-6f1f-436b-8a53-e54fe351c322';
/** `WSAID_WSASENDMSG`. */
export const WSAID_WSASENDMSG: GUID = 'a441e712-754f-43ca-84a7-0dee44cf606d';
/** `WSAID_WSAPOLL`. */
export const WSAID_WSAPOLL: GUID = '18c76f85-dc66-4964-972e-23c27238312b';
/** `WSAID_MULTIPLE_RIO` (only through `SIO_GET_MULTIPLE_EXTENSION_FUNCTION_POINTER`). */
export const WSAID_MULTIPLE_RIO: GUID = '8509e081-96dd-4005-b165-9e2ee8c79e3f';

// `TransmitFile` (`dwReserved`), `TransmitPackets` (`dwFlags`) and `DisconnectEx` (`dwFlags`) flags.
/** `TF_DISCONNECT`: `TransmitFile` starts a transport-level disconnect once all the data is queued. */
export const TF_DISCONNECT = 0x01;
/**
 * `TF_REUSE_SOCKET`: with `TF_DISCONNECT` (alone it is `WSAEINVAL`), the socket can be given again, once
 * the request completes, to the call that set it up: `AcceptEx` for an accepted one, `ConnectEx` for a
 * `ConnectEx` one. `DisconnectEx`'s only flag.
 */
export const TF_REUSE_SOCKET = 0x02;
/**
 * `TF_WRITE_BEHIND`: `TransmitFile` completes without pending once the system has accepted all the data
 * (the peer need not have acknowledged it); not with `TF_DISCONNECT` or `TF_REUSE_SOCKET`.
 */
export const TF_WRITE_BEHIND = 0x04;
/** `TF_USE_DEFAULT_WORKER`: long `TransmitFile` requests run on the system's default worker thread. */
export const TF_USE_DEFAULT_WORKER = 0x00;
/** `TF_USE_SYSTEM_THREAD`: long `TransmitFile` requests run on system threads. */
export const TF_USE_SYSTEM_THREAD = 0x10;
/** `TF_USE_KERNEL_APC`: long `TransmitFile` requests are processed by kernel APCs, not worker threads. */
export const TF_USE_KERNEL_APC = 0x20;
/** `DisconnectEx`'s name for `TF_REUSE_SOCKET`. */
export const DE_REUSE_SOCKET = TF_REUSE_SOCKET;
/**
 * `TP_DISCONNECT` (= `TF_DISCONNECT`): `TransmitPackets` starts a transport disconnect after the last
 * element.
 */
export const TP_DISCONNECT = TF_DISCONNECT;
/**
 * `TP_REUSE_SOCKET` (= `TF_REUSE_SOCKET`): with `TP_DISCONNECT` on a connection-oriented socket, the
 * socket can go to `AcceptEx` again once `TransmitPackets` completes.
 */
export const TP_REUSE_SOCKET = TF_REUSE_SOCKET;
/** `TP_USE_DEFAULT_WORKER` (= `TF_USE_DEFAULT_WORKER`): `TransmitPackets` on the default worker thread. */
export const TP_USE_DEFAULT_WORKER = TF_USE_DEFAULT_WORKER;
/** `TP_USE_SYSTEM_THREAD` (= `TF_USE_SYSTEM_THREAD`): `TransmitPackets` on system threads. */
export const TP_USE_SYSTEM_THREAD = TF_USE_SYSTEM_THREAD;
/** `TP_USE_KERNEL_APC` (= `TF_USE_KERNEL_APC`): long `TransmitPackets` requests run as kernel APCs. */
export const TP_USE_KERNEL_APC = TF_USE_KERNEL_APC;

// `TRANSMIT_PACKETS_ELEMENT.dwElFlags`.
/** `TP_ELEMENT_MEMORY`: the element's data is in memory, `pBuffer` (`cLength` bytes). */
export const TP_ELEMENT_MEMORY = 1;
/** `TP_ELEMENT_FILE`: the element's data is in the file `hFile`, from `nFileOffset` (`cLength` bytes). */
export const TP_ELEMENT_FILE = 2;
/**
 * `TP_ELEMENT_EOP`: OR'd into an element's flags, it ends a packet: the element is sent with the elements
 * before it and never combined with the next one.
 */
export const TP_ELEMENT_EOP = 4;

// mswsock.h `SOL_SOCKET` options.
/**
 * `SO_OPENTYPE`: a per-thread option: set to `SO_SYNCHRONOUS_ALERT` or `SO_SYNCHRONOUS_NONALERT`, the
 * sockets the thread creates afterwards are not overlapped (`WSASocket` without `WSA_FLAG_OVERLAPPED`
 * is the documented way).
 */
export const SO_OPENTYPE = 0x7008;
/** `SO_SYNCHRONOUS_ALERT`: `SO_OPENTYPE` value: new sockets are synchronous and their waits alertable. */
export const SO_SYNCHRONOUS_ALERT = 0x10;
/**
 * `SO_SYNCHRONOUS_NONALERT`: `SO_OPENTYPE` value: new sockets are synchronous and their waits not alertable.
 */
export const SO_SYNCHRONOUS_NONALERT = 0x20;
/**
 * `SO_MAXDG` (get only): the largest outbound datagram the protocol supports; no meaning for stream sockets.
 */
export const SO_MAXDG = 0x7009;
/**
 * `SO_MAXPATHDG` (get only): the largest outbound datagram to a given destination address; no meaning
 * for stream sockets, and Microsoft's providers may answer it as `SO_MAXDG`.
 */
export const SO_MAXPATHDG = 0x700a;
/** Set on an `AcceptEx` socket, with the listening socket as value, to give it the listener's properties. */
export const SO_UPDATE_ACCEPT_CONTEXT = 0x700b;
/** Seconds connected, or 0xFFFFFFFF while not connected. */
export const SO_CONNECT_TIME = 0x700c;
/** Set after `ConnectEx` before the socket's names, options or `shutdown` are used. */
export const SO_UPDATE_CONNECT_CONTEXT = 0x7010;

// Output flags of `WSARecvMsg` (`WSAMSG.dwFlags`).
/** `MSG_TRUNC`: the datagram was longer than the buffers and was cut (the call fails with `WSAEMSGSIZE`). */
export const MSG_TRUNC = 0x0100;
/**
 * `MSG_CTRUNC`: the control data was longer than `WSAMSG.Control` and was cut (the providers here
 * return no control data, so never set it).
 */
export const MSG_CTRUNC = 0x0200;
/** `MSG_BCAST`: the datagram arrived as a link-layer broadcast (not reported by the providers here). */
export const MSG_BCAST = 0x0400;
/** `MSG_MCAST`: the datagram arrived as a multicast (not reported by the providers here). */
export const MSG_MCAST = 0x0800;
