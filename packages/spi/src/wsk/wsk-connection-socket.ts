/**
 * A connection socket (`WSK_FLAG_CONNECTION_SOCKET`) over a `StreamTransportDriver`: bind, connect,
 * send, receive, disconnect, and the connection's events — `WskReceiveEvent`, `WskDisconnectEvent`,
 * `WskSendBacklogEvent`. Sends and the graceful disconnect are `WskSendQueue`'s; receives and
 * indications `WskReceivePath`'s; this class keeps the connection's state and the disconnect rules.
 *
 * Disconnects:
 * - `WskDisconnect` with flags 0 sends the optional final buffer after everything queued, then a
 *   graceful close; its IRP completes once the transport has finished it. Sending ends there;
 *   receiving goes on until the peer closes (where the transport has half-close).
 * - `WskDisconnect` with `WSK_FLAG_ABORTIVE` (no buffer: a buffer is `STATUS_INVALID_PARAMETER`
 *   and the verifier's `abortive-with-buffer`) resets the connection at once: pending sends,
 *   receives and a pending graceful disconnect complete `STATUS_CANCELLED`, and the socket no
 *   longer sends or receives (`STATUS_FILE_FORCED_CLOSED`). `WskCloseSocket` aborts the same way
 *   unless the connection is already closed in both directions.
 * - The peer's graceful close fires `WskDisconnectEvent(flags 0)` once every byte before it was
 *   taken (indicated, or received by `WskReceive`); the client may still send until it disconnects.
 *   Over a transport that can check (`probeReset`: TCP over Node's `net`, where a reset arriving
 *   right behind data is reported as the end of the stream) the close is confirmed first, so such
 *   a reset is the abortive disconnect it is.
 *   A reset (or a transport failure: timeout, abort) fires it with `WSK_FLAG_ABORTIVE` at once,
 *   pending requests complete with the transport's status (`STATUS_CONNECTION_RESET` …), and later
 *   sends and receives get `STATUS_FILE_FORCED_CLOSED`. The event fires exactly once per
 *   connection, with `WSK_FLAG_AT_DISPATCH_LEVEL` when it comes straight from the transport.
 * - When the network itself goes away under the connection (`WSAENETDOWN`, or a link that ends
 *   without saying how), the socket no longer works: the client hears a NULL `WskReceiveEvent`
 *   indication (or, without the receive event, an abortive disconnect event) and must close it.
 *
 * Expedited data from the transport (ISO transport's ED) has no WSK indication of its own; it is
 * delivered in line with the normal data, as with `SO_OOBINLINE`.
 * @module
 */

import { WSAENETDOWN } from '../constants/error-codes';
import type {
  LinkHandlers,
  LocalBinding,
  StreamTransportDriver,
  TransportLink,
} from '../provider-kit/transport-driver';
import type { SOCKADDR } from '../types/sockaddr';
import { completeIrp, type IRP, pendIrp } from './irp';
import { atDispatchLevel, DISPATCH_LEVEL, KeGetCurrentIrql, raiseToDispatchLevel, restoreIrql } from './irql';
import {
  type NTSTATUS,
  STATUS_CANCELLED,
  STATUS_CONNECTION_ABORTED,
  STATUS_CONNECTION_ACTIVE,
  STATUS_FILE_FORCED_CLOSED,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_NOT_SUPPORTED,
  STATUS_SUCCESS,
} from './ntstatus';
import { ntStatusFromTransportFailure, wskStatusFromWsaError } from './transport-status';
import { gatherWskBuf, isValidWskBuf, type WSK_BUF } from './wsk-buf';
import { callClientCallback, irqlFlag } from './wsk-callback-call';
import type { WskClient } from './wsk-client';
import type { PFN_WSK_RECEIVE_EVENT, WSK_CLIENT_CONNECTION_DISPATCH } from './wsk-client-dispatch';
import {
  SIO_WSK_QUERY_IDEAL_SEND_BACKLOG,
  SIO_WSK_QUERY_RECEIVE_BACKLOG,
  WSK_EVENT_DISCONNECT,
  WSK_EVENT_RECEIVE,
  WSK_EVENT_SEND_BACKLOG,
  WSK_FLAG_ABORTIVE,
  WSK_FLAG_CONNECTION_SOCKET,
  WSK_FLAG_DRAIN,
  WSK_FLAG_NODELAY,
  WSK_FLAG_OOB,
  WSK_FLAG_WAITALL,
  WskIoctl,
} from './wsk-constants';
import { CONNECTION_EVENTS } from './wsk-event-control';
import { WskReceivePath } from './wsk-receive-path';
import { WskSendQueue } from './wsk-send-queue';
import { checkAddress, writeAddress } from './wsk-sockaddr';
import { type ControlAnswer, type ControlRequest, SIZEOF_SIZE_T, WskSocketObject } from './wsk-socket';
import type { WskTransportEntry } from './wsk-transport';
import { WskVerifierError } from './wsk-verifier';

