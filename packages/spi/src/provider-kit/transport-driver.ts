/**
 * The transport-driver contract of the base-provider kit. A base provider (TCP/IP, ISO transport,
 * the in-memory provider) is a thin driver that moves bytes and knows its address family; every
 * Winsock socket semantic — states, shutdown directions, `WSAEWOULDBLOCK`, `FD_*` events, options,
 * the order of error checks — lives once in the kit (`defineBaseProvider`).
 *
 * Drivers hold no Winsock state. They report failures by throwing (or rejecting with) a
 * `WsaError` carrying the Winsock code (`WSAEADDRINUSE`, `WSAECONNREFUSED`, …); anything else they
 * throw is reported to the application as `WSAENETDOWN`. Driver callbacks (`LinkHandlers`,
 * `DatagramBindingHandlers`, incoming connections) must run asynchronously, never inside a call the kit
 * made, exactly as `StreamConnectionHandlers` do.
 * @module
 */

import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';
import type { SOCKADDR } from '../types/sockaddr';

/** What an address is about to be used for; some checks differ (a wildcard may be bound, never connected to). */
export type AddressUse = 'bind' | 'connect' | 'sendto';

/**
 * The address family knowledge a driver brings: validating a caller's `SOCKADDR` and `namelen`,
 * and the text forms of `WSPAddressToString` / `WSPStringToAddress`.
 */
export interface AddressFamilyCodec {
  /** The address family this driver serves (`AF_INET`, `AF_INET6`, `AF_ISO`, …). */
  readonly addressFamily: number;
  /** `sizeof` the family's socket address (`SOCKADDR_IN` = 16): the `namelen`/`addrlen` this family needs and reports. */
  readonly sockaddrLength: number;
  /**
   * Checks an address supplied by the application, returning 0 when it is usable or the Winsock
   * error: `WSAEFAULT` when `namelen` is smaller than the family's address (or the address is
   * malformed), `WSAEAFNOSUPPORT` for another family, `WSAEADDRNOTAVAIL` for an address that
   * cannot be used this way (connecting to a wildcard or port 0, binding a foreign address).
   */
  checkAddress(name: SOCKADDR, namelen: number, use: AddressUse): number;
  /** The wildcard address of the family (`0.0.0.0:0`), where a socket is bound implicitly. */
  wildcardAddress(): SOCKADDR;
  /** True when two addresses name the same endpoint (`::1` and `0::1` do). */
  sameAddress(a: SOCKADDR, b: SOCKADDR): boolean;
  /** `WSPAddressToString`: the text form, or a Winsock error code (`WSAEINVAL`, `WSAEFAULT`). */
  addressToString(address: SOCKADDR, addressLength: number): string | number;
  /** `WSPStringToAddress`: the address, or a Winsock error code (`WSAEINVAL` when the text is not an address). */
  stringToAddress(text: string): SOCKADDR | number;
}

/** Options the kit passes when it binds. */
export interface BindOptions {
  /** `SO_REUSEADDR`. */
  reuseAddress: boolean;
  /** `SO_EXCLUSIVEADDRUSE`. */
  exclusiveAddressUse: boolean;
}

/**
 * A local address held by a socket that called `WSPBind` (or that the kit bound implicitly). The
 * kit hands it to `connect` or `listen`, which take ownership of it; otherwise it releases it.
 */
export interface LocalBinding {
  /** The bound address, with the real port when an ephemeral one (port 0) was asked for. */
  readonly local: SOCKADDR;
  /** Give the address back. Idempotent; a no-op once `connect`/`listen` took the binding. */
  release(): void;
}

/** The link events a connection-oriented driver reports. */
export interface LinkHandlers {
  /**
   * Bytes arrived, in order. For message-oriented protocols `endOfMessage` marks the last piece of
   * a message (a message may arrive in several pieces); stream protocols may pass anything.
   */
  onData(data: Uint8Array, endOfMessage: boolean): void;
  /** Expedited (urgent, out-of-band) data arrived. Only for drivers with `sendExpedited`. */
  onExpedited?(data: Uint8Array): void;
  /**
   * The peer closed its sending direction gracefully (FIN, T-DISCONNECT after data), with its
   * disconnect data when the protocol carries some (`XP1_DISCONNECT_DATA`). No `onData` follows.
   */
  onPeerClose(disconnectData: Uint8Array | null): void;
  /**
   * The connection is gone abortively: `WSAECONNRESET` for a reset by the peer, `WSAECONNABORTED`
   * for a local abort (timeout, protocol error), `WSAENETRESET`, `WSAETIMEDOUT`. Nothing but
   * `onClosed` follows.
   */
  onReset(code: number): void;
  /** The send queue drained after `send` returned false. */
  onDrain(): void;
  /**
   * This end's graceful `close` has finished in the transport: everything queued before it and the
   * close itself are on the network (TCP: the FIN went out after the last byte; ISO transport class
   * 2: the DC confirmed the DR). Optional, for owners that wait for it (WSK completes a graceful
   * `WskDisconnect` here); links that cannot tell leave it out, and `onClosed` stands for it.
   */
  onSendClosed?(): void;
  /** Both directions are finished and every resource is released. Exactly once. */
  onClosed(): void;
}

