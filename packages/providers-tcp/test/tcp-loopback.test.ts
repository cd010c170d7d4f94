/**
 * The TCP/IP provider over real loopback sockets (Node's `net`): what a peer sees of a graceful and
 * an abortive close, the reset rule behind `SD_RECEIVE`, half-close without loss, disconnect data,
 * non-blocking connect, the listen backlog, `FIONREAD`, `MSG_OOB`, bind and names.
 */
import { createServer, type Server } from 'node:net';
import {
  AF_INET,
  FD_ACCEPT,
  FD_CLOSE,
  FD_CONNECT,
  FD_READ,
  IPPROTO_IP,
  IPPROTO_TCP,
  MSG_OOB,
  nodeDatagramNetwork,
  nodeStreamNetwork,
  out,
  SD_BOTH,
  SD_RECEIVE,
  SD_SEND,
  SO_ERROR,
  SO_LINGER,
  SOCK_STREAM,
  type SOCKADDR,
  SOCKET_ERROR,
  Socket,
  sockaddrIn,
  TCP_NODELAY,
  WSAEADDRINUSE,
  WSAEALREADY,
  WSAECONNABORTED,
  WSAECONNREFUSED,
  WSAECONNRESET,
  WSAEINVAL,
  WSAEISCONN,
  WSAENOPROTOOPT,
  WSAENOTCONN,
  WSAEOPNOTSUPP,
  WSAESHUTDOWN,
  WSAEWOULDBLOCK,
  wsabuf,
} from '@ws2spi/spi';
import { startTcpProcess, type TcpProcess } from './support/tcp-process';
import {
  closeAll,
  connectedPair,
  errorOf,
  loopback,
  NetworkEventWatch,
  patternBytes,
  portOf,
  readToEnd,
  type TcpPair,
} from './support/winsock-steps';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const MiB = 1024 * 1024;

let proc: TcpProcess;
let pair: TcpPair | undefined;
const watches: NetworkEventWatch[] = [];
const extra: Socket[] = [];

beforeEach(() => {
  proc = startTcpProcess({ streams: nodeStreamNetwork(), datagrams: nodeDatagramNetwork() });
});

afterEach(() => {
  for (const w of watches.splice(0)) w.close();
  if (pair) closeAll(pair.client, pair.server, pair.listener);
  pair = undefined;
  closeAll(...extra.splice(0));
  proc.end();
});

function watch(socket: Socket, mask: number): NetworkEventWatch {
  const w = new NetworkEventWatch(proc.ws2, socket.handle, mask);
  watches.push(w);
  return w;
}

