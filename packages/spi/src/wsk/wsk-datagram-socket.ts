/**
 * A datagram socket (`WSK_FLAG_DATAGRAM_SOCKET`) over a `DatagramTransportDriver`. It must be bound
 * (`WskBind`) before it sends or receives. `WskSendTo` sends one datagram (to `RemoteAddress`, or
 * to the address fixed with `SIO_WSK_SET_REMOTE_ADDRESS`) and completes when the transport sent it;
 * `WskSendMessages` sends a list of them. An arriving datagram goes to a pending `WskReceiveFrom`,
 * else to `WskReceiveFromEvent` when `WSK_EVENT_RECEIVE_FROM` is enabled, else waits in the receive
 * queue — bounded by `SO_RCVBUF`; beyond it datagrams are dropped, as a datagram transport drops
 * them.
 *
 * `WskReceiveFromEvent` takes it (`STATUS_SUCCESS`), keeps it until `WskRelease`
 * (`STATUS_PENDING`), or leaves it queued (`STATUS_DATA_NOT_ACCEPTED`; indications then stop until
 * a `WskReceiveFrom` completes). A datagram larger than a `WskReceiveFrom`'s buffer is truncated:
 * the request completes `STATUS_BUFFER_OVERFLOW` with the bytes that fit and `MSG_TRUNC` in
 * `ControlFlags`. Control information is not carried (`ControlInfoLength` must be 0 to send; 0 is
 * returned on receive).
 * @module
 */

import { SO_BROADCAST, SOL_SOCKET } from '../constants/socket-options';
import type { DatagramBinding, DatagramTransportDriver } from '../provider-kit/transport-driver';
import type { SOCKADDR } from '../types/sockaddr';
import { completeIrp, type IRP, pendIrp } from './irp';
import { atDispatchLevel } from './irql';
import { mdlChain } from './mdl';
import {
  type NTSTATUS,
  STATUS_ACCESS_DENIED,
  STATUS_BUFFER_OVERFLOW,
  STATUS_CANCELLED,
  STATUS_DATA_NOT_ACCEPTED,
  STATUS_INVALID_BUFFER_SIZE,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_NOT_SUPPORTED,
  STATUS_PENDING,
  STATUS_SUCCESS,
} from './ntstatus';
import { ntStatusFromTransportFailure } from './transport-status';
import { gatherWskBuf, isValidWskBuf, scatterIntoWskBuf, type WSK_BUF } from './wsk-buf';
import { callClientCallback, irqlFlag } from './wsk-callback-call';
import type { WskClient } from './wsk-client';
import type { WSK_CLIENT_DATAGRAM_DISPATCH, WSK_DATAGRAM_INDICATION } from './wsk-client-dispatch';
import {
  MSG_TRUNC,
  SIO_WSK_QUERY_RECEIVE_BACKLOG,
  SIO_WSK_SET_REMOTE_ADDRESS,
  WSK_EVENT_RECEIVE_FROM,
  WSK_FLAG_DATAGRAM_SOCKET,
  WskGetOption,
  WskIoctl,
  WskSetOption,
} from './wsk-constants';
import { checkAddress, isOutCell, isSockaddr, writeAddress } from './wsk-sockaddr';
import {
  type ControlAnswer,
  type ControlRequest,
  isOn,
  SIZEOF_SIZE_T,
  SIZEOF_ULONG,
  WskSocketObject,
} from './wsk-socket';
import type { WskTransportEntry } from './wsk-transport';

interface Datagram {
  data: Uint8Array;
  from: SOCKADDR;
}

interface PendingReceiveFrom {
  irp: IRP;
  buffer: WSK_BUF;
  remoteOut: unknown;
  controlLength: unknown;
  controlFlags: unknown;
}

const RECEIVE_FROM_STATUSES: readonly NTSTATUS[] = [STATUS_SUCCESS, STATUS_PENDING, STATUS_DATA_NOT_ACCEPTED];

/** A WSK datagram socket. */
export class WskDatagramSocket extends WskSocketObject {
  /** `WSK_FLAG_DATAGRAM_SOCKET`. */
  readonly category = WSK_FLAG_DATAGRAM_SOCKET;
  private state: 'created' | 'binding' | 'bound' = 'created';
  private binding: DatagramBinding | null = null;
  private remoteAddress: SOCKADDR | null = null;
  private broadcast = false;
  private queue: Datagram[] = [];
  private queuedBytes = 0;
  private receives: PendingReceiveFrom[] = [];
  private sends = new Set<IRP>();
  private suspended = false;
  private readonly retained = new Set<WSK_DATAGRAM_INDICATION>();
  private indicationScheduled = false;

