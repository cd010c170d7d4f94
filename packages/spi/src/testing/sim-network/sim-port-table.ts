/**
 * The port bindings of one protocol on one simulated host: conflicts as `bind` without
 * `SO_REUSEADDR` sees them, and deterministic ephemeral ports.
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

/**
 * The ports of one protocol (TCP or UDP) on one host. Two bindings conflict when they share the
 * family and port and either has the same address or one of them is the wildcard, which is what
 * `bind` without `SO_REUSEADDR` enforces; the families have separate address spaces because an
 * AF_INET6 socket is `IPV6_V6ONLY` by default on Windows. Ephemeral ports are handed out in
 * order from the configured range, skipping ports in use, so they are deterministic.
 */
export class SimPortTable<T> {
  private readonly bindings: SimPortBinding<T>[] = [];
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
    const conflict = this.bindings.find(
      (b) =>
        b.family === family &&
        b.port === chosen &&
        (b.address === address || isWildcardAddress(b.address) || isWildcardAddress(address)),
    );
    if (conflict !== undefined) {
      throw new NetworkError(
        'EADDRINUSE',
        `${this.protocol} ${formatEndpoint(address, chosen)} is in use (by ${formatEndpoint(conflict.address, conflict.port)})`,
      );
    }
    const binding: SimPortBinding<T> = { family, address, port: chosen, owner };
    this.bindings.push(binding);
    return binding;
  }

  /** Release a binding. Idempotent. */
  release(binding: SimPortBinding<T>): void {
    const index = this.bindings.indexOf(binding);
    if (index >= 0) this.bindings.splice(index, 1);
  }

  /** The binding that receives traffic for `address:port`: an exact address beats the wildcard. */
  lookup(family: 4 | 6, address: string, port: number): SimPortBinding<T> | undefined {
    let wildcard: SimPortBinding<T> | undefined;
    for (const b of this.bindings) {
      if (b.family !== family || b.port !== port) continue;
      if (b.address === address) return b;
      if (isWildcardAddress(b.address)) wildcard ??= b;
    }
    return wildcard;
  }

  /** Forget every binding (a crashed host loses all its sockets). */
  clear(): void {
    this.bindings.length = 0;
  }

  private allocateEphemeral(): number {
    const { first, last } = this.range;
    const size = last - first + 1;
    for (let tried = 0; tried < size; tried++) {
      const candidate = this.nextEphemeral;
      this.nextEphemeral = candidate === last ? first : candidate + 1;
      if (!this.bindings.some((b) => b.port === candidate)) return candidate;
    }
    throw new NetworkError('EADDRINUSE', `${this.protocol}: no free ephemeral port in ${first}..${last}`);
  }
}

/** `address:port`, with IPv6 addresses in brackets. */
export function formatEndpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
