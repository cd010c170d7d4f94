/**
 * One TCP connection as the kit sees it (`TransportLink`) over a `StreamConnection`. TCP has no
 * message boundaries, no connect or disconnect data and (over the networks' contract) no urgent
 * data, so this is a direct mapping: `close` is a FIN after the queued bytes, `reset` an RST.
 * @module
 */

import {
  type LinkHandlers,
  NetworkError,
  type SOCKADDR,
  type StreamConnection,
  type TransportLink,
  WSAECONNABORTED,
  WSAECONNRESET,
  WSAENETDOWN,
  wsaErrorFromFailure,
} from '@ws2spi/spi';
import { sockaddrOf } from './ip-endpoint';

/**
 * How an established connection ended abortively, in the codes Windows reports for it (recv/send
 * and `FD_CLOSE`): an RST from the peer is `WSAECONNRESET`; the local network going away is
 * `WSAENETDOWN`; anything else that kills a live connection (retransmission timeout, unreachable
 * peer, a local abort) is `WSAECONNABORTED`, "terminated due to a time-out or other failure".
 */
export function linkFailureCode(error: unknown): number {
  if (!(error instanceof NetworkError)) return WSAECONNABORTED;
  switch (error.code) {
    case 'ECONNRESET':
    case 'EPIPE':
      return WSAECONNRESET;
    case 'ENETDOWN':
      return WSAENETDOWN;
    default:
      return WSAECONNABORTED;
  }
}

/** A TCP connection offered to the kit. */
export class TcpLink implements TransportLink {
  /** This end's address (`getsockname`): the connection's local IP endpoint. */
  readonly local: SOCKADDR;
  /** The peer's address (`getpeername`): the connection's remote IP endpoint. */
  readonly remote: SOCKADDR;

  constructor(private readonly connection: StreamConnection) {
    this.local = sockaddrOf(connection.local);
    this.remote = sockaddrOf(connection.remote);
  }

  /**
   * Wires the connection's events to the kit: bytes (each piece "ends a message"), the peer's FIN
   * (`onPeerClose`, no data), a reset or failure in Windows' codes (`linkFailureCode`), drain, close.
   */
  setHandlers(handlers: LinkHandlers): void {
    this.connection.setHandlers({
      // TCP is a byte stream: every piece "ends a message" as far as anyone can tell.
      onData: (data) => handlers.onData(data, true),
      // A FIN carries no data in TCP.
      onEnd: () => handlers.onPeerClose(null),
      onReset: (error) => handlers.onReset(linkFailureCode(error)),
      onDrain: () => handlers.onDrain(),
      // Our FIN went out after the last byte: the graceful close is done on this side.
      onFinish: () => handlers.onSendClosed?.(),
      onClose: () => handlers.onClosed(),
    });
  }

  /**
   * Queues bytes for TCP (`WSPSend`; a byte stream, so message ends mean nothing). False when the
   * send buffer is above its high-water mark (`onDrain` follows); a network failure is thrown as its
   * `WsaError`.
   */
  send(data: Uint8Array, _endOfMessage: boolean): boolean {
    try {
      return this.connection.write(data);
    } catch (error) {
      throw wsaErrorFromFailure(error);
    }
  }

  /**
   * `send` without the copy, where the connection offers it (`writeOwned`, Node's `net`): the bytes
   * stay the caller's until `onSent`. Elsewhere it is `send`, and `onSent` follows at once.
   */
  sendOwned(data: Uint8Array, endOfMessage: boolean, onSent: (failure: unknown) => void): boolean {
    const owned = this.connection.writeOwned;
    if (!owned) {
      const accepted = this.send(data, endOfMessage);
      queueMicrotask(() => onSent(null));
      return accepted;
    }
    try {
      return owned.call(this.connection, data, (error) => onSent(error ? wsaErrorFromFailure(error) : null));
    } catch (error) {
      throw wsaErrorFromFailure(error);
    }
  }

  /** FIN after everything queued. TCP has no disconnect data; the kit never passes any (no `XP1_DISCONNECT_DATA`). */
  close(_disconnectData: Uint8Array | null): void {
    this.connection.end();
  }

  /** RST now: `SO_LINGER {1, 0}`, unread data thrown away, data after `SD_RECEIVE`. */
  reset(): void {
    this.connection.reset();
  }

  /** Reads once after the peer's FIN, so an RST that followed it is reported (see `StreamConnection`). */
  probeReset(): Promise<void> {
    return this.connection.probeAfterEnd?.() ?? Promise.resolve();
  }

  /** The `net.Socket` behind the connection, for a child process (`WSADuplicateSocketW`). */
  exportHandle(): unknown {
    return this.connection.nativeHandle?.();
  }

  /** Lets go of this process's descriptor: the connection lives on in the other process. */
  release(): void {
    this.connection.forget?.();
  }

  /** Stops reading from the socket (the kit's receive buffer is full): TCP's window closes. */
  pause(): void {
    this.connection.pause();
  }

  /** Reads again once the application has made room. */
  resume(): void {
    this.connection.resume();
  }
}
