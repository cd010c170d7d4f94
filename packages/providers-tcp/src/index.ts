/**
 * `@ws2spi/providers-tcp`: the TCP/IP and UDP/IP base providers (IPv4 and IPv6), advertised like
 * Windows' `MSAFD Tcpip` catalog entries, over Node's `net` and `dgram` or over `SimNetwork`.
 *
 * - `installTcpProviders(catalog)` installs the four entries (the default catalog calls it).
 * - `WSPStartup` is the provider over real sockets, found by the dispatcher at the entries' path.
 * - `createTcpProvider({ streams, datagrams })` is the same provider over other networks.
 * - `tcpWskTransports()` hands the same TCP and UDP drivers to a WSK provider (`@ws2spi/spi/wsk`).
 * @module @ws2spi/providers-tcp
 */
export { createTcpProvider, TCP_PROVIDER_DESCRIPTION, type TcpProviderNetworks } from './create-tcp-provider';
export {
  type InstallTcpProvidersOptions,
  installTcpProviders,
  TCP_PROVIDER_PATH,
} from './install-tcp-providers';
export {
  MSAFD_TCP_SERVICE_FLAGS,
  MSAFD_TCPIP_NAMES,
  MSAFD_TCPIP_PROVIDER_ID,
  MSAFD_TCPIP6_PROVIDER_ID,
  MSAFD_UDP_MESSAGE_SIZE,
  MSAFD_UDP_SERVICE_FLAGS,
  tcpProtocolInfos,
} from './msafd-tcpip-entries';
export { UDP4_MAX_MESSAGE_SIZE, UDP6_MAX_MESSAGE_SIZE } from './udp-datagram-driver';
export { type TcpWskNetworks, tcpWskTransports } from './wsk-transports';
export { WSPStartup } from './wsp-startup';
