/**
 * A listening socket (`WSK_FLAG_LISTEN_SOCKET`) over a `StreamTransportDriver`. `WskBind` binds it
 * and it starts listening (WSK has no separate listen call for this category). Each connection
 * request is completed by the transport first — the handshake is done when the client hears of it
 * — and then handed, in this order, to a pending `WskAccept`, to `WskAcceptEvent` when
 * `WSK_EVENT_ACCEPT` is enabled, or to the backlog where a later `WskAccept` finds it (beyond the
 * backlog the connection is reset).
 *
 * A socket accepted through `WskAcceptEvent` inherits the connection events enabled on the
 * listening socket (those its `AcceptSocketDispatch` has callbacks for); one taken with `WskAccept`
 * does not. `WskAcceptEvent` returning `STATUS_REQUEST_NOT_ACCEPTED` rejects the connection: WSK
 * closes the new socket (abortively).
 *
 * Conditional accept (`SO_CONDITIONAL_ACCEPT`, `WskInspectEvent`, `WskAbortEvent`,
 * `WskInspectComplete`) is not offered: the transports complete the handshake before anyone is
 * asked, so the option and `WskInspectComplete` answer `STATUS_NOT_SUPPORTED`.
 * @module
 */

import { SO_CONDITIONAL_ACCEPT, SOL_SOCKET } from '../constants/socket-options';
import type {
  IncomingConnection,
  ListenerHandle,
  LocalBinding,
  StreamTransportDriver,
  TransportLink,
} from '../provider-kit/transport-driver';
import { type Out, out } from '../types/out-cell';
import type { SOCKADDR } from '../types/sockaddr';
import { copyCallbackTable } from './argument-guard';
import { completeIrp, type IRP, pendIrp } from './irp';
import { atDispatchLevel } from './irql';
import {
  type NTSTATUS,
  STATUS_CANCELLED,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_NOT_SUPPORTED,
  STATUS_REQUEST_NOT_ACCEPTED,
  STATUS_SUCCESS,
} from './ntstatus';
import { ntStatusFromTransportFailure } from './transport-status';
import { callClientCallback, irqlFlag } from './wsk-callback-call';
import type { WskClient } from './wsk-client';
import type { WSK_CLIENT_CONNECTION_DISPATCH, WSK_CLIENT_LISTEN_DISPATCH } from './wsk-client-dispatch';
import { WskConnectionSocket } from './wsk-connection-socket';
import { WSK_EVENT_ACCEPT, WSK_FLAG_LISTEN_SOCKET } from './wsk-constants';
import { CONNECTION_EVENTS } from './wsk-event-control';
import { isOutCell, writeAddress } from './wsk-sockaddr';
import { type ControlAnswer, type ControlRequest, WskSocketObject } from './wsk-socket';
import type { WskTransportEntry } from './wsk-transport';

/** A connection the transport completed, waiting to be accepted. */
interface ArrivedConnection {
  link: TransportLink;
  local: SOCKADDR;
  remote: SOCKADDR;
}

interface PendingAccept {
  irp: IRP;
  context: unknown;
  dispatch: WSK_CLIENT_CONNECTION_DISPATCH | null;
  localOut: unknown;
  remoteOut: unknown;
}

const ACCEPT_EVENT_STATUSES: readonly NTSTATUS[] = [STATUS_SUCCESS, STATUS_REQUEST_NOT_ACCEPTED];

/** A WSK listening socket. */
export class WskListenSocket extends WskSocketObject {
  /** `WSK_FLAG_LISTEN_SOCKET`. */
  readonly category = WSK_FLAG_LISTEN_SOCKET;
  private state: 'created' | 'binding' | 'listening' = 'created';
  private binding: LocalBinding | null = null;
  private listener: ListenerHandle | null = null;
  private localName: SOCKADDR | null = null;
  private backlog: ArrivedConnection[] = [];
  private accepts: PendingAccept[] = [];
  private backlogScheduled = false;

  constructor(
    Dispatch: object,
    client: WskClient,
    transport: WskTransportEntry,
    context: unknown,
    /** The client's listen callbacks, or null. */
    readonly clientDispatch: WSK_CLIENT_LISTEN_DISPATCH | null,
    /** The dispatch table of the connection sockets it accepts. */
    private readonly connectionDispatch: object,
  ) {
    super(Dispatch, client, transport, context);
  }

  private get streamDriver(): StreamTransportDriver {
    return this.driver as StreamTransportDriver;
  }

