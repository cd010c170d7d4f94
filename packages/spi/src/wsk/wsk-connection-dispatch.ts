/**
 * `WSK_PROVIDER_CONNECTION_DISPATCH`, members in wsk.h's order: `WskControlSocket`,
 * `WskCloseSocket`, `WskBind`, `WskConnect`, `WskGetLocalAddress`, `WskGetRemoteAddress`,
 * `WskSend`, `WskReceive`, `WskDisconnect`, `WskRelease`, `WskConnectEx`, `WskSendEx`,
 * `WskReceiveEx`. The `Ex` forms carry control information this provider does not have: a
 * `ControlInfoLength` other than 0 is `STATUS_NOT_SUPPORTED`.
 *
 * Where wsk.h states a rule but names no status, these are the answers (the NTSTATUS AFD gives the
 * same condition, or the one wsk.h uses for the nearest case):
 * - `WskConnect` on a socket not bound with `WskBind` (WSK does not bind implicitly, unlike
 *   Winsock's `connect`): `STATUS_INVALID_DEVICE_STATE`, as the address queries before bind and
 *   connect; `WskBind` a second time: `STATUS_ADDRESS_ALREADY_ASSOCIATED`; `WskConnect` on a
 *   connected socket: `STATUS_CONNECTION_ACTIVE`.
 * - `WskSend`, `WskReceive` or a graceful `WskDisconnect` after this end's graceful disconnect, or
 *   on a socket never connected: `STATUS_INVALID_DEVICE_STATE`. After a reset (either end's),
 *   requests already pending complete with the transport's status (`STATUS_CONNECTION_RESET`,
 *   `STATUS_CANCELLED` for this end's abort — a `WSK_FLAG_WAITALL` receive holding bytes too, with
 *   0), later ones with `STATUS_FILE_FORCED_CLOSED`.
 * - A zero-length `WskReceive` (no `WSK_FLAG_DRAIN`) waits for data or the end, like Winsock's
 *   zero-byte receive, and completes with 0 bytes.
 * - A reserved `Flags` other than 0: `STATUS_INVALID_PARAMETER`.
 * @module
 */

import type { Out } from '../types/out-cell';
import type { SOCKADDR } from '../types/sockaddr';
import type { IRP } from './irp';
import { type NTSTATUS, STATUS_INVALID_PARAMETER, STATUS_NOT_SUPPORTED } from './ntstatus';
import {
  type PFN_WSK_CLOSE_SOCKET,
  type PFN_WSK_CONTROL_SOCKET,
  WskCloseSocket,
  WskControlSocket,
} from './wsk-basic-dispatch';
import type { WSK_BUF } from './wsk-buf';
import type { WSK_DATA_INDICATION } from './wsk-client-dispatch';
import { WskConnectionSocket } from './wsk-connection-socket';
import type { PFN_WSK_BIND, PFN_WSK_GET_LOCAL_ADDRESS } from './wsk-listen-dispatch';
import { isOutCell } from './wsk-sockaddr';
import { enterSocket, failedCall, withSocket } from './wsk-socket';
import type { WSK_SOCKET } from './wsk-socket-types';

/** `PFN_WSK_CONNECT`: connects a bound connection socket (`Flags` reserved, 0). */
export type PFN_WSK_CONNECT = (
  Socket: WSK_SOCKET,
  RemoteAddress: SOCKADDR,
  Flags: number,
  Irp: IRP,
) => NTSTATUS;

/** `PFN_WSK_GET_REMOTE_ADDRESS`. */
export type PFN_WSK_GET_REMOTE_ADDRESS = (
  Socket: WSK_SOCKET,
  RemoteAddress: Out<SOCKADDR | null>,
  Irp: IRP,
) => NTSTATUS;

/** `PFN_WSK_SEND`: `WSK_FLAG_NODELAY`, `WSK_FLAG_OOB` (where the transport has expedited data). */
export type PFN_WSK_SEND = (Socket: WSK_SOCKET, Buffer: WSK_BUF, Flags: number, Irp: IRP) => NTSTATUS;

