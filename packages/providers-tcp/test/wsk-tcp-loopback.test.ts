/**
 * WSK over real loopback TCP and UDP (`tcpWskTransports()`), beyond the shared interop suite: the
 * NTSTATUS of real transport failures, what TCP does not offer, UDP with a Winsock peer, IPv6, and
 * nothing left open — no socket, server or timer — once `WskDeregister` returned.
 */
import { createServer, type Server } from 'node:net';
import { tcpWskTransports } from '@ws2spi/providers-tcp';
import {
  AF_INET,
  AF_INET6,
  IPPROTO_TCP,
  IPPROTO_UDP,
  out,
  SOCK_DGRAM,
  SOCK_STREAM,
  type SOCKADDR,
  Socket,
  sockaddrIn,
  sockaddrIn6,
} from '@ws2spi/spi';
import {
  HandleWatch,
  ipv6LoopbackAvailable,
  WskAcceptRecorder,
  WskConnectionRecorder,
  WskTestClient,
} from '@ws2spi/spi/testing';
import {
  callWithIrp,
  createWskProvider,
  STATUS_ADDRESS_ALREADY_EXISTS,
  STATUS_CONNECTION_REFUSED,
  STATUS_NOT_SUPPORTED,
  STATUS_SUCCESS,
  WSK_EVENT_ACCEPT,
  WSK_EVENT_DISCONNECT,
  WSK_EVENT_RECEIVE,
  WSK_FLAG_CONNECTION_SOCKET,
  WSK_FLAG_DATAGRAM_SOCKET,
  WSK_FLAG_OOB,
  type WSK_PROVIDER_CONNECTION_DISPATCH,
  type WSK_PROVIDER_DATAGRAM_DISPATCH,
  type WSK_TRANSPORT,
  WSK_TRANSPORT_LIST_QUERY,
  type WskProvider,
  WskSubsystem,
  wskBuf,
} from '@ws2spi/spi/wsk';
import { startTcpProcess, type TcpProcess } from './support/tcp-process';

let provider: WskProvider;
let wsk: WskSubsystem;
let client: WskTestClient;
let proc: TcpProcess | null = null;

beforeEach(async () => {
  provider = createWskProvider({ transports: tcpWskTransports() });
  wsk = new WskSubsystem({ provider });
  client = await WskTestClient.start(wsk);
});

