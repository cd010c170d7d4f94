/**
 * One in-memory-provider connection: a `StreamConnection` carrying the provider's frames, seen by
 * the kit as a `TransportLink`. It runs the CONNECT / ACCEPT / REFUSE handshake on either side and
 * then turns frames into link events (data with end-of-message marks, expedited data, the peer's
 * DISCONNECT with its data) and link calls into frames.
 * @module
 */

import { WSAECONNABORTED, WSAECONNREFUSED, WSAECONNRESET } from '../../constants/error-codes';
import { WsaError } from '../../errors/wsa-error';
import type { LinkHandlers, TransportLink } from '../../provider-kit/transport-driver';
import { wsaErrorFromNetworkError } from '../../transport/network-error-to-wsa';
import type { NetworkError, StreamConnection } from '../../transport/stream-network';
import type { SOCKADDR } from '../../types/sockaddr';
import {
  encodeFrame,
  FRAME_END_OF_MESSAGE,
  type Frame,
  FrameDecoder,
  FrameError,
  FrameType,
} from './in-memory-frame';

/** Payload bytes per DATA frame; larger sends are split (the end-of-message mark goes on the last). */
const MAX_DATA_FRAME = 64 * 1024;
/** Bytes held for a link nobody has wired yet before the connection is paused. */
const HOLD_LIMIT = 256 * 1024;

type Phase = 'awaiting-accept' | 'awaiting-connect' | 'decided' | 'open' | 'done';

/** What the callee side reports once the caller's CONNECT arrived. */
export type OnConnectRequest = (link: InMemoryLink, callerData: Uint8Array | null) => void;

/** A framed connection. Create with `InMemoryLink.caller` or `InMemoryLink.callee`. */
export class InMemoryLink implements TransportLink {
  private readonly decoder = new FrameDecoder();
  private phase: Phase;
  private handlers: LinkHandlers | null = null;
  private held: Array<(h: LinkHandlers) => void> = [];
  private heldBytes = 0;
  private flushing = false;
  /** Paused because too much is held for a link nobody has wired yet. */
  private holdPaused = false;
  /** Paused by the kit's receive flow control (`pause`), which only `resume` lifts. */
  private ownerPaused = false;
  private sendClosed = false;
  private peerClosed = false;
  private gone = false;
  private handshake: {
    resolve: (calleeData: Uint8Array | null) => void;
    reject: (e: WsaError) => void;
  } | null = null;

  private constructor(
    private readonly connection: StreamConnection,
    readonly local: SOCKADDR,
    readonly remote: SOCKADDR,
    phase: Phase,
    private readonly onConnectRequest: OnConnectRequest | null,
  ) {
    this.phase = phase;
    connection.setHandlers({
      onData: (data) => this.onBytes(data),
      onEnd: () => this.onEnd(),
      onReset: (error) => this.onTransportReset(error),
      onDrain: () => this.emit((h) => h.onDrain()),
      // The DISCONNECT frame and the FIN behind it are out: this end's close is done.
      onFinish: () => this.emit((h) => h.onSendClosed?.()),
      onClose: () => this.onTransportClose(),
    });
  }

  /** The caller's side: sends CONNECT and resolves with the callee data once ACCEPT arrives. */
  static caller(
    connection: StreamConnection,
    local: SOCKADDR,
    remote: SOCKADDR,
    callerData: Uint8Array | null,
  ): { link: InMemoryLink; accepted: Promise<Uint8Array | null> } {
    const link = new InMemoryLink(connection, local, remote, 'awaiting-accept', null);
    const accepted = new Promise<Uint8Array | null>((resolve, reject) => {
      link.handshake = { resolve, reject };
    });
    connection.write(encodeFrame(FrameType.CONNECT, callerData));
    return { link, accepted };
  }

  /** The callee's side: reports the caller's CONNECT through `onConnectRequest`. */
  static callee(
    connection: StreamConnection,
    local: SOCKADDR,
    remote: SOCKADDR,
    onConnectRequest: OnConnectRequest,
  ): InMemoryLink {
    return new InMemoryLink(connection, local, remote, 'awaiting-connect', onConnectRequest);
  }

  /** Callee: complete the handshake with callee data. */
  accept(calleeData: Uint8Array | null): void {
    if (this.phase !== 'decided') return;
    this.phase = 'open';
    this.connection.write(encodeFrame(FrameType.ACCEPT, calleeData));
  }

  /** Callee: refuse; the caller's connect fails `WSAECONNREFUSED`. */
  refuse(): void {
    if (this.phase !== 'decided') return;
    this.phase = 'done';
    this.connection.write(encodeFrame(FrameType.REFUSE, null));
    this.connection.end();
  }

  setHandlers(handlers: LinkHandlers): void {
    this.handlers = handlers;
    // Held events are delivered on a later turn, never inside the kit's call.
    this.flushing = true;
    queueMicrotask(() => {
      while (this.held.length > 0) {
        const batch = this.held;
        this.held = [];
        for (const event of batch) event(handlers);
      }
      this.heldBytes = 0;
      this.flushing = false;
      if (this.holdPaused) {
        this.holdPaused = false;
        // The held data just delivered may have filled the receive buffer: then the kit paused
        // the link while it was being delivered, and it stays paused until the kit resumes it.
        if (!this.ownerPaused) this.connection.resume();
      }
    });
  }

