/**
 * One ISO transport connection as the provider kit sees it (`TransportLink`): a `CotpConnection`
 * fed by a `StreamConnection` (real TCP or SimNetwork). The state machine speaks X.224; this class
 * turns its indications into the kit's link events and the kit's calls into its requests.
 *
 * - TSDUs are messages: `onData(tsdu, true)`; a send is one TSDU (EOT on its last DT).
 * - The peer's release (class 2 DR, class 0 TCP close) is `onPeerClose(DR user data)`; a transport
 *   loss is `onReset(WSAECONNRESET)`; a protocol error, a DC that never comes or a local abort is
 *   `onReset(WSAECONNABORTED)`; a TPDU that stops half-way is `onReset(WSAETIMEDOUT)`. When this end's own release completes (DC received, or the class-0
 *   close) the connection is over in both directions — ISO transport has no half-close — so the
 *   kit hears `onPeerClose(null)`: the receiving side reads the end of data (`WSAEDISCON`).
 * - Every event reaches the kit on a later microtask, in order, never inside a call the kit made;
 *   `onData` is held while the kit has paused the link.
 * - Once the state machine closes, TCP is ended (FIN after what was written: the last DR, DC or ER
 *   gets out) or reset (abortive close, a DC or a CC that never came); a TCP connection the peer
 *   does not finish closing within the disconnect timeout is reset, so no connection outlives its
 *   release for long.
 * - Nothing thrown by the state machine's handlers escapes to the network's event loop: a failure
 *   there aborts this one connection.
 * @module
 */

import {
  type LinkHandlers,
  type SOCKADDR,
  type StreamConnection,
  type TransportLink,
  WSAECONNABORTED,
  WSAECONNRESET,
  WSAEMSGSIZE,
  WSAETIMEDOUT,
  WsaError,
} from '@ws2spi/spi';
import { CotpConnection } from '../cotp/cotp-connection';
import type {
  CotpCloseCause,
  CotpConnectIndication,
  CotpConnectionHandlers,
  CotpDisconnectIndication,
} from '../cotp/cotp-connection-types';
import type { CotpClass } from '../cotp/cotp-negotiation';
import type { CotpReferenceAllocator } from '../cotp/cotp-reference-allocator';
import type { CotpTimerHandle, CotpTimers } from '../cotp/cotp-timers';
import { DisconnectReason } from '../cotp/tpdu-codes';
import { OSI_MAX_TSDU_SIZE } from './osi-protocol-infos';
import { asWinsockFailure, closedConnectionCode, connectFailureCode } from './osi-winsock-errors';

/** How the links of one driver run. */
export interface CotpLinkSettings {
  /** The class of the catalog entry: the only class its connections run. */
  protocolClass: CotpClass;
  timers: CotpTimers;
  /** The driver's reference allocator (references unique among its live connections). */
  references: CotpReferenceAllocator;
  /** Largest TPDU this end accepts (128…65531). */
  maxTpduSize: number;
  /** How long a connect waits for the CC. */
  connectTimeoutMs: number;
  /** How long a release waits for the DC, and then for TCP to finish closing. */
  disconnectTimeoutMs: number;
  /** How long an accepted TCP connection may stay silent before its CR. */
  incomingTimeoutMs: number;
  /** How long a partly received TPDU may wait for its next octet. */
  reassemblyTimeoutMs: number;
}

/** What the initiator asks for. */
export interface CotpLinkConnectRequest {
  callingTsap: Uint8Array;
  calledTsap: Uint8Array;
  callerData: Uint8Array | null;
  /** The socket's name once connected: the calling TSAP at the connection's local endpoint. */
  local: SOCKADDR;
  /** The peer's name: the called TSAP at the connection's remote endpoint. */
  remote: SOCKADDR;
}

/** What a responder link reports once an acceptable CR arrived. */
export type OnConnectIndication = (link: CotpLink, indication: CotpConnectIndication) => void;

