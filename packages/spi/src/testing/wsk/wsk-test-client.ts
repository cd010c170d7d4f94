/**
 * A WSK client for tests: registration, capture and the usual requests as promises, each through
 * a fresh IRP (`callWithIrp`), and a recorder of the connection events a socket receives. It keeps
 * count of the sockets it made, so `end()` can close what a failed test left open and deregister,
 * leaving nothing behind.
 *
 * Everything it does is a public WSK call; it adds no behaviour of its own.
 * @module
 */

import { SOL_SOCKET } from '../../constants/socket-options';
import { out } from '../../types/out-cell';
import type { SOCKADDR } from '../../types/sockaddr';
import { callWithIrp, type IO_STATUS_BLOCK, type IRP } from '../../wsk/irp';
import { type NTSTATUS, ntStatusName, STATUS_SUCCESS } from '../../wsk/ntstatus';
import { wskBuf } from '../../wsk/wsk-buf';
import type {
  WSK_CLIENT_CONNECTION_DISPATCH,
  WSK_CLIENT_LISTEN_DISPATCH,
  WSK_DATA_INDICATION,
} from '../../wsk/wsk-client-dispatch';
import type { WSK_PROVIDER_CONNECTION_DISPATCH } from '../../wsk/wsk-connection-dispatch';
import {
  MAKE_WSK_VERSION,
  NPI_WSK_INTERFACE_ID,
  SO_WSK_EVENT_CALLBACK,
  WSK_EVENT_DISABLE,
  WSK_FLAG_ABORTIVE,
  WSK_FLAG_AT_DISPATCH_LEVEL,
  WSK_FLAG_LISTEN_SOCKET,
  WSK_INFINITE_WAIT,
  WskSetOption,
} from '../../wsk/wsk-constants';
import type { WSK_PROVIDER_LISTEN_DISPATCH } from '../../wsk/wsk-listen-dispatch';
import type { WSK_PROVIDER_DISPATCH } from '../../wsk/wsk-provider-dispatch';
import {
  emptyWskProviderNpi,
  emptyWskRegistration,
  type WSK_REGISTRATION,
  type WskSubsystem,
} from '../../wsk/wsk-registration';
import type { PWSK_CLIENT, WSK_SOCKET } from '../../wsk/wsk-socket-types';

/**
 * A WSK request that did not succeed: what `WskTestClient`'s helpers reject with.
 * @example
 * await expect(client.connect(SOCK_STREAM, IPPROTO_TCP, local, nobody, new WskConnectionRecorder()))
 *   .rejects.toMatchObject({ call: 'WskConnect', status: STATUS_CONNECTION_REFUSED });
 */
export class WskCallError extends Error {
  /** `'WskCallError'`. */
  override readonly name = 'WskCallError';
  /** The WSK function called (`WskSocket`, `WskConnect` …). */
  readonly call: string;
  /** The NTSTATUS it completed with. */
  readonly status: NTSTATUS;

  /**
   * @param call the WSK function called
   * @param status the NTSTATUS it completed with
   */
  constructor(call: string, status: NTSTATUS) {
    super(`${call} failed: ${ntStatusName(status)}`);
    this.call = call;
    this.status = status;
  }
}

/** One event a connection socket received. */
export interface RecordedEvent {
  /** Which callback: `WskReceiveEvent` with data or with a NULL indication, `WskDisconnectEvent`, `WskSendBacklogEvent`. */
  kind: 'receive' | 'receive-null' | 'disconnect' | 'send-backlog';
  /** The callback's `Flags` (0 for the send-backlog event, which has none). */
  flags: number;
  /** Bytes indicated (receive). */
  bytes?: number;
  /** `IdealBacklogSize` (send-backlog). */
  ideal?: number;
}

