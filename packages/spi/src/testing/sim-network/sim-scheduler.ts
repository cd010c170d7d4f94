/**
 * The sim's single event queue and its virtual clock: how events are ordered, and how they are
 * paced against the wall clock (`'real'` or `'virtual'` timing).
 * @module
 */

/**
 * How a `SimNetwork` paces its events against the wall clock.
 * - `'real'`: an event due `d` ms after the current virtual time waits `d` ms on a real timer
 *   (`setTimeout`); an event due now runs on the next macrotask (`setImmediate`). Real delays are
 *   at least the virtual ones (an earlier event that slips in restarts the wait for a later one).
 *   Use it to see latency as an application would.
 * - `'virtual'`: every event runs on the next macrotask and the virtual clock jumps to its due
 *   time, so latencies and timeouts cost no wall-clock time but keep their order.
 */
export type SimTiming = 'real' | 'virtual';

/** One delivered event, as reported to `SimNetworkOptions.trace`. */
export interface SimTraceEntry {
  /** Virtual time (ms since the network was created) at which the event ran. */
  readonly time: number;
  /** Scheduling order; ties in `time` run in ascending `seq`. */
  readonly seq: number;
  /** What happened, e.g. `"client → server data 5 bytes"`. */
  readonly label: string;
}

/** A scheduled event that may be cancelled before it runs. */
export interface SimScheduledEvent {
  /** Drop the event if it has not run yet. Idempotent; a no-op once it ran. */
  cancel(): void;
}

interface QueuedEvent extends SimScheduledEvent {
  readonly due: number;
  readonly seq: number;
  readonly label: string;
  readonly run: () => void;
  cancelled: boolean;
}

/**
 * The single event queue of one `SimNetwork`. Events run one per macrotask, ordered by due time
 * and then by the order they were scheduled, against a virtual clock that only advances when an
 * event runs; so with zero latency the order of events is a pure function of the calls made.
 * Owners' callbacks only ever run from here, which is what makes every contract callback
 * asynchronous.
 */
export class SimScheduler {
  private virtualNow = 0;
  private nextSeq = 0;
  private readonly heap: QueuedEvent[] = [];
  private liveEvents = 0;
  private timer:
    | { kind: 'immediate'; handle: NodeJS.Immediate }
    | { kind: 'timeout'; handle: NodeJS.Timeout }
    | undefined;
  private armedFor: QueuedEvent | undefined;
  private idleCheck: NodeJS.Immediate | undefined;
  private idleWaiters: Array<() => void> = [];
  private isClosed = false;

  constructor(
    private readonly timing: SimTiming,
    private readonly trace?: (entry: SimTraceEntry) => void,
  ) {}

  /** Current virtual time in ms. */
  get now(): number {
    return this.virtualNow;
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Number of events waiting to run. */
  get pending(): number {
    return this.liveEvents;
  }

  /** Run `run` `delayMs` after the current virtual time (0 = next macrotask). */
  schedule(delayMs: number, label: string, run: () => void): SimScheduledEvent {
    return this.scheduleAt(this.virtualNow + Math.max(0, delayMs), label, run);
  }

  /** Run `run` at virtual time `due` (never earlier than now). */
  scheduleAt(due: number, label: string, run: () => void): SimScheduledEvent {
    if (this.isClosed) return { cancel() {} };
    const event: QueuedEvent = {
      due: Math.max(due, this.virtualNow),
      seq: this.nextSeq++,
      label,
      run,
      cancelled: false,
      cancel: () => {
        if (event.cancelled) return;
        event.cancelled = true;
        this.liveEvents--;
        if (this.armedFor === event) this.arm();
        else if (this.liveEvents === 0) this.arm();
      },
    };
    this.push(event);
    this.liveEvents++;
    this.cancelIdleCheck();
    if (this.armedFor === undefined || before(event, this.armedFor)) this.arm();
    return event;
  }

  /** Resolves once no event is pending (checked again on a later macrotask, so promise chains settle first). */
  idle(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.idleWaiters.push(resolve);
      if (this.liveEvents === 0) this.armIdleCheck();
    });
  }

  /** Drop every pending event, clear every timer and release `idle()` waiters. Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.clearTimer();
    this.cancelIdleCheck();
    for (const event of this.heap) event.cancelled = true;
    this.heap.length = 0;
    this.liveEvents = 0;
    this.releaseIdleWaiters();
  }

  private arm(): void {
    this.clearTimer();
    if (this.isClosed) return;
    const head = this.peek();
    if (head === undefined) {
      if (this.idleWaiters.length > 0) this.armIdleCheck();
      return;
    }
    this.armedFor = head;
    const delay = this.timing === 'virtual' ? 0 : head.due - this.virtualNow;
    if (delay <= 0) this.timer = { kind: 'immediate', handle: setImmediate(() => this.fire()) };
    else this.timer = { kind: 'timeout', handle: setTimeout(() => this.fire(), delay) };
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = undefined;
    const event = this.popLive();
    if (event === undefined) {
      this.arm();
      return;
    }
    this.liveEvents--;
    // From here on the event counts as done: cancelling it (say, from its own run) is a no-op.
    event.cancelled = true;
    this.virtualNow = Math.max(this.virtualNow, event.due);
    try {
      this.trace?.({ time: this.virtualNow, seq: event.seq, label: event.label });
      event.run();
    } finally {
      // Re-arm even when an owner's callback threw: the error surfaces as an uncaught exception,
      // as it would from a real socket's event handler, and the network keeps running.
      this.arm();
    }
  }

  private clearTimer(): void {
    if (this.timer?.kind === 'immediate') clearImmediate(this.timer.handle);
    else if (this.timer?.kind === 'timeout') clearTimeout(this.timer.handle);
    this.timer = undefined;
    this.armedFor = undefined;
  }

  private armIdleCheck(): void {
    if (this.idleCheck !== undefined) return;
    this.idleCheck = setImmediate(() => {
      this.idleCheck = undefined;
      if (this.liveEvents === 0) this.releaseIdleWaiters();
    });
  }

  private cancelIdleCheck(): void {
    if (this.idleCheck !== undefined) clearImmediate(this.idleCheck);
    this.idleCheck = undefined;
  }

  private releaseIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private peek(): QueuedEvent | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap[0];
  }

  private popLive(): QueuedEvent | undefined {
    return this.peek() === undefined ? undefined : this.pop();
  }

  private push(event: QueuedEvent): void {
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): QueuedEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
        if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
        i = smallest;
      }
    }
    return top;
  }
}

function before(a: QueuedEvent, b: QueuedEvent): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