type ConnectionState = 'created' | 'binding' | 'bound' | 'connecting' | 'connected' | 'unusable';

const SUCCESS_ONLY: readonly NTSTATUS[] = [STATUS_SUCCESS];

/** A WSK connection socket. */
export class WskConnectionSocket extends WskSocketObject {
  /** `WSK_FLAG_CONNECTION_SOCKET`. */
  readonly category = WSK_FLAG_CONNECTION_SOCKET;
  private state: ConnectionState = 'created';
  private binding: LocalBinding | null = null;
  private linkValue: TransportLink | null = null;
  private localName: SOCKADDR | null = null;
  private remoteName: SOCKADDR | null = null;
  private readonly rx: WskReceivePath;
  private readonly tx: WskSendQueue;
  private peerClosed = false;
  /** The transport said the peer closed; WSK is asking it whether a reset came right behind. */
  private probingPeerClose = false;
  /** The connection is gone abortively (the status pending requests got), or 0. */
  private failure: NTSTATUS = 0;
  /** Sends failed in the transport with this status (the peer's release ended a protocol without half-close …), or 0. */
  private sendFailure: NTSTATUS = 0;
  private disconnectEvent: 'none' | 'graceful' | 'abortive' | 'fired' = 'none';
  private disconnectScheduled = false;
  private linkClosed = false;
  private pendingRequest: IRP | null = null;
  private onReleased: (() => void) | null = null;

  constructor(
    Dispatch: object,
    client: WskClient,
    transport: WskTransportEntry,
    context: unknown,
    /** The client's callbacks for this socket, or null. */
    public clientDispatch: WSK_CLIENT_CONNECTION_DISPATCH | null,
  ) {
    super(Dispatch, client, transport, context);
    this.rx = new WskReceivePath(this);
    this.tx = new WskSendQueue(this);
  }

  /** A socket for a connection a listening socket accepted. */
  static accepted(
    Dispatch: object,
    client: WskClient,
    transport: WskTransportEntry,
    link: TransportLink,
  ): WskConnectionSocket {
    const socket = new WskConnectionSocket(Dispatch, client, transport, null, null);
    socket.attach(link);
    return socket;
  }

  /** The socket's transport driver, a stream one. */
  get streamDriver(): StreamTransportDriver {
    return this.driver as StreamTransportDriver;
  }

  /** The transport keeps message boundaries (ISO transport): a message ends every receive. */
  get messageOriented(): boolean {
    return this.transport.messageOriented;
  }

  /** The transport link (the connection is established). */
  get link(): TransportLink {
    return this.linkValue!;
  }

  // ---- WskBind, WskConnect, WskConnectEx ---------------------------------------------------------

  /** `WskBind`. */
  bind(irp: IRP, LocalAddress: unknown, Flags: unknown): NTSTATUS {
    if (this.state === 'unusable') return this.finish(irp, STATUS_INVALID_DEVICE_STATE);
    return this.startBind(irp, LocalAddress, Flags, this.state !== 'created', (address) =>
      this.bindTransport(address),
    );
  }

