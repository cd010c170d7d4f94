/**
 * The wires of a `SimNetwork`, internal to the sim: address ownership, per-link latency and
 * partitions, ordered flows, and the one scheduler every packet and callback goes through.
 * @module
 */

import { isLoopbackAddress } from './sim-address';
import type { SimWireTap } from './sim-capture';
import type { SimHost } from './sim-host';
import type { ResolvedSimNetworkOptions } from './sim-network-options';
import { type SimScheduledEvent, SimScheduler } from './sim-scheduler';

/**
 * One direction of one conversation (a connection's sender side, a connect attempt's SYN). Every
 * packet of a flow is due no earlier than the one before it, so a latency change mid-stream can
 * never reorder a byte stream.
 */
export interface SimFlow {
  lastDue: number;
}

/** What happens to a packet when it reaches its destination host. */
export interface SimDelivery {
  /**
   * What a partition between the two hosts does to it: stream packets are `'hold'`-ed and
   * delivered in order when the partition heals (TCP keeps retransmitting); datagrams are
   * `'drop'`-ped.
   */
  readonly partition: 'hold' | 'drop';
  /** The destination host is up and reachable: hand the packet over. */
  deliver(): void;
  /** The destination host is down: nobody answers (a sender's retransmission timer starts). */
  lost?(): void;
}

interface HeldPacket {
  readonly from: SimHost;
  readonly to: SimHost;
  readonly flow: SimFlow | undefined;
  readonly label: string;
  readonly delivery: SimDelivery;
}

/**
 * The wires of a `SimNetwork`: which host owns which address, the latency of each link, which
 * links are partitioned, and the one scheduler every packet and callback goes through. Internal
 * to the sim; `SimNetwork` is its public face.
 */
export class SimFabric {
  readonly scheduler: SimScheduler;
  private readonly hostsByName = new Map<string, SimHost>();
  private readonly hostsByAddress = new Map<string, SimHost>();
  private readonly latencies = new Map<string, number>();
  private readonly partitions = new Set<string>();
  private held: HeldPacket[] = [];
  /** Captures listening to the wire (`SimNetwork.capture`); empty, they cost one size check per packet. */
  readonly taps = new Set<SimWireTap>();
  private readonly hostIndex = new Map<SimHost, number>();

  constructor(readonly options: ResolvedSimNetworkOptions) {
    this.scheduler = new SimScheduler(options.timing, options.trace);
  }

  /** Every host, in the order they were added. */
  get hosts(): readonly SimHost[] {
    return [...this.hostsByName.values()];
  }

  /** Record a new host; throws a `RangeError` when its name or one of its addresses is taken. */
  register(host: SimHost): void {
    if (this.hostsByName.has(host.name))
      throw new RangeError(`SimNetwork: a host named '${host.name}' exists`);
    const keys = [...host.ipv4.map((a) => addressKey(4, a)), ...host.ipv6.map((a) => addressKey(6, a))];
    for (const key of keys) {
      const owner = this.hostsByAddress.get(key);
      if (owner !== undefined) {
        throw new RangeError(`SimNetwork: address ${key.slice(2)} already belongs to host '${owner.name}'`);
      }
    }
    this.hostsByName.set(host.name, host);
    this.hostIndex.set(host, this.hostIndex.size + 1);
    for (const key of keys) this.hostsByAddress.set(key, host);
  }

  /** A host's MAC address in captures: `02:00:00:00:00:01` for the first host added, and so on. */
  macOf(host: SimHost): Uint8Array {
    const n = this.hostIndex.get(host) ?? 0;
    return Uint8Array.of(0x02, 0, 0, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  }

  /** The host called `name`, or `undefined`. */
  hostNamed(name: string): SimHost | undefined {
    return this.hostsByName.get(name);
  }

  /** The host a canonical address routes to from `from` (loopback routes to `from` itself). */
  route(from: SimHost, family: 4 | 6, address: string): SimHost | undefined {
    if (isLoopbackAddress(address)) return from;
    return this.hostsByAddress.get(addressKey(family, address));
  }

  /** One-way latency between two hosts (the same host = its loopback). */
  latency(a: SimHost, b: SimHost): number {
    return this.latencies.get(pairKey(a, b)) ?? this.options.latencyMs;
  }

  /** Set the one-way latency of the link between two hosts (both directions). */
  setLatency(a: SimHost, b: SimHost, latencyMs: number): void {
    this.latencies.set(pairKey(a, b), latencyMs);
  }

  /** Whether traffic between `a` and `b` is cut. */
  isPartitioned(a: SimHost, b: SimHost): boolean {
    return a !== b && this.partitions.has(pairKey(a, b));
  }

  /** Cut the link between two distinct hosts. */
  partition(a: SimHost, b: SimHost): void {
    if (a === b) throw new RangeError(`SimNetwork: cannot partition host '${a.name}' from itself`);
    this.partitions.add(pairKey(a, b));
  }

  /** Restore the link between two hosts; held stream packets leave now, in their original order. */
  heal(a: SimHost, b: SimHost): void {
    if (!this.partitions.delete(pairKey(a, b))) return;
    const released = this.held.filter((p) => (p.from === a && p.to === b) || (p.from === b && p.to === a));
    this.held = this.held.filter((p) => !released.includes(p));
    for (const packet of released)
      this.send(packet.from, packet.to, packet.flow, packet.label, packet.delivery);
  }

  /** Restore every link. */
  healAll(): void {
    this.partitions.clear();
    const released = this.held;
    this.held = [];
    for (const packet of released)
      this.send(packet.from, packet.to, packet.flow, packet.label, packet.delivery);
  }

  /**
   * Put a packet on the wire from `from` to `to`: it arrives after the link's latency (and never
   * before the previous packet of its flow), then is delivered, held by a partition, or lost
   * because the destination host is down.
   */
  send(from: SimHost, to: SimHost, flow: SimFlow | undefined, label: string, delivery: SimDelivery): void {
    const scheduler = this.scheduler;
    let due = scheduler.now + this.latency(from, to);
    if (flow !== undefined) {
      due = Math.max(due, flow.lastDue);
      flow.lastDue = due;
    }
    scheduler.scheduleAt(due, `${from.name} → ${to.name} ${label}`, () => {
      if (this.isPartitioned(from, to)) {
        if (delivery.partition === 'hold') this.held.push({ from, to, flow, label, delivery });
        return;
      }
      if (!to.isUp) {
        delivery.lost?.();
        return;
      }
      delivery.deliver();
    });
  }

  /** Run `run` on this host after `delayMs` of virtual time (a local timer or an owner callback). */
  local(host: SimHost, delayMs: number, label: string, run: () => void): SimScheduledEvent {
    return this.scheduler.schedule(delayMs, `${host.name} ${label}`, run);
  }
}

function addressKey(family: 4 | 6, address: string): string {
  return `${family}/${address}`;
}

function pairKey(a: SimHost, b: SimHost): string {
  return a.name < b.name ? `${a.name}\u0000${b.name}` : `${b.name}\u0000${a.name}`;
}
