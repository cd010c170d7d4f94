import { AsyncLocalStorage } from 'node:async_hooks';
import type { SOCKET } from '../spi/wsp-types';

/**
 * Re-entrancy detection. Windows leaves a call into a provider from inside one of that provider's
 * own callbacks (a `WSAAccept` condition function, a blocking hook) undefined; ws2spi makes it
 * deterministic: such a call on the same socket fails with `WSAEINPROGRESS`.
 *
 * Every provider call runs inside an async context that records the sockets it is working on.
 * Application code the provider calls synchronously inherits that context and is caught; code that
 * merely awaits a provider call resumes in its own context and is not.
 */
export class ReentrancyGuard {
  private readonly storage = new AsyncLocalStorage<ReadonlySet<SOCKET>>();

  /** True when the caller is running inside a provider call on `s`. */
  isInside(s: SOCKET): boolean {
    return this.storage.getStore()?.has(s) ?? false;
  }

  /** Runs `fn` as a provider call on the given sockets. */
  run<T>(sockets: readonly SOCKET[], fn: () => T): T {
    const outer = this.storage.getStore();
    const inside = new Set(outer);
    for (const s of sockets) inside.add(s);
    return this.storage.run(inside, fn);
  }

  /** Runs `fn` outside every provider call (for APCs and posted messages, which Windows runs later on the target thread). */
  runOutside<T>(fn: () => T): T {
    return this.storage.exit(fn);
  }
}
