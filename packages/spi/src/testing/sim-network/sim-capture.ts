/**
 * A packet capture of a `SimNetwork`, written as pcapng that Wireshark and tshark open: every
 * segment and datagram the network puts on the wire becomes an Ethernet frame with IPv4 or IPv6
 * and TCP or UDP headers — real lengths, checksums, and TCP sequence and acknowledgment numbers
 * that follow the conversation — stamped with the network's virtual time.
 *
 * The sim moves TCP data as whole segments of up to `maxSegmentSize` bytes and has no handshake
 * ACK; the capture shows what a real link would carry: data cut to an Ethernet MSS (1460 bytes over
 * IPv4, 1440 over IPv6; `PSH` on the last piece), the SYN and SYN-ACK with an MSS option, and the
 * client's ACK that completes the handshake when the SYN-ACK arrives. A window update is a pure
 * ACK. Each host has a MAC address of its own (`02:00:00:00:00:01` for the first host, …).
 * Packets are captured when they leave their host, in order; the file is the same, byte for byte,
 * for the same run (initial sequence numbers come from a seed).
 * @module
 */

import { writeFileSync } from 'node:fs';
import { SeededRandom } from '../../lsp/seeded-random';
import type { NetEndpoint } from '../../transport/stream-network';
import {
  ethernetFrame,
  ipPacket,
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  tcpSegment,
  udpDatagram,
} from '../capture/packet-frames';
import { type PcapngFrame, writePcapng } from '../capture/pcapng-writer';
import type { SimFlow } from './sim-fabric';
import type { SimHost } from './sim-host';

/** What a TCP segment on the sim's wire was. */
export type SimSegmentKind = 'syn' | 'syn-ack' | 'ack' | 'data' | 'fin' | 'rst' | 'refused' | 'window';

/** A segment leaving a host. */
export interface SimSegmentEvent {
  readonly kind: SimSegmentKind;
  readonly from: SimHost;
  readonly to: SimHost;
  readonly source: NetEndpoint;
  readonly destination: NetEndpoint;
  /** The sender's direction of the conversation (undefined for a refusal, which has none). */
  readonly flow: SimFlow | undefined;
  /** The other direction, whose bytes this segment acknowledges. */
  readonly peerFlow: SimFlow | undefined;
  readonly payload?: Uint8Array;
  /** The sender's free receive window, in bytes. */
  readonly window: number;
}

/** What a capture listens to: the network's fabric calls it as packets leave and arrive. */
export interface SimWireTap {
  segment(event: SimSegmentEvent): void;
  /** Sequence space (SYN, data bytes, FIN) of `flow` reached its destination. */
  delivered(flow: SimFlow, length: number): void;
  datagram(
    from: SimHost,
    to: SimHost,
    source: NetEndpoint,
    destination: NetEndpoint,
    payload: Uint8Array,
  ): void;
}

/** How a capture is made. */
export interface SimCaptureOptions {
  /** Stop keeping frames once they take this many bytes; later ones are counted as dropped. Default 64 MiB. */
  maxBytes?: number;
  /** Wall-clock time (ms since the epoch) that virtual time 0 stands for in the file. Default 0 (1970). */
  startTime?: number;
  /** Seed of the initial sequence numbers. Default 0. */
  seed?: number;
}

interface FlowState {
  readonly isn: number;
  /** Next sequence number to send. */
  next: number;
  /** Sequence space of this flow that reached the other end. */
  delivered: number;
  /** The acknowledgment number and window of the flow's last captured segment. */
  lastAck: number;
  lastWindow: number;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The capture a `SimNetwork.capture()` returns.
 *
 * @example
 * const capture = network.capture({ startTime: Date.now() });
 * // … connect, send, WSASendDisconnect …
 * capture.stop();
 * capture.writeFile('run.pcapng');   // wireshark run.pcapng
 */
export class SimCapture implements SimWireTap {
  private readonly frames: PcapngFrame[] = [];
  private kept = 0;
  private lost = 0;
  private readonly flows = new WeakMap<SimFlow, FlowState>();
  private readonly identification = new Map<SimHost, number>();
  private readonly random: SeededRandom;
  private readonly maxBytes: number;
  private readonly startMicros: number;
  private stopped = false;

  /** @internal Use `SimNetwork.capture()`. */
  constructor(
    private readonly clock: () => number,
    private readonly macOf: (host: SimHost) => Uint8Array,
    private readonly detach: (tap: SimWireTap) => void,
    options: SimCaptureOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.startMicros = (options.startTime ?? 0) * 1000;
    this.random = SeededRandom.derive(options.seed ?? 0, 'tcp initial sequence numbers');
  }

  /** Frames kept. */
  get packets(): number {
    return this.frames.length;
  }

  /** Frames not kept because the capture reached `maxBytes`. */
  get dropped(): number {
    return this.lost;
  }

  /** Stops capturing (what was captured stays). Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.detach(this);
  }

  /**
   * The capture as a pcapng file.
   *
   * @example
   * const capture = network.capture();
   * // … traffic …
   * writeFileSync('run.pcapng', capture.toPcapng());
   */
  toPcapng(): Uint8Array {
    return writePcapng(
      { name: 'sim0', description: 'ws2spi SimNetwork', application: 'ws2spi SimNetwork', snapLength: 0 },
      this.frames,
      this.lost,
    );
  }

