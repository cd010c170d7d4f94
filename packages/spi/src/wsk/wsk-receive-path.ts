/**
 * The receive side of a WSK connection: bytes from the transport go, in order, to
 *
 * 1. `WskReceive` requests already posted (they come first, as on Windows);
 * 2. else the client's `WskReceiveEvent`, when `WSK_EVENT_RECEIVE` is enabled and indications are
 *    not suspended. The callback takes it all (`STATUS_SUCCESS`), part of it (`*BytesAccepted`
 *    below `BytesIndicated`: the rest stays here and indications stop until a `WskReceive`
 *    completes), keeps the buffers (`STATUS_PENDING`, until `WskRelease`), or leaves it all here
 *    (`STATUS_DATA_NOT_ACCEPTED`: indications stop until a `WskReceive` completes);
 * 3. else the receive buffer, where they wait for a `WskReceive`.
 *
 * When a `WskReceive` completes and data is still buffered, the rest is indicated on a later turn
 * (at `PASSIVE_LEVEL`). What WSK holds — buffered plus indications the client kept — is bounded by
 * `SO_RCVBUF`: beyond it the transport is paused (TCP's window closes), and resumed once the client
 * has taken or released enough. An indication that would bring what the client keeps to half of
 * `SO_RCVBUF` or more says `WSK_FLAG_RELEASE_ASAP`.
 *
 * A receive completes as soon as it holds data (the rest of its buffer stays unfilled), at the end
 * of a message on message-oriented transports, when its buffer is full, or when the peer closed
 * (with what it holds, possibly 0 bytes: the graceful end). `WSK_FLAG_WAITALL` (byte streams only)
 * waits for a full buffer or the end; `WSK_FLAG_DRAIN` discards everything received, now and until the end. A
 * zero-length receive completes (0 bytes) once data is there or the connection ended. Cancelling a
 * receive that already holds bytes completes it with them; an empty one completes
 * `STATUS_CANCELLED`.
 * @module
 */

import { type Out, out } from '../types/out-cell';
import { completeIrp, type IRP, pendIrp } from './irp';
import { mdlChain } from './mdl';
import {
  type NTSTATUS,
  STATUS_CANCELLED,
  STATUS_DATA_NOT_ACCEPTED,
  STATUS_INVALID_PARAMETER,
  STATUS_PENDING,
  STATUS_SUCCESS,
} from './ntstatus';
import { scatterIntoWskBuf, type WSK_BUF } from './wsk-buf';
import { type CallbackHost, callClientCallback, irqlFlag } from './wsk-callback-call';
import type { PFN_WSK_RECEIVE_EVENT, WSK_DATA_INDICATION } from './wsk-client-dispatch';
import {
  WSK_EVENT_RECEIVE,
  WSK_FLAG_DRAIN,
  WSK_FLAG_ENTIRE_MESSAGE,
  WSK_FLAG_RELEASE_ASAP,
  WSK_FLAG_WAITALL,
} from './wsk-constants';

/** What the receive path needs of its connection. */
export interface ReceiveHost extends CallbackHost {
  /** The socket context passed to `WskReceiveEvent`. */
  readonly context: unknown;
  /** The transport keeps message boundaries (a message ends a receive). */
  readonly messageOriented: boolean;
  /** `SO_RCVBUF`: what WSK holds (buffered and kept by the client) before it pauses the transport. */
  readonly receiveBufferSize: number;
  /** `WskCloseSocket` was called: nothing more is indicated. */
  readonly closeRequested: boolean;
  /** The client's `WskReceiveEvent` when `WSK_EVENT_RECEIVE` is enabled, else null. */
  receiveCallback(): PFN_WSK_RECEIVE_EVENT | null;
  /** Stop reading the transport (the receive buffer is full): TCP's window closes. */
  pauseTransport(): void;
  /** Read the transport again: the client took or released enough. */
  resumeTransport(): void;
  /** Buffered data was taken, or the stream ended: a waiting disconnect event may be due. */
  drained(): void;
}

interface Chunk {
  data: Uint8Array;
  /** The last piece of a message (message-oriented transports). */
  end: boolean;
}

interface PendingReceive {
  irp: IRP;
  buffer: WSK_BUF;
  flags: number;
  filled: number;
  messageEnded: boolean;
}

