/**
 * A Node `Duplex` stream over a ws2spi `Socket` — any provider, any chain of layered providers — so
 * that code written for Node's sockets runs through simulated layers and networks unchanged: as the
 * `createConnection` of `http` / `https` requests and agents, under `tls.connect({ socket })`, or
 * handed to a `net` / `http` / `https` server with `server.emit('connection', duplex)`.
 *
 * It behaves like a `net.Socket` as far as those users look: `connect` and `ready` once connected
 * (writes made before wait), `end()` is `shutdown(SD_SEND)` (a FIN), `destroy()` is `closesocket`
 * and `resetAndDestroy()` a close with `SO_LINGER {1, 0}` (an RST); `setTimeout` (idle timeout,
 * `timeout` event), `setNoDelay`, `setKeepAlive`, `address()`, `remoteAddress` … are there. The
 * readable side ends at the peer's graceful close (and at `WSAEDISCON`, a message protocol's
 * release). Winsock failures become Node-style errors — `code: 'ECONNRESET'` for `WSAECONNRESET`
 * and so on, `errno` the Winsock code, `syscall`, and the `WsaError` as `cause`.
 *
 * Each `write` is one send (on a message protocol, one message); reads ask for `readSize` bytes.
 * @module
 */

import { Duplex, type DuplexOptions } from 'node:stream';
import { AF_INET, AF_INET6 } from '../constants/address-families';
import {
  WSAEADDRINUSE,
  WSAEADDRNOTAVAIL,
  WSAECONNABORTED,
  WSAECONNREFUSED,
  WSAECONNRESET,
  WSAEDISCON,
  WSAEHOSTUNREACH,
  WSAEINTR,
  WSAEMSGSIZE,
  WSAENETDOWN,
  WSAENETRESET,
  WSAENETUNREACH,
  WSAENOTCONN,
  WSAENOTSOCK,
  WSAESHUTDOWN,
  WSAETIMEDOUT,
  wsaErrorName,
} from '../constants/error-codes';
import { IPPROTO_TCP } from '../constants/protocols';
import { SD_SEND } from '../constants/socket-api';
import { SO_KEEPALIVE, SO_LINGER, TCP_NODELAY } from '../constants/socket-options';
import { SOCK_STREAM } from '../constants/socket-types';
import type { Ws2 } from '../dispatcher/ws2';
import { isWsaError, WsaError } from '../errors/wsa-error';
import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';
import { isSockaddrIn, isSockaddrIn6, type SOCKADDR, sockaddrIn, sockaddrIn6 } from '../types/sockaddr';
import { Socket } from './socket';

/** How a `SocketDuplex` reads and ends. */
export interface SocketDuplexOptions {
  /**
   * Keep the writable side open when the peer ends (`net.Socket`'s `allowHalfOpen`). Default
   * false: the duplex ends its side too, as a `net.Socket` does.
   */
  allowHalfOpen?: boolean;
  /** Bytes each receive asks for (default 65 536; make it the largest message on a message protocol). */
  readSize?: number;
  /** The readable side's buffer (`highWaterMark`), in bytes. */
  readableHighWaterMark?: number;
  /** The writable side's buffer, in bytes. */
  writableHighWaterMark?: number;
}

/** A socket to open: the `WSASocketW` arguments (default TCP over IPv4 or IPv6, from the address). */
export interface SocketDuplexConnectOptions extends SocketDuplexOptions {
  /** The address family of the socket (default: the address's, `AF_INET` or `AF_INET6`). */
  af?: number;
  /** The socket type (default `SOCK_STREAM`). */
  type?: number;
  /** The protocol (default `IPPROTO_TCP`). */
  protocol?: number;
  /** The catalog entry to use (`WSASocketW`'s `lpProtocolInfo`), instead of choosing by the triple. */
  protocolInfo?: WSAPROTOCOL_INFOW | null;
  /** Connect data (`WSAConnect`'s caller data), on protocols that carry it. */
  callerData?: Uint8Array;
}