  constructor(
    Dispatch: object,
    client: WskClient,
    transport: WskTransportEntry,
    context: unknown,
    /** The client's datagram callbacks, or null. */
    readonly clientDispatch: WSK_CLIENT_DATAGRAM_DISPATCH | null,
  ) {
    super(Dispatch, client, transport, context);
  }

  private get datagramDriver(): DatagramTransportDriver {
    return this.driver as DatagramTransportDriver;
  }

  /** `WskBind`. */
  bind(irp: IRP, LocalAddress: unknown, Flags: unknown): NTSTATUS {
    return this.startBind(irp, LocalAddress, Flags, this.state !== 'created', (address) => {
      this.state = 'binding';
      return this.bindTransport(address);
    });
  }

  private async bindTransport(address: SOCKADDR): Promise<NTSTATUS> {
    try {
      const binding = await this.track(() => this.datagramDriver.bind(address, this.bindOptions));
      if (this.closeRequested) {
        binding.close();
        return STATUS_CANCELLED;
      }
      this.binding = binding;
      this.state = 'bound';
      binding.setHandlers({ onMessage: (data, from) => atDispatchLevel(() => this.onMessage(data, from)) });
      this.applyStaticEvents();
      return STATUS_SUCCESS;
    } catch (error) {
      this.state = 'created';
      return ntStatusFromTransportFailure(error);
    }
  }

  /** `WskSendTo`. */
  sendTo(
    irp: IRP,
    Buffer: unknown,
    Flags: unknown,
    RemoteAddress: unknown,
    ControlInfoLength: unknown,
  ): NTSTATUS {
    return this.sendList(irp, [Buffer], Flags, RemoteAddress, ControlInfoLength);
  }

  /** `WskSendMessages`: every buffer of the `WSK_BUF_LIST` as one datagram, in order. */
  sendMessages(
    irp: IRP,
    BufferList: unknown,
    Flags: unknown,
    RemoteAddress: unknown,
    ControlInfoLength: unknown,
  ): NTSTATUS {
    const buffers: unknown[] = [];
    let element = BufferList as { Next?: unknown; Buffer?: unknown } | null;
    while (element && typeof element === 'object' && buffers.length <= 1024) {
      buffers.push(element.Buffer);
      element = (element.Next ?? null) as typeof element;
    }
    if (buffers.length === 0 || element) return this.finish(irp, STATUS_INVALID_PARAMETER);
    return this.sendList(irp, buffers, Flags, RemoteAddress, ControlInfoLength);
  }

  private sendList(
    irp: IRP,
    buffers: unknown[],
    Flags: unknown,
    RemoteAddress: unknown,
    ControlInfoLength: unknown,
  ): NTSTATUS {
    if (Flags !== 0 || !buffers.every(isValidWskBuf)) return this.finish(irp, STATUS_INVALID_PARAMETER);
    if (typeof ControlInfoLength !== 'number') return this.finish(irp, STATUS_INVALID_PARAMETER);
    if (ControlInfoLength !== 0) return this.finish(irp, STATUS_NOT_SUPPORTED);
    if (this.state !== 'bound') return this.finish(irp, STATUS_INVALID_DEVICE_STATE);
    const remote = RemoteAddress ?? this.remoteAddress;
    if (!remote) return this.finish(irp, STATUS_INVALID_PARAMETER);
    const bad = checkAddress(this.driver, remote, 'sendto');
    if (bad) return this.finish(irp, bad);
    if (!this.broadcast && this.datagramDriver.isBroadcastAddress?.(remote as SOCKADDR)) {
      return this.finish(irp, STATUS_ACCESS_DENIED);
    }
    const datagrams = (buffers as WSK_BUF[]).map(gatherWskBuf);
    if (datagrams.some((d) => d.byteLength > this.datagramDriver.maxMessageSize)) {
      return this.finish(irp, STATUS_INVALID_BUFFER_SIZE);
    }
    const binding = this.binding!;
    const to = { ...(remote as SOCKADDR) };
    this.sends.add(irp);
    void (async () => {
      let sent = 0;
      let status: NTSTATUS = STATUS_SUCCESS;
      for (const data of datagrams) {
        try {
          await binding.sendTo(data, to);
          sent += data.byteLength;
        } catch (error) {
          status = ntStatusFromTransportFailure(error);
          break;
        }
      }
      this.sends.delete(irp);
      if (irp.state === 'pending') this.completeFromTransport(irp, status, sent);
    })();
    return pendIrp(irp, null);
  }