const RECEIVE_EVENT_STATUSES: readonly NTSTATUS[] = [
  STATUS_SUCCESS,
  STATUS_PENDING,
  STATUS_DATA_NOT_ACCEPTED,
];

/** The receive side of one connection. */
export class WskReceivePath {
  private chunks: Chunk[] = [];
  private queued = 0;
  private pending: PendingReceive[] = [];
  private drains: IRP[] = [];
  private draining = false;
  private suspended = false;
  private readonly retained = new Map<WSK_DATA_INDICATION, number>();
  private retainedBytes = 0;
  private state: 'open' | 'peer-closed' | 'failed' = 'open';
  private paused = false;
  private indicationScheduled = false;
  private atMessageStart = true;

  constructor(private readonly host: ReceiveHost) {}

  /** Bytes received and not yet taken (`SIO_WSK_QUERY_RECEIVE_BACKLOG`). */
  get buffered(): number {
    return this.queued;
  }

  /** The peer closed and every byte before its close was taken. */
  get drainedAfterPeerClose(): boolean {
    return this.state === 'peer-closed' && this.chunks.length === 0;
  }

  // ---- from the transport -------------------------------------------------------------------------

  /** Bytes arrived (on the transport's path). */
  onData(data: Uint8Array, end: boolean): void {
    if (this.state !== 'open' || this.host.closeRequested || this.draining) return;
    if (data.byteLength === 0 && !(end && this.host.messageOriented)) return;
    this.chunks.push({ data, end });
    this.queued += data.byteLength;
    if (this.pending.length > 0) this.satisfyPending();
    else this.indicateBuffered();
    this.applyFlowControl();
  }

  /** The peer closed gracefully: receives complete with what they hold (the first empty one with 0). */
  onPeerClose(): void {
    if (this.state !== 'open') return;
    this.state = 'peer-closed';
    for (const irp of this.drains.splice(0)) completeIrp(irp, STATUS_SUCCESS, 0, 'WskReceive');
    this.satisfyPending();
    this.host.drained();
  }

  /** The connection is gone: buffered data is dropped, pending receives complete with `status`. */
  fail(status: NTSTATUS): void {
    if (this.state === 'failed') return;
    this.state = 'failed';
    this.chunks = [];
    this.queued = 0;
    for (const r of this.pending.splice(0)) completeIrp(r.irp, status, 0, 'WskReceive');
    for (const irp of this.drains.splice(0)) completeIrp(irp, status, 0, 'WskReceive');
  }

  /** Tells the client, with a NULL indication, that the socket no longer works and must be closed. */
  indicateClosed(): void {
    const callback = this.host.receiveCallback();
    if (!callback) return;
    const host = this.host;
    callClientCallback(
      host,
      WSK_EVENT_RECEIVE,
      'WskReceiveEvent',
      RECEIVE_EVENT_STATUSES,
      STATUS_SUCCESS,
      () => callback(host.context, irqlFlag(), null, 0, out(0)),
    );
  }

  // ---- from the client ----------------------------------------------------------------------------

  /** `WskReceive` on a connection that can still receive; `buffer` is checked, `irp` taken. */
  receive(irp: IRP, buffer: WSK_BUF, flags: number): NTSTATUS {
    if (flags & WSK_FLAG_DRAIN) return this.drain(irp);
    const request: PendingReceive = { irp, buffer, flags, filled: 0, messageEnded: false };
    if (this.pending.length === 0) {
      this.fill(request);
      if (this.isDone(request)) {
        completeIrp(irp, STATUS_SUCCESS, request.filled, 'WskReceive');
        this.afterReceiveCompleted();
        return STATUS_SUCCESS;
      }
    }
    this.pending.push(request);
    this.applyFlowControl();
    return pendIrp(irp, () => this.cancelReceive(request));
  }

  /** `WskRelease`: the client gives back an indication it kept. */
  release(indication: unknown): NTSTATUS {
    const bytes = this.retained.get(indication as WSK_DATA_INDICATION);
    if (bytes === undefined) return STATUS_INVALID_PARAMETER;
    this.retained.delete(indication as WSK_DATA_INDICATION);
    this.retainedBytes -= bytes;
    this.applyFlowControl();
    return STATUS_SUCCESS;
  }

