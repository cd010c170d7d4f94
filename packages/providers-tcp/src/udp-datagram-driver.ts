/**
 * The UDP driver: `SOCK_DGRAM` over a `DatagramNetwork` (Node's `dgram`, or `SimNetwork`), for
 * `AF_INET` or `AF_INET6`. The kit keeps Winsock's datagram rules (default peer, shutdown without a
 * connection, `WSAEMSGSIZE` truncation); this binds ports and moves datagrams.
 *
 * No ICMP feedback ever becomes an error here: the ports are never connected at the network level
 * (`connect` only sets the kit's default peer), so a "port unreachable" has nowhere to surface.
 * Windows does report it, as `WSAECONNRESET` on the next receive, unless `SIO_UDP_CONNRESET` is
 * turned off; that behaviour is not modelled.
 * @module
 */

import {
  type AddressFamilyCodec,
  type BindOptions,
  type DatagramBinding,
  type DatagramBindingHandlers,
  type DatagramNetwork,
  type DatagramPort,
  type DatagramTransportDriver,
  type SOCKADDR,
  wsaErrorFromFailure,
} from '@ws2spi/spi';
import { endpointOf, sockaddrOf } from './ip-endpoint';
import { unsupportedIpLevelOptions } from './ip-level-options';

/** The largest UDP payload over IPv4: 65 535 − 20 (IP header) − 8 (UDP header). */
export const UDP4_MAX_MESSAGE_SIZE = 65_507;
/** The largest UDP payload over IPv6 without jumbograms: 65 535 − 8 (UDP header). */
export const UDP6_MAX_MESSAGE_SIZE = 65_527;

/** A bound UDP port as the kit sees it. */
class UdpBinding implements DatagramBinding {
  readonly local: SOCKADDR;

  constructor(
    private readonly port: DatagramPort,
    private readonly family: 4 | 6,
    private readonly onClosed: (binding: UdpBinding) => void,
  ) {
    this.local = sockaddrOf(port.local);
  }

  setHandlers(handlers: DatagramBindingHandlers): void {
    this.port.setHandlers({ onMessage: (data, from) => handlers.onMessage(data, sockaddrOf(from)) });
  }

  async sendTo(data: Uint8Array, to: SOCKADDR): Promise<void> {
    try {
      await this.port.send(data, endpointOf(to, this.family));
    } catch (error) {
      throw wsaErrorFromFailure(error);
    }
  }

  close(): void {
    this.port.close();
    this.onClosed(this);
  }
}

/** Builds the UDP driver of one address family over `datagrams`. */
export function udpDatagramDriver(
  codec: AddressFamilyCodec,
  family: 4 | 6,
  datagrams: DatagramNetwork,
): DatagramTransportDriver {
  const bindings = new Set<UdpBinding>();
  const forget = (binding: UdpBinding): void => {
    bindings.delete(binding);
  };
  return {
    ...codec,
    kind: 'datagram',
    maxMessageSize: family === 4 ? UDP4_MAX_MESSAGE_SIZE : UDP6_MAX_MESSAGE_SIZE,
    options: unsupportedIpLevelOptions(family, 'udp'),

    /** The limited broadcast address; subnet-directed broadcasts depend on interfaces this driver does not see. */
    isBroadcastAddress(address: SOCKADDR): boolean {
      return family === 4 && endpointOf(address, 4).address === '255.255.255.255';
    },

    async bind(address: SOCKADDR, _options: BindOptions): Promise<DatagramBinding> {
      const endpoint = endpointOf(address, family);
      let port: DatagramPort;
      try {
        port = await datagrams.bindDatagram({ address: endpoint.address, port: endpoint.port, family });
      } catch (error) {
        throw wsaErrorFromFailure(error);
      }
      const binding = new UdpBinding(port, family, forget);
      bindings.add(binding);
      return binding;
    },

    dispose(): void {
      for (const binding of [...bindings]) binding.close();
    },
  };
}