/** One established connection, as a driver offers it. */
export interface TransportLink {
  readonly local: SOCKADDR;
  readonly remote: SOCKADDR;
  /** Wire the events. Until then the link holds them, so nothing is lost between accept and use. */
  setHandlers(handlers: LinkHandlers): void;
  /**
   * Queue bytes (and, for message-oriented protocols, whether they end a message). Returns false
   * when the send queue is above its high-water mark; `onDrain` follows. Never drops bytes.
   * `data` may be a view of the application's buffer, valid only during the call: a link that
   * keeps bytes past the call copies them.
   */
  send(data: Uint8Array, endOfMessage: boolean): boolean;
  /**
   * `send` without a copy: the caller keeps `data` unchanged until `onSent` runs (the transport is
   * done with it; with a `WsaError`-like failure when it never will be sent). `onSent` never runs
   * before `sendOwned` returns. Optional; links that have no such path leave it out and owners fall
   * back to `send`.
   */
  sendOwned?(data: Uint8Array, endOfMessage: boolean, onSent: (failure: unknown) => void): boolean;
  /**
   * Send expedited data. Present only when the protocol has it (`XP1_EXPEDITED_DATA`). `data` is
   * valid only during the call, as for `send`.
   */
  sendExpedited?(data: Uint8Array): void;
  /**
   * Graceful close of the sending direction after everything queued, carrying disconnect data
   * when the protocol supports it. Receiving goes on until the peer closes. Idempotent.
   */
  close(disconnectData: Uint8Array | null): void;
  /** Abortive close now (RST); queued bytes are discarded. Idempotent. */
  reset(): void;
  /**
   * After the peer's graceful close, checks whether a reset followed it (the peer's answer to data
   * sent after it closed) and reports it (`onReset`) before resolving. Optional: links whose
   * transport reports such resets by itself need none.
   */
  probeReset?(): Promise<void>;
  /**
   * The operating system's handle of the connection, to hand to a child process over IPC
   * (`WSADuplicateSocketW` into a child). Optional: links over simulated networks have none.
   */
  exportHandle?(): unknown;
  /**
   * Lets go of this process's hold on the connection without ending it (another process holds it
   * too): no FIN, no RST, no more events. Present when `exportHandle` is.
   */
  release?(): void;
  /** Receive flow control: stop delivering `onData`. */
  pause(): void;
  /** Resume delivering `onData`. */
  resume(): void;
}

/** The outcome of a successful connect. */
export interface ConnectOutcome {
  link: TransportLink;
  /** The callee's connect data (`XP1_CONNECT_DATA`), or null. */
  calleeData: Uint8Array | null;
}

/** What the kit asks a connection-oriented driver to connect. */
export interface ConnectRequest {
  remote: SOCKADDR;
  /** The socket's binding, or null to let the driver choose a local address (implicit bind). */
  binding: LocalBinding | null;
  /** Connect data for the callee, or null. Only for protocols with `XP1_CONNECT_DATA`. */
  callerData: Uint8Array | null;
}

/** A connection request that reached a listening socket. */
export interface IncomingConnection {
  /** The caller's address (the condition function's `lpCallerId`). */
  readonly remote: SOCKADDR;
  /** The local address it reached (`lpCalleeId`). */
  readonly local: SOCKADDR;
  /** The caller's connect data, or null. */
  readonly callerData: Uint8Array | null;
  /** Complete the connection, sending callee data where the protocol carries it. */
  accept(calleeData: Uint8Array | null): TransportLink;
  /**
   * Refuse it: the caller's connect fails with `WSAECONNREFUSED`. `reason` is a Winsock code the
   * driver may map to a protocol reason; drivers may ignore it.
   */
  refuse(reason: number): void;
}

/** A listening endpoint. */
export interface ListenerHandle {
  readonly local: SOCKADDR;
  /** Stop listening and release the address. Idempotent. */
  close(): void;
}

/**
 * Socket options beyond `SOL_SOCKET` that a driver understands (`IPPROTO_TCP`/`TCP_NODELAY`, …).
 * Each returns a Winsock error code instead of throwing.
 */
