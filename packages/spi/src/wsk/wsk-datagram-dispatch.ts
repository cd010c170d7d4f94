/**
 * `WSK_PROVIDER_DATAGRAM_DISPATCH`, members in wsk.h's order: `WskControlSocket`, `WskCloseSocket`,
 * `WskBind`, `WskSendTo`, `WskReceiveFrom`, `WskRelease`, `WskGetLocalAddress`, `WskSendMessages`.
 * @module
 */

import type { Out } from '../types/out-cell';
import type { SOCKADDR } from '../types/sockaddr';
import type { IRP } from './irp';
import type { NTSTATUS } from './ntstatus';
import {
  type PFN_WSK_CLOSE_SOCKET,
  type PFN_WSK_CONTROL_SOCKET,
  WskCloseSocket,
  WskControlSocket,
} from './wsk-basic-dispatch';
import type { WSK_BUF } from './wsk-buf';
import type { WSK_DATAGRAM_INDICATION } from './wsk-client-dispatch';
import { WskDatagramSocket } from './wsk-datagram-socket';
import type { PFN_WSK_BIND, PFN_WSK_GET_LOCAL_ADDRESS } from './wsk-listen-dispatch';
import { withSocket } from './wsk-socket';
import type { WSK_SOCKET } from './wsk-socket-types';

/** `PFN_WSK_SEND_TO`: one datagram to `RemoteAddress` (or the fixed remote address; `Flags` reserved, 0). */
export type PFN_WSK_SEND_TO = (
  Socket: WSK_SOCKET,
  Buffer: WSK_BUF,
  Flags: number,
  RemoteAddress: SOCKADDR | null,
  ControlInfoLength: number,
  ControlInfo: unknown,
  Irp: IRP,
) => NTSTATUS;

/** `PFN_WSK_RECEIVE_FROM`: the next datagram, its sender and flags (`MSG_TRUNC`) into the out-cells. */
export type PFN_WSK_RECEIVE_FROM = (
  Socket: WSK_SOCKET,
  Buffer: WSK_BUF,
  Flags: number,
  RemoteAddress: Out<SOCKADDR | null> | null,
  ControlLength: Out<number> | null,
  ControlInfo: unknown,
  ControlFlags: Out<number> | null,
  Irp: IRP,
) => NTSTATUS;

/** `PFN_WSK_RELEASE_DATAGRAM_INDICATION_LIST`. */
export type PFN_WSK_RELEASE_DATAGRAM_INDICATION_LIST = (
  Socket: WSK_SOCKET,
  DatagramIndication: WSK_DATAGRAM_INDICATION,
) => NTSTATUS;

/** `WSK_BUF_LIST`: the datagrams of `WskSendMessages`. */
export interface WSK_BUF_LIST {
  /** The next datagram, or `null` at the end of the list. */
  Next: WSK_BUF_LIST | null;
  /** This datagram's bytes. */
  Buffer: WSK_BUF;
}

/** `PFN_WSK_SEND_MESSAGES`. */
export type PFN_WSK_SEND_MESSAGES = (
  Socket: WSK_SOCKET,
  BufferList: WSK_BUF_LIST,
  Flags: number,
  RemoteAddress: SOCKADDR | null,
  ControlInfoLength: number,
  ControlInfo: unknown,
  Irp: IRP,
) => NTSTATUS;

/** `WSK_PROVIDER_DATAGRAM_DISPATCH`. */
export interface WSK_PROVIDER_DATAGRAM_DISPATCH {
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
  /** Sends one datagram to an address (or to the socket's fixed remote address). */
  WskSendTo: PFN_WSK_SEND_TO;
  /** Receives one datagram and its sender's address. */
  WskReceiveFrom: PFN_WSK_RECEIVE_FROM;
  /** Gives back an indication list kept by returning `STATUS_PENDING` from the receive callback. */
  WskRelease: PFN_WSK_RELEASE_DATAGRAM_INDICATION_LIST;
  /** The socket's local address. */
  WskGetLocalAddress: PFN_WSK_GET_LOCAL_ADDRESS;
  /** Sends a list of datagrams to one address. */
  WskSendMessages: PFN_WSK_SEND_MESSAGES;
}

const D = WskDatagramSocket;

/** The table of datagram sockets. */
export const datagramDispatch: WSK_PROVIDER_DATAGRAM_DISPATCH = Object.freeze<WSK_PROVIDER_DATAGRAM_DISPATCH>(
  {
    WskControlSocket,
    WskCloseSocket,
    WskBind: (Socket, LocalAddress, Flags, Irp) =>
      withSocket(Socket, D, 'WskBind', Irp, true, (s, irp) => s.bind(irp!, LocalAddress, Flags)),
    WskSendTo: (Socket, Buffer, Flags, RemoteAddress, ControlInfoLength, _ControlInfo, Irp) =>
      withSocket(Socket, D, 'WskSendTo', Irp, true, (s, irp) =>
        s.sendTo(irp!, Buffer, Flags, RemoteAddress, ControlInfoLength),
      ),
    WskReceiveFrom: (Socket, Buffer, Flags, RemoteAddress, ControlLength, _ControlInfo, ControlFlags, Irp) =>
      withSocket(Socket, D, 'WskReceiveFrom', Irp, true, (s, irp) =>
        s.receiveFrom(irp!, Buffer, Flags, RemoteAddress, ControlLength, ControlFlags),
      ),
    WskRelease: (Socket, DatagramIndication) =>
      withSocket(Socket, D, 'WskRelease', null, false, (s) => s.release_(DatagramIndication)),
    WskGetLocalAddress: (Socket, LocalAddress, Irp) =>
      withSocket(Socket, D, 'WskGetLocalAddress', Irp, true, (s, irp) =>
        s.getLocalAddress(irp!, LocalAddress),
      ),
    WskSendMessages: (Socket, BufferList, Flags, RemoteAddress, ControlInfoLength, _ControlInfo, Irp) =>
      withSocket(Socket, D, 'WskSendMessages', Irp, true, (s, irp) =>
        s.sendMessages(irp!, BufferList, Flags, RemoteAddress, ControlInfoLength),
      ),
  },
);
