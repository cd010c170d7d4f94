/**
 * How a TCP socket holds an address between `bind` and `connect`/`listen`. Winsock's `bind`
 * claims the port at once (`getsockname` shows the ephemeral port right after `bind`, and a second
 * `bind` to it fails `WSAEADDRINUSE`), but the networks' contract, like Node's `net`, has no
 * "bound, not yet listening" TCP socket. So a binding is a listener on the address that is not
 * yet offering its connections to anyone:
 *
 * - Until `listen`, a connection that reaches the port is reset at once, which is what a bound,
 *   non-listening port answers (the caller sees the connect succeed and then `WSAECONNRESET`,
 *   where on Windows it would see `WSAECONNREFUSED`: the handshake is the kernel's).
 * - `listen` keeps the same listener and starts handing its connections to the kit, so the port
 *   is never let go between `bind` and `listen`.
 * - `connect` releases the listener and connects from the same address and port at once (Node
 *   binds client sockets with `SO_REUSEADDR`); between the two another process could take the
 *   port, in which case the connect fails `WSAEADDRINUSE`.
 * @module
 */

import {
  type IncomingConnection,
  LISTENER_KERNEL_BACKLOG,
  type ListenerHandle,
  type LocalBinding,
  type NetEndpoint,
  type SOCKADDR,
  type StreamConnection,
  type StreamListener,
  type StreamNetwork,
  wsaErrorFromFailure,
} from '@ws2spi/spi';
import { sockaddrOf } from './ip-endpoint';
import { TcpLink } from './tcp-link';

type ReservationState = 'reserved' | 'listening' | 'connecting' | 'released';

/** A connection that reached a listening TCP socket, before `WSPAccept`. */
class TcpIncomingConnection implements IncomingConnection {
  readonly remote: SOCKADDR;
  readonly local: SOCKADDR;
  /** TCP carries no connect data. */
  readonly callerData = null;

  constructor(private readonly connection: StreamConnection) {
    this.remote = sockaddrOf(connection.remote);
    this.local = sockaddrOf(connection.local);
  }

  /** The handshake is already complete (the kernel's); this hands the connection over. */
  accept(_calleeData: Uint8Array | null): TcpLink {
    return new TcpLink(this.connection);
  }

  /** Rejected (backlog full, `CF_REJECT`, listener closed): an RST, the only refusal left after the handshake. */
  refuse(_reason: number): void {
    this.connection.reset();
  }
}

/** A TCP address held by one socket: a `LocalBinding` that becomes the listener or the connect's source. */
export class TcpPortReservation implements LocalBinding {
  readonly local: SOCKADDR;
  private state: ReservationState = 'reserved';
  private onIncoming: ((incoming: IncomingConnection) => void) | null = null;

  private constructor(
    private readonly streams: StreamNetwork,
    /** The bound address with its real port. */
    readonly endpoint: NetEndpoint,
    private listener: StreamListener | null,
    private readonly onReleased: (reservation: TcpPortReservation) => void,
  ) {
    this.local = sockaddrOf(endpoint);
  }

  /**
   * Claims `requested` (port 0: an ephemeral port) by listening on it. Rejects with a `WsaError`:
   * `WSAEADDRINUSE`, `WSAEADDRNOTAVAIL` (not an address of this host), `WSAENETDOWN`.
   */
  static async reserve(
    streams: StreamNetwork,
    requested: NetEndpoint,
    onReleased: (reservation: TcpPortReservation) => void,
  ): Promise<TcpPortReservation> {
    // Connections may reach the listener before this function returns; they wait for the object.
    let reservation: TcpPortReservation | undefined;
    const early: StreamConnection[] = [];
    let listener: StreamListener;
    try {
      listener = await streams.listen(
        {
          host: requested.address,
          port: requested.port,
          family: requested.family,
          backlog: LISTENER_KERNEL_BACKLOG,
        },
        (connection) => (reservation ? reservation.arrived(connection) : early.push(connection)),
      );
    } catch (error) {
      throw wsaErrorFromFailure(error);
    }
    const endpoint: NetEndpoint = {
      address: requested.address,
      port: listener.local.port,
      family: requested.family,
    };
    reservation = new TcpPortReservation(streams, endpoint, listener, onReleased);
    for (const connection of early) reservation.arrived(connection);
    return reservation;
  }

  /** True until the binding is released or its listener closed. */
  get live(): boolean {
    return this.state !== 'released';
  }

  private arrived(connection: StreamConnection): void {
    if (this.state === 'listening' && this.onIncoming) {
      this.onIncoming(new TcpIncomingConnection(connection));
      return;
    }
    // Bound but not listening: nobody may take this connection.
    connection.reset();
  }

  /**
   * The source address for `connect`. The listener is let go (a socket cannot listen and connect
   * from one port); a later connect after a failed one uses the same address again.
   */
  takeForConnect(): NetEndpoint {
    if (this.state === 'released') throw new TypeError('TcpPortReservation: the binding was released');
    this.closeListener();
    this.state = 'connecting';
    return this.endpoint;
  }

  /**
   * A connect from this binding failed: claim the address again, so that the socket stays bound
   * as on Windows (`getsockname` unchanged, another `bind` to the port `WSAEADDRINUSE`). If the
   * port was taken meanwhile the binding carries on without a listener; a later `listen` tries
   * again and reports what the network says.
   */
  async reclaim(): Promise<void> {
    if (this.state !== 'connecting') return;
    this.state = 'reserved';
    try {
      await this.ensureListener();
    } catch {
      // Lost to someone else between the connect and now; see above.
    }
  }

  /**
   * Start offering connections to `onIncoming`: the same listener carries on (after a failed
   * connect gave it up, the address is claimed again, which may fail `WSAEADDRINUSE`).
   */
  async listen(onIncoming: (incoming: IncomingConnection) => void): Promise<ListenerHandle> {
    if (this.state === 'released') throw new TypeError('TcpPortReservation: the binding was released');
    await this.ensureListener();
    // closesocket may have released the binding while the listener was being made.
    if (!this.live) throw new TypeError('TcpPortReservation: the binding was released');
    this.onIncoming = onIncoming;
    this.state = 'listening';
    return {
      local: this.local,
      close: () => this.release(),
    };
  }

  private async ensureListener(): Promise<void> {
    if (this.listener) return;
    let listener: StreamListener;
    try {
      listener = await this.streams.listen(
        {
          host: this.endpoint.address,
          port: this.endpoint.port,
          family: this.endpoint.family,
          backlog: LISTENER_KERNEL_BACKLOG,
        },
        (connection) => this.arrived(connection),
      );
    } catch (error) {
      throw wsaErrorFromFailure(error);
    }
    // Released (closesocket) while the listen was on its way: give the port straight back.
    if (this.state === 'released' || this.listener) listener.close();
    else this.listener = listener;
  }

  /** Gives the address back. Idempotent. */
  release(): void {
    if (this.state === 'released') return;
    this.state = 'released';
    this.onIncoming = null;
    this.closeListener();
    this.onReleased(this);
  }

  private closeListener(): void {
    const listener = this.listener;
    this.listener = null;
    listener?.close();
  }
}