/**
 * `PFN_WSK_RECEIVE`: `WSK_FLAG_WAITALL`, or `WSK_FLAG_DRAIN` with a zero-length buffer; the two
 * together, or DRAIN with bytes to fill, are `STATUS_INVALID_PARAMETER`. WAITALL is a byte-stream
 * flag: on a message-oriented transport (ISO transport) it is `STATUS_NOT_SUPPORTED`. A zero-length receive
 * without DRAIN waits for data (or the end) and completes with 0 bytes, as a zero-byte receive
 * does in Winsock; it also lifts a suspension of `WskReceiveEvent`.
 */
export type PFN_WSK_RECEIVE = (Socket: WSK_SOCKET, Buffer: WSK_BUF, Flags: number, Irp: IRP) => NTSTATUS;

/** `PFN_WSK_DISCONNECT`: graceful (flags 0, optional final buffer) or `WSK_FLAG_ABORTIVE` (no buffer). */
export type PFN_WSK_DISCONNECT = (
  Socket: WSK_SOCKET,
  Buffer: WSK_BUF | null,
  Flags: number,
  Irp: IRP,
) => NTSTATUS;

/** `PFN_WSK_RELEASE_DATA_INDICATION_LIST`: gives back an indication kept with `STATUS_PENDING`. */
export type PFN_WSK_RELEASE_DATA_INDICATION_LIST = (
  Socket: WSK_SOCKET,
  DataIndication: WSK_DATA_INDICATION,
) => NTSTATUS;

/** `PFN_WSK_CONNECT_EX`: connects, then sends `Buffer`. */
export type PFN_WSK_CONNECT_EX = (
  Socket: WSK_SOCKET,
  RemoteAddress: SOCKADDR,
  Buffer: WSK_BUF | null,
  Flags: number,
  Irp: IRP,
) => NTSTATUS;

/** `PFN_WSK_SEND_EX`. */
export type PFN_WSK_SEND_EX = (
  Socket: WSK_SOCKET,
  Buffer: WSK_BUF,
  Flags: number,
  ControlInfoLength: number,
  ControlInfo: unknown,
  Irp: IRP,
) => NTSTATUS;

/** `PFN_WSK_RECEIVE_EX`. */
export type PFN_WSK_RECEIVE_EX = (
  Socket: WSK_SOCKET,
  Buffer: WSK_BUF,
  Flags: number,
  ControlInfoLength: Out<number> | null,
  ControlInfo: unknown,
  ControlFlags: null,
  Irp: IRP,
) => NTSTATUS;

/** `WSK_PROVIDER_CONNECTION_DISPATCH`. */
export interface WSK_PROVIDER_CONNECTION_DISPATCH {
  /**
   * Sets or gets a socket option, or issues an I/O control (`SO_WSK_EVENT_CALLBACK` among them).
   */
  WskControlSocket: PFN_WSK_CONTROL_SOCKET;
  /**
   * Closes the socket: pending IRPs complete with `STATUS_CANCELLED`, the socket object is gone
   * once the IRP completes.
   */
  WskCloseSocket: PFN_WSK_CLOSE_SOCKET;
  /** Binds the socket to a local address (once). */
  WskBind: PFN_WSK_BIND;
  /** Connects the socket to a remote address. */
  WskConnect: PFN_WSK_CONNECT;
  /** The socket's local address. */
  WskGetLocalAddress: PFN_WSK_GET_LOCAL_ADDRESS;
  /** The connected peer's address. */
  WskGetRemoteAddress: PFN_WSK_GET_REMOTE_ADDRESS;
  /** Sends the bytes of a `WSK_BUF`; completes once the transport took them. */
  WskSend: PFN_WSK_SEND;
  /** Receives into a `WSK_BUF` (when `WskReceiveEvent` is not enabled, or for what it left). */
  WskReceive: PFN_WSK_RECEIVE;
  /**
   * Disconnects: graceful (optionally sending a final buffer first) or abortive
   * (`WSK_FLAG_ABORTIVE`).
   */
  WskDisconnect: PFN_WSK_DISCONNECT;
  /** Gives back an indication list kept by returning `STATUS_PENDING` from the receive callback. */
  WskRelease: PFN_WSK_RELEASE_DATA_INDICATION_LIST;
  /** Connects, then sends a first buffer. */
  WskConnectEx: PFN_WSK_CONNECT_EX;
  /** `WskSend` with control information (none other than a length of 0 is supported). */
  WskSendEx: PFN_WSK_SEND_EX;
  /** `WskReceive` with control information (none other than a length of 0 is supported). */
  WskReceiveEx: PFN_WSK_RECEIVE_EX;
}