  /** `WSK_EVENT_RECEIVE` was enabled: data already waiting is indicated on a later turn. */
  receiveEventEnabled(): void {
    if (this.chunks.length > 0) this.scheduleIndication();
  }

  /** `SO_RCVBUF` changed. */
  receiveBufferChanged(): void {
    this.applyFlowControl();
  }

  /** The socket closes: pending receives are cancelled, everything held is dropped. */
  cancelAll(): void {
    this.state = 'failed';
    this.chunks = [];
    this.queued = 0;
    this.retained.clear();
    this.retainedBytes = 0;
    for (const r of this.pending.splice(0)) completeIrp(r.irp, STATUS_CANCELLED, 0, 'WskReceive');
    for (const irp of this.drains.splice(0)) completeIrp(irp, STATUS_CANCELLED, 0, 'WskReceive');
  }

  // ---- internals ----------------------------------------------------------------------------------

  private drain(irp: IRP): NTSTATUS {
    this.draining = true;
    this.chunks = [];
    this.queued = 0;
    this.applyFlowControl();
    if (this.state !== 'open') {
      completeIrp(irp, STATUS_SUCCESS, 0, 'WskReceive');
      return STATUS_SUCCESS;
    }
    this.drains.push(irp);
    return pendIrp(irp, () => {
      const at = this.drains.indexOf(irp);
      if (at < 0) return;
      this.drains.splice(at, 1);
      completeIrp(irp, STATUS_CANCELLED, 0, 'WskReceive');
    });
  }

  private cancelReceive(request: PendingReceive): void {
    const at = this.pending.indexOf(request);
    if (at < 0) return;
    this.pending.splice(at, 1);
    if (request.filled > 0) completeIrp(request.irp, STATUS_SUCCESS, request.filled, 'WskReceive');
    else completeIrp(request.irp, STATUS_CANCELLED, 0, 'WskReceive');
  }

  /** Copies buffered bytes into a receive. */
  private fill(request: PendingReceive): void {
    const { buffer } = request;
    while (this.chunks.length > 0 && request.filled < buffer.Length) {
      const chunk = this.chunks[0]!;
      const n = scatterIntoWskBuf(chunk.data, buffer, request.filled);
      request.filled += n;
      this.queued -= n;
      if (n < chunk.data.byteLength) {
        this.chunks[0] = { data: chunk.data.subarray(n), end: chunk.end };
        this.atMessageStart = false;
        break;
      }
      this.chunks.shift();
      this.atMessageStart = chunk.end;
      if (chunk.end && this.host.messageOriented) {
        request.messageEnded = true;
        break;
      }
    }
    // An empty message still ends a receive on a message-oriented transport.
    const head = this.chunks[0];
    if (request.filled === 0 && head && head.end && head.data.byteLength === 0 && this.host.messageOriented) {
      this.chunks.shift();
      request.messageEnded = true;
    }
  }

  private isDone(request: PendingReceive): boolean {
    if (request.buffer.Length === 0) return this.queued > 0 || this.state !== 'open';
    if (request.filled === request.buffer.Length || request.messageEnded) return true;
    if (this.state !== 'open') return true;
    if (request.flags & WSK_FLAG_WAITALL) return false;
    return request.filled > 0;
  }

  private satisfyPending(): void {
    let completed = false;
    while (this.pending.length > 0) {
      const request = this.pending[0]!;
      this.fill(request);
      if (!this.isDone(request)) break;
      this.pending.shift();
      completeIrp(request.irp, STATUS_SUCCESS, request.filled, 'WskReceive');
      completed = true;
    }
    if (completed) this.afterReceiveCompleted();
    else this.applyFlowControl();
  }

  private afterReceiveCompleted(): void {
    // A completed receive lifts a suspension of indications.
    this.suspended = false;
    if (this.chunks.length > 0 && this.pending.length === 0) this.scheduleIndication();
    this.applyFlowControl();
    this.host.drained();
  }

  private scheduleIndication(): void {
    if (this.indicationScheduled) return;
    this.indicationScheduled = true;
    queueMicrotask(() => {
      this.indicationScheduled = false;
      if (this.state !== 'failed' && !this.host.closeRequested) {
        this.indicateBuffered();
        this.applyFlowControl();
        this.host.drained();
      }
    });
  }

