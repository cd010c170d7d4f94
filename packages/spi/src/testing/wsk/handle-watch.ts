/**
 * `HandleWatch`: which sockets, servers, datagram ports and timers were created while it watched
 * and are still alive — the check that a WSK session (or anything else) leaves nothing behind once
 * it says it is done. It follows the resources through `async_hooks` from their creation to their
 * destruction, so handles other code opened before the watch started do not count.
 * @module
 */

import { type AsyncHook, createHook } from 'node:async_hooks';

/** The resource types watched: TCP sockets and servers, UDP sockets, timers. */
export const WATCHED_RESOURCES: ReadonlySet<string> = new Set([
  'TCPWRAP',
  'TCPSERVERWRAP',
  'UDPWRAP',
  'Timeout',
]);

/**
 * Created by the test runner itself (Jest's reporters time their status line even in a run in one
 * process): not the watched code's, so not counted.
 */
const TEST_RUNNER_FRAME = /[\\/]node_modules[\\/](?:@jest[\\/]|jest-)/;

/**
 * Watches the creation and destruction of sockets, servers, datagram ports and timers.
 * @example
 * const watch = new HandleWatch();
 * const client = await WskTestClient.start(wsk);
 * // … listen, connect, send, leave a receive pending …
 * await client.end();
 * expect((await watch.settle()).length === 0 ? [] : watch.creators()).toEqual([]);
 */
export class HandleWatch {
  private readonly live = new Map<number, { type: string; stack: string }>();
  private readonly hook: AsyncHook;

  /** Starts watching. */
  constructor() {
    this.hook = createHook({
      init: (asyncId, type) => {
        if (!WATCHED_RESOURCES.has(type)) return;
        const stack = new Error(type).stack ?? type;
        if (!TEST_RUNNER_FRAME.test(stack)) this.live.set(asyncId, { type, stack });
      },
      destroy: (asyncId) => {
        this.live.delete(asyncId);
      },
    }).enable();
  }

  /** The types of what was created since the watch started and is still alive. */
  alive(): string[] {
    return [...this.live.values()].map((r) => r.type).sort();
  }

  /** Where each resource still alive was created: its type and the stack that created it. */
  creators(): string[] {
    return [...this.live.values()].map((r) => r.stack);
  }

  /**
   * Stops watching once everything created is gone (Node destroys a closed handle on a later turn),
   * or after `turns` turns of the event loop; returns what is still alive then.
   */
  async settle(turns = 200): Promise<string[]> {
    for (let i = 0; i < turns && this.live.size > 0; i++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.hook.disable();
    return this.alive();
  }
}