  /** Binds through the driver; resolves with the status. */
  async bindTransport(address: SOCKADDR): Promise<NTSTATUS> {
    this.state = 'binding';
    const attempt = this.track(() => this.streamDriver.bind(address, this.bindOptions));
    try {
      const binding = await attempt;
      if (this.closeRequested) {
        binding.release();
        return STATUS_CANCELLED;
      }
      this.binding = binding;
      this.localName = binding.local;
      this.state = 'bound';
      return STATUS_SUCCESS;
    } catch (error) {
      if (this.state === 'binding') this.state = 'created';
      return ntStatusFromTransportFailure(error);
    }
  }

  /** `WskConnect` and `WskConnectEx` (with `Buffer`, sent once connected). */
  connect(irp: IRP, RemoteAddress: unknown, Buffer: unknown, Flags: unknown): NTSTATUS {
    if (Flags !== 0) return this.finish(irp, STATUS_INVALID_PARAMETER);
    if (Buffer !== null && Buffer !== undefined && !isValidWskBuf(Buffer)) {
      return this.finish(irp, STATUS_INVALID_PARAMETER);
    }
    if (this.state === 'connected') return this.finish(irp, STATUS_CONNECTION_ACTIVE);
    if (this.state !== 'bound') return this.finish(irp, STATUS_INVALID_DEVICE_STATE);
    const bad = checkAddress(this.driver, RemoteAddress, 'connect');
    if (bad) return this.finish(irp, bad);
    const data = Buffer ? gatherWskBuf(Buffer as WSK_BUF) : null;
    this.pendingRequest = irp;
    void this.connectTransport(RemoteAddress as SOCKADDR).then((status) => {
      if (this.pendingRequest === irp) this.pendingRequest = null;
      if (irp.state !== 'pending') return;
      let sent = 0;
      let final = status;
      if (status === STATUS_SUCCESS && data && data.byteLength > 0) {
        try {
          this.link.send(data, true);
          sent = data.byteLength;
        } catch (error) {
          final = ntStatusFromTransportFailure(error);
        }
      }
      this.completeFromTransport(irp, final, sent);
    });
    return irp.state === 'completed'
      ? irp.IoStatus.Status
      : pendIrp(irp, () => {
          // Withdrawn before the transport answered: the connection, if it comes, is reset.
          if (this.pendingRequest !== irp) return;
          this.pendingRequest = null;
          this.state = 'unusable';
          completeIrp(irp, STATUS_CANCELLED, 0, 'WskConnect');
        });
  }

  /** Connects through the driver; resolves with the status. */
  async connectTransport(remote: SOCKADDR): Promise<NTSTATUS> {
    this.state = 'connecting';
    const attempt = this.track(() =>
      this.streamDriver.connect({ remote, binding: this.binding, callerData: null }),
    );
    try {
      const { link } = await attempt;
      if (this.closeRequested || this.state !== 'connecting') {
        link.reset();
        return STATUS_CANCELLED;
      }
      this.binding = null;
      atDispatchLevel(() => this.attach(link));
      return STATUS_SUCCESS;
    } catch (error) {
      if (this.state === 'connecting') this.state = 'bound';
      return ntStatusFromTransportFailure(error);
    }
  }

  /** The connection is established over `link`. */
  private attach(link: TransportLink): void {
    this.linkValue = link;
    this.localName = link.local;
    this.remoteName = link.remote;
    this.state = 'connected';
    link.setHandlers(this.linkHandlers(link));
    this.applyStaticEvents();
  }

  // ---- WskSend, WskReceive, WskRelease -----------------------------------------------------------

  /** `WskSend` (and `WskSendEx` without control information). */
  send(irp: IRP, Buffer: unknown, Flags: unknown): NTSTATUS {
    if (!isValidWskBuf(Buffer) || typeof Flags !== 'number')
      return this.finish(irp, STATUS_INVALID_PARAMETER);
    if (Flags & ~(WSK_FLAG_OOB | WSK_FLAG_NODELAY)) return this.finish(irp, STATUS_INVALID_PARAMETER);
    if (this.failure) return this.finish(irp, STATUS_FILE_FORCED_CLOSED);
    if (this.state !== 'connected' || this.tx.disconnectRequested) {
      return this.finish(irp, STATUS_INVALID_DEVICE_STATE);
    }
    if (this.sendFailure) return this.finish(irp, this.sendFailure);
    const expedited = (Flags & WSK_FLAG_OOB) !== 0;
    if (expedited && !this.streamDriver.supportsExpedited) return this.finish(irp, STATUS_NOT_SUPPORTED);
    return this.tx.send(irp, gatherWskBuf(Buffer), expedited);
  }

