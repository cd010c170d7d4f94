/**
 * Receive buffers of a kit socket: a byte queue for stream protocols (and pseudo-streams), and a
 * message queue that keeps the boundaries of message-oriented protocols (`XP1_MESSAGE_ORIENTED`).
 * @module
 */

import type { WSABUF } from '../types/wsabuf';
import { capacityOf, scatter } from './buffer-io';

/** An ordered byte queue; reads may take any number of bytes. */
export class ByteReceiveQueue {
  private chunks: Uint8Array[] = [];
  private bytes = 0;

  /** Bytes queued. */
  get size(): number {
    return this.bytes;
  }

  push(data: Uint8Array): void {
    if (data.byteLength === 0) return;
    this.chunks.push(data);
    this.bytes += data.byteLength;
  }

  /** Copies up to the buffers' capacity; consumes the bytes unless `peek`. Returns the count. */
  read(buffers: readonly WSABUF[], peek: boolean): number {
    const want = Math.min(capacityOf(buffers), this.bytes);
    const data = this.take(want, peek);
    return scatter(data, buffers);
  }

  /** The first `n` bytes (all of them when fewer are queued), consumed unless `peek`. */
  take(n: number, peek: boolean): Uint8Array {
    const count = Math.min(n, this.bytes);
    const out = new Uint8Array(count);
    let at = 0;
    if (peek) {
      for (const chunk of this.chunks) {
        if (at >= count) break;
        const k = Math.min(chunk.byteLength, count - at);
        out.set(chunk.subarray(0, k), at);
        at += k;
      }
      return out;
    }
    while (at < count) {
      const chunk = this.chunks[0]!;
      const k = Math.min(chunk.byteLength, count - at);
      out.set(chunk.subarray(0, k), at);
      at += k;
      if (k === chunk.byteLength) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(k);
    }
    this.bytes -= count;
    return out;
  }

  clear(): void {
    this.chunks = [];
    this.bytes = 0;
  }
}

/** One message being received: its pieces and whether its last piece (end of message) arrived. */
interface QueuedMessage {
  chunks: Uint8Array[];
  size: number;
  complete: boolean;
}

/** What a message read did. */
export interface MessageRead {
  /** Bytes copied into the buffers. */
  bytes: number;
  /** The message was larger than the buffers. */
  truncated: boolean;
}

/** A queue of messages; only complete messages are readable. */
export class MessageReceiveQueue {
  private messages: QueuedMessage[] = [];
  private bytes = 0;

  /** Bytes queued, in complete and incomplete messages. */
  get size(): number {
    return this.bytes;
  }

  /** True when a complete message is ready to be read. */
  get hasMessage(): boolean {
    return this.messages.length > 0 && this.messages[0]!.complete;
  }

  /** True when the head message is still being received. */
  get headIncomplete(): boolean {
    return this.messages.length > 0 && !this.messages[0]!.complete;
  }

  /** Size of the next complete message (0 when none): what `FIONREAD` reports. */
  get nextMessageSize(): number {
    return this.hasMessage ? this.messages[0]!.size : 0;
  }

  push(data: Uint8Array, endOfMessage: boolean): void {
    let last = this.messages[this.messages.length - 1];
    if (!last || last.complete) {
      last = { chunks: [], size: 0, complete: false };
      this.messages.push(last);
    }
    if (data.byteLength > 0) {
      last.chunks.push(data);
      last.size += data.byteLength;
      this.bytes += data.byteLength;
    }
    if (endOfMessage) last.complete = true;
  }

  /**
   * Reads the head message into the buffers. When it does not fit: with `partial` the rest stays
   * queued as the head (`MSG_PARTIAL`); with `keepWhole` the whole message stays queued (reliable
   * protocols without `MSG_PARTIAL`: `WSAEMSGSIZE`, retry with a larger buffer); otherwise the
   * rest is discarded. `peek` never consumes.
   */
  read(
    buffers: readonly WSABUF[],
    options: { peek: boolean; partial: boolean; keepWhole: boolean },
  ): MessageRead {
    const head = this.messages[0];
    if (!head?.complete) return { bytes: 0, truncated: false };
    const whole = concat(head.chunks, head.size);
    const capacity = capacityOf(buffers);
    const bytes = scatter(whole, buffers);
    const truncated = head.size > capacity;
    if (options.peek) return { bytes, truncated };
    if (truncated && options.partial) {
      head.chunks = [whole.subarray(bytes)];
      head.size -= bytes;
      this.bytes -= bytes;
    } else if (!(truncated && options.keepWhole)) {
      this.messages.shift();
      this.bytes -= head.size;
    }
    return { bytes, truncated };
  }

  clear(): void {
    this.messages = [];
    this.bytes = 0;
  }
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
