/**
 * Receive buffers of a kit socket: a byte queue for stream protocols (and pseudo-streams), and a
 * message queue that keeps the boundaries of message-oriented protocols (`XP1_MESSAGE_ORIENTED`).
 *
 * Both hold the chunks the transport delivered as they are and copy from them straight into the
 * caller's `WSABUF`s: one copy per received byte, into the memory the application named, and no
 * intermediate buffer (what raw `net` costs plus the copy `recv` itself implies).
 * @module
 */

import type { WSABUF } from '../types/wsabuf';
import { capacityOf } from './buffer-io';

/**
 * An ordered byte queue; reads may take any number of bytes. It holds the chunks as delivered; the
 * part of the first chunk before `offset` is already consumed.
 */
export class ByteReceiveQueue {
  private chunks: Uint8Array[] = [];
  private offset = 0;
  private bytes = 0;

  /** Bytes queued. */
  get size(): number {
    return this.bytes;
  }

  /** Queues `data`, which the queue keeps as it is: the deliverer must not change it afterwards. */
  push(data: Uint8Array): void {
    if (data.byteLength === 0) return;
    this.chunks.push(data);
    this.bytes += data.byteLength;
  }

  /** Copies up to the buffers' capacity; consumes the bytes unless `peek`. Returns the count. */
  read(buffers: readonly WSABUF[], peek: boolean): number {
    const n = this.copyTo(buffers);
    if (!peek) this.drop(n);
    return n;
  }

  /** Copies up to the buffers' capacity from the front without consuming; returns the count. */
  copyTo(buffers: readonly WSABUF[]): number {
    const chunks = this.chunks;
    let index = 0;
    let at = this.offset;
    let copied = 0;
    for (let b = 0; b < buffers.length && index < chunks.length; b++) {
      const target = buffers[b]!;
      let room = target.len;
      let into = 0;
      while (room > 0 && index < chunks.length) {
        const chunk = chunks[index]!;
        const n = Math.min(room, chunk.byteLength - at);
        target.buf.set(at === 0 && n === chunk.byteLength ? chunk : chunk.subarray(at, at + n), into);
        into += n;
        room -= n;
        copied += n;
        at += n;
        if (at === chunk.byteLength) {
          index++;
          at = 0;
        }
      }
    }
    return copied;
  }

  /** Consumes `n` bytes from the front. */
  drop(n: number): void {
    this.bytes -= n;
    let left = n + this.offset;
    const chunks = this.chunks;
    while (chunks.length > 0 && left >= chunks[0]!.byteLength) {
      left -= chunks[0]!.byteLength;
      chunks.shift();
    }
    this.offset = left;
  }

  clear(): void {
    this.chunks = [];
    this.offset = 0;
    this.bytes = 0;
  }
}

/** One message being received: its pieces and whether its last piece (end of message) arrived. */
interface QueuedMessage {
  data: ByteReceiveQueue;
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
    return this.hasMessage ? this.messages[0]!.data.size : 0;
  }

  /** Queues a piece of the last message, which the queue keeps as it is (see `ByteReceiveQueue.push`). */
  push(data: Uint8Array, endOfMessage: boolean): void {
    let last = this.messages[this.messages.length - 1];
    if (!last || last.complete) {
      last = { data: new ByteReceiveQueue(), complete: false };
      this.messages.push(last);
    }
    if (data.byteLength > 0) {
      last.data.push(data);
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
  read(buffers: readonly WSABUF[], peek: boolean, partial: boolean, keepWhole: boolean): MessageRead {
    const head = this.messages[0];
    if (!head?.complete) return { bytes: 0, truncated: false };
    const size = head.data.size;
    const bytes = head.data.copyTo(buffers);
    const truncated = size > capacityOf(buffers);
    if (peek) return { bytes, truncated };
    if (truncated && partial) {
      head.data.drop(bytes);
      this.bytes -= bytes;
    } else if (!(truncated && keepWhole)) {
      this.messages.shift();
      this.bytes -= size;
    }
    return { bytes, truncated };
  }

  clear(): void {
    this.messages = [];
    this.bytes = 0;
  }
}
