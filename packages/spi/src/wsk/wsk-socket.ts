/**
 * What every WSK socket category shares: the socket object behind `WSK_SOCKET`, the checks every
 * dispatch-table entry makes before it acts (`withSocket`), `WskControlSocket`'s common options and
 * `WskCloseSocket`.
 *
 * Checks, in order, so that bad input is an NTSTATUS and never a thrown exception:
 * 1. `Socket` is not a WSK socket → `STATUS_INVALID_PARAMETER` (nothing to complete: the IRP's
 *    owner is unknown).
 * 2. The IRP is missing where required, not an IRP, or still pending elsewhere →
 *    `STATUS_INVALID_PARAMETER`, the IRP left alone (`irp-reused-while-pending`).
 * 3. The socket was closed → `STATUS_INVALID_DEVICE_STATE` (`socket-closed`).
 * 4. The function belongs to another category's table → `STATUS_NOT_SUPPORTED`.
 * From there on the IRP is always completed, with the status the call returns or later.
 *
 * `WskCloseSocket` cancels every pending IRP of the socket (`STATUS_CANCELLED`), waits for event
 * callbacks in progress to return, releases the transport (abortively for a connection not yet
 * disconnected both ways), and completes its IRP once the transport let go.
 * @module
 */

import { SO_EXCLUSIVEADDRUSE, SO_RCVBUF, SO_REUSEADDR, SOL_SOCKET } from '../constants/socket-options';
import type { BindOptions, TransportDriver } from '../provider-kit/transport-driver';
import type { SOCKADDR } from '../types/sockaddr';
import { isGenuine } from './argument-guard';
import { completeIrp, type IRP, pendIrp, takeIrp, type ULONG_PTR } from './irp';
import { raiseToDispatchLevel, restoreIrql } from './irql';
import {
  type NTSTATUS,
  STATUS_ADDRESS_ALREADY_ASSOCIATED,
  STATUS_BUFFER_TOO_SMALL,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_NOT_SUPPORTED,
  STATUS_PENDING,
  STATUS_SUCCESS,
  STATUS_UNSUCCESSFUL,
} from './ntstatus';
import { wskStatusFromWsaError } from './transport-status';
import type { CallbackHost } from './wsk-callback-call';
import type { WskClient } from './wsk-client';
import { SO_WSK_EVENT_CALLBACK, WskGetOption, WskIoctl, WskSetOption } from './wsk-constants';
import { type EventControlHost, setEventCallbacks, WskEventState } from './wsk-event-control';
import { checkAddress } from './wsk-sockaddr';
import type { WSK_SOCKET } from './wsk-socket-types';
import type { WskTransportEntry } from './wsk-transport';
import { type WskVerifier, WskVerifierError } from './wsk-verifier';

/** `sizeof(ULONG)`: the size of an integer socket option. */
export const SIZEOF_ULONG = 4;
/** `sizeof(SIZE_T)` on 64-bit Windows: the output of the backlog queries. */
export const SIZEOF_SIZE_T = 8;

/** The answer to an option or IOCTL a category handles. */
export type ControlAnswer = { status: NTSTATUS; value?: unknown; size?: number } | null;

/** One `WskControlSocket` request, its arguments checked for type. */
export interface ControlRequest {
  /** `WskSetOption`, `WskGetOption` or `WskIoctl`. */
  RequestType: number;
  /** The option (`SO_RCVBUF` …) or I/O control code (`SIO_WSK_*`), as a ULONG. */
  ControlCode: number;
  /** The option's level (`SOL_SOCKET`, `IPPROTO_TCP` …); ignored for `WskIoctl`. */
  Level: number;
  /** Bytes of input the caller said it passes. */
  InputSize: number;
  /** The input: a number, a structure, an address … as the option takes it. */
  InputBuffer: unknown;
  /** Bytes of output the caller can take. */
  OutputSize: number;
}

/** A WSK socket of any category. */
export abstract class WskSocketObject implements WSK_SOCKET, CallbackHost, EventControlHost {
  /** The socket's category (`WSK_FLAG_LISTEN_SOCKET` …). */
  abstract readonly category: number;
  /** Which events are enabled, and which callbacks run now. */
  readonly events = new WskEventState();
  /** Callbacks of this socket running now (a close called from one waits for it to return). */
  callbackDepth = 0;
  /** `WskCloseSocket` was called. */
  closeRequested = false;
  /** The close finished: the socket left its client. */
  closed = false;
  /** `SO_RCVBUF`: how much received data WSK holds before it stops reading the transport. */
  receiveBufferSize: number;
  /** `SO_REUSEADDR` / `SO_EXCLUSIVEADDRUSE`, for the driver when the socket binds. */
  protected readonly bindOptions: BindOptions = { reuseAddress: false, exclusiveAddressUse: false };
  /** A driver call (bind, listen, connect) not answered yet: a close waits for it. */
  private inFlight: Promise<unknown> | null = null;

