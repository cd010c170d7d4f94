/**
 * One bound simulated UDP port: whole datagrams or nothing, held until the owner wires its
 * handlers (up to a receive-buffer limit), and fire-and-forget sends that vanish without error
 * where real UDP would get no answer either.
 * @module
 */

import {
  type DatagramHandlers,
  type DatagramPort,
  type NetEndpoint,
  NetworkError,
} from '../../transport/stream-network';
import { isWildcardAddress, requireAddress, requirePort } from './sim-address';
import type { SimFabric } from './sim-fabric';
import type { SimHost } from './sim-host';
import { formatEndpoint } from './sim-port-table';

interface HeldDatagram {
  readonly data: Uint8Array;
  readonly from: NetEndpoint;
}

/**
 * A bound simulated UDP port. Datagrams arrive whole or not at all, one `onMessage` each; they
 * are held until `setHandlers`, up to `datagramReceiveBuffer` bytes, beyond which new ones are
 * dropped as a full socket receive buffer drops them. Sends are fire-and-forget, like UDP with no
 * ICMP feedback: a datagram to a port nobody bound, to a host that is down or across a partition
 * vanishes and `send` still resolves.
 */
export class SimDatagramPort implements DatagramPort {
  private handlers: DatagramHandlers | undefined;
  private held: HeldDatagram[] = [];
  private heldBytes = 0;
  private isClosed = false;
  private pumpScheduled = false;

  constructor(
    private readonly fabric: SimFabric,
    private readonly host: SimHost,
    readonly local: NetEndpoint,
    private readonly onClose: () => void,
  ) {}

  /** Whether `close()` was called (or the host crashed). */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Wire the owner's callback; held datagrams follow from the next scheduler event on. */
  setHandlers(handlers: DatagramHandlers): void {
    this.handlers = handlers;
    this.schedulePump();
  }

  /**
   * Send one datagram (`sendto`); `data` is copied. Resolves once it is on the wire. Rejects with
   * `NetworkError`: `EINVAL` (port closed, bad address or port, family differs from the port's),
   * `EADDRNOTAVAIL` (port 0 or the wildcard as destination), `EMSGSIZE` (above the maximum
   * datagram size), `ENETUNREACH` (no source address can reach it), `EHOSTUNREACH` (no host owns
   * the address), `ENETDOWN` (host down or network closed).
   */
  async send(data: Uint8Array, to: NetEndpoint): Promise<void> {
    if (!(data instanceof Uint8Array)) throw new NetworkError('EINVAL', 'send: data must be a Uint8Array');
    if (this.isClosed) throw new NetworkError('EINVAL', `send: datagram port ${this.describe()} is closed`);
    if (this.fabric.scheduler.closed) throw new NetworkError('ENETDOWN', 'the SimNetwork is closed');
    if (!this.host.isUp) throw new NetworkError('ENETDOWN', `host '${this.host.name}' is down`);
    const family = this.local.family;
    if (to?.family !== family) {
      throw new NetworkError(
        'EINVAL',
        `send: an IPv${family} port cannot send to an IPv${String(to?.family)} endpoint`,
      );
    }
    const address = requireAddress(to.address, family, 'send');
    const port = requirePort(to.port, 'send');
    if (port === 0 || isWildcardAddress(address)) {
      throw new NetworkError('EADDRNOTAVAIL', `send: ${formatEndpoint(address, port)} is not a destination`);
    }
    const limit = this.fabric.options.maxDatagramSize[family];
    if (data.length > limit) {
      throw new NetworkError(
        'EMSGSIZE',
        `send: ${data.length} bytes exceed the maximum datagram size of ${limit}`,
      );
    }
    const target = this.fabric.route(this.host, family, address);
    if (target === undefined) throw new NetworkError('EHOSTUNREACH', `send: no host has address ${address}`);
    const requested = isWildcardAddress(this.local.address) ? undefined : this.local.address;
    const from: NetEndpoint = {
      address: this.host.sourceAddress(family, target, address, requested),
      port: this.local.port,
      family,
    };
    const copy = data.slice();
    for (const tap of this.fabric.taps)
      tap.datagram(this.host, target, from, { address, port, family }, copy);
    this.fabric.send(
      this.host,
      target,
      undefined,
      `datagram ${copy.length} bytes to ${formatEndpoint(address, port)}`,
      {
        partition: 'drop',
        deliver: () => {
          const receiver = target.udpPorts.lookup(family, address, port)?.owner;
          receiver?.receive(copy, from);
        },
      },
    );
  }

  /** Release the port; held datagrams are dropped. Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.held = [];
    this.heldBytes = 0;
    this.onClose();
  }

  /** @internal A datagram arrived (runs from a scheduler event). */
  receive(data: Uint8Array, from: NetEndpoint): void {
    if (this.isClosed) return;
    if (this.handlers !== undefined && this.held.length === 0) {
      this.handlers.onMessage(data, { ...from });
      return;
    }
    if (this.heldBytes + data.length > this.fabric.options.datagramReceiveBuffer) return;
    this.held.push({ data, from });
    this.heldBytes += data.length;
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.isClosed) return;
    this.pumpScheduled = true;
    this.fabric.local(this.host, 0, `deliver datagrams ${this.describe()}`, () => {
      this.pumpScheduled = false;
      while (!this.isClosed && this.handlers !== undefined && this.held.length > 0) {
        const next = this.held.shift()!;
        this.heldBytes -= next.data.length;
        this.handlers.onMessage(next.data, { ...next.from });
      }
    });
  }

  private describe(): string {
    return formatEndpoint(this.local.address, this.local.port);
  }
}
