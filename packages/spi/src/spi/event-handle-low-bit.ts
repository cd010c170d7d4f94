/**
 * `hEvent | 1`. A completion-port application that wants one request completed by its event only,
 * with no packet queued to the port, sets the low-order bit of the event handle in the
 * `OVERLAPPED` (`ov.hEvent = (HANDLE)((ULONG_PTR)event | 1)`). Event handles are objects here, so
 * the low bit is a wrapper: `eventHandleWithLowBit(event)` is `event | 1`, and the completion path
 * signals the event inside it and queues no packet.
 * @module
 */

import type { WSAEVENT, WsaEventObject } from './wsp-types';

/** An event handle with its low-order bit set: the event is signalled, no port packet is queued. */
export class LowBitEventHandle implements WsaEventObject {
  constructor(
    /** The event itself, the handle without its low bit: the one a completion signals. */
    readonly event: WSAEVENT,
  ) {}

  get id(): number {
    return this.event.id;
  }

  get signalled(): boolean {
    return this.event.signalled;
  }
}

/** `(HANDLE)((ULONG_PTR)hEvent | 1)`. */
export function eventHandleWithLowBit(hEvent: WSAEVENT): WSAEVENT {
  return hEvent instanceof LowBitEventHandle ? hEvent : new LowBitEventHandle(hEvent);
}

/** The event an `OVERLAPPED.hEvent` names, and whether its low bit asks for no port packet. */
export function eventOfHandle(hEvent: WSAEVENT | null | undefined): {
  /** The event a completion signals (the low bit cleared), or null when `hEvent` names none. */
  event: WSAEVENT | null;
  /** True when the low bit was set: the completion queues no packet to the socket's port. */
  noPortPacket: boolean;
} {
  if (hEvent instanceof LowBitEventHandle) return { event: hEvent.event, noPortPacket: true };
  return { event: hEvent ?? null, noPortPacket: false };
}
