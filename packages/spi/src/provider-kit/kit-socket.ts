/**
 * What every kit socket has, whatever its transport: its protocol info, blocking mode, options,
 * event record and wake-up signal, and the blocking-wait loop that turns "nothing yet" into
 * `WSAEWOULDBLOCK` (non-blocking), a wait (blocking), `WSAETIMEDOUT` (`SO_RCVTIMEO`/`SO_SNDTIMEO`)
 * or `WSAEINTR` (the socket was closed, or the provider cleaned up, under a blocked call).
 * @module
 */

import { WSAEINTR, WSAETIMEDOUT, WSAEWOULDBLOCK } from '../constants/error-codes';
import { XP1_MESSAGE_ORIENTED, XP1_PSEUDO_STREAM } from '../constants/service-flags';
import { INVALID_SOCKET } from '../constants/socket-api';
import type { LPCONDITIONPROC } from '../spi/wsp-proc-table';
import type { LINGER, SOCKET } from '../spi/wsp-types';
import type { Out } from '../types/out-cell';
import { cloneProtocolInfo, type WSAPROTOCOL_INFOW } from '../types/protocol-info';
import type { SOCKADDR } from '../types/sockaddr';
import type { WSABUF } from '../types/wsabuf';
import { ChangeSignal } from './change-signal';
import { fail } from './kit-failure';
import { NetworkEventRecorder, type NetworkEventSink } from './network-event-recorder';

/** Default `SO_RCVBUF` / `SO_SNDBUF`: 64 KiB, Windows' default for TCP. */
export const DEFAULT_SOCKET_BUFFER = 64 * 1024;

/** The `SOL_SOCKET` option values a kit socket keeps. */
export interface SocketOptionValues {
  debug: boolean;
  dontRoute: boolean;
  keepAlive: boolean;
  broadcast: boolean;
  oobInline: boolean;
  reuseAddress: boolean;
  exclusiveAddressUse: boolean;
  conditionalAccept: boolean;
  linger: LINGER;
  receiveBuffer: number;
  sendBuffer: number;
  /** `SO_RCVTIMEO` in ms; 0 = wait for ever. */
  receiveTimeout: number;
  /** `SO_SNDTIMEO` in ms; 0 = wait for ever. */
  sendTimeout: number;
  groupPriority: number;
}

/** The options of a new socket. */
export function defaultSocketOptions(): SocketOptionValues {
  return {
    debug: false,
    dontRoute: false,
    keepAlive: false,
    broadcast: false,
    oobInline: false,
    reuseAddress: false,
    exclusiveAddressUse: false,
    conditionalAccept: false,
    linger: { l_onoff: 0, l_linger: 0 },
    receiveBuffer: DEFAULT_SOCKET_BUFFER,
    sendBuffer: DEFAULT_SOCKET_BUFFER,
    receiveTimeout: 0,
    sendTimeout: 0,
    groupPriority: 0,
  };
}

/** What a socket needs from the provider instance that owns it. */
export interface SocketHost {
  readonly eventSink: NetworkEventSink;
  /** Claims a handle for a new (accepted) socket through the upcalls; throws on failure. */
  register(socket: KitSocket): SOCKET;
  /** Something changed on some socket: wakes `WSPSelect`. */
  changed(): void;
  /** Forget a closed socket (and release a non-IFS handle). */
  forget(socket: KitSocket): void;
}

/** What a receive call produced. */
export interface ReceiveResult {
  bytes: number;
  /** Output flags (`MSG_PARTIAL`). */
  flags: number;
  /** A failure that still returns bytes (`WSAEMSGSIZE`): reported after the counts are written. */
  error: number;
  /** Source address (datagram sockets). */
  from?: SOCKADDR;
}

/** A receive call in progress; `exempt` once `SD_RECEIVE` came after it started. */
export interface ReceiveToken {
  exempt: boolean;
}

/** Readiness for `WSPSelect`. */
export interface Readiness {
  readable: boolean;
  writable: boolean;
  exceptional: boolean;
}

/** The base of stream and datagram sockets. */
export abstract class KitSocket {
  /** The handle the dispatcher knows this socket by; set once claimed. */
  handle: SOCKET = INVALID_SOCKET;
  /** A private copy of the protocol info the socket was created with (`SO_PROTOCOL_INFOW`). */
  readonly info: WSAPROTOCOL_INFOW;
  readonly events: NetworkEventRecorder;
  readonly options: SocketOptionValues = defaultSocketOptions();
  /** Set by `FIONBIO`, `WSPEventSelect` and `WSPAsyncSelect`. */
  nonBlocking = false;
  /** `SO_ERROR`: set by a failed non-blocking connect, cleared when read. */
  pendingError = 0;
  /** True once `WSPCloseSocket` (or the last `WSPCleanup`) ran. */
  closed = false;
  protected readonly signal = new ChangeSignal();
  /** Receive calls in progress (see `beginReceive`). */
  protected readonly receivers = new Set<ReceiveToken>();
  /** The other processes holding a descriptor of this socket (see `shareWith`). */
  private sharedHosts: SocketHost[] | null = null;

  constructor(
    protected readonly host: SocketHost,
    info: WSAPROTOCOL_INFOW,
  ) {
    this.info = cloneProtocolInfo(info);
    this.events = new NetworkEventRecorder(host.eventSink, () => this.handle);
  }

  /** `SOCK_STREAM`-like or datagram. */
  abstract readonly kind: 'stream' | 'datagram';

  /** Message boundaries are kept on receive (`XP1_MESSAGE_ORIENTED` without `XP1_PSEUDO_STREAM`). */
  get messageOriented(): boolean {
    const f = this.info.dwServiceFlags1;
    return (f & XP1_MESSAGE_ORIENTED) !== 0 && (f & XP1_PSEUDO_STREAM) === 0;
  }