async function tcpSocket(): Promise<Socket> {
  const s = await Socket.create(proc.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  extra.push(s);
  return s;
}

describe('what the peer sees: FIN vs RST', () => {
  it('graceful closesocket: the peer reads the data, then recv 0 (again and again) and FD_CLOSE with 0', async () => {
    pair = await connectedPair(proc.ws2);
    await pair.client.sendAll(text('last words'));
    pair.client.close();
    const events = watch(pair.server, FD_READ | FD_CLOSE);
    expect(await events.waitFor(FD_CLOSE)).toBe(0);
    expect(new TextDecoder().decode(await pair.server.recv())).toBe('last words');
    expect((await pair.server.recv()).byteLength).toBe(0);
    expect((await pair.server.recv()).byteLength).toBe(0);
  });

  it('SO_LINGER {1, 0}: closesocket resets; the peer gets FD_CLOSE WSAECONNABORTED and WSAECONNRESET on recv and send', async () => {
    pair = await connectedPair(proc.ws2);
    pair.client.setOption(SO_LINGER, { l_onoff: 1, l_linger: 0 });
    const events = watch(pair.server, FD_READ | FD_CLOSE);
    pair.client.close();
    expect(await events.waitFor(FD_CLOSE)).toBe(WSAECONNABORTED);
    expect(await errorOf(pair.server.recv())).toBe(WSAECONNRESET);
    expect(await errorOf(pair.server.send(text('x')))).toBe(WSAECONNRESET);
  });

  it('SO_LINGER {1, 0} with data in flight: the peer never sees a graceful end, only WSAECONNRESET', async () => {
    pair = await connectedPair(proc.ws2);
    pair.client.setOption(SO_LINGER, { l_onoff: 1, l_linger: 0 });
    // Whatever the server read before the RST, the stream ends in a reset, never in recv 0.
    await pair.client.sendAll(patternBytes(64 * 1024));
    pair.client.close();
    expect(await errorOf(readToEnd(pair.server))).toBe(WSAECONNRESET);
  });

  it('shutdown(SD_BOTH) is graceful: the peer reads recv 0 (no reset), and the shut side says WSAESHUTDOWN both ways', async () => {
    pair = await connectedPair(proc.ws2);
    pair.client.shutdown(SD_BOTH);
    expect((await pair.server.recv()).byteLength).toBe(0);
    expect(await errorOf(pair.client.recv())).toBe(WSAESHUTDOWN);
    expect(await errorOf(pair.client.send(text('x')))).toBe(WSAESHUTDOWN);
  });

  it('closesocket with unread data resets the connection (the data is thrown away)', async () => {
    pair = await connectedPair(proc.ws2);
    const clientEvents = watch(pair.client, FD_READ | FD_CLOSE);
    await pair.server.sendAll(text('never read'));
    await clientEvents.waitFor(FD_READ);
    const serverEvents = watch(pair.server, FD_READ | FD_CLOSE);
    pair.client.close();
    expect(await serverEvents.waitFor(FD_CLOSE)).toBe(WSAECONNABORTED);
    expect(await errorOf(pair.server.recv())).toBe(WSAECONNRESET);
  });
});

describe('SD_RECEIVE: no packet, but data behind it resets the connection', () => {
  it('SD_RECEIVE sends nothing; data that arrives afterwards resets; the shut side says WSAESHUTDOWN', async () => {
    pair = await connectedPair(proc.ws2);
    pair.server.shutdown(SD_RECEIVE);
    // Proof that SD_RECEIVE put nothing on the wire: the server can still send after it, and
    // the client receives that and then nothing (no FIN before it, no RST).
    await pair.server.sendAll(text('still sending'));
    expect(new TextDecoder().decode(await pair.client.recv())).toBe('still sending');
    pair.client.setNonBlocking(true);
    expect(await errorOf(pair.client.recv())).toBe(WSAEWOULDBLOCK);
    pair.client.setNonBlocking(false);

    const clientEvents = watch(pair.client, FD_READ | FD_CLOSE);
    await pair.client.send(text('too late'));
    expect(await clientEvents.waitFor(FD_CLOSE)).toBe(WSAECONNABORTED);
    expect(await errorOf(pair.client.recv())).toBe(WSAECONNRESET);
    // WSAESHUTDOWN wins over the reset on the side that shut its receiving direction.
    expect(await errorOf(pair.server.recv())).toBe(WSAESHUTDOWN);
  });

  it('data already queued when SD_RECEIVE is called resets the connection at once', async () => {
    pair = await connectedPair(proc.ws2);
    const serverEvents = watch(pair.server, FD_READ | FD_CLOSE);
    await pair.client.sendAll(text('unread'));
    await serverEvents.waitFor(FD_READ);
    const clientEvents = watch(pair.client, FD_READ | FD_CLOSE);
    pair.server.shutdown(SD_RECEIVE);
    expect(await clientEvents.waitFor(FD_CLOSE)).toBe(WSAECONNABORTED);
    expect(await errorOf(pair.client.recv())).toBe(WSAECONNRESET);
  });
});

describe('half-close in both directions, no byte lost', () => {
  it.each([
    ['the client', 'client'],
    ['the server', 'server'],
  ] as const)(
    '%s sends 1 MiB and WSASendDisconnect(NULL); the other side gets it whole before recv 0, then answers with 1 MiB the same way',
    async (_name, first) => {
      pair = await connectedPair(proc.ws2);
      const a = first === 'client' ? pair.client : pair.server;
      const b = first === 'client' ? pair.server : pair.client;
      const out1 = patternBytes(MiB, 1);
      const out2 = patternBytes(MiB, 2);

      const [, got1] = await Promise.all([
        (async () => {
          await a.sendAll(out1);
          expect(proc.ws2.WSASendDisconnect(a.handle, null)).toBe(0);
        })(),
        readToEnd(b),
      ]);
      expect(got1.byteLength).toBe(MiB);
      expect(Buffer.from(got1).equals(Buffer.from(out1))).toBe(true);

      // The side that sent its FIN still receives; the side that got it still sends.
      const [, got2] = await Promise.all([
        (async () => {
          await b.sendAll(out2);
          expect(proc.ws2.WSASendDisconnect(b.handle, null)).toBe(0);
        })(),
        readToEnd(a),
      ]);
      expect(got2.byteLength).toBe(MiB);
      expect(Buffer.from(got2).equals(Buffer.from(out2))).toBe(true);
      expect(await errorOf(a.send(text('x')))).toBe(WSAESHUTDOWN);
    },
  );
});

describe('disconnect data: TCP has none', () => {
  it('WSASendDisconnect with data is WSAENOPROTOOPT, nothing is sent or shut, and the connection works both ways afterwards', async () => {
    pair = await connectedPair(proc.ws2);
    expect(proc.ws2.WSASendDisconnect(pair.client.handle, wsabuf(text('bye')))).toBe(SOCKET_ERROR);
    expect(proc.ws2.WSAGetLastError()).toBe(WSAENOPROTOOPT);
    // An empty buffer is still a buffer: the same answer.
    expect(proc.ws2.WSASendDisconnect(pair.client.handle, wsabuf(0))).toBe(SOCKET_ERROR);
    expect(proc.ws2.WSAGetLastError()).toBe(WSAENOPROTOOPT);

    await pair.client.sendAll(text('ping'));
    expect(new TextDecoder().decode(await pair.server.recv())).toBe('ping');
    await pair.server.sendAll(text('pong'));
    expect(new TextDecoder().decode(await pair.client.recv())).toBe('pong');
    // No FIN went out: the server has nothing to read, not end of stream.
    pair.server.setNonBlocking(true);
    expect(await errorOf(pair.server.recv())).toBe(WSAEWOULDBLOCK);
    pair.server.setNonBlocking(false);

    // And the real disconnect still works afterwards.
    expect(proc.ws2.WSASendDisconnect(pair.client.handle, null)).toBe(0);
    expect((await pair.server.recv()).byteLength).toBe(0);
  });

  it('WSARecvDisconnect with a buffer reports no disconnect data (len 0) and shuts the receiving direction only', async () => {
    pair = await connectedPair(proc.ws2);
    pair.client.sendDisconnect();
    expect((await pair.server.recv()).byteLength).toBe(0);
    const buffer = wsabuf(16);
    expect(proc.ws2.WSARecvDisconnect(pair.server.handle, buffer)).toBe(0);
    expect(buffer.len).toBe(0);
    expect(await errorOf(pair.server.recv())).toBe(WSAESHUTDOWN);
    // Sending still works after WSARecvDisconnect.
    await pair.server.sendAll(text('after'));
    expect(new TextDecoder().decode(await pair.client.recv())).toBe('after');
  });
});

describe('connect', () => {
  it('non-blocking: WSAEWOULDBLOCK, then WSAEALREADY while pending, FD_CONNECT 0, then WSAEISCONN', async () => {
    const listener = await tcpSocket();
    await listener.bind(loopback(4));
    await listener.listen(4);
    const client = await tcpSocket();
    const events = watch(client, FD_CONNECT);
    const target = listener.localAddress()!;
    expect(await proc.ws2.connect(client.handle, target, 16)).toBe(SOCKET_ERROR);
    expect(proc.ws2.WSAGetLastError()).toBe(WSAEWOULDBLOCK);
    expect(await proc.ws2.connect(client.handle, target, 16)).toBe(SOCKET_ERROR);
    expect(proc.ws2.WSAGetLastError()).toBe(WSAEALREADY);
    expect(await events.waitFor(FD_CONNECT)).toBe(0);
    expect(await proc.ws2.connect(client.handle, target, 16)).toBe(SOCKET_ERROR);
    expect(proc.ws2.WSAGetLastError()).toBe(WSAEISCONN);
    extra.push((await listener.accept()).socket);
  });

  it('to a port nobody listens on: WSAECONNREFUSED (blocking), FD_CONNECT and SO_ERROR (non-blocking)', async () => {
    const probe = await tcpSocket();
    await probe.bind(loopback(4));
    const closedPort = portOf(probe.localAddress());
    probe.close();
    const blocking = await tcpSocket();
    expect(await errorOf(blocking.connect(sockaddrIn('127.0.0.1', closedPort)))).toBe(WSAECONNREFUSED);
    const nonBlocking = await tcpSocket();
    const events = watch(nonBlocking, FD_CONNECT);
    expect(await proc.ws2.connect(nonBlocking.handle, sockaddrIn('127.0.0.1', closedPort), 16)).toBe(
      SOCKET_ERROR,
    );
    expect(proc.ws2.WSAGetLastError()).toBe(WSAEWOULDBLOCK);
    expect(await events.waitFor(FD_CONNECT)).toBe(WSAECONNREFUSED);
    expect(nonBlocking.getOption(SO_ERROR)).toBe(WSAECONNREFUSED);
    expect(nonBlocking.getOption(SO_ERROR)).toBe(0);
  });

  it('a refused connect says so as net does: [WSAECONNREFUSED] connect 127.0.0.1:port', async () => {
    const probe = await tcpSocket();
    await probe.bind(loopback(4));
    const closedPort = portOf(probe.localAddress());
    probe.close();
    const client = await tcpSocket();
    const refused = await client
      .connect(sockaddrIn('127.0.0.1', closedPort))
      .catch((error: unknown) => error);
    expect(refused).toMatchObject({
      message: `[WSAECONNREFUSED] connect 127.0.0.1:${closedPort}`,
      code: WSAECONNREFUSED,
      call: 'connect',
      socket: client.handle,
      remoteAddress: `127.0.0.1:${closedPort}`,
    });
  });

  it('a failed connect leaves the socket usable for another connect', async () => {
    const probe = await tcpSocket();
    await probe.bind(loopback(4));
    const closedPort = portOf(probe.localAddress());
    probe.close();
    const listener = await tcpSocket();
    await listener.bind(loopback(4));
    await listener.listen(1);
    const client = await tcpSocket();
    expect(await errorOf(client.connect(sockaddrIn('127.0.0.1', closedPort)))).toBe(WSAECONNREFUSED);
    await Promise.all([
      client.connect(listener.localAddress()!),
      listener.accept().then((a) => extra.push(a.socket)),
    ]);
    expect(portOf(client.remoteAddress())).toBe(portOf(listener.localAddress()));
  });

  it('a bound socket whose connect failed is still bound: same name, its port still taken, and the next connect goes out from it', async () => {
    const probe = await tcpSocket();
    await probe.bind(loopback(4));
    const closedPort = portOf(probe.localAddress());
    probe.close();
    const listener = await tcpSocket();
    await listener.bind(loopback(4));
    await listener.listen(1);
    const client = await tcpSocket();
    await client.bind(loopback(4));
    const bound = client.localAddress()!;
    expect(await errorOf(client.connect(sockaddrIn('127.0.0.1', closedPort)))).toBe(WSAECONNREFUSED);
    expect(client.localAddress()).toEqual(bound);
    const rival = await tcpSocket();
    expect(await errorOf(rival.bind(bound))).toBe(WSAEADDRINUSE);
    const [accepted] = await Promise.all([listener.accept(), client.connect(listener.localAddress()!)]);
    extra.push(accepted.socket);
    expect(accepted.remote).toEqual(bound);
  });
});

describe('listen backlog', () => {
  it('a connection beyond the backlog is refused (reset after the handshake, see README); the one inside it is accepted', async () => {
    const listener = await tcpSocket();
    await listener.bind(loopback(4));
    await listener.listen(1);
    const first = await tcpSocket();
    const events = watch(listener, FD_ACCEPT);
    await first.connect(listener.localAddress()!);
    await events.waitFor(FD_ACCEPT);
    const second = await tcpSocket();
    // The kernel completed the handshake before the provider could refuse: whichever call comes
    // first after the refusal reports the reset.
    const code = await errorOf(
      (async () => {
        await second.connect(listener.localAddress()!);
        await second.recv();
      })(),
    );
    expect(code).toBe(WSAECONNRESET);
    const accepted = await listener.accept();
    extra.push(accepted.socket);
    expect(portOf(accepted.remote)).toBe(portOf(first.localAddress()));
  });
});

describe('FIONREAD, MSG_OOB', () => {
  it('FIONREAD counts the bytes a recv would return', async () => {
    pair = await connectedPair(proc.ws2);
    expect(pair.server.bytesAvailable()).toBe(0);
    await pair.client.sendAll(patternBytes(1000));
    pair.client.sendDisconnect();
    // FD_CLOSE follows the FIN, which follows every byte.
    await watch(pair.server, FD_CLOSE).waitFor(FD_CLOSE);
    expect(pair.server.bytesAvailable()).toBe(1000);
    expect((await pair.server.recv(400)).byteLength).toBe(400);
    expect(pair.server.bytesAvailable()).toBe(600);
  });

  it('MSG_OOB is WSAEOPNOTSUPP: Node cannot send or receive TCP urgent data', async () => {
    pair = await connectedPair(proc.ws2);
    expect(await errorOf(pair.client.send(text('!'), MSG_OOB))).toBe(WSAEOPNOTSUPP);
    expect(await errorOf(pair.server.recv(1, MSG_OOB))).toBe(WSAEOPNOTSUPP);
    // Nothing was sent: the connection is intact.
    await pair.client.sendAll(text('ok'));
    expect(new TextDecoder().decode(await pair.server.recv())).toBe('ok');
  });
});

describe('options beyond SOL_SOCKET', () => {
  it('IPPROTO_TCP and IPPROTO_IP options are WSAENOPROTOOPT (the network cannot apply them); an unknown level is WSAEINVAL', async () => {
    const s = await tcpSocket();
    expect(await errorOf(() => s.setOption(TCP_NODELAY, 1, IPPROTO_TCP))).toBe(WSAENOPROTOOPT);
    expect(await errorOf(() => s.getOption(TCP_NODELAY, IPPROTO_TCP))).toBe(WSAENOPROTOOPT);
    expect(await errorOf(() => s.getOption(4 /* IP_TTL */, IPPROTO_IP))).toBe(WSAENOPROTOOPT);
    expect(await errorOf(() => s.setOption(1, 1, 0x1234))).toBe(WSAEINVAL);
  });
});

describe('bind, names and address in use', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
  });

  it('port 0 gives an ephemeral port visible to getsockname right after bind; connect goes out from it', async () => {
    const listener = await tcpSocket();
    await listener.bind(loopback(4));
    await listener.listen(2);
    const client = await tcpSocket();
    await client.bind(sockaddrIn('0.0.0.0', 0));
    const bound = client.localAddress() as SOCKADDR & { sin_addr: string; sin_port: number };
    expect(bound.sin_addr).toBe('0.0.0.0');
    expect(bound.sin_port).toBeGreaterThan(0);
    const [accepted] = await Promise.all([listener.accept(), client.connect(listener.localAddress()!)]);
    extra.push(accepted.socket);
    expect(client.localAddress()).toEqual(sockaddrIn('127.0.0.1', bound.sin_port));
    expect(accepted.remote).toEqual(sockaddrIn('127.0.0.1', bound.sin_port));
    expect(accepted.socket.remoteAddress()).toEqual(client.localAddress());
    expect(client.remoteAddress()).toEqual(accepted.socket.localAddress());
  });

  it('a bound port is taken: another bind to it is WSAEADDRINUSE; a socket binds only once (WSAEINVAL)', async () => {
    const a = await tcpSocket();
    await a.bind(loopback(4));
    const b = await tcpSocket();
    expect(await errorOf(b.bind(a.localAddress()!))).toBe(WSAEADDRINUSE);
    expect(await errorOf(a.bind(loopback(4)))).toBe(WSAEINVAL);
  });

  it('a port another program listens on is WSAEADDRINUSE', async () => {
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as { port: number }).port;
    const s = await tcpSocket();
    expect(await errorOf(s.bind(sockaddrIn('127.0.0.1', port)))).toBe(WSAEADDRINUSE);
  });

  it('a closed socket gives its port back', async () => {
    const a = await tcpSocket();
    await a.bind(loopback(4));
    const address = a.localAddress()!;
    a.close();
    const b = await tcpSocket();
    await b.bind(address);
    expect(b.localAddress()).toEqual(address);
  });

  it('getsockname before bind is WSAEINVAL; getpeername before connect is WSAENOTCONN; shutdown too', async () => {
    const s = await tcpSocket();
    expect(await errorOf(() => s.localAddress())).toBe(WSAEINVAL);
    expect(await errorOf(() => s.remoteAddress())).toBe(WSAENOTCONN);
    expect(await errorOf(() => s.shutdown(SD_SEND))).toBe(WSAENOTCONN);
    await s.bind(loopback(4));
    await s.listen(1);
    expect(await errorOf(() => s.shutdown(SD_SEND))).toBe(WSAENOTCONN);
    expect(await errorOf(() => s.remoteAddress())).toBe(WSAENOTCONN);
  });

  it('a connection to a bound port that does not listen is reset (WSAECONNRESET, see README)', async () => {
    const bound = await tcpSocket();
    await bound.bind(loopback(4));
    const client = await tcpSocket();
    const code = await errorOf(
      (async () => {
        await client.connect(bound.localAddress()!);
        await client.recv();
      })(),
    );
    expect(code).toBe(WSAECONNRESET);
  });

  it('names keep working after shutdown, and connect says WSAEISCONN', async () => {
    pair = await connectedPair(proc.ws2);
    pair.client.shutdown(SD_BOTH);
    expect(portOf(pair.client.remoteAddress())).toBe(portOf(pair.listener.localAddress()));
    expect(portOf(pair.client.localAddress())).toBeGreaterThan(0);
    expect(await errorOf(pair.client.connect(pair.listener.localAddress()!))).toBe(WSAEISCONN);
    const namelen = out(16);
    const name = out<SOCKADDR | null>(null);
    expect(proc.ws2.getsockname(pair.server.handle, name, namelen)).toBe(0);
    expect(namelen.value).toBe(16);
  });
});

describe('the entries as the dispatcher loads them', () => {
  it('the default provider path imports this package and its real-network WSPStartup serves the sockets', async () => {
    const viaPackage = startTcpProcess();
    try {
      pair = await connectedPair(viaPackage.ws2);
      await pair.client.sendAll(text('through the package'));
      expect(new TextDecoder().decode(await pair.server.recv())).toBe('through the package');
      expect(viaPackage.ws2.startedProviders.map((p) => p.path)).toEqual(['@ws2spi/providers-tcp']);
    } finally {
      if (pair) closeAll(pair.client, pair.server, pair.listener);
      pair = undefined;
      viaPackage.end();
    }
  });
});
