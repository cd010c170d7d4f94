/**
 * A connection-oriented kit socket (`SOCK_STREAM`, `SOCK_SEQPACKET`) over a `StreamTransportDriver`.
 * All of Winsock's connection semantics live here: the state machine (unbound → bound → listening,
 * or → connecting → connected), shutdown per direction (sticky, idempotent, never a disconnect),
 * graceful and abortive close, disconnect data, connect data and the accept condition function,
 * back-pressure, receive flow control, expedited data and the `FD_*` events of each transition.
 *
 * Choices where Windows leaves room (each is also stated where it is implemented):
 * - A blocked call on a socket that is closed (or whose provider is cleaned up) fails `WSAEINTR`.
 * - Data arriving for a socket the application already closed resets the connection, for every
 *   driver (there is nobody left to read it); data arriving after `SD_RECEIVE` resets only when
 *   the driver says so (`resetOnDataAfterReceiveShutdown`, TCP), else it stays queued, unreadable.
 * - `WSPRecvDisconnect` never touches the wire: it shuts the receiving direction but does not apply
 *   the reset rule to data already queued (`WSPShutdown(SD_RECEIVE)` does).
 * - `SO_LINGER {1, n>0}` closes gracefully at once: `WSPCloseSocket` never blocks here; the close
 *   goes on in the transport for at most n seconds (`GRACEFUL_CLOSE_LIMIT_MS` without SO_LINGER),
 *   then the connection is reset. The last `WSPCleanup` resets every close still under way.
 * - A non-blocking stream send takes at most `SO_SNDBUF` bytes (the default for 0); a blocking one
 *   waits for the transport to drain and takes everything.
 * - A connect that failed leaves the socket reusable for another connect (as MSDN allows).
 * - Callee data longer than the caller's `lpCalleeData` buffer is cut to it.
 * - `WSPRecvDisconnect` with a buffer on a protocol without `XP1_DISCONNECT_DATA` succeeds and
 *   reports no data (`len` 0), as the TCP/IP provider does, rather than `WSAENOPROTOOPT`.
 * - `WSPSendDisconnect` with data once the sending side is already shut is `WSAESHUTDOWN` (the data
 *   could no longer travel); with NULL it is idempotent like `shutdown`.
 * - A connection that was shut down or disconnected stays this socket's until `WSPCloseSocket`:
 *   `WSPConnect` gives `WSAEISCONN`; reusing the socket for a new connection is not supported
 *   (MSDN lets providers refuse it).
 * - Connect data the protocol cannot carry is `WSAEPROTONOSUPPORT` (MSDN WSAConnect); connect or
 *   disconnect data beyond the driver's limit is `WSAEMSGSIZE`, and nothing is sent or shut.
 * - A blocking or overlapped send whose buffer the link still holds (`sendOwned`) when
 *   the socket is closed fails `WSAEINTR`, and the close resets the connection instead of closing
 *   it gracefully: the part already on the wire cannot be taken back, and the rest may no longer
 *   be read from memory the application is given back.
 * - `CF_DEFER` is honoured with or without `SO_CONDITIONAL_ACCEPT`: the request stays at the head
 *   of the backlog and `WSPAccept` returns `WSATRY_AGAIN`; any other unknown answer is `WSAEINVAL`.
 * @module
 */

import {
  WSAEALREADY,
  WSAECONNABORTED,
  WSAECONNREFUSED,
  WSAECONNRESET,
  WSAEDISCON,
  WSAEFAULT,
  WSAEINTR,
  WSAEINVAL,
  WSAEISCONN,
  WSAEMSGSIZE,
  WSAENETRESET,
  WSAENOPROTOOPT,
  WSAENOTCONN,
  WSAEOPNOTSUPP,
  WSAEPROTONOSUPPORT,
  WSAESHUTDOWN,
  WSAETIMEDOUT,
  WSAEWOULDBLOCK,
  WSATRY_AGAIN,
} from '../constants/error-codes';
import { FD_ACCEPT, FD_CLOSE, FD_CONNECT, FD_OOB, FD_READ, FD_WRITE } from '../constants/network-events';
import {
  XP1_CONNECT_DATA,
  XP1_DISCONNECT_DATA,
  XP1_EXPEDITED_DATA,
  XP1_GRACEFUL_CLOSE,
  XP1_PARTIAL_MESSAGE,
  XP1_UNI_RECV,
  XP1_UNI_SEND,
} from '../constants/service-flags';
import {
  CF_ACCEPT,
  CF_DEFER,
  CF_REJECT,
  MSG_DONTROUTE,
  MSG_OOB,
  MSG_PARTIAL,
  MSG_PEEK,
  MSG_PUSH_IMMEDIATE,
  MSG_WAITALL,
  POLLERR,
  POLLHUP,
  POLLPRI,
  POLLRDBAND,
  POLLRDNORM,
  POLLWRNORM,
  SD_BOTH,
  SD_RECEIVE,
  SD_SEND,
  SOMAXCONN,
} from '../constants/socket-api';
import { WsaError } from '../errors/wsa-error';
import type { LPCONDITIONPROC } from '../spi/wsp-proc-table';
import type { SOCKET } from '../spi/wsp-types';
import { type Out, out } from '../types/out-cell';
import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';
import type { SOCKADDR } from '../types/sockaddr';
import type { WSABUF } from '../types/wsabuf';
import { capacityOf, gather, isOut, optionalBuffer } from './buffer-io';
import { codeOf, fail } from './kit-failure';
import {
  DEFAULT_SOCKET_BUFFER,
  KitFlag,
  KitSocket,
  type Readiness,
  type ReceiveResult,
  type ReceiveToken,
  type SocketHost,
} from './kit-socket';
import { ByteReceiveQueue, MessageReceiveQueue } from './receive-queue';
import { copySockaddr } from './sockaddr-copy';
import type {
  IncomingConnection,
  LinkHandlers,
  ListenerHandle,
  LocalBinding,
  StreamTransportDriver,
  TransportLink,
} from './transport-driver';

/** Where a stream socket is in its life. */
export type StreamState = 'unbound' | 'binding' | 'bound' | 'listening' | 'connecting' | 'connected';

/** A connection request waiting in the backlog. */
interface PendingConnection {
  incoming: IncomingConnection;
  /** Already completed by the kit (no condition needed before the caller is told), or null. */
  link: TransportLink | null;
  deferred: boolean;
}

/**
 * Sends this large lend their buffer to a link that can send without a copy (see `transmit`);
 * smaller ones are copied, which costs less than waiting for the transport to hand the buffer back.
 */
const OWNED_SEND_MIN_BYTES = 32 * 1024;

/** A receive waiting on the socket (see `StreamSocket.receiveWaiting`). */
interface WaitingReceive extends ReceiveToken {
  readonly buffers: WSABUF[];
  readonly oob: boolean;
  readonly peek: boolean;
  readonly waitAll: boolean;
  /** `MSG_WAITALL`: bytes already in the buffers. */
  filled: number;
  resolve(result: ReceiveResult): void;
  reject(reason: unknown): void;
  /** `SO_RCVTIMEO`. */
  timer: NodeJS.Timeout | undefined;
}

/** The backlog of a socket that never listened: empty, and frozen so that nothing is ever queued in it. */
const NO_BACKLOG: PendingConnection[] = Object.freeze([]) as unknown as PendingConnection[];

/**
 * How long a graceful close may go on after `closesocket` (without `SO_LINGER {1, n}`) before the
 * connection is reset: 120 s, within the 30 … 300 s Windows allows for TcpFinWait2Delay.
 */
export const GRACEFUL_CLOSE_LIMIT_MS = 120_000;

/** Largest backlog the kit queues (`SOMAXCONN`). */
const MAX_BACKLOG = 200;
/** Callee-data buffer offered to a condition function when the driver sets no limit. */
const DEFAULT_CALLEE_DATA = 255;

