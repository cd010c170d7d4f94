import {
  WSAEFAULT,
  WSAEINPROGRESS,
  WSAEINVALIDPROCTABLE,
  WSAENOTSOCK,
  WSAEPROVIDERFAILEDINIT,
  WSANOTINITIALISED,
  WSASYSCALLFAILURE,
} from '../constants/error-codes';
import {
  CF_ACCEPT,
  CF_REJECT,
  FIONBIO,
  FIONREAD,
  INVALID_SOCKET,
  SOCKET_ERROR,
  SOMAXCONN,
  WSA_FLAG_OVERLAPPED,
} from '../constants/socket-api';
import { SOL_SOCKET } from '../constants/socket-options';
import type { ProviderFailure } from '../dispatcher/provider-failure';
import type { Ws2 } from '../dispatcher/ws2';
import { WsaError } from '../errors/wsa-error';
import type { LPCONDITIONPROC } from '../spi/wsp-proc-table';
import type { SOCKET, SockOptValue } from '../spi/wsp-types';
import { out } from '../types/out-cell';
import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';
import { formatSockaddr, isSockaddrIn, isSockaddrIn6, type SOCKADDR } from '../types/sockaddr';
import { type WSABUF, wsabuf, wsabufBytes } from '../types/wsabuf';

/** What a `Socket.accept` condition sees: the caller's address and connect data. */
export interface AcceptRequest {
  /** The caller's address (`lpCallerId`). */
  caller: SOCKADDR | null;
  /** The caller's connect data (`lpCallerData`; empty when none). */
  callerData: Uint8Array;
}

/** A condition's answer: accept (optionally with callee data for the caller) or reject. */
export type AcceptDecision =
  | {
      /** Accept the caller (`CF_ACCEPT`). */
      accept: true;
      /** Callee data the caller receives with the connection (`lpCalleeData`), where the protocol carries it. */
      calleeData?: Uint8Array;
    }
  | {
      /** Reject the caller (`CF_REJECT`): its connect fails with `WSAECONNREFUSED`. */
      accept: false;
    };

/** The buffer of a receive whose size no buffer can have (the dispatcher refuses it); never kept. */
const NO_BYTES = new Uint8Array(0);

/** An answer no condition function may give: `WSPAccept` fails it with `WSAEINVAL`. */
const INVALID_ANSWER = -1;

/** True for a byte array. Never throws (`ArrayBuffer.isView` runs no Proxy trap). */
function isBytes(value: unknown): value is Uint8Array {
  return ArrayBuffer.isView(value) && value instanceof Uint8Array;
}

/**
 * Optional connect or disconnect data as a `WSABUF`: null for none, the bytes' own `WSABUF`, or —
 * for anything that is no byte array — a malformed one the dispatcher refuses with `WSAEFAULT`.
 */
function optionalData(data: unknown): WSABUF | null {
  if (data === undefined || data === null) return null;
  return isBytes(data) ? wsabuf(data) : ({ len: 0, buf: data } as unknown as WSABUF);
}

/** `options.callerData` of `connect`, read once; `WSAEFAULT` when the options cannot be read. */
function readCallerData(options: unknown): unknown {
  if (options === undefined || options === null) return null;
  try {
    return typeof options === 'object' ? (options as { callerData?: unknown }).callerData : options;
  } catch {
    throw new WsaError(WSAEFAULT, 'WSAConnect: the options cannot be read');
  }
}

/** A value for an error message; never throws (a Proxy's `toString` may). */
function show(value: unknown): string {
  if (typeof value === 'object' || typeof value === 'function') return value === null ? 'null' : typeof value;
  return typeof value === 'symbol' ? value.toString() : String(value);
}

/** Throws `WSANOTINITIALISED` unless `ws2` is a process with the winsock2.h API (a `Ws2`). */
function requireProcess(ws2: unknown): void {
  let ok = false;
  try {
    ok = typeof (ws2 as Ws2).WSASocketW === 'function' && typeof (ws2 as Ws2).WSAGetLastError === 'function';
  } catch {
    ok = false;
  }
  if (!ok) throw new WsaError(WSANOTINITIALISED, 'Socket: no Ws2 process');
}

/** Room for connect, callee and disconnect data: more than any protocol here carries (ISO TP: 32 / 64 octets). */
const DATA_CAPACITY = 1024;
/** `sizeof(SOCKADDR_STORAGE)`, so an address of any family fits. */
const SOCKADDR_STORAGE = 128;

