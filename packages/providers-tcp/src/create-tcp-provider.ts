/**
 * The TCP/IP provider over any pair of networks: real sockets (`nodeStreamNetwork()`,
 * `nodeDatagramNetwork()`) or a `SimNetwork` host (`host.streams`, `host.datagrams`). The same
 * provider code runs over both; only the transport differs.
 * @module
 */

import {
  AF_INET,
  AF_INET6,
  type BaseProvider,
  type DatagramNetwork,
  defineBaseProvider,
  ipAddressCodec,
  SOCK_DGRAM,
  SOCK_STREAM,
  type StreamNetwork,
  type TransportDriver,
  WSAESOCKTNOSUPPORT,
  type WSAPROTOCOL_INFOW,
  WsaError,
} from '@ws2spi/spi';
import { tcpStreamDriver } from './tcp-stream-driver';
import { udpDatagramDriver } from './udp-datagram-driver';

/** `WSPDATA.szDescription` of the provider. */
export const TCP_PROVIDER_DESCRIPTION = 'ws2spi MSAFD Tcpip: TCP/IP and UDP/IP (IPv4 and IPv6)';

/** The networks a TCP/IP provider runs over. */
export interface TcpProviderNetworks {
  /** Carries `SOCK_STREAM` (TCP) sockets. */
  streams: StreamNetwork;
  /** Carries `SOCK_DGRAM` (UDP) sockets. */
  datagrams: DatagramNetwork;
}

/**
 * Makes a TCP/IP provider (`WSPStartup`, the entry point a catalog path needs) over `networks`.
 * Nothing is created until `WSPStartup` runs; each `Ws2` process then gets its own provider state,
 * and each catalog entry (`[TCP/IP]`, `[UDP/IP]`, `[TCP/IPv6]`, `[UDP/IPv6]`, or any entry with
 * `AF_INET`/`AF_INET6` and `SOCK_STREAM`/`SOCK_DGRAM`) its own driver.
 *
 * @example Serve the catalog entries from a simulated host:
 * ```ts
 * const host = new SimNetwork().addHost('client', { ipv4: ['10.0.0.1'] });
 * registerProvider(container, 'sim-tcp', createTcpProvider({ streams: host.streams, datagrams: host.datagrams }).WSPStartup);
 * installTcpProviders(catalog, { path: 'sim-tcp' });
 * ```
 */
export function createTcpProvider(networks: TcpProviderNetworks): BaseProvider {
  const { streams, datagrams } = networks;
  return defineBaseProvider({
    description: TCP_PROVIDER_DESCRIPTION,
    // The entries say XP1_IFS_HANDLES, as Windows' MSAFD entries do.
    handles: 'ifs',
    createDriver: (info: WSAPROTOCOL_INFOW): TransportDriver => {
      const family = info.iAddressFamily === AF_INET ? 4 : info.iAddressFamily === AF_INET6 ? 6 : undefined;
      if (family === undefined) {
        throw new WsaError(
          WSAESOCKTNOSUPPORT,
          `${info.szProtocol}: the TCP/IP provider serves AF_INET and AF_INET6 only`,
        );
      }
      const codec = ipAddressCodec(family);
      if (info.iSocketType === SOCK_STREAM) return tcpStreamDriver(codec, family, streams);
      if (info.iSocketType === SOCK_DGRAM) return udpDatagramDriver(codec, family, datagrams);
      throw new WsaError(
        WSAESOCKTNOSUPPORT,
        `${info.szProtocol}: the TCP/IP provider serves SOCK_STREAM and SOCK_DGRAM only`,
      );
    },
  });
}
