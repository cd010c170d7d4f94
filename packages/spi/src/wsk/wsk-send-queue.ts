/**
 * The send side of a WSK connection, and the order it keeps with a graceful `WskDisconnect`.
 *
 * A `WskSend` goes to the transport at once when nothing is queued ahead of it. Where the link
 * takes the caller's buffer as it is (`sendOwned`: TCP over Node's `net`), the IRP completes (with
 * the byte count) when the transport is done with the buffer — the client owns it again then, as
 * on Windows. Elsewhere the transport copies: the IRP completes as soon as the transport took the
 * bytes below its high-water mark, or — the transport pushing back — when it drained (`onDrain`).
 * Sends made while the transport pushes back wait here, in order, and can still be cancelled
 * (`STATUS_CANCELLED`); a send the transport already holds can no longer be withdrawn.
 *
 * A graceful `WskDisconnect` joins the same queue: after every send queued before it, its final
 * buffer (if any) goes out and then the transport's graceful close; its IRP completes only when
 * the transport reports that close finished (`onSendClosed`: TCP's FIN after the last byte, ISO
 * transport's DC), or — for a transport that does not report it — when the transport released the
 * connection. Cancelling it before it ran withdraws it; after, it aborts the connection.
 *
 * The ideal send backlog (`SIO_WSK_QUERY_IDEAL_SEND_BACKLOG`, `WskSendBacklogEvent`) is how much
 * must be outstanding to keep the transport busy: the most it took between two drains before it
 * pushed back. It starts at 64 KiB and grows when the transport shows it holds more.
 * @module
 */

import type { TransportLink } from '../provider-kit/transport-driver';
import { completeIrp, IoSetCancelRoutine, type IRP, pendIrp } from './irp';
import { type NTSTATUS, STATUS_CANCELLED, STATUS_SUCCESS } from './ntstatus';
import { ntStatusFromTransportFailure } from './transport-status';

/** The ideal send backlog before the transport has shown one. */
export const INITIAL_IDEAL_SEND_BACKLOG = 64 * 1024;

/** What the send queue needs of its connection. */
export interface SendHost {
  /** The connection's transport link. */
  readonly link: TransportLink;
  /** The transport failed a send: the connection is no longer usable. */
  sendFailed(status: NTSTATUS): void;
  /** The ideal send backlog changed. */
  idealBacklogChanged(bytes: number): void;
  /** A graceful disconnect was cancelled after it started: abort the connection. */
  abortFromCancel(): void;
  /** Completes an IRP from the transport's own path (at `DISPATCH_LEVEL`). */
  completeFromTransport(irp: IRP, status: NTSTATUS, information: number): void;
}

interface SendEntry {
  kind: 'send';
  irp: IRP;
  data: Uint8Array;
  expedited: boolean;
}

type Entry = SendEntry | { kind: 'disconnect'; irp: IRP; data: Uint8Array | null };

const callOf = (entry: Entry): string => (entry.kind === 'send' ? 'WskSend' : 'WskDisconnect');

/** The send side of one connection. */
export class WskSendQueue {
  private queue: Entry[] = [];
  /** A send the transport copied above its high-water mark; completes at the next drain. */
  private blocked: SendEntry | null = null;
  /** Sends the transport holds without a copy (`sendOwned`); each completes when it is done with them. */
  private readonly owned = new Set<SendEntry>();
  /** The transport pushed back: nothing more goes to it until it drained. */
  private pushedBack = false;
  /** The graceful disconnect that ran and waits for the transport to finish it. */
  private closing: IRP | null = null;
  /** The transport's graceful close was called. */
  closeIssued = false;
  /** A graceful disconnect was accepted (queued or run). */
  disconnectRequested = false;
  private sinceDrain = 0;
  /** The ideal send backlog in bytes (`SIO_WSK_QUERY_IDEAL_SEND_BACKLOG`). */
  idealBacklog = INITIAL_IDEAL_SEND_BACKLOG;

  constructor(private readonly host: SendHost) {}

  /** `WskSend` (checked by the connection): sends now, or queues behind earlier sends. */
  send(irp: IRP, data: Uint8Array, expedited: boolean): NTSTATUS {
    const entry: Entry = { kind: 'send', irp, data, expedited };
    if (this.pushedBack || this.queue.length > 0) return this.enqueue(entry);
    return this.run(entry);
  }

  /** Graceful `WskDisconnect`: the final buffer and the close, after every queued send. */
  disconnect(irp: IRP, data: Uint8Array | null): NTSTATUS {
    this.disconnectRequested = true;
    const entry: Entry = { kind: 'disconnect', irp, data };
    if (this.pushedBack || this.queue.length > 0) return this.enqueue(entry);
    return this.run(entry);
  }

