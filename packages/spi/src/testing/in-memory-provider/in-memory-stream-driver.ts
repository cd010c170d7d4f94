/**
 * The in-memory provider's connection-oriented driver: the kit's `StreamTransportDriver` over any
 * `StreamNetwork` (a `SimNetwork` host's `streams`), using the provider's own framing
 * (`in-memory-frame.ts`). A bound socket holds its address with a listener that refuses callers
 * until the socket listens, as a bound-but-not-listening TCP socket answers with RST.
 * @module
 */

import { WSAEADDRNOTAVAIL, WSAEINVAL } from '../../constants/error-codes';
import { WsaError } from '../../errors/wsa-error';
import { ipAddressCodec, ipEndpointOf, ipSockaddr, isWildcardIp } from '../../provider-kit/ip-address-codec';
import type {
  BindOptions,
  ConnectOutcome,
  ConnectRequest,
  IncomingConnection,
  ListenerHandle,
  LocalBinding,
  StreamTransportDriver,
} from '../../provider-kit/transport-driver';
import type { StreamConnection, StreamListener, StreamNetwork } from '../../transport/stream-network';
import { wsaErrorFromFailure } from '../../transport/wsa-error-from-failure';
import type { SOCKADDR } from '../../types/sockaddr';
import { InMemoryLink } from './in-memory-link';

/** What the stream driver of one catalog entry does. */
export interface InMemoryStreamDriverSettings {
  /** The streams of the host the driver opens connections on. */
  network: StreamNetwork;
  /** 4 for IPv4, 6 for IPv6. */
  family: 4 | 6;
  /** Links offer expedited data (`XP1_EXPEDITED_DATA`). */
  expedited: boolean;
  /** TCP's rule: data after `SD_RECEIVE` resets the connection. */
  resetOnDataAfterReceiveShutdown: boolean;
  /** Largest connect data; default 64 bytes. */
  maxConnectData?: number;
  /** Largest disconnect data; default 64 bytes. */
  maxDisconnectData?: number;
}

/** A reserved local address; becomes a listener when the socket listens. */
class Reservation implements LocalBinding {
  mode: 'reserved' | 'connecting' | 'listening' | 'released' = 'reserved';
  onIncoming: ((incoming: IncomingConnection) => void) | null = null;

  constructor(
    public local: SOCKADDR,
    public listener: StreamListener | null,
  ) {}

  release(): void {
    if (this.mode !== 'reserved' && this.mode !== 'connecting') return;
    this.mode = 'released';
    this.listener?.close();
    this.listener = null;
  }

  /** Hand the address to a connect: the reservation's listener goes so the port can be reused. */
  takeForConnect(): void {
    this.listener?.close();
    this.listener = null;
    this.mode = 'connecting';
  }
}

/**
 * Makes the stream driver.
 *
 * @example
 * const driver = createInMemoryStreamDriver({ network: host.streams, family: 4 });
 */
