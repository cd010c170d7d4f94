/**
 * The option levels beyond `SOL_SOCKET` that a TCP/IP socket has on Windows (`IPPROTO_IP`,
 * `IPPROTO_IPV6`, `IPPROTO_TCP`, `IPPROTO_UDP`), answered honestly: the networks' contract can
 * apply none of their options (`TCP_NODELAY`, `IP_TTL`, `IPV6_V6ONLY`, multicast membership …) to
 * a connection or port, and the kit asks a driver for options without saying which socket they
 * are for, so every option at these levels is `WSAENOPROTOOPT` ("unknown or unsupported") rather
 * than the `WSAEINVAL` ("bad level") an unknown level gets.
 * @module
 */

import {
  type DriverOptionHandler,
  IPPROTO_IP,
  IPPROTO_IPV6,
  IPPROTO_TCP,
  IPPROTO_UDP,
  WSAENOPROTOOPT,
} from '@ws2spi/spi';

/** The levels of a TCP/IP socket of `family` (4 or 6) and transport (`tcp` or `udp`), every option unsupported. */
export function unsupportedIpLevelOptions(family: 4 | 6, transport: 'tcp' | 'udp'): DriverOptionHandler {
  const levels = [
    IPPROTO_IP,
    ...(family === 6 ? [IPPROTO_IPV6] : []),
    transport === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP,
  ];
  return {
    levels,
    get: () => ({ error: WSAENOPROTOOPT }),
    set: () => WSAENOPROTOOPT,
  };
}