  /** `WskBind`: binds, then listens. */
  bind(irp: IRP, LocalAddress: unknown, Flags: unknown): NTSTATUS {
    return this.startBind(irp, LocalAddress, Flags, this.state !== 'created', (address) => {
      this.state = 'binding';
      return this.listen(address);
    });
  }

  private async listen(address: SOCKADDR): Promise<NTSTATUS> {
    try {
      const binding = await this.track(() => this.streamDriver.bind(address, this.bindOptions));
      if (this.closeRequested) {
        binding.release();
        return STATUS_CANCELLED;
      }
      this.binding = binding;
      const listener = await this.track(() =>
        this.streamDriver.listen(binding, this.client.provider.listenBacklog, (incoming) =>
          atDispatchLevel(() => this.onIncoming(incoming)),
        ),
      );
      if (this.closeRequested) {
        listener.close();
        binding.release();
        return STATUS_CANCELLED;
      }
      this.listener = listener;
      this.localName = listener.local;
      this.state = 'listening';
      this.applyStaticEvents();
      return STATUS_SUCCESS;
    } catch (error) {
      this.binding?.release();
      this.binding = null;
      this.state = 'created';
      return ntStatusFromTransportFailure(error);
    }
  }

  /** `WskAccept`. */
  accept(
    irp: IRP,
    Flags: unknown,
    AcceptSocketContext: unknown,
    AcceptSocketDispatch: unknown,
    LocalAddress: unknown,
    RemoteAddress: unknown,
  ): NTSTATUS {
    if (Flags !== 0) return this.finish(irp, STATUS_INVALID_PARAMETER);
    const acceptDispatch = connectionDispatchOf(AcceptSocketDispatch);
    if (acceptDispatch === undefined) return this.finish(irp, STATUS_INVALID_PARAMETER);
    for (const cell of [LocalAddress, RemoteAddress]) {
      if (cell !== null && cell !== undefined && !isOutCell(cell))
        return this.finish(irp, STATUS_INVALID_PARAMETER);
    }
    if (this.state !== 'listening') return this.finish(irp, STATUS_INVALID_DEVICE_STATE);
    const request: PendingAccept = {
      irp,
      context: AcceptSocketContext,
      dispatch: acceptDispatch,
      localOut: LocalAddress,
      remoteOut: RemoteAddress,
    };
    const arrived = this.backlog.shift();
    if (arrived) {
      this.completeAccept(request, arrived);
      return STATUS_SUCCESS;
    }
    this.accepts.push(request);
    return pendIrp(irp, () => {
      const at = this.accepts.indexOf(request);
      if (at < 0) return;
      this.accepts.splice(at, 1);
      completeIrp(irp, STATUS_CANCELLED, 0, 'WskAccept');
    });
  }

  /** `WskGetLocalAddress`. */
  getLocalAddress(irp: IRP, LocalAddress: unknown): NTSTATUS {
    if (!this.localName) return this.finish(irp, STATUS_INVALID_DEVICE_STATE);
    if (LocalAddress == null || !writeAddress(LocalAddress, this.localName)) {
      return this.finish(irp, STATUS_INVALID_PARAMETER);
    }
    return this.finish(irp, STATUS_SUCCESS);
  }

  // ---- arrivals ----------------------------------------------------------------------------------

  private onIncoming(incoming: IncomingConnection): void {
    if (this.closeRequested) {
      incoming.refuse(0);
      return;
    }
    let link: TransportLink;
    try {
      link = incoming.accept(null);
    } catch {
      return;
    }
    this.arrived({ link, local: incoming.local, remote: incoming.remote });
  }

  private arrived(connection: ArrivedConnection): void {
    const request = this.accepts.shift();
    if (request) {
      this.completeAccept(request, connection);
      return;
    }
    if (this.acceptEventEnabled()) {
      this.indicateAccept(connection);
      return;
    }
    if (this.backlog.length >= this.client.provider.listenBacklog) {
      connection.link.reset();
      return;
    }
    this.backlog.push(connection);
  }

  private completeAccept(request: PendingAccept, connection: ArrivedConnection): void {
    const socket = WskConnectionSocket.accepted(
      this.connectionDispatch,
      this.client,
      this.transport,
      connection.link,
    );
    socket.context = request.context;
    socket.clientDispatch = request.dispatch;
    socket.enableInherited(this.client.staticEvents & CONNECTION_EVENTS);
    writeAddress(request.localOut, connection.local);
    writeAddress(request.remoteOut, connection.remote);
    completeIrp(request.irp, STATUS_SUCCESS, socket, 'WskAccept');
  }

  private acceptEventEnabled(): boolean {
    return (
      this.events.isEnabled(WSK_EVENT_ACCEPT) && typeof this.clientDispatch?.WskAcceptEvent === 'function'
    );
  }

