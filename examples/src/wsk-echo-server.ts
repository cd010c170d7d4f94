/**
 * A WSK echo server, in the shape of the Windows driver samples' WSK echo server (`echosrv`):
 *
 * 1. `WskRegister` and `WskCaptureProviderNPI` (waiting for the provider);
 * 2. a listening socket whose `WSK_CLIENT_LISTEN_DISPATCH` has `WskAcceptEvent` (no conditional
 *    accept), bound on the given address — binding a WSK listening socket starts the listening;
 * 3. per connection a socket context with preallocated IRPs and a data buffer: one `WskReceive`
 *    is kept posted; what it brings is echoed with `WskSend`, and the next receive goes out when
 *    the send completed (the completion routines start the next request, which a completion
 *    routine may do at any IRQL; none of them waits);
 * 4. a receive that completes with 0 bytes is the peer's graceful end: `WskDisconnect`, then
 *    `WskCloseSocket`; a receive that fails (a reset) closes the socket at once;
 * 5. on stop, the listening socket is closed and `WskDeregister` waits until every socket is closed.
 *
 * Unlike the sample it also enables `WskDisconnectEvent` (inherited by the accepted sockets from the
 * listening socket) and logs each one: graceful, or abortive (`WSK_FLAG_ABORTIVE`), and whether it
 * came at `DISPATCH_LEVEL`.
 */
import { osiWskTransports } from '@ws2spi/providers-osi';
import { tcpWskTransports } from '@ws2spi/providers-tcp';
import { formatSockaddr, out, type SOCKADDR, SOL_SOCKET } from '@ws2spi/spi';
import {
  createWskProvider,
  emptyWskProviderNpi,
  emptyWskRegistration,
  IoAllocateIrp,
  IoReuseIrp,
  IoSetCompletionRoutine,
  type IRP,
  irpCompletion,
  MAKE_WSK_VERSION,
  NPI_WSK_INTERFACE_ID,
  NT_SUCCESS,
  ntStatusName,
  type PWSK_CLIENT,
  SO_WSK_EVENT_CALLBACK,
  STATUS_MORE_PROCESSING_REQUIRED,
  STATUS_REQUEST_NOT_ACCEPTED,
  STATUS_SUCCESS,
  STATUS_UNSUCCESSFUL,
  type WSK_CLIENT_CONNECTION_DISPATCH,
  type WSK_CLIENT_LISTEN_DISPATCH,
  WSK_EVENT_ACCEPT,
  WSK_EVENT_DISCONNECT,
  WSK_FLAG_ABORTIVE,
  WSK_FLAG_AT_DISPATCH_LEVEL,
  WSK_FLAG_LISTEN_SOCKET,
  WSK_INFINITE_WAIT,
  type WSK_PROVIDER_CONNECTION_DISPATCH,
  type WSK_PROVIDER_DISPATCH,
  type WSK_PROVIDER_LISTEN_DISPATCH,
  type WSK_SOCKET,
  WskSetOption,
  WskSubsystem,
  wskBuf,
} from '@ws2spi/spi/wsk';

/** The length of each connection's data buffer, as the sample's `WSKSAMPLE_DATA_BUFFER_LENGTH`. */
export const WSK_ECHO_BUFFER_LENGTH = 2048;

/** Which transport the server listens on. */
export type WskEchoTransport = 'tcp' | 'osi';

/** How to start the server. */
export interface WskEchoServerOptions {
  transport: WskEchoTransport;
  /** Where to listen: `sockaddrIn('127.0.0.1', 0)`, `sockaddrTp('echo', '127.0.0.1', 0)` … */
  address: SOCKADDR;
  /** Receives the narration line by line. */
  log?: (line: string) => void;
}

/** A running server. */
export interface WskEchoServer {
  /** Where it listens (the real port once bound). */
  readonly address: SOCKADDR;
  /** Each `WskDisconnectEvent` so far: `'graceful'` or `'abortive'`. */
  readonly disconnects: ReadonlyArray<'graceful' | 'abortive'>;
  /** The subsystem it registered with (its verifier records the server's contract violations). */
  readonly wsk: WskSubsystem;
  /** Resolves once `count` disconnect events came. */
  untilDisconnects(count: number): Promise<void>;
  /** Closes the listening socket and every connection, releases the NPI and deregisters. */
  stop(): Promise<void>;
}

/** The socket context of one connection (the sample's `WSKSAMPLE_SOCKET_CONTEXT`). */
interface ConnectionContext {
  socket: WSK_SOCKET;
  peer: string;
  /** Preallocated IRPs: the receive-then-send cycle, the disconnect, the close. */
  dataIrp: IRP;
  disconnectIrp: IRP;
  closeIrp: IRP;
  buffer: Uint8Array;
  /** `open`, then `disconnecting` (our WskDisconnect in flight), then `closing` (WskCloseSocket). */
  phase: 'open' | 'disconnecting' | 'closing';
  /** Resolves when its `WskCloseSocket` completed. */
  closed: Promise<void>;
  markClosed: () => void;
}