  /** `WskReceive` (and `WskReceiveEx` without control information). */
  receive(irp: IRP, Buffer: unknown, Flags: unknown): NTSTATUS {
    if (!isValidWskBuf(Buffer) || typeof Flags !== 'number')
      return this.finish(irp, STATUS_INVALID_PARAMETER);
    if (Flags & ~(WSK_FLAG_WAITALL | WSK_FLAG_DRAIN)) return this.finish(irp, STATUS_INVALID_PARAMETER);
    // WSK_FLAG_DRAIN discards what arrives: its buffer must describe no bytes, and waiting for a
    // full buffer (WSK_FLAG_WAITALL) cannot go with it.
    if (Flags & WSK_FLAG_DRAIN && (Flags & WSK_FLAG_WAITALL || Buffer.Length !== 0))
      return this.finish(irp, STATUS_INVALID_PARAMETER);
    // A message ends a receive: filling the buffer across messages is not offered where the
    // transport keeps them (as MSG_WAITALL is WSAEOPNOTSUPP on a message-oriented Winsock socket).
    if (Flags & WSK_FLAG_WAITALL && this.messageOriented) return this.finish(irp, STATUS_NOT_SUPPORTED);
    if (this.failure) return this.finish(irp, STATUS_FILE_FORCED_CLOSED);
    if (this.state !== 'connected') return this.finish(irp, STATUS_INVALID_DEVICE_STATE);
    return this.rx.receive(irp, Buffer, Flags);
  }

  /** `WskRelease`: gives back an indication kept with `STATUS_PENDING`. */
  release_(DataIndication: unknown): NTSTATUS {
    return this.rx.release(DataIndication);
  }

  // ---- WskDisconnect -----------------------------------------------------------------------------

  /** `WskDisconnect`. */
  disconnect(irp: IRP, Buffer: unknown, Flags: unknown): NTSTATUS {
    if (typeof Flags !== 'number' || Flags & ~WSK_FLAG_ABORTIVE)
      return this.finish(irp, STATUS_INVALID_PARAMETER);
    const hasBuffer = Buffer !== null && Buffer !== undefined;
    if (Flags & WSK_FLAG_ABORTIVE && hasBuffer) {
      try {
        this.verifier.report(
          'abortive-with-buffer',
          'WskDisconnect',
          'WSK_FLAG_ABORTIVE requires a NULL Buffer',
        );
      } finally {
        completeIrp(irp, STATUS_INVALID_PARAMETER, 0, 'WskDisconnect');
      }
      return STATUS_INVALID_PARAMETER;
    }
    if (hasBuffer && !isValidWskBuf(Buffer)) return this.finish(irp, STATUS_INVALID_PARAMETER);
    if (this.state !== 'connected') return this.finish(irp, STATUS_INVALID_DEVICE_STATE);
    if (Flags & WSK_FLAG_ABORTIVE) {
      if (!this.failure) this.abortLocally();
      return this.finish(irp, STATUS_SUCCESS);
    }
    if (this.failure) return this.finish(irp, STATUS_FILE_FORCED_CLOSED);
    if (this.tx.disconnectRequested) return this.finish(irp, STATUS_INVALID_DEVICE_STATE);
    const data = hasBuffer ? gatherWskBuf(Buffer as WSK_BUF) : null;
    const status = this.tx.disconnect(irp, data);
    // A transport that had already released the connection has finished the disconnect too.
    if (this.linkClosed) this.tx.onSendClosedWith(STATUS_SUCCESS);
    return irp.state === 'completed' ? irp.IoStatus.Status : status;
  }

  /** This end resets the connection: everything pending is cancelled, the socket stops working. */
  private abortLocally(): void {
    this.failure = STATUS_CONNECTION_ABORTED;
    this.rx.fail(STATUS_CANCELLED);
    this.tx.failAll(STATUS_CANCELLED);
    this.linkValue?.reset();
  }