afterEach(async () => {
  await client.end();
  proc?.end();
  proc = null;
  provider.dispose();
  expect(wsk.verifier.violations).toEqual([]);
});

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A port nobody listens on: a server's, closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('real transport failures as NTSTATUS', () => {
  it('a connect to a closed port is STATUS_CONNECTION_REFUSED; the socket is gone', async () => {
    const port = await closedPort();
    const result = await callWithIrp((irp) =>
      client.provider.WskSocketConnect(
        client.clientObject,
        SOCK_STREAM,
        IPPROTO_TCP,
        sockaddrIn('127.0.0.1', 0),
        sockaddrIn('127.0.0.1', port),
        0,
        null,
        null,
        null,
        null,
        null,
        irp,
      ),
    );
    expect(result.Status).toBe(STATUS_CONNECTION_REFUSED);
    expect(wsk.openSockets(client.registration)).toBe(0);
  });

  it('binding a port a server holds is STATUS_ADDRESS_ALREADY_EXISTS', async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const conn = await client.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP, WSK_FLAG_CONNECTION_SOCKET);
      const d = conn.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;
      expect(
        (await callWithIrp((irp) => d.WskBind(conn, sockaddrIn('127.0.0.1', port), 0, irp))).Status,
      ).toBe(STATUS_ADDRESS_ALREADY_EXISTS);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('what TCP offers', () => {
  it('WSK_FLAG_OOB is STATUS_NOT_SUPPORTED: the transport cannot send urgent data', async () => {
    const acceptor = new WskAcceptRecorder();
    const listener = await client.listen(
      AF_INET,
      SOCK_STREAM,
      IPPROTO_TCP,
      sockaddrIn('127.0.0.1', 0),
      acceptor,
      WSK_EVENT_ACCEPT,
    );
    const conn = await client.connect(
      SOCK_STREAM,
      IPPROTO_TCP,
      sockaddrIn('127.0.0.1', 0),
      await client.localAddress(listener),
    );
    expect((await client.send(conn, utf8('!'), WSK_FLAG_OOB)).Status).toBe(STATUS_NOT_SUPPORTED);
    expect((await client.send(conn, utf8('in band'))).Status).toBe(STATUS_SUCCESS);
  });

  it('WSK_TRANSPORT_LIST_QUERY lists TCP and UDP over IPv4 and IPv6 with the MSAFD provider GUIDs', () => {
    const list = out<unknown>(null);
    const size = out(0);
    expect(
      client.provider.WskControlClient(
        client.clientObject,
        WSK_TRANSPORT_LIST_QUERY,
        0,
        null,
        0,
        list,
        size,
        null,
      ),
    ).not.toBe(STATUS_SUCCESS);
    expect(size.value).toBe(4 * 28);
    expect(
      client.provider.WskControlClient(
        client.clientObject,
        WSK_TRANSPORT_LIST_QUERY,
        0,
        null,
        size.value,
        list,
        size,
        null,
      ),
    ).toBe(STATUS_SUCCESS);
    expect(
      (list.value as WSK_TRANSPORT[]).map((t) => [t.AddressFamily, t.SocketType, t.Protocol, t.ProviderId]),
    ).toEqual([
      [AF_INET, SOCK_STREAM, IPPROTO_TCP, 'e70f1aa0-ab8b-11cf-8ca3-00805f48a192'],
      [AF_INET, SOCK_DGRAM, IPPROTO_UDP, 'e70f1aa0-ab8b-11cf-8ca3-00805f48a192'],
      [AF_INET6, SOCK_STREAM, IPPROTO_TCP, 'f9eab0c0-26d4-11d0-bbbf-00aa006c34e4'],
      [AF_INET6, SOCK_DGRAM, IPPROTO_UDP, 'f9eab0c0-26d4-11d0-bbbf-00aa006c34e4'],
    ]);
  });
});

