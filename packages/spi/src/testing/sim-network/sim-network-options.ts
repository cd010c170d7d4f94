/**
 * The tunables of a `SimNetwork` (latency, timing, connect timeout, buffer and window sizes,
 * ephemeral port range …), their defaults — a quiet LAN — and their validation.
 * @module
 */

import type { SimTiming, SimTraceEntry } from './sim-scheduler';

/** Tunables of a `SimNetwork`. Every field is optional; the defaults model a quiet LAN. */
export interface SimNetworkOptions {
  /** One-way latency of every link (including a host's loopback) in ms; 0 = next macrotask. Default 0. */
  latencyMs?: number;
  /** How events are paced against the wall clock (see `SimTiming`). Default `'real'`. */
  timing?: SimTiming;
  /**
   * How long an unanswered connect waits before failing with `ETIMEDOUT`, when the caller gives
   * no `timeoutMs`. Default 21 000 ms, Windows' three SYN attempts (3 s + 6 s + 12 s).
   */
  connectTimeoutMs?: number;
  /**
   * How long data or a FIN sent to a host that is down goes unacknowledged before the sender's
   * connection is reset with `ETIMEDOUT` (TCP's retransmission timeout, collapsed into one wait).
   * Default 30 000 ms.
   */
  retransmitTimeoutMs?: number;
  /** Send-buffer high-water mark per connection: `write` returns false at or above it. Default 16 384 (Node's). */
  sendHighWaterMark?: number;
  /** Receive window per connection: bytes a receiver holds (paused or unwired) before the sender stops. Default 65 536. */
  receiveWindow?: number;
  /** Largest stream segment; bigger writes arrive as several `onData` chunks. Default 65 536. */
  maxSegmentSize?: number;
  /** Largest datagram payload; larger sends reject with `EMSGSIZE`. Default 65 507 (IPv4) / 65 527 (IPv6). */
  maxDatagramSize?: number;
  /** Bytes of datagrams a port holds for an owner that is not reading; more are dropped, as UDP does. Default 262 144. */
  datagramReceiveBuffer?: number;
  /** Range ephemeral ports are taken from, in order, per host. Default 49152‥65535 (IANA, Windows' default). */
  ephemeralPorts?: {
    /** The first port handed out. */
    first: number;
    /** The last one. */
    last: number;
  };
  /** Called for every event the network delivers, in delivery order (for logs and determinism checks). */
  trace?: (entry: SimTraceEntry) => void;
}

/** `SimNetworkOptions` with every default filled in. */
export interface ResolvedSimNetworkOptions {
  latencyMs: number;
  timing: SimTiming;
  connectTimeoutMs: number;
  retransmitTimeoutMs: number;
  sendHighWaterMark: number;
  receiveWindow: number;
  maxSegmentSize: number;
  maxDatagramSize: { 4: number; 6: number };
  datagramReceiveBuffer: number;
  ephemeralPorts: { first: number; last: number };
  trace: ((entry: SimTraceEntry) => void) | undefined;
}

/** Fill in defaults and reject nonsense (negative latency, an empty port range …) with a `RangeError`. */
export function resolveSimNetworkOptions(options: SimNetworkOptions = {}): ResolvedSimNetworkOptions {
  const ephemeralPorts = options.ephemeralPorts ?? { first: 49152, last: 65535 };
  if (
    !Number.isInteger(ephemeralPorts.first) ||
    !Number.isInteger(ephemeralPorts.last) ||
    ephemeralPorts.first < 1 ||
    ephemeralPorts.last > 65535 ||
    ephemeralPorts.first > ephemeralPorts.last
  ) {
    throw new RangeError('SimNetwork: ephemeralPorts must be a non-empty range within 1..65535');
  }
  const timing = options.timing ?? 'real';
  if (timing !== 'real' && timing !== 'virtual')
    throw new RangeError(`SimNetwork: unknown timing '${String(timing)}'`);
  return {
    latencyMs: nonNegative('latencyMs', options.latencyMs ?? 0),
    timing,
    connectTimeoutMs: nonNegative('connectTimeoutMs', options.connectTimeoutMs ?? 21_000),
    retransmitTimeoutMs: nonNegative('retransmitTimeoutMs', options.retransmitTimeoutMs ?? 30_000),
    sendHighWaterMark: positive('sendHighWaterMark', options.sendHighWaterMark ?? 16_384),
    receiveWindow: positive('receiveWindow', options.receiveWindow ?? 65_536),
    maxSegmentSize: positive('maxSegmentSize', options.maxSegmentSize ?? 65_536),
    maxDatagramSize:
      options.maxDatagramSize === undefined
        ? { 4: 65_507, 6: 65_527 }
        : {
            4: nonNegative('maxDatagramSize', options.maxDatagramSize),
            6: nonNegative('maxDatagramSize', options.maxDatagramSize),
          },
    datagramReceiveBuffer: nonNegative('datagramReceiveBuffer', options.datagramReceiveBuffer ?? 262_144),
    ephemeralPorts: { first: ephemeralPorts.first, last: ephemeralPorts.last },
    trace: options.trace,
  };
}

/** Throws a `RangeError` unless `value` is a finite number ≥ 0. */
export function nonNegative(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`SimNetwork: ${name} must be a finite number >= 0, got ${String(value)}`);
  }
  return value;
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`SimNetwork: ${name} must be an integer >= 1, got ${String(value)}`);
  }
  return value;
}
