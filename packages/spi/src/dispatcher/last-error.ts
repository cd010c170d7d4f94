/**
 * `WSAGetLastError` per "thread": one `AsyncLocalStorage` for every `Ws2` in the Node process, on
 * only while one of them is started.
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** One `Ws2` instance's last error as one async flow sees it. */
export interface ErrorCell {
  readonly owner: LastErrorSlot;
  value: number;
}

/**
 * What an async flow carries: a short list with one link per `Ws2` instance the flow has used (in
 * practice one), each pointing at that instance's current cell for the flow.
 */
interface FlowErrors {
  readonly cell: ErrorCell;
  readonly next: FlowErrors | undefined;
}

/**
 * The one storage every `Ws2` shares. On Node 20 each enabled `AsyncLocalStorage` makes every
 * promise in the process pay for it, so there is one, whatever the number of instances, and it is
 * disabled when the last started instance's last `WSACleanup` runs.
 */
const flows = new AsyncLocalStorage<FlowErrors>();

/** How many `LastErrorSlot`s are attached (their `Ws2` is started); the storage is on while > 0. */
let attachedSlots = 0;

/** `flows` without `owner`'s link; the other links are re-linked, never their cells copied. */
function without(list: FlowErrors | undefined, owner: LastErrorSlot): FlowErrors | undefined {
  if (list === undefined) return undefined;
  if (list.cell.owner === owner) return list.next;
  return { cell: list.cell, next: without(list.next, owner) };
}

/**
 * One `Ws2` instance's `WSAGetLastError` / `WSASetLastError`. Windows keeps the last error per
 * thread; here a thread is an async flow. A call that sets the error gives the calling flow a fresh
 * cell for this instance (with `enterWith`), so two concurrent flows never see each other's error.
 * An asynchronous call claims its cell when it is made and writes it when it completes: the
 * caller's continuation after `await` resumes in the context captured at the call, and reads that
 * cell.
 *
 * While no `Ws2` in the process is started the storage is off, and each instance keeps one last
 * error, as a single thread would (`offError`). Flows that hold no cell of this instance read it
 * too, so an error set before a `WSAStartup`, or by a call that completes after the last
 * `WSACleanup`, is not lost.
 */
export class LastErrorSlot {
  private offError = 0;
  private attached = false;

  /** This instance's `Ws2` has started: the storage is on (from its first `WSAStartup`). */
  attach(): void {
    if (this.attached) return;
    this.attached = true;
    attachedSlots++;
  }

  /**
   * This instance's `Ws2` has cleaned up (its last `WSACleanup`): the calling flow's error becomes
   * the instance's single value, and the storage goes off when no instance is left started.
   */
  detach(): void {
    if (!this.attached) return;
    this.offError = this.get();
    this.attached = false;
    attachedSlots--;
    if (attachedSlots === 0) flows.disable();
  }

  /** The calling flow's last error for this instance (`WSAGetLastError`). */
  get(): number {
    if (attachedSlots > 0) {
      for (let link = flows.getStore(); link !== undefined; link = link.next) {
        if (link.cell.owner === this) return link.cell.value;
      }
    }
    return this.offError;
  }

  /** Sets the calling flow's last error for this instance (`WSASetLastError`). */
  set(code: number): void {
    if (attachedSlots > 0) this.enter({ owner: this, value: code });
    else this.offError = code;
  }

  /**
   * Gives the calling flow a fresh cell for this instance, for an asynchronous call to write its
   * error into when it completes (`complete`); undefined while the storage is off.
   */
  claim(): ErrorCell | undefined {
    if (attachedSlots === 0) return undefined;
    const list = flows.getStore();
    let cell: ErrorCell;
    let rest: FlowErrors | undefined;
    if (list !== undefined && list.cell.owner === this) {
      // The usual case: the flow's newest cell is this instance's.
      cell = { owner: this, value: list.cell.value };
      rest = list.next;
    } else {
      cell = { owner: this, value: this.get() };
      rest = without(list, this);
    }
    flows.enterWith({ cell, next: rest });
    return cell;
  }

  /** The error of an asynchronous call that `claim`ed `cell` when it was made. */
  complete(cell: ErrorCell | undefined, code: number): void {
    if (cell !== undefined) cell.value = code;
    // A caller resuming with the storage off, or without a cell, reads the single-thread value.
    if (cell === undefined || attachedSlots === 0) this.offError = code;
  }

  private enter(cell: ErrorCell): void {
    const list = flows.getStore();
    flows.enterWith({ cell, next: without(list, this) });
  }
}