/**
 * The idiomatic face of a Winsock socket: async where the C call blocks, and every failure thrown
 * as a `WsaError` with the Windows code (`[WSAENOPROTOOPT] …`). Built on the C-shaped `Ws2` API,
 * so it behaves exactly as the calls it names.
 *
 * A failure says where it happened, as Node's `net` errors do: the call, the socket, and its
 * addresses — `[WSAECONNREFUSED] connect 127.0.0.1:8080`, `[WSAECONNRESET] recv 10.0.0.2:80 -
 * Local (10.0.0.1:49152)`. Addresses the socket was given (`bind`, `connect`, `sendTo`, `accept`)
 * cost nothing; any other is asked for (`getsockname`, `getpeername`) only when a call has failed,
 * at most once per socket. A `create` that fails because a provider could not be loaded or its
 * layered chain could not start has the reason as its `cause`.
 *
 * @example
 * const s = await Socket.create(ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
 * await s.connect(sockaddrIn('127.0.0.1', 7));
 * await s.send(new TextEncoder().encode('hello'));
 * s.sendDisconnect();                 // WSASendDisconnect(s, NULL): shutdown(SD_SEND)
 * const reply = await s.recv();        // empty array: the peer closed gracefully
 * s.close();
 */
export class Socket {
  /** A receive buffer no receive is using (see `takeBuffer`). */
  private spare: Uint8Array | undefined;
  /** The local address as text, once known (null: known to be none yet), for error messages. */
  private local: string | null | undefined;
  /** The peer's address as text, once known (null: known to be none yet), for error messages. */
  private remote: string | null | undefined;

  private constructor(
    /** The process the socket belongs to. */
    readonly ws2: Ws2,
    /** The Winsock handle. */
    readonly handle: SOCKET,
  ) {}

  /** `WSASocketW(af, type, protocol, lpProtocolInfo, 0, WSA_FLAG_OVERLAPPED)`. */
  static async create(
    ws2: Ws2,
    af: number,
    type: number,
    protocol: number,
    protocolInfo: WSAPROTOCOL_INFOW | null = null,
  ): Promise<Socket> {
    requireProcess(ws2);
    const failures = ws2.providerFailures;
    const lastBefore = failures[failures.length - 1];
    const s = await ws2.WSASocketW(af, type, protocol, protocolInfo, 0, WSA_FLAG_OVERLAPPED);
    if (s === INVALID_SOCKET) {
      // The provider failure recorded during this call, if any, is what went wrong underneath.
      const code = ws2.WSAGetLastError();
      const failure = PROVIDER_FAILURE_CODES.has(code) ? failureSince(failures, lastBefore) : undefined;
      const cause = failure === undefined ? undefined : (failure.error ?? failure);
      const why = cause instanceof Error ? `: ${cause.message}` : failure ? `: ${failure.reason}` : '';
      throw new WsaError(code, `WSASocketW(${show(af)}, ${show(type)}, ${show(protocol)})${why}`, {
        call: 'WSASocketW',
        cause,
      });
    }
    return new Socket(ws2, s);
  }

  /** Wraps a handle obtained from the C-shaped API. */
  static fromHandle(ws2: Ws2, handle: SOCKET): Socket {
    requireProcess(ws2);
    return new Socket(ws2, handle);
  }

  /** `bind`. */
  async bind(address: SOCKADDR): Promise<void> {
    if ((await this.ws2.bind(this.handle, address, SOCKADDR_STORAGE)) === SOCKET_ERROR) {
      throw this.error('bind', { local: address });
    }
    // A port 0 became one the provider chose: asked for, should a call fail.
    this.local = portOf(address) ? addressText(address) : undefined;
  }

  /** `listen`. */
  async listen(backlog = SOMAXCONN): Promise<void> {
    this.check(await this.ws2.listen(this.handle, backlog), 'listen');
  }