  // ---- addresses ---------------------------------------------------------------------------------

  /** `WskGetLocalAddress`. */
  getLocalAddress(irp: IRP, LocalAddress: unknown): NTSTATUS {
    if (!this.localName) return this.finish(irp, STATUS_INVALID_DEVICE_STATE);
    if (!writeAddress(LocalAddress, this.localName) || LocalAddress == null) {
      return this.finish(irp, STATUS_INVALID_PARAMETER);
    }
    return this.finish(irp, STATUS_SUCCESS);
  }

  /** `WskGetRemoteAddress`. */
  getRemoteAddress(irp: IRP, RemoteAddress: unknown): NTSTATUS {
    if (!this.remoteName) return this.finish(irp, STATUS_INVALID_DEVICE_STATE);
    if (!writeAddress(RemoteAddress, this.remoteName) || RemoteAddress == null) {
      return this.finish(irp, STATUS_INVALID_PARAMETER);
    }
    return this.finish(irp, STATUS_SUCCESS);
  }

  // ---- options and events ------------------------------------------------------------------------

  protected override control(request: ControlRequest): ControlAnswer {
    const { RequestType, ControlCode } = request;
    if (RequestType === WskIoctl && ControlCode === SIO_WSK_QUERY_IDEAL_SEND_BACKLOG) {
      if (this.state !== 'connected') return { status: STATUS_INVALID_DEVICE_STATE };
      return { status: STATUS_SUCCESS, value: this.tx.idealBacklog, size: SIZEOF_SIZE_T };
    }
    if (RequestType === WskIoctl && ControlCode === SIO_WSK_QUERY_RECEIVE_BACKLOG) {
      if (this.state !== 'connected') return { status: STATUS_INVALID_DEVICE_STATE };
      return { status: STATUS_SUCCESS, value: this.rx.buffered, size: SIZEOF_SIZE_T };
    }
    return this.addressOption(request, this.state === 'created');
  }

  /** Connection sockets have events once connected. */
  override eventsReady(): boolean {
    return this.state === 'connected';
  }

  /** `WSK_CLIENT_CONNECTION_DISPATCH` has the callback of `flag`. */
  override hasCallback(flag: number): boolean {
    const d = this.clientDispatch;
    if (!d) return false;
    if (flag === WSK_EVENT_RECEIVE) return typeof d.WskReceiveEvent === 'function';
    if (flag === WSK_EVENT_DISCONNECT) return typeof d.WskDisconnectEvent === 'function';
    if (flag === WSK_EVENT_SEND_BACKLOG) return typeof d.WskSendBacklogEvent === 'function';
    return false;
  }

  /** Data already buffered is indicated, and a disconnect that already came is reported. */
  override eventsEnabled(mask: number): void {
    if (mask & WSK_EVENT_RECEIVE) this.rx.receiveEventEnabled();
    if (
      mask & WSK_EVENT_DISCONNECT &&
      (this.disconnectEvent === 'graceful' || this.disconnectEvent === 'abortive')
    ) {
      this.scheduleDisconnectEvent();
    }
    if (mask & WSK_EVENT_SEND_BACKLOG) {
      // The first indication tells the client the current figure.
      queueMicrotask(() => this.indicateSendBacklog(this.tx.idealBacklog));
    }
  }

  /** Enables the events a listening socket passes on (through `WskAcceptEvent`) and the static ones. */
  enableInherited(mask: number): void {
    let enable = 0;
    for (const flag of [WSK_EVENT_RECEIVE, WSK_EVENT_DISCONNECT, WSK_EVENT_SEND_BACKLOG]) {
      if (mask & flag && this.hasCallback(flag)) enable |= flag;
    }
    if (enable === 0) return;
    this.events.enabled |= enable;
    this.eventsEnabled(enable);
  }

  private applyStaticEvents(): void {
    const mask = this.client.staticEvents & CONNECTION_EVENTS;
    if (mask) this.enableInherited(mask);
  }

  protected override receiveBufferChanged(): void {
    this.rx.receiveBufferChanged();
  }

  // ---- ReceiveHost / SendHost --------------------------------------------------------------------