/** Bits of a stream socket's `flags`, above the kit's own. */
const StreamFlag = {
  SendShut: KitFlag.FirstFree << 0,
  ReceiveShut: KitFlag.FirstFree << 1,
  PeerClosed: KitFlag.FirstFree << 2,
  LinkEnded: KitFlag.FirstFree << 3,
  Congested: KitFlag.FirstFree << 4,
  WouldBlockOnSend: KitFlag.FirstFree << 5,
  Paused: KitFlag.FirstFree << 6,
  ServicingReceives: KitFlag.FirstFree << 7,
  SentAfterPeerClose: KitFlag.FirstFree << 8,
  SharedAcrossProcesses: KitFlag.FirstFree << 9,
} as const;

/** A connection-oriented socket. */
export class StreamSocket extends KitSocket {
  get kind(): 'stream' {
    return 'stream';
  }

  private state: StreamState = 'unbound';
  /** Resets the connection if the graceful close `closesocket` started has not finished in time. */
  private closeBound: NodeJS.Timeout | undefined;
  private binding: LocalBinding | null = null;
  private listener: ListenerHandle | null = null;
  /** Requests waiting for `WSPAccept`; the shared empty list until the socket listens. */
  private backlog: PendingConnection[] = NO_BACKLOG;
  private backlogLimit = 0;
  private link: TransportLink | null = null;
  private localName: SOCKADDR | null = null;
  private remoteName: SOCKADDR | null = null;
  /** Error of the last failed non-blocking connect (select's except set), 0 otherwise. */
  private connectFailure = 0;

  private peerDisconnectData: Uint8Array | null = null;
  /** The reset code once the connection is gone abortively (`WSAECONNRESET`, `WSAECONNABORTED`), else 0. */
  private resetCode = 0;
  /** `FD_CLOSE`'s error once the connection closed (0 graceful), or null. */
  private closeError: number | null = null;

  /** Bytes received, for stream sockets; made when the first arrive. */
  private byteQueue: ByteReceiveQueue | null = null;
  /** Messages received, for message-oriented sockets only (null otherwise). */
  private readonly messageQueue: MessageReceiveQueue | null;
  /** Expedited data not inline; made when the first arrives. */
  private expeditedQueue: ByteReceiveQueue | null = null;
  /** Inline urgent data: bytes up to and including the last urgent byte still unread (`SIOCATMARK`). */
  private urgentAhead = 0;
  /** Sends whose buffer the link still holds (see `transmitOwned`). */
  private lentSends = 0;
  /** Receives waiting, oldest first (see `receiveWaiting`); made by the first one. */
  private waitingReceives: WaitingReceive[] | null = null;
  /** How the connection was made: accepted (accept, AcceptEx) or connected (connect, ConnectEx). */
  private origin: 'accepted' | 'connected' | null = null;
  /** When the connection was made (`SO_CONNECT_TIME`), or null. */
  private connectedAt: number | null = null;
  /** A connection given up by `DisconnectEx(TF_REUSE_SOCKET)`, still finishing its graceful close. */
  private lingeringLink: TransportLink | null = null;

  constructor(
    host: SocketHost,
    info: WSAPROTOCOL_INFOW,
    private readonly driver: StreamTransportDriver,
  ) {
    super(host, info);
    this.messageQueue = this.messageOriented ? new MessageReceiveQueue() : null;
  }

  /** The sending direction is shut (`SD_SEND`, `WSPSendDisconnect`, a graceful close). */
  private get sendShut(): boolean {
    return (this.flags & StreamFlag.SendShut) !== 0;
  }

  private set sendShut(on: boolean) {
    this.flags = on ? this.flags | StreamFlag.SendShut : this.flags & ~StreamFlag.SendShut;
  }

  /** The receiving direction is shut (`SD_RECEIVE`, `WSPRecvDisconnect`). */
  private get receiveShut(): boolean {
    return (this.flags & StreamFlag.ReceiveShut) !== 0;
  }

  private set receiveShut(on: boolean) {
    this.flags = on ? this.flags | StreamFlag.ReceiveShut : this.flags & ~StreamFlag.ReceiveShut;
  }

  /** The peer closed its sending direction gracefully. */
  private get peerClosed(): boolean {
    return (this.flags & StreamFlag.PeerClosed) !== 0;
  }

  private set peerClosed(on: boolean) {
    this.flags = on ? this.flags | StreamFlag.PeerClosed : this.flags & ~StreamFlag.PeerClosed;
  }

  /** The link finished while our sending direction was still open (the peer's close ended it all). */
  private get linkEnded(): boolean {
    return (this.flags & StreamFlag.LinkEnded) !== 0;
  }

  private set linkEnded(on: boolean) {
    this.flags = on ? this.flags | StreamFlag.LinkEnded : this.flags & ~StreamFlag.LinkEnded;
  }

  /** The link said its send queue is above its high-water mark; a drain clears it. */
  private get congested(): boolean {
    return (this.flags & StreamFlag.Congested) !== 0;
  }

  private set congested(on: boolean) {
    this.flags = on ? this.flags | StreamFlag.Congested : this.flags & ~StreamFlag.Congested;
  }

  /** A non-blocking send failed `WSAEWOULDBLOCK`: the drain signals `FD_WRITE`. */
  private get wouldBlockOnSend(): boolean {
    return (this.flags & StreamFlag.WouldBlockOnSend) !== 0;
  }

  private set wouldBlockOnSend(on: boolean) {
    this.flags = on ? this.flags | StreamFlag.WouldBlockOnSend : this.flags & ~StreamFlag.WouldBlockOnSend;
  }

  /** Receive flow control paused the link. */
  private get paused(): boolean {
    return (this.flags & StreamFlag.Paused) !== 0;
  }

  private set paused(on: boolean) {
    this.flags = on ? this.flags | StreamFlag.Paused : this.flags & ~StreamFlag.Paused;
  }

  /** `serviceReceives` is running (it does not re-enter). */
  private get servicingReceives(): boolean {
    return (this.flags & StreamFlag.ServicingReceives) !== 0;
  }

  private set servicingReceives(on: boolean) {
    this.flags = on ? this.flags | StreamFlag.ServicingReceives : this.flags & ~StreamFlag.ServicingReceives;
  }

  /** Data went out after the peer's graceful close (its reset may follow: see `receive`). */
  private get sentAfterPeerClose(): boolean {
    return (this.flags & StreamFlag.SentAfterPeerClose) !== 0;
  }

  private set sentAfterPeerClose(on: boolean) {
    this.flags = on
      ? this.flags | StreamFlag.SentAfterPeerClose
      : this.flags & ~StreamFlag.SentAfterPeerClose;
  }

  /** The connection was duplicated into another OS process, which holds it too. */
  private get sharedAcrossProcesses(): boolean {
    return (this.flags & StreamFlag.SharedAcrossProcesses) !== 0;
  }

  private set sharedAcrossProcesses(on: boolean) {
    this.flags = on
      ? this.flags | StreamFlag.SharedAcrossProcesses
      : this.flags & ~StreamFlag.SharedAcrossProcesses;
  }

  get listening(): boolean {
    return this.state === 'listening';
  }

  get maxMessageSize(): number {
    return this.info.dwMessageSize;
  }

  get canSendNow(): boolean {
    return this.state === 'connected' && !this.congested && !this.sendShut && this.resetCode === 0;
  }

  private get expeditedSupported(): boolean {
    return this.driver.supportsExpedited && this.hasFlag(XP1_EXPEDITED_DATA);
  }

  /** The stream's byte queue, made on first use. */
  private get bytes(): ByteReceiveQueue {
    this.byteQueue ??= new ByteReceiveQueue();
    return this.byteQueue;
  }

  private get bytesQueued(): number {
    return this.byteQueue?.size ?? 0;
  }

  private get expeditedSize(): number {
    return this.expeditedQueue?.size ?? 0;
  }

  private get receiveQueued(): number {
    return this.messageQueue ? this.messageQueue.size : this.bytesQueued;
  }

  private get dataReadable(): boolean {
    return this.messageQueue ? this.messageQueue.hasMessage : this.bytesQueued > 0;
  }

  // ---- bind / listen / accept -------------------------------------------------------------