  /**
   * `WSAAccept`: with a condition, it decides from the caller's address and connect data, and may
   * answer with callee data; a rejected caller sees `WSAECONNREFUSED`.
   */
  async accept(condition?: (request: AcceptRequest) => AcceptDecision): Promise<{
    /** The accepted connection. */
    socket: Socket;
    /** The caller's address. */
    remote: SOCKADDR | null;
  }> {
    if (condition !== undefined && typeof condition !== 'function') {
      throw new WsaError(
        WSAEFAULT,
        `WSAAccept on socket ${show(this.handle)}: the condition is not a function`,
      );
    }
    const addr = out<SOCKADDR | null>(null);
    const addrlen = out(SOCKADDR_STORAGE);
    const proc: LPCONDITIONPROC | null = condition
      ? (callerId, callerData, _sqos, _gqos, _calleeId, calleeData) => {
          const decision = condition({
            caller: callerId?.buf ?? null,
            callerData: callerData ? wsabufBytes(callerData).slice() : new Uint8Array(0),
          });
          if (!decision.accept) return CF_REJECT;
          if (calleeData) {
            const bytes = decision.calleeData ?? new Uint8Array(0);
            // An answer that is no byte array is no valid answer (WSAEINVAL, as for any other).
            if (!isBytes(bytes)) return INVALID_ANSWER;
            if (bytes.byteLength > calleeData.len) return CF_REJECT;
            calleeData.buf.set(bytes);
            calleeData.len = bytes.byteLength;
          }
          return CF_ACCEPT;
        }
      : null;
    const s = await this.ws2.WSAAccept(this.handle, addr, addrlen, proc, 0);
    if (s === INVALID_SOCKET) throw this.error(condition ? 'WSAAccept' : 'accept');
    const accepted = new Socket(this.ws2, s);
    accepted.remote = addr.value ? formatSockaddr(addr.value) : undefined;
    return { socket: accepted, remote: addr.value };
  }

  /** `WSAConnect`: returns the callee data the peer answered with (empty when none). */
  async connect(
    address: SOCKADDR,
    options: { callerData?: Uint8Array } = {},
  ): Promise<{
    /** The callee data the peer answered with (`lpCalleeData`; empty when none). */
    calleeData: Uint8Array;
  }> {
    const callee = wsabuf(DATA_CAPACITY);
    const caller = optionalData(readCallerData(options));
    const rc = await this.ws2.WSAConnect(this.handle, address, SOCKADDR_STORAGE, caller, callee, null, null);
    // Named as the application would have written it: connect, or WSAConnect for connect data.
    if (rc === SOCKET_ERROR) throw this.error(caller ? 'WSAConnect' : 'connect', { remote: address });
    this.remote = addressText(address);
    this.local = undefined; // connect binds implicitly
    return { calleeData: wsabufBytes(callee).slice() };
  }

  /** `send`: the number of bytes the provider took. */
  send(data: Uint8Array, flags = 0): Promise<number> {
    // `then` on the call's own promise: no second async frame between the caller and the provider.
    // Anything but bytes is the dispatcher's to refuse (WSAEFAULT), as a bad buffer pointer.
    const length = ArrayBuffer.isView(data) ? data.byteLength : 0;
    return this.ws2.send(this.handle, data, length, flags).then((rc) => this.check(rc, 'send'));
  }

  /** Sends all of `data`, however many `send` calls it takes. */
  async sendAll(data: Uint8Array, flags = 0): Promise<void> {
    // No bytes to walk through: one send, which the dispatcher refuses (WSAEFAULT).
    if (!isBytes(data)) await this.send(data, flags);
    let offset = 0;
    while (offset < data.byteLength) {
      const sent = await this.send(data.subarray(offset), flags);
      // A blocking send takes at least one byte or fails; a provider that takes none would spin here.
      if (sent <= 0) {
        throw new WsaError(WSASYSCALLFAILURE, `send on socket ${show(this.handle)} made no progress`, {
          call: 'send',
          socket: this.handleNumber,
        });
      }
      offset += sent;
    }
  }

  /** `recv`: up to `maxBytes`; an empty array means the peer closed gracefully. */
  recv(maxBytes = 65536, flags = 0): Promise<Uint8Array> {
    const buf = this.takeBuffer(maxBytes);
    return this.ws2.recv(this.handle, buf, maxBytes, flags).then((rc) => this.received(buf, rc, 'recv'));
  }

  /** `sendto`. */
  async sendTo(data: Uint8Array, to: SOCKADDR, flags = 0): Promise<number> {
    const length = ArrayBuffer.isView(data) ? data.byteLength : 0;
    const rc = await this.ws2.sendto(this.handle, data, length, flags, to, SOCKADDR_STORAGE);
    if (rc === SOCKET_ERROR) throw this.error('sendto', { remote: to });
    if (this.local === null) this.local = undefined; // sendto binds implicitly
    return rc;
  }

