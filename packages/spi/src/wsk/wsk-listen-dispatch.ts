/**
 * `WSK_PROVIDER_LISTEN_DISPATCH`, members in wsk.h's order: `WskControlSocket`, `WskCloseSocket`,
 * `WskBind`, `WskAccept`, `WskInspectComplete`, `WskGetLocalAddress`.
 * @module
 */

import type { Out } from '../types/out-cell';
import type { SOCKADDR } from '../types/sockaddr';
import type { IRP } from './irp';
import { type NTSTATUS, STATUS_NOT_SUPPORTED } from './ntstatus';
import {
  type PFN_WSK_CLOSE_SOCKET,
  type PFN_WSK_CONTROL_SOCKET,
  WskCloseSocket,
  WskControlSocket,
} from './wsk-basic-dispatch';
import type { WSK_CLIENT_CONNECTION_DISPATCH, WSK_INSPECT_ID } from './wsk-client-dispatch';
import { WskListenSocket } from './wsk-listen-socket';
import { withSocket } from './wsk-socket';
import type { WSK_SOCKET } from './wsk-socket-types';

/** `PFN_WSK_BIND`: binds a local address (`Flags` reserved, 0). */
export type PFN_WSK_BIND = (Socket: WSK_SOCKET, LocalAddress: SOCKADDR, Flags: number, Irp: IRP) => NTSTATUS;

/**
 * `PFN_WSK_ACCEPT`: takes a connection from the backlog, or waits for one; `Irp.IoStatus.Information`
 * is then the new connection socket. The addresses are written into the optional out-cells.
 */
export type PFN_WSK_ACCEPT = (
  ListenSocket: WSK_SOCKET,
  Flags: number,
  AcceptSocketContext: unknown,
  AcceptSocketDispatch: WSK_CLIENT_CONNECTION_DISPATCH | null,
  LocalAddress: Out<SOCKADDR | null> | null,
  RemoteAddress: Out<SOCKADDR | null> | null,
  Irp: IRP,
) => NTSTATUS;

/** `PFN_WSK_INSPECT_COMPLETE` (conditional accept). */
export type PFN_WSK_INSPECT_COMPLETE = (
  ListenSocket: WSK_SOCKET,
  InspectID: WSK_INSPECT_ID,
  Action: number,
  Irp: IRP,
) => NTSTATUS;

/** `PFN_WSK_GET_LOCAL_ADDRESS`: the bound (or connection's) local address, into the out-cell. */
export type PFN_WSK_GET_LOCAL_ADDRESS = (
  Socket: WSK_SOCKET,
  LocalAddress: Out<SOCKADDR | null>,
  Irp: IRP,
) => NTSTATUS;

/** `WSK_PROVIDER_LISTEN_DISPATCH`. */
export interface WSK_PROVIDER_LISTEN_DISPATCH {
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
  /** Takes the next incoming connection (when `WskAcceptEvent` is not enabled). */
  WskAccept: PFN_WSK_ACCEPT;
  /** Completes a conditional accept: not offered (`STATUS_NOT_SUPPORTED`). */
  WskInspectComplete: PFN_WSK_INSPECT_COMPLETE;
  /** The socket's local address. */
  WskGetLocalAddress: PFN_WSK_GET_LOCAL_ADDRESS;
}

/** The table of listening sockets. */
export const listenDispatch: WSK_PROVIDER_LISTEN_DISPATCH = Object.freeze<WSK_PROVIDER_LISTEN_DISPATCH>({
  WskControlSocket,
  WskCloseSocket,
  WskBind: (Socket, LocalAddress, Flags, Irp) =>
    withSocket(Socket, WskListenSocket, 'WskBind', Irp, true, (s, irp) => s.bind(irp!, LocalAddress, Flags)),
  WskAccept: (
    ListenSocket,
    Flags,
    AcceptSocketContext,
    AcceptSocketDispatch,
    LocalAddress,
    RemoteAddress,
    Irp,
  ) =>
    withSocket(ListenSocket, WskListenSocket, 'WskAccept', Irp, true, (s, irp) =>
      s.accept(irp!, Flags, AcceptSocketContext, AcceptSocketDispatch, LocalAddress, RemoteAddress),
    ),
  WskInspectComplete: (ListenSocket, _InspectID, _Action, Irp) =>
    withSocket(ListenSocket, WskListenSocket, 'WskInspectComplete', Irp, true, (s, irp) =>
      s.finish(irp, STATUS_NOT_SUPPORTED),
    ),
  WskGetLocalAddress: (Socket, LocalAddress, Irp) =>
    withSocket(Socket, WskListenSocket, 'WskGetLocalAddress', Irp, true, (s, irp) =>
      s.getLocalAddress(irp!, LocalAddress),
    ),
});
