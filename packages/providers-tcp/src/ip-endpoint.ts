/**
 * Socket addresses (`SOCKADDR_IN`, `SOCKADDR_IN6`) to and from the networks' endpoints. An IPv6
 * scope ID travels as the `%<id>` suffix of the address text, as Node and `getaddrinfo` write it.
 * @module
 */

import type { NetEndpoint, SOCKADDR } from '@ws2spi/spi';
import { ipEndpointOf, ipSockaddr } from '@ws2spi/spi';

/** The network endpoint of a socket address the codec already accepted (`checkAddress` returned 0). */
export function endpointOf(address: SOCKADDR, family: 4 | 6): NetEndpoint {
  const endpoint = ipEndpointOf(address, family);
  // The kit checks every application address with the codec before a driver sees it.
  if (!endpoint) throw new TypeError(`not an IPv${family} socket address: ${JSON.stringify(address)}`);
  const host = endpoint.scopeId ? `${endpoint.address}%${endpoint.scopeId}` : endpoint.address;
  return { address: host, port: endpoint.port, family };
}

/** The socket address of a network endpoint (a non-numeric scope such as `%lo` is dropped: Winsock's scope IDs are numbers). */
export function sockaddrOf(endpoint: NetEndpoint): SOCKADDR {
  const [address, scope] = endpoint.address.split('%', 2) as [string, string | undefined];
  const scopeId = scope !== undefined && /^\d+$/.test(scope) ? Number(scope) : 0;
  return ipSockaddr(address, endpoint.port, endpoint.family, scopeId);
}
