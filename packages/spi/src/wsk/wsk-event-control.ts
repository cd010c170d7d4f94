/**
 * Enabling and disabling event callbacks: `WskControlSocket(WskSetOption, SO_WSK_EVENT_CALLBACK,
 * SOL_SOCKET, …, WSK_EVENT_CALLBACK_CONTROL)`. The rules, as Windows states them:
 *
 * - Enable several events at once (OR their flags), without an IRP (one given is
 *   `STATUS_INVALID_PARAMETER`). Only the category's events may be named, and each needs its
 *   callback in the socket's client dispatch table.
 * - Disable one event per call, `EventMask = flag | WSK_EVENT_DISABLE`; an IRP is optional. With no
 *   callback of that event running, it is disabled and the call succeeds; while one runs (the
 *   callback itself disabling its event) the call returns `STATUS_PENDING` and completes the IRP
 *   when the callback returns, or without an IRP returns `STATUS_EVENT_PENDING`.
 * - Connection sockets must be connected, listen and datagram sockets bound, before events are
 *   enabled (`STATUS_INVALID_DEVICE_STATE`, and the verifier's `events-before-ready`).
 * - Connection events enabled on a listening socket are inherited by the sockets accepted through
 *   `WskAcceptEvent` (not `WskAccept`), and cannot be disabled on the listening socket
 *   (`STATUS_INVALID_DEVICE_STATE`).
 * - `NpiId` must be `NPI_WSK_INTERFACE_ID`: this provider registers no extension interfaces
 *   (`STATUS_NOT_SUPPORTED`).
 * @module
 */

import type { GUID } from '../types/guid';
import { completeIrp, type IRP, pendIrp } from './irp';
import {
  type NTSTATUS,
  STATUS_EVENT_PENDING,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_NOT_SUPPORTED,
  STATUS_SUCCESS,
} from './ntstatus';
import {
  NPI_WSK_INTERFACE_ID,
  WSK_EVENT_ACCEPT,
  WSK_EVENT_DISABLE,
  WSK_EVENT_DISCONNECT,
  WSK_EVENT_RECEIVE,
  WSK_EVENT_RECEIVE_FROM,
  WSK_EVENT_SEND_BACKLOG,
  WSK_FLAG_CONNECTION_SOCKET,
  WSK_FLAG_DATAGRAM_SOCKET,
  WSK_FLAG_LISTEN_SOCKET,
} from './wsk-constants';
import type { WskVerifier } from './wsk-verifier';

/** `WSK_EVENT_CALLBACK_CONTROL`. */
export interface WSK_EVENT_CALLBACK_CONTROL {
  /** `NPI_WSK_INTERFACE_ID` for the standard events. */
  NpiId: GUID;
  /** The `WSK_EVENT_*` flags to enable, or one of them with `WSK_EVENT_DISABLE` to disable it. */
  EventMask: number;
}

/** The events of a connection (also enabled on listening sockets, for the sockets they accept). */
export const CONNECTION_EVENTS = WSK_EVENT_SEND_BACKLOG | WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT;

/** The events a socket category may enable. */
export function eventsOfCategory(category: number): number {
  switch (category) {
    case WSK_FLAG_CONNECTION_SOCKET:
      return CONNECTION_EVENTS;
    case WSK_FLAG_LISTEN_SOCKET:
      return WSK_EVENT_ACCEPT | CONNECTION_EVENTS;
    case WSK_FLAG_DATAGRAM_SOCKET:
      return WSK_EVENT_RECEIVE_FROM;
    default:
      return 0;
  }
}

/** Which events of a socket are enabled, which callbacks run now, and disables waiting for them. */
export class WskEventState {
  /** The enabled events (`WSK_EVENT_*` flags). */
  enabled = 0;
  private running = new Map<number, number>();
  private waiting: Array<{ flag: number; irp: IRP }> = [];

  /** True when the event of `flag` (`WSK_EVENT_RECEIVE` …) is enabled. */
  isEnabled(flag: number): boolean {
    return (this.enabled & flag) !== 0;
  }

  /** A callback of `flag` is running now. */
  isRunning(flag: number): boolean {
    return (this.running.get(flag) ?? 0) > 0;
  }

  /** A callback of `flag` starts. */
  enter(flag: number): void {
    this.running.set(flag, (this.running.get(flag) ?? 0) + 1);
  }