/** Winsock codes and the Node (libuv) codes that mean the same. */
const NODE_CODES = new Map<number, string>([
  [WSAECONNRESET, 'ECONNRESET'],
  [WSAECONNABORTED, 'ECONNABORTED'],
  [WSAECONNREFUSED, 'ECONNREFUSED'],
  [WSAETIMEDOUT, 'ETIMEDOUT'],
  [WSAENETDOWN, 'ENETDOWN'],
  [WSAENETUNREACH, 'ENETUNREACH'],
  [WSAENETRESET, 'ENETRESET'],
  [WSAEHOSTUNREACH, 'EHOSTUNREACH'],
  [WSAESHUTDOWN, 'EPIPE'],
  [WSAENOTCONN, 'ENOTCONN'],
  [WSAEADDRINUSE, 'EADDRINUSE'],
  [WSAEADDRNOTAVAIL, 'EADDRNOTAVAIL'],
  [WSAEMSGSIZE, 'EMSGSIZE'],
  [WSAEINTR, 'ECANCELED'],
]);

/**
 * A Node-style error for a failure of `syscall`: `code` as Node names it, `errno` the Winsock code,
 * the original as `cause`.
 *
 * @example
 * nodeErrorFromWsa(new WsaError(WSAECONNRESET, 'recv'), 'read');   // { code: 'ECONNRESET', errno: 10054, syscall: 'read' }
 */
export function nodeErrorFromWsa(error: unknown, syscall: string): NodeJS.ErrnoException {
  if (!isWsaError(error)) return error instanceof Error ? error : new Error(String(error));
  const code = NODE_CODES.get(error.code) ?? wsaErrorName(error.code);
  return Object.assign(
    new Error(`${syscall} ${code} (${wsaErrorName(error.code)} ${error.code})`, { cause: error }),
    {
      code,
      errno: error.code,
      syscall,
    },
  );
}

function addressParts(address: SOCKADDR | null): { address?: string; port?: number; family?: string } {
  if (isSockaddrIn(address)) return { address: address.sin_addr, port: address.sin_port, family: 'IPv4' };
  if (isSockaddrIn6(address)) return { address: address.sin6_addr, port: address.sin6_port, family: 'IPv6' };
  return {};
}

/**
 * A `Duplex` over a ws2spi `Socket` (see the module comment). Give it a connected socket, or a
 * Promise of one — writes wait until it is there.
 *
 * @example
 * const socket = await Socket.create(ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
 * await socket.connect(sockaddrIn('127.0.0.1', port));
 * const stream = new SocketDuplex(socket);
 * stream.end('hello');
 * for await (const chunk of stream) console.log(chunk.toString());
 */
export class SocketDuplex extends Duplex {
  /** True until the socket is there and connected (`net.Socket.connecting`). */
  connecting: boolean;
  /** Bytes received so far (`net.Socket.bytesRead`). */
  bytesRead = 0;
  /** Bytes sent so far (`net.Socket.bytesWritten`). */
  bytesWritten = 0;
  /** Set by `http` and `net` servers on the sockets they serve. */
  server?: unknown;
  private current: Socket | undefined;
  private readonly ready: Promise<Socket | undefined>;
  private reading = false;
  private readonly readSize: number;
  private idleMs = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private abortive = false;

  constructor(socket: Socket | Promise<Socket>, options: SocketDuplexOptions = {}) {
    super({
      allowHalfOpen: options.allowHalfOpen ?? false,
      ...(options.readableHighWaterMark !== undefined
        ? { readableHighWaterMark: options.readableHighWaterMark }
        : {}),
      ...(options.writableHighWaterMark !== undefined
        ? { writableHighWaterMark: options.writableHighWaterMark }
        : {}),
    } satisfies DuplexOptions);
    this.readSize = options.readSize ?? 65536;
    if (socket instanceof Socket) {
      this.current = socket;
      this.connecting = false;
      this.ready = Promise.resolve(socket);
    } else {
      this.connecting = true;
      this.ready = socket.then(
        (connected) => {
          this.connecting = false;
          if (this.destroyed) {
            closeQuietly(connected, false);
            return undefined;
          }
          this.current = connected;
          this.emit('connect');
          this.emit('ready');
          this.touch();
          return connected;
        },
        (error: unknown) => {
          this.connecting = false;
          this.destroy(nodeErrorFromWsa(error, 'connect'));
          return undefined;
        },
      );
    }
  }