  /** `recvfrom`. */
  recvFrom(
    maxBytes = 65536,
    flags = 0,
  ): Promise<{
    /** The datagram (at most `maxBytes` octets). */
    data: Uint8Array;
    /** Its source address. */
    from: SOCKADDR | null;
  }> {
    const buf = this.takeBuffer(maxBytes);
    const from = out<SOCKADDR | null>(null);
    return this.ws2
      .recvfrom(this.handle, buf, maxBytes, flags, from, out(SOCKADDR_STORAGE))
      .then((rc) => ({ data: this.received(buf, rc, 'recvfrom'), from: from.value }));
  }

  /** `shutdown(how)`: `SD_RECEIVE`, `SD_SEND` or `SD_BOTH`. */
  shutdown(how: number): void {
    this.check(this.ws2.shutdown(this.handle, how), 'shutdown');
  }

  /**
   * `WSASendDisconnect`: stop sending and start the disconnect, carrying `data` to the peer where
   * the protocol supports disconnect data (otherwise `WSAENOPROTOOPT`, and nothing is sent or shut).
   */
  sendDisconnect(data?: Uint8Array): void {
    this.check(this.ws2.WSASendDisconnect(this.handle, optionalData(data)), 'WSASendDisconnect');
  }

  /** `WSARecvDisconnect`: stop receiving and return the peer's disconnect data (empty when there is none). */
  recvDisconnect(): Uint8Array {
    const buf: WSABUF = wsabuf(DATA_CAPACITY);
    this.check(this.ws2.WSARecvDisconnect(this.handle, buf), 'WSARecvDisconnect');
    return wsabufBytes(buf).slice();
  }

  /** `getsockname`. */
  localAddress(): SOCKADDR | null {
    const name = out<SOCKADDR | null>(null);
    this.check(this.ws2.getsockname(this.handle, name, out(SOCKADDR_STORAGE)), 'getsockname');
    return name.value;
  }

  /** `getpeername`. */
  remoteAddress(): SOCKADDR | null {
    const name = out<SOCKADDR | null>(null);
    this.check(this.ws2.getpeername(this.handle, name, out(SOCKADDR_STORAGE)), 'getpeername');
    return name.value;
  }

  /** `getsockopt(level, optname)`; the level defaults to `SOL_SOCKET`. */
  getOption(optname: number, level = SOL_SOCKET): SockOptValue | null {
    const value = out<SockOptValue | null>(null);
    this.check(this.ws2.getsockopt(this.handle, level, optname, value, out(DATA_CAPACITY)), 'getsockopt');
    return value.value;
  }

  /** `setsockopt(level, optname, value)`; the level defaults to `SOL_SOCKET`. */
  setOption(optname: number, value: SockOptValue, level = SOL_SOCKET): void {
    this.check(this.ws2.setsockopt(this.handle, level, optname, value, DATA_CAPACITY), 'setsockopt');
  }

  /** `ioctlsocket(FIONBIO)`. */
  setNonBlocking(nonBlocking: boolean): void {
    this.check(this.ws2.ioctlsocket(this.handle, FIONBIO, out(nonBlocking ? 1 : 0)), 'ioctlsocket(FIONBIO)');
  }

  /** `ioctlsocket(FIONREAD)`: bytes a `recv` would return now. */
  bytesAvailable(): number {
    const n = out(0);
    this.check(this.ws2.ioctlsocket(this.handle, FIONREAD, n), 'ioctlsocket(FIONREAD)');
    return n.value;
  }

  /** `closesocket`. */
  close(): void {
    this.check(this.ws2.closesocket(this.handle), 'closesocket');
  }

  /**
   * A buffer for one receive of up to `maxBytes`: the socket's spare one when it is free and big
   * enough (receives on one socket rarely overlap), else a new one. Allocating 64 KiB, zeroed, for
   * every `recv()` cost many times the receive itself when messages are small.
   */
  private takeBuffer(maxBytes: number): Uint8Array {
    // A size no buffer can have is the dispatcher's to refuse (WSAEFAULT), not a RangeError here.
    if (typeof maxBytes !== 'number' || !((maxBytes | 0) === maxBytes && maxBytes > 0)) return NO_BYTES;
    const spare = this.spare;
    if (spare !== undefined && spare.byteLength >= maxBytes) {
      this.spare = undefined;
      return spare;
    }
    return new Uint8Array(maxBytes);
  }