export interface DriverOptionHandler {
  /** Option levels the driver owns; any other level except `SOL_SOCKET` is `WSAEINVAL`. */
  readonly levels: readonly number[];
  /** The value, or a Winsock error code (`WSAENOPROTOOPT` for an unknown option) as `{ error }`. */
  get(level: number, optname: number): { value: number | boolean | object } | { error: number };
  /** 0 or a Winsock error code. */
  set(level: number, optname: number, value: unknown): number;
}

/** A connection-oriented transport (`SOCK_STREAM`, `SOCK_SEQPACKET`). */
export interface StreamTransportDriver extends AddressFamilyCodec {
  readonly kind: 'stream';
  /**
   * TCP's rule: data that is queued or arrives after the application shut the receiving direction
   * (`SD_RECEIVE`, or after `closesocket`) resets the connection. Without it the kit keeps such data
   * queued (unreadable: recv gives `WSAESHUTDOWN`) until the peer closes.
   */
  readonly resetOnDataAfterReceiveShutdown: boolean;
  /** Largest connect data (`XP1_CONNECT_DATA`) the protocol carries; longer → `WSAEMSGSIZE`. */
  readonly maxConnectData?: number;
  /** Largest disconnect data (`XP1_DISCONNECT_DATA`) the protocol carries; longer → `WSAEMSGSIZE`. */
  readonly maxDisconnectData?: number;
  /** Whether links support `sendExpedited` (with `XP1_EXPEDITED_DATA`); otherwise `MSG_OOB` is `WSAEOPNOTSUPP`. */
  readonly supportsExpedited: boolean;
  /**
   * `SOMAXCONN_HINT(n)`: a negative `listen` backlog asks for `n` requests, clamped to 200…65535,
   * as the Microsoft TCP/IP provider does. Without it a negative backlog is 1.
   */
  readonly backlogHints?: boolean;
  /** Reserve a local address (`WSPBind`); rejects with `WSAEADDRINUSE`, `WSAEADDRNOTAVAIL`, …. */
  bind(address: SOCKADDR, options: BindOptions): Promise<LocalBinding>;
  /** Connect; rejects with `WSAECONNREFUSED`, `WSAETIMEDOUT`, `WSAEHOSTUNREACH`, …. */
  connect(request: ConnectRequest): Promise<ConnectOutcome>;
  /** Listen on a binding; each request is handed to `onIncoming`. */
  listen(
    binding: LocalBinding,
    backlog: number,
    onIncoming: (incoming: IncomingConnection) => void,
  ): Promise<ListenerHandle>;
  /** Options beyond `SOL_SOCKET`. */
  readonly options?: DriverOptionHandler;
  /**
   * A link over a connection whose operating-system handle another process handed over (what
   * `TransportLink.exportHandle` gave there); undefined for a handle it cannot use. Optional.
   */
  adoptHandle?(handle: unknown): TransportLink | undefined;
  /** Release whatever the driver holds; called at the provider's last `WSPCleanup`. */
  dispose?(): void;
}

/** What a datagram port reports. */
export interface DatagramBindingHandlers {
  onMessage(data: Uint8Array, from: SOCKADDR): void;
}

/** A bound datagram endpoint. */
export interface DatagramBinding {
  readonly local: SOCKADDR;
  /** Wire the events; until then arriving datagrams are held. */
  setHandlers(handlers: DatagramBindingHandlers): void;
  /** Send one datagram; rejects with a Winsock code (`WSAEMSGSIZE`, `WSAEHOSTUNREACH`, …). */
  sendTo(data: Uint8Array, to: SOCKADDR): Promise<void>;
  /** Release the port. Idempotent. */
  close(): void;
}

/** A connectionless transport (`SOCK_DGRAM`). */
export interface DatagramTransportDriver extends AddressFamilyCodec {
  readonly kind: 'datagram';
  /** `SO_MAX_MSG_SIZE`: the largest datagram; longer sends fail with `WSAEMSGSIZE`. */
  readonly maxMessageSize: number;
  /** True for a broadcast address, which needs `SO_BROADCAST` (else `WSAEACCES`). */
  isBroadcastAddress?(address: SOCKADDR): boolean;
  /** Bind a port (port 0 = ephemeral). */
  bind(address: SOCKADDR, options: BindOptions): Promise<DatagramBinding>;
  readonly options?: DriverOptionHandler;
  dispose?(): void;
}

/** Any transport driver. */
export type TransportDriver = StreamTransportDriver | DatagramTransportDriver;

/** Makes the driver of one catalog entry; called once per entry per provider instance. */
export type TransportDriverFactory = (protocolInfo: WSAPROTOCOL_INFOW) => TransportDriver;
