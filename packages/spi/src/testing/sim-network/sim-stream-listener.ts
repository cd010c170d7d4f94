/**
 * A listening simulated TCP port, with a backlog of connections not yet taken by their owner.
 * @module
 */

import type { NetEndpoint, StreamConnection, StreamListener } from '../../transport/stream-network';

/**
 * A listening simulated TCP port. `backlog` bounds the connections handed to `onConnection` whose
 * owner has not yet called `setHandlers` (the sim's analogue of connections waiting for
 * `accept`); a SYN beyond it is refused with RST, which the client sees as `ECONNREFUSED`, as
 * Windows does when a listen queue is full.
 */
export class SimStreamListener implements StreamListener {
  private isClosed = false;
  private waitingForAccept = 0;

  constructor(
    readonly local: NetEndpoint,
    readonly backlog: number,
    readonly onConnection: (connection: StreamConnection) => void,
    private readonly onClose: () => void,
  ) {}

  /** Whether `close()` was called (or the host crashed). */
  get closed(): boolean {
    return this.isClosed;
  }

  /** Whether one more connection fits in the backlog. */
  get hasRoom(): boolean {
    return this.waitingForAccept < this.backlog;
  }

  /** A connection was handed out and counts against the backlog until its owner wires it. */
  enqueue(): () => void {
    this.waitingForAccept++;
    let dequeued = false;
    return () => {
      if (dequeued) return;
      dequeued = true;
      this.waitingForAccept--;
    };
  }

  /** Stop accepting and free the port; connections already handed out carry on. Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.onClose();
  }
}
