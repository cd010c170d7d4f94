/**
 * The port bindings of one protocol on one simulated host: conflicts as `bind` without
 * `SO_REUSEADDR` sees them, and deterministic ephemeral ports — in constant time per bind, release
 * and lookup, so a host with tens of thousands of connections costs no more per connection than a
 * host with one.
 * @module
 */

import { NetworkError } from '../../transport/stream-network';
import { isWildcardAddress } from './sim-address';

/** One claim on a local port: a listener, a bound datagram port or a connection's local end. */
export interface SimPortBinding<T> {
  readonly family: 4 | 6;
  /** Canonical local address, possibly the wildcard. */
  readonly address: string;
  readonly port: number;
  readonly owner: T;
}

/** Ports 0‥65535, one bit each. */
const PORT_WORDS = 65536 / 32;

/**
 * The ports of one protocol (TCP or UDP) on one host. Two bindings conflict when they share the
 * family and port and either has the same address or one of them is the wildcard, which is what
 * `bind` without `SO_REUSEADDR` enforces; the families have separate address spaces because an
 * AF_INET6 socket is `IPV6_V6ONLY` by default on Windows. Ephemeral ports are handed out in
 * order from the configured range, skipping ports in use (by any family), so they are
 * deterministic.
 *
 * Bindings are kept per family and port (a bucket holds the few addresses bound to one port), and
 * a bitmap of ports in use — with a summary bit per 32 ports that are all in use — finds the next
 * free ephemeral port without walking the bindings.
 */
export class SimPortTable<T> {
  /** Bindings by `family * 65536 + port`; a bucket is never empty. */
  private readonly buckets = new Map<number, SimPortBinding<T>[]>();
  /** How many bindings (of either family) hold each port. */
  private readonly holders = new Uint32Array(65536);
  /** Bit `p` set: port `p` is held by some binding. */
  private readonly used = new Uint32Array(PORT_WORDS);
  /** Bit `w` set: every port of `used[w]` is held. */
  private readonly fullWords = new Uint32Array(PORT_WORDS / 32);
  private nextEphemeral: number;

  constructor(
    private readonly protocol: string,
    private readonly range: { first: number; last: number },
  ) {
    this.nextEphemeral = range.first;
  }

  /**
   * Claim `port` (0 = the next free ephemeral port) on `address`; throws `NetworkError`
   * (`EADDRINUSE`) on a conflict or when the ephemeral range is exhausted.
   */
  bind(family: 4 | 6, address: string, port: number, owner: T): SimPortBinding<T> {
    const chosen = port === 0 ? this.allocateEphemeral() : port;
    const key = bucketKey(family, chosen);
    const bucket = this.buckets.get(key);
    if (bucket !== undefined) {
      const wildcard = isWildcardAddress(address);
      const conflict = bucket.find((b) => wildcard || b.address === address || isWildcardAddress(b.address));
      if (conflict !== undefined) {
        throw new NetworkError(
          'EADDRINUSE',
          `${this.protocol} ${formatEndpoint(address, chosen)} is in use (by ${formatEndpoint(conflict.address, conflict.port)})`,
        );
      }
    }
    const binding: SimPortBinding<T> = { family, address, port: chosen, owner };
    if (bucket === undefined) this.buckets.set(key, [binding]);
    else bucket.push(binding);
    this.hold(chosen);
    return binding;
  }

  /** Release a binding. Idempotent. */
  release(binding: SimPortBinding<T>): void {
    const key = bucketKey(binding.family, binding.port);
    const bucket = this.buckets.get(key);
    const index = bucket?.indexOf(binding) ?? -1;
    if (bucket === undefined || index < 0) return;
    if (bucket.length === 1) this.buckets.delete(key);
    else bucket.splice(index, 1);
    this.unhold(binding.port);
  }

  /** The binding that receives traffic for `address:port`: an exact address beats the wildcard. */
  lookup(family: 4 | 6, address: string, port: number): SimPortBinding<T> | undefined {
    const bucket = this.buckets.get(bucketKey(family, port));
    if (bucket === undefined) return undefined;
    let wildcard: SimPortBinding<T> | undefined;
    for (const b of bucket) {
      if (b.address === address) return b;
      if (isWildcardAddress(b.address)) wildcard ??= b;
    }
    return wildcard;
  }

  /** Forget every binding (a crashed host loses all its sockets). */
  clear(): void {
    this.buckets.clear();
    this.holders.fill(0);
    this.used.fill(0);
    this.fullWords.fill(0);
  }

  private hold(port: number): void {
    if (this.holders[port]!++ > 0) return;
    const word = port >>> 5;
    this.used[word]! |= 1 << (port & 31);
    if (this.used[word] === 0xffffffff) this.fullWords[word >>> 5]! |= 1 << (word & 31);
  }

  private unhold(port: number): void {
    if (--this.holders[port]! > 0) return;
    const word = port >>> 5;
    this.used[word]! &= ~(1 << (port & 31));
    this.fullWords[word >>> 5]! &= ~(1 << (word & 31));
  }

  private isHeld(port: number): boolean {
    return (this.used[port >>> 5]! & (1 << (port & 31))) !== 0;
  }

  /**
   * The first free port at or after `from` and at most `last`, or -1: a word of 32 held ports is
   * skipped by its summary bit, so the search costs at most one test per 32 ports of the range
   * (512 for the default range) however many ports are held.
   */
  private freeFrom(from: number, last: number): number {
    let port = from;
    while (port <= last) {
      const word = port >>> 5;
      if ((port & 31) === 0 && (this.fullWords[word >>> 5]! & (1 << (word & 31))) !== 0) {
        port += 32;
        continue;
      }
      if (!this.isHeld(port)) return port;
      port++;
    }
    return -1;
  }

  private allocateEphemeral(): number {
    const { first, last } = this.range;
    const start = this.nextEphemeral;
    let candidate = this.freeFrom(start, last);
    if (candidate < 0 && start > first) candidate = this.freeFrom(first, start - 1);
    if (candidate < 0) {
      throw new NetworkError('EADDRINUSE', `${this.protocol}: no free ephemeral port in ${first}..${last}`);
    }
    this.nextEphemeral = candidate === last ? first : candidate + 1;
    return candidate;
  }
}

function bucketKey(family: 4 | 6, port: number): number {
  return family * 65536 + port;
}

/** `address:port`, with IPv6 addresses in brackets. */
export function formatEndpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
