/**
 * The `AF_ISO` half of the OSI driver: checking the `SOCKADDR_TP`s applications pass, and the text
 * forms of `WSPAddressToString` / `WSPStringToAddress` (`tp-address-text.ts`).
 * @module
 */

import {
  type AddressFamilyCodec,
  type AddressUse,
  AF_ISO,
  type SOCKADDR,
  WSAEADDRNOTAVAIL,
  WSAEAFNOSUPPORT,
  WSAEFAULT,
  WSAEINVAL,
} from '@ws2spi/spi';
import {
  isWildcardIp,
  SIZEOF_SOCKADDR_TP,
  sameTsel,
  sockaddrTp,
  type TpEndpoint,
  tpEndpointOf,
} from './sockaddr-tp';
import { parseTpAddressText, tpAddressText } from './tp-address-text';

/** The endpoint of an address the codec has already accepted. */
export function checkedEndpoint(address: SOCKADDR): TpEndpoint {
  const endpoint = tpEndpointOf(address);
  if (typeof endpoint === 'string') throw new TypeError(`not a usable SOCKADDR_TP (${endpoint})`);
  return endpoint;
}

/**
 * The `AddressFamilyCodec` of `AF_ISO` over TCP. `namelen` must cover the whole `SOCKADDR_TP` (72
 * octets, as Winsock's checks on `sizeof` the family's address); a malformed address is
 * `WSAEFAULT`, an `ISO_NON_HIERARCHICAL` one (it would need a directory) `WSAEADDRNOTAVAIL`, and so
 * is connecting to a wildcard IP or to port 0.
 */
export function tpAddressCodec(): AddressFamilyCodec {
  return {
    addressFamily: AF_ISO,
    sockaddrLength: SIZEOF_SOCKADDR_TP,

    checkAddress(name: SOCKADDR, namelen: number, use: AddressUse): number {
      if (
        typeof name !== 'object' ||
        name === null ||
        !Number.isInteger(namelen) ||
        namelen < SIZEOF_SOCKADDR_TP
      )
        return WSAEFAULT;
      if (name.sa_family !== AF_ISO) return WSAEAFNOSUPPORT;
      const endpoint = tpEndpointOf(name);
      if (endpoint === 'malformed') return WSAEFAULT;
      if (endpoint === 'non-hierarchical') return WSAEADDRNOTAVAIL;
      if (use !== 'bind' && (isWildcardIp(endpoint.address) || endpoint.port === 0)) return WSAEADDRNOTAVAIL;
      return 0;
    },

    wildcardAddress(): SOCKADDR {
      return sockaddrTp(new Uint8Array(0), '0.0.0.0', 0);
    },

    sameAddress(a: SOCKADDR, b: SOCKADDR): boolean {
      const x = tpEndpointOf(a);
      const y = tpEndpointOf(b);
      return (
        typeof x !== 'string' &&
        typeof y !== 'string' &&
        sameTsel(x.tsel, y.tsel) &&
        x.address === y.address &&
        x.port === y.port
      );
    },

    addressToString(address: SOCKADDR, addressLength: number): string | number {
      if (
        typeof address !== 'object' ||
        address === null ||
        !Number.isInteger(addressLength) ||
        addressLength < SIZEOF_SOCKADDR_TP
      ) {
        return WSAEFAULT;
      }
      if (address.sa_family !== AF_ISO) return WSAEINVAL;
      const endpoint = tpEndpointOf(address);
      return typeof endpoint === 'string' ? WSAEINVAL : tpAddressText(endpoint);
    },

    stringToAddress(text: string): SOCKADDR | number {
      const parts = typeof text === 'string' ? parseTpAddressText(text) : undefined;
      if (!parts) return WSAEINVAL;
      try {
        return sockaddrTp(parts.tsel, parts.host, parts.port);
      } catch {
        return WSAEINVAL;
      }
    },
  };
}