  /** A callback of `flag` returned: disables that waited for it complete. */
  leave(flag: number): void {
    const left = (this.running.get(flag) ?? 1) - 1;
    this.running.set(flag, left);
    if (left > 0 || this.waiting.length === 0) return;
    const done = this.waiting.filter((w) => w.flag === flag);
    this.waiting = this.waiting.filter((w) => w.flag !== flag);
    for (const w of done) completeIrp(w.irp, STATUS_SUCCESS, 0, 'WskControlSocket');
  }

  /** Adds a disable IRP that completes when the running callback of `flag` returns. */
  waitForCallback(flag: number, irp: IRP): NTSTATUS {
    this.waiting.push({ flag, irp });
    return pendIrp(irp, null);
  }

  /** The socket closes: disables still waiting complete now (the callbacks are done by then). */
  flush(): void {
    for (const w of this.waiting.splice(0)) completeIrp(w.irp, STATUS_SUCCESS, 0, 'WskControlSocket');
  }
}

/** What `setEventCallbacks` needs of a socket. */
export interface EventControlHost {
  /** The socket's category (`WSK_FLAG_CONNECTION_SOCKET` …): which events it can have. */
  readonly category: number;
  /** Its event state. */
  readonly events: WskEventState;
  /** The verifier that hears of events enabled too early (`events-before-ready`). */
  readonly verifier: WskVerifier;
  /** Connected (connection sockets) or bound (listen, datagram). */
  eventsReady(): boolean;
  /** The socket's client dispatch table has the callback of `flag`. */
  hasCallback(flag: number): boolean;
  /** Events were just enabled (data or a disconnect waiting may now be indicated). */
  eventsEnabled(mask: number): void;
}

function isControl(value: unknown): value is WSK_EVENT_CALLBACK_CONTROL {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as WSK_EVENT_CALLBACK_CONTROL).NpiId === 'string' &&
    typeof (value as WSK_EVENT_CALLBACK_CONTROL).EventMask === 'number'
  );
}

function finish(irp: IRP | null, status: NTSTATUS): NTSTATUS {
  if (irp) completeIrp(irp, status, 0, 'WskControlSocket');
  return status;
}

/** `SO_WSK_EVENT_CALLBACK` (see the module comment). `irp` is the caller's (taken), or null. */
export function setEventCallbacks(host: EventControlHost, control: unknown, irp: IRP | null): NTSTATUS {
  if (!isControl(control)) return finish(irp, STATUS_INVALID_PARAMETER);
  if (control.NpiId.toLowerCase() !== NPI_WSK_INTERFACE_ID) return finish(irp, STATUS_NOT_SUPPORTED);
  const mask = control.EventMask >>> 0;
  const valid = eventsOfCategory(host.category);
  if (mask & WSK_EVENT_DISABLE) {
    const flag = (mask & ~WSK_EVENT_DISABLE) >>> 0;
    // One event per disable.
    if (flag === 0 || (flag & (flag - 1)) !== 0 || (flag & ~valid) !== 0) {
      return finish(irp, STATUS_INVALID_PARAMETER);
    }
    if (host.category === WSK_FLAG_LISTEN_SOCKET && flag & CONNECTION_EVENTS && host.events.isEnabled(flag)) {
      return finish(irp, STATUS_INVALID_DEVICE_STATE);
    }
    host.events.enabled &= ~flag;
    if (host.events.isRunning(flag)) {
      return irp ? host.events.waitForCallback(flag, irp) : STATUS_EVENT_PENDING;
    }
    return finish(irp, STATUS_SUCCESS);
  }
  if (irp) return finish(irp, STATUS_INVALID_PARAMETER);
  if (mask === 0 || (mask & ~valid) !== 0) return STATUS_INVALID_PARAMETER;
  if (!host.eventsReady()) {
    host.verifier.report(
      'events-before-ready',
      'WskControlSocket',
      host.category === WSK_FLAG_CONNECTION_SOCKET
        ? 'events enabled on a connection socket that is not connected'
        : 'events enabled on a socket that is not bound',
    );
    return STATUS_INVALID_DEVICE_STATE;
  }
  for (let flag = 1; flag !== 0 && flag <= mask; flag <<= 1) {
    if (mask & flag && !host.hasCallback(flag)) return STATUS_INVALID_PARAMETER;
  }
  host.events.enabled |= mask;
  host.eventsEnabled(mask);
  return STATUS_SUCCESS;
}