  async bind(name: SOCKADDR | null, namelen: number): Promise<void> {
    if (!name) fail(WSAEFAULT);
    const bad = this.driver.checkAddress(name, namelen, 'bind');
    if (bad) fail(bad);
    if (this.state !== 'unbound') fail(WSAEINVAL);
    this.state = 'binding';
    let binding: LocalBinding;
    try {
      binding = await this.driver.bind(copySockaddr(name), {
        reuseAddress: this.options.reuseAddress,
        exclusiveAddressUse: this.options.exclusiveAddressUse,
      });
    } catch (e) {
      if (this.state === 'binding') this.state = 'unbound';
      throw e;
    }
    if (this.closed) {
      binding.release();
      fail(WSAEINTR);
    }
    this.binding = binding;
    this.localName = binding.local;
    this.state = 'bound';
  }

  async listen(backlog: number): Promise<void> {
    if (this.state === 'connected' || this.state === 'connecting') fail(WSAEISCONN);
    const limit = clampBacklog(backlog, this.driver.backlogHints === true);
    if (this.state === 'listening') {
      this.backlogLimit = limit;
      return;
    }
    if (this.state !== 'bound' || !this.binding) fail(WSAEINVAL);
    const binding = this.binding;
    // A connect that failed before is over: its error is no condition of the listener's.
    this.connectFailure = 0;
    this.state = 'listening';
    this.backlogLimit = limit;
    if (this.backlog === NO_BACKLOG) this.backlog = [];
    let listener: ListenerHandle;
    try {
      listener = await this.driver.listen(binding, limit, (incoming) => this.onIncoming(incoming));
    } catch (e) {
      if (!this.closed) this.state = 'bound';
      throw e;
    }
    if (this.closed) {
      listener.close();
      fail(WSAEINTR);
    }
    this.binding = null;
    this.listener = listener;
    this.localName = listener.local;
  }

  private onIncoming(incoming: IncomingConnection): void {
    if (this.closed || this.state !== 'listening' || this.backlog.length >= this.backlogLimit) {
      incoming.refuse(WSAECONNREFUSED);
      return;
    }
    // Without conditional acceptance and without connect data to answer, the stack completes the
    // connection at once (TCP's SYN-ACK before accept); otherwise the caller waits for WSPAccept.
    const decideLater = this.options.conditionalAccept || this.hasFlag(XP1_CONNECT_DATA);
    const link = decideLater ? null : incoming.accept(null);
    this.backlog.push({ incoming, link, deferred: false });
    this.refreshEvents();
    this.notify();
  }

  async accept(
    addr: Out<SOCKADDR | null> | null,
    addrlen: Out<number> | null,
    condition: LPCONDITIONPROC | null,
    callbackData: unknown,
  ): Promise<SOCKET> {
    if ((addr !== null && !isOut(addr)) || (addrlen !== null && !isOut(addrlen))) fail(WSAEFAULT);
    if (
      addr &&
      (!addrlen || typeof addrlen.value !== 'number' || addrlen.value < this.driver.sockaddrLength)
    ) {
      fail(WSAEFAULT);
    }
    if (condition !== null && typeof condition !== 'function') fail(WSAEFAULT);
    if (this.state !== 'listening') fail(WSAEINVAL);
    const pending = await this.waitFor(!this.nonBlocking, 0, () => {
      if (this.state !== 'listening') fail(WSAEINVAL);
      return this.backlog[0];
    });
    let calleeData: Uint8Array | null = null;
    if (condition) {
      // The condition function runs synchronously inside WSPAccept (the dispatcher's re-entrancy
      // rule depends on it), with the caller's address and data and a buffer for callee data.
      const offerCalleeData = this.hasFlag(XP1_CONNECT_DATA) && pending.link === null;
      const calleeBuffer = offerCalleeData
        ? (() => {
            const size = this.driver.maxConnectData ?? DEFAULT_CALLEE_DATA;
            return { len: size, buf: new Uint8Array(size) };
          })()
        : null;
      const caller = pending.incoming.callerData;
      let answer: number;
      try {
        answer = condition(
          { len: this.driver.sockaddrLength, buf: copySockaddr(pending.incoming.remote) },
          caller && caller.byteLength > 0 ? { len: caller.byteLength, buf: caller.slice() } : null,
          null,
          null,
          { len: this.driver.sockaddrLength, buf: copySockaddr(pending.incoming.local) },
          calleeBuffer,
          out(0),
          callbackData,
        );
      } catch {
        answer = -1;
      }
      if (answer === CF_DEFER) {
        // Stays at the head; no further FD_ACCEPT until a decision is made (MSDN WSPAccept).
        pending.deferred = true;
        fail(WSATRY_AGAIN);
      }
      if (answer === CF_REJECT) {
        this.removePending(pending);
        if (pending.link) pending.link.reset();
        else pending.incoming.refuse(WSAECONNREFUSED);
        this.eventRecord?.reenable(FD_ACCEPT);
        this.refreshEvents();
        fail(WSAECONNREFUSED);
      }
      if (answer !== CF_ACCEPT) fail(WSAEINVAL);
      if (calleeBuffer) {
        const n = Number.isInteger(calleeBuffer.len)
          ? Math.max(0, Math.min(calleeBuffer.len, calleeBuffer.buf.byteLength))
          : 0;
        calleeData = n > 0 ? calleeBuffer.buf.slice(0, n) : null;
      }
    }
    const child = new StreamSocket(this.host, this.info, this.driver);
    child.inheritOptions(this);
    child.nonBlocking = this.nonBlocking;
    if (this.eventRecord) child.events.inheritFrom(this.eventRecord);
    // The handle first: without one (WSAEMFILE, no descriptors left) the connection stays queued —
    // MSDN accept: "the queue is nonempty upon entry to accept and there are no descriptors
    // available" — for an accept once a descriptor is free.
    const handle = this.host.register(child);
    this.removePending(pending);
    this.eventRecord?.reenable(FD_ACCEPT);
    let link: TransportLink;
    try {
      link = pending.link ?? pending.incoming.accept(calleeData);
    } catch (e) {
      this.host.forget(child);
      throw e;
    }
    child.adopt(link);
    if (addr && addrlen) {
      addr.value = copySockaddr(link.remote);
      addrlen.value = this.driver.sockaddrLength;
    }
    this.refreshEvents();
    return handle;
  }

  private removePending(pending: PendingConnection): void {
    const i = this.backlog.indexOf(pending);
    if (i >= 0) this.backlog.splice(i, 1);
  }

  /** An accepted connection becomes this socket's. */
  private adopt(link: TransportLink): void {
    this.origin = 'accepted';
    this.connectedAt = Date.now();
    this.state = 'connected';
    this.link = link;
    this.localName = link.local;
    this.remoteName = link.remote;
    link.setHandlers(this.linkHandlers(link));
    this.eventRecord?.signal(FD_WRITE);
  }

  // ---- connect ---------------------------------------------------------------------------

  /** `overlapped` (ConnectEx): the call waits whatever the blocking mode, and `onPending` runs when it does. */
  async connect(
    name: SOCKADDR | null,
    namelen: number,
    callerBuffer: WSABUF | null,
    calleeBuffer: WSABUF | null,
    overlapped?: { onPending(): void },
  ): Promise<void> {
    if (!name) fail(WSAEFAULT);
    const bad = this.driver.checkAddress(name, namelen, 'connect');
    if (bad) fail(bad);
    const caller = optionalBuffer(callerBuffer);
    const callee = optionalBuffer(calleeBuffer);
    const callerData = caller && caller.len > 0 ? caller.buf.slice(0, caller.len) : null;
    // MSDN WSAConnect: connect data the provider cannot carry is WSAEPROTONOSUPPORT.
    if (callerData && !this.hasFlag(XP1_CONNECT_DATA)) fail(WSAEPROTONOSUPPORT);
    if (
      callerData &&
      this.driver.maxConnectData !== undefined &&
      callerData.byteLength > this.driver.maxConnectData
    ) {
      fail(WSAEMSGSIZE);
    }
    this.eventRecord?.reenable(FD_CONNECT);
    switch (this.state) {
      case 'listening':
      case 'binding':
        fail(WSAEINVAL);
        break;
      case 'connecting':
        fail(WSAEALREADY);
        break;
      case 'connected':
        fail(WSAEISCONN);
        break;
      default:
        break;
    }
    const blocking = overlapped !== undefined || !this.nonBlocking;
    this.state = 'connecting';
    this.connectFailure = 0;
    const completion = this.driver
      .connect({ remote: copySockaddr(name), binding: this.binding, callerData })
      .then(
        (outcome) => this.connected(outcome.link, outcome.calleeData, callee),
        (reason) => this.connectFailed(codeOf(reason), blocking),
      )
      // A driver throwing while the link is wired must not become an unhandled rejection.
      .catch((reason) => {
        this.link?.reset();
        this.link = null;
        return this.connectFailed(codeOf(reason), blocking);
      });
    if (!blocking) {
      // Completion is reported through FD_CONNECT, select and SO_ERROR.
      fail(WSAEWOULDBLOCK);
    }
    // Wait through the socket's signal rather than the driver's promise, so that closing the
    // socket (or cleaning up the provider) releases a blocked connect at once with WSAEINTR.
    let code: number | undefined;
    void completion.then((c) => {
      code = c;
      this.notify();
    });
    const result = await this.waitFor(true, 0, () => code, undefined, overlapped?.onPending);
    if (result) fail(result);
  }

