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
import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';
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

/** The options of a new socket: `defaultSocketOptions()` frozen, shared by every socket until it sets one. */
const DEFAULT_OPTIONS: Readonly<SocketOptionValues> = Object.freeze({
  ...defaultSocketOptions(),
  linger: Object.freeze({ l_onoff: 0, l_linger: 0 }),
});

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
  /** A closed socket's graceful close has finished in the transport (see `KitSocket.lingering`). */
  lingerEnded?(socket: KitSocket): void;
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

/** Bits of `KitSocket.flags`. */
export const KitFlag = {
  NonBlocking: 1 << 0,
  Closed: 1 << 1,
  /** The first bit a subclass may use. */
  FirstFree: 1 << 2,
} as const;

/** The base of stream and datagram sockets. */
export abstract class KitSocket {
  /** The handle the dispatcher knows this socket by; set once claimed. */
  handle: SOCKET = INVALID_SOCKET;
  /**
   * The protocol info the socket was created with (`SO_PROTOCOL_INFOW` returns a copy). Read-only
   * and shared by the provider's sockets of one catalog entry (see `ProviderInstance.protocolInfo`).
   */
  readonly info: Readonly<WSAPROTOCOL_INFOW>;
  /** `SO_ERROR`: set by a failed non-blocking connect, cleared when read. */
  pendingError = 0;
  /**
   * The socket's yes/no state, one bit each (an idle connection's sockets are most of its memory):
   * `KitFlag` here, the subclasses' own bits from `KitFlag.FirstFree` up.
   */
  protected flags = 0;
  /** The socket's own options once one was set; until then the shared defaults. */
  private ownOptions: SocketOptionValues | null = null;
  /** The event record; made when the application first selects events or enumerates them. */
  private recorder: NetworkEventRecorder | null = null;
  /** Wakes blocked calls; made by the first call that waits. */
  private changeSignal: ChangeSignal | null = null;
  /** Receive calls waiting (see `beginReceive`); made by the first one. */
  private receivers: Set<ReceiveToken> | null = null;
  /** The other processes holding a descriptor of this socket (see `shareWith`). */
  private sharedHosts: SocketHost[] | null = null;

  /**
   * Most sockets never wait, set an option or select events; what only those need is made on
   * first use, so that an idle connection costs little.
   */
  constructor(
    protected readonly host: SocketHost,
    info: Readonly<WSAPROTOCOL_INFOW>,
  ) {
    this.info = info;
  }

  /**
   * The event record behind `WSPEventSelect`, `WSPAsyncSelect` and `WSPEnumNetworkEvents`, made on
   * first use. Until then nothing is selected, so no event would be recorded: the socket's own
   * code goes through `eventRecord`, which stays null.
   */
  get events(): NetworkEventRecorder {
    this.recorder ??= new NetworkEventRecorder(this.host.eventSink, this);
    return this.recorder;
  }

  /** The event record if there is one. */
  protected get eventRecord(): NetworkEventRecorder | null {
    return this.recorder;
  }

  /** True while `WSPEventSelect` or `WSPAsyncSelect` has events selected. */
  get eventsSelected(): boolean {
    return this.recorder?.active ?? false;
  }

  /** The `SOL_SOCKET` option values (read-only: `writableOptions` to change them). */
  get options(): Readonly<SocketOptionValues> {
    return this.ownOptions ?? DEFAULT_OPTIONS;
  }

  /** The socket's own option values, copied from the defaults on first use. */
  writableOptions(): SocketOptionValues {
    this.ownOptions ??= { ...DEFAULT_OPTIONS };
    return this.ownOptions;
  }

  /** Takes over another socket's option values (an accepted socket inherits its listener's). */
  inheritOptions(from: KitSocket): void {
    this.ownOptions = from.ownOptions ? { ...from.ownOptions } : null;
  }

  /** The wake-up of blocked calls. */
  protected get signal(): ChangeSignal {
    this.changeSignal ??= new ChangeSignal();
    return this.changeSignal;
  }

  /** Set by `FIONBIO`, `WSPEventSelect` and `WSPAsyncSelect`. */
  get nonBlocking(): boolean {
    return (this.flags & KitFlag.NonBlocking) !== 0;
  }

