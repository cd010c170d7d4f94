import { AsyncLocalStorage } from 'node:async_hooks';

/** The cell one execution context reads `WSAGetLastError` from. */
interface ErrorCell {
  value: number;
}

/**
 * `WSAGetLastError` / `WSASetLastError` per "thread". Windows keeps the last error per thread; here a
 * thread is an async execution context. Every call that can set the error first gives the calling
 * context a fresh cell (inheriting the current value) with `enterWith`, and later writes only that
 * cell — also when an async call completes. Because the caller's continuation after `await`
 * resumes in the context captured at the call, it reads its own cell, and two concurrent flows can
 * never see each other's error. A public call claims exactly once; calls composed of others (`recv`
 * over `WSARecv`, `WSAPoll` over `WSPSelect`) use the dispatcher's outcome-returning cores, so no
 * inner claim can take the caller's cell away.
 */
export class LastErrorSlot {
  private readonly storage = new AsyncLocalStorage<ErrorCell>();

  /** The current context's last error (`WSAGetLastError`). */
  get(): number {
    return this.storage.getStore()?.value ?? 0;
  }

  /** Sets the current context's last error (`WSASetLastError`). */
  set(code: number): void {
    this.storage.enterWith({ value: code });
  }

  /**
   * Gives the calling context its own cell and returns it, so an asynchronous call can write its
   * result error there when it completes.
   */
  claim(): ErrorCell {
    const cell = { value: this.get() };
    this.storage.enterWith(cell);
    return cell;
  }
}