  private connected(link: TransportLink, calleeData: Uint8Array | null, callee: WSABUF | null): number {
    if (this.closed) {
      link.reset();
      return WSAEINTR;
    }
    this.binding = null;
    this.origin = 'connected';
    this.connectedAt = Date.now();
    this.state = 'connected';
    this.link = link;
    this.localName = link.local;
    this.remoteName = link.remote;
    if (callee) {
      const n = calleeData ? Math.min(calleeData.byteLength, callee.buf.byteLength, callee.len) : 0;
      if (calleeData && n > 0) callee.buf.set(calleeData.subarray(0, n), 0);
      callee.len = n;
    }
    link.setHandlers(this.linkHandlers(link));
    this.eventRecord?.signal(FD_CONNECT, 0);
    this.eventRecord?.signal(FD_WRITE);
    this.notify();
    return 0;
  }

  private connectFailed(code: number, blocking: boolean): number {
    if (this.closed) return WSAEINTR;
    this.state = this.binding ? 'bound' : 'unbound';
    if (!blocking) {
      this.connectFailure = code;
      this.pendingError = code;
    }
    this.eventRecord?.signal(FD_CONNECT, code);
    this.notify();
    return code;
  }

  // ---- link events -----------------------------------------------------------------------

  /** The link's events, for as long as the link is this socket's (see `StreamLinkEvents`). */
  private linkHandlers(link: TransportLink): LinkHandlers {
    return new StreamSocket.LinkEvents(this, link);
  }

  /**
   * Delivers a link's events to its socket while the link is still the socket's. Handlers run on
   * the driver's turn: nothing they do may throw back into the driver, so a failure aborts the
   * connection instead. One small object per link, its methods shared (no closures per socket).
   */
  private static readonly LinkEvents = class implements LinkHandlers {
    constructor(
      private readonly socket: StreamSocket,
      private readonly link: TransportLink,
    ) {}

    onData(data: Uint8Array, endOfMessage: boolean): void {
      const socket = this.socket;
      if (socket.link !== this.link) return;
      try {
        socket.onData(data, endOfMessage);
      } catch {
        socket.localAbort();
      }
    }

    onExpedited(data: Uint8Array): void {
      const socket = this.socket;
      if (socket.link !== this.link) return;
      try {
        socket.onExpedited(data);
      } catch {
        socket.localAbort();
      }
    }

    onPeerClose(data: Uint8Array | null): void {
      const socket = this.socket;
      if (socket.link !== this.link) return;
      try {
        socket.onPeerClose(data);
      } catch {
        socket.localAbort();
      }
    }

    onReset(code: number): void {
      const socket = this.socket;
      if (socket.link !== this.link) return;
      try {
        socket.onReset(code);
      } catch {
        socket.localAbort();
      }
    }

    onDrain(): void {
      const socket = this.socket;
      if (socket.link !== this.link) return;
      try {
        socket.onDrain();
      } catch {
        socket.localAbort();
      }
    }

    onClosed(): void {
      const socket = this.socket;
      if (socket.link !== this.link) return;
      try {
        socket.onLinkClosed();
      } catch {
        socket.localAbort();
      }
    }
  };

  private onData(data: Uint8Array, endOfMessage: boolean): void {
    if (this.resetCode) return;
    if (this.closed) {
      // Nobody is left to read it: the honest answer is a reset (what TCP does after closesocket).
      this.localAbort();
      return;
    }
    if (this.receiveShut && !this.hasExemptReceiver && this.driver.resetOnDataAfterReceiveShutdown) {
      this.localAbort();
      return;
    }
    if (this.messageQueue) this.messageQueue.push(data, endOfMessage);
    else this.bytes.push(data);
    this.applyFlowControl();
    this.refreshEvents();
    this.notify();
  }

  private onExpedited(data: Uint8Array): void {
    if (this.resetCode || this.closed) return;
    if (this.options.oobInline) {
      if (this.messageQueue) this.messageQueue.push(data, true);
      else this.bytes.push(data);
      this.urgentAhead = this.receiveQueued;
    } else {
      this.expeditedQueue ??= new ByteReceiveQueue();
      this.expeditedQueue.push(data);
      this.eventRecord?.signal(FD_OOB);
    }
    this.refreshEvents();
    this.notify();
  }

  private onPeerClose(data: Uint8Array | null): void {
    if (this.peerClosed || this.resetCode) return;
    this.peerClosed = true;
    this.peerDisconnectData = data && data.byteLength > 0 ? data.slice() : null;
    // Windows signals FD_CLOSE at once, even with data still unread.
    this.closeError = 0;
    this.refreshEvents();
    this.notify();
  }

  private onReset(code: number): void {
    this.lingerOver();
    if (this.resetCode) return;
    // A reset that follows the peer's FIN (we sent to a peer that had closed) is reported as
    // WSAECONNABORTED, as Windows does; a reset out of the blue is WSAECONNRESET.
    this.resetCode =
      this.peerClosed && (code === WSAECONNRESET || !code) ? WSAECONNABORTED : code || WSAECONNRESET;
    this.dropReceived();
    // FD_CLOSE after an RST carries WSAECONNABORTED; recv and send say WSAECONNRESET.
    this.closeError = code === WSAECONNRESET || !code ? WSAECONNABORTED : code;
    this.congested = false;
    this.refreshEvents();
    this.notify();
  }

  private onDrain(): void {
    this.congested = false;
    if (this.wouldBlockOnSend) {
      this.wouldBlockOnSend = false;
      this.eventRecord?.signal(FD_WRITE);
    }
    this.notify();
  }

  private onLinkClosed(): void {
    this.lingerOver();
    if (!this.resetCode && !this.peerClosed) {
      // The link ended without telling how: treat it as an abort so nobody waits for ever.
      this.onReset(WSAECONNABORTED);
    } else if (!this.resetCode && !this.sendShut) {
      // The peer's close ended the whole connection (protocols without half-close, such as ISO
      // transport's DR): our direction is gone too, though we never shut it.
      this.linkEnded = true;
    }
    this.notify();
  }

  /**
   * What send, receive (normal or `MSG_OOB`) and `WSPSendDisconnect` report once the connection is
   * gone abortively: `WSAECONNABORTED` when this side aborted it (or the peer's reset answered a
   * send after its close), `WSAETIMEDOUT` / `WSAENETRESET` when the link said the connection was
   * dropped for that (as Windows' recv and send report them), else `WSAECONNRESET` — the same code
   * on every call.
   */
  private resetError(): number {
    const code = this.resetCode;
    return code === WSAECONNABORTED || code === WSAETIMEDOUT || code === WSAENETRESET ? code : WSAECONNRESET;
  }

  /** Abort the connection from this side (RST); the socket then reports `WSAECONNABORTED`. */
  private localAbort(): void {
    if (this.resetCode) return;
    this.link?.reset();
    this.resetCode = WSAECONNABORTED;
    this.closeError = WSAECONNABORTED;
    this.dropReceived();
    this.congested = false;
    if (!this.closed) this.refreshEvents();
    this.notify();
  }

