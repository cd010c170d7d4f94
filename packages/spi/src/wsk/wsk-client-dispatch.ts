/**
 * What a WSK client implements: its client-level table (`WSK_CLIENT_DISPATCH`) and, per socket
 * category, the event callbacks WSK calls (`WSK_CLIENT_LISTEN_DISPATCH`,
 * `WSK_CLIENT_DATAGRAM_DISPATCH`, `WSK_CLIENT_CONNECTION_DISPATCH`, `WSK_CLIENT_STREAM_DISPATCH`),
 * members in wsk.h's order, and the structures the callbacks receive.
 *
 * Callbacks are synchronous and return an `NTSTATUS`. One that returns a promise has waited, which
 * a callback must never do; the verifier records it.
 * @module
 */

import type { Out } from '../types/out-cell';
import type { SOCKADDR } from '../types/sockaddr';
import type { NTSTATUS } from './ntstatus';
import type { WSK_BUF } from './wsk-buf';
import type { WSK_SOCKET } from './wsk-socket-types';

/** `WSK_DATA_INDICATION`: received bytes of a connection, one buffer per element, chained by `Next`. */
export interface WSK_DATA_INDICATION {
  /** The next element, or `null` at the end of the list. */
  Next: WSK_DATA_INDICATION | null;
  /** This element's bytes. */
  Buffer: WSK_BUF;
}

/** `WSK_DATAGRAM_INDICATION`: one received datagram per element, chained by `Next`. */
export interface WSK_DATAGRAM_INDICATION {
  /** The next datagram, or `null` at the end of the list. */
  Next: WSK_DATAGRAM_INDICATION | null;
  /** The datagram's bytes. */
  Buffer: WSK_BUF;
  /** Control information (ancillary data); this provider has none to give. */
  ControlInfo: null;
  /** The length of `ControlInfo`: always 0 here. */
  ControlInfoLength: number;
  /** The sender's address. */
  RemoteAddress: SOCKADDR;
}

/** `WSK_INSPECT_ID`: identifies a connection request on a conditional-accept listening socket. */
export interface WSK_INSPECT_ID {
  /** The transport's key of the connection request. */
  Key: number;
  /** The serial number that tells apart requests with the same key. */
  SerialNumber: number;
}

/** `PFN_WSK_CLIENT_EVENT`: client-level events (none are defined; must return `STATUS_SUCCESS`). */
export type PFN_WSK_CLIENT_EVENT = (
  ClientContext: unknown,
  EventType: number,
  Information: unknown,
  InformationLength: number,
) => NTSTATUS;

/**
 * `PFN_WSK_RECEIVE_FROM_EVENT`: datagrams arrived (`DataIndication` null: the socket must be closed).
 * Returns `STATUS_SUCCESS` (consumed), `STATUS_PENDING` (kept until `WskRelease`) or
 * `STATUS_DATA_NOT_ACCEPTED` (WSK keeps them; no indications until a `WskReceiveFrom` completes).
 */
export type PFN_WSK_RECEIVE_FROM_EVENT = (
  SocketContext: unknown,
  Flags: number,
  DataIndication: WSK_DATAGRAM_INDICATION | null,
) => NTSTATUS;

/**
 * `PFN_WSK_ACCEPT_EVENT`: a connection arrived on a listening socket, the handshake already done
 * (`AcceptSocket` null: the listening socket must be closed). Set the new socket's context and
 * callbacks through the two out-cells; return `STATUS_SUCCESS`, or `STATUS_REQUEST_NOT_ACCEPTED`
 * to reject it (WSK then closes it).
 */
export type PFN_WSK_ACCEPT_EVENT = (
  SocketContext: unknown,
  Flags: number,
  LocalAddress: SOCKADDR,
  RemoteAddress: SOCKADDR,
  AcceptSocket: WSK_SOCKET | null,
  AcceptSocketContext: Out<unknown>,
  AcceptSocketDispatch: Out<WSK_CLIENT_CONNECTION_DISPATCH | null>,
) => NTSTATUS;

/** `PFN_WSK_INSPECT_EVENT` (conditional accept): returns a `WSK_INSPECT_ACTION`. */
export type PFN_WSK_INSPECT_EVENT = (
  SocketContext: unknown,
  LocalAddress: SOCKADDR,
  RemoteAddress: SOCKADDR,
  InspectID: WSK_INSPECT_ID | null,
) => number;