  /** `WskReceiveFrom`. */
  receiveFrom(
    irp: IRP,
    Buffer: unknown,
    Flags: unknown,
    RemoteAddress: unknown,
    ControlLength: unknown,
    ControlFlags: unknown,
  ): NTSTATUS {
    if (Flags !== 0 || !isValidWskBuf(Buffer)) return this.finish(irp, STATUS_INVALID_PARAMETER);
    for (const cell of [RemoteAddress, ControlLength, ControlFlags]) {
      if (cell !== null && cell !== undefined && !isOutCell(cell))
        return this.finish(irp, STATUS_INVALID_PARAMETER);
    }
    if (this.state !== 'bound') return this.finish(irp, STATUS_INVALID_DEVICE_STATE);
    const request: PendingReceiveFrom = {
      irp,
      buffer: Buffer,
      remoteOut: RemoteAddress,
      controlLength: ControlLength,
      controlFlags: ControlFlags,
    };
    const datagram = this.queue.shift();
    if (datagram) {
      this.queuedBytes -= datagram.data.byteLength;
      return this.deliver(request, datagram);
    }
    this.receives.push(request);
    return pendIrp(irp, () => {
      const at = this.receives.indexOf(request);
      if (at < 0) return;
      this.receives.splice(at, 1);
      completeIrp(irp, STATUS_CANCELLED, 0, 'WskReceiveFrom');
    });
  }

  /** `WskRelease`: gives back a datagram indication kept with `STATUS_PENDING`. */
  release_(DatagramIndication: unknown): NTSTATUS {
    if (!this.retained.delete(DatagramIndication as WSK_DATAGRAM_INDICATION)) return STATUS_INVALID_PARAMETER;
    return STATUS_SUCCESS;
  }

  /** `WskGetLocalAddress`. */
  getLocalAddress(irp: IRP, LocalAddress: unknown): NTSTATUS {
    if (!this.binding) return this.finish(irp, STATUS_INVALID_DEVICE_STATE);
    if (LocalAddress == null || !writeAddress(LocalAddress, this.binding.local)) {
      return this.finish(irp, STATUS_INVALID_PARAMETER);
    }
    return this.finish(irp, STATUS_SUCCESS);
  }

  // ---- arrivals ----------------------------------------------------------------------------------

  private onMessage(data: Uint8Array, from: SOCKADDR): void {
    if (this.closeRequested) return;
    const datagram: Datagram = { data, from };
    const request = this.receives.shift();
    if (request) {
      this.deliver(request, datagram);
      return;
    }
    if (this.queue.length === 0 && this.indicate(datagram)) return;
    if (this.queuedBytes + data.byteLength > this.receiveBufferSize && this.queue.length > 0) return;
    this.queue.push(datagram);
    this.queuedBytes += data.byteLength;
  }

  /** Offers one datagram to `WskReceiveFromEvent`; true when the client took or kept it. */
  private indicate(datagram: Datagram): boolean {
    const callback = this.clientDispatch?.WskReceiveFromEvent;
    if (this.suspended || !callback || !this.events.isEnabled(WSK_EVENT_RECEIVE_FROM)) return false;
    const indication: WSK_DATAGRAM_INDICATION = {
      Next: null,
      Buffer: { Mdl: mdlChain(datagram.data), Offset: 0, Length: datagram.data.byteLength },
      ControlInfo: null,
      ControlInfoLength: 0,
      RemoteAddress: { ...datagram.from },
    };
    const status = callClientCallback(
      this,
      WSK_EVENT_RECEIVE_FROM,
      'WskReceiveFromEvent',
      RECEIVE_FROM_STATUSES,
      STATUS_DATA_NOT_ACCEPTED,
      () => callback(this.context, irqlFlag(), indication),
    );
    if (this.closeRequested) return true;
    if (status === STATUS_PENDING) {
      this.retained.add(indication);
      return true;
    }
    if (status === STATUS_SUCCESS) return true;
    this.suspended = true;
    return false;
  }

