/**
 * The per-test toolbox of the conformance suite: opens sockets of the provider under test through
 * the C-shaped `Ws2` API, builds connected pairs and datagram pairs, moves data with bounded waits,
 * and closes every socket and event it handed out when the test ends.
 * @module
 */

import { WSAEWOULDBLOCK, wsaErrorName } from '../../constants/error-codes';
import { FIONREAD, INVALID_SOCKET, SOCKET_ERROR, WSA_FLAG_OVERLAPPED } from '../../constants/socket-api';
import { SO_MAX_MSG_SIZE, SO_PROTOCOL_INFOW, SOL_SOCKET } from '../../constants/socket-options';
import type { Ws2 } from '../../dispatcher/ws2';
import type { SOCKET, SockOptValue } from '../../spi/wsp-types';
import { out } from '../../types/out-cell';
import { SIZEOF_WSAPROTOCOL_INFOW, type WSAPROTOCOL_INFOW } from '../../types/protocol-info';
import type { SOCKADDR } from '../../types/sockaddr';
import { nextTurn, withinTimeout } from './bounded-wait';
import { concatBytes } from './byte-patterns';
import type { ConformanceEnv } from './conformance-setup';
import { NetworkEventWatch } from './network-event-watch';

/** `sizeof(SOCKADDR_STORAGE)`: the `namelen` the suite passes, large enough for any family. */
export const SOCKADDR_STORAGE_SIZE = 128;

/** Largest single `send` the suite makes, and its receive buffer size. */
const CHUNK = 64 * 1024;

/** A call's result as the application sees it: the return value and, if it failed, the error's Windows name. */
export interface CallOutcome {
  /** The call's C result. */
  rc: number;
  /** `'NO_ERROR'` when the call succeeded, otherwise `WSAGetLastError()`'s name (`'WSAESHUTDOWN'`). */
  error: string;
}

/** A receive's outcome plus the bytes it delivered. */
export interface ReceiveOutcome extends CallOutcome {
  /** The bytes the receive delivered. */
  data: Uint8Array;
}

/**
 * The expected outcome of a call that fails with `code`.
 *
 * @example
 * const s = await h.open(h.client);
 * expect(h.result(h.client, h.client.shutdown(s, SD_SEND))).toEqual(failsWith(WSAENOTCONN));
 */
export function failsWith(code: number): CallOutcome {
  return { rc: SOCKET_ERROR, error: wsaErrorName(code) };
}

/**
 * The expected outcome of a call that succeeds with `rc`.
 *
 * @example
 * expect(await h.settled(h.client, h.client.send(s, bytes, bytes.byteLength, 0), 'send')).toEqual(succeeds(bytes.byteLength));
 */
export function succeeds(rc = 0): CallOutcome {
  return { rc, error: 'NO_ERROR' };
}

/** A connected pair of sockets: `client` in the client process, `server` accepted in the server process. */
export interface ConnectedPair {
  /** The client's socket, in the client's process. */
  client: SOCKET;
  /** The accepted socket, in the server's process. */
  server: SOCKET;
  /** The listener that accepted it. */
  listener: SOCKET;
  /** The address the client connected to. */
  target: SOCKADDR;
  /** The caller address `accept` reported. */
  acceptedFrom: SOCKADDR | null;
}

/** Two bound datagram sockets: `client` in the client process, `server` in the server process. */
export interface DatagramPair {
  /** The client's socket, in the client's process. */
  client: SOCKET;
  /** The server's socket, in the server's process. */
  server: SOCKET;
  /** The client's address, as `getsockname` reports it. */
  clientAddress: SOCKADDR;
  /** The server's address as the client reaches it. */
  serverAddress: SOCKADDR;
}

/**
 * Per-test state and helpers; made in `beforeEach`, disposed in `afterEach`.
 *
 * @example
 * // Inside describeProviderConformance's tests (`h` is the harness of the current test):
 * const { client, server } = await h.connectedPair();
 * await h.sendAll(h.client, client, data);
 * expect(await h.recvExactly(h.server, server, data.byteLength)).toEqual(data);
 */
export class ConformanceHarness {
  private readonly sockets: { ws2: Ws2; s: SOCKET }[] = [];
  private readonly watches: NetworkEventWatch[] = [];
  private readonly disposers: (() => void)[] = [];

  constructor(
    /** The test's environment, from the setup. */
    readonly env: ConformanceEnv,
    /** Upper bound of every wait, in ms. */
    readonly timeoutMs: number,
  ) {}

  /** The client process of this test's environment. */
  get client(): Ws2 {
    return this.env.client;
  }

  /** The server process of this test's environment (may be the client process). */
  get server(): Ws2 {
    return this.env.server;
  }

