/**
 * The TCP driver: `SOCK_STREAM` over a `StreamNetwork` (Node's `net`, or `SimNetwork`), for
 * `AF_INET` or `AF_INET6`. The kit does every Winsock semantic; this moves bytes and addresses.
 *
 * TCP's own rules it declares to the kit:
 * - `resetOnDataAfterReceiveShutdown`: data queued at, or arriving after, `shutdown(SD_RECEIVE)`
 *   resets the connection (MSDN shutdown: "TCP sockets … the connection is reset").
 * - `supportsExpedited: false`: neither Node's `net` nor the networks' contract can send or
 *   receive TCP urgent data, so `MSG_OOB` is `WSAEOPNOTSUPP` although the entry advertises
 *   `XP1_EXPEDITED_DATA` as Windows' does.
 * @module
 */

import { Socket } from 'node:net';
import {
  type AddressFamilyCodec,
  adoptNodeStream,
  type BindOptions,
  type ConnectOutcome,
  type ConnectRequest,
  type IncomingConnection,
  type ListenerHandle,
  type LocalBinding,
  type SOCKADDR,
  type StreamNetwork,
  type StreamTransportDriver,
  TCP_CONNECT_TIMEOUT_MS,
  WSAEINVAL,
  WsaError,
  wsaErrorFromFailure,
} from '@ws2spi/spi';
import { endpointOf } from './ip-endpoint';
import { unsupportedIpLevelOptions } from './ip-level-options';
import { TcpLink } from './tcp-link';
import { TcpPortReservation } from './tcp-port-reservation';

/** Builds the TCP driver of one address family over `streams`. */
export function tcpStreamDriver(
  codec: AddressFamilyCodec,
  family: 4 | 6,
  streams: StreamNetwork,
): StreamTransportDriver {
  // Bindings not yet released, so that the provider's last WSPCleanup can give every port back.
  const reservations = new Set<TcpPortReservation>();
  const forget = (reservation: TcpPortReservation): void => {
    reservations.delete(reservation);
  };

  const reservationOf = (binding: LocalBinding): TcpPortReservation => {
    if (!(binding instanceof TcpPortReservation) || !binding.live) {
      throw new WsaError(WSAEINVAL, 'the binding does not belong to this TCP driver or was released');
    }
    return binding;
  };

  return {
    ...codec,
    kind: 'stream',
    resetOnDataAfterReceiveShutdown: true,
    supportsExpedited: false,
    options: unsupportedIpLevelOptions(family, 'tcp'),

    /** `bind`: the address is claimed now, its ephemeral port known (see `TcpPortReservation`). */
    async bind(address: SOCKADDR, _options: BindOptions): Promise<LocalBinding> {
      const reservation = await TcpPortReservation.reserve(streams, endpointOf(address, family), forget);
      reservations.add(reservation);
      return reservation;
    },

    async connect(request: ConnectRequest): Promise<ConnectOutcome> {
      const remote = endpointOf(request.remote, family);
      const reservation = request.binding ? reservationOf(request.binding) : null;
      const source = reservation?.takeForConnect();
      let link: TcpLink;
      try {
        const connection = await streams.connect({
          host: remote.address,
          port: remote.port,
          family,
          timeoutMs: TCP_CONNECT_TIMEOUT_MS,
          ...(source ? { localAddress: source.address, localPort: source.port } : {}),
        });
        link = new TcpLink(connection);
      } catch (error) {
        await reservation?.reclaim();
        throw wsaErrorFromFailure(error);
      }
      // The connection owns the port now; the binding is spent.
      reservation?.release();
      return { link, calleeData: null };
    },

    async listen(
      binding: LocalBinding,
      _backlog: number,
      onIncoming: (incoming: IncomingConnection) => void,
    ): Promise<ListenerHandle> {
      return reservationOf(binding).listen(onIncoming);
    },

    /** A connection a parent process handed over (`WSADuplicateSocketW` into a child): a `net.Socket`. */
    adoptHandle(handle: unknown): TcpLink | undefined {
      if (!(handle instanceof Socket) || handle.destroyed) return undefined;
      return new TcpLink(adoptNodeStream(handle));
    },

    dispose(): void {
      for (const reservation of [...reservations]) reservation.release();
    },
  };
}