  /** The client's `WskReceiveEvent` while `WSK_EVENT_RECEIVE` is enabled, else null. */
  receiveCallback(): PFN_WSK_RECEIVE_EVENT | null {
    if (!this.events.isEnabled(WSK_EVENT_RECEIVE)) return null;
    return this.clientDispatch?.WskReceiveEvent ?? null;
  }

  /** Stops reading the link: the receive buffer is full. */
  pauseTransport(): void {
    this.linkValue?.pause();
  }

  /** Reads the link again. */
  resumeTransport(): void {
    this.linkValue?.resume();
  }

  /** The receive path took buffered bytes or saw the end: a graceful disconnect event may be due. */
  drained(): void {
    if (this.disconnectEvent !== 'graceful' || !this.rx.drainedAfterPeerClose) return;
    if (!this.events.isEnabled(WSK_EVENT_DISCONNECT)) return;
    // Straight from the transport it fires now; after a client's call, on a later turn.
    if (KeGetCurrentIrql() >= DISPATCH_LEVEL && this.callbackDepth === 0) this.fireDisconnectEvent();
    else this.scheduleDisconnectEvent();
  }

  /** A send failed in the transport: later sends fail with `status`. */
  sendFailed(status: NTSTATUS): void {
    if (!this.sendFailure) this.sendFailure = status;
  }

  /** The ideal send backlog changed: `WskSendBacklogEvent` says so, on a later turn. */
  idealBacklogChanged(bytes: number): void {
    if (!this.events.isEnabled(WSK_EVENT_SEND_BACKLOG)) return;
    queueMicrotask(() => this.indicateSendBacklog(bytes));
  }

  /** A graceful disconnect was cancelled after it started: the connection is reset. */
  abortFromCancel(): void {
    if (!this.failure) this.abortLocally();
  }

  private indicateSendBacklog(bytes: number): void {
    const callback = this.clientDispatch?.WskSendBacklogEvent;
    if (this.closeRequested || !callback || !this.events.isEnabled(WSK_EVENT_SEND_BACKLOG)) return;
    callClientCallback(
      this,
      WSK_EVENT_SEND_BACKLOG,
      'WskSendBacklogEvent',
      SUCCESS_ONLY,
      STATUS_SUCCESS,
      () => callback(this.context, bytes),
    );
  }

  // ---- the transport's events --------------------------------------------------------------------

  private linkHandlers(link: TransportLink): LinkHandlers {
    // Handlers run on the transport's path, at DISPATCH_LEVEL; nothing they do may throw back into
    // the driver but a strict verifier's stop. Data and drains, once per packet, go without closures.
    const failed = (error: unknown): void => {
      if (error instanceof WskVerifierError) throw error;
      this.connectionFailed(STATUS_CONNECTION_ABORTED, 'reset');
      link.reset();
    };
    const on =
      <A extends unknown[]>(handler: (...args: A) => void) =>
      (...args: A): void => {
        if (this.linkValue !== link) return;
        const previous = raiseToDispatchLevel();
        try {
          handler(...args);
        } catch (error) {
          failed(error);
        } finally {
          restoreIrql(previous);
        }
      };
    return {
      onData: (data: Uint8Array, endOfMessage: boolean) => {
        if (this.linkValue !== link) return;
        const previous = raiseToDispatchLevel();
        try {
          this.rx.onData(data, endOfMessage);
        } catch (error) {
          failed(error);
        } finally {
          restoreIrql(previous);
        }
      },
      onExpedited: on((data: Uint8Array) => this.rx.onData(data, true)),
      onPeerClose: on(() => {
        // Node's libuv reports a reset that arrives right behind data as the end of the stream;
        // where the transport can ask once more (TCP's empty write), the close counts as graceful
        // only when no reset comes of it.
        if (!link.probeReset || this.peerClosed || this.failure) return this.onPeerClose();
        if (this.probingPeerClose) return;
        this.probingPeerClose = true;
        const confirmed = on(() => {
          this.probingPeerClose = false;
          this.onPeerClose();
        });
        link.probeReset().then(confirmed, confirmed);
      }),
      onReset: on((code: number) =>
        this.connectionFailed(wskStatusFromWsaError(code), code === WSAENETDOWN ? 'gone' : 'reset'),
      ),
      onDrain: () => {
        if (this.linkValue !== link) return;
        const previous = raiseToDispatchLevel();
        try {
          this.tx.onDrain();
        } catch (error) {
          failed(error);
        } finally {
          restoreIrql(previous);
        }
      },
      onSendClosed: on(() => this.tx.onSendClosed()),
      onClosed: on(() => this.onLinkClosed()),
    };
  }

