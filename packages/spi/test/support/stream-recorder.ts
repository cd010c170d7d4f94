/**
 * Records what a `StreamConnection` reports, so tests can wait for a condition and then compare
 * the whole event log (`['data', 'end', 'close']`) instead of asserting on timing.
 */

import type { NetworkError, StreamConnection, StreamConnectionHandlers } from '@ws2spi/spi';

/** One callback as the recorder saw it. */
export type StreamEvent = 'data' | 'end' | `reset:${string}` | 'drain' | 'close';

interface Waiter {
  readonly ready: () => boolean;
  readonly resolve: () => void;
}

/** Collects the callbacks of one connection. */
export class StreamRecorder {
  /** Callbacks in arrival order; consecutive `data` callbacks are folded into one entry. */
  readonly events: StreamEvent[] = [];
  /** Every `onData` chunk. */
  readonly chunks: Uint8Array[] = [];
  /** The error `onReset` carried. */
  resetError: NetworkError | undefined;
  /** How many times `onClose` ran (the contract says exactly once). */
  closeCount = 0;
  /** How many times each callback ran. */
  readonly counts = { data: 0, end: 0, reset: 0, drain: 0, close: 0 };
  /** Called on every chunk (e.g. to pause mid-stream). */
  onChunk: ((chunk: Uint8Array) => void) | undefined;
  private received = 0;
  private wired = false;
  private waiters: Waiter[] = [];

  constructor(readonly connection: StreamConnection) {}

  /** Total bytes received. */
  get byteCount(): number {
    return this.received;
  }

  /** Whether `wire()` ran. */
  get isWired(): boolean {
    return this.wired;
  }

  /** Everything received, concatenated. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.received);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  /** Everything received, as UTF-8 text. */
  text(): string {
    return Buffer.from(this.bytes()).toString('utf8');
  }

  /** Call `setHandlers` with recording handlers. Idempotent. */
  wire(): this {
    if (this.wired) return this;
    this.wired = true;
    const handlers: StreamConnectionHandlers = {
      onData: (data) => {
        this.counts.data++;
        this.chunks.push(data.slice());
        this.received += data.length;
        if (this.events.at(-1) !== 'data') this.events.push('data');
        this.onChunk?.(data);
        this.check();
      },
      onEnd: () => this.record('end'),
      onReset: (error) => {
        this.resetError = error;
        this.counts.reset++;
        this.record(`reset:${error.code}`, false);
      },
      onDrain: () => this.record('drain'),
      onClose: () => {
        this.closeCount++;
        this.record('close');
      },
    };
    this.connection.setHandlers(handlers);
    return this;
  }

  /** Resolves once `ready()` holds (checked now and after every callback). */
  until(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push({ ready, resolve }));
  }

  /** Resolves once at least `count` bytes arrived. */
  untilBytes(count: number): Promise<void> {
    return this.until(() => this.received >= count);
  }

  /** Resolves once `onEnd` ran. */
  untilEnd(): Promise<void> {
    return this.until(() => this.counts.end > 0);
  }

  /** Resolves once `onClose` ran. */
  untilClosed(): Promise<void> {
    return this.until(() => this.closeCount > 0);
  }

  /** Resolves once `onDrain` ran. */
  untilDrain(): Promise<void> {
    return this.until(() => this.counts.drain > 0);
  }

  private record(event: StreamEvent, count = true): void {
    if (count) {
      const key = event as keyof typeof this.counts;
      if (key in this.counts) this.counts[key]++;
    }
    this.events.push(event);
    this.check();
  }

  private check(): void {
    const pending = this.waiters;
    this.waiters = [];
    for (const waiter of pending) {
      if (waiter.ready()) waiter.resolve();
      else this.waiters.push(waiter);
    }
  }
}

/**
 * A deterministic byte pattern of `length` bytes: a pseudo-random block of 8191 bytes (a prime,
 * so the pattern never lines up with power-of-two chunk sizes and a lost or repeated chunk shows)
 * repeated from an offset chosen by `seed`.
 */
export function pattern(length: number, seed = 1): Uint8Array {
  const period = 8191;
  const block = new Uint8Array(period);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < period; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    block[i] = x >>> 24;
  }
  const out = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += period)
    out.set(block.subarray(0, Math.min(period, length - offset)), offset);
  return out;
}

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}
