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
 * What an async flow carries: a short list with one link per started `Ws2` instance the flow has
 * used (in practice one), each pointing at that instance's current cell for the flow.
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

/**
 * `head` followed by `list` without `owner`'s link and without the links of instances no longer
 * started (so a flow that outlives many instances carries only the live ones). The kept links are
 * re-linked, never their cells copied: a pending call still writes the cell its flow reads.
 */
function relink(head: ErrorCell, list: FlowErrors | undefined, owner: LastErrorSlot): FlowErrors {
  if (list !== undefined && list.cell.owner === owner) return { cell: head, next: list.next };
  const kept: ErrorCell[] = [];
  let rest: FlowErrors | undefined = list;
  for (; rest !== undefined; rest = rest.next) {
    if (rest.cell.owner === owner) {
      rest = rest.next;
      break;
    }
    if (rest.cell.owner.started) kept.push(rest.cell);
  }
  for (let i = kept.length - 1; i >= 0; i--) rest = { cell: kept[i], next: rest };
  return { cell: head, next: rest };
}

/**
 * One `Ws2` instance's `WSAGetLastError` / `WSASetLastError`. Windows keeps the last error per
 * thread; here a thread is an async flow. While the instance is started, a call that sets the
 * error gives the calling flow a fresh cell for this instance (with `enterWith`), so two concurrent
 * flows never see each other's error. An asynchronous call claims its cell when it is made and
 * writes it when it completes: the caller's continuation after `await` resumes in the context
 * captured at the call, and reads that cell.
 *
 * While the instance is not started it keeps one last error, as a single thread would
 * (`offError`), and flows that hold no cell of it read that too: an error set before a
 * `WSAStartup`, or by a call that completes after the last `WSACleanup`, is not lost.
 */
export class LastErrorSlot {
  private offError = 0;
  private attached = false;

  /** True from this instance's first `WSAStartup` to its last `WSACleanup`. */
  get started(): boolean {
    return this.attached;
  }

  /** This instance's `Ws2` has started: its errors are kept per flow, and the storage is on. */
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
    if (this.attached) {
      for (let link = flows.getStore(); link !== undefined; link = link.next) {
        if (link.cell.owner === this) return link.cell.value;
      }
    }
    return this.offError;
  }

  /** Sets the calling flow's last error for this instance (`WSASetLastError`). */
  set(code: number): void {
    if (this.attached) this.enter({ owner: this, value: code });
    else this.offError = code;
  }

  /**
   * Gives the calling flow a fresh cell for this instance, for an asynchronous call to write its
   * error into when it completes (`complete`); undefined while the instance is not started.
   */
  claim(): ErrorCell | undefined {
    if (!this.attached) return undefined;
    const list = flows.getStore();
    // The usual case: the flow's newest cell is this instance's.
    const value = list !== undefined && list.cell.owner === this ? list.cell.value : this.get();
    const cell: ErrorCell = { owner: this, value };
    flows.enterWith(relink(cell, list, this));
    return cell;
  }

  /** The error of an asynchronous call that `claim`ed `cell` when it was made. */
  complete(cell: ErrorCell | undefined, code: number): void {
    if (cell !== undefined) cell.value = code;
    // A caller resuming after this instance stopped, or without a cell, reads the single value.
    if (cell === undefined || !this.attached) this.offError = code;
  }

  private enter(cell: ErrorCell): void {
    flows.enterWith(relink(cell, flows.getStore(), this));
  }
}
