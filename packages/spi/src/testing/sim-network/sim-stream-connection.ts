/**
 * One end of a simulated TCP connection: segments bounded by the peer's receive window (so a
 * paused reader back-pressures the writer), FIN and RST, and owner callbacks that always run from
 * a scheduler event.
 * @module
 */

import {
  type NetEndpoint,
  NetworkError,
  type StreamConnection,
  type StreamConnectionHandlers,
} from '../../transport/stream-network';
import type { SimFabric, SimFlow } from './sim-fabric';
import type { SimHost } from './sim-host';
import { formatEndpoint } from './sim-port-table';
import type { SimScheduledEvent } from './sim-scheduler';

/** A TCP segment between the two ends of a simulated connection. */
type Segment =
  | { kind: 'data'; bytes: Uint8Array }
  | { kind: 'fin' }
  | { kind: 'rst' }
  /** Window update: the receiver has consumed `consumed` bytes in total. */
  | { kind: 'window'; consumed: number };

/** Hooks a connection's creator gives it. */
export interface SimStreamConnectionHooks {
  /** The owner called `setHandlers` for the first time (the connection left the accept backlog). */
  onAccepted?(): void;
  /** The connection is finished on this side: release its port and forget it. Called once. */
  onRelease(): void;
}

/**
 * One end of a simulated TCP connection. Bytes move in segments of at most `maxSegmentSize`,
 * limited by the peer's receive window (`receiveWindow` bytes the peer has not consumed), so a
 * paused or unwired receiver back-pressures the sender: its `bufferedAmount` grows and `write`
 * returns false. Every owner callback runs from a scheduler event, never inside the owner's call.
 *
 * Lifecycle: `end()` sends FIN after the queued bytes; when our FIN is on the wire and the
 * peer's FIN has been delivered as `onEnd`, `onClose` follows. `reset()` sends RST and gives
 * this side `onClose` only; the peer gets `onReset(ECONNRESET)` then `onClose`, and both drop
 * unread bytes, as an RST does.
 */
export class SimStreamConnection implements StreamConnection {
  /** The other end (set once, right after both ends are created). */
  peer!: SimStreamConnection;
  /** Outgoing packets of this end, in order. */
  readonly flow: SimFlow;

  private handlers: StreamConnectionHandlers | undefined;
  private paused = false;

  private sendQueue: Uint8Array[] = [];
  private queued = 0;
  private sentTotal = 0;
  private peerConsumed = 0;
  private endRequested = false;
  private finSent = false;
  private finishDelivered = false;
  private needDrain = false;

  private recvQueue: Uint8Array[] = [];
  private consumedTotal = 0;
  /** Bytes that arrived, consumed or not (for the window a capture shows). */
  private receivedTotal = 0;
  private finReceived = false;
  private endDelivered = false;

  /** No more traffic on this end: closed gracefully, reset either way, timed out, or vanished. */
  private terminal = false;
  private localReset = false;
  private resetError: NetworkError | undefined;
  private resetDelivered = false;
  private closeDelivered = false;
  /** This end's host crashed: the state is gone and segments for it find nobody. */
  private isVanished = false;
  private pumpScheduled = false;
  private retransmitTimer: SimScheduledEvent | undefined;

  constructor(
    private readonly fabric: SimFabric,
    readonly host: SimHost,
    readonly local: NetEndpoint,
    readonly remote: NetEndpoint,
    private readonly hooks: SimStreamConnectionHooks,
    flow?: SimFlow,
  ) {
    this.flow = flow ?? { lastDue: 0 };
  }

  /** Bytes accepted by `write` that are still waiting for the peer's receive window. */
  get bufferedAmount(): number {
    return this.queued;
  }

  /** Whether this end's host crashed while the connection was open. */
  get vanished(): boolean {
    return this.isVanished;
  }