  /**
   * What a receive into `buf` came to: its bytes as an array of their own, or the `WsaError`. A
   * small result (at most half the buffer) is copied out and `buf` kept for the next receive; a
   * large one is handed out as it is (a copy would cost what a new buffer does) and the next receive
   * allocates afresh. So a kept buffer has only ever held data in its first half, and what a large
   * result's buffer holds after its bytes is zeros, as in a new buffer.
   */
  private received(buf: Uint8Array, rc: number, call: string): Uint8Array {
    if (rc === SOCKET_ERROR) {
      if (buf !== NO_BYTES) this.spare = buf;
      throw this.error(call);
    }
    if (buf === NO_BYTES) return new Uint8Array(0);
    if (rc <= buf.byteLength >>> 1) {
      this.spare = buf;
      return buf.slice(0, rc);
    }
    return buf.subarray(0, rc);
  }

  private check(rc: number, call: string): number {
    if (rc === SOCKET_ERROR) throw this.error(call);
    return rc;
  }

  /** The handle for an error's context: a number, as a SOCKET is (a handle given to `fromHandle` may not be). */
  private get handleNumber(): number | undefined {
    return typeof this.handle === 'number' ? this.handle : undefined;
  }

  /**
   * The `WsaError` of this socket's failed `call`, with the last error as its code: the addresses
   * the call was given, else those the socket is known to have, else — now that a call has failed,
   * and only once per socket — those `getsockname` / `getpeername` give. The last error is left as
   * the failed call set it, whatever those two calls set.
   */
  private error(call: string, given: { local?: SOCKADDR; remote?: SOCKADDR } = {}): WsaError {
    const code = this.ws2.WSAGetLastError();
    // On a handle that is not a socket (any more), or inside another call on it, asking is pointless.
    const ask = code !== WSAENOTSOCK && code !== WSANOTINITIALISED && code !== WSAEINPROGRESS;
    const remoteAddress = given.remote
      ? addressText(given.remote)
      : this.address('remote', ask && !given.local);
    // A failed connect's implicit binding says nothing; a local address the socket was bound to does.
    const localAddress = given.local ? addressText(given.local) : this.address('local', ask && !given.remote);
    this.ws2.WSASetLastError(code);
    return new WsaError(code, undefined, { call, socket: this.handleNumber, localAddress, remoteAddress });
  }

  /** The socket's `which` address as text, if known or (with `ask`) asked for; undefined if it has none. */
  private address(which: 'local' | 'remote', ask: boolean): string | undefined {
    let known = which === 'local' ? this.local : this.remote;
    if (known === undefined && ask) {
      const name = out<SOCKADDR | null>(null);
      const rc =
        which === 'local'
          ? this.ws2.getsockname(this.handle, name, out(SOCKADDR_STORAGE))
          : this.ws2.getpeername(this.handle, name, out(SOCKADDR_STORAGE));
      known = rc === SOCKET_ERROR || !name.value ? null : formatSockaddr(name.value);
      if (which === 'local') this.local = known;
      else this.remote = known;
    }
    return known ?? undefined;
  }
}

/** The codes `WSASocketW` fails with when a provider could not be started or broke the contract. */
const PROVIDER_FAILURE_CODES = new Set([WSAEPROVIDERFAILEDINIT, WSAEINVALIDPROCTABLE, WSASYSCALLFAILURE]);

/** The port of an IP address; 0 (an ephemeral port to be chosen) for any other. */
function portOf(address: SOCKADDR): number {
  try {
    return isSockaddrIn(address) ? address.sin_port : isSockaddrIn6(address) ? address.sin6_port : 0;
  } catch {
    return 0;
  }
}

/**
 * An address the application gave, as text for an error's context; undefined when it cannot be
 * read (a hostile object: the call itself failed WSAEFAULT, and the message must not throw).
 */
function addressText(address: SOCKADDR): string | undefined {
  try {
    return formatSockaddr(address);
  } catch {
    return undefined;
  }
}

/** The newest provider failure recorded after `lastBefore` (the newest one before a call), if any. */
function failureSince(
  failures: readonly ProviderFailure[],
  lastBefore: ProviderFailure | undefined,
): ProviderFailure | undefined {
  const newest = failures[failures.length - 1];
  return newest !== lastBefore ? newest : undefined;
}
