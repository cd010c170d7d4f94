/**
 * One simulated host: its addresses (plus loopback), its TCP and UDP port tables, the transport
 * contract it exposes (`host.streams`, `host.datagrams`), and crash / restart, which drops every
 * connection and port it holds.
 * @module
 */

import { type DatagramNetwork, NetworkError, type StreamNetwork } from '../../transport/stream-network';
import { isLoopbackAddress, isWildcardAddress, loopbackAddress, requireAddress } from './sim-address';
import { SimDatagramNetwork } from './sim-datagram-network';
import type { SimDatagramPort } from './sim-datagram-port';
import type { SimFabric } from './sim-fabric';
import { SimPortTable } from './sim-port-table';
import type { SimStreamConnection } from './sim-stream-connection';
import type { SimStreamListener } from './sim-stream-listener';
import { type SimConnectAttempt, SimStreamNetwork } from './sim-stream-network';

/** The addresses a simulated host owns besides its loopback addresses (127.0.0.1 and ::1). */
export interface SimHostAddresses {
  /** Dotted IPv4 addresses; the first is the source for traffic to other hosts. */
  ipv4?: readonly string[];
  /** Text IPv6 addresses; the first is the source for traffic to other hosts. */
  ipv6?: readonly string[];
}

/**
 * One machine on a `SimNetwork`. It answers on its own addresses and on its loopback addresses
 * (127.0.0.1 and ::1 reach the host that uses them), has separate TCP and UDP port spaces with
 * an ephemeral-port allocator each, and exposes the transport contract as `streams` and
 * `datagrams`, which a provider uses exactly as it would use `nodeStreamNetwork()`.
 *
 * @example
 * const host = network.addHost('server', { ipv4: ['10.0.0.2'] });
 * registerProvider(container, 'sim-tcp', createTcpProvider({ streams: host.streams, datagrams: host.datagrams }).WSPStartup);
 * network.schedule(1000, () => host.crash());
 */
export class SimHost {
  /** Canonical IPv4 addresses, loopback excluded. */
  readonly ipv4: readonly string[];
  /** Canonical IPv6 addresses, loopback excluded. */
  readonly ipv6: readonly string[];
  /** This host's byte-stream (TCP) network. */
  readonly streams: StreamNetwork;
  /** This host's datagram (UDP) network. */
  readonly datagrams: DatagramNetwork;

  /** @internal TCP ports in use: listeners and the local ends of outgoing connections. */
  readonly tcpPorts: SimPortTable<unknown>;
  /** @internal UDP ports in use. */
  readonly udpPorts: SimPortTable<SimDatagramPort>;
  /** @internal Open connection ends on this host. */
  readonly connections = new Set<SimStreamConnection>();
  /** @internal Open listeners. */
  readonly listeners = new Set<SimStreamListener>();
  /** @internal Bound datagram ports. */
  readonly datagramPorts = new Set<SimDatagramPort>();
  /** @internal Connects in progress from this host. */
  readonly attempts = new Set<SimConnectAttempt>();

  private up = true;

  /** @internal Use `SimNetwork.addHost`. */
  constructor(
    fabric: SimFabric,
    /** The host's name on its network (`network.host(name)`). */
    readonly name: string,
    addresses: SimHostAddresses = {},
  ) {
    if (typeof name !== 'string' || name.length === 0)
      throw new RangeError('SimNetwork: a host needs a name');
    this.ipv4 = canonicalList(addresses.ipv4 ?? [], 4, name);
    this.ipv6 = canonicalList(addresses.ipv6 ?? [], 6, name);
    this.tcpPorts = new SimPortTable('TCP', fabric.options.ephemeralPorts);
    this.udpPorts = new SimPortTable('UDP', fabric.options.ephemeralPorts);
    this.streams = new SimStreamNetwork(fabric, this);
    this.datagrams = new SimDatagramNetwork(fabric, this);
  }

  /** Whether the host is running (false between `crash()` and `restart()`). */
  get isUp(): boolean {
    return this.up;
  }

  /**
   * Lose the host, as when its power fails: every socket on it disappears without sending a FIN
   * or RST. Peers notice nothing until they send: data or FIN to it goes unanswered, and after
   * `retransmitTimeoutMs` their connection is reset with `ETIMEDOUT` (with `ECONNRESET` if the
   * host was restarted meanwhile, since a restarted host answers with RST). Connects to it time
   * out (`ETIMEDOUT`), datagrams to it are dropped. Owners on this host get `onReset(ENETDOWN)`
   * and `onClose` for each open connection, pending connects reject with `ENETDOWN`, listeners
   * and datagram ports stop, and new calls reject with `ENETDOWN` until `restart()`. Idempotent.
   */
  crash(): void {
    if (!this.up) return;
    this.up = false;
    // Connections first, so that connects caught mid-handshake vanish instead of answering RST.
    for (const connection of [...this.connections]) connection.vanish();
    for (const attempt of [...this.attempts]) {
      attempt.abort(new NetworkError('ENETDOWN', `host '${this.name}' crashed during connect`));
    }
    for (const listener of [...this.listeners]) listener.close();
    for (const port of [...this.datagramPorts]) port.close();
    this.connections.clear();
    this.tcpPorts.clear();
    this.udpPorts.clear();
  }

  /** Bring a crashed host back with no sockets; segments for its old connections are answered with RST. Idempotent. */
  restart(): void {
    this.up = true;
  }

  /** @internal Whether `address` (canonical) is one this host can bind: its own, its loopback, or the wildcard. */
  ownsAddress(family: 4 | 6, address: string): boolean {
    if (isWildcardAddress(address) || address === loopbackAddress(family)) return true;
    return (family === 4 ? this.ipv4 : this.ipv6).includes(address);
  }

  /**
   * @internal The source address for traffic to `remoteAddress` on `target`: the requested one
   * when it is specific, the loopback for loopback traffic, the destination itself when it is one
   * of our own addresses, otherwise our first address of the family (`ENETUNREACH` without one).
   */
  sourceAddress(
    family: 4 | 6,
    target: SimHost,
    remoteAddress: string,
    requested: string | undefined,
  ): string {
    if (requested !== undefined && !isWildcardAddress(requested)) {
      if (isLoopbackAddress(requested) && !isLoopbackAddress(remoteAddress)) {
        throw new NetworkError('ENETUNREACH', `${requested} cannot reach ${remoteAddress}`);
      }
      return requested;
    }
    if (isLoopbackAddress(remoteAddress)) return loopbackAddress(family);
    if (target === this) return remoteAddress;
    const own = family === 4 ? this.ipv4 : this.ipv6;
    if (own.length === 0) {
      throw new NetworkError(
        'ENETUNREACH',
        `host '${this.name}' has no IPv${family} address to reach ${remoteAddress}`,
      );
    }
    return own[0]!;
  }

  /** @internal The network closed: settle every pending connect so no caller waits forever. */
  shutdown(): void {
    for (const attempt of [...this.attempts])
      attempt.abort(new NetworkError('ENETDOWN', 'the SimNetwork was closed'));
  }
}

function canonicalList(addresses: readonly string[], family: 4 | 6, host: string): string[] {
  return addresses.map((address) => {
    let canonical: string;
    try {
      canonical = requireAddress(address, family, `host '${host}'`);
    } catch {
      throw new RangeError(`SimNetwork: host '${host}': '${address}' is not an IPv${family} address`);
    }
    if (isWildcardAddress(canonical) || isLoopbackAddress(canonical)) {
      throw new RangeError(
        `SimNetwork: host '${host}': ${canonical} cannot be assigned (wildcard or loopback)`,
      );
    }
    return canonical;
  });
}