  /**
   * Wire the owner's callbacks. Data and events that arrived before are delivered from the next
   * scheduler event on; calling it again replaces the handlers.
   */
  setHandlers(handlers: StreamConnectionHandlers): void {
    const first = this.handlers === undefined;
    this.handlers = handlers;
    if (first) this.hooks.onAccepted?.();
    this.schedulePump();
  }

  /**
   * Queue a copy of `data` (the caller may reuse its buffer) and send what the peer's window
   * allows. Returns false when what is left (`bufferedAmount`) is at or above the high-water
   * mark; `onDrain` follows once it is below. After `end()` or `reset()` it throws
   * `NetworkError('EPIPE')`; after the connection failed (the owner is told by `onReset`) the
   * bytes have nowhere to go and are discarded.
   */
  write(data: Uint8Array): boolean {
    if (!(data instanceof Uint8Array)) throw new TypeError('write: data must be a Uint8Array');
    if (this.localReset) throw new NetworkError('EPIPE', 'write after reset()');
    if (this.endRequested) throw new NetworkError('EPIPE', 'write after end()');
    if (this.terminal) return true;
    if (data.length > 0) {
      this.sendQueue.push(data.slice());
      this.queued += data.length;
    }
    this.transmit();
    const belowHighWaterMark = this.queued < this.fabric.options.sendHighWaterMark;
    if (!belowHighWaterMark) this.needDrain = true;
    return belowHighWaterMark;
  }

  /** Send FIN once every queued byte is on the wire. Idempotent; no-op after a reset. */
  end(): void {
    if (this.endRequested || this.terminal) return;
    this.endRequested = true;
    this.transmit();
  }

  /** Send RST now and drop everything queued either way. Idempotent; no-op once closed. */
  reset(): void {
    if (this.terminal) return;
    this.localReset = true;
    this.sendToPeer({ kind: 'rst' });
    this.finish();
    this.schedulePump();
  }

  /** Stop `onData` (and `onEnd`, which must follow the data); the receive window fills and the sender stalls. */
  pause(): void {
    this.paused = true;
  }

  /** Deliver held bytes again from the next scheduler event on. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.schedulePump();
  }

  /** A segment from the peer arrived at this end's (running) host. */
  receive(segment: Segment): void {
    if (this.isVanished) {
      // The host came back without this connection's state: it answers data and FIN with RST.
      if (segment.kind === 'data' || segment.kind === 'fin') this.replyRstAsStranger();
      return;
    }
    if (this.terminal) return;
    if (segment.kind === 'data' || segment.kind === 'fin') {
      const length = segment.kind === 'data' ? segment.bytes.length : 1;
      if (segment.kind === 'data') this.receivedTotal += length;
      for (const tap of this.fabric.taps) tap.delivered(this.peer.flow, length);
    }
    switch (segment.kind) {
      case 'data':
        this.recvQueue.push(segment.bytes);
        this.pump();
        return;
      case 'fin':
        this.finReceived = true;
        this.pump();
        return;
      case 'rst':
        this.fail(new NetworkError('ECONNRESET', `connection ${this.describe()} reset by peer`));
        return;
      case 'window':
        this.peerConsumed = Math.max(this.peerConsumed, segment.consumed);
        this.transmit();
        return;
    }
  }

  /**
   * This end's host crashed: the connection disappears without a FIN or RST. The local owner is
   * told `onReset(ENETDOWN)` then `onClose` (its host is gone); the peer finds out only when it
   * sends.
   */
  vanish(): void {
    if (this.terminal) return;
    this.isVanished = true;
    this.fail(new NetworkError('ENETDOWN', `host '${this.host.name}' crashed`));
    this.peer.noticePeerVanished();
  }

  /**
   * The connect attempt this end belongs to was abandoned (timed out or its host went down) before
   * the handshake finished: answer the peer with RST and disappear without telling anyone here.
   */
  abandon(): void {
    if (this.terminal) return;
    this.sendToPeer({ kind: 'rst' });
    this.closeDelivered = true;
    this.finish();
  }