  // ── outcomes ─────────────────────────────────────────────────────────────────────────────

  /** The outcome of a synchronous call that just returned `rc` in this async context. */
  result(ws2: Ws2, rc: number): CallOutcome {
    const failed = rc === SOCKET_ERROR || rc === INVALID_SOCKET;
    return { rc, error: failed ? wsaErrorName(ws2.WSAGetLastError()) : 'NO_ERROR' };
  }

  /**
   * The outcome of an asynchronous call, bounded in time. Pass the call expression itself
   * (`h.settled(ws2, ws2.recv(…))`): the last error is read in the context the call was made in,
   * so concurrent calls never read each other's error.
   */
  async settled(ws2: Ws2, call: Promise<number>, what: string): Promise<CallOutcome> {
    const rc = await withinTimeout(call, this.timeoutMs, what);
    return this.result(ws2, rc);
  }

  // ── sockets ──────────────────────────────────────────────────────────────────────────────

  /** Opens a socket of the provider under test in `ws2`; it is closed when the test ends. */
  async open(ws2: Ws2): Promise<SOCKET> {
    const { af, type, protocol, protocolInfo } = this.env.socket;
    const s = await withinTimeout(
      ws2.WSASocketW(af, type, protocol, protocolInfo ?? null, 0, WSA_FLAG_OVERLAPPED),
      this.timeoutMs,
      'WSASocketW',
    );
    if (s === INVALID_SOCKET) {
      throw new Error(
        `WSASocketW(${af}, ${type}, ${protocol}) failed: ${wsaErrorName(ws2.WSAGetLastError())}`,
      );
    }
    this.sockets.push({ ws2, s });
    return s;
  }

  /** Registers a socket obtained otherwise (accept) so it is closed when the test ends. */
  track(ws2: Ws2, s: SOCKET): SOCKET {
    this.sockets.push({ ws2, s });
    return s;
  }

  /** `bind`, which must succeed. */
  async bind(ws2: Ws2, s: SOCKET, address: SOCKADDR): Promise<void> {
    const r = await this.settled(ws2, ws2.bind(s, address, SOCKADDR_STORAGE_SIZE), 'bind');
    if (r.rc !== 0) throw new Error(`bind(${s}) failed: ${r.error}`);
  }

  /** `getsockname`, which must succeed. */
  localName(ws2: Ws2, s: SOCKET): SOCKADDR {
    const name = out<SOCKADDR | null>(null);
    const rc = ws2.getsockname(s, name, out(SOCKADDR_STORAGE_SIZE));
    if (rc !== 0 || !name.value)
      throw new Error(`getsockname(${s}) failed: ${wsaErrorName(ws2.WSAGetLastError())}`);
    return name.value;
  }

  /** `getpeername`, which must succeed. */
  peerName(ws2: Ws2, s: SOCKET): SOCKADDR {
    const name = out<SOCKADDR | null>(null);
    const rc = ws2.getpeername(s, name, out(SOCKADDR_STORAGE_SIZE));
    if (rc !== 0 || !name.value)
      throw new Error(`getpeername(${s}) failed: ${wsaErrorName(ws2.WSAGetLastError())}`);
    return name.value;
  }

  /** `getsockopt(SOL_SOCKET, optname)`, which must succeed. */
  option(ws2: Ws2, s: SOCKET, optname: number, optlen = 4): SockOptValue | null {
    const value = out<SockOptValue | null>(null);
    const rc = ws2.getsockopt(s, SOL_SOCKET, optname, value, out(optlen));
    if (rc !== 0)
      throw new Error(`getsockopt(${s}, ${optname}) failed: ${wsaErrorName(ws2.WSAGetLastError())}`);
    return value.value;
  }

  /** `SO_PROTOCOL_INFOW` of a socket. */
  protocolInfo(ws2: Ws2, s: SOCKET): WSAPROTOCOL_INFOW {
    return this.option(ws2, s, SO_PROTOCOL_INFOW, SIZEOF_WSAPROTOCOL_INFOW) as WSAPROTOCOL_INFOW;
  }

  /** `SO_MAX_MSG_SIZE` of a socket. */
  maxMessageSize(ws2: Ws2, s: SOCKET): number {
    return Number(this.option(ws2, s, SO_MAX_MSG_SIZE));
  }

  /** `ioctlsocket(FIONREAD)`, which must succeed. */
  bytesReadable(ws2: Ws2, s: SOCKET): number {
    const n = out(0);
    if (ws2.ioctlsocket(s, FIONREAD, n) !== 0) {
      throw new Error(`ioctlsocket(${s}, FIONREAD) failed: ${wsaErrorName(ws2.WSAGetLastError())}`);
    }
    return n.value;
  }