  private deliver(request: PendingReceiveFrom, datagram: Datagram): NTSTATUS {
    const n = scatterIntoWskBuf(datagram.data, request.buffer, 0);
    const truncated = datagram.data.byteLength > request.buffer.Length;
    writeAddress(request.remoteOut, datagram.from);
    if (isOutCell(request.controlLength)) request.controlLength.value = 0;
    if (isOutCell(request.controlFlags)) request.controlFlags.value = truncated ? MSG_TRUNC : 0;
    const status = truncated ? STATUS_BUFFER_OVERFLOW : STATUS_SUCCESS;
    completeIrp(request.irp, status, n, 'WskReceiveFrom');
    // A completed receive lifts a suspension; datagrams still queued are offered on a later turn.
    this.suspended = false;
    if (this.queue.length > 0 && this.receives.length === 0) this.scheduleIndication();
    return status;
  }

  private scheduleIndication(): void {
    if (this.indicationScheduled) return;
    this.indicationScheduled = true;
    queueMicrotask(() => {
      this.indicationScheduled = false;
      while (this.queue.length > 0 && !this.closeRequested && this.receives.length === 0) {
        const head = this.queue[0]!;
        if (!this.indicate(head)) break;
        this.queue.shift();
        this.queuedBytes -= head.data.byteLength;
      }
    });
  }

  // ---- options and events ------------------------------------------------------------------------

  protected override control(request: ControlRequest): ControlAnswer {
    const { RequestType, ControlCode, Level, InputBuffer } = request;
    if (RequestType === WskIoctl && ControlCode === SIO_WSK_SET_REMOTE_ADDRESS) {
      if (InputBuffer !== null && !isSockaddr(InputBuffer)) return { status: STATUS_INVALID_PARAMETER };
      if (InputBuffer) {
        const bad = checkAddress(this.driver, InputBuffer, 'sendto');
        if (bad) return { status: bad };
      }
      this.remoteAddress = InputBuffer ? { ...InputBuffer } : null;
      return { status: STATUS_SUCCESS };
    }
    if (RequestType === WskIoctl && ControlCode === SIO_WSK_QUERY_RECEIVE_BACKLOG) {
      return { status: STATUS_SUCCESS, value: this.queue[0]?.data.byteLength ?? 0, size: SIZEOF_SIZE_T };
    }
    if (Level === SOL_SOCKET && ControlCode === SO_BROADCAST) {
      if (RequestType === WskGetOption)
        return { status: STATUS_SUCCESS, value: this.broadcast, size: SIZEOF_ULONG };
      if (RequestType !== WskSetOption) return null;
      this.broadcast = isOn(InputBuffer);
      return { status: STATUS_SUCCESS };
    }
    return this.addressOption(request, this.state === 'created');
  }

  /** Datagram sockets have events once bound. */
  override eventsReady(): boolean {
    return this.state === 'bound';
  }

  /** `WSK_CLIENT_DATAGRAM_DISPATCH` has `WskReceiveFromEvent`. */
  override hasCallback(flag: number): boolean {
    return flag === WSK_EVENT_RECEIVE_FROM && typeof this.clientDispatch?.WskReceiveFromEvent === 'function';
  }

  /** Datagrams already waiting are indicated. */
  override eventsEnabled(mask: number): void {
    if (mask & WSK_EVENT_RECEIVE_FROM && this.queue.length > 0) this.scheduleIndication();
  }

  private applyStaticEvents(): void {
    const mask = this.client.staticEvents & WSK_EVENT_RECEIVE_FROM;
    if (mask && this.hasCallback(WSK_EVENT_RECEIVE_FROM)) {
      this.events.enabled |= mask;
      this.eventsEnabled(mask);
    }
  }

  // ---- WskCloseSocket ----------------------------------------------------------------------------

  protected release(done: () => void): void {
    for (const request of this.receives.splice(0))
      completeIrp(request.irp, STATUS_CANCELLED, 0, 'WskReceiveFrom');
    for (const irp of [...this.sends]) {
      this.sends.delete(irp);
      if (irp.state === 'pending') completeIrp(irp, STATUS_CANCELLED, 0, irp.call);
    }
    if (this.waitForDriver(done)) return;
    this.queue = [];
    this.queuedBytes = 0;
    this.retained.clear();
    this.binding?.close();
    this.binding = null;
    done();
  }
}
