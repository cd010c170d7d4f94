/**
 * The `AF_INET` / `AF_INET6` half of a driver: `SOCKADDR_IN` / `SOCKADDR_IN6` checks and the text
 * forms Windows' `WSAAddressToStringW` / `WSAStringToAddressW` use (`1.2.3.4:80`, `[fe80::1%4]:80`,
 * the port left out when it is 0). Shared by every IP-based driver (TCP/IP, UDP/IP, in-memory).
 * @module
 */

import { isIPv4, isIPv6, SocketAddress } from 'node:net';
import { AF_INET, AF_INET6 } from '../constants/address-families';
import { WSAEADDRNOTAVAIL, WSAEAFNOSUPPORT, WSAEFAULT, WSAEINVAL } from '../constants/error-codes';
import {
  SIZEOF_SOCKADDR_IN,
  SIZEOF_SOCKADDR_IN6,
  type SOCKADDR,
  type SOCKADDR_IN,
  type SOCKADDR_IN6,
  sockaddrIn,
  sockaddrIn6,
} from '../types/sockaddr';
import type { AddressFamilyCodec, AddressUse } from './transport-driver';

/** Canonical forms of IPv6 texts already seen: every connect and accept checks its addresses. */
const canonicalIpv6 = new Map<string, string | undefined>();
/** Bound on `canonicalIpv6`: it is emptied when full. */
const CANONICAL_CACHE_SIZE = 1024;

/** The canonical text of an IP address (compressed lower-case IPv6), or undefined when it is not one. */
export function canonicalIp(address: string, family: 4 | 6): string | undefined {
  if (typeof address !== 'string') return undefined;
  // Node's isIPv4 takes only the canonical dotted quad (no leading zeros): nothing to rewrite.
  if (family === 4) return isIPv4(address) ? address : undefined;
  const known = canonicalIpv6.get(address);
  if (known !== undefined || canonicalIpv6.has(address)) return known;
  let canonical: string | undefined;
  try {
    canonical = isIPv6(address) ? new SocketAddress({ address, family: 'ipv6' }).address : undefined;
  } catch {
    canonical = undefined;
  }
  if (canonicalIpv6.size >= CANONICAL_CACHE_SIZE) canonicalIpv6.clear();
  canonicalIpv6.set(address, canonical);
  return canonical;
}

/** True for `0.0.0.0` / `::` in any spelling. */
export function isWildcardIp(address: string, family: 4 | 6): boolean {
  return canonicalIp(address, family) === (family === 4 ? '0.0.0.0' : '::');
}

function validPort(port: unknown): port is number {
  return Number.isInteger(port) && (port as number) >= 0 && (port as number) <= 0xffff;
}

/** The address text and port of an IP socket address of the family, or undefined when malformed. */
export function ipEndpointOf(
  address: SOCKADDR,
  family: 4 | 6,
): { address: string; port: number; scopeId: number } | undefined {
  if (family === 4) {
    const a = address as SOCKADDR_IN;
    const text = canonicalIp(a.sin_addr, 4);
    return text !== undefined && validPort(a.sin_port)
      ? { address: text, port: a.sin_port, scopeId: 0 }
      : undefined;
  }
  const a = address as SOCKADDR_IN6;
  const text = canonicalIp(a.sin6_addr, 6);
  const scope = a.sin6_scope_id ?? 0;
  return text !== undefined && validPort(a.sin6_port) && Number.isInteger(scope) && scope >= 0
    ? { address: text, port: a.sin6_port, scopeId: scope }
    : undefined;
}

/** The socket address for an endpoint of the family. */
export function ipSockaddr(address: string, port: number, family: 4 | 6, scopeId = 0): SOCKADDR {
  return family === 4 ? sockaddrIn(address, port) : sockaddrIn6(address, port, scopeId);
}

/** The `AddressFamilyCodec` of IPv4 (`family: 4`) or IPv6 (`family: 6`). */
export function ipAddressCodec(family: 4 | 6): AddressFamilyCodec {
  const af = family === 4 ? AF_INET : AF_INET6;
  const length = family === 4 ? SIZEOF_SOCKADDR_IN : SIZEOF_SOCKADDR_IN6;
  return {
    addressFamily: af,
    sockaddrLength: length,

    checkAddress(name: SOCKADDR, namelen: number, use: AddressUse): number {
      if (typeof name !== 'object' || name === null || !Number.isInteger(namelen) || namelen < length)
        return WSAEFAULT;
      if (name.sa_family !== af) return WSAEAFNOSUPPORT;
      const endpoint = ipEndpointOf(name, family);
      if (!endpoint) return WSAEFAULT;
      if (use !== 'bind' && (isWildcardIp(endpoint.address, family) || endpoint.port === 0))
        return WSAEADDRNOTAVAIL;
      return 0;
    },

    wildcardAddress(): SOCKADDR {
      return ipSockaddr(family === 4 ? '0.0.0.0' : '::', 0, family);
    },

    sameAddress(a: SOCKADDR, b: SOCKADDR): boolean {
      if (a.sa_family !== af || b.sa_family !== af) return false;
      const x = ipEndpointOf(a, family);
      const y = ipEndpointOf(b, family);
      return !!x && !!y && x.address === y.address && x.port === y.port && x.scopeId === y.scopeId;
    },

    addressToString(address: SOCKADDR, addressLength: number): string | number {
      if (
        typeof address !== 'object' ||
        address === null ||
        !Number.isInteger(addressLength) ||
        addressLength < length
      ) {
        return WSAEFAULT;
      }
      if (address.sa_family !== af) return WSAEINVAL;
      const endpoint = ipEndpointOf(address, family);
      if (!endpoint) return WSAEINVAL;
      if (family === 4) return endpoint.port ? `${endpoint.address}:${endpoint.port}` : endpoint.address;
      const host = endpoint.scopeId ? `${endpoint.address}%${endpoint.scopeId}` : endpoint.address;
      return endpoint.port ? `[${host}]:${endpoint.port}` : host;
    },

    stringToAddress(text: string): SOCKADDR | number {
      const t = text.trim();
      if (family === 4) {
        const m = /^([0-9.]+)(?::(\d{1,5}))?$/.exec(t);
        const address = m ? canonicalIp(m[1]!, 4) : undefined;
        const port = m?.[2] === undefined ? 0 : Number(m[2]);
        if (!m || address === undefined || !validPort(port)) return WSAEINVAL;
        return ipSockaddr(address, port, 4);
      }
      const m = /^\[([^\]%]+)(?:%(\d+))?\](?::(\d{1,5}))?$/.exec(t) ?? /^([^\]%[]+)(?:%(\d+))?()$/.exec(t);
      const address = m ? canonicalIp(m[1]!, 6) : undefined;
      const scope = m?.[2] ? Number(m[2]) : 0;
      const port = m?.[3] ? Number(m[3]) : 0;
      if (!m || address === undefined || !validPort(port) || !Number.isSafeInteger(scope)) return WSAEINVAL;
      return ipSockaddr(address, port, 6, scope);
    },
  };
}