  /** A listening server socket, and the address a client reaches it at. */
  async listener(backlog = 16): Promise<{
    /** The listening socket, in the server's process. */
    listener: SOCKET;
    /** The address a client connects to. */
    target: SOCKADDR;
  }> {
    const listener = await this.open(this.server);
    await this.bind(this.server, listener, this.env.addresses.serverBind());
    const r = await this.settled(this.server, this.server.listen(listener, backlog), 'listen');
    if (r.rc !== 0) throw new Error(`listen(${listener}) failed: ${r.error}`);
    return { listener, target: this.env.addresses.serverForClient(this.localName(this.server, listener)) };
  }

  /** Accepts one connection on `listener` (server process), bounded; the accepted socket is tracked. */
  async acceptOne(listener: SOCKET): Promise<{
    /** `accept`'s result: the socket (in `rc`) or its error. */
    outcome: CallOutcome;
    /** The caller's address `accept` reported. */
    from: SOCKADDR | null;
  }> {
    const from = out<SOCKADDR | null>(null);
    const outcome = await this.settled(
      this.server,
      this.server.accept(listener, from, out(SOCKADDR_STORAGE_SIZE)),
      'accept',
    );
    if (outcome.rc !== INVALID_SOCKET) this.track(this.server, outcome.rc);
    return { outcome, from: from.value };
  }

  /** A client socket connected to a server socket accepted from a fresh listener. */
  async connectedPair(): Promise<ConnectedPair> {
    const { listener, target } = await this.listener();
    const client = await this.open(this.client);
    // Started together: a provider with connect data completes the connect only in WSPAccept.
    const accepting = this.acceptOne(listener);
    const connecting = this.settled(
      this.client,
      this.client.connect(client, target, SOCKADDR_STORAGE_SIZE),
      'connect',
    );
    const [accepted, connected] = await Promise.all([accepting, connecting]);
    if (connected.rc !== 0) throw new Error(`connect failed: ${connected.error}`);
    if (accepted.outcome.rc === INVALID_SOCKET) throw new Error(`accept failed: ${accepted.outcome.error}`);
    return { client, server: accepted.outcome.rc, listener, target, acceptedFrom: accepted.from };
  }

  /** Two bound datagram sockets, the client's at `clientBind()`, the server's at `serverBind()`. */
  async datagramPair(): Promise<DatagramPair> {
    const server = await this.open(this.server);
    await this.bind(this.server, server, this.env.addresses.serverBind());
    const client = await this.open(this.client);
    await this.bind(this.client, client, this.env.addresses.clientBind());
    return {
      client,
      server,
      clientAddress: this.localName(this.client, client),
      serverAddress: this.env.addresses.serverForClient(this.localName(this.server, server)),
    };
  }

  /** Watches `s` with `WSAEventSelect(mask)` (making it non-blocking); the watch ends with the test. */
  watch(ws2: Ws2, s: SOCKET, mask: number): NetworkEventWatch {
    const w = NetworkEventWatch.start(ws2, s, mask, this.timeoutMs);
    this.watches.push(w);
    return w;
  }

  // ── data ─────────────────────────────────────────────────────────────────────────────────

  /** One `recv` of up to `max` bytes, bounded in time. */
  async recv(ws2: Ws2, s: SOCKET, max = CHUNK, flags = 0): Promise<ReceiveOutcome> {
    const buf = new Uint8Array(max);
    const outcome = await this.settled(ws2, ws2.recv(s, buf, max, flags), 'recv');
    return { ...outcome, data: buf.slice(0, Math.max(outcome.rc, 0)) };
  }