export function createInMemoryStreamDriver(settings: InMemoryStreamDriverSettings): StreamTransportDriver {
  const { network, family } = settings;
  const codec = ipAddressCodec(family);

  const endpointOf = (address: SOCKADDR): { address: string; port: number } => {
    const endpoint = ipEndpointOf(address, family);
    if (!endpoint) throw new WsaError(WSAEINVAL);
    return endpoint;
  };

  const onConnection = (reservation: Reservation, connection: StreamConnection): void => {
    const local = ipSockaddr(connection.local.address, connection.local.port, family);
    const remote = ipSockaddr(connection.remote.address, connection.remote.port, family);
    if (reservation.mode !== 'listening' || !reservation.onIncoming) {
      connection.reset();
      return;
    }
    const deliver = reservation.onIncoming;
    InMemoryLink.callee(connection, local, remote, (link, callerData) => {
      if (reservation.mode !== 'listening') {
        link.refuse();
        return;
      }
      deliver({
        remote,
        local,
        callerData,
        accept: (calleeData) => {
          link.accept(calleeData);
          return link;
        },
        refuse: () => link.refuse(),
      });
    });
  };

  const listenOn = async (
    reservation: Reservation,
    address: SOCKADDR,
    backlog: number,
  ): Promise<StreamListener> => {
    const endpoint = endpointOf(address);
    try {
      return await network.listen({ host: endpoint.address, port: endpoint.port, family, backlog }, (c) =>
        onConnection(reservation, c),
      );
    } catch (e) {
      throw wsaErrorFromFailure(e);
    }
  };

  /**
   * A connect that failed gives its socket's address back: the socket is still bound to it (MSDN
   * connect: the application may call connect again), so nobody else may bind it meanwhile.
   */
  const reclaim = async (reservation: Reservation | undefined): Promise<void> => {
    if (reservation === undefined || reservation.mode !== 'connecting') return;
    try {
      const listener = await listenOn(reservation, reservation.local, 16);
      // closesocket released the binding while the port was being taken back.
      if (reservation.mode !== 'connecting') {
        listener.close();
        return;
      }
      reservation.listener = listener;
      reservation.mode = 'reserved';
    } catch {
      // Taken by someone else in between: the socket keeps the address in name, as a TCP socket
      // would, and a later listen claims it again (or fails WSAEADDRINUSE).
    }
  };

  return {
    ...codec,
    kind: 'stream',
    resetOnDataAfterReceiveShutdown: settings.resetOnDataAfterReceiveShutdown,
    supportsExpedited: settings.expedited,
    maxConnectData: settings.maxConnectData ?? 64,
    maxDisconnectData: settings.maxDisconnectData ?? 64,

    async bind(address: SOCKADDR, _options: BindOptions): Promise<LocalBinding> {
      const reservation = new Reservation(address, null);
      const listener = await listenOn(reservation, address, 16);
      reservation.listener = listener;
      reservation.local = ipSockaddr(listener.local.address, listener.local.port, family);
      return reservation;
    },

    async connect(request: ConnectRequest): Promise<ConnectOutcome> {
      const remote = endpointOf(request.remote);
      let localAddress: string | undefined;
      let localPort: number | undefined;
      let reservation: Reservation | undefined;
      if (request.binding) {
        const binding = request.binding;
        const local = endpointOf(binding.local);
        localAddress = isWildcardIp(local.address, family) ? undefined : local.address;
        localPort = local.port;
        if (binding instanceof Reservation) {
          reservation = binding;
          binding.takeForConnect();
        }
      }
      let connection: StreamConnection;
      try {
        connection = await network.connect({
          host: remote.address,
          port: remote.port,
          family,
          ...(localAddress !== undefined ? { localAddress } : {}),
          ...(localPort !== undefined ? { localPort } : {}),
        });
      } catch (e) {
        await reclaim(reservation);
        throw wsaErrorFromFailure(e);
      }
      const local = ipSockaddr(connection.local.address, connection.local.port, family);
      const peer = ipSockaddr(connection.remote.address, connection.remote.port, family);
      const { link, accepted } = InMemoryLink.caller(connection, local, peer, request.callerData);
      try {
        const calleeData = await accepted;
        return { link, calleeData };
      } catch (e) {
        await reclaim(reservation);
        throw e;
      }
    },

    async listen(
      binding: LocalBinding,
      backlog: number,
      onIncoming: (incoming: IncomingConnection) => void,
    ): Promise<ListenerHandle> {
      const reservation = binding as Reservation;
      if (!(reservation instanceof Reservation)) throw new WsaError(WSAEADDRNOTAVAIL);
      if (reservation.mode !== 'reserved' || !reservation.listener) {
        // The address was given to a connect that failed: take it again.
        reservation.listener = await listenOn(reservation, reservation.local, backlog);
      }
      reservation.mode = 'listening';
      reservation.onIncoming = onIncoming;
      return {
        local: reservation.local,
        close: () => {
          reservation.mode = 'released';
          reservation.onIncoming = null;
          reservation.listener?.close();
          reservation.listener = null;
        },
      };
    },
  };
}