  private dropReceived(): void {
    this.byteQueue?.clear();
    this.messageQueue?.clear();
    this.expeditedQueue?.clear();
    this.urgentAhead = 0;
  }

  private applyFlowControl(): void {
    if (!this.link) return;
    // Full is more than SO_RCVBUF queued. Empty is never full: with SO_RCVBUF 0 Windows copies
    // straight into posted receives, so a receive must be able to get the next bytes. Exactly
    // SO_RCVBUF queued is not full either, so that a reader keeping up with chunks of that size
    // does not pause and resume the link for each of them.
    const queued = this.receiveQueued;
    // A connection shared with another process is read only while a receive waits for it.
    const full =
      queued > this.options.receiveBuffer ||
      (this.sharedAcrossProcesses && (this.waitingReceives === null || this.waitingReceives.length === 0));
    // A message larger than the buffer must still be received whole before anyone can read it.
    const mustReadOn = this.messageQueue?.headIncomplete === true;
    if (full && !mustReadOn && !this.paused) {
      this.paused = true;
      this.link.pause();
    } else if ((!full || mustReadOn) && this.paused) {
      this.paused = false;
      this.link.resume();
    }
  }

  receiveBufferChanged(): void {
    this.applyFlowControl();
  }

  refreshEvents(): void {
    if (this.closed) return;
    if (this.state === 'listening' && this.backlog.length > 0 && !this.backlog[0]!.deferred) {
      this.eventRecord?.signal(FD_ACCEPT);
    }
    if (this.state === 'connected') {
      if (this.dataReadable) this.eventRecord?.signal(FD_READ);
      if (this.expeditedSize > 0) this.eventRecord?.signal(FD_OOB);
    }
    if (this.closeError !== null) this.eventRecord?.signal(FD_CLOSE, this.closeError);
  }

  // ---- send / receive --------------------------------------------------------------------

  send(
    buffers: WSABUF[],
    flags: number,
    _to: SOCKADDR | null,
    _tolen: number,
    blocking: boolean,
    onPending?: () => void,
  ): number | Promise<number> {
    if (flags & ~(MSG_OOB | MSG_DONTROUTE | MSG_PARTIAL | MSG_PUSH_IMMEDIATE)) fail(WSAEOPNOTSUPP);
    if (flags & MSG_OOB && !this.expeditedSupported) fail(WSAEOPNOTSUPP);
    if (flags & MSG_PARTIAL && !(this.messageOriented && this.hasFlag(XP1_PARTIAL_MESSAGE)))
      fail(WSAEOPNOTSUPP);
    let length = capacityOf(buffers);
    // SO_SNDBUF bounds what a non-blocking stream send hands the transport: the rest is not taken
    // (a partial send, which MSDN allows on non-blocking stream sockets), and once the transport is
    // congested the next send is WSAEWOULDBLOCK. A blocking (or overlapped) send waits for room and
    // takes everything; a message is taken whole (its size is bounded by dwMessageSize).
    if (!blocking && !this.messageOriented && !(flags & MSG_OOB)) {
      const budget = sendBudget(this.options);
      if (length > budget) {
        buffers = firstBytes(buffers, budget);
        length = budget;
      }
    }
    this.eventRecord?.reenable(FD_WRITE);
    this.checkSendable();
    if (this.hasFlag(XP1_UNI_RECV)) fail(WSAESHUTDOWN);
    if (this.messageOriented && this.info.dwMessageSize > 0 && length > this.info.dwMessageSize) {
      fail(WSAEMSGSIZE);
    }
    if (this.closed) fail(WSAEINTR);
    if (!this.congested) return this.transmit(buffers, flags, length, blocking, onPending);
    if (!blocking) {
      this.wouldBlockOnSend = true;
      fail(WSAEWOULDBLOCK);
    }
    return this.transmitWhenDrained(buffers, flags, length, onPending);
  }

  /** The send checks that hold before and after a wait for the send queue to drain. */
  private checkSendable(): void {
    if (this.state !== 'connected' || !this.link) fail(WSAENOTCONN);
    // WSAESHUTDOWN wins over a reset.
    if (this.sendShut) fail(WSAESHUTDOWN);
    if (this.resetCode) fail(this.resetError());
  }

  /** A blocking send on a congested link: waits for the drain (or the timeout), then sends. */
  private async transmitWhenDrained(
    buffers: WSABUF[],
    flags: number,
    length: number,
    onPending: (() => void) | undefined,
  ): Promise<number> {
    await this.waitFor(
      true,
      this.options.sendTimeout,
      () => {
        this.checkSendable();
        return this.congested ? undefined : true;
      },
      undefined,
      onPending,
    );
    return this.transmit(buffers, flags, length, true, onPending);
  }

  /**
   * Hands the bytes to the link. A large send that may wait (blocking without `SO_SNDTIMEO`, or
   * overlapped) lends its one buffer to a link that can send without a copy (`sendOwned`): the call
   * completes when the transport is done with the buffer — which is when a blocking send would have
   * returned anyway, the application owning its buffer again. Smaller sends, non-blocking ones and
   * other links give the link a view of the caller's buffer (it copies what it keeps) or a gathered
   * copy, and complete at once.
   */
  private transmit(
    buffers: WSABUF[],
    flags: number,
    length: number,
    mayWait: boolean,
    onPending: (() => void) | undefined,
  ): number | Promise<number> {
    const link = this.link!;
    if (this.linkEnded) {
      // A message-oriented circuit the peer released gracefully: MSDN's WSASend answers
      // WSAEDISCON, every time, and the socket keeps reporting the graceful close.
      if (this.messageOriented) fail(WSAEDISCON);
      // A stream: what Windows shows for a send to a peer that has closed — the send succeeds,
      // the peer's reset follows, and the next recv or send fails WSAECONNABORTED.
      this.resetCode = WSAECONNABORTED;
      this.closeError = WSAECONNABORTED;
      this.dropReceived();
      this.notify();
      return length;
    }
    if (this.peerClosed) this.sentAfterPeerClose = true;
    if (flags & MSG_OOB) {
      link.sendExpedited!(bytesOf(buffers));
      return length;
    }
    const endOfMessage = !(flags & MSG_PARTIAL);
    if (
      mayWait &&
      length >= OWNED_SEND_MIN_BYTES &&
      buffers.length === 1 &&
      link.sendOwned &&
      this.options.sendTimeout === 0
    ) {
      return this.transmitOwned(link, bytesOf(buffers), endOfMessage, length, onPending);
    }
    if (!link.send(bytesOf(buffers), endOfMessage)) this.congested = true;
    return length;
  }

