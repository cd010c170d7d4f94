/**
 * A connectionless kit socket (`SOCK_DGRAM`) over a `DatagramTransportDriver`, with Windows' UDP
 * rules: `connect` sets (or with `AF_UNSPEC` clears) the default peer and filters what is received;
 * `send` without a peer is `WSAENOTCONN`; receiving on an unbound socket is `WSAEINVAL`; shutdown
 * needs no connection; after `SD_RECEIVE` datagrams are still accepted and queued but a new receive
 * says `WSAESHUTDOWN` (one already waiting still completes with the next datagram, as on Windows); a datagram larger than the buffers is cut, the rest discarded, and the call
 * fails `WSAEMSGSIZE` with the bytes it did copy. Nothing ICMP-like ever surfaces as an error.
 * A datagram arriving when `SO_RCVBUF` is full is dropped, as UDP drops it.
 * @module
 */

import { AF_UNSPEC } from '../constants/address-families';
import {
  WSAEACCES,
  WSAEFAULT,
  WSAEINTR,
  WSAEINVAL,
  WSAEMSGSIZE,
  WSAENOPROTOOPT,
  WSAENOTCONN,
  WSAEOPNOTSUPP,
  WSAEPROTONOSUPPORT,
  WSAESHUTDOWN,
} from '../constants/error-codes';
import { FD_READ, FD_WRITE } from '../constants/network-events';
import { XP1_CONNECT_DATA, XP1_DISCONNECT_DATA } from '../constants/service-flags';
import {
  MSG_DONTROUTE,
  MSG_PARTIAL,
  MSG_PEEK,
  MSG_PUSH_IMMEDIATE,
  SD_BOTH,
  SD_RECEIVE,
  SD_SEND,
} from '../constants/socket-api';
import type { LPCONDITIONPROC } from '../spi/wsp-proc-table';
import type { SOCKET } from '../spi/wsp-types';
import type { Out } from '../types/out-cell';
import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';
import type { SOCKADDR } from '../types/sockaddr';
import type { WSABUF } from '../types/wsabuf';
import { capacityOf, gather, optionalBuffer, scatter } from './buffer-io';
import { fail } from './kit-failure';
import { KitSocket, type Readiness, type ReceiveResult, type SocketHost } from './kit-socket';
import { copySockaddr } from './sockaddr-copy';
import type { DatagramBinding, DatagramTransportDriver } from './transport-driver';

interface QueuedDatagram {
  data: Uint8Array;
  from: SOCKADDR;
}

/** A datagram socket. */
export class DatagramSocket extends KitSocket {
  readonly kind = 'datagram' as const;
  private binding: DatagramBinding | null = null;
  private bindingInProgress: Promise<DatagramBinding> | null = null;
  private peer: SOCKADDR | null = null;
  private sendShut = false;
  private receiveShut = false;
  private queue: QueuedDatagram[] = [];
  private queuedBytes = 0;

  constructor(
    host: SocketHost,
    info: WSAPROTOCOL_INFOW,
    private readonly driver: DatagramTransportDriver,
  ) {
    super(host, info);
  }

  get listening(): boolean {
    return false;
  }

  get maxMessageSize(): number {
    return this.driver.maxMessageSize;
  }

  get canSendNow(): boolean {
    return true;
  }

  async bind(name: SOCKADDR | null, namelen: number): Promise<void> {
    if (!name) fail(WSAEFAULT);
    const bad = this.driver.checkAddress(name, namelen, 'bind');
    if (bad) fail(bad);
    if (this.binding || this.bindingInProgress) fail(WSAEINVAL);
    await this.bindTo(copySockaddr(name));
  }

  private async bindTo(address: SOCKADDR): Promise<DatagramBinding> {
    const pending = this.driver.bind(address, {
      reuseAddress: this.options.reuseAddress,
      exclusiveAddressUse: this.options.exclusiveAddressUse,
    });
    this.bindingInProgress = pending;
    let binding: DatagramBinding;
    try {
      binding = await pending;
    } finally {
      this.bindingInProgress = null;
    }
    if (this.closed) {
      binding.close();
      fail(WSAEINTR);
    }
    this.binding = binding;
    binding.setHandlers({
      onMessage: (data, from) => {
        try {
          this.onMessage(data, from);
        } catch {
          // A malformed delivery is dropped: datagrams carry no promise of arrival.
        }
      },
    });
    return binding;
  }

  /** The binding, binding implicitly to the wildcard address first (as `sendto` and `connect` do). */
  private async ensureBound(): Promise<DatagramBinding> {
    if (this.binding) return this.binding;
    if (this.bindingInProgress) return this.bindingInProgress;
    return this.bindTo(this.driver.wildcardAddress());
  }

  private onMessage(data: Uint8Array, from: SOCKADDR): void {
    if (this.closed) return;
    if (this.peer && !this.driver.sameAddress(from, this.peer)) return;
    if (this.queuedBytes + data.byteLength > this.options.receiveBuffer) return;
    this.queue.push({ data: data.slice(), from: copySockaddr(from) });
    this.queuedBytes += data.byteLength;
    this.refreshEvents();
    this.notify();
  }

  async listen(_backlog: number): Promise<void> {
    fail(WSAEOPNOTSUPP);
  }

  async accept(
    _addr: Out<SOCKADDR | null> | null,
    _addrlen: Out<number> | null,
    _condition: LPCONDITIONPROC | null,
    _callbackData: unknown,
  ): Promise<SOCKET> {
    fail(WSAEOPNOTSUPP);
  }