/**
 * The connection callbacks of a socket, recording every event and taking the data it is offered.
 * @example
 * const recorder = new WskConnectionRecorder();
 * const socket = await client.connect(SOCK_STREAM, IPPROTO_TCP, local, remote, recorder);
 * client.enableEvents(socket, WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT);
 * await recorder.untilDisconnected();
 * expect(new TextDecoder().decode(recorder.received())).toBe('hello');
 * expect(WskConnectionRecorder.abortive(recorder.disconnects()[0]!)).toBe(false);
 */
export class WskConnectionRecorder {
  /** Every event, in the order the callbacks were called. */
  readonly events: RecordedEvent[] = [];
  private readonly chunks: Uint8Array[] = [];
  private waiters: Array<() => void> = [];
  /**
   * What `WskReceiveEvent` answers; by default it copies and takes everything. Replace it to test
   * partial acceptance, `STATUS_PENDING` or `STATUS_DATA_NOT_ACCEPTED`.
   */
  onReceive: (
    indication: WSK_DATA_INDICATION | null,
    bytes: number,
    accepted: { value: number },
  ) => NTSTATUS = (indication) => {
    this.take(indication);
    return STATUS_SUCCESS;
  };
  /** Runs inside `WskDisconnectEvent` (after it was recorded). */
  onDisconnect: (flags: number) => void = () => undefined;

  /** The table to give WSK (`WskSocket`, `WskAccept`, `WskAcceptEvent`'s out-cell). */
  readonly dispatch: WSK_CLIENT_CONNECTION_DISPATCH = {
    WskReceiveEvent: (_context, flags, indication, bytes, accepted) => {
      this.record({ kind: indication ? 'receive' : 'receive-null', flags, bytes });
      return this.onReceive(indication, bytes, accepted);
    },
    WskDisconnectEvent: (_context, flags) => {
      this.record({ kind: 'disconnect', flags });
      this.onDisconnect(flags);
      return STATUS_SUCCESS;
    },
    WskSendBacklogEvent: (_context, ideal) => {
      this.record({ kind: 'send-backlog', flags: 0, ideal });
      return STATUS_SUCCESS;
    },
  };

  /** Copies an indication's bytes into what this recorder received. */
  take(indication: WSK_DATA_INDICATION | null, limit = Number.POSITIVE_INFINITY): number {
    let taken = 0;
    for (let element = indication; element && taken < limit; element = element.Next) {
      const { Mdl, Offset, Length } = element.Buffer;
      if (!Mdl) continue;
      const n = Math.min(Length, limit - taken);
      this.chunks.push(Mdl.MappedSystemVa.slice(Offset, Offset + n));
      taken += n;
    }
    this.wake();
    return taken;
  }

  /** Bytes taken from indications so far, concatenated. */
  received(): Uint8Array {
    return concat(this.chunks);
  }

  /** Events of one kind. */
  eventsOf(kind: RecordedEvent['kind']): RecordedEvent[] {
    return this.events.filter((e) => e.kind === kind);
  }

  /** The disconnect events. */
  disconnects(): RecordedEvent[] {
    return this.eventsOf('disconnect');
  }

  /** True for the flags of an abortive disconnect event. */
  static abortive(event: RecordedEvent): boolean {
    return (event.flags & WSK_FLAG_ABORTIVE) !== 0;
  }

  /** True when the event came at `DISPATCH_LEVEL`. */
  static atDispatchLevel(event: RecordedEvent): boolean {
    return (event.flags & WSK_FLAG_AT_DISPATCH_LEVEL) !== 0;
  }

