// examples/test/guide/wsk/greeting-client.ts — the WSK guide's client: it registers, captures the
// provider NPI, connects a connection socket whose WskReceiveEvent and WskDisconnectEvent collect a
// greeting, answers, and disconnects. The same code runs over TCP and over the in-memory transport.
import { out, type SOCKADDR, SOL_SOCKET } from '@ws2spi/spi';
import {
  callWithIrp,
  emptyWskProviderNpi,
  emptyWskRegistration,
  MAKE_WSK_VERSION,
  NPI_WSK_INTERFACE_ID,
  type NTSTATUS,
  ntStatusName,
  type PWSK_CLIENT,
  SO_WSK_EVENT_CALLBACK,
  STATUS_SUCCESS,
  type WSK_CLIENT_CONNECTION_DISPATCH,
  type WSK_CLIENT_LISTEN_DISPATCH,
  type WSK_DATA_INDICATION,
  WSK_EVENT_DISCONNECT,
  WSK_EVENT_RECEIVE,
  WSK_FLAG_ABORTIVE,
  WSK_FLAG_AT_DISPATCH_LEVEL,
  WSK_FLAG_LISTEN_SOCKET,
  type WSK_PROVIDER_CONNECTION_DISPATCH,
  type WSK_PROVIDER_DISPATCH,
  type WSK_PROVIDER_LISTEN_DISPATCH,
  type WSK_SOCKET,
  WskSetOption,
  type WskSubsystem,
  wskBuf,
} from '@ws2spi/spi/wsk';

/** A registered WSK client and the provider NPI it captured. */
export interface WskClient {
  readonly client: PWSK_CLIENT;
  readonly provider: WSK_PROVIDER_DISPATCH;
  /** WskReleaseProviderNPI, then WskDeregister (which waits until every socket is closed). */
  stop(): Promise<void>;
}

/** WskRegister, then WskCaptureProviderNPI, waiting up to 5 s for the provider. */
export async function startWskClient(wsk: WskSubsystem): Promise<WskClient> {
  const registration = emptyWskRegistration();
  const registered = wsk.WskRegister(
    { ClientContext: null, Dispatch: { Version: MAKE_WSK_VERSION(1, 0), Reserved: 0, WskClientEvent: null } },
    registration,
  );
  if (registered !== STATUS_SUCCESS) throw new Error(`WskRegister: ${ntStatusName(registered)}`);
  const npi = emptyWskProviderNpi();
  const captured = await wsk.WskCaptureProviderNPI(registration, 5000, npi);
  if (captured !== STATUS_SUCCESS) {
    await wsk.WskDeregister(registration);
    throw new Error(`WskCaptureProviderNPI: ${ntStatusName(captured)}`); // DEVICE_NOT_READY, NOINTERFACE
  }
  return {
    client: npi.Client!,
    provider: npi.Dispatch!,
    async stop() {
      wsk.WskReleaseProviderNPI(registration);
      await wsk.WskDeregister(registration);
    },
  };
}

/** What the connection's callbacks saw. */
export interface Greeting {
  socket: WSK_SOCKET;
  /** Every byte WskReceiveEvent was offered. */
  text: string;
  /** How the peer disconnected, once it did. */
  disconnect: Promise<'graceful' | 'abortive'>;
  /** The callbacks came at DISPATCH_LEVEL (straight from the transport's receive path). */
  atDispatchLevel: boolean;
}

const dispatchOf = (socket: WSK_SOCKET) => socket.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;

/** A request with an IRP of its own; rejects unless it succeeds. */
async function must(call: string, start: Parameters<typeof callWithIrp>[0]) {
  const { Status, Information } = await callWithIrp(start);
  if (Status !== STATUS_SUCCESS) throw new Error(`${call}: ${ntStatusName(Status)}`);
  return Information;
}

/**
 * WskSocketConnect to `remote`, then SO_WSK_EVENT_CALLBACK: what arrives goes to WskReceiveEvent,
 * the peer's close to WskDisconnectEvent. Both run on the transport's path and must not wait.
 */