/**
 * A link event waiting to reach the kit. `data` waits while the kit has paused the link and `end`
 * (the peer's close, a reset, closed) waits behind it; `unordered` events (drain, expedited data)
 * owe nothing to the order of the data and go at once.
 */
interface PendingEvent {
  kind: 'data' | 'end' | 'unordered';
  fire(handlers: LinkHandlers): void;
}

const EMPTY = new Uint8Array(0);

/** An ISO transport connection over one TCP connection. Create with `CotpLink.initiate` or `CotpLink.respond`. */
export class CotpLink implements TransportLink {
  private readonly cotp: CotpConnection;
  private localName: SOCKADDR;
  private remoteName: SOCKADDR;
  private handlers: LinkHandlers | null = null;
  private pending: PendingEvent[] = [];
  private flushScheduled = false;
  private paused = false;
  /** Bytes of a message the kit is still sending in parts (`MSG_PARTIAL`). */
  private partial: Uint8Array[] = [];
  private partialLength = 0;
  /** A write in the current call found TCP's send buffer above its high-water mark. */
  private writeBlocked = false;
  private closeCause: CotpCloseCause | undefined;
  /** The kit has been told the connection ended (`onPeerClose` or `onReset`). */
  private endReported = false;
  /** The end the kit was told was the peer's release (`onPeerClose`), not a reset. */
  private endedByPeerRelease = false;
  /** The kit has closed its sending direction or reset the link: it expects nothing more of it. */
  private releasedByKit = false;
  /** `onClosed` waits for `releasedByKit` (see `onTransportClose`). */
  private closedHeld = false;
  private transportClosed = false;
  private lingerTimer: CotpTimerHandle | undefined;
  private silenceTimer: CotpTimerHandle | undefined;
  private settleConnect: ((outcome: Uint8Array | WsaError) => void) | undefined;
  /** Resolves with the callee data once the CC arrived; rejects with the connect's Winsock error. */
  readonly established: Promise<Uint8Array | null>;

  private constructor(
    private readonly connection: StreamConnection,
    private readonly settings: CotpLinkSettings,
    role: 'initiator' | 'responder',
    names: { local: SOCKADDR; remote: SOCKADDR },
    private readonly onIndication: OnConnectIndication | null,
    acceptsCalledTsap: ((calledTsap: Uint8Array | undefined) => boolean) | undefined,
    private readonly onFinished: (link: CotpLink) => void,
  ) {
    this.localName = names.local;
    this.remoteName = names.remote;
    this.established = new Promise<Uint8Array | null>((resolve, reject) => {
      this.settleConnect = (outcome) => {
        this.settleConnect = undefined;
        if (outcome instanceof WsaError) reject(outcome);
        else resolve(outcome.byteLength > 0 ? outcome : null);
      };
    });
    // A rejection nobody awaits (the driver stopped waiting) must not be reported as unhandled.
    this.established.catch(() => undefined);
    this.cotp = new CotpConnection({
      role,
      send: (bytes) => this.write(bytes),
      handlers: this.cotpHandlers(),
      timers: settings.timers,
      references: settings.references,
      preferredClass: settings.protocolClass,
      allowClass0Fallback: false,
      acceptedClasses: [settings.protocolClass],
      maxTpduSize: settings.maxTpduSize,
      expedited: true,
      expeditedAcknowledgement: false,
      maxTsduSize: OSI_MAX_TSDU_SIZE,
      connectTimeoutMs: settings.connectTimeoutMs,
      disconnectTimeoutMs: settings.disconnectTimeoutMs,
      reassemblyTimeoutMs: settings.reassemblyTimeoutMs,
      nonDisruptiveDisconnect: true,
      ...(acceptsCalledTsap ? { acceptsCalledTsap } : {}),
    });
    connection.setHandlers({
      onData: (data) => this.contain(() => this.cotp.receive(data)),
      onEnd: () => this.contain(() => this.cotp.transportEnded()),
      onReset: () => this.contain(() => this.cotp.transportReset()),
      onDrain: () => this.emit('unordered', (h) => h.onDrain()),
      onClose: () => this.onTransportClose(),
    });
  }