  private onPeerClose(): void {
    if (this.peerClosed || this.failure) return;
    this.peerClosed = true;
    if (this.disconnectEvent === 'none') this.disconnectEvent = 'graceful';
    this.rx.onPeerClose();
  }

  /** The connection is gone abortively (`how`: reset by the peer or a failure; or the network went away). */
  private connectionFailed(status: NTSTATUS, how: 'reset' | 'gone'): void {
    if (this.failure) return;
    this.failure = status;
    // The client hears of the end first, then its pending requests fail: a completion routine that
    // closes the socket must not silence the event.
    if (!this.closeRequested) {
      if (how === 'gone' && this.receiveCallback()) {
        this.rx.indicateClosed();
        this.disconnectEvent = 'fired';
      } else if (this.disconnectEvent !== 'fired') {
        this.disconnectEvent = 'abortive';
        if (this.events.isEnabled(WSK_EVENT_DISCONNECT)) this.fireDisconnectEvent();
      }
    }
    this.rx.fail(status);
    this.tx.failAll(status);
  }

  private onLinkClosed(): void {
    this.linkClosed = true;
    if (!this.failure && !this.peerClosed) {
      // The link ended without saying how: the connection cannot be trusted to work.
      this.connectionFailed(STATUS_CONNECTION_ABORTED, 'gone');
    }
    // A transport that does not report the end of the graceful close has finished it by now.
    if (this.tx.closingPending) this.tx.onSendClosedWith(STATUS_SUCCESS);
    const released = this.onReleased;
    this.onReleased = null;
    released?.();
  }

  private scheduleDisconnectEvent(): void {
    if (this.disconnectScheduled) return;
    this.disconnectScheduled = true;
    queueMicrotask(() => {
      this.disconnectScheduled = false;
      if (this.disconnectEvent === 'abortive') this.fireDisconnectEvent();
      else if (this.disconnectEvent === 'graceful' && this.rx.drainedAfterPeerClose)
        this.fireDisconnectEvent();
    });
  }

  private fireDisconnectEvent(): void {
    const kind = this.disconnectEvent;
    if (kind !== 'graceful' && kind !== 'abortive') return;
    const callback = this.clientDispatch?.WskDisconnectEvent;
    if (this.closeRequested || !callback || !this.events.isEnabled(WSK_EVENT_DISCONNECT)) return;
    this.disconnectEvent = 'fired';
    const flags = (kind === 'abortive' ? WSK_FLAG_ABORTIVE : 0) | irqlFlag();
    callClientCallback(this, WSK_EVENT_DISCONNECT, 'WskDisconnectEvent', SUCCESS_ONLY, STATUS_SUCCESS, () =>
      callback(this.context, flags),
    );
  }

  // ---- WskCloseSocket ----------------------------------------------------------------------------

  protected release(done: () => void): void {
    const request = this.pendingRequest;
    this.pendingRequest = null;
    if (request && request.state === 'pending') completeIrp(request, STATUS_CANCELLED, 0, request.call);
    this.rx.cancelAll();
    this.tx.failAll(STATUS_CANCELLED);
    if (this.waitForDriver(done)) return;
    const link = this.linkValue;
    if (!link || this.linkClosed) {
      this.binding?.release();
      this.binding = null;
      done();
      return;
    }
    this.onReleased = done;
    const closedBothWays = this.peerClosed && this.tx.closeIssued && !this.failure;
    if (!closedBothWays) link.reset();
  }

  protected override abandonTransport(): void {
    // The link never said it closed: its handlers go quiet (they check the link is still this
    // socket's), and the local address is given back.
    this.onReleased = null;
    this.linkValue = null;
    this.binding?.release();
    this.binding = null;
  }
}
