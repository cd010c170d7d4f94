/**
 * The four catalog entries of the TCP/IP provider, modelled on the `MSAFD Tcpip` entries that a
 * fresh Windows catalog holds (`netsh winsock show catalog`): names, service flags, address sizes,
 * message sizes and protocol numbers as Windows shows them.
 * @module
 */

import {
  AF_INET,
  AF_INET6,
  defineProtocolInfo,
  IPPROTO_TCP,
  IPPROTO_UDP,
  PFL_MATCHES_PROTOCOL_ZERO,
  SOCK_DGRAM,
  SOCK_STREAM,
  type WSAPROTOCOL_INFOW,
  XP1_CONNECTIONLESS,
  XP1_EXPEDITED_DATA,
  XP1_GRACEFUL_CLOSE,
  XP1_GUARANTEED_DELIVERY,
  XP1_GUARANTEED_ORDER,
  XP1_IFS_HANDLES,
  XP1_MESSAGE_ORIENTED,
  XP1_SUPPORT_BROADCAST,
  XP1_SUPPORT_MULTIPOINT,
} from '@ws2spi/spi';

/**
 * The `ProviderId` of Windows' `MSAFD Tcpip` entries, `{E70F1AA0-AB8B-11CF-8CA3-00805F48A192}`.
 * Windows gives the IPv6 entries a GUID of their own (`{F9EAB0C0-26D4-11D0-BBBF-00AA006C34E4}`,
 * `MSAFD_TCPIP6_PROVIDER_ID`); this provider installs all four entries under this one GUID by
 * default, so one `WSCDeinstallProvider` removes them and one `WSPStartup` serves them.
 */
export const MSAFD_TCPIP_PROVIDER_ID = 'e70f1aa0-ab8b-11cf-8ca3-00805f48a192';

/** The `ProviderId` Windows gives its `[TCP/IPv6]` and `[UDP/IPv6]` entries (for catalogs that want Windows' split). */
export const MSAFD_TCPIP6_PROVIDER_ID = 'f9eab0c0-26d4-11d0-bbbf-00aa006c34e4';

/**
 * `dwServiceFlags1` of the TCP entries: `0x20066` = IFS handles | graceful close | expedited data |
 * guaranteed order | guaranteed delivery. No `XP1_DISCONNECT_DATA`: TCP carries none, so
 * `WSASendDisconnect` with data is `WSAENOPROTOOPT`.
 */
export const MSAFD_TCP_SERVICE_FLAGS =
  XP1_IFS_HANDLES | XP1_GRACEFUL_CLOSE | XP1_EXPEDITED_DATA | XP1_GUARANTEED_ORDER | XP1_GUARANTEED_DELIVERY;

/**
 * `dwServiceFlags1` of the UDP entries: `0x20609` = IFS handles | multipoint | broadcast |
 * message oriented | connectionless.
 */
export const MSAFD_UDP_SERVICE_FLAGS =
  XP1_IFS_HANDLES |
  XP1_SUPPORT_MULTIPOINT |
  XP1_SUPPORT_BROADCAST |
  XP1_MESSAGE_ORIENTED |
  XP1_CONNECTIONLESS;

/**
 * `dwMessageSize` Windows advertises for `[UDP/IP]` and `[UDP/IPv6]` (msinfo32: "63.99 KB (65,527
 * bytes)"). The largest datagram IPv4 can actually carry is smaller (65 507 bytes); that is what
 * `SO_MAX_MSG_SIZE` reports on an IPv4 UDP socket.
 */
export const MSAFD_UDP_MESSAGE_SIZE = 65527;

/** The `szProtocol` names, exactly as Windows spells them. */
export const MSAFD_TCPIP_NAMES = {
  /** `MSAFD Tcpip [TCP/IP]`: `AF_INET`, `SOCK_STREAM`, `IPPROTO_TCP`. */
  tcp4: 'MSAFD Tcpip [TCP/IP]',
  /** `MSAFD Tcpip [UDP/IP]`: `AF_INET`, `SOCK_DGRAM`, `IPPROTO_UDP`. */
  udp4: 'MSAFD Tcpip [UDP/IP]',
  /** `MSAFD Tcpip [TCP/IPv6]`: `AF_INET6`, `SOCK_STREAM`, `IPPROTO_TCP`. */
  tcp6: 'MSAFD Tcpip [TCP/IPv6]',
  /** `MSAFD Tcpip [UDP/IPv6]`: `AF_INET6`, `SOCK_DGRAM`, `IPPROTO_UDP`. */
  udp6: 'MSAFD Tcpip [UDP/IPv6]',
} as const;

function entry(
  szProtocol: string,
  iAddressFamily: number,
  iSocketType: number,
  iProtocol: number,
  dwServiceFlags1: number,
  dwMessageSize: number,
  ProviderId: string,
): WSAPROTOCOL_INFOW {
  // The rest — a base entry, version 2, big-endian, no security, addresses the family's size — is
  // defineProtocolInfo's default, as it is Windows'.
  return defineProtocolInfo({
    szProtocol,
    iAddressFamily,
    iSocketType,
    iProtocol,
    dwServiceFlags1,
    dwMessageSize,
    dwProviderFlags: PFL_MATCHES_PROTOCOL_ZERO,
    ProviderId,
  });
}

/**
 * The `WSAPROTOCOL_INFOW`s of `MSAFD Tcpip [TCP/IP]`, `[UDP/IP]`, `[TCP/IPv6]` and `[UDP/IPv6]`, in
 * that order, ready for `WSCInstallProvider` (`dwCatalogEntryId` 0: the catalog assigns it). Every
 * call returns fresh objects.
 *
 * @param providerId the `ProviderId` of all four entries (default `MSAFD_TCPIP_PROVIDER_ID`).
 */
export function tcpProtocolInfos(providerId: string = MSAFD_TCPIP_PROVIDER_ID): WSAPROTOCOL_INFOW[] {
  return [
    entry(MSAFD_TCPIP_NAMES.tcp4, AF_INET, SOCK_STREAM, IPPROTO_TCP, MSAFD_TCP_SERVICE_FLAGS, 0, providerId),
    entry(
      MSAFD_TCPIP_NAMES.udp4,
      AF_INET,
      SOCK_DGRAM,
      IPPROTO_UDP,
      MSAFD_UDP_SERVICE_FLAGS,
      MSAFD_UDP_MESSAGE_SIZE,
      providerId,
    ),
    entry(MSAFD_TCPIP_NAMES.tcp6, AF_INET6, SOCK_STREAM, IPPROTO_TCP, MSAFD_TCP_SERVICE_FLAGS, 0, providerId),
    entry(
      MSAFD_TCPIP_NAMES.udp6,
      AF_INET6,
      SOCK_DGRAM,
      IPPROTO_UDP,
      MSAFD_UDP_SERVICE_FLAGS,
      MSAFD_UDP_MESSAGE_SIZE,
      providerId,
    ),
  ];
}