  async connect(
    name: SOCKADDR | null,
    namelen: number,
    callerBuffer: WSABUF | null,
    calleeBuffer: WSABUF | null,
  ): Promise<void> {
    if (!name) fail(WSAEFAULT);
    const caller = optionalBuffer(callerBuffer);
    const callee = optionalBuffer(calleeBuffer);
    if (caller && caller.len > 0 && !this.hasFlag(XP1_CONNECT_DATA)) fail(WSAEPROTONOSUPPORT);
    if (name.sa_family === AF_UNSPEC) {
      // Dissolves the association (winsock connect: "AF_UNSPEC ... disconnects").
      this.peer = null;
      if (callee) callee.len = 0;
      return;
    }
    const bad = this.driver.checkAddress(name, namelen, 'connect');
    if (bad) fail(bad);
    await this.ensureBound();
    this.peer = copySockaddr(name);
    // Only the peer's datagrams count from now on.
    const keep = this.queue.filter((d) => this.driver.sameAddress(d.from, this.peer!));
    this.queue = keep;
    this.queuedBytes = keep.reduce((n, d) => n + d.data.byteLength, 0);
    if (callee) callee.len = 0;
    this.notify();
  }

  async send(
    buffers: WSABUF[],
    flags: number,
    to: SOCKADDR | null,
    tolen: number,
    _blocking: boolean,
  ): Promise<number> {
    if (flags & ~(MSG_DONTROUTE | MSG_PUSH_IMMEDIATE | MSG_PARTIAL) || flags & MSG_PARTIAL)
      fail(WSAEOPNOTSUPP);
    const data = gather(buffers);
    if (to) {
      const bad = this.driver.checkAddress(to, tolen, 'sendto');
      if (bad) fail(bad);
    }
    this.events.reenable(FD_WRITE);
    if (this.sendShut) fail(WSAESHUTDOWN);
    const destination = to ? copySockaddr(to) : this.peer;
    if (!destination) fail(WSAENOTCONN);
    if (data.byteLength > this.driver.maxMessageSize) fail(WSAEMSGSIZE);
    if (this.driver.isBroadcastAddress?.(destination) && !this.options.broadcast) fail(WSAEACCES);
    const binding = await this.ensureBound();
    await binding.sendTo(data, destination);
    return data.byteLength;
  }

  async receive(
    buffers: WSABUF[],
    flags: number,
    wantFrom: boolean,
    blocking: boolean,
    onPending?: () => void,
  ): Promise<ReceiveResult> {
    const input = flags & ~MSG_PARTIAL;
    if (input & ~(MSG_PEEK | MSG_PUSH_IMMEDIATE)) fail(WSAEOPNOTSUPP);
    const peek = (input & MSG_PEEK) !== 0;
    this.events.reenable(FD_READ);
    if (!this.binding && !this.bindingInProgress) fail(WSAEINVAL);
    const token = this.beginReceive();
    try {
      return await this.waitFor(
        blocking,
        this.options.receiveTimeout,
        (): ReceiveResult | undefined => {
          if (this.receiveShut && !token.exempt) fail(WSAESHUTDOWN);
          const head = this.queue[0];
          if (!head) return undefined;
          const bytes = scatter(head.data, buffers);
          const truncated = head.data.byteLength > capacityOf(buffers);
          if (!peek) {
            // Unreliable and without MSG_PARTIAL: the rest of a datagram that did not fit is lost.
            this.queue.shift();
            this.queuedBytes -= head.data.byteLength;
          }
          return {
            bytes,
            flags: 0,
            error: truncated ? WSAEMSGSIZE : 0,
            ...(wantFrom ? { from: copySockaddr(head.from) } : {}),
          };
        },
        undefined,
        onPending,
      );
    } finally {
      this.endReceive(token);
      if (!this.closed) this.refreshEvents();
    }
  }

  shutdown(how: number): void {
    if (how !== SD_RECEIVE && how !== SD_SEND && how !== SD_BOTH) fail(WSAEINVAL);
    if (how !== SD_SEND && !this.receiveShut) {
      this.receiveShut = true;
      this.exemptWaitingReceivers();
    }
    if (how !== SD_RECEIVE) this.sendShut = true;
    this.notify();
  }

  sendDisconnect(buffer: WSABUF | null): void {
    const b = optionalBuffer(buffer);
    if (b && !this.hasFlag(XP1_DISCONNECT_DATA)) fail(WSAENOPROTOOPT);
    // WSASendDisconnect is for connection-oriented sockets only.
    fail(WSAENOTCONN);
  }

  recvDisconnect(buffer: WSABUF | null): void {
    optionalBuffer(buffer);
    fail(WSAENOTCONN);
  }

  localAddress(): SOCKADDR {
    if (!this.binding) fail(WSAEINVAL);
    return copySockaddr(this.binding.local);
  }

  peerAddress(): SOCKADDR {
    if (!this.peer) fail(WSAENOTCONN);
    return copySockaddr(this.peer);
  }

  bytesReadable(): number {
    return this.queue[0]?.data.byteLength ?? 0;
  }

  atOobMark(): boolean {
    return true;
  }

  readiness(): Readiness {
    return { readable: this.queue.length > 0, writable: true, exceptional: false };
  }

  refreshEvents(): void {
    if (this.closed) return;
    if (this.queue.length > 0) this.events.signal(FD_READ);
  }

  receiveBufferChanged(): void {
    // Datagrams beyond the buffer are dropped on arrival; nothing queued is affected.
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.events.mute();
    this.binding?.close();
    this.binding = null;
    this.queue = [];
    this.queuedBytes = 0;
    this.notify();
  }

  abort(): void {
    this.close();
  }
}
