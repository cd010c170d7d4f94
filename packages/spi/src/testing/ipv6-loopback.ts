/**
 * Whether this machine has an IPv6 loopback (`::1`) to test on. Containers and CI runners often
 * have IPv6 disabled; tests over `::1` are then skipped with that reason instead of failing with
 * `WSAEADDRNOTAVAIL`. Decided synchronously, while jest collects the tests.
 * @module
 */

import { networkInterfaces } from 'node:os';
import { loadJestApi } from './conformance/jest-api';

/** Why IPv6 loopback tests are skipped on a machine without `::1`. */
export const NO_IPV6_LOOPBACK = 'no IPv6 loopback ::1 on this machine';

/**
 * True when some interface (normally `lo`) has the address `::1`.
 *
 * @example
 * const address = ipv6LoopbackAvailable() ? '::1' : '127.0.0.1';
 */
export function ipv6LoopbackAvailable(): boolean {
  return Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address === '::1'));
}

/**
 * jest's `describe`, or `describe.skip` with the reason in the title when `::1` is missing. Call it
 * while jest collects tests (it loads `@jest/globals`).
 *
 * @example
 * describeIpv6('over ::1', () => {
 *   it('connects', async () => { … });
 * });
 */
export function describeIpv6(title: string, body: () => void): void {
  const { describe } = loadJestApi();
  if (ipv6LoopbackAvailable()) describe(title, body);
  else describe.skip(`${title} (skipped: ${NO_IPV6_LOOPBACK})`, body);
}
