/**
 * One overlapped request as a provider drives it: it may pend, and it completes exactly once.
 * The process's I/O manager hands IFS providers one per request (`ProcessIoExports`); it writes
 * the `OVERLAPPED`, sets the event, runs the completion routine or queues the port packet.
 * @module
 */

/** An overlapped request in flight. Both members are no-ops for a call made without an `OVERLAPPED`. */
export interface OverlappedRequest {
  /** The request pends: `Internal` becomes `STATUS_PENDING` (`WSS_OPERATION_IN_PROGRESS`). */
  pending(): void;
  /**
   * The request completed with Winsock error `error` (0 for success), `bytes` transferred and the
   * output `flags` of a receive. `synchronous`: it completed before its call returned. Only the
   * first call counts.
   */
  complete(error: number, bytes: number, flags: number, synchronous: boolean): void;
}