  /**
   * `sendOwned`: the call completes when the link is done with the caller's buffer. A send cancelled
   * that way (the socket closed, the provider cleaned up) resets the connection: TCP cannot take back
   * the part already on the wire, and the rest must no longer be read from the caller's memory.
   */
  private transmitOwned(
    link: TransportLink,
    data: Uint8Array,
    endOfMessage: boolean,
    length: number,
    onPending: (() => void) | undefined,
  ): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const accepted = link.sendOwned!(data, endOfMessage, (failure) => {
        this.lentSends--;
        if (!failure) resolve(length);
        else
          reject(new WsaError(this.closed ? WSAEINTR : this.resetCode ? this.resetError() : codeOf(failure)));
      });
      this.lentSends++;
      if (!accepted) this.congested = true;
      onPending?.();
    });
  }

  receive(
    buffers: WSABUF[],
    flags: number,
    _wantFrom: boolean,
    blocking: boolean,
    onPending?: () => void,
  ): ReceiveResult | Promise<ReceiveResult> {
    const input = flags & ~MSG_PARTIAL;
    if (input & ~(MSG_PEEK | MSG_OOB | MSG_WAITALL | MSG_PUSH_IMMEDIATE)) fail(WSAEOPNOTSUPP);
    const oob = (input & MSG_OOB) !== 0;
    const peek = (input & MSG_PEEK) !== 0;
    const waitAll = (input & MSG_WAITALL) !== 0;
    if (oob && !this.expeditedSupported) fail(WSAEOPNOTSUPP);
    if (oob && this.options.oobInline) fail(WSAEINVAL);
    if (waitAll && (oob || peek || this.messageOriented || !blocking)) fail(WSAEOPNOTSUPP);
    this.eventRecord?.reenable(FD_READ | FD_OOB);
    if (this.state !== 'connected') fail(WSAENOTCONN);
    if (this.closed) fail(WSAEINTR);
    // Data sent after the peer's close provokes its reset, which Windows' next recv reports
    // (WSAECONNABORTED); a transport that stopped reading at the end is asked for it first.
    if (this.sentAfterPeerClose && !this.resetCode && this.link?.probeReset) {
      return this.link
        .probeReset()
        .then(() => this.receiveChecked(buffers, oob, peek, waitAll, blocking, onPending));
    }
    return this.receiveChecked(buffers, oob, peek, waitAll, blocking, onPending);
  }

  /** `receive` once its arguments are checked: what is there now without a Promise, else a wait. */
  private receiveChecked(
    buffers: WSABUF[],
    oob: boolean,
    peek: boolean,
    waitAll: boolean,
    blocking: boolean,
    onPending: (() => void) | undefined,
  ): ReceiveResult | Promise<ReceiveResult> {
    if (this.closed) fail(WSAEINTR);
    if (!waitAll) {
      // What is there now (data, the end, an error) needs no Promise.
      let ready: ReceiveResult | undefined;
      let mustWait = false;
      try {
        ready = this.receiveNow(buffers, oob, peek, false);
        if (ready === undefined) {
          if (!blocking) fail(WSAEWOULDBLOCK);
          mustWait = true;
        }
      } finally {
        if (!mustWait) this.received();
      }
      if (ready !== undefined) return ready;
    }
    return this.receiveWaiting(buffers, oob, peek, waitAll, onPending);
  }

  /**
   * A receive that must wait (or fill its buffers, `MSG_WAITALL`): queued on the socket, as a
   * receive posted to a Windows transport, and completed by whatever changes its outcome — data,
   * the end, a reset, the close — from inside that event (`notify`), not by polling. One Promise per
   * waiting call. An `SD_RECEIVE` arriving meanwhile marks it (`exempt`), and it may still complete.
   */
  private receiveWaiting(
    buffers: WSABUF[],
    oob: boolean,
    peek: boolean,
    waitAll: boolean,
    onPending: (() => void) | undefined,
  ): Promise<ReceiveResult> {
    return new Promise<ReceiveResult>((resolve, reject) => {
      const waiting: WaitingReceive = {
        exempt: false,
        buffers,
        oob,
        peek,
        waitAll,
        filled: 0,
        resolve,
        reject,
        timer: undefined,
      };
      if (waitAll) {
        // Not tried yet: MSG_WAITALL may find its buffers' worth queued already.
        let result: ReceiveResult | undefined;
        try {
          result = this.attemptWaiting(waiting);
        } catch (e) {
          this.received();
          reject(e);
          return;
        }
        if (result !== undefined) {
          this.received();
          resolve(result);
          return;
        }
      }
      this.waitingReceives ??= [];
      this.waitingReceives.push(waiting);
      // A connection shared with another process is read while a receive waits for it.
      if (this.sharedAcrossProcesses) this.applyFlowControl();
      const timeout = this.options.receiveTimeout;
      if (timeout > 0) {
        waiting.timer = setTimeout(() => {
          waiting.timer = undefined;
          const queue = this.waitingReceives!;
          const i = queue.indexOf(waiting);
          if (i < 0) return;
          queue.splice(i, 1);
          this.received();
          reject(new WsaError(WSAETIMEDOUT));
        }, timeout);
      }
      onPending?.();
    });
  }

  /** A waiting receive's attempt: `receiveNow`, or `MSG_WAITALL`'s filling of its buffers. */
  private attemptWaiting(w: WaitingReceive): ReceiveResult | undefined {
    if (!w.waitAll) return this.receiveNow(w.buffers, w.oob, w.peek, w.exempt);
    if (this.receiveShut && !w.exempt) fail(WSAESHUTDOWN);
    if (this.bytesQueued > 0) {
      const n = this.byteQueue!.read(w.filled === 0 ? w.buffers : skipBytes(w.buffers, w.filled), false);
      this.consumedInline(n, false);
      w.filled += n;
      if (w.filled >= capacityOf(w.buffers)) return { bytes: w.filled, flags: 0, error: 0 };
    }
    // MSG_WAITALL returns what came before the end or the reset.
    if (w.filled > 0 && (this.peerClosed || this.resetCode)) return { bytes: w.filled, flags: 0, error: 0 };
    if (this.resetCode) fail(this.resetError());
    if (this.peerClosed) return { bytes: w.filled, flags: 0, error: 0 };
    return undefined;
  }

  /**
   * Something changed: complete the waiting receives that can complete now, in the order they were
   * made (a later one never overtakes an earlier one). On a closed socket they fail `WSAEINTR`.
   */
  private serviceReceives(): void {
    // Completing a receive can run code (event upcalls) that changes the socket again: one loop.
    if (this.servicingReceives) return;
    this.servicingReceives = true;
    try {
      const queue = this.waitingReceives!;
      while (queue.length > 0) {
        const w = queue[0]!;
        let result: ReceiveResult | undefined;
        let failure: unknown;
        try {
          if (this.closed) fail(WSAEINTR);
          result = this.attemptWaiting(w);
          if (result === undefined) return;
        } catch (e) {
          failure = e;
        }
        queue.shift();
        if (w.timer) clearTimeout(w.timer);
        this.received();
        if (result !== undefined) w.resolve(result);
        else w.reject(failure);
      }
    } finally {
      this.servicingReceives = false;
    }
  }

  /** `SD_RECEIVE` arrived: the receives waiting now may still complete. */
  protected override exemptWaitingReceivers(): void {
    if (this.waitingReceives) for (const w of this.waitingReceives) w.exempt = true;
  }

  /** True while a receive that was waiting when `SD_RECEIVE` came still waits. */
  protected override get hasExemptReceiver(): boolean {
    if (this.waitingReceives) for (const w of this.waitingReceives) if (w.exempt) return true;
    return false;
  }

  override notify(): void {
    super.notify();
    if (this.waitingReceives !== null && this.waitingReceives.length > 0) this.serviceReceives();
  }

  /**
   * One receive attempt without `MSG_WAITALL`: the result, a thrown error, or undefined for "nothing
   * yet". `exempt`: the receive was already waiting when `SD_RECEIVE` came.
   */
  private receiveNow(
    buffers: WSABUF[],
    oob: boolean,
    peek: boolean,
    exempt: boolean,
  ): ReceiveResult | undefined {
    // WSAESHUTDOWN wins over EOF, WSAEWOULDBLOCK and reset; a receive already waiting when
    // SD_RECEIVE came still completes (with data or EOF).
    if (this.receiveShut && !exempt) fail(WSAESHUTDOWN);
    if (oob) {
      if (this.expeditedSize > 0)
        return { bytes: this.expeditedQueue!.read(buffers, peek), flags: 0, error: 0 };
      if (this.resetCode) fail(this.resetError());
      if (this.peerClosed) return { bytes: 0, flags: 0, error: 0 };
      return undefined;
    }
    if (this.messageOriented) {
      if (this.messageQueue!.hasMessage) {
        const partial = this.hasFlag(XP1_PARTIAL_MESSAGE);
        const read = this.messageQueue!.read(buffers, peek, partial, true);
        this.consumedInline(read.bytes, peek);
        if (!read.truncated) return { bytes: read.bytes, flags: 0, error: 0 };
        // MSDN WSARecv: with MSG_PARTIAL support the rest follows; without it a reliable
        // protocol fails WSAEMSGSIZE and keeps the whole message for a larger buffer.
        return partial
          ? { bytes: read.bytes, flags: MSG_PARTIAL, error: 0 }
          : { bytes: read.bytes, flags: 0, error: WSAEMSGSIZE };
      }
    } else if (this.bytesQueued > 0) {
      const n = this.byteQueue!.read(buffers, peek);
      this.consumedInline(n, peek);
      return { bytes: n, flags: 0, error: 0 };
    }
    if (this.resetCode) fail(this.resetError());
    if (this.peerClosed) {
      if (this.messageOriented) fail(WSAEDISCON);
      return { bytes: 0, flags: 0, error: 0 };
    }
    return undefined;
  }

  /** After every receive: the queue may have room again, and the level-triggered events change. */
  private received(): void {
    if (this.closed) return;
    this.applyFlowControl();
    this.refreshEvents();
  }

  private consumedInline(n: number, peek: boolean): void {
    if (!peek && this.urgentAhead > 0) this.urgentAhead = Math.max(0, this.urgentAhead - n);
  }

  // ---- shutdown and disconnect -----------------------------------------------------------

  shutdown(how: number): void {
    if (how !== SD_RECEIVE && how !== SD_SEND && how !== SD_BOTH) fail(WSAEINVAL);
    if (how !== SD_RECEIVE && this.hasFlag(XP1_UNI_RECV)) fail(WSAEINVAL);
    if (how !== SD_SEND && this.hasFlag(XP1_UNI_SEND)) fail(WSAEINVAL);
    if (this.state !== 'connected') fail(WSAENOTCONN);
    if (how !== SD_SEND) this.shutReceive(true);
    if (how !== SD_RECEIVE) this.shutSend(null);
  }

  sendDisconnect(buffer: WSABUF | null): void {
    const b = optionalBuffer(buffer);
    // Non-NULL data on a protocol without disconnect data: nothing is sent and nothing is shut.
    if (b && !this.hasFlag(XP1_DISCONNECT_DATA)) fail(WSAENOPROTOOPT);
    const data = b && b.len > 0 ? b.buf.slice(0, b.len) : null;
    if (
      data &&
      this.driver.maxDisconnectData !== undefined &&
      data.byteLength > this.driver.maxDisconnectData
    ) {
      fail(WSAEMSGSIZE);
    }
    if (this.state !== 'connected') fail(WSAENOTCONN);
    if (this.sendShut) {
      // Idempotent, but data can no longer travel: the FIN (or DR) is already gone.
      if (data) fail(WSAESHUTDOWN);
      return;
    }
    if (this.resetCode && data) fail(this.resetError());
    this.shutSend(data);
  }

  recvDisconnect(buffer: WSABUF | null): void {
    const b = optionalBuffer(buffer);
    if (this.state !== 'connected') fail(WSAENOTCONN);
    if (b) {
      // Without XP1_DISCONNECT_DATA there is never any: report none (len 0) rather than fail, as
      // the TCP/IP provider does ("reports no disconnect data").
      const pending = this.hasFlag(XP1_DISCONNECT_DATA) ? this.peerDisconnectData : null;
      if (pending && pending.byteLength > Math.min(b.len, b.buf.byteLength)) fail(WSAEFAULT);
      if (pending) b.buf.set(pending, 0);
      b.len = pending ? pending.byteLength : 0;
    }
    this.shutReceive(false);
  }

  private shutReceive(applyResetRule: boolean): void {
    if (this.receiveShut) return;
    this.receiveShut = true;
    this.exemptWaitingReceivers();
    if (applyResetRule && this.driver.resetOnDataAfterReceiveShutdown && this.receiveQueued > 0)
      this.localAbort();
    this.notify();
  }

  private shutSend(data: Uint8Array | null): void {
    if (this.sendShut) return;
    this.sendShut = true;
    if (!this.resetCode) this.link?.close(data);
    this.notify();
  }

  // ---- names, ioctls, select ---------------------------------------------------------------

  localAddress(): SOCKADDR {
    if (!this.localName) fail(WSAEINVAL);
    return copySockaddr(this.localName);
  }

  peerAddress(): SOCKADDR {
    if (this.state !== 'connected' || !this.remoteName) fail(WSAENOTCONN);
    return copySockaddr(this.remoteName);
  }

  bytesReadable(): number {
    if (this.messageQueue) return this.messageQueue.nextMessageSize;
    return this.bytesQueued;
  }

  atOobMark(): boolean {
    return this.options.oobInline ? this.urgentAhead === 0 : this.expeditedSize === 0;
  }

  readiness(): Readiness {
    const connected = this.state === 'connected';
    return {
      readable:
        (this.state === 'listening' && this.backlog.length > 0) ||
        (connected && (this.dataReadable || this.peerClosed || this.resetCode !== 0)),
      writable: connected && !this.congested,
      exceptional: (connected && this.expeditedSize > 0) || this.connectFailure !== 0,
    };
  }

  // ---- mswsock extensions (AcceptEx, ConnectEx, DisconnectEx with TF_REUSE_SOCKET) -----------
  // The calls themselves live in extension-functions/; these are the state changes they need.

  /** Where the socket is in its life (the extension functions' argument checks). */
  get connectionState(): StreamState {
    return this.state;
  }

  /** True once the sending side is shut (`SD_SEND`, `WSASendDisconnect`, `DisconnectEx`). */
  get sendingShut(): boolean {
    return this.sendShut;
  }

  /** Seconds connected (`SO_CONNECT_TIME`), or undefined while not connected. */
  get secondsConnected(): number | undefined {
    if (this.state !== 'connected' || this.connectedAt === null) return undefined;
    return Math.floor((Date.now() - this.connectedAt) / 1000);
  }

  /**
   * `AcceptEx`'s listener side, as a pended request: waits for the next connection in the backlog
   * (a deferred one included) and takes it. `check` runs at every look and may fail the request:
   * when it fails with a connection waiting (the address slots are too small), the connection
   * stays queued for a later accept.
   */
  async takeNextConnection(onPending: () => void, check: (waiting: boolean) => void): Promise<TransportLink> {
    if (this.state !== 'listening') fail(WSAEINVAL);
    const pending = await this.waitFor(
      true,
      0,
      () => {
        if (this.state !== 'listening') fail(WSAEINVAL);
        const head = this.backlog[0];
        check(head !== undefined);
        return head;
      },
      undefined,
      onPending,
    );
    this.removePending(pending);
    this.eventRecord?.reenable(FD_ACCEPT);
    const link = pending.link ?? pending.incoming.accept(null);
    this.refreshEvents();
    return link;
  }

  /** `AcceptEx`'s accept side: this unbound socket becomes the accepted connection's. */
  adoptAccepted(link: TransportLink): void {
    this.adopt(link);
    this.notify();
  }

  /**
   * `DisconnectEx(TF_REUSE_SOCKET)` once the sending side is shut: the connection is left to finish
   * its graceful close on its own, and the socket starts over — "neither bound nor connected" after
   * an accept (for `AcceptEx`), "not connected but still bound" after a connect (for `ConnectEx`,
   * which then takes a new local port: TCP's TIME_WAIT keeps the old one).
   */
  resetForReuse(): void {
    if (this.state !== 'connected') fail(WSAENOTCONN);
    const link = this.link;
    // The connection finishes its graceful close on its own (the FIN is sent); one such connection
    // is remembered, so the provider's cleanup can still reset it.
    if (link && !this.resetCode) {
      link.close(null);
      this.lingeringLink = link;
    }
    this.link = null;
    this.state = this.origin === 'connected' ? 'bound' : 'unbound';
    if (this.state === 'unbound') this.localName = null;
    this.remoteName = null;
    this.origin = null;
    this.connectedAt = null;
    this.connectFailure = 0;
    this.sendShut = false;
    this.receiveShut = false;
    this.peerClosed = false;
    this.peerDisconnectData = null;
    this.resetCode = 0;
    this.closeError = null;
    this.linkEnded = false;
    this.sentAfterPeerClose = false;
    this.congested = false;
    this.wouldBlockOnSend = false;
    this.paused = false;
    this.dropReceived();
    this.eventRecord?.reenable(FD_READ | FD_WRITE | FD_OOB | FD_CONNECT | FD_CLOSE | FD_ACCEPT);
    this.notify();
  }

  /**
   * `WSAPoll`'s answer for this socket (`SIO_EXT_POLL`), as Windows gives it: a listener with a
   * connection waiting is readable; after the peer's reset `POLLERR | POLLHUP` (and `POLLWRNORM`
   * when asked); after its graceful close `POLLHUP`, with `POLLRDNORM` while data is still unread;
   * otherwise data is `POLLRDNORM`, expedited data `POLLRDBAND`/`POLLPRI`, room to send `POLLWRNORM`
   * — each readiness bit only when asked for, `POLLERR`/`POLLHUP` always; a failed connect is
   * `POLLERR | POLLHUP`.
   */
  pollEvents(events: number): number {
    if (this.state === 'listening') return this.backlog.length > 0 ? events & POLLRDNORM : 0;
    if (this.connectFailure !== 0) return POLLERR | POLLHUP;
    if (this.state !== 'connected') return 0;
    if (this.resetCode) return POLLERR | POLLHUP | (events & POLLWRNORM);
    let revents = 0;
    if (this.dataReadable) revents |= events & POLLRDNORM;
    if (this.expeditedSize > 0) revents |= events & (POLLRDBAND | POLLPRI);
    if (!this.congested && !this.sendShut && !this.linkEnded) revents |= events & POLLWRNORM;
    if (this.peerClosed) revents |= POLLHUP;
    return revents;
  }

  /**
   * The connection's operating-system handle, for a child process (`WSPDuplicateSocket`);
   * undefined when the socket is not connected or its transport has none.
   */
  exportConnection(): unknown {
    if (this.state !== 'connected' || !this.link || this.resetCode) return undefined;
    return this.link.exportHandle?.();
  }

  /**
   * Another OS process now holds the connection too: this socket reads from it only while a
   * receive waits (the bytes stay in the system for whichever process asks), and closing it lets go
   * of this process's descriptor without ending the connection.
   */
  shareAcrossProcesses(): void {
    this.sharedAcrossProcesses = true;
    this.applyFlowControl();
  }

  // ---- close -----------------------------------------------------------------------------

  close(): void {
    if (this.closed) return;
    // A connection given up for reuse finishes its graceful close on its own.
    this.lingeringLink = null;
    const lingerZero = this.options.linger.l_onoff !== 0 && this.options.linger.l_linger === 0;
    const abortive = lingerZero || !this.hasFlag(XP1_GRACEFUL_CLOSE);
    this.closed = true;
    this.eventRecord?.mute();
    this.releaseListening();
    this.binding?.release();
    this.binding = null;
    if (this.link && this.sharedAcrossProcesses) {
      // Another process holds the connection too: only this process's descriptor goes.
      this.link.release?.();
      this.link = null;
    } else if (this.link && !this.resetCode) {
      // TCP resets when unread data is thrown away by the close; so does a send cancelled while
      // the link holds its buffer (see `transmitOwned`); graceful otherwise.
      const unread = this.driver.resetOnDataAfterReceiveShutdown && this.receiveQueued > 0;
      if (abortive || unread || this.lentSends > 0) {
        this.link.reset();
        this.resetCode = WSAECONNABORTED;
      } else if (!this.sendShut) {
        this.sendShut = true;
        this.link.close(null);
      }
      if (!this.resetCode) this.boundGracefulClose();
    }
    this.dropReceived();
    this.notify();
  }

  override get lingering(): boolean {
    return this.closeBound !== undefined;
  }

  /**
   * `closesocket` returned at once and the graceful close goes on in the transport (Windows: "the
   * Windows Sockets provider cannot release the socket and other resources for an arbitrary
   * period"). Here the period is bounded: `SO_LINGER {1, n}` says n seconds, otherwise
   * `GRACEFUL_CLOSE_LIMIT_MS`; a close still unfinished then is abortive (what Windows does when a
   * linger timeout expires), so a peer that never reads or never closes cannot keep the connection
   * — nor the process — alive. The timer holds nothing alive itself.
   */
  private boundGracefulClose(): void {
    const { l_onoff, l_linger } = this.options.linger;
    const ms = l_onoff !== 0 && l_linger > 0 ? l_linger * 1000 : GRACEFUL_CLOSE_LIMIT_MS;
    this.closeBound = setTimeout(() => {
      this.closeBound = undefined;
      if (this.link && !this.resetCode) {
        this.link.reset();
        this.resetCode = WSAECONNABORTED;
      }
      this.host.lingerEnded?.(this);
    }, ms);
    this.closeBound.unref?.();
  }

  /** The graceful close is over (the link closed, or was reset): nothing lingers any more. */
  private lingerOver(): void {
    if (this.closeBound === undefined) return;
    clearTimeout(this.closeBound);
    this.closeBound = undefined;
    this.host.lingerEnded?.(this);
  }

  abort(): void {
    this.lingerOver();
    this.lingeringLink?.reset();
    this.lingeringLink = null;
    if (this.link && this.sharedAcrossProcesses) {
      // The other process's descriptor keeps the connection: this process only lets go.
      this.link.release?.();
      this.link = null;
    }
    this.eventRecord?.mute();
    if (!this.closed) {
      this.closed = true;
      this.releaseListening();
      this.binding?.release();
      this.binding = null;
    }
    if (this.link && !this.resetCode) {
      this.link.reset();
      this.resetCode = WSAECONNABORTED;
    }
    this.dropReceived();
    this.notify();
  }

  private releaseListening(): void {
    this.listener?.close();
    this.listener = null;
    if (this.backlog === NO_BACKLOG) return;
    for (const p of this.backlog.splice(0)) {
      if (p.link) p.link.reset();
      else p.incoming.refuse(WSAECONNREFUSED);
    }
  }
}