  private indicateAccept(connection: ArrivedConnection): void {
    const callback = this.clientDispatch!.WskAcceptEvent!;
    const socket = WskConnectionSocket.accepted(
      this.connectionDispatch,
      this.client,
      this.transport,
      connection.link,
    );
    const context: Out<unknown> = out(null);
    const dispatch: Out<WSK_CLIENT_CONNECTION_DISPATCH | null> = out(null);
    const status = callClientCallback(
      this,
      WSK_EVENT_ACCEPT,
      'WskAcceptEvent',
      ACCEPT_EVENT_STATUSES,
      STATUS_REQUEST_NOT_ACCEPTED,
      () =>
        callback(
          this.context,
          irqlFlag(),
          { ...connection.local },
          { ...connection.remote },
          socket,
          context,
          dispatch,
        ),
    );
    const accepted = status === STATUS_SUCCESS ? connectionDispatchOf(dispatch.value) : undefined;
    if (accepted === undefined) {
      // Rejected (or answered with a malformed table): WSK closes the new socket, abortively.
      socket.closeQuietly();
      return;
    }
    socket.context = context.value;
    socket.clientDispatch = accepted;
    socket.enableInherited((this.events.enabled | this.client.staticEvents) & CONNECTION_EVENTS);
  }

  /** Connections that waited in the backlog go to `WskAcceptEvent` once it is enabled. */
  private scheduleBacklog(): void {
    if (this.backlogScheduled) return;
    this.backlogScheduled = true;
    queueMicrotask(() => {
      this.backlogScheduled = false;
      while (this.backlog.length > 0 && this.acceptEventEnabled() && !this.closeRequested) {
        this.indicateAccept(this.backlog.shift()!);
      }
    });
  }

  // ---- options and events ------------------------------------------------------------------------

  protected override control(request: ControlRequest): ControlAnswer {
    const { ControlCode, Level } = request;
    if (Level === SOL_SOCKET && ControlCode === SO_CONDITIONAL_ACCEPT)
      return { status: STATUS_NOT_SUPPORTED };
    return this.addressOption(request, this.state === 'created');
  }

  /** Listening sockets have events once bound (binding one starts the listening). */
  override eventsReady(): boolean {
    return this.state === 'listening';
  }

  /** `WskAcceptEvent` for `WSK_EVENT_ACCEPT`; connection events, for accepted sockets to inherit. */
  override hasCallback(flag: number): boolean {
    // Connection events are only passed on to accepted sockets, which bring their own callbacks.
    if (flag & CONNECTION_EVENTS) return true;
    return flag === WSK_EVENT_ACCEPT && typeof this.clientDispatch?.WskAcceptEvent === 'function';
  }

  /** Connections already waiting in the backlog go to `WskAcceptEvent`. */
  override eventsEnabled(mask: number): void {
    if (mask & WSK_EVENT_ACCEPT && this.backlog.length > 0) this.scheduleBacklog();
  }

  private applyStaticEvents(): void {
    let mask = this.client.staticEvents & (WSK_EVENT_ACCEPT | CONNECTION_EVENTS);
    if (!this.hasCallback(WSK_EVENT_ACCEPT)) mask &= ~WSK_EVENT_ACCEPT;
    if (mask === 0) return;
    this.events.enabled |= mask;
    this.eventsEnabled(mask);
  }

  // ---- WskCloseSocket ----------------------------------------------------------------------------

  protected release(done: () => void): void {
    for (const request of this.accepts.splice(0)) completeIrp(request.irp, STATUS_CANCELLED, 0, 'WskAccept');
    if (this.waitForDriver(done)) return;
    this.listener?.close();
    this.listener = null;
    this.binding?.release();
    this.binding = null;
    for (const arrived of this.backlog.splice(0)) arrived.link.reset();
    done();
  }
}

/**
 * The copy WSK keeps of a `WSK_CLIENT_CONNECTION_DISPATCH` (members functions or null), null for
 * none, `undefined` when malformed.
 */
export function connectionDispatchOf(value: unknown): WSK_CLIENT_CONNECTION_DISPATCH | null | undefined {
  return copyCallbackTable<WSK_CLIENT_CONNECTION_DISPATCH>(value, CONNECTION_CALLBACKS);
}

/** The members of `WSK_CLIENT_CONNECTION_DISPATCH`, in wsk.h's order. */
export const CONNECTION_CALLBACKS = ['WskReceiveEvent', 'WskDisconnectEvent', 'WskSendBacklogEvent'] as const;