  constructor(
    readonly Dispatch: object,
    readonly client: WskClient,
    readonly transport: WskTransportEntry,
    /** The context passed back to this socket's callbacks. */
    public context: unknown,
  ) {
    this.receiveBufferSize = client.provider.receiveBufferSize;
    client.addSocket(this);
  }

  /** The verifier of the socket's client. */
  get verifier(): WskVerifier {
    return this.client.verifier;
  }

  /** The transport driver that serves the socket. */
  get driver(): TransportDriver {
    return this.transport.driver;
  }

  // ---- event control (overridden per category) -------------------------------------------------

  /** The socket may have events enabled now: connected (connection sockets) or bound (listen, datagram). */
  eventsReady(): boolean {
    return false;
  }

  /** The client's dispatch table has the callback of the event `flag`. */
  hasCallback(_flag: number): boolean {
    return false;
  }

  /** Events of `mask` were just enabled: what already waits for them is indicated. */
  eventsEnabled(_mask: number): void {}

  // ---- WskControlSocket ----------------------------------------------------------------------------

  /** `WskControlSocket`. `irp` is the caller's (taken) or null; without one, sizes go to `OutputSizeReturned`. */
  controlSocket(
    request: ControlRequest,
    OutputBuffer: { value: unknown } | null,
    OutputSizeReturned: { value: number } | null,
    irp: IRP | null,
  ): NTSTATUS {
    const { RequestType, ControlCode, Level } = request;
    if (RequestType === WskSetOption && ControlCode === SO_WSK_EVENT_CALLBACK && Level === SOL_SOCKET) {
      return setEventCallbacks(this, request.InputBuffer, irp);
    }
    let answer: ControlAnswer;
    if (RequestType === WskSetOption && Level === SOL_SOCKET && ControlCode === SO_RCVBUF) {
      answer = this.setReceiveBuffer(request.InputBuffer);
    } else if (RequestType === WskGetOption && Level === SOL_SOCKET && ControlCode === SO_RCVBUF) {
      answer = { status: STATUS_SUCCESS, value: this.receiveBufferSize, size: SIZEOF_ULONG };
    } else if (RequestType === WskSetOption || RequestType === WskGetOption || RequestType === WskIoctl) {
      answer = this.control(request) ?? this.driverOption(request);
    } else {
      answer = { status: STATUS_INVALID_PARAMETER };
    }
    if (!answer) answer = { status: STATUS_NOT_SUPPORTED };
    let { status } = answer;
    const size = answer.size ?? 0;
    if (status === STATUS_SUCCESS && answer.value !== undefined) {
      if (request.OutputSize < size) status = STATUS_BUFFER_TOO_SMALL;
      else if (!OutputBuffer || typeof OutputBuffer !== 'object') status = STATUS_INVALID_PARAMETER;
      else if (!irp && (!OutputSizeReturned || typeof OutputSizeReturned !== 'object')) {
        status = STATUS_INVALID_PARAMETER;
      } else OutputBuffer.value = answer.value;
    }
    const returned = status === STATUS_SUCCESS ? size : 0;
    if (irp) {
      completeIrp(irp, status, returned, 'WskControlSocket');
    } else if (OutputSizeReturned && typeof OutputSizeReturned === 'object') {
      OutputSizeReturned.value = returned;
    }
    return status;
  }

  /** Options and IOCTLs of the category; null when it does not know the request. */
  protected control(_request: ControlRequest): ControlAnswer {
    return null;
  }

  private setReceiveBuffer(value: unknown): ControlAnswer {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
      return { status: STATUS_INVALID_PARAMETER };
    this.receiveBufferSize = value;
    this.receiveBufferChanged();
    return { status: STATUS_SUCCESS };
  }

  /** `SO_RCVBUF` changed. */
  protected receiveBufferChanged(): void {}

  /** `SO_REUSEADDR` and `SO_EXCLUSIVEADDRUSE`: read at any time, set only while `unbound`. */
  protected addressOption(request: ControlRequest, unbound: boolean): ControlAnswer {
    const { RequestType, ControlCode, Level, InputBuffer } = request;
    if (Level !== SOL_SOCKET || (ControlCode !== SO_REUSEADDR && ControlCode !== SO_EXCLUSIVEADDRUSE))
      return null;
    const key = ControlCode === SO_REUSEADDR ? 'reuseAddress' : 'exclusiveAddressUse';
    if (RequestType === WskGetOption)
      return { status: STATUS_SUCCESS, value: this.bindOptions[key], size: SIZEOF_ULONG };
    if (RequestType !== WskSetOption) return null;
    if (!unbound) return { status: STATUS_INVALID_DEVICE_STATE };
    this.bindOptions[key] = isOn(InputBuffer);
    return { status: STATUS_SUCCESS };
  }

