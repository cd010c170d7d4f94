/**
 * `SimNetwork`: a deterministic in-memory IP network for tests, the entry point of the sim.
 * @module
 */

import type { LayerClock } from '../../lsp/layer-clock';
import { SimCapture, type SimCaptureOptions } from './sim-capture';
import { SimFabric } from './sim-fabric';
import { SimHost, type SimHostAddresses } from './sim-host';
import { nonNegative, resolveSimNetworkOptions, type SimNetworkOptions } from './sim-network-options';
import type { SimScheduledEvent } from './sim-scheduler';

/**
 * A deterministic in-memory IP network for tests: hosts with IPv4/IPv6 addresses, TCP-like byte
 * streams and UDP-like datagrams between them, per-link latency, partitions and host crashes.
 * Each host exposes the transport contract (`host.streams`, `host.datagrams`), so a provider runs
 * over it unchanged. There is no global state: every `SimNetwork` is independent.
 *
 * Every packet and every owner callback goes through one scheduler per network, in order of
 * virtual due time and then of scheduling, one per macrotask; with zero latency the order of
 * events is a pure function of the calls made.
 *
 * @example
 * ```ts
 * const net = new SimNetwork();
 * const server = net.addHost('server', { ipv4: ['10.0.0.2'] });
 * const client = net.addHost('client', { ipv4: ['10.0.0.1'] });
 * await server.streams.listen({ host: '0.0.0.0', port: 80, family: 4, backlog: 5 }, (c) => c.setHandlers(echo(c)));
 * const connection = await client.streams.connect({ host: '10.0.0.2', port: 80, family: 4 });
 * // …
 * net.close();
 * ```
 */
export class SimNetwork {
  private readonly fabric: SimFabric;
  /**
   * The network's clock for layers: `now()` is the virtual time, and timers are events of the
   * network's scheduler — run in order with its packets, at no wall-clock cost with
   * `timing: 'virtual'`. Give it to a fault injector (`createFaultInjectorLayer({ clock:
   * network.clock })`) or a trace log, and a 30-second latency finishes at once, the same way every
   * run. Timers set after `close()` never fire.
   *
   * @example
   * const network = new SimNetwork({ timing: 'virtual' });
   * const faults = createFaultInjectorLayer({ clock: network.clock, seed: 7 });
   */
  readonly clock: LayerClock;

  /** Create an empty network; see `SimNetworkOptions` for the defaults. Throws `RangeError` on bad options. */
  constructor(options?: SimNetworkOptions) {
    const fabric = new SimFabric(resolveSimNetworkOptions(options));
    this.fabric = fabric;
    this.clock = {
      now: () => fabric.scheduler.now,
      setTimer: (delayMs, callback) =>
        fabric.scheduler.schedule(Math.max(0, delayMs), 'layer timer', callback),
    };
  }

  /**
   * Add a host. It answers on `addresses` and on 127.0.0.1 and ::1 (its own loopback). Throws a
   * `RangeError` when the name or an address is already taken or an address is malformed.
   */
  addHost(name: string, addresses?: SimHostAddresses): SimHost {
    if (this.fabric.scheduler.closed) throw new RangeError('SimNetwork: the network is closed');
    const host = new SimHost(this.fabric, name, addresses);
    this.fabric.register(host);
    return host;
  }

  /** The host called `name`; throws a `RangeError` if there is none. */
  host(name: string): SimHost {
    const host = this.fabric.hostNamed(name);
    if (host === undefined) throw new RangeError(`SimNetwork: no host named '${name}'`);
    return host;
  }

  /** Every host, in the order they were added. */
  get hosts(): readonly SimHost[] {
    return this.fabric.hosts;
  }

  /** Virtual time in ms: the due time of the last event delivered. */
  get now(): number {
    return this.fabric.scheduler.now;
  }

  /** Events waiting to be delivered (packets in flight, timers, pending callbacks). */
  get pendingEvents(): number {
    return this.fabric.scheduler.pending;
  }

  /** Set the one-way latency between two hosts, both directions (`a === b`: that host's loopback). */
  setLatency(a: SimHost | string, b: SimHost | string, latencyMs: number): void {
    this.fabric.setLatency(this.resolve(a), this.resolve(b), nonNegative('latencyMs', latencyMs));
  }

  /**
   * Cut the link between two hosts. Stream packets between them are held and delivered in order
   * by `heal` (a connection survives a partition, however long); connects across it time out
   * with `ETIMEDOUT`; datagrams across it are dropped.
   */
  partition(a: SimHost | string, b: SimHost | string): void {
    this.fabric.partition(this.resolve(a), this.resolve(b));
  }

  /** Restore the link between two hosts; held stream packets leave now, after the link's latency. */
  heal(a: SimHost | string, b: SimHost | string): void {
    this.fabric.heal(this.resolve(a), this.resolve(b));
  }

  /** Restore every link. */
  healAll(): void {
    this.fabric.healAll();
  }

  /** Whether the link between two hosts is cut. */
  isPartitioned(a: SimHost | string, b: SimHost | string): boolean {
    return this.fabric.isPartitioned(this.resolve(a), this.resolve(b));
  }

  /**
   * Run `action` after `delayMs` of virtual time, in order with the network's own events: fault
   * injection at a precise moment (`net.schedule(15, () => host.crash())`). Throws a `RangeError`
   * on a negative delay; does nothing once the network is closed.
   */
  schedule(delayMs: number, action: () => void): SimScheduledEvent {
    return this.fabric.scheduler.schedule(nonNegative('delayMs', delayMs), 'scheduled action', action);
  }

  /**
   * Resolves once no event is pending, checked on a later macrotask so that promise chains
   * started by the last event settle first. Pending timers count: an unanswered connect keeps
   * the network busy until its timeout. Packets a partition holds do not: they wait for `heal`.
   */
  idle(): Promise<void> {
    return this.fabric.scheduler.idle();
  }

  /**
   * Stop the network: clear every timer and drop every pending event, reject pending connects
   * with `ENETDOWN`, release `idle()` waiters. No callback runs afterwards and new operations
   * reject with `ENETDOWN`. Idempotent.
   */
  close(): void {
    if (this.fabric.scheduler.closed) return;
    this.fabric.scheduler.close();
    for (const host of this.fabric.hosts) host.shutdown();
  }

  /**
   * Starts a packet capture of everything the network carries from now on — every host, every
   * link — that `toPcapng()` turns into a file Wireshark opens: Ethernet, IPv4/IPv6, TCP/UDP with
   * real checksums and sequence numbers, stamped with virtual time. Several captures may run at
   * once; each keeps at most `maxBytes` (64 MiB) and counts the frames it drops.
   *
   * @example
   * const capture = network.capture();
   * // … connect, send, WSASendDisconnect …
   * capture.writeFile('run.pcapng');   // wireshark run.pcapng
   */
  capture(options: SimCaptureOptions = {}): SimCapture {
    const fabric = this.fabric;
    const capture = new SimCapture(
      () => fabric.scheduler.now,
      (host) => fabric.macOf(host),
      (tap) => fabric.taps.delete(tap),
      options,
    );
    fabric.taps.add(capture);
    return capture;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.fabric.scheduler.closed;
  }

  private resolve(host: SimHost | string): SimHost {
    if (typeof host === 'string') return this.host(host);
    if (this.fabric.hostNamed(host.name) !== host) {
      throw new RangeError(`SimNetwork: host '${host.name}' belongs to another network`);
    }
    return host;
  }
}
