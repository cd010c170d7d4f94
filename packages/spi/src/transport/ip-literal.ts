import { isIP } from 'node:net';
import { NetworkError } from './stream-network';

/**
 * Throws `NetworkError('EINVAL')` unless `address` is an IP literal of `family` (the contract
 * carries addresses, not host names: name resolution is `getaddrinfo`'s job, above the network).
 */
export function requireIpLiteral(address: string, family: 4 | 6, what: string): void {
  if (family !== 4 && family !== 6) throw new NetworkError('EINVAL', `${what}: family must be 4 or 6`);
  if (typeof address !== 'string' || isIP(address) !== family) {
    throw new NetworkError('EINVAL', `${what}: '${String(address)}' is not an IPv${family} address`);
  }
}

/** Throws `NetworkError('EINVAL')` unless `port` is an integer in 0‥65535. */
export function requirePortNumber(port: number, what: string): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new NetworkError('EINVAL', `${what}: port ${String(port)} is not in 0..65535`);
  }
}

/** The contract's family number for Node's `'IPv4'`/`'IPv6'` (or 4/6 from Node 18.0–18.3). */
export function familyNumber(family: string | number | undefined): 4 | 6 {
  return family === 'IPv6' || family === 6 ? 6 : 4;
}