  /** Offers buffered data to `WskReceiveEvent` while it takes it. */
  private indicateBuffered(): void {
    const host = this.host;
    while (this.chunks.length > 0 && !this.suspended && this.pending.length === 0 && !host.closeRequested) {
      const callback = host.receiveCallback();
      if (!callback) return;
      const taken = this.takeForIndication();
      let total = 0;
      let head: WSK_DATA_INDICATION | null = null;
      let tail: WSK_DATA_INDICATION | null = null;
      for (const chunk of taken) {
        total += chunk.data.byteLength;
        const element: WSK_DATA_INDICATION = {
          Next: null,
          Buffer: { Mdl: mdlChain(chunk.data), Offset: 0, Length: chunk.data.byteLength },
        };
        if (tail) tail.Next = element;
        else head = element;
        tail = element;
      }
      const last = taken[taken.length - 1]!;
      const entire = host.messageOriented && this.atMessageStart && last.end;
      // Holding half of SO_RCVBUF or more already: the client should not keep these buffers long.
      const releaseAsap = this.retainedBytes + total >= host.receiveBufferSize / 2;
      const flags =
        irqlFlag() | (entire ? WSK_FLAG_ENTIRE_MESSAGE : 0) | (releaseAsap ? WSK_FLAG_RELEASE_ASAP : 0);
      const accepted: Out<number> = out(total);
      const status = callClientCallback(
        host,
        WSK_EVENT_RECEIVE,
        'WskReceiveEvent',
        RECEIVE_EVENT_STATUSES,
        STATUS_DATA_NOT_ACCEPTED,
        () => callback(host.context, flags, head, total, accepted),
      );
      // Closed from inside the callback, or the connection failed meanwhile: the data goes with it.
      if (host.closeRequested || this.state === 'failed') return;
      if (status === STATUS_PENDING) {
        this.retained.set(head!, total);
        this.retainedBytes += total;
        this.atMessageStart = last.end;
      } else if (status === STATUS_SUCCESS) {
        let taken_ = accepted.value;
        if (!Number.isInteger(taken_) || taken_ < 0 || taken_ > total) {
          host.verifier.report(
            'callback-status',
            'WskReceiveEvent',
            `BytesAccepted ${String(taken_)} is outside 0…${total} (BytesIndicated)`,
          );
          taken_ = 0;
        }
        if (taken_ < total) {
          this.putBack(taken, taken_);
          this.suspended = true;
          this.atMessageStart = false;
        } else {
          this.atMessageStart = last.end;
        }
      } else {
        this.putBack(taken, 0);
        this.suspended = true;
      }
      // A WskReceive posted from inside the callback may be satisfied by what went back.
      if (this.pending.length > 0) this.satisfyPending();
    }
  }

  /** Takes what one indication carries: everything (streams), or up to the end of the next message. */
  private takeForIndication(): Chunk[] {
    if (!this.host.messageOriented) {
      const all = this.chunks;
      this.chunks = [];
      this.queued = 0;
      return all;
    }
    const end = this.chunks.findIndex((c) => c.end);
    const taken = this.chunks.splice(0, end < 0 ? this.chunks.length : end + 1);
    for (const c of taken) this.queued -= c.data.byteLength;
    return taken;
  }

  /** Puts the part of `taken` beyond its first `skip` bytes back at the head of the buffer. */
  private putBack(taken: Chunk[], skip: number): void {
    const back: Chunk[] = [];
    let toSkip = skip;
    for (const chunk of taken) {
      if (toSkip >= chunk.data.byteLength && chunk.data.byteLength > 0) {
        toSkip -= chunk.data.byteLength;
        continue;
      }
      const data = toSkip > 0 ? chunk.data.subarray(toSkip) : chunk.data;
      toSkip = 0;
      back.push({ data, end: chunk.end });
      this.queued += data.byteLength;
    }
    this.chunks = back.concat(this.chunks);
  }

  private applyFlowControl(): void {
    const held = this.queued + this.retainedBytes;
    const full = held > 0 && held >= this.host.receiveBufferSize;
    if (full && !this.paused) {
      this.paused = true;
      this.host.pauseTransport();
    } else if (!full && this.paused) {
      this.paused = false;
      this.host.resumeTransport();
    }
  }
}
