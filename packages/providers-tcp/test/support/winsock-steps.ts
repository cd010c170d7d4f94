/**
 * Small Winsock steps the provider tests share: a connected TCP pair, waiting for one network
 * event, reading to end of stream, the error of a failing call. All waits are unbounded on their
 * own and bounded by jest's test timeout; none measures time.
 */
import {
  AF_INET,
  AF_INET6,
  emptyNetworkEvents,
  FD_MAX_EVENTS,
  IPPROTO_TCP,
  isWsaError,
  SOCK_STREAM,
  type SOCKADDR,
  type SOCKET,
  SOCKET_ERROR,
  Socket,
  sockaddrIn,
  sockaddrIn6,
  WSA_INFINITE,
  WSA_WAIT_EVENT_0,
  type Ws2,
} from '@ws2spi/spi';

/** The loopback address of a family. */
export function loopback(family: 4 | 6, port = 0): SOCKADDR {
  return family === 4 ? sockaddrIn('127.0.0.1', port) : sockaddrIn6('::1', port);
}

/** The port of an IP socket address. */
export function portOf(address: SOCKADDR | null): number {
  const a = address as { sin_port?: number; sin6_port?: number } | null;
  return a?.sin_port ?? a?.sin6_port ?? -1;
}

/** A listening socket, a client connected to it and the accepted server end. */
export interface TcpPair {
  listener: Socket;
  client: Socket;
  server: Socket;
}

/** Opens a listener on loopback, connects a client to it and accepts. */
export async function connectedPair(
  ws2: Ws2,
  family: 4 | 6 = 4,
  host: SOCKADDR = loopback(family),
): Promise<TcpPair> {
  const af = family === 4 ? AF_INET : AF_INET6;
  const listener = await Socket.create(ws2, af, SOCK_STREAM, IPPROTO_TCP);
  await listener.bind(host);
  await listener.listen(8);
  const client = await Socket.create(ws2, af, SOCK_STREAM, IPPROTO_TCP);
  const [accepted] = await Promise.all([listener.accept(), client.connect(listener.localAddress()!)]);
  return { listener, client, server: accepted.socket };
}

/** The Winsock code a promise (or call) fails with; throws if it succeeds. */
export async function errorOf(call: Promise<unknown> | (() => unknown)): Promise<number> {
  try {
    await (typeof call === 'function' ? call() : call);
  } catch (error) {
    if (isWsaError(error)) return error.code;
    throw error;
  }
  throw new Error('expected the call to fail with a Winsock error, but it succeeded');
}

/** Reads until `recv` returns 0 (the peer's FIN); returns everything read. */
export async function readToEnd(socket: Socket, chunk = 65536): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const data = await socket.recv(chunk);
    if (data.byteLength === 0) break;
    parts.push(data.slice());
    total += data.byteLength;
  }
  const all = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    all.set(p, offset);
    offset += p.byteLength;
  }
  return all;
}

/** `n` bytes of a pattern that shows any loss, duplication or reordering. */
export function patternBytes(n: number, seed = 0): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = (i * 31 + seed + (i >>> 8)) & 0xff;
  return bytes;
}

/**
 * Network events of one socket through `WSAEventSelect`: `waitFor(FD_CLOSE)` returns that event's
 * error code once it has been recorded. Selecting makes the socket non-blocking, as on Windows.
 */
export class NetworkEventWatch {
  private readonly event;
  private seen = 0;
  private readonly errors = new Array<number>(FD_MAX_EVENTS).fill(0);

  constructor(
    private readonly ws2: Ws2,
    private readonly s: SOCKET,
    mask: number,
  ) {
    const event = ws2.WSACreateEvent();
    if (!event) throw new Error('WSACreateEvent failed');
    this.event = event;
    if (ws2.WSAEventSelect(s, event, mask) === SOCKET_ERROR) {
      throw new Error(`WSAEventSelect failed: ${ws2.WSAGetLastError()}`);
    }
  }

  /** Waits until `fd` (one `FD_*` bit) was recorded, and returns its error code. */
  async waitFor(fd: number): Promise<number> {
    const bit = Math.log2(fd);
    while (!(this.seen & fd)) {
      const rc = await this.ws2.WSAWaitForMultipleEvents(1, [this.event], false, WSA_INFINITE, false);
      if (rc !== WSA_WAIT_EVENT_0) throw new Error(`WSAWaitForMultipleEvents returned ${rc}`);
      const events = emptyNetworkEvents();
      if (this.ws2.WSAEnumNetworkEvents(this.s, this.event, events) === SOCKET_ERROR) {
        throw new Error(`WSAEnumNetworkEvents failed: ${this.ws2.WSAGetLastError()}`);
      }
      for (let i = 0; i < FD_MAX_EVENTS; i++) {
        if (events.lNetworkEvents & (1 << i)) this.errors[i] = events.iErrorCode[i] ?? 0;
      }
      this.seen |= events.lNetworkEvents;
    }
    return this.errors[bit] ?? 0;
  }

  /** Stops the selection and frees the event object. */
  close(): void {
    this.ws2.WSACloseEvent(this.event);
  }
}

/** Closes sockets, ignoring ones already closed. */
export function closeAll(...sockets: (Socket | undefined)[]): void {
  for (const s of sockets) {
    try {
      s?.close();
    } catch {
      // already closed by the test itself
    }
  }
}