/** Smallest and largest backlog `SOMAXCONN_HINT(n)` gives (listen, MSDN). */
const HINTED_BACKLOG = { min: 200, max: 65535 } as const;

/**
 * The backlog `listen` asked for, as the kit queues it: `SOMAXCONN` and anything larger than 200
 * is 200, Windows' maximum; `SOMAXCONN_HINT(n)` (negative) is `n` clamped to 200…65535 where the
 * driver offers hints; anything else at least 1.
 */
function clampBacklog(backlog: number, hints: boolean): number {
  if (!Number.isFinite(backlog) || backlog >= SOMAXCONN) return MAX_BACKLOG;
  if (backlog < 0 && hints) {
    return Math.max(HINTED_BACKLOG.min, Math.min(HINTED_BACKLOG.max, Math.trunc(-backlog)));
  }
  return Math.max(1, Math.min(MAX_BACKLOG, Math.trunc(backlog)));
}

/** The scatter list after its first `n` bytes. */
function skipBytes(buffers: readonly WSABUF[], n: number): WSABUF[] {
  const outList: WSABUF[] = [];
  let skip = n;
  for (const b of buffers) {
    if (skip >= b.len) {
      skip -= b.len;
      continue;
    }
    outList.push({ len: b.len - skip, buf: b.buf.subarray(skip) });
    skip = 0;
  }
  return outList;
}

/**
 * The bytes of a gather list: a view of the only buffer (no copy), or the buffers concatenated.
 * Either way valid only until the call returns to the application.
 */
function bytesOf(buffers: readonly WSABUF[]): Uint8Array {
  if (buffers.length === 1) {
    const b = buffers[0]!;
    return b.len === b.buf.byteLength ? b.buf : b.buf.subarray(0, b.len);
  }
  return gather(buffers);
}

/** How many bytes one non-blocking stream send may hand the transport: `SO_SNDBUF`, or the default for 0. */
function sendBudget(options: { sendBuffer: number }): number {
  return options.sendBuffer > 0 ? options.sendBuffer : DEFAULT_SOCKET_BUFFER;
}

/** The first `n` bytes of a gather list, as views of its buffers (nothing copied). */
function firstBytes(buffers: readonly WSABUF[], n: number): WSABUF[] {
  const first: WSABUF[] = [];
  let left = n;
  for (const b of buffers) {
    if (left <= 0) break;
    const take = Math.min(b.len, left);
    first.push({ len: take, buf: b.buf });
    left -= take;
  }
  return first;
}