  /**
   * Initiator: runs the CR/CC exchange over a TCP connection that just opened. Await
   * `established` for the callee data (or the connect's Winsock error).
   */
  static initiate(
    connection: StreamConnection,
    settings: CotpLinkSettings,
    request: CotpLinkConnectRequest,
    onFinished: (link: CotpLink) => void,
  ): CotpLink {
    const link = new CotpLink(
      connection,
      settings,
      'initiator',
      { local: request.local, remote: request.remote },
      null,
      undefined,
      onFinished,
    );
    link.contain(() => {
      try {
        link.cotp.connect({
          ...(request.callingTsap.length > 0 ? { callingTsap: request.callingTsap } : {}),
          ...(request.calledTsap.length > 0 ? { calledTsap: request.calledTsap } : {}),
          ...(request.callerData ? { data: request.callerData } : {}),
        });
      } catch (error) {
        link.settleConnect?.(asWinsockFailure(error));
        link.cotp.abort();
      }
    });
    return link;
  }

  /**
   * Responder: waits for the CR on a TCP connection a listener accepted. A CR whose called TSAP
   * `acceptsCalledTsap` refuses is answered with DR 0x02 by the state machine; an acceptable one is
   * reported through `onIndication`, with the link's names set from its TSAPs by `nameFor`.
   */
  static respond(
    connection: StreamConnection,
    settings: CotpLinkSettings,
    acceptsCalledTsap: (calledTsap: Uint8Array | undefined) => boolean,
    onIndication: OnConnectIndication,
    onFinished: (link: CotpLink) => void,
  ): CotpLink {
    const placeholder = { local: { sa_family: 0 }, remote: { sa_family: 0 } };
    const link = new CotpLink(
      connection,
      settings,
      'responder',
      placeholder,
      onIndication,
      acceptsCalledTsap,
      onFinished,
    );
    // A responder has no connect to settle: its indications go to the kit from the start.
    link.settleConnect = undefined;
    link.silenceTimer = settings.timers.setTimeout(() => {
      link.silenceTimer = undefined;
      // No CR in time: nobody is waiting for this connection; drop it.
      if (link.cotp.state === 'wait-cr') link.contain(() => link.cotp.abort());
    }, settings.incomingTimeoutMs);
    return link;
  }

  /** This end's `SOCKADDR_TP` (`getsockname`): its TSAP at the connection's local TCP endpoint. */
  get local(): SOCKADDR {
    return this.localName;
  }

  /** The peer's `SOCKADDR_TP` (`getpeername`): its TSAP at the connection's remote TCP endpoint. */
  get remote(): SOCKADDR {
    return this.remoteName;
  }

  /** Sets the names of a responder's connection once its CR said which TSAPs it joins. */
  nameConnection(local: SOCKADDR, remote: SOCKADDR): void {
    this.localName = local;
    this.remoteName = remote;
  }

  /** True while the state machine waits for `acceptIncoming` / `refuseIncoming`. */
  get awaitingAnswer(): boolean {
    return this.cotp.state === 'wait-user';
  }

  /** Responder: the CC with `calleeData`. A connection that ended meanwhile reports its end to the kit once wired. */
  acceptIncoming(calleeData: Uint8Array | null): void {
    if (!this.awaitingAnswer) return;
    this.contain(() => this.cotp.accept(calleeData ?? EMPTY));
  }

  /**
   * Responder: the DR refusing the CR, then the TCP close. A class-2 CR refused by the application
   * gets reason 0x80 ("normal disconnect initiated by the session entity": the user decided); a
   * class-0 CR can only be refused with reasons 0–3 (X.224: reasons 0x80 and up are for classes
   * 1–4), and gets 0 ("not
   * specified"). The class is the pending CR's: nothing is agreed before the CC.
   */
  refuseIncoming(): void {
    if (!this.awaitingAnswer) return;
    const reason = this.cotp.requestedClass === 0 ? DisconnectReason.NOT_SPECIFIED : DisconnectReason.NORMAL;
    this.contain(() => this.cotp.refuse(reason));
  }

