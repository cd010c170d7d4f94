/**
 * TCP/IP and UDP/IP for WSK clients: the same drivers the TCP/IP base provider is built on, handed
 * to a WSK provider (`createWskProvider` of `@ws2spi/spi/wsk`) — as on Windows, where WSK clients
 * use tcpip.sys directly, below AFD and the Winsock catalog.
 * @module
 */

import {
  AF_INET,
  AF_INET6,
  type DatagramNetwork,
  IPPROTO_TCP,
  IPPROTO_UDP,
  ipAddressCodec,
  nodeDatagramNetwork,
  nodeStreamNetwork,
  SOCK_DGRAM,
  SOCK_STREAM,
  type StreamNetwork,
} from '@ws2spi/spi';
import type { WskTransport } from '@ws2spi/spi/wsk';
import { MSAFD_TCPIP_PROVIDER_ID, MSAFD_TCPIP6_PROVIDER_ID } from './msafd-tcpip-entries';
import { tcpStreamDriver } from './tcp-stream-driver';
import { udpDatagramDriver } from './udp-datagram-driver';

/** The networks the WSK transports run over; each defaults to the machine's (Node's `net` and `dgram`). */
export interface TcpWskNetworks {
  /** Where TCP connections go; default Node's `net` (`nodeStreamNetwork()`). */
  streams?: StreamNetwork;
  /** Where UDP datagrams go; default Node's `dgram` (`nodeDatagramNetwork()`). */
  datagrams?: DatagramNetwork;
}

/**
 * The four transports of TCP/IP for a WSK provider — TCP and UDP over IPv4 and IPv6
 * (`AF_INET`/`AF_INET6` × `SOCK_STREAM`/`IPPROTO_TCP`, `SOCK_DGRAM`/`IPPROTO_UDP`) — over real
 * sockets, or over a `SimNetwork` host's networks.
 *
 * @example
 * const provider = createWskProvider({ transports: tcpWskTransports() });
 * const wsk = new WskSubsystem({ provider });
 */
export function tcpWskTransports(networks: TcpWskNetworks = {}): WskTransport[] {
  const streams = networks.streams ?? nodeStreamNetwork();
  const datagrams = networks.datagrams ?? nodeDatagramNetwork();
  const transports: WskTransport[] = [];
  for (const family of [4, 6] as const) {
    const codec = ipAddressCodec(family);
    const AddressFamily = family === 4 ? AF_INET : AF_INET6;
    const ProviderId = family === 4 ? MSAFD_TCPIP_PROVIDER_ID : MSAFD_TCPIP6_PROVIDER_ID;
    transports.push(
      {
        AddressFamily,
        SocketType: SOCK_STREAM,
        Protocol: IPPROTO_TCP,
        driver: tcpStreamDriver(codec, family, streams),
        ProviderId,
      },
      {
        AddressFamily,
        SocketType: SOCK_DGRAM,
        Protocol: IPPROTO_UDP,
        driver: udpDatagramDriver(codec, family, datagrams),
        ProviderId,
      },
    );
  }
  return transports;
}