  /** Has the protocol this `XP1_*` flag? */
  hasFlag(flag: number): boolean {
    return (this.info.dwServiceFlags1 & flag) !== 0;
  }

  /**
   * Registers a receive call; end it with `endReceive`. A receive already waiting when
   * `SD_RECEIVE` comes is not cancelled: it still completes (with data or EOF), as on Windows,
   * so `exemptWaitingReceivers` marks it, and only unmarked receives fail `WSAESHUTDOWN`.
   */
  protected beginReceive(): ReceiveToken {
    const token: ReceiveToken = { exempt: false };
    this.receivers.add(token);
    return token;
  }

  protected endReceive(token: ReceiveToken): void {
    this.receivers.delete(token);
  }

  /** `SD_RECEIVE` arrived: every receive in progress may still complete. */
  protected exemptWaitingReceivers(): void {
    for (const r of this.receivers) r.exempt = true;
  }

  /** True while a receive that started before `SD_RECEIVE` is still waiting. */
  protected get hasExemptReceiver(): boolean {
    for (const r of this.receivers) if (r.exempt) return true;
    return false;
  }

  /** Wake blocked calls on this socket and `WSPSelect`. */
  notify(): void {
    this.signal.notify();
    this.host.changed();
    if (this.sharedHosts !== null) for (const host of this.sharedHosts) host.changed();
  }

  /**
   * A duplicate of this socket was opened in another process (`WSPDuplicateSocket`): that
   * process's `WSPSelect` is woken by the socket's changes too.
   */
  shareWith(host: SocketHost): void {
    if (host === this.host) return;
    this.sharedHosts ??= [];
    if (!this.sharedHosts.includes(host)) this.sharedHosts.push(host);
  }

  /**
   * The blocking loop. `attempt` returns a result, throws a Winsock error, or returns undefined for
   * "not yet". Non-blocking → `WSAEWOULDBLOCK` (after `onWouldBlock`); blocking → wait for a
   * change, up to `timeoutMs` (0 = for ever) → `WSAETIMEDOUT`; closed meanwhile → `WSAEINTR`.
   * `onPending` runs before each wait: from then on the call has pended (what decides whether a
   * failed overlapped call completes its `WSAOVERLAPPED`).
   */
  protected async waitFor<T>(
    blocking: boolean,
    timeoutMs: number,
    attempt: () => T | undefined,
    onWouldBlock?: () => void,
    onPending?: () => void,
  ): Promise<T> {
    const deadline = timeoutMs > 0 ? Date.now() + timeoutMs : undefined;
    for (;;) {
      if (this.closed) fail(WSAEINTR);
      const result = attempt();
      if (result !== undefined) return result;
      if (!blocking) {
        onWouldBlock?.();
        fail(WSAEWOULDBLOCK);
      }
      const remaining = deadline === undefined ? undefined : deadline - Date.now();
      if (remaining !== undefined && remaining <= 0) fail(WSAETIMEDOUT);
      onPending?.();
      const woke = await this.signal.wait(remaining);
      if (this.closed) fail(WSAEINTR);
      if (!woke) fail(WSAETIMEDOUT);
    }
  }

  /** Re-check the level-triggered events (`FD_READ`, `FD_OOB`, `FD_ACCEPT`, `FD_CLOSE`) and record what holds. */
  abstract refreshEvents(): void;
  /** True when a send would be accepted now (for `FD_WRITE` at select time). */
  abstract get canSendNow(): boolean;

  abstract bind(name: SOCKADDR | null, namelen: number): Promise<void>;
  abstract listen(backlog: number): Promise<void>;
  abstract accept(
    addr: Out<SOCKADDR | null> | null,
    addrlen: Out<number> | null,
    condition: LPCONDITIONPROC | null,
    callbackData: unknown,
  ): Promise<SOCKET>;
  abstract connect(
    name: SOCKADDR | null,
    namelen: number,
    callerData: WSABUF | null,
    calleeData: WSABUF | null,
  ): Promise<void>;
  /** `onPending` runs when the call starts to wait (see `waitFor`). */
  abstract send(
    buffers: WSABUF[],
    flags: number,
    to: SOCKADDR | null,
    tolen: number,
    blocking: boolean,
    onPending?: () => void,
  ): Promise<number>;
  /** `onPending` runs when the call starts to wait (see `waitFor`). */
  abstract receive(
    buffers: WSABUF[],
    flags: number,
    wantFrom: boolean,
    blocking: boolean,
    onPending?: () => void,
  ): Promise<ReceiveResult>;
  abstract shutdown(how: number): void;
  abstract sendDisconnect(data: WSABUF | null): void;
  abstract recvDisconnect(data: WSABUF | null): void;
  /** `getsockname`: the local address, or throws `WSAEINVAL` when not bound. */
  abstract localAddress(): SOCKADDR;
  /** `getpeername`: the peer, or throws `WSAENOTCONN`. */
  abstract peerAddress(): SOCKADDR;
  /** `FIONREAD`. */
  abstract bytesReadable(): number;
  /** `SIOCATMARK`. */
  abstract atOobMark(): boolean;
  abstract readiness(): Readiness;
  /** `SO_ACCEPTCONN`. */
  abstract get listening(): boolean;
  /** `SO_MAX_MSG_SIZE`. */
  abstract get maxMessageSize(): number;
  /** `SO_RCVBUF` changed: apply receive flow control again. */
  abstract receiveBufferChanged(): void;
  /** `WSPCloseSocket`: graceful unless `SO_LINGER {1, 0}`; never blocks. */
  abstract close(): void;
  /** `WSPCleanup`: reset and free, without notifications. */
  abstract abort(): void;
}