  send(data: Uint8Array, endOfMessage: boolean): boolean {
    if (this.sendClosed || this.gone) return true;
    let ok = true;
    if (data.byteLength === 0)
      return this.connection.write(
        encodeFrame(FrameType.DATA, data, endOfMessage ? FRAME_END_OF_MESSAGE : 0),
      );
    for (let at = 0; at < data.byteLength; at += MAX_DATA_FRAME) {
      const piece = data.subarray(at, Math.min(data.byteLength, at + MAX_DATA_FRAME));
      const last = at + MAX_DATA_FRAME >= data.byteLength;
      ok =
        this.connection.write(
          encodeFrame(FrameType.DATA, piece, last && endOfMessage ? FRAME_END_OF_MESSAGE : 0),
        ) && ok;
    }
    return ok;
  }

  sendExpedited(data: Uint8Array): void {
    if (this.sendClosed || this.gone) return;
    this.connection.write(encodeFrame(FrameType.EXPEDITED, data));
  }

  close(disconnectData: Uint8Array | null): void {
    if (this.sendClosed || this.gone) return;
    this.sendClosed = true;
    this.connection.write(encodeFrame(FrameType.DISCONNECT, disconnectData));
    this.connection.end();
  }

  reset(): void {
    if (this.gone) return;
    this.gone = true;
    this.connection.reset();
  }

  pause(): void {
    this.ownerPaused = true;
    this.connection.pause();
  }

  resume(): void {
    this.ownerPaused = false;
    if (!this.holdPaused) this.connection.resume();
  }

  private emit(event: (h: LinkHandlers) => void, bytes = 0): void {
    if (this.handlers && !this.flushing) {
      event(this.handlers);
      return;
    }
    this.held.push(event);
    this.heldBytes += bytes;
    if (!this.holdPaused && this.heldBytes > HOLD_LIMIT) {
      this.holdPaused = true;
      this.connection.pause();
    }
  }

  private onBytes(data: Uint8Array): void {
    let frames: Frame[];
    try {
      frames = this.decoder.push(data);
    } catch (e) {
      if (e instanceof FrameError) this.protocolViolation();
      return;
    }
    for (const frame of frames) this.onFrame(frame);
  }

  private onFrame(frame: Frame): void {
    const payload = frame.payload.byteLength > 0 ? frame.payload : null;
    switch (this.phase) {
      case 'awaiting-connect':
        if (frame.type !== FrameType.CONNECT) {
          this.protocolViolation();
          return;
        }
        this.phase = 'decided';
        this.onConnectRequest?.(this, payload);
        return;
      case 'awaiting-accept':
        if (frame.type === FrameType.ACCEPT) {
          this.phase = 'open';
          this.settleHandshake(payload);
          return;
        }
        if (frame.type === FrameType.REFUSE) {
          this.phase = 'done';
          this.settleHandshake(new WsaError(WSAECONNREFUSED));
          this.reset();
          return;
        }
        this.protocolViolation();
        return;
      case 'open':
        break;
      default:
        return;
    }
    if (this.peerClosed) return;
    switch (frame.type) {
      case FrameType.DATA:
        this.emit(
          (h) => h.onData(frame.payload, (frame.flags & FRAME_END_OF_MESSAGE) !== 0),
          frame.payload.byteLength,
        );
        return;
      case FrameType.EXPEDITED:
        this.emit((h) => h.onExpedited?.(frame.payload), frame.payload.byteLength);
        return;
      case FrameType.DISCONNECT:
        this.peerClosed = true;
        this.emit((h) => h.onPeerClose(payload));
        return;
      default:
        this.protocolViolation();
    }
  }

  private settleHandshake(outcome: Uint8Array | null | WsaError): void {
    const handshake = this.handshake;
    this.handshake = null;
    if (!handshake) return;
    if (outcome instanceof WsaError) handshake.reject(outcome);
    else handshake.resolve(outcome);
  }

  private onEnd(): void {
    if (this.phase === 'awaiting-accept') {
      this.phase = 'done';
      this.settleHandshake(new WsaError(WSAECONNREFUSED));
      this.reset();
      return;
    }
    if (this.phase !== 'open' || this.peerClosed) return;
    // A FIN without DISCONNECT: a graceful close that carried no data.
    this.peerClosed = true;
    this.emit((h) => h.onPeerClose(null));
  }

  private onTransportReset(error: NetworkError): void {
    this.gone = true;
    if (this.phase === 'awaiting-accept') {
      // Reset during the handshake: nobody would take the connection.
      this.phase = 'done';
      this.settleHandshake(new WsaError(WSAECONNREFUSED));
      return;
    }
    // Before the callee decided, the reset is held for whoever accepts the connection.
    if (this.phase !== 'open' && this.phase !== 'decided') return;
    const code = error.code === 'ECONNRESET' ? WSAECONNRESET : wsaErrorFromNetworkError(error.code);
    this.emit((h) => h.onReset(code));
  }

  private onTransportClose(): void {
    this.gone = true;
    if (this.phase === 'awaiting-accept') this.settleHandshake(new WsaError(WSAECONNREFUSED));
    this.emit((h) => h.onClosed());
  }

  private protocolViolation(): void {
    const wasOpen = this.phase === 'open';
    this.phase = wasOpen ? 'open' : 'done';
    this.settleHandshake(new WsaError(WSAECONNREFUSED));
    this.reset();
    if (wasOpen) this.emit((h) => h.onReset(WSAECONNABORTED));
  }
}
