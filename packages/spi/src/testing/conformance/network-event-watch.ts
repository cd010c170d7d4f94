/**
 * A socket watched with `WSAEventSelect`, whose `WSAEnumNetworkEvents` records are kept in one log
 * so a test can compare the whole sequence of network events a socket went through.
 * @module
 */

import { wsaErrorName } from '../../constants/error-codes';
import {
  FD_ACCEPT,
  FD_ADDRESS_LIST_CHANGE,
  FD_CLOSE,
  FD_CONNECT,
  FD_GROUP_QOS,
  FD_OOB,
  FD_QOS,
  FD_READ,
  FD_ROUTING_INTERFACE_CHANGE,
  FD_WRITE,
} from '../../constants/network-events';
import { WSA_WAIT_FAILED, WSA_WAIT_TIMEOUT } from '../../constants/socket-api';
import type { Ws2 } from '../../dispatcher/ws2';
import { emptyNetworkEvents, type SOCKET, type WSAEVENT } from '../../spi/wsp-types';

/**
 * The order events recorded in one `WSAEnumNetworkEvents` call are logged in: the order they can
 * happen on a connection (connected, writable, data, closed). One enumeration can report several
 * events at once and says nothing of their order; logging them causally keeps the log the same
 * whether the events arrived in one enumeration or in several.
 */
const CAUSAL_ORDER: readonly [number, string][] = [
  [FD_CONNECT, 'FD_CONNECT'],
  [FD_ACCEPT, 'FD_ACCEPT'],
  [FD_WRITE, 'FD_WRITE'],
  [FD_OOB, 'FD_OOB'],
  [FD_READ, 'FD_READ'],
  [FD_CLOSE, 'FD_CLOSE'],
  [FD_QOS, 'FD_QOS'],
  [FD_GROUP_QOS, 'FD_GROUP_QOS'],
  [FD_ROUTING_INTERFACE_CHANGE, 'FD_ROUTING_INTERFACE_CHANGE'],
  [FD_ADDRESS_LIST_CHANGE, 'FD_ADDRESS_LIST_CHANGE'],
];

/**
 * `FD_READ | FD_CLOSE` → `'FD_READ|FD_CLOSE'`.
 *
 * @example
 * networkEventNames(FD_READ | FD_CLOSE);   // 'FD_READ|FD_CLOSE'
 */
export function networkEventNames(events: number): string {
  const names = CAUSAL_ORDER.filter(([bit]) => events & bit).map(([, name]) => name);
  return names.length > 0 ? names.join('|') : '0';
}

/**
 * One socket under `WSAEventSelect(s, event, mask)` (which also makes it non-blocking, as on
 * Windows). Every enumeration is appended to `log` as `'FD_X:ERROR_NAME'` entries.
 *
 * @example
 * const watch = h.watch(h.client, client, FD_READ | FD_CLOSE);
 * // … the peer closes …
 * await watch.until(FD_CLOSE);
 * expect(watch.log).toContain('FD_CLOSE:NO_ERROR');
 */
export class NetworkEventWatch {
  /** Every event enumerated so far, e.g. `['FD_WRITE:NO_ERROR', 'FD_CLOSE:WSAECONNABORTED']`. */
  readonly log: string[] = [];
  /** `lNetworkEvents` of each enumeration, in order. */
  private readonly records: number[] = [];
  private closed = false;

  private constructor(
    private readonly ws2: Ws2,
    /** The watched socket. */
    readonly socket: SOCKET,
    private readonly event: WSAEVENT,
    private readonly timeoutMs: number,
  ) {}

  /** `WSACreateEvent` + `WSAEventSelect(s, event, mask)`; throws if either fails. */
  static start(ws2: Ws2, s: SOCKET, mask: number, timeoutMs: number): NetworkEventWatch {
    const event = ws2.WSACreateEvent();
    if (!event) throw new Error(`WSACreateEvent failed: ${wsaErrorName(ws2.WSAGetLastError())}`);
    if (ws2.WSAEventSelect(s, event, mask) !== 0) {
      const error = wsaErrorName(ws2.WSAGetLastError());
      ws2.WSACloseEvent(event);
      throw new Error(`WSAEventSelect(${s}, ${networkEventNames(mask)}) failed: ${error}`);
    }
    return new NetworkEventWatch(ws2, s, event, timeoutMs);
  }

  /** The union of every event enumerated so far. */
  get seen(): number {
    return this.seenSince(0);
  }

  private seenSince(record: number): number {
    return this.records.slice(record).reduce((all, events) => all | events, 0);
  }

  /** `WSAEnumNetworkEvents` once, without waiting; appends what it reports to the log. */
  poll(): void {
    const record = emptyNetworkEvents();
    if (this.ws2.WSAEnumNetworkEvents(this.socket, this.event, record) !== 0) {
      throw new Error(
        `WSAEnumNetworkEvents(${this.socket}) failed: ${wsaErrorName(this.ws2.WSAGetLastError())}`,
      );
    }
    for (const [bit, name] of CAUSAL_ORDER) {
      if (!(record.lNetworkEvents & bit)) continue;
      const error = record.iErrorCode[31 - Math.clz32(bit)] ?? 0;
      this.log.push(`${name}:${wsaErrorName(error)}`);
    }
    this.records.push(record.lNetworkEvents);
  }

  /**
   * Waits (with `WSAWaitForMultipleEvents`, bounded) until every event in `events` has been
   * enumerated at least once since the watch started.
   */
  until(events: number): Promise<void> {
    return this.waitFor(events, 0);
  }

  /** Like `until`, counting only enumerations made from now on: waits for the events to be signalled again. */
  untilAgain(events: number): Promise<void> {
    return this.waitFor(events, this.records.length);
  }

  private async waitFor(events: number, fromRecord: number): Promise<void> {
    const deadline = Date.now() + this.timeoutMs;
    const done = (): boolean => (this.seenSince(fromRecord) & events) === events;
    for (;;) {
      this.poll();
      if (done()) return;
      const remaining = deadline - Date.now();
      const rc =
        remaining > 0
          ? await this.ws2.WSAWaitForMultipleEvents(1, [this.event], false, remaining, false)
          : WSA_WAIT_TIMEOUT;
      if (rc === WSA_WAIT_FAILED) {
        throw new Error(`WSAWaitForMultipleEvents failed: ${wsaErrorName(this.ws2.WSAGetLastError())}`);
      }
      if (rc === WSA_WAIT_TIMEOUT) {
        this.poll();
        if (done()) return;
        throw new Error(
          `socket ${this.socket}: ${networkEventNames(events & ~this.seenSince(fromRecord))} not signalled within ` +
            `${this.timeoutMs} ms; events so far: [${this.log.join(', ')}]`,
        );
      }
    }
  }

  /** Ends the selection (`WSAEventSelect(s, NULL, 0)`, ignored if the socket is gone) and closes the event. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.ws2.WSAEventSelect(this.socket, null, 0);
    this.ws2.WSACloseEvent(this.event);
  }
}