  set nonBlocking(on: boolean) {
    this.flags = on ? this.flags | KitFlag.NonBlocking : this.flags & ~KitFlag.NonBlocking;
  }

  /** True once `WSPCloseSocket` (or the last `WSPCleanup`) ran. */
  get closed(): boolean {
    return (this.flags & KitFlag.Closed) !== 0;
  }

  set closed(on: boolean) {
    this.flags = on ? this.flags | KitFlag.Closed : this.flags & ~KitFlag.Closed;
  }

  /** `SOCK_STREAM`-like or datagram. */
  abstract get kind(): 'stream' | 'datagram';

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
   * `SD_RECEIVE` comes is not cancelled: it still completes (with data or EOF), as on Windows, so
   * `exemptWaitingReceivers` marks it, and only unmarked receives fail `WSAESHUTDOWN`.
   */
  protected beginReceive(): ReceiveToken {
    const token: ReceiveToken = { exempt: false };
    this.receivers ??= new Set();
    this.receivers.add(token);
    return token;
  }

  protected endReceive(token: ReceiveToken): void {
    this.receivers?.delete(token);
  }

  /** `SD_RECEIVE` arrived: every receive in progress may still complete. */
  protected exemptWaitingReceivers(): void {
    if (this.receivers) for (const r of this.receivers) r.exempt = true;
  }

  /** True while a receive that started before `SD_RECEIVE` is still waiting. */
  protected get hasExemptReceiver(): boolean {
    if (this.receivers) for (const r of this.receivers) if (r.exempt) return true;
    return false;
  }

  /** Wake blocked calls on this socket and `WSPSelect`. */
  notify(): void {
    this.changeSignal?.notify();
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
   *
   * The first attempt runs synchronously: a call that can complete at once returns its result (or
   * throws) without a Promise, and only a call that must wait gets one.
   */
  protected waitFor<T>(
    blocking: boolean,
    timeoutMs: number,
    attempt: () => T | undefined,
    onWouldBlock?: () => void,
    onPending?: () => void,
  ): T | Promise<T> {
    if (this.closed) fail(WSAEINTR);
    const result = attempt();
    if (result !== undefined) return result;
    if (!blocking) {
      onWouldBlock?.();
      fail(WSAEWOULDBLOCK);
    }
    return this.waitLoop(timeoutMs > 0 ? Date.now() + timeoutMs : undefined, attempt, onPending);
  }

  /** `waitFor` once the first attempt found nothing: wait for changes until `attempt` has a result. */
  private async waitLoop<T>(
    deadline: number | undefined,
    attempt: () => T | undefined,
    onPending: (() => void) | undefined,
  ): Promise<T> {
    for (;;) {
      const remaining = deadline === undefined ? undefined : deadline - Date.now();
      if (remaining !== undefined && remaining <= 0) fail(WSAETIMEDOUT);
      onPending?.();
      const woke = await this.signal.wait(remaining);
      if (this.closed) fail(WSAEINTR);
      if (!woke) fail(WSAETIMEDOUT);
      const result = attempt();
      if (result !== undefined) return result;
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
  /**
   * Sends; the bytes taken, or a Promise of them when the call must wait. `onPending` runs when the
   * call starts to wait (see `waitFor`). The buffers are the caller's: nothing keeps them past the
   * call.
   */
  abstract send(
    buffers: WSABUF[],
    flags: number,
    to: SOCKADDR | null,
    tolen: number,
    blocking: boolean,
    onPending?: () => void,
  ): number | Promise<number>;
  /** Receives; the result, or a Promise of it when the call must wait. `onPending` as for `send`. */
  abstract receive(
    buffers: WSABUF[],
    flags: number,
    wantFrom: boolean,
    blocking: boolean,
    onPending?: () => void,
  ): ReceiveResult | Promise<ReceiveResult>;
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

  /**
   * True while a graceful close `closesocket` started is still under way in the transport (data
   * still to send, the FIN not yet answered): the socket's handle is gone, its connection not yet.
   */
  get lingering(): boolean {
    return false;
  }
}
