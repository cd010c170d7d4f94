/**
 * Small Winsock steps the OSI provider tests share: opening sockets of an entry, a connected pair
 * that must keep working while other connections fail, the Winsock error of a call, and the error
 * `FD_CLOSE` carried. Waits are bounded by jest's test timeout; none measures time.
 */
import { sockaddrTp, tpEndpointOf } from '@ws2spi/providers-osi';
import {
  AF_ISO,
  emptyNetworkEvents,
  FD_ACCEPT,
  FD_ACCEPT_BIT,
  FD_CLOSE,
  FD_CLOSE_BIT,
  ISOPROTO_TP0,
  ISOPROTO_TP2,
  isWsaError,
  SOCK_SEQPACKET,
  type SOCKADDR,
  SOCKET_ERROR,
  Socket,
  WSA_INFINITE,
  WSA_WAIT_EVENT_0,
  type Ws2,
} from '@ws2spi/spi';

/** UTF-8 bytes of a string. */
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
/** The string of UTF-8 bytes. */
export const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** The TCP port of an `AF_ISO` address. */
export function tcpPortOf(address: SOCKADDR | null): number {
  const endpoint = address ? tpEndpointOf(address) : 'malformed';
  if (typeof endpoint === 'string') throw new Error(`not an OSI address: ${JSON.stringify(address)}`);
  return endpoint.port;
}

/** Opens sockets of the TP2 (default) or TP0 entry and remembers them for `closeAll`. */
export class SocketBag {
  private readonly sockets: Socket[] = [];

  constructor(private readonly ws2: Ws2) {}

  async open(protocolClass: 0 | 2 = 2): Promise<Socket> {
    const s = await Socket.create(
      this.ws2,
      AF_ISO,
      SOCK_SEQPACKET,
      protocolClass === 2 ? ISOPROTO_TP2 : ISOPROTO_TP0,
    );
    this.sockets.push(s);
    return s;
  }

  /** Keeps an accepted socket for `closeAll`. */
  adopt(s: Socket): Socket {
    this.sockets.push(s);
    return s;
  }

  /** A listener bound to `tsel` at 127.0.0.1 (ephemeral port). */
  async listener(tsel: string, protocolClass: 0 | 2 = 2): Promise<Socket> {
    const s = await this.open(protocolClass);
    await s.bind(sockaddrTp(tsel, '127.0.0.1', 0));
    await s.listen(8);
    return s;
  }

  /** Closes every socket, ignoring ones already closed. */
  closeAll(): void {
    for (const s of this.sockets.splice(0)) {
      try {
        s.close();
      } catch {
        // closed by the test itself
      }
    }
  }
}

/** A client connected to `listener`, and the accepted server end. */
export async function connectTo(
  bag: SocketBag,
  listener: Socket,
  protocolClass: 0 | 2 = 2,
): Promise<{ client: Socket; server: Socket }> {
  const client = await bag.open(protocolClass);
  const [accepted] = await Promise.all([listener.accept(), client.connect(listener.localAddress()!)]);
  return { client, server: bag.adopt(accepted.socket) };
}

/** One message each way on a pair; throws if either does not arrive intact. */
export async function exchange(pair: { client: Socket; server: Socket }, tag: string): Promise<void> {
  await pair.client.send(utf8(`ping ${tag}`));
  const ping = text(await pair.server.recv());
  await pair.server.send(utf8(`pong ${tag}`));
  const pong = text(await pair.client.recv());
  if (ping !== `ping ${tag}` || pong !== `pong ${tag}`)
    throw new Error(`exchange ${tag} got ${ping} / ${pong}`);
}

/** The Winsock code a call fails with; throws if it succeeds. */
export async function errorOf(call: Promise<unknown> | (() => unknown)): Promise<number> {
  try {
    await (typeof call === 'function' ? call() : call);
  } catch (error) {
    if (isWsaError(error)) return error.code;
    throw error;
  }
  throw new Error('expected the call to fail with a Winsock error, but it succeeded');
}

/**
 * Waits for `FD_CLOSE` on `socket` (through `WSAEventSelect`) and returns its error code (0 for a
 * graceful close). The socket is blocking again afterwards.
 */
export function fdCloseError(socket: Socket): Promise<number> {
  return networkEventError(socket, FD_CLOSE, FD_CLOSE_BIT);
}

/**
 * Waits until `FD_ACCEPT` is signalled on a listening `socket`: a connection request waits in its
 * backlog. The socket is blocking again afterwards.
 */
export async function fdAcceptSignalled(socket: Socket): Promise<void> {
  await networkEventError(socket, FD_ACCEPT, FD_ACCEPT_BIT);
}

/**
 * Waits for the network event `event` (bit `bit`) on `socket` through `WSAEventSelect` and returns
 * its error code. The socket is blocking again afterwards.
 */
async function networkEventError(socket: Socket, event: number, bit: number): Promise<number> {
  const { ws2, handle } = socket;
  const signal = ws2.WSACreateEvent();
  if (!signal) throw new Error('WSACreateEvent failed');
  try {
    if (ws2.WSAEventSelect(handle, signal, event) === SOCKET_ERROR) {
      throw new Error(`WSAEventSelect failed: ${ws2.WSAGetLastError()}`);
    }
    for (;;) {
      const rc = await ws2.WSAWaitForMultipleEvents(1, [signal], false, WSA_INFINITE, false);
      if (rc !== WSA_WAIT_EVENT_0) throw new Error(`WSAWaitForMultipleEvents returned ${rc}`);
      const events = emptyNetworkEvents();
      if (ws2.WSAEnumNetworkEvents(handle, signal, events) === SOCKET_ERROR) {
        throw new Error(`WSAEnumNetworkEvents failed: ${ws2.WSAGetLastError()}`);
      }
      if (events.lNetworkEvents & event) return events.iErrorCode[bit] ?? 0;
    }
  } finally {
    // Cancelling the selection leaves the socket non-blocking (Windows); make it blocking again.
    ws2.WSAEventSelect(handle, null, 0);
    ws2.WSACloseEvent(signal);
    socket.setNonBlocking(false);
  }
}