const NO_CONDITIONAL_ACCEPT = null;

/** Starts the server. */
export async function startWskEchoServer(options: WskEchoServerOptions): Promise<WskEchoServer> {
  const log = options.log ?? (() => undefined);
  const transports = options.transport === 'tcp' ? tcpWskTransports() : osiWskTransports();
  const provider = createWskProvider({ transports });
  const wsk = new WskSubsystem({ provider });
  const registration = emptyWskRegistration();
  const registered = wsk.WskRegister(
    { ClientContext: null, Dispatch: { Version: MAKE_WSK_VERSION(1, 0), Reserved: 0, WskClientEvent: null } },
    registration,
  );
  if (registered !== STATUS_SUCCESS) throw new Error(`WskRegister: ${ntStatusName(registered)}`);
  const npi = emptyWskProviderNpi();
  const captured = await wsk.WskCaptureProviderNPI(registration, WSK_INFINITE_WAIT, npi);
  if (captured !== STATUS_SUCCESS) throw new Error(`WskCaptureProviderNPI: ${ntStatusName(captured)}`);
  const client = npi.Client as PWSK_CLIENT;
  const providerDispatch = npi.Dispatch as WSK_PROVIDER_DISPATCH;

  const connections = new Set<ConnectionContext>();
  const disconnects: Array<'graceful' | 'abortive'> = [];
  const waiters: Array<() => void> = [];
  const transport = transports.find(
    (t) => t.AddressFamily === options.address.sa_family && t.driver.kind === 'stream',
  );
  if (!transport)
    throw new Error(`no ${options.transport} transport for address family ${options.address.sa_family}`);

  // ---- per connection ----------------------------------------------------------------------------

  const connectionDispatch: WSK_CLIENT_CONNECTION_DISPATCH = {
    WskReceiveEvent: null,
    WskDisconnectEvent: (socketContext, flags) => {
      const context = socketContext as ConnectionContext;
      const kind = flags & WSK_FLAG_ABORTIVE ? 'abortive' : 'graceful';
      const names = [
        ...(flags & WSK_FLAG_ABORTIVE ? ['WSK_FLAG_ABORTIVE'] : []),
        ...(flags & WSK_FLAG_AT_DISPATCH_LEVEL ? ['WSK_FLAG_AT_DISPATCH_LEVEL'] : []),
      ];
      log(
        `WskDisconnectEvent from ${context.peer}: ${kind} (Flags 0x${flags.toString(16)}${names.length ? `: ${names.join(' | ')}` : ''})`,
      );
      disconnects.push(kind);
      for (const wake of waiters.splice(0)) wake();
      // Only STATUS_SUCCESS is allowed; closing is left to the receive that sees the end.
      return STATUS_SUCCESS;
    },
    WskSendBacklogEvent: null,
  };

  const dispatchOf = (context: ConnectionContext) =>
    context.socket.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;

  /** Reuses a preallocated IRP with a completion routine for the next step. */
  const arm = (irp: IRP, next: (irp: IRP) => void): IRP => {
    IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(
      irp,
      (_device, done) => {
        next(done);
        return STATUS_MORE_PROCESSING_REQUIRED;
      },
      null,
      true,
      true,
      true,
    );
    return irp;
  };

  const close = (context: ConnectionContext): void => {
    if (context.phase === 'closing') return;
    context.phase = 'closing';
    dispatchOf(context).WskCloseSocket(
      context.socket,
      arm(context.closeIrp, () => {
        connections.delete(context);
        log(`closed the connection from ${context.peer}`);
        context.markClosed();
      }),
    );
  };

  const receive = (context: ConnectionContext): void => {
    if (context.phase !== 'open') return;
    dispatchOf(context).WskReceive(
      context.socket,
      wskBuf(context.buffer),
      0,
      arm(context.dataIrp, (irp) => {
        const { Status, Information } = irp.IoStatus;
        if (!NT_SUCCESS(Status)) {
          log(`WskReceive from ${context.peer}: ${ntStatusName(Status)}; closing`);
          close(context);
          return;
        }
        const length = Information as number;
        if (length === 0) {
          // The peer's graceful end: disconnect our side too, then close.
          log(`WskReceive from ${context.peer}: 0 bytes, the peer finished; WskDisconnect`);
          context.phase = 'disconnecting';
          dispatchOf(context).WskDisconnect(
            context.socket,
            null,
            0,
            arm(context.disconnectIrp, (done) => {
              log(`WskDisconnect to ${context.peer}: ${ntStatusName(done.IoStatus.Status)}`);
              close(context);
            }),
          );
          return;
        }
        send(context, length);
      }),
    );
  };

  const send = (context: ConnectionContext, length: number): void => {
    dispatchOf(context).WskSend(
      context.socket,
      { ...wskBuf(context.buffer), Length: length },
      0,
      arm(context.dataIrp, (irp) => {
        if (!NT_SUCCESS(irp.IoStatus.Status)) {
          close(context);
          return;
        }
        log(`echoed ${length} bytes to ${context.peer}`);
        receive(context);
      }),
    );
  };

  // ---- the listening socket ----------------------------------------------------------------------

  const listenDispatch: WSK_CLIENT_LISTEN_DISPATCH = {
    WskAcceptEvent: (_listenContext, _flags, _local, remote, acceptSocket, acceptContext, acceptDispatch) => {
      if (!acceptSocket) return STATUS_SUCCESS;
      const dataIrp = IoAllocateIrp(1);
      const disconnectIrp = IoAllocateIrp(1);
      const closeIrp = IoAllocateIrp(1);
      if (!dataIrp || !disconnectIrp || !closeIrp) return STATUS_REQUEST_NOT_ACCEPTED;
      let markClosed = (): void => undefined;
      const closed = new Promise<void>((resolve) => {
        markClosed = resolve;
      });
      const context: ConnectionContext = {
        socket: acceptSocket,
        peer: formatSockaddr(remote),
        dataIrp,
        disconnectIrp,
        closeIrp,
        buffer: new Uint8Array(WSK_ECHO_BUFFER_LENGTH),
        phase: 'open',
        closed,
        markClosed,
      };
      connections.add(context);
      acceptContext.value = context;
      acceptDispatch.value = connectionDispatch;
      log(`WskAcceptEvent: a connection from ${context.peer}`);
      // Starting a request from a callback is allowed (waiting for it would not be).
      queueMicrotask(() => receive(context));
      return STATUS_SUCCESS;
    },
    WskInspectEvent: NO_CONDITIONAL_ACCEPT,
    WskAbortEvent: NO_CONDITIONAL_ACCEPT,
  };

  const startIrp = (): { irp: IRP; done: ReturnType<typeof irpCompletion> } => {
    const irp = IoAllocateIrp(1)!;
    return { irp, done: irpCompletion(irp) };
  };

  let made = startIrp();
  providerDispatch.WskSocket(
    client,
    transport.AddressFamily,
    transport.SocketType,
    transport.Protocol,
    WSK_FLAG_LISTEN_SOCKET,
    null,
    listenDispatch,
    null,
    null,
    null,
    made.irp,
  );
  const created = await made.done;
  if (created.Status !== STATUS_SUCCESS) throw new Error(`WskSocket: ${ntStatusName(created.Status)}`);
  const listening = created.Information as WSK_SOCKET;
  const listen = listening.Dispatch as WSK_PROVIDER_LISTEN_DISPATCH;
  made = startIrp();
  listen.WskBind(listening, options.address, 0, made.irp);
  const bound = await made.done;
  if (bound.Status !== STATUS_SUCCESS) throw new Error(`WskBind: ${ntStatusName(bound.Status)}`);
  const events = listen.WskControlSocket(
    listening,
    WskSetOption,
    SO_WSK_EVENT_CALLBACK,
    SOL_SOCKET,
    16,
    { NpiId: NPI_WSK_INTERFACE_ID, EventMask: WSK_EVENT_ACCEPT | WSK_EVENT_DISCONNECT },
    0,
    null,
    null,
    null,
  );
  if (events !== STATUS_SUCCESS) throw new Error(`SO_WSK_EVENT_CALLBACK: ${ntStatusName(events)}`);
  const local = out<SOCKADDR | null>(null);
  made = startIrp();
  listen.WskGetLocalAddress(listening, local, made.irp);
  await made.done;
  const address = local.value!;
  log(
    `listening on ${formatSockaddr(address)} (${options.transport === 'tcp' ? 'TCP' : 'ISO transport class 2'})`,
  );

  return {
    address,
    disconnects,
    wsk,
    untilDisconnects: async (count) => {
      while (disconnects.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    stop: async () => {
      made = startIrp();
      listen.WskCloseSocket(listening, made.irp);
      await made.done;
      // WskDeregister would wait for the connections anyway; closing them first keeps stop bounded
      // (a peer that never disconnects cannot hold it up) and the verifier quiet.
      const open = [...connections];
      // A disconnect still in flight is completed by the close (it cancels it).
      for (const context of open) close(context);
      await Promise.all(open.map((context) => context.closed));
      wsk.WskReleaseProviderNPI(registration);
      await wsk.WskDeregister(registration);
      provider.dispose();
      log('stopped: WskDeregister returned, every socket closed');
    },
  };
}