  /** Writes the pcapng file to `path`. */
  writeFile(path: string): void {
    writeFileSync(path, this.toPcapng());
  }

  /** @internal */
  segment(event: SimSegmentEvent): void {
    const mss = event.source.family === 4 ? 1460 : 1440;
    const state = event.flow ? this.flowState(event.flow) : undefined;
    const peer = event.peerFlow ? this.flows.get(event.peerFlow) : undefined;
    const ack = peer ? (peer.isn + peer.delivered) >>> 0 : 0;
    const send = (flags: number, sequence: number, payload?: Uint8Array, withMss = false) =>
      this.tcp(event, {
        flags,
        sequence,
        acknowledgment: flags & TCP_ACK ? ack : 0,
        payload,
        mss: withMss ? mss : undefined,
      });
    switch (event.kind) {
      case 'syn':
      case 'syn-ack':
        if (!state) return;
        send(event.kind === 'syn' ? TCP_SYN : TCP_SYN | TCP_ACK, state.isn, undefined, true);
        state.next = (state.isn + 1) >>> 0;
        return;
      case 'window':
        // The sim sends a window update whenever the reader consumed bytes; a link shows one only
        // when it says something new (otherwise it reads as a duplicate ACK).
        if (!state || (state.lastAck === ack && state.lastWindow === event.window)) return;
        send(TCP_ACK, state.next);
        return;
      case 'ack':
        if (state) send(TCP_ACK, state.next);
        return;
      case 'data': {
        if (!state || !event.payload) return;
        const bytes = event.payload;
        for (let at = 0; at < bytes.length; at += mss) {
          const piece = bytes.subarray(at, Math.min(bytes.length, at + mss));
          const last = at + mss >= bytes.length;
          send(TCP_ACK | (last ? TCP_PSH : 0), state.next, piece);
          state.next = (state.next + piece.length) >>> 0;
        }
        return;
      }
      case 'fin':
        if (!state) return;
        send(TCP_FIN | TCP_ACK, state.next);
        state.next = (state.next + 1) >>> 0;
        return;
      case 'rst':
        send(TCP_RST | TCP_ACK, state ? state.next : 0);
        return;
      case 'refused':
        // The answer to a SYN nobody listens for: sequence 0, acknowledging the SYN.
        this.tcp(event, {
          flags: TCP_RST | TCP_ACK,
          sequence: 0,
          acknowledgment: peer ? (peer.isn + 1) >>> 0 : 0,
        });
        return;
    }
  }

  /** @internal */
  delivered(flow: SimFlow, length: number): void {
    const state = this.flows.get(flow);
    if (state) state.delivered += length;
  }

  /** @internal */
  datagram(
    from: SimHost,
    to: SimHost,
    source: NetEndpoint,
    destination: NetEndpoint,
    payload: Uint8Array,
  ): void {
    const ip = this.envelope(from, source, destination);
    this.keep(
      from,
      to,
      source.family,
      ipPacket(ip, 'udp', udpDatagram(ip, source.port, destination.port, payload)),
    );
  }

  private flowState(flow: SimFlow): FlowState {
    let state = this.flows.get(flow);
    if (!state) {
      const isn = this.random.nextUint32();
      state = { isn, next: isn, delivered: 0, lastAck: -1, lastWindow: -1 };
      this.flows.set(flow, state);
    }
    return state;
  }

  private tcp(
    event: SimSegmentEvent,
    fields: { flags: number; sequence: number; acknowledgment: number; payload?: Uint8Array; mss?: number },
  ): void {
    const state = event.flow ? this.flows.get(event.flow) : undefined;
    if (state) {
      state.lastAck = fields.acknowledgment;
      state.lastWindow = event.window;
    }
    const ip = this.envelope(event.from, event.source, event.destination);
    const segment = tcpSegment(ip, {
      sourcePort: event.source.port,
      destinationPort: event.destination.port,
      sequence: fields.sequence,
      acknowledgment: fields.acknowledgment,
      flags: fields.flags,
      window: event.window,
      ...(fields.mss !== undefined ? { mss: fields.mss } : {}),
      ...(fields.payload ? { payload: fields.payload } : {}),
    });
    this.keep(event.from, event.to, event.source.family, ipPacket(ip, 'tcp', segment));
  }

  private envelope(from: SimHost, source: NetEndpoint, destination: NetEndpoint) {
    const identification = this.identification.get(from) ?? 0;
    this.identification.set(from, (identification + 1) & 0xffff);
    return {
      family: source.family,
      source: source.address,
      destination: destination.address,
      identification,
    };
  }

  private keep(from: SimHost, to: SimHost, family: 4 | 6, packet: Uint8Array): void {
    if (this.stopped) return;
    const data = ethernetFrame(this.macOf(to), this.macOf(from), family, packet);
    if (this.kept + data.length > this.maxBytes) {
      this.lost++;
      return;
    }
    this.kept += data.length;
    this.frames.push({ timestampMicros: this.startMicros + this.clock() * 1000, data });
  }
}