  // ---- binding ------------------------------------------------------------------------------------

  /**
   * `WskBind`'s common part: `Flags` must be 0 (reserved), the socket not bound yet
   * (`STATUS_ADDRESS_ALREADY_ASSOCIATED`), the address one the transport can bind; then `bind`
   * runs, and the IRP completes with its status from the transport's path.
   */
  protected startBind(
    irp: IRP,
    LocalAddress: unknown,
    Flags: unknown,
    bound: boolean,
    bind: (address: SOCKADDR) => Promise<NTSTATUS>,
  ): NTSTATUS {
    if (Flags !== 0) return this.finish(irp, STATUS_INVALID_PARAMETER);
    if (bound) return this.finish(irp, STATUS_ADDRESS_ALREADY_ASSOCIATED);
    const bad = checkAddress(this.driver, LocalAddress, 'bind');
    if (bad) return this.finish(irp, bad);
    void bind(LocalAddress as SOCKADDR).then((status) => {
      if (irp.state === 'pending') this.completeFromTransport(irp, status);
    });
    return pendIrp(irp, null);
  }

  /** Starts a driver call and remembers it until it settles (a close waits for it). */
  protected track<T>(start: () => Promise<T>): Promise<T> {
    let attempt: Promise<T>;
    try {
      attempt = start();
    } catch (error) {
      attempt = Promise.reject(error);
    }
    const settled = attempt.then(
      () => undefined,
      () => undefined,
    );
    this.inFlight = settled;
    void settled.then(() => {
      if (this.inFlight === settled) this.inFlight = null;
    });
    return attempt;
  }

  /**
   * For `release`: when the driver still owes an answer (a binding or a connection to give back),
   * runs `release(done)` again once it came and returns true.
   */
  protected waitForDriver(done: () => void): boolean {
    const inFlight = this.inFlight;
    if (!inFlight) return false;
    void inFlight.then(() => queueMicrotask(() => this.release(done)));
    return true;
  }

  /** Levels beyond `SOL_SOCKET` the transport driver understands (`IPPROTO_TCP`/`TCP_NODELAY` …). */
  private driverOption(request: ControlRequest): ControlAnswer {
    const options = this.driver.options;
    if (!options || request.RequestType === WskIoctl || !options.levels.includes(request.Level)) return null;
    if (request.RequestType === WskSetOption) {
      const code = options.set(request.Level, request.ControlCode, request.InputBuffer);
      return { status: code === 0 ? STATUS_SUCCESS : wskStatusFromWsaError(code) };
    }
    const got = options.get(request.Level, request.ControlCode);
    if ('error' in got) return { status: wskStatusFromWsaError(got.error) };
    return { status: STATUS_SUCCESS, value: got.value, size: SIZEOF_ULONG };
  }

  // ---- WskCloseSocket ----------------------------------------------------------------------------

  /** `WskCloseSocket`. */
  closeSocket(irp: IRP): NTSTATUS {
    this.closeRequested = true;
    const proceed = (): void => {
      if (this.callbackDepth > 0) {
        // A callback of this socket is still running (the close was called from it): close after it.
        queueMicrotask(proceed);
        return;
      }
      this.events.flush();
      this.releaseWithinBound(() => this.finishClose(irp));
    };
    proceed();
    return irp.state === 'completed' ? irp.IoStatus.Status : pendIrp(irp, null);
  }

  /** Closes the socket without an IRP: what WSK does with a socket the client rejected or never got. */
  closeQuietly(): void {
    if (this.closeRequested) return;
    this.closeRequested = true;
    this.events.flush();
    this.releaseWithinBound(() => {
      if (this.closed) return;
      this.closed = true;
      this.client.removeSocket(this);
    });
  }