  // ---- TransportLink -------------------------------------------------------------------------

  /**
   * Wires the kit's handlers. Events that happened before (an accepted connection's data, the
   * caller's DR) were held and now follow, in order, on a later microtask.
   */
  setHandlers(handlers: LinkHandlers): void {
    this.handlers = handlers;
    this.scheduleFlush();
  }

  /**
   * Queues one TSDU (`WSPSend` on a message-oriented socket): DTs of the negotiated size, EOT on
   * the last. A part without `endOfMessage` waits for the rest. False when TCP's send buffer is
   * above its high-water mark (`onDrain` follows).
   * @throws WsaError `WSAEMSGSIZE` over `OSI_MAX_TSDU_SIZE`; the code of how the connection ended
   * (`WSAEDISCON`, `WSAECONNRESET`, `WSAECONNABORTED`, `WSAESHUTDOWN`) once it is over.
   */
  send(data: Uint8Array, endOfMessage: boolean): boolean {
    this.requireOpenForSending();
    if (this.partialLength + data.byteLength > OSI_MAX_TSDU_SIZE) {
      throw new WsaError(WSAEMSGSIZE, `a TSDU of more than ${OSI_MAX_TSDU_SIZE} octets`);
    }
    // The kit may reuse the caller's buffer once send returns: a part waiting for the rest is copied.
    if (!endOfMessage) {
      this.partial.push(data.slice());
      this.partialLength += data.byteLength;
      return true;
    }
    const tsdu = this.takeMessage(data);
    return this.writing(() => this.cotp.sendData(tsdu));
  }

  /** One ED of 1…16 octets (`WSPSend` with `MSG_OOB`), in band. */
  sendExpedited(data: Uint8Array): void {
    this.requireOpenForSending();
    this.writing(() => this.cotp.sendExpedited(data.slice()));
  }

  /**
   * The release (`WSPSendDisconnect`, `shutdown(SD_SEND)`, a graceful `WSPCloseSocket`): class 2
   * sends the DR (reason 0x80, non-disruptive, with `disconnectData`) after everything queued and
   * waits for the DC; class 0 closes TCP. ISO transport has no half-close: both directions end.
   * @throws WsaError when disconnect data can no longer travel (the release already started, or
   * the connection is over), or the state machine refuses it (`WSAENOPROTOOPT` on class 0,
   * `WSAEMSGSIZE` over 64 octets).
   */
  close(disconnectData: Uint8Array | null): void {
    const data = disconnectData && disconnectData.byteLength > 0 ? disconnectData.slice() : null;
    this.kitReleased();
    if (this.closeCause !== undefined) {
      // Over already: nothing can carry the data any more, and without data there is nothing to do.
      if (data) throw new WsaError(closedConnectionCode(this.closeCause), 'the connection has already ended');
      return;
    }
    if (this.cotp.state !== 'open') {
      if (data) throw new WsaError(closedConnectionCode('released'), 'the release has already started');
      return;
    }
    // A message still being assembled goes out whole before the release (never silently dropped).
    if (this.partialLength > 0) this.writing(() => this.cotp.sendData(this.takeMessage(EMPTY)));
    this.writing(() => this.cotp.disconnect(DisconnectReason.NORMAL, data ?? EMPTY));
  }

  /** Abortive close (`SO_LINGER {1, 0}`): nothing more is sent, TCP goes with an RST. */
  reset(): void {
    this.kitReleased();
    this.contain(() => this.cotp.abort());
    // Aborted before (or after) the state machine closed: make sure TCP goes with an RST.
    this.connection.reset();
  }

  /** Holds `onData` (and the end behind it) and stops reading TCP: the kit's receive buffer is full. */
  pause(): void {
    this.paused = true;
    this.cotp.holdInput(true);
    this.connection.pause();
  }

