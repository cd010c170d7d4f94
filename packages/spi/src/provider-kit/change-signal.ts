/**
 * A level-free wake-up for blocked Winsock calls. A blocking `WSPRecv`, `WSPSend`, `WSPAccept` or
 * `WSPSelect` re-checks its socket after every change; the socket calls `notify()` whenever
 * something a blocked call could be waiting for happens (data, drain, FIN, reset, close).
 * @module
 */

/** Wakes every current waiter on `notify()`; waiters then re-check their condition and wait again. */
export class ChangeSignal {
  /** The calls waiting; made by the first, dropped when the last is woken. */
  private waiters: Set<(notified: boolean) => void> | null = null;

  /** Number of calls currently waiting. */
  get waiting(): number {
    return this.waiters?.size ?? 0;
  }

  /**
   * Resolves true on the next `notify()`, or false after `timeoutMs` (no timeout when undefined).
   * The timer is always cleared, so nothing is left behind.
   */
  wait(timeoutMs?: number): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const wake = (notified: boolean): void => {
        if (timer) clearTimeout(timer);
        if (this.waiters?.delete(wake) && this.waiters.size === 0) this.waiters = null;
        resolve(notified);
      };
      this.waiters ??= new Set();
      this.waiters.add(wake);
      if (timeoutMs !== undefined) timer = setTimeout(() => wake(false), Math.max(0, timeoutMs));
    });
  }

  /** Wake every waiter. */
  notify(): void {
    // Called on every byte that arrives, usually with nobody waiting: no copy then.
    if (this.waiters === null) return;
    // A copy, so a waiter that waits again while being woken is left for the next notify.
    for (const wake of [...this.waiters]) wake(true);
  }
}