  /**
   * The peer vanished. A sender stalled on a full window would be probing it (TCP's persist
   * timer); with nobody answering, the retransmission timer decides its fate.
   */
  private noticePeerVanished(): void {
    if (!this.terminal && this.isStalledOnWindow()) this.startRetransmitTimer();
  }

  private isStalledOnWindow(): boolean {
    return (this.queued > 0 || (this.endRequested && !this.finSent)) && this.windowAvailable() <= 0;
  }

  private windowAvailable(): number {
    return this.fabric.options.receiveWindow - (this.sentTotal - this.peerConsumed);
  }

  /** Move queued bytes (and then the FIN) onto the wire as far as the peer's window allows. */
  private transmit(): void {
    if (this.terminal) return;
    const { maxSegmentSize, sendHighWaterMark } = this.fabric.options;
    while (this.queued > 0) {
      const window = this.windowAvailable();
      if (window <= 0) break;
      const bytes = this.takeQueued(Math.min(window, maxSegmentSize, this.queued));
      this.sentTotal += bytes.length;
      this.sendToPeer({ kind: 'data', bytes });
    }
    if (this.queued === 0 && this.endRequested && !this.finSent) {
      this.finSent = true;
      this.sendToPeer({ kind: 'fin' });
      this.schedulePump();
    }
    if (this.needDrain && this.queued < sendHighWaterMark) this.schedulePump();
    if (this.peer.isVanished && this.isStalledOnWindow()) this.startRetransmitTimer();
  }