  /** The ws2spi socket, once connected. */
  get socket(): Socket | undefined {
    return this.current;
  }

  /** `net.Socket.pending`: not connected yet. */
  get pending(): boolean {
    return this.connecting;
  }

  /**
   * `net.Socket.readyState`: `'opening'` until connected, then `'open'`, `'readOnly'`, `'writeOnly'` or `'closed'`.
   */
  get readyState(): 'opening' | 'open' | 'readOnly' | 'writeOnly' | 'closed' {
    if (this.connecting) return 'opening';
    if (this.destroyed) return 'closed';
    if (this.readable && this.writable) return 'open';
    return this.readable ? 'readOnly' : this.writable ? 'writeOnly' : 'closed';
  }

  /** The peer's IP address (`getpeername`), as `net.Socket.remoteAddress`. */
  get remoteAddress(): string | undefined {
    return this.peer().address;
  }
  /** The peer's port (`getpeername`). */
  get remotePort(): number | undefined {
    return this.peer().port;
  }
  /** `'IPv4'` or `'IPv6'`, as `net.Socket.remoteFamily`. */
  get remoteFamily(): string | undefined {
    return this.peer().family;
  }
  /** This end's IP address (`getsockname`). */
  get localAddress(): string | undefined {
    return this.local().address;
  }
  /** This end's port (`getsockname`). */
  get localPort(): number | undefined {
    return this.local().port;
  }

  /** `net.Socket.address()`: the local address, port and family (empty for a socket not bound to an IP address). */
  address(): {
    /** The local IP address. */
    address?: string;
    /** The local port. */
    port?: number;
    /** `'IPv4'` or `'IPv6'`. */
    family?: string;
  } {
    return this.local();
  }

  private peer() {
    try {
      return addressParts(this.current?.remoteAddress() ?? null);
    } catch {
      return {};
    }
  }

  private local() {
    try {
      return addressParts(this.current?.localAddress() ?? null);
    } catch {
      return {};
    }
  }

  /** `net.Socket.setTimeout`: a `timeout` event after `ms` without reading or writing (0 turns it off). */
  setTimeout(ms: number, callback?: () => void): this {
    this.idleMs = ms;
    if (callback) {
      if (ms === 0) this.removeListener('timeout', callback);
      else this.once('timeout', callback);
    }
    this.touch();
    return this;
  }

  /** `TCP_NODELAY`, where the protocol has it (ignored elsewhere, as it changes nothing there). */
  setNoDelay(noDelay = true): this {
    void this.ready.then((s) => {
      try {
        s?.setOption(TCP_NODELAY, noDelay ? 1 : 0, IPPROTO_TCP);
      } catch {
        // Not a TCP socket: nothing to delay.
      }
    });
    return this;
  }

  /** `SO_KEEPALIVE`, where the protocol has it. */
  setKeepAlive(enable = false, _initialDelay = 0): this {
    void this.ready.then((s) => {
      try {
        s?.setOption(SO_KEEPALIVE, enable ? 1 : 0);
      } catch {
        // The provider has no keep-alive.
      }
    });
    return this;
  }

  /** No event-loop handle to hold: a no-op, for `net.Socket` compatibility. */
  ref(): this {
    return this;
  }

  /** No event-loop handle to release: a no-op, for `net.Socket` compatibility. */
  unref(): this {
    return this;
  }

