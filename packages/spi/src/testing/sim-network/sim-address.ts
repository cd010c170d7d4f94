/**
 * Addresses in the sim: the loopback addresses every host answers on, canonical text for IPv4 and
 * IPv6 (so two spellings of one address find the same host and port), and the argument checks
 * that turn a bad address or port into the `NetworkError` the transport contract promises.
 * @module
 */

import { SocketAddress } from 'node:net';
import { NetworkError } from '../../transport/stream-network';

/** The IPv4 loopback address every simulated host answers on (`INADDR_LOOPBACK`). */
export const SIM_LOOPBACK_IPV4 = '127.0.0.1';
/** The IPv6 loopback address every simulated host answers on (`in6addr_loopback`). */
export const SIM_LOOPBACK_IPV6 = '::1';

/**
 * The canonical text of an IP address of the given family, or `undefined` when the text is not
 * one. IPv6 is compressed and lower-cased (`FD00:0::1` → `fd00::1`) so that two spellings of one
 * address find the same host and the same port binding.
 */
export function canonicalAddress(address: string, family: 4 | 6): string | undefined {
  if (typeof address !== 'string' || address.includes('%')) return undefined;
  try {
    return new SocketAddress({ address, family: family === 4 ? 'ipv4' : 'ipv6' }).address;
  } catch {
    return undefined;
  }
}

/**
 * The canonical text of `address` for `family`; throws `NetworkError('EINVAL')` when the text is
 * not an address of that family (a `family: 4` request with an IPv6 literal, for instance).
 */
export function requireAddress(address: string, family: 4 | 6, what: string): string {
  if (family !== 4 && family !== 6) throw new NetworkError('EINVAL', `${what}: family must be 4 or 6`);
  const canonical = canonicalAddress(address, family);
  if (canonical === undefined) {
    throw new NetworkError('EINVAL', `${what}: '${String(address)}' is not an IPv${family} address`);
  }
  return canonical;
}

/** Throws `NetworkError('EINVAL')` unless `port` is an integer in 0‥65535. */
export function requirePort(port: number, what: string): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new NetworkError('EINVAL', `${what}: port ${String(port)} is not in 0..65535`);
  }
  return port;
}

/** The wildcard address of a family (`INADDR_ANY` / `in6addr_any`). */
export function wildcardAddress(family: 4 | 6): string {
  return family === 4 ? '0.0.0.0' : '::';
}

/** Whether a canonical address is its family's wildcard. */
export function isWildcardAddress(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

/** The loopback address of a family. */
export function loopbackAddress(family: 4 | 6): string {
  return family === 4 ? SIM_LOOPBACK_IPV4 : SIM_LOOPBACK_IPV6;
}

/** Whether a canonical address is its family's loopback address. */
export function isLoopbackAddress(address: string): boolean {
  return address === SIM_LOOPBACK_IPV4 || address === SIM_LOOPBACK_IPV6;
}
