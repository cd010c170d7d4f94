/**
 * The per-socket network event record behind `WSPEventSelect`, `WSPAsyncSelect` and
 * `WSPEnumNetworkEvents`, with Windows' re-enabling rule: once an `FD_*` event has been recorded
 * (and the event object set, or the message posted) it is not recorded again until the
 * application calls the function that re-enables it — `FD_READ`/`FD_OOB` any receive, `FD_WRITE`
 * a send, `FD_ACCEPT` an accept (unless it answered `WSATRY_AGAIN`), `FD_CONNECT` a connect;
 * `FD_CLOSE` is recorded once — for event objects once in the socket's life, even across
 * `WSAEventSelect` calls, while a new `WSAAsyncSelect` posts it again.
 * @module
 */

import { FD_CLOSE, FD_MAX_EVENTS } from '../constants/network-events';
import type { HWND, SOCKET, WSAEVENT, WSANETWORKEVENTS } from '../spi/wsp-types';

/** How the recorder reaches the application: the upcalls `WPUSetEvent` and `WPUPostMessage`. */
export interface NetworkEventSink {
  setEvent(hEvent: WSAEVENT): void;
  postMessage(hWnd: HWND, wMsg: number, wParam: number, lParam: number): void;
}

/** `WSAMAKESELECTREPLY(event, error)`: the `lParam` of a `WSAAsyncSelect` message. */
export function makeSelectReply(event: number, error: number): number {
  return ((error & 0xffff) << 16) | (event & 0xffff);
}

function bitOf(event: number): number {
  return 31 - Math.clz32(event);
}

/** One socket's event selection and record. */
export class NetworkEventRecorder {
  private selected = 0;
  private event: WSAEVENT | null = null;
  private window: { hWnd: HWND; wMsg: number } | null = null;
  private recorded = 0;
  private readonly errors: number[] = new Array(FD_MAX_EVENTS).fill(0);
  private disabled = 0;
  private muted = false;
  /** FD_CLOSE was recorded for an event object (see `signal`). */
  private closeReachedEvent = false;

  constructor(
    private readonly sink: NetworkEventSink,
    private readonly socket: () => SOCKET,
  ) {}

  /** The events currently selected (0 when no selection is in force). */
  get selection(): number {
    return this.selected;
  }

  /** True while `WSPEventSelect` or `WSPAsyncSelect` has events selected. */
  get active(): boolean {
    return this.selected !== 0;
  }

  /** `WSPEventSelect`: replaces any earlier selection and clears the record. */
  eventSelect(hEvent: WSAEVENT | null, events: number): void {
    this.reset();
    this.selected = events;
    this.event = events ? hEvent : null;
  }

  /** `WSPAsyncSelect`: replaces any earlier selection and clears the record. */
  asyncSelect(hWnd: HWND | null, wMsg: number, events: number): void {
    this.reset();
    this.selected = hWnd ? events : 0;
    this.window = hWnd && events ? { hWnd, wMsg } : null;
  }

  /** Copy the listening socket's selection to an accepted socket, as `WSPAccept` must. */
  inheritFrom(listener: NetworkEventRecorder): void {
    this.reset();
    this.selected = listener.selected;
    this.event = listener.event;
    this.window = listener.window;
  }

  /** Record `event` with `error` unless it is unselected or still awaiting its re-enabling call. */
  signal(event: number, error = 0): void {
    if (this.muted || !(this.selected & event) || this.disabled & event) return;
    // FD_CLOSE reaches an event object once in the socket's life: selecting again with
    // WSAEventSelect does not record it again, while WSAAsyncSelect posts it again (Windows).
    if (event === FD_CLOSE && this.event) {
      if (this.closeReachedEvent) return;
      this.closeReachedEvent = true;
    }
    this.disabled |= event;
    this.recorded |= event;
    this.errors[bitOf(event)] = error;
    if (this.event) this.sink.setEvent(this.event);
    if (this.window)
      this.sink.postMessage(this.window.hWnd, this.window.wMsg, this.socket(), makeSelectReply(event, error));
  }

  /** The re-enabling call for `events` was made. */
  reenable(events: number): void {
    this.disabled &= ~events;
  }

  /** True when `event` is recorded but not yet enumerated. */
  isRecorded(event: number): boolean {
    return (this.recorded & event) !== 0;
  }

  /** `WSPEnumNetworkEvents`: report the record and clear it. */
  enumerate(out: WSANETWORKEVENTS): void {
    out.lNetworkEvents = this.recorded & this.selected;
    for (let i = 0; i < FD_MAX_EVENTS; i++)
      out.iErrorCode[i] = this.recorded & (1 << i) ? this.errors[i]! : 0;
    this.recorded = 0;
    this.errors.fill(0);
  }

  /** Stop signalling for good: `WSPCleanup` cancels without notification. */
  mute(): void {
    this.muted = true;
  }

  private reset(): void {
    this.selected = 0;
    this.event = null;
    this.window = null;
    this.recorded = 0;
    this.disabled = 0;
    this.errors.fill(0);
  }
}