  /**
   * `release`, then `finish` — once the transport let go, or after the provider's `closeTimeoutMs`
   * if it never does (a link that never reports its end, a connect that never answers): then the
   * socket lets go of the transport itself (`abandonTransport`) and the close completes anyway.
   */
  private releaseWithinBound(finish: () => void): void {
    let finished = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const once = (): void => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      timer = null;
      finish();
    };
    this.release(once);
    if (finished) return;
    timer = setTimeout(() => {
      timer = null;
      this.abandonTransport();
      once();
    }, this.client.provider.closeTimeoutMs);
    // A close still waiting does not keep the process alive.
    timer.unref?.();
  }

  /**
   * The transport did not let go within the bound: forget what it holds (its late events find
   * nothing). What a late answer brings (a connection made after all) is still released then.
   */
  protected abandonTransport(): void {}

  private finishClose(irp: IRP): void {
    if (this.closed) return;
    this.closed = true;
    this.client.removeSocket(this);
    completeIrp(irp, STATUS_SUCCESS, 0, 'WskCloseSocket');
  }

  /**
   * Cancels every pending IRP of the socket, releases what the transport holds, and calls `done`
   * once it has let go (at once, or from the transport's own event).
   */
  protected abstract release(done: () => void): void;

  // ---- helpers for the categories ----------------------------------------------------------------

  /** Completes a taken IRP now and returns its status: the result of a call that finished at once. */
  finish(irp: IRP | null, status: NTSTATUS, information: ULONG_PTR = 0, call = ''): NTSTATUS {
    if (irp) completeIrp(irp, status, information, call || irp.call);
    return status;
  }

  /** Completes an IRP from the transport's path (at `DISPATCH_LEVEL`). */
  completeFromTransport(irp: IRP, status: NTSTATUS, information: ULONG_PTR = 0): void {
    const previous = raiseToDispatchLevel();
    try {
      completeIrp(irp, status, information, irp.call);
    } finally {
      restoreIrql(previous);
    }
  }
}

/** A boolean socket option's value: `true` or a non-zero number. */
export function isOn(value: unknown): boolean {
  return value === true || (typeof value === 'number' && value !== 0);
}

/** Which categories a dispatch-table entry serves. */
export type SocketClass<T extends WskSocketObject> = abstract new (...args: never[]) => T;

/**
 * The checks every socket-level WSK function makes first (module comment): the socket, with the
 * IRP taken, or the status to return (the IRP completed with it where it could be).
 */
export function enterSocket<T extends WskSocketObject>(
  Socket: unknown,
  kind: SocketClass<T>,
  call: string,
  Irp: unknown,
  irpRequired: boolean,
): T | NTSTATUS {
  if (!isGenuine(Socket, WskSocketObject)) return STATUS_INVALID_PARAMETER;
  const verifier = Socket.verifier;
  let irp: IRP | null = null;
  if (irpRequired || (Irp !== null && Irp !== undefined)) {
    const refused = takeIrp(Irp, verifier, call);
    if (refused) return refused;
    irp = Irp as IRP;
  }
  if (Socket.closeRequested) {
    const status = STATUS_INVALID_DEVICE_STATE;
    try {
      verifier.report('socket-closed', call, 'the socket was closed with WskCloseSocket');
    } finally {
      if (irp) completeIrp(irp, status, 0, call);
    }
    return status;
  }
  if (!(Socket instanceof kind)) {
    if (irp) completeIrp(irp, STATUS_NOT_SUPPORTED, 0, call);
    return STATUS_NOT_SUPPORTED;
  }
  return Socket;
}

/**
 * What a WSK function returns when its body threw (a bug, never the client's input): the request
 * fails with `STATUS_UNSUCCESSFUL` instead of the exception escaping; a strict verifier's stop goes
 * through.
 */
export function failedCall(error: unknown, irp: IRP | null, call: string): NTSTATUS {
  if (error instanceof WskVerifierError) throw error;
  if (irp && irp.state === 'pending' && !irp.PendingReturned) completeIrp(irp, STATUS_UNSUCCESSFUL, 0, call);
  return irp?.PendingReturned ? STATUS_PENDING : STATUS_UNSUCCESSFUL;
}

/**
 * The common entry of every socket-level WSK function (checks in the module comment): finds the
 * socket and takes the IRP, then runs `body`. Whatever `body` throws (a bug, never the client's
 * input) fails the request with `STATUS_UNSUCCESSFUL` instead of escaping to the caller; a strict
 * verifier's stop goes through.
 */
export function withSocket<T extends WskSocketObject>(
  Socket: unknown,
  kind: SocketClass<T>,
  call: string,
  Irp: unknown,
  irpRequired: boolean,
  body: (socket: T, irp: IRP | null) => NTSTATUS,
): NTSTATUS {
  const socket = enterSocket(Socket, kind, call, Irp, irpRequired);
  if (typeof socket === 'number') return socket;
  const irp = irpRequired || (Irp !== null && Irp !== undefined) ? (Irp as IRP) : null;
  try {
    return body(socket, irp);
  } catch (error) {
    return failedCall(error, irp, call);
  }
}
