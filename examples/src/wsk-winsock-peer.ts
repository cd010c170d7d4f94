/**
 * The Winsock side of the WSK examples: a `Ws2` process with the TCP/IP and ISO transport
 * providers, and a Winsock echo server on it (the application-level counterpart of the WSK echo
 * server), so WSK clients have a Winsock peer to talk to — in this process or in another.
 */
import { installOsiProviders } from '@ws2spi/providers-osi';
import { installTcpProviders } from '@ws2spi/providers-tcp';
import {
  AF_INET,
  AF_ISO,
  Catalog,
  emptyWsaData,
  formatSockaddr,
  IPPROTO_TCP,
  ISOPROTO_TP2,
  isWsaError,
  MAKEWORD,
  SD_SEND,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  type SOCKADDR,
  Socket,
  Ws2,
  wsaErrorName,
} from '@ws2spi/spi';
import { container } from 'tsyringe';
import type { WskEchoTransport } from './wsk-echo-server';

/** A `Ws2` process (`WSAStartup(2.2)`) whose catalog holds the TCP/IP and ISO transport entries. */
export function startWinsockProcess(): Ws2 {
  const catalog = new Catalog();
  installTcpProviders(catalog);
  installOsiProviders(catalog);
  const ws2 = new Ws2({ catalog, container: container.createChildContainer() });
  if (ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData()) !== 0) throw new Error('WSAStartup failed');
  return ws2;
}

/** The socket triple of a transport. */
export function winsockTriple(transport: WskEchoTransport): { af: number; type: number; protocol: number } {
  return transport === 'tcp'
    ? { af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP }
    : { af: AF_ISO, type: SOCK_SEQPACKET, protocol: ISOPROTO_TP2 };
}

/** A running Winsock echo server. */
export interface WinsockEchoServer {
  readonly address: SOCKADDR;
  stop(): void;
}

/**
 * A Winsock echo server: echoes what each connection sends; when the peer ends gracefully (`recv`
 * 0, or `WSAEDISCON` after an ISO release) it finishes its own side and closes.
 */
export async function startWinsockEchoServer(
  ws2: Ws2,
  transport: WskEchoTransport,
  address: SOCKADDR,
  log: (line: string) => void = () => undefined,
): Promise<WinsockEchoServer> {
  const { af, type, protocol } = winsockTriple(transport);
  const listener = await Socket.create(ws2, af, type, protocol);
  await listener.bind(address);
  await listener.listen(8);
  const open = new Set<Socket>([listener]);
  let stopped = false;
  const serve = async (socket: Socket, peer: string): Promise<void> => {
    try {
      for (;;) {
        const data = await socket.recv(65536);
        if (data.byteLength === 0) {
          log(`recv from ${peer}: 0, the WSK peer disconnected gracefully`);
          socket.shutdown(SD_SEND);
          break;
        }
        await socket.sendAll(data);
        log(`echoed ${data.byteLength} bytes to ${peer}`);
      }
    } catch (error) {
      log(`recv from ${peer}: ${isWsaError(error) ? wsaErrorName(error.code) : String(error)}`);
    } finally {
      if (open.delete(socket)) closeQuietly(socket);
    }
  };
  void (async () => {
    while (!stopped) {
      let accepted: Awaited<ReturnType<Socket['accept']>>;
      try {
        accepted = await listener.accept();
      } catch {
        return;
      }
      open.add(accepted.socket);
      const peer = formatSockaddr(accepted.remote);
      log(`accepted a connection from ${peer}`);
      void serve(accepted.socket, peer);
    }
  })();
  const bound = listener.localAddress()!;
  log(`Winsock echo server listening on ${formatSockaddr(bound)}`);
  return {
    address: bound,
    stop: () => {
      stopped = true;
      const sockets = [...open];
      open.clear();
      for (const socket of sockets) closeQuietly(socket);
    },
  };
}

/** `closesocket`, for a socket that may already be gone. */
function closeQuietly(socket: Socket): void {
  try {
    socket.close();
  } catch {
    // closed already
  }
}