export async function connectForGreeting(
  wsk: WskClient,
  local: SOCKADDR,
  remote: SOCKADDR,
  type: number,
  protocol: number,
) {
  const decoder = new TextDecoder();
  let announce: (kind: 'graceful' | 'abortive') => void = () => undefined;
  const greeting = {
    text: '',
    atDispatchLevel: true,
    disconnect: new Promise<'graceful' | 'abortive'>((resolve) => {
      announce = resolve;
    }),
  };
  const callbacks: WSK_CLIENT_CONNECTION_DISPATCH = {
    WskReceiveEvent: (_context, flags, indication: WSK_DATA_INDICATION | null): NTSTATUS => {
      greeting.atDispatchLevel &&= (flags & WSK_FLAG_AT_DISPATCH_LEVEL) !== 0;
      // A NULL indication: the socket no longer works and must be closed.
      for (let element = indication; element; element = element.Next) {
        const { Mdl, Offset, Length } = element.Buffer;
        greeting.text += decoder.decode(Mdl!.MappedSystemVa.subarray(Offset, Offset + Length), {
          stream: true,
        });
      }
      return STATUS_SUCCESS; // everything taken
    },
    WskDisconnectEvent: (_context, flags): NTSTATUS => {
      greeting.atDispatchLevel &&= (flags & WSK_FLAG_AT_DISPATCH_LEVEL) !== 0;
      announce(flags & WSK_FLAG_ABORTIVE ? 'abortive' : 'graceful');
      return STATUS_SUCCESS; // the only status a WskDisconnectEvent may return
    },
    WskSendBacklogEvent: null,
  };
  const socket = (await must('WskSocketConnect', (irp) =>
    wsk.provider.WskSocketConnect(
      wsk.client,
      type,
      protocol,
      local,
      remote,
      0,
      greeting,
      callbacks,
      null,
      null,
      null,
      irp,
    ),
  )) as WSK_SOCKET;
  // Events are enabled once the socket is connected, several at once, without an IRP.
  const enabled = dispatchOf(socket).WskControlSocket(
    socket,
    WskSetOption,
    SO_WSK_EVENT_CALLBACK,
    SOL_SOCKET,
    16,
    { NpiId: NPI_WSK_INTERFACE_ID, EventMask: WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT },
    0,
    null,
    null,
    null,
  );
  if (enabled !== STATUS_SUCCESS) throw new Error(`SO_WSK_EVENT_CALLBACK: ${ntStatusName(enabled)}`);
  return Object.assign(greeting, { socket }) as Greeting;
}

/** WskSend: the IRP completes with the byte count once the transport has the bytes. */
export async function send(socket: WSK_SOCKET, text: string): Promise<number> {
  return (await must('WskSend', (irp) =>
    dispatchOf(socket).WskSend(socket, wskBuf(new TextEncoder().encode(text)), 0, irp),
  )) as number;
}

/** WskDisconnect, graceful: `last` goes out after everything queued, then the end. */
export async function disconnect(socket: WSK_SOCKET, last: string | null): Promise<void> {
  const buffer = last === null ? null : wskBuf(new TextEncoder().encode(last));
  await must('WskDisconnect', (irp) => dispatchOf(socket).WskDisconnect(socket, buffer, 0, irp));
}

/** WskDisconnect with WSK_FLAG_ABORTIVE (no buffer): a reset, at once. */
export async function abort(socket: WSK_SOCKET): Promise<void> {
  await must('WskDisconnect', (irp) =>
    dispatchOf(socket).WskDisconnect(socket, null, WSK_FLAG_ABORTIVE, irp),
  );
}

/** WskCloseSocket: pending requests complete (STATUS_CANCELLED), then the socket is gone. */
export async function close(socket: WSK_SOCKET): Promise<void> {
  await must('WskCloseSocket', (irp) => dispatchOf(socket).WskCloseSocket(socket, irp));
}

/**
 * A listening socket bound to `local` (binding a WSK listening socket starts the listening), with
 * `events` enabled: WSK_EVENT_ACCEPT for its WskAcceptEvent, and connection events that the
 * sockets WskAcceptEvent takes inherit. Resolves with the socket and the address it got.
 */
export async function listen(
  wsk: WskClient,
  local: SOCKADDR,
  type: number,
  protocol: number,
  callbacks: WSK_CLIENT_LISTEN_DISPATCH,
  events: number,
) {
  const socket = (await must('WskSocket', (irp) =>
    wsk.provider.WskSocket(
      wsk.client,
      local.sa_family,
      type,
      protocol,
      WSK_FLAG_LISTEN_SOCKET,
      null,
      callbacks,
      null,
      null,
      null,
      irp,
    ),
  )) as WSK_SOCKET;
  const d = socket.Dispatch as WSK_PROVIDER_LISTEN_DISPATCH;
  await must('WskBind', (irp) => d.WskBind(socket, local, 0, irp));
  const enabled = d.WskControlSocket(
    socket,
    WskSetOption,
    SO_WSK_EVENT_CALLBACK,
    SOL_SOCKET,
    16,
    { NpiId: NPI_WSK_INTERFACE_ID, EventMask: events },
    0,
    null,
    null,
    null,
  );
  if (enabled !== STATUS_SUCCESS) throw new Error(`SO_WSK_EVENT_CALLBACK: ${ntStatusName(enabled)}`);
  const address = out<SOCKADDR | null>(null);
  await must('WskGetLocalAddress', (irp) => d.WskGetLocalAddress(socket, address, irp));
  return { socket, address: address.value! };
}