  /**
   * One `recv` that waits for an answer: on a non-blocking socket `WSAEWOULDBLOCK` is met with
   * `select` for readability and a retry, until data, end of data or an error arrives.
   */
  async recvWhenReady(ws2: Ws2, s: SOCKET, max = CHUNK, flags = 0): Promise<ReceiveOutcome> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const r = await this.recv(ws2, s, max, flags);
      if (r.error !== wsaErrorName(WSAEWOULDBLOCK)) return r;
      await this.awaitSelect(ws2, s, 'read', deadline);
    }
  }

  /** Receives exactly `n` bytes of a byte stream (several `recv` calls), failing on early end or error. */
  async recvExactly(ws2: Ws2, s: SOCKET, n: number): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    let total = 0;
    const deadline = Date.now() + this.timeoutMs * 4;
    while (total < n) {
      if (Date.now() > deadline) throw new Error(`received ${total} of ${n} bytes before the time bound`);
      const r = await this.recvWhenReady(ws2, s, Math.min(CHUNK, n - total));
      if (r.rc === SOCKET_ERROR) throw new Error(`recv failed after ${total} of ${n} bytes: ${r.error}`);
      if (r.rc === 0) throw new Error(`the stream ended after ${total} of ${n} bytes`);
      chunks.push(r.data);
      total += r.rc;
    }
    return concatBytes(chunks);
  }

  /** Receives `count` messages, one `recv` each, with a buffer of `max` bytes. */
  async recvMessages(ws2: Ws2, s: SOCKET, count: number, max: number): Promise<Uint8Array[]> {
    const messages: Uint8Array[] = [];
    while (messages.length < count) {
      const r = await this.recvWhenReady(ws2, s, max);
      if (r.rc === SOCKET_ERROR || r.rc === 0) {
        throw new Error(
          `receive of message ${messages.length} of ${count} ended with rc ${r.rc} (${r.error})`,
        );
      }
      messages.push(r.data);
    }
    return messages;
  }

  /** Sends all of `data` (in chunks of at most 64 KiB), waiting for writability on `WSAEWOULDBLOCK`. */
  async sendAll(ws2: Ws2, s: SOCKET, data: Uint8Array, chunk = CHUNK): Promise<void> {
    let offset = 0;
    const deadline = Date.now() + this.timeoutMs * 4;
    while (offset < data.byteLength) {
      const piece = data.subarray(offset, offset + chunk);
      const r = await this.settled(ws2, ws2.send(s, piece, piece.byteLength, 0), 'send');
      if (r.error === wsaErrorName(WSAEWOULDBLOCK)) {
        await this.awaitSelect(ws2, s, 'write', deadline);
        continue;
      }
      if (r.rc === SOCKET_ERROR)
        throw new Error(`send failed after ${offset} of ${data.byteLength} bytes: ${r.error}`);
      offset += r.rc;
    }
  }

  /** Sends each message with one `send`, which must take it whole; `WSAEWOULDBLOCK` waits for writability and retries. */
  async sendMessages(ws2: Ws2, s: SOCKET, messages: readonly Uint8Array[]): Promise<void> {
    const deadline = Date.now() + this.timeoutMs * 4;
    let i = 0;
    while (i < messages.length) {
      const m = messages[i]!;
      const r = await this.settled(ws2, ws2.send(s, m, m.byteLength, 0), 'send');
      if (r.error === wsaErrorName(WSAEWOULDBLOCK)) {
        await this.awaitSelect(ws2, s, 'write', deadline);
        continue;
      }
      if (r.rc !== m.byteLength) {
        throw new Error(`send of message ${i} (${m.byteLength} bytes) gave ${r.rc} (${r.error})`);
      }
      i++;
    }
  }

  /** Waits until `FIONREAD` reports at least `min` bytes, with `select` between checks; returns the count. */
  async waitReadable(ws2: Ws2, s: SOCKET, min = 1): Promise<number> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const n = this.bytesReadable(ws2, s);
      if (n >= min) return n;
      const ready = await this.awaitSelect(ws2, s, 'read', deadline);
      // Readable with too few bytes: part has arrived, or the peer ended; give the rest a turn.
      if (ready) await nextTurn();
    }
  }

  /** `select` for one socket and one condition until the deadline; true when it reported the socket ready. */
  async awaitSelect(ws2: Ws2, s: SOCKET, what: 'read' | 'write', deadline: number): Promise<boolean> {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`socket ${s} did not become ${what}able within ${this.timeoutMs} ms`);
    const set = { fd_array: [s] };
    const timeout = { tv_sec: Math.floor(remaining / 1000), tv_usec: (remaining % 1000) * 1000 };
    const rc = await withinTimeout(
      what === 'read' ? ws2.select(0, set, null, null, timeout) : ws2.select(0, null, set, null, timeout),
      remaining + this.timeoutMs,
      'select',
    );
    if (rc === SOCKET_ERROR) throw new Error(`select(${s}) failed: ${wsaErrorName(ws2.WSAGetLastError())}`);
    return rc > 0;
  }

  // ── cleanup ──────────────────────────────────────────────────────────────────────────────

  /** Runs `fn` when the test ends, after its sockets are closed (events, completion ports, files). */
  onDispose(fn: () => void): void {
    this.disposers.push(fn);
  }

  /** Ends every watch and closes every socket the test opened (errors ignored: a test may have closed them). */
  dispose(): void {
    for (const w of this.watches.splice(0).reverse()) w.close();
    for (const { ws2, s } of this.sockets.splice(0).reverse()) ws2.closesocket(s);
    for (const fn of this.disposers.splice(0).reverse()) fn();
  }
}