  /** Resolves once `condition` holds (checked after each event). Bounded by the test's own timeout. */
  async until(condition: () => boolean): Promise<void> {
    while (!condition()) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Resolves once a disconnect event came. */
  untilDisconnected(): Promise<void> {
    return this.until(() => this.disconnects().length > 0);
  }

  private record(event: RecordedEvent): void {
    this.events.push(event);
    this.wake();
  }

  private wake(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** A connection `WskAcceptEvent` took. */
export interface WskAcceptedConnection {
  /** The accepted connection socket. */
  socket: WSK_SOCKET;
  /** The recorder of its events. */
  recorder: WskConnectionRecorder;
  /** The peer's address. */
  remote: SOCKADDR;
}

/**
 * A listen dispatch table whose `WskAcceptEvent` accepts every connection with a new recorder.
 * @example
 * const acceptor = new WskAcceptRecorder();
 * const listener = await client.listen(AF_INET, SOCK_STREAM, IPPROTO_TCP, sockaddrIn('127.0.0.1', 0),
 *   acceptor, WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT);
 * // … a Winsock application connects to await client.localAddress(listener) …
 * const { socket, recorder } = await acceptor.nth(0);
 */
export class WskAcceptRecorder {
  /** The connections accepted so far, in order. */
  readonly accepted: WskAcceptedConnection[] = [];
  private waiters: Array<() => void> = [];
  /** Called for each recorder before it is returned to WSK (to set its answers). */
  prepare: (recorder: WskConnectionRecorder) => void = () => undefined;
  /** Called with each accepted socket (`WskTestClient.listen` sets it, so `end()` closes them). */
  adopt: (socket: WSK_SOCKET) => void = () => undefined;

  /** The table to give the listening socket (`WskSocket`'s `Dispatch`). */
  readonly dispatch: WSK_CLIENT_LISTEN_DISPATCH = {
    WskAcceptEvent: (_context, _flags, _local, remote, socket, acceptContext, acceptDispatch) => {
      if (!socket) return STATUS_SUCCESS;
      const recorder = new WskConnectionRecorder();
      this.prepare(recorder);
      acceptContext.value = recorder;
      acceptDispatch.value = recorder.dispatch;
      this.adopt(socket);
      this.accepted.push({ socket, recorder, remote });
      for (const wake of this.waiters.splice(0)) wake();
      return STATUS_SUCCESS;
    },
    WskInspectEvent: null,
    WskAbortEvent: null,
  };

  /** Resolves with the `n`-th accepted connection (0-based) once it arrived. */
  async nth(n: number): Promise<WskAcceptedConnection> {
    while (this.accepted.length <= n) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.accepted[n]!;
  }
}

/** What `WskTestClient.accept` resolves with. */
export interface WskAccepted {
  /** The accepted connection socket. */
  socket: WSK_SOCKET;
  /** The peer's address. */
  remote: SOCKADDR;
}

/** What `WskTestClient.receive` resolves with. */
export interface WskReceived {
  /** The IRP's status. */
  Status: NTSTATUS;
  /** The bytes received. */
  data: Uint8Array;
}

/**
 * A registered WSK client with its captured provider NPI, and promise-returning helpers over the
 * IRP-based calls; `end()` closes what it opened and deregisters.
 * @example
 * const wsk = new WskSubsystem({ provider: createWskProvider({ transports: tcpWskTransports() }) });
 * const client = await WskTestClient.start(wsk);
 * const socket = await client.connect(SOCK_STREAM, IPPROTO_TCP, sockaddrIn('127.0.0.1', 0),
 *   sockaddrIn('127.0.0.1', port), new WskConnectionRecorder());
 * await client.send(socket, new TextEncoder().encode('hello'));
 * await client.disconnect(socket, null);
 * await client.end();
 * expect(wsk.verifier.violations).toEqual([]);
 */
export class WskTestClient {
  /** The client's `WSK_REGISTRATION`. */
  readonly registration: WSK_REGISTRATION = emptyWskRegistration();
  private client: PWSK_CLIENT | null = null;
  private dispatch: WSK_PROVIDER_DISPATCH | null = null;
  private readonly sockets = new Set<WSK_SOCKET>();

  /** The subsystem it registered with. */
  readonly wsk: WskSubsystem;

  private constructor(wsk: WskSubsystem) {
    this.wsk = wsk;
  }

  /** Registers with `wsk` and captures its provider NPI (waiting for it). */
  static async start(wsk: WskSubsystem): Promise<WskTestClient> {
    const test = new WskTestClient(wsk);
    const registered = wsk.WskRegister(
      {
        ClientContext: test,
        Dispatch: { Version: MAKE_WSK_VERSION(1, 0), Reserved: 0, WskClientEvent: null },
      },
      test.registration,
    );
    if (registered !== STATUS_SUCCESS) throw new WskCallError('WskRegister', registered);
    const npi = emptyWskProviderNpi();
    const captured = await wsk.WskCaptureProviderNPI(test.registration, WSK_INFINITE_WAIT, npi);
    if (captured !== STATUS_SUCCESS) throw new WskCallError('WskCaptureProviderNPI', captured);
    test.client = npi.Client;
    test.dispatch = npi.Dispatch;
    return test;
  }

  /** The provider-level table. */
  get provider(): WSK_PROVIDER_DISPATCH {
    if (!this.dispatch) throw new Error('WskTestClient: not started');
    return this.dispatch;
  }

  /** The client object. */
  get clientObject(): PWSK_CLIENT {
    return this.client!;
  }

  /** Runs one request with a fresh IRP; resolves with its `IoStatus`. */
  call(start: (irp: IRP) => NTSTATUS): Promise<IO_STATUS_BLOCK> {
    return callWithIrp(start);
  }

  /** Like `call`, but rejects with `WskCallError` unless the request succeeded. */
  async must(call: string, start: (irp: IRP) => NTSTATUS): Promise<IO_STATUS_BLOCK> {
    const result = await callWithIrp(start);
    if (result.Status !== STATUS_SUCCESS) throw new WskCallError(call, result.Status);
    return result;
  }

  /** `WskSocket`. */
  async socket(
    af: number,
    type: number,
    protocol: number,
    flags: number,
    dispatch: object | null = null,
    context: unknown = null,
  ): Promise<WSK_SOCKET> {
    const result = await this.must('WskSocket', (irp) =>
      this.provider.WskSocket(
        this.clientObject,
        af,
        type,
        protocol,
        flags,
        context,
        dispatch,
        null,
        null,
        null,
        irp,
      ),
    );
    return this.track(result.Information as WSK_SOCKET);
  }

  /**
   * A listening socket bound to `address` (and so listening), with `events` enabled. The sockets
   * `acceptRecorder` accepts are this client's to close at `end()`.
   */
  async listen(
    af: number,
    type: number,
    protocol: number,
    address: SOCKADDR,
    acceptRecorder: WskAcceptRecorder | null = null,
    events = 0,
  ): Promise<WSK_SOCKET> {
    if (acceptRecorder) acceptRecorder.adopt = (accepted) => this.track(accepted);
    const socket = await this.socket(
      af,
      type,
      protocol,
      WSK_FLAG_LISTEN_SOCKET,
      acceptRecorder?.dispatch ?? null,
    );
    const d = socket.Dispatch as WSK_PROVIDER_LISTEN_DISPATCH;
    await this.must('WskBind', (irp) => d.WskBind(socket, address, 0, irp));
    if (events) this.enableEvents(socket, events);
    return socket;
  }

  /** `WskGetLocalAddress`. */
  async localAddress(socket: WSK_SOCKET): Promise<SOCKADDR> {
    const cell = out<SOCKADDR | null>(null);
    const d = socket.Dispatch as WSK_PROVIDER_LISTEN_DISPATCH;
    await this.must('WskGetLocalAddress', (irp) => d.WskGetLocalAddress(socket, cell, irp));
    return cell.value!;
  }

  /** `WskSocketConnect`: a connection socket, bound to `local`, connected to `remote`. */
  async connect(
    type: number,
    protocol: number,
    local: SOCKADDR,
    remote: SOCKADDR,
    recorder: WskConnectionRecorder | null = null,
  ): Promise<WSK_SOCKET> {
    const result = await this.must('WskSocketConnect', (irp) =>
      this.provider.WskSocketConnect(
        this.clientObject,
        type,
        protocol,
        local,
        remote,
        0,
        recorder,
        recorder?.dispatch ?? null,
        null,
        null,
        null,
        irp,
      ),
    );
    return this.track(result.Information as WSK_SOCKET);
  }

  /** `WskAccept` on a listening socket. */
  async accept(listen: WSK_SOCKET, recorder: WskConnectionRecorder | null = null): Promise<WskAccepted> {
    const remote = out<SOCKADDR | null>(null);
    const d = listen.Dispatch as WSK_PROVIDER_LISTEN_DISPATCH;
    const result = await this.must('WskAccept', (irp) =>
      d.WskAccept(listen, 0, recorder, recorder?.dispatch ?? null, null, remote, irp),
    );
    return { socket: this.track(result.Information as WSK_SOCKET), remote: remote.value! };
  }

  /** Enables events (`SO_WSK_EVENT_CALLBACK`); returns the status. */
  enableEvents(socket: WSK_SOCKET, mask: number): NTSTATUS {
    const d = socket.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;
    return d.WskControlSocket(
      socket,
      WskSetOption,
      SO_WSK_EVENT_CALLBACK,
      SOL_SOCKET,
      16,
      { NpiId: NPI_WSK_INTERFACE_ID, EventMask: mask },
      0,
      null,
      null,
      null,
    );
  }

  /** Disables one event; `irp` optional. */
  disableEvent(socket: WSK_SOCKET, event: number, irp: IRP | null = null): NTSTATUS {
    const d = socket.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;
    return d.WskControlSocket(
      socket,
      WskSetOption,
      SO_WSK_EVENT_CALLBACK,
      SOL_SOCKET,
      16,
      { NpiId: NPI_WSK_INTERFACE_ID, EventMask: event | WSK_EVENT_DISABLE },
      0,
      null,
      null,
      irp,
    );
  }

  /** `WskSend` of `bytes`. */
  send(socket: WSK_SOCKET, bytes: Uint8Array, flags = 0): Promise<IO_STATUS_BLOCK> {
    const d = socket.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;
    return this.call((irp) => d.WskSend(socket, wskBuf(bytes), flags, irp));
  }

  /** `WskReceive` into a buffer of `capacity`; resolves with the status and the bytes received. */
  async receive(socket: WSK_SOCKET, capacity: number, flags = 0): Promise<WskReceived> {
    const buffer = new Uint8Array(capacity);
    const d = socket.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;
    const result = await this.call((irp) => d.WskReceive(socket, wskBuf(buffer), flags, irp));
    const n = typeof result.Information === 'number' ? result.Information : 0;
    return { Status: result.Status, data: buffer.slice(0, n) };
  }

  /** `WskDisconnect`: graceful with an optional final buffer, or `WSK_FLAG_ABORTIVE`. */
  disconnect(socket: WSK_SOCKET, final: Uint8Array | null, flags = 0): Promise<IO_STATUS_BLOCK> {
    const d = socket.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;
    return this.call((irp) => d.WskDisconnect(socket, final ? wskBuf(final) : null, flags, irp));
  }

  /** `WskCloseSocket`. */
  async close(socket: WSK_SOCKET): Promise<IO_STATUS_BLOCK> {
    this.sockets.delete(socket);
    const d = socket.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;
    return this.call((irp) => d.WskCloseSocket(socket, irp));
  }

  /** Adopts a socket WSK handed over otherwise (through `WskAcceptEvent`), so `end()` closes it too. */
  track(socket: WSK_SOCKET): WSK_SOCKET {
    this.sockets.add(socket);
    return socket;
  }

  /** Sockets made and not closed through this client. */
  get openSockets(): number {
    return this.sockets.size;
  }

  /**
   * Closes what is still open, releases the NPI and deregisters: the client leaves nothing behind.
   * Use `closeAllFirst: false` to deregister with sockets open (the verifier records it).
   */
  async end(closeAllFirst = true): Promise<void> {
    if (closeAllFirst) for (const socket of [...this.sockets]) await this.close(socket);
    if (this.dispatch) this.wsk.WskReleaseProviderNPI(this.registration);
    this.dispatch = null;
    await this.wsk.WskDeregister(this.registration);
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const c of chunks) total += c.byteLength;
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