const C = WskConnectionSocket;

/** The table of connection sockets. */
export const connectionDispatch: WSK_PROVIDER_CONNECTION_DISPATCH =
  Object.freeze<WSK_PROVIDER_CONNECTION_DISPATCH>({
    WskControlSocket,
    WskCloseSocket,
    WskBind: (Socket, LocalAddress, Flags, Irp) =>
      withSocket(Socket, C, 'WskBind', Irp, true, (s, irp) => s.bind(irp!, LocalAddress, Flags)),
    WskConnect: (Socket, RemoteAddress, Flags, Irp) =>
      withSocket(Socket, C, 'WskConnect', Irp, true, (s, irp) => s.connect(irp!, RemoteAddress, null, Flags)),
    WskGetLocalAddress: (Socket, LocalAddress, Irp) =>
      withSocket(Socket, C, 'WskGetLocalAddress', Irp, true, (s, irp) =>
        s.getLocalAddress(irp!, LocalAddress),
      ),
    WskGetRemoteAddress: (Socket, RemoteAddress, Irp) =>
      withSocket(Socket, C, 'WskGetRemoteAddress', Irp, true, (s, irp) =>
        s.getRemoteAddress(irp!, RemoteAddress),
      ),
    // The per-packet calls go without a closure.
    WskSend: (Socket, Buffer, Flags, Irp) => {
      const s = enterSocket(Socket, C, 'WskSend', Irp, true);
      if (typeof s === 'number') return s;
      try {
        return s.send(Irp, Buffer, Flags);
      } catch (error) {
        return failedCall(error, Irp, 'WskSend');
      }
    },
    WskReceive: (Socket, Buffer, Flags, Irp) => {
      const s = enterSocket(Socket, C, 'WskReceive', Irp, true);
      if (typeof s === 'number') return s;
      try {
        return s.receive(Irp, Buffer, Flags);
      } catch (error) {
        return failedCall(error, Irp, 'WskReceive');
      }
    },
    WskDisconnect: (Socket, Buffer, Flags, Irp) =>
      withSocket(Socket, C, 'WskDisconnect', Irp, true, (s, irp) => s.disconnect(irp!, Buffer, Flags)),
    WskRelease: (Socket, DataIndication) =>
      withSocket(Socket, C, 'WskRelease', null, false, (s) => s.release_(DataIndication)),
    WskConnectEx: (Socket, RemoteAddress, Buffer, Flags, Irp) =>
      withSocket(Socket, C, 'WskConnectEx', Irp, true, (s, irp) =>
        s.connect(irp!, RemoteAddress, Buffer, Flags),
      ),
    WskSendEx: (Socket, Buffer, Flags, ControlInfoLength, _ControlInfo, Irp) =>
      withSocket(Socket, C, 'WskSendEx', Irp, true, (s, irp) => {
        if (typeof ControlInfoLength !== 'number') return s.finish(irp, STATUS_INVALID_PARAMETER);
        if (ControlInfoLength !== 0) return s.finish(irp, STATUS_NOT_SUPPORTED);
        return s.send(irp!, Buffer, Flags);
      }),
    WskReceiveEx: (Socket, Buffer, Flags, ControlInfoLength, _ControlInfo, ControlFlags, Irp) =>
      withSocket(Socket, C, 'WskReceiveEx', Irp, true, (s, irp) => {
        if (ControlFlags !== null && ControlFlags !== undefined)
          return s.finish(irp, STATUS_INVALID_PARAMETER);
        if (ControlInfoLength !== null && ControlInfoLength !== undefined) {
          if (!isOutCell(ControlInfoLength)) return s.finish(irp, STATUS_INVALID_PARAMETER);
          ControlInfoLength.value = 0;
        }
        return s.receive(irp!, Buffer, Flags);
      }),
  });