  /** The transport drained below its high-water mark. */
  onDrain(): void {
    const blocked = this.blocked;
    this.blocked = null;
    this.pushedBack = false;
    this.sinceDrain = 0;
    if (blocked) completeIrp(blocked.irp, STATUS_SUCCESS, blocked.data.byteLength, 'WskSend');
    while (this.queue.length > 0 && !this.pushedBack) {
      const entry = this.queue.shift()!;
      IoSetCancelRoutine(entry.irp, null);
      this.run(entry);
    }
  }

  /** The transport finished the graceful close. */
  onSendClosed(): void {
    this.onSendClosedWith(STATUS_SUCCESS);
  }

  /** Every send and disconnect still pending completes with `status` (abort, reset, close). */
  failAll(status: NTSTATUS): void {
    const entries: Entry[] = [...this.owned, ...(this.blocked ? [this.blocked] : []), ...this.queue];
    this.owned.clear();
    this.blocked = null;
    this.queue = [];
    for (const entry of entries) {
      // A send the transport just gave back may have completed already.
      if (entry.irp.state === 'pending') completeIrp(entry.irp, status, 0, callOf(entry));
    }
    this.onSendClosedWith(status);
  }

  /** Completes the running graceful disconnect with `status`. */
  onSendClosedWith(status: NTSTATUS): void {
    const irp = this.closing;
    this.closing = null;
    if (irp) completeIrp(irp, status, 0, 'WskDisconnect');
  }

  /** A graceful disconnect is waiting for the transport. */
  get closingPending(): boolean {
    return this.closing !== null;
  }

  private enqueue(entry: Entry): NTSTATUS {
    this.queue.push(entry);
    return pendIrp(entry.irp, () => {
      const at = this.queue.indexOf(entry);
      if (at < 0) return;
      this.queue.splice(at, 1);
      completeIrp(entry.irp, STATUS_CANCELLED, 0, callOf(entry));
    });
  }

  /** Hands an entry to the transport; returns what the call that made it returns. */
  private run(entry: Entry): NTSTATUS {
    return entry.kind === 'disconnect' ? this.runDisconnect(entry.irp, entry.data) : this.runSend(entry);
  }

  private runDisconnect(irp: IRP, data: Uint8Array | null): NTSTATUS {
    const link = this.host.link;
    try {
      if (data && data.byteLength > 0) link.send(data, true);
      this.closeIssued = true;
      link.close(null);
    } catch (error) {
      const status = ntStatusFromTransportFailure(error);
      completeIrp(irp, status, 0, 'WskDisconnect');
      this.host.sendFailed(status);
      return status;
    }
    this.closing = irp;
    return pendIrp(irp, () => {
      if (this.closing !== irp) return;
      this.closing = null;
      completeIrp(irp, STATUS_CANCELLED, 0, 'WskDisconnect');
      this.host.abortFromCancel();
    });
  }

  private runSend(entry: SendEntry): NTSTATUS {
    const link = this.host.link;
    const zeroCopy = !entry.expedited && link.sendOwned !== undefined;
    let accepted: boolean;
    try {
      if (entry.expedited) {
        link.sendExpedited!(entry.data);
        accepted = true;
      } else if (zeroCopy) {
        this.owned.add(entry);
        accepted = link.sendOwned!(entry.data, true, (failure) => this.ownedDone(entry, failure));
      } else {
        accepted = link.send(entry.data, true);
      }
    } catch (error) {
      this.owned.delete(entry);
      const status = ntStatusFromTransportFailure(error);
      completeIrp(entry.irp, status, 0, 'WskSend');
      this.host.sendFailed(status);
      return status;
    }
    this.sinceDrain += entry.data.byteLength;
    if (!accepted) {
      this.pushedBack = true;
      if (this.sinceDrain > this.idealBacklog) {
        this.idealBacklog = this.sinceDrain;
        this.host.idealBacklogChanged(this.sinceDrain);
      }
    }
    if (zeroCopy) {
      return entry.irp.state === 'completed' ? entry.irp.IoStatus.Status : pendIrp(entry.irp, null);
    }
    if (accepted) {
      completeIrp(entry.irp, STATUS_SUCCESS, entry.data.byteLength, 'WskSend');
      return STATUS_SUCCESS;
    }
    this.blocked = entry;
    return pendIrp(entry.irp, null);
  }

  /** The transport is done with a send it held without a copy. */
  private ownedDone(entry: SendEntry, failure: unknown): void {
    if (!this.owned.delete(entry) || entry.irp.state !== 'pending') return;
    if (failure) {
      const status = ntStatusFromTransportFailure(failure);
      this.host.completeFromTransport(entry.irp, status, 0);
      this.host.sendFailed(status);
      return;
    }
    this.host.completeFromTransport(entry.irp, STATUS_SUCCESS, entry.data.byteLength);
  }
}
