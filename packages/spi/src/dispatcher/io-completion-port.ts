/**
 * An I/O completion port (`CreateIoCompletionPort`): a queue of completion packets that threads
 * dequeue with `GetQueuedCompletionStatus(Ex)`. Windows' rules: packets are FIFO, waiting threads
 * are released LIFO (the most recent waiter takes the oldest packet), a packet posted with
 * `PostQueuedCompletionStatus` comes back verbatim with `Internal` 0, and closing the port ends
 * every wait with `ERROR_ABANDONED_WAIT_0`. A "thread" here is a waiting async flow.
 * @module
 */

import type { NTSTATUS } from '../constants/ntstatus';
import type { WSAOVERLAPPED } from '../spi/wsp-types';

/** `ULONG_PTR CompletionKey`: returned verbatim with every packet (a number, or anything the caller chose). */
export type CompletionKey = unknown;

/** One completion packet. */
export interface CompletionPacket {
  /** The bytes the request transferred (`dwNumberOfBytesTransferred`), or the count a post gave. */
  readonly bytes: number;
  /** The `CompletionKey` of the handle the request was issued on, or the key a post gave. */
  readonly key: CompletionKey;
  /** The request's `OVERLAPPED` (or whatever `PostQueuedCompletionStatus` was given). */
  readonly overlapped: WSAOVERLAPPED | null | unknown;
  /** The request's final status (`OVERLAPPED_ENTRY.Internal`). */
  readonly status: NTSTATUS;
}

/** `OVERLAPPED_ENTRY` (minwinbase.h): one packet as `GetQueuedCompletionStatusEx` returns it. */
export interface OVERLAPPED_ENTRY {
  /** The key the socket was associated with by `CreateIoCompletionPort` (or the posted key). */
  lpCompletionKey: CompletionKey;
  /** The `OVERLAPPED` the request was issued with (or the posted pointer, returned unvalidated). */
  lpOverlapped: WSAOVERLAPPED | null | unknown;
  /** The request's final NTSTATUS (0 for a post): the call returns TRUE, so check each entry's. */
  Internal: NTSTATUS;
  /** The bytes the request transferred (or the posted count). */
  dwNumberOfBytesTransferred: number;
}

/** How a wait on a port ended. */
export type PortWaitResult =
  | {
      /** Packets were dequeued. */
      readonly kind: 'packets';
      /** The packets, oldest first, at most as many as the wait asked for. */
      readonly packets: CompletionPacket[];
    }
  | {
      /** The time ran out with nothing queued (`WAIT_TIMEOUT`). */
      readonly kind: 'timeout';
    }
  | {
      /** The port was closed (`ERROR_ABANDONED_WAIT_0`). */
      readonly kind: 'closed';
    }
  | {
      /** An alertable wait ended because an APC ran (`WAIT_IO_COMPLETION`). */
      readonly kind: 'apc';
    };

/**
 * Most packets a port holds. Windows bounds them only by kernel memory; here a port that keeps
 * growing (a producer posting faster than anyone dequeues) refuses more with
 * `ERROR_NO_SYSTEM_RESOURCES` instead of growing without end.
 */
export const MAX_QUEUED_PACKETS = 1 << 20;

interface Waiter {
  readonly max: number;
  /** False once the wait ended (timeout, APC, close). */
  readonly waiting: () => boolean;
  readonly finish: (result: PortWaitResult) => void;
}

let nextPortId = 1;

/**
 * The port object behind the `HANDLE` that `CreateIoCompletionPort` returns. Sockets associated
 * with it (`CreateIoCompletionPort(s, port, key, 0)`) queue a packet for each overlapped request
 * that completes — see the process's completion path for which requests do.
 */
export class IoCompletionPort {
  /** A number for diagnostics (ports are compared by identity). */
  readonly id = nextPortId++;
  /** `NumberOfConcurrentThreads` as given at creation (0 = the number of processors). Recorded, not enforced: flows are not threads. */
  readonly concurrency: number;
  private readonly packets: CompletionPacket[] = [];
  private head = 0;
  private readonly waiters: Waiter[] = [];
  private closed = false;