  private takeQueued(length: number): Uint8Array {
    const head = this.sendQueue[0]!;
    if (head.length === length) {
      this.sendQueue.shift();
      this.queued -= length;
      return head;
    }
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const chunk = this.sendQueue[0]!;
      const take = Math.min(chunk.length, length - filled);
      out.set(chunk.subarray(0, take), filled);
      filled += take;
      if (take === chunk.length) this.sendQueue.shift();
      else this.sendQueue[0] = chunk.subarray(take);
    }
    this.queued -= length;
    return out;
  }

  private sendToPeer(segment: Segment): void {
    const peer = this.peer;
    if (this.fabric.taps.size > 0)
      this.tap(segment.kind, segment.kind === 'data' ? segment.bytes : undefined);
    const carriesData = segment.kind === 'data' || segment.kind === 'fin';
    this.fabric.send(this.host, peer.host, this.flow, describeSegment(segment), {
      partition: 'hold',
      deliver: () => peer.receive(segment),
      // Pure ACKs and RSTs are never retransmitted; data and FIN are, until the timer gives up.
      lost: carriesData ? () => this.startRetransmitTimer() : undefined,
    });
  }

  /** Shows a segment leaving this end to the network's captures. */
  private tap(kind: Segment['kind'], payload: Uint8Array | undefined): void {
    const window = Math.max(0, this.fabric.options.receiveWindow - (this.receivedTotal - this.consumedTotal));
    for (const tap of this.fabric.taps)
      tap.segment({
        kind,
        from: this.host,
        to: this.peer.host,
        source: this.local,
        destination: this.remote,
        flow: this.flow,
        peerFlow: this.peer.flow,
        window: Math.min(0xffff, window),
        ...(payload ? { payload } : {}),
      });
  }

  private replyRstAsStranger(): void {
    const peer = this.peer;
    if (this.fabric.taps.size > 0) this.tap('rst', undefined);
    this.fabric.send(this.host, peer.host, this.flow, 'RST (no such connection)', {
      partition: 'hold',
      deliver: () => peer.receive({ kind: 'rst' }),
    });
  }

  private startRetransmitTimer(): void {
    if (this.retransmitTimer !== undefined || this.terminal) return;
    this.retransmitTimer = this.fabric.local(
      this.host,
      this.fabric.options.retransmitTimeoutMs,
      `retransmission timeout ${this.describe()}`,
      () => {
        this.retransmitTimer = undefined;
        // A peer host that came back up answers the retransmission with RST.
        const error = this.peer.host.isUp
          ? new NetworkError('ECONNRESET', `connection ${this.describe()} reset by restarted peer`)
          : new NetworkError('ETIMEDOUT', `connection ${this.describe()} timed out: peer does not answer`);
        this.fail(error);
      },
    );
  }

  /** The connection failed (RST, timeout, crash): drop both buffers and tell the owner. */
  private fail(error: NetworkError): void {
    if (this.terminal) return;
    this.resetError = error;
    this.finish();
    this.schedulePump();
  }

  /** Enter the terminal state once: no more traffic, buffers dropped, port released. */
  private finish(): void {
    if (this.terminal) return;
    this.terminal = true;
    this.sendQueue = [];
    this.queued = 0;
    this.recvQueue = [];
    this.needDrain = false;
    this.retransmitTimer?.cancel();
    this.retransmitTimer = undefined;
    this.hooks.onRelease();
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.closeDelivered) return;
    this.pumpScheduled = true;
    this.fabric.local(this.host, 0, `deliver ${this.describe()}`, () => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Deliver what the owner may see now, in TCP's order: data, then end, then close. Runs only from events. */
  private pump(): void {
    if (this.closeDelivered || this.handlers === undefined) return;
    if (this.failedOrReset()) {
      this.deliverFailure();
      return;
    }
    let consumedNow = 0;
    while (!this.paused && this.recvQueue.length > 0) {
      const chunk = this.recvQueue.shift()!;
      consumedNow += chunk.length;
      this.consumedTotal += chunk.length;
      this.handlers.onData(chunk);
      if (this.failedOrReset()) break;
    }
    if (consumedNow > 0 && !this.terminal) this.sendToPeer({ kind: 'window', consumed: this.consumedTotal });
    if (this.failedOrReset()) {
      this.deliverFailure();
      return;
    }
    if (!this.paused && this.recvQueue.length === 0 && this.finReceived && !this.endDelivered) {
      this.endDelivered = true;
      this.handlers.onEnd();
      if (this.failedOrReset()) {
        this.deliverFailure();
        return;
      }
    }
    if (this.needDrain && this.queued < this.fabric.options.sendHighWaterMark) {
      this.needDrain = false;
      this.handlers.onDrain();
      if (this.failedOrReset()) {
        this.deliverFailure();
        return;
      }
    }
    if (this.finSent && !this.finishDelivered) {
      this.finishDelivered = true;
      this.handlers.onFinish?.();
      if (this.failedOrReset()) {
        this.deliverFailure();
        return;
      }
    }
    if (this.endDelivered && this.finSent && !this.terminal) {
      this.finish();
      this.deliverClose();
    }
  }

  private failedOrReset(): boolean {
    return this.resetError !== undefined || this.localReset;
  }

  private deliverFailure(): void {
    if (this.closeDelivered || this.handlers === undefined) return;
    if (this.resetError !== undefined && !this.resetDelivered && !this.localReset) {
      this.resetDelivered = true;
      this.handlers.onReset(this.resetError);
    }
    this.deliverClose();
  }

  private deliverClose(): void {
    if (this.closeDelivered || this.handlers === undefined) return;
    this.closeDelivered = true;
    this.handlers.onClose();
  }

  private describe(): string {
    return `${formatEndpoint(this.local.address, this.local.port)}→${formatEndpoint(this.remote.address, this.remote.port)}`;
  }
}

function describeSegment(segment: Segment): string {
  switch (segment.kind) {
    case 'data':
      return `data ${segment.bytes.length} bytes`;
    case 'fin':
      return 'FIN';
    case 'rst':
      return 'RST';
    case 'window':
      return `window update (${segment.consumed} consumed)`;
  }
}
