/**
 * Whether this machine has an IPv6 loopback (`::1`) to test on: containers and CI runners often
 * have IPv6 disabled, in which case IPv6 tests are skipped with that reason. Decided synchronously,
 * while jest collects the tests.
 */
import { networkInterfaces } from 'node:os';

/** True when some interface (normally `lo`) has the address `::1`. */
export function ipv6LoopbackAvailable(): boolean {
  return Object.values(networkInterfaces()).some((list) => list?.some((i) => i.address === '::1'));
}

/** `describe`, or `describe.skip` with the reason in the title when `::1` is missing. */
export function describeIpv6(title: string, body: () => void): void {
  if (ipv6LoopbackAvailable()) describe(title, body);
  else describe.skip(`${title} (skipped: no IPv6 loopback ::1 on this machine)`, body);
}