describe('sends without a copy', () => {
  it("a WskSend over TCP holds the caller's buffer: its IRP completes once the transport is done with it", async () => {
    proc = startTcpProcess();
    const listener = await Socket.create(proc.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
    await listener.bind(sockaddrIn('127.0.0.1', 0));
    await listener.listen(1);
    const [accepted, conn] = await Promise.all([
      listener.accept(),
      client.connect(SOCK_STREAM, IPPROTO_TCP, sockaddrIn('127.0.0.1', 0), listener.localAddress()!),
    ]);
    const size = 32 * 1024 * 1024;
    let done = false;
    const sent = client.send(conn, new Uint8Array(size).fill(1)).then((r) => {
      done = true;
      return r;
    });
    // The peer does not read: the kernel cannot take 32 MiB, so the buffer is still in use.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(done).toBe(false);
    let read = 0;
    while (read < size) read += (await accepted.socket.recv(1 << 20)).byteLength;
    expect(await sent).toEqual({ Status: STATUS_SUCCESS, Information: size });
    accepted.socket.close();
    listener.close();
  });
});

describe('UDP with a Winsock peer', () => {
  it('WskSendTo and WskReceiveFrom over real loopback UDP', async () => {
    proc = startTcpProcess();
    const app = await Socket.create(proc.ws2, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    await app.bind(sockaddrIn('127.0.0.1', 0));
    const dgram = await client.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP, WSK_FLAG_DATAGRAM_SOCKET);
    const d = dgram.Dispatch as WSK_PROVIDER_DATAGRAM_DISPATCH;
    expect((await callWithIrp((irp) => d.WskBind(dgram, sockaddrIn('127.0.0.1', 0), 0, irp))).Status).toBe(
      STATUS_SUCCESS,
    );
    const local = await client.localAddress(dgram);
    const sent = await callWithIrp((irp) =>
      d.WskSendTo(dgram, wskBuf(utf8('datagram')), 0, app.localAddress(), 0, null, irp),
    );
    expect(sent).toEqual({ Status: STATUS_SUCCESS, Information: 8 });
    expect(text((await app.recvFrom(64)).data)).toBe('datagram');
    const buffer = new Uint8Array(64);
    const from = out<SOCKADDR | null>(null);
    const receiving = callWithIrp((irp) =>
      d.WskReceiveFrom(dgram, wskBuf(buffer), 0, from, null, null, null, irp),
    );
    await app.sendTo(utf8('reply'), local);
    const got = await receiving;
    expect(got.Status).toBe(STATUS_SUCCESS);
    expect(text(buffer.subarray(0, got.Information as number))).toBe('reply');
    expect(from.value).toEqual(app.localAddress());
    app.close();
  });
});

const ipv6 = ipv6LoopbackAvailable();
(ipv6 ? describe : describe.skip)(
  `${ipv6 ? '' : '[skipped: no IPv6 loopback (::1) on this machine] '}IPv6`,
  () => {
    it('a WSK listener on ::1 and a Winsock client: data and a graceful end', async () => {
      proc = startTcpProcess();
      const acceptor = new WskAcceptRecorder();
      const listener = await client.listen(
        AF_INET6,
        SOCK_STREAM,
        IPPROTO_TCP,
        sockaddrIn6('::1', 0),
        acceptor,
        WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT,
      );
      const app = await Socket.create(proc.ws2, AF_INET6, SOCK_STREAM, IPPROTO_TCP);
      await app.connect(await client.localAddress(listener));
      await app.sendAll(utf8('over ::1'));
      app.shutdown(1);
      const { recorder } = await acceptor.nth(0);
      await recorder.untilDisconnected();
      expect(text(recorder.received())).toBe('over ::1');
      app.close();
    });
  },
);

describe('nothing left behind', () => {
  it('no socket, server, datagram port or timer stays open once WskDeregister returned', async () => {
    const watch = new HandleWatch();
    const provider2 = createWskProvider({ transports: tcpWskTransports() });
    const wsk2 = new WskSubsystem({ provider: provider2 });
    const other = await WskTestClient.start(wsk2);
    // A listener, connections accepted by event, one ended gracefully and one reset, a datagram
    // socket, a pending receive and a send left in flight: everything a careless client leaves.
    const acceptor = new WskAcceptRecorder();
    const listener = await other.listen(
      AF_INET,
      SOCK_STREAM,
      IPPROTO_TCP,
      sockaddrIn('127.0.0.1', 0),
      acceptor,
      WSK_EVENT_ACCEPT | WSK_EVENT_DISCONNECT,
    );
    const target = await other.localAddress(listener);
    const a = await other.connect(
      SOCK_STREAM,
      IPPROTO_TCP,
      sockaddrIn('127.0.0.1', 0),
      target,
      new WskConnectionRecorder(),
    );
    const b = await other.connect(
      SOCK_STREAM,
      IPPROTO_TCP,
      sockaddrIn('127.0.0.1', 0),
      target,
      new WskConnectionRecorder(),
    );
    await acceptor.nth(1);
    await other.disconnect(a, null);
    await other.disconnect(b, null, 1);
    void other.receive((await acceptor.nth(0)).socket, 16);
    void other.send((await acceptor.nth(1)).socket, new Uint8Array(1 << 20));
    const dgram = await other.socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP, WSK_FLAG_DATAGRAM_SOCKET);
    const d = dgram.Dispatch as WSK_PROVIDER_DATAGRAM_DISPATCH;
    await callWithIrp((irp) => d.WskBind(dgram, sockaddrIn('127.0.0.1', 0), 0, irp));
    expect(watch.alive()).toEqual(expect.arrayContaining(['TCPSERVERWRAP', 'TCPWRAP', 'UDPWRAP']));
    await other.end();
    expect(wsk2.openSockets(other.registration)).toBe(0);
    // Not even disposing the provider: closing the sockets gave back everything they held
    // (on failure, where each leftover was created).
    expect((await watch.settle()).length === 0 ? [] : watch.creators()).toEqual([]);
    expect(wsk2.verifier.violations).toEqual([]);
    provider2.dispose();
  });
});