  /** Reads TCP again and delivers what was held. */
  resume(): void {
    this.paused = false;
    this.cotp.holdInput(false);
    this.connection.resume();
    this.scheduleFlush();
  }

  // ---- internals -----------------------------------------------------------------------------

  private requireOpenForSending(): void {
    if (this.closeCause !== undefined) {
      throw new WsaError(closedConnectionCode(this.closeCause), 'the connection has ended');
    }
  }

  private takeMessage(last: Uint8Array): Uint8Array {
    // The state machine encodes (copies) a TSDU into TPKTs before it returns: no copy needed here.
    if (this.partialLength === 0) return last;
    const out = new Uint8Array(this.partialLength + last.byteLength);
    let at = 0;
    for (const part of [...this.partial, last]) {
      out.set(part, at);
      at += part.byteLength;
    }
    this.partial = [];
    this.partialLength = 0;
    return out;
  }

  /** Runs a request; returns false when TCP's send buffer filled up during it (`onDrain` follows). */
  private writing(request: () => void): boolean {
    this.writeBlocked = false;
    try {
      request();
    } catch (error) {
      throw asWinsockFailure(error, this.closeCause && closedConnectionCode(this.closeCause));
    }
    return !this.writeBlocked;
  }

  /**
   * The state machine's `send`: must not throw. A write after TCP ended is lost with the connection.
   * Every TPDU comes encoded in a buffer of its own that nothing touches afterwards: it is handed
   * over (`writeOwned`) where the connection can send it without a copy.
   */
  private write(bytes: Uint8Array): void {
    try {
      const accepted = this.connection.writeOwned
        ? this.connection.writeOwned(bytes, handedOver)
        : this.connection.write(bytes);
      if (!accepted) this.writeBlocked = true;
    } catch {
      // EPIPE after end() or reset(): the connection is already going; its end is reported anyway.
    }
  }

  private cotpHandlers(): Partial<CotpConnectionHandlers> {
    return {
      onConnected: (connected) => this.settleConnect?.(connected.calleeData),
      onConnectIndication: (indication) => {
        this.clearSilenceTimer();
        this.onIndication?.(this, indication);
      },
      onData: (tsdu) => this.emit('data', (h) => h.onData(tsdu, true)),
      onExpedited: (data) => this.emit('unordered', (h) => h.onExpedited?.(data)),
      onDisconnect: (indication) => this.onDisconnect(indication),
      onProtocolError: (error) => {
        const failure = new WsaError(
          WSAECONNABORTED,
          `ISO transport protocol error ${error.code}: ${error.message}`,
        );
        if (this.settleConnect) this.settleConnect(failure);
        else this.reportEnd((h) => h.onReset(WSAECONNABORTED));
      },
      onClosed: ({ cause }) => this.onCotpClosed(cause),
    };
  }

  private onDisconnect(indication: CotpDisconnectIndication): void {
    if (this.settleConnect) {
      this.settleConnect(new WsaError(connectFailureCode(indication), describeDisconnect(indication)));
      return;
    }
    if (indication.initiatedBy === 'peer' && indication.kind === 'released') {
      const data = indication.data.byteLength > 0 ? indication.data.slice() : null;
      if (!this.endReported) this.endedByPeerRelease = true;
      this.reportEnd((h) => h.onPeerClose(data));
    } else if (indication.kind === 'receive-timeout') {
      this.reportEnd((h) => h.onReset(WSAETIMEDOUT));
    } else {
      this.reportEnd((h) => h.onReset(WSAECONNRESET));
    }
  }

