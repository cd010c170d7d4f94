import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { familyNumber, requireIpLiteral, requirePortNumber } from './ip-literal';
import { networkErrorFromNode } from './node-network-error';
import { NodeStreamConnection } from './node-stream-connection';
import {
  type NetEndpoint,
  NetworkError,
  type StreamConnection,
  type StreamConnectOptions,
  type StreamListener,
  type StreamListenOptions,
  type StreamNetwork,
} from './stream-network';

/** Options of `nodeStreamNetwork()`. */
export interface NodeStreamNetworkOptions {
  /** Connect timeout when a connect gives no `timeoutMs`; default none (the OS's own SYN retries decide). */
  connectTimeoutMs?: number;
}

/**
 * The stream network of the machine: TCP over Node's `net`, for `connect`/`listen` in base
 * providers. Connections are half-open capable (`allowHalfOpen`), an IPv6 listener is
 * `IPV6_V6ONLY` as Windows' AF_INET6 sockets are by default, `reset()` sends a real RST
 * (`socket.resetAndDestroy()`), and Node's error codes arrive as `NetworkError`s.
 */
export function nodeStreamNetwork(options: NodeStreamNetworkOptions = {}): StreamNetwork {
  return {
    connect: (connectOptions) => connectNodeStream(connectOptions, options),
    listen: (listenOptions, onConnection) => listenNodeStream(listenOptions, onConnection),
  };
}

/**
 * A `StreamConnection` over a connected `net.Socket` this process was handed (a child receives one
 * over IPC from its parent): the socket is paused until `setHandlers`, as a connection of
 * `nodeStreamNetwork()` is.
 */
export function adoptNodeStream(socket: Socket): StreamConnection {
  // The parent holds the connection too: only read while the owner wants bytes.
  return new NodeStreamConnection(socket, true);
}

function connectNodeStream(
  options: StreamConnectOptions,
  defaults: NodeStreamNetworkOptions,
): Promise<StreamConnection> {
  return new Promise<StreamConnection>((resolve, reject) => {
    const { family } = options;
    requireIpLiteral(options.host, family, 'connect');
    requirePortNumber(options.port, 'connect');
    // Windows refuses port 0 as a destination before anything goes on the wire.
    if (options.port === 0) throw new NetworkError('EADDRNOTAVAIL', 'connect: port 0 is not a destination');
    if (options.localAddress !== undefined)
      requireIpLiteral(options.localAddress, family, 'connect localAddress');
    if (options.localPort !== undefined) requirePortNumber(options.localPort, 'connect localPort');
    const timeoutMs = options.timeoutMs ?? defaults.connectTimeoutMs;
    if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !(timeoutMs >= 0))) {
      throw new NetworkError('EINVAL', `connect: timeoutMs ${String(timeoutMs)} is not a number >= 0`);
    }
    let socket: Socket;
    try {
      socket = netConnect({
        host: options.host,
        port: options.port,
        family,
        localAddress: options.localAddress,
        localPort: options.localPort,
        allowHalfOpen: true,
      });
    } catch (error) {
      throw networkErrorFromNode(error, 'EINVAL');
    }
    // Paused before the connect completes, so Node never starts reading on its own.
    socket.pause();
    let timer: NodeJS.Timeout | undefined;
    const cleanup = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      socket.off('error', onError);
      socket.off('connect', onConnect);
    };
    const onError = (error: Error): void => {
      cleanup();
      socket.destroy();
      reject(networkErrorFromNode(error, 'ECONNREFUSED'));
    };
    const onConnect = (): void => {
      cleanup();
      resolve(new NodeStreamConnection(socket));
    };
    socket.once('error', onError);
    socket.once('connect', onConnect);
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        cleanup();
        socket.destroy();
        reject(
          new NetworkError(
            'ETIMEDOUT',
            `connect ${options.host}:${options.port}: no answer within ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
    }
  });
}

function listenNodeStream(
  options: StreamListenOptions,
  onConnection: (connection: StreamConnection) => void,
): Promise<StreamListener> {
  return new Promise<StreamListener>((resolve, reject) => {
    const { family } = options;
    requireIpLiteral(options.host, family, 'listen');
    requirePortNumber(options.port, 'listen');
    const backlog =
      Number.isFinite(options.backlog) && options.backlog >= 1 ? Math.floor(options.backlog) : 1;
    // pauseOnConnect: an accepted socket is not read until its owner wires it (setHandlers).
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true });
    const listener = new NodeStreamListener(server, onConnection);
    const onError = (error: Error): void => {
      server.close();
      reject(networkErrorFromNode(error, 'EADDRNOTAVAIL'));
    };
    server.once('error', onError);
    try {
      server.listen({ host: options.host, port: options.port, backlog, ipv6Only: family === 6 }, () => {
        server.off('error', onError);
        listener.started();
        resolve(listener);
      });
    } catch (error) {
      server.off('error', onError);
      throw networkErrorFromNode(error, 'EINVAL');
    }
  });
}

/** A listening `net.Server`. */
class NodeStreamListener implements StreamListener {
  private isClosed = false;
  private endpoint: NetEndpoint = { address: '', port: 0, family: 4 };

  constructor(
    private readonly server: Server,
    onConnection: (connection: StreamConnection) => void,
  ) {
    server.on('connection', (socket: Socket) => {
      if (this.isClosed) {
        socket.resetAndDestroy();
        return;
      }
      onConnection(new NodeStreamConnection(socket));
    });
  }

  get local(): NetEndpoint {
    return this.endpoint;
  }

  /** The server is listening: record the bound endpoint and absorb later accept errors (the listener keeps going). */
  started(): void {
    const address = this.server.address();
    if (address !== null && typeof address === 'object') {
      this.endpoint = { address: address.address, port: address.port, family: familyNumber(address.family) };
    }
    this.server.on('error', () => {});
  }

  /** `server.close()`: stop accepting; accepted connections carry on. Idempotent. */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.server.close();
  }
}