  /** Ends the writable side, then closes once it is done (`net.Socket.destroySoon`). */
  destroySoon(): void {
    if (this.writableFinished) this.destroy();
    else {
      this.once('finish', () => this.destroy());
      this.end();
    }
  }

  /** Closes with `SO_LINGER {1, 0}`: the peer sees a reset (`net.Socket.resetAndDestroy`). */
  resetAndDestroy(): this {
    this.abortive = true;
    return this.destroy();
  }

  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.idleMs > 0 && !this.destroyed) {
      this.idleTimer = setTimeout(() => this.emit('timeout'), this.idleMs);
      this.idleTimer.unref();
    }
  }

  /** Node's `Readable._read`: starts the `recv` loop when it is not running. */
  override _read(): void {
    if (this.reading) return;
    this.reading = true;
    void this.pump();
  }

  private async pump(): Promise<void> {
    try {
      const socket = await this.ready;
      while (socket && !this.destroyed) {
        let chunk: Uint8Array;
        try {
          chunk = await socket.recv(this.readSize);
        } catch (error) {
          if (this.destroyed) return;
          if (isWsaError(error, WSAEDISCON)) {
            this.push(null);
            return;
          }
          this.destroy(nodeErrorFromWsa(error, 'read'));
          return;
        }
        if (this.destroyed) return;
        this.touch();
        if (chunk.byteLength === 0) {
          this.push(null);
          return;
        }
        this.bytesRead += chunk.byteLength;
        if (!this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) return;
      }
    } finally {
      this.reading = false;
    }
  }

  /** Node's `Writable._write`: sends the chunk whole (`send` until every byte is taken). */
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.ready.then(
      (socket) => {
        if (!socket) return callback(new Error('the socket did not connect'));
        socket.sendAll(chunk).then(
          () => {
            this.bytesWritten += chunk.byteLength;
            this.touch();
            callback();
          },
          (error: unknown) => callback(nodeErrorFromWsa(error, 'write')),
        );
      },
      (error: unknown) => callback(nodeErrorFromWsa(error, 'write')),
    );
  }

  /** Node's `Writable._final`: `shutdown(SD_SEND)` once everything is sent (the peer reads the end). */
  override _final(callback: (error?: Error | null) => void): void {
    this.ready.then((socket) => {
      if (!socket) return callback();
      try {
        socket.shutdown(SD_SEND);
        callback();
      } catch (error) {
        // The connection is gone already (reset, or closed by the peer): nothing left to end.
        if (isWsaError(error) && (error.code === WSAENOTCONN || error.code === WSAECONNRESET)) callback();
        else callback(nodeErrorFromWsa(error, 'shutdown'));
      }
    }, callback);
  }

  /** Node's `Duplex._destroy`: closes the socket (abortively after `resetAndDestroy`). */
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.current) closeQuietly(this.current, this.abortive);
    callback(error);
  }
}

/** `closesocket` (after `SO_LINGER {1, 0}` when `abortive`), ignoring a socket already gone. */
function closeQuietly(socket: Socket, abortive: boolean): void {
  try {
    if (abortive) socket.setOption(SO_LINGER, { l_onoff: 1, l_linger: 0 });
  } catch {
    // A socket that cannot linger is closed all the same.
  }
  try {
    socket.close();
  } catch (error) {
    // WSAENOTSOCK: the process cleaned up, which closed it.
    if (!isWsaError(error, WSAENOTSOCK)) throw error;
  }
}

/**
 * Opens a socket in `ws2` and connects it to `address`, returning the duplex at once (writes wait
 * for the connection; a failure destroys it with the Node-style error).
 *
 * @example
 * const stream = connectSocketDuplex(ws2, sockaddrIn('127.0.0.1', 8080));
 * stream.on('connect', () => stream.end('ping'));
 */