  private onCotpClosed(cause: CotpCloseCause): void {
    this.closeCause = cause;
    this.clearSilenceTimer();
    this.partial = [];
    this.partialLength = 0;
    // A connect that ended without an indication (aborted, a class-0 CC to a class-2 CR …).
    this.settleConnect?.(new WsaError(closedConnectionCode(cause), `the connection ended (${cause})`));
    switch (cause) {
      case 'released':
        // This end's release completed (the DC came, or class 0's TCP close): its close is done,
        // and nothing more will arrive either.
        this.emit('unordered', (h) => h.onSendClosed?.());
        this.reportEnd((h) => h.onPeerClose(null));
        break;
      case 'disconnect-timeout':
        this.reportEnd((h) => h.onReset(WSAECONNABORTED));
        break;
      case 'receive-timeout':
        this.reportEnd((h) => h.onReset(WSAETIMEDOUT));
        break;
      default:
        this.reportEnd((h) => h.onReset(cause === 'transport-closed' ? WSAECONNRESET : WSAECONNABORTED));
        break;
    }
    if (cause === 'aborted' || cause === 'disconnect-timeout' || cause === 'connect-timeout') {
      // An abortive close, a peer that ignored our DR, or one that never answered our CR: no point
      // in a graceful TCP close, which would leave the connection half open until the peer closes.
      this.connection.reset();
      return;
    }
    this.connection.end();
    if (!this.transportClosed) {
      this.lingerTimer = this.settings.timers.setTimeout(() => {
        this.lingerTimer = undefined;
        this.connection.reset();
      }, this.settings.disconnectTimeoutMs);
    }
  }

  private onTransportClose(): void {
    this.transportClosed = true;
    if (this.lingerTimer !== undefined) {
      this.settings.timers.clearTimeout(this.lingerTimer);
      this.lingerTimer = undefined;
    }
    // TCP is gone; if the state machine did not notice yet, this is a transport loss.
    this.contain(() => this.cotp.transportReset());
    this.clearSilenceTimer();
    this.onFinished(this);
    // After the peer's release the socket may still try to send, and must hear WSAEDISCON from
    // `send` (MSDN WSASend, message-oriented): the kit would otherwise treat a link that closed
    // under an open sending direction as a TCP peer gone away (a send that "succeeds", then
    // WSAECONNABORTED). So `onClosed` waits until the kit has released the link.
    if (this.endedByPeerRelease && !this.releasedByKit) {
      this.closedHeld = true;
      return;
    }
    this.emit('end', (h) => h.onClosed());
  }

  private kitReleased(): void {
    this.releasedByKit = true;
    if (!this.closedHeld) return;
    this.closedHeld = false;
    this.emit('end', (h) => h.onClosed());
  }

  /** Tells the kit, once, how the connection ended. */
  private reportEnd(fire: (h: LinkHandlers) => void): void {
    if (this.endReported) return;
    this.endReported = true;
    this.emit('end', fire);
  }

  private emit(kind: PendingEvent['kind'], fire: (h: LinkHandlers) => void): void {
    this.pending.push({ kind, fire });
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || !this.handlers || this.pending.length === 0) return;
    this.flushScheduled = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const handlers = this.handlers;
    if (!handlers) return;
    let held = false;
    let i = 0;
    while (i < this.pending.length) {
      const next = this.pending[i]!;
      // Data waits while paused (a handler may pause the link mid-flush), and the end waits behind it.
      if (next.kind !== 'unordered' && (held || (next.kind === 'data' && this.paused))) {
        held = true;
        i++;
        continue;
      }
      this.pending.splice(i, 1);
      next.fire(handlers);
    }
  }

  /** Runs input or a request for the state machine; a failure escaping it aborts only this connection. */
  private contain(step: () => void): void {
    try {
      step();
    } catch {
      try {
        this.cotp.abort();
      } catch {
        // already closed
      }
      this.connection.reset();
    }
  }

  private clearSilenceTimer(): void {
    if (this.silenceTimer !== undefined) {
      this.settings.timers.clearTimeout(this.silenceTimer);
      this.silenceTimer = undefined;
    }
  }
}

function describeDisconnect(indication: CotpDisconnectIndication): string {
  const reason = indication.reason === undefined ? '' : ` (DR reason 0x${indication.reason.toString(16)})`;
  return `the connect ended: ${indication.kind}${reason}`;
}

/** `writeOwned`'s completion for a TPDU the link gave away: nothing to do. */
function handedOver(): void {}
