import type { WsaEventObject } from '../spi/wsp-types';

let nextEventId = 1;

/**
 * A manual-reset event object (`WSACreateEvent`, `WPUCreateEvent`): signalled or not, and awaitable.
 * Setting it wakes every waiter; it stays signalled until reset.
 */
export class WsaEvent implements WsaEventObject {
  readonly id = nextEventId++;
  private state = false;
  private closed = false;
  private waiters = new Set<() => void>();

  /** True while the event is set. */
  get signalled(): boolean {
    return this.state;
  }

  /** True after `WSACloseEvent` / `WPUCloseEvent`: the handle is no longer valid. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** `WSASetEvent`. */
  set(): void {
    this.state = true;
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiters) wake();
  }

  /** `WSAResetEvent`. */
  reset(): void {
    this.state = false;
  }

  /** `WSACloseEvent`: waiters are woken so nobody waits for ever on a closed event. */
  close(): void {
    this.closed = true;
    this.set();
  }

  /** Resolves when the event is (or becomes) signalled; `cancel` stops waiting. */
  wait(): {
    /** Settles when the event is signalled. */
    promise: Promise<void>;
    /** Stops waiting: the promise never settles, and nothing is left behind. */
    cancel: () => void;
  } {
    if (this.state) return { promise: Promise.resolve(), cancel: () => {} };
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => {
      wake = resolve;
    });
    this.waiters.add(wake);
    return { promise, cancel: () => this.waiters.delete(wake) };
  }
}

/**
 * True for an event object made by this dispatcher. Never throws: `instanceof` on a Proxy runs its
 * `getPrototypeOf` trap, which may.
 */
export function isWsaEvent(value: unknown): value is WsaEvent {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return value instanceof WsaEvent;
  } catch {
    return false;
  }
}