export function connectSocketDuplex(
  ws2: Ws2,
  address: SOCKADDR,
  options: SocketDuplexConnectOptions = {},
): SocketDuplex {
  const af = options.af ?? (isSockaddrIn6(address) ? AF_INET6 : AF_INET);
  const opened = (async () => {
    const socket = await Socket.create(
      ws2,
      af,
      options.type ?? SOCK_STREAM,
      options.protocol ?? IPPROTO_TCP,
      options.protocolInfo ?? null,
    );
    try {
      await socket.connect(address, options.callerData ? { callerData: options.callerData } : {});
    } catch (error) {
      closeQuietly(socket, false);
      throw error;
    }
    return socket;
  })();
  return new SocketDuplex(opened, options);
}

/** What `http`, `https` and `net` pass to a `createConnection`. */
export interface ConnectionRequest {
  /** The host, as `http.request` passes it. */
  host?: string | null;
  /** The host name (preferred over `host`). */
  hostname?: string | null;
  /** The port. */
  port?: number | string | null;
  /** 4 or 6, to choose the loopback address for `localhost`. */
  family?: number;
}

/**
 * A `createConnection` for `http.request`, `https.request` (under `tls.connect({ socket })`) and
 * agents that connects through `ws2`: the request's host (an IPv4 or IPv6 literal, or `localhost`)
 * and port become the address, unless `address` maps them (names, or another family:
 * `(r) => sockaddrTp('web', '10.0.0.2', 102)`). `http.request` uses it only without an `agent`;
 * for keep-alive, set it on an agent: `agent.createConnection = socketConnector(ws2)`.
 *
 * @example
 * const request = http.request({ host: '127.0.0.1', port, path: '/', createConnection: socketConnector(ws2) });
 */
export function socketConnector(
  ws2: Ws2,
  options: SocketDuplexConnectOptions & { address?: (request: ConnectionRequest) => SOCKADDR } = {},
): (
  request: ConnectionRequest,
  callback?: (error: Error | null, stream: SocketDuplex) => void,
) => SocketDuplex {
  return (request, callback) => {
    const host = request.hostname ?? request.host ?? 'localhost';
    const port = Number(request.port ?? 80);
    let address: SOCKADDR;
    if (options.address) address = options.address(request);
    else if (host === 'localhost')
      address = request.family === 6 ? sockaddrIn6('::1', port) : sockaddrIn('127.0.0.1', port);
    else if (host.includes(':')) address = sockaddrIn6(host.replace(/^\[|\]$/g, ''), port);
    else if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) address = sockaddrIn(host, port);
    else
      throw new WsaError(
        WSAEHOSTUNREACH,
        `socketConnector: '${host}' is not an IP address; pass options.address to map names`,
      );
    const stream = connectSocketDuplex(ws2, address, options);
    // As net.createConnection's connect listener (http ignores a second call: it has the stream).
    if (callback) stream.once('connect', () => callback(null, stream));
    return stream;
  };
}

/**
 * Accepts connections on a listening ws2spi socket and hands each to `onConnection` as a
 * `SocketDuplex` — or to a Node server: `serveSocketDuplexes(listener, (d) => server.emit('connection', d))`.
 * `stop()` closes the listener and resolves once the accept loop has ended.
 *
 * @example
 * const server = http.createServer(handler);
 * const serving = serveSocketDuplexes(listener, (stream) => server.emit('connection', stream));
 * // …
 * await serving.stop();
 */
export function serveSocketDuplexes(
  listener: Socket,
  onConnection: (stream: SocketDuplex) => void,
  options: SocketDuplexOptions = {},
): {
  /** Stops accepting (closes the listener) and waits for the serving loop to end. */
  stop(): Promise<void>;
} {
  let stopping = false;
  const loop = (async () => {
    for (;;) {
      let accepted: Socket;
      try {
        ({ socket: accepted } = await listener.accept());
      } catch {
        return; // the listener was closed (or the process cleaned up)
      }
      if (stopping) {
        closeQuietly(accepted, false);
        return;
      }
      onConnection(new SocketDuplex(accepted, options));
    }
  })();
  return {
    async stop() {
      stopping = true;
      closeQuietly(listener, false);
      await loop;
    },
  };
}