/** `PFN_WSK_ABORT_EVENT` (conditional accept): must return `STATUS_SUCCESS`. */
export type PFN_WSK_ABORT_EVENT = (SocketContext: unknown, InspectID: WSK_INSPECT_ID) => NTSTATUS;

/** `PFN_WSK_SEND_BACKLOG_EVENT`: the ideal send backlog changed; must return `STATUS_SUCCESS`. */
export type PFN_WSK_SEND_BACKLOG_EVENT = (SocketContext: unknown, IdealBacklogSize: number) => NTSTATUS;

/**
 * `PFN_WSK_RECEIVE_EVENT`: data arrived (`DataIndication` null: the socket must be closed).
 * Flags: `WSK_FLAG_RELEASE_ASAP`, `WSK_FLAG_ENTIRE_MESSAGE`, `WSK_FLAG_AT_DISPATCH_LEVEL`.
 * Returns `STATUS_SUCCESS` having taken all of it, or only `BytesAccepted.value` bytes (then no
 * indications until a `WskReceive` completes); `STATUS_PENDING` to keep the buffers until
 * `WskRelease`; `STATUS_DATA_NOT_ACCEPTED` to leave it all with WSK (no indications until a
 * `WskReceive` completes). `BytesAccepted.value` starts at `BytesIndicated`.
 */
export type PFN_WSK_RECEIVE_EVENT = (
  SocketContext: unknown,
  Flags: number,
  DataIndication: WSK_DATA_INDICATION | null,
  BytesIndicated: number,
  BytesAccepted: Out<number>,
) => NTSTATUS;

/**
 * `PFN_WSK_DISCONNECT_EVENT`: the peer disconnected — gracefully, or with `WSK_FLAG_ABORTIVE` when
 * it reset the connection; `WSK_FLAG_AT_DISPATCH_LEVEL` when called at `DISPATCH_LEVEL`. Must
 * return `STATUS_SUCCESS`.
 */
export type PFN_WSK_DISCONNECT_EVENT = (SocketContext: unknown, Flags: number) => NTSTATUS;

/** `WSK_CLIENT_DISPATCH`: the client's version (`MAKE_WSK_VERSION`) and client-level event. */
export interface WSK_CLIENT_DISPATCH {
  /** The WSK version the client wants (`MAKE_WSK_VERSION(1, 0)`). */
  Version: number;
  /** Reserved, 0. */
  Reserved: number;
  /** Client-level events, or `null`. */
  WskClientEvent: PFN_WSK_CLIENT_EVENT | null;
}

/** `WSK_CLIENT_LISTEN_DISPATCH`. */
export interface WSK_CLIENT_LISTEN_DISPATCH {
  /** A connection arrived and was accepted: the client takes the socket or rejects it. */
  WskAcceptEvent: PFN_WSK_ACCEPT_EVENT | null;
  /** A connection request to inspect (conditional accept: never called here). */
  WskInspectEvent: PFN_WSK_INSPECT_EVENT | null;
  /** An inspected request was withdrawn (conditional accept: never called here). */
  WskAbortEvent: PFN_WSK_ABORT_EVENT | null;
}

/** `WSK_CLIENT_DATAGRAM_DISPATCH`. */
export interface WSK_CLIENT_DATAGRAM_DISPATCH {
  /** Datagrams arrived. */
  WskReceiveFromEvent: PFN_WSK_RECEIVE_FROM_EVENT | null;
}

/** `WSK_CLIENT_CONNECTION_DISPATCH`. */
export interface WSK_CLIENT_CONNECTION_DISPATCH {
  /** Bytes arrived; a `null` list says the connection no longer works and must be closed. */
  WskReceiveEvent: PFN_WSK_RECEIVE_EVENT | null;
  /** The peer disconnected, gracefully or abortively. */
  WskDisconnectEvent: PFN_WSK_DISCONNECT_EVENT | null;
  /** The ideal send backlog changed. */
  WskSendBacklogEvent: PFN_WSK_SEND_BACKLOG_EVENT | null;
}

/** `WSK_CLIENT_STREAM_DISPATCH` (stream sockets). */
export interface WSK_CLIENT_STREAM_DISPATCH {
  /** The events while the stream socket listens. */
  Listen: WSK_CLIENT_LISTEN_DISPATCH | null;
  /** The events once the stream socket is connected. */
  Connect: WSK_CLIENT_CONNECTION_DISPATCH | null;
}
