/**
 * The in-memory provider's datagram driver: the kit's `DatagramTransportDriver` over any
 * `DatagramNetwork` (a `SimNetwork` host's `datagrams`). Datagrams travel as they are; no framing.
 * @module
 */

import { WSAEINVAL } from '../../constants/error-codes';
import { WsaError } from '../../errors/wsa-error';
import { ipAddressCodec, ipEndpointOf, ipSockaddr } from '../../provider-kit/ip-address-codec';
import type {
  BindOptions,
  DatagramBinding,
  DatagramTransportDriver,
} from '../../provider-kit/transport-driver';
import type { DatagramNetwork } from '../../transport/stream-network';
import { wsaErrorFromFailure } from '../../transport/wsa-error-from-failure';
import type { SOCKADDR } from '../../types/sockaddr';

/** What the datagram driver of one catalog entry does. */
export interface InMemoryDatagramDriverSettings {
  /** The datagram ports of the host the driver binds on. */
  network: DatagramNetwork;
  /** 4 for IPv4, 6 for IPv6. */
  family: 4 | 6;
  /** `SO_MAX_MSG_SIZE`; default 65 507 (IPv4) / 65 527 (IPv6), as UDP. */
  maxMessageSize?: number;
}

/**
 * Makes the datagram driver.
 *
 * @example
 * const driver = createInMemoryDatagramDriver({ network: host.datagrams, family: 4 });
 */
export function createInMemoryDatagramDriver(
  settings: InMemoryDatagramDriverSettings,
): DatagramTransportDriver {
  const { network, family } = settings;
  const codec = ipAddressCodec(family);
  return {
    ...codec,
    kind: 'datagram',
    maxMessageSize: settings.maxMessageSize ?? (family === 4 ? 65507 : 65527),
    isBroadcastAddress: (address) => family === 4 && ipEndpointOf(address, 4)?.address === '255.255.255.255',

    async bind(address: SOCKADDR, _options: BindOptions): Promise<DatagramBinding> {
      const endpoint = ipEndpointOf(address, family);
      if (!endpoint) throw new WsaError(WSAEINVAL);
      let port: Awaited<ReturnType<DatagramNetwork['bindDatagram']>>;
      try {
        port = await network.bindDatagram({ address: endpoint.address, port: endpoint.port, family });
      } catch (e) {
        throw wsaErrorFromFailure(e);
      }
      return {
        local: ipSockaddr(port.local.address, port.local.port, family),
        setHandlers: (handlers) =>
          port.setHandlers({
            onMessage: (data, from) => handlers.onMessage(data, ipSockaddr(from.address, from.port, family)),
          }),
        async sendTo(data: Uint8Array, to: SOCKADDR): Promise<void> {
          const target = ipEndpointOf(to, family);
          if (!target) throw new WsaError(WSAEINVAL);
          try {
            await port.send(data, { address: target.address, port: target.port, family });
          } catch (e) {
            throw wsaErrorFromFailure(e);
          }
        },
        close: () => port.close(),
      };
    },
  };
}