  constructor(concurrency: number) {
    this.concurrency = concurrency;
  }

  /** True after `CloseHandle(port)`: packets are no longer queued and waits end. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Packets queued and not yet dequeued. */
  get queued(): number {
    return this.packets.length - this.head;
  }

  /**
   * Queues a packet, or hands it straight to the most recent waiter. False when the port is closed
   * or full (the caller reports `ERROR_INVALID_HANDLE` / `ERROR_NO_SYSTEM_RESOURCES`).
   */
  post(packet: CompletionPacket): boolean {
    if (this.closed || this.queued >= MAX_QUEUED_PACKETS) return false;
    this.packets.push(packet);
    // The most recent waiter wakes; it takes what is queued when it runs (a waiter of
    // GetQueuedCompletionStatusEx takes the packets posted in the same turn together).
    const waiter = this.waiters.pop();
    if (waiter) queueMicrotask(() => this.deliver(waiter));
    return true;
  }

  private deliver(waiter: Waiter): void {
    if (!waiter.waiting()) {
      // It timed out meanwhile: the next waiter gets the packet.
      const next = this.waiters.pop();
      if (next) this.deliver(next);
      return;
    }
    if (this.closed) {
      waiter.finish({ kind: 'closed' });
      return;
    }
    // Someone polled the packets away meanwhile: wait on, at the front of the line.
    if (this.queued === 0) this.waiters.push(waiter);
    else waiter.finish({ kind: 'packets', packets: this.take(waiter.max) });
  }

  /** Takes up to `max` queued packets, oldest first, without waiting. */
  take(max: number): CompletionPacket[] {
    const n = Math.min(max, this.queued);
    const taken = this.packets.slice(this.head, this.head + n);
    this.head += n;
    if (this.head > 1024 && this.head * 2 > this.packets.length) {
      this.packets.splice(0, this.head);
      this.head = 0;
    }
    return taken;
  }

  /**
   * Waits for packets (up to `max`), for at most `timeoutMs` (`undefined` = for ever). A packet
   * already queued is returned at once. `onApc`, when given, subscribes to the APCs of the waiting
   * flow (an alertable wait) and returns the unsubscribe: an APC ends the wait with `'apc'`.
   */
  wait(
    max: number,
    timeoutMs: number | undefined,
    onApc?: (wake: () => void) => () => void,
  ): Promise<PortWaitResult> {
    if (this.closed) return Promise.resolve({ kind: 'closed' });
    if (this.queued > 0) return Promise.resolve({ kind: 'packets', packets: this.take(max) });
    if (timeoutMs !== undefined && timeoutMs <= 0) return Promise.resolve({ kind: 'timeout' });
    return new Promise<PortWaitResult>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let unsubscribe: (() => void) | undefined;
      let done = false;
      const waiter: Waiter = {
        max,
        waiting: () => !done,
        finish: (result) => {
          if (done) return;
          done = true;
          if (timer !== undefined) clearTimeout(timer);
          unsubscribe?.();
          resolve(result);
        },
      };
      const leave = (result: PortWaitResult): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        waiter.finish(result);
      };
      this.waiters.push(waiter);
      if (timeoutMs !== undefined) {
        // setTimeout cannot wait longer than 2^31 - 1 ms; such a wait is a wait for ever in practice.
        if (timeoutMs <= 0x7fffffff) timer = setTimeout(() => leave({ kind: 'timeout' }), timeoutMs);
      }
      if (onApc) unsubscribe = onApc(() => leave({ kind: 'apc' }));
    });
  }

  /** `CloseHandle(port)`: every waiter gets `'closed'`; queued packets are dropped. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.packets.length = 0;
    this.head = 0;
    for (const waiter of this.waiters.splice(0).reverse()) waiter.finish({ kind: 'closed' });
  }
}

/** True for a port handle made by `CreateIoCompletionPort`. */
export function isIoCompletionPort(value: unknown): value is IoCompletionPort {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return value instanceof IoCompletionPort;
  } catch {
    // A Proxy whose getPrototypeOf trap throws is no completion port.
    return false;
  }
}
