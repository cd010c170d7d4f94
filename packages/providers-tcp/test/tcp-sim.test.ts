/**
 * The same TCP/IP provider over two hosts of a `SimNetwork` (virtual time): deterministic ports
 * and names across hosts, Windows' 21-second connect timeout, what a crashed or restarted peer
 * looks like, the reset rule behind `SD_RECEIVE`, and UDP across hosts and partitions.
 */

import {
  AF_INET,
  FD_CLOSE,
  FD_READ,
  IPPROTO_TCP,
  IPPROTO_UDP,
  SD_RECEIVE,
  SOCK_DGRAM,
  SOCK_STREAM,
  Socket,
  sockaddrIn,
  TCP_CONNECT_TIMEOUT_MS,
  WSAECONNABORTED,
  WSAECONNRESET,
  WSAESHUTDOWN,
  WSAETIMEDOUT,
  WSAEWOULDBLOCK,
} from '@ws2spi/spi';
import { type SimHost, SimNetwork } from '@ws2spi/spi/testing';
import { startTcpProcess, type TcpProcess } from './support/tcp-process';
import { closeAll, errorOf, NetworkEventWatch } from './support/winsock-steps';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const decode = (b: Uint8Array): string => new TextDecoder().decode(b);

let net: SimNetwork;
let clientHost: SimHost;
let serverHost: SimHost;
let client: TcpProcess;
let server: TcpProcess;
const sockets: Socket[] = [];
const watches: NetworkEventWatch[] = [];

beforeEach(() => {
  net = new SimNetwork({ timing: 'virtual' });
  clientHost = net.addHost('client', { ipv4: ['10.0.0.1'] });
  serverHost = net.addHost('server', { ipv4: ['10.0.0.2'] });
  client = startTcpProcess({ streams: clientHost.streams, datagrams: clientHost.datagrams });
  server = startTcpProcess({ streams: serverHost.streams, datagrams: serverHost.datagrams });
});

afterEach(() => {
  for (const w of watches.splice(0)) w.close();
  closeAll(...sockets.splice(0));
  client.end();
  server.end();
  net.close();
});

async function open(p: TcpProcess, type = SOCK_STREAM): Promise<Socket> {
  const s = await Socket.create(p.ws2, AF_INET, type, type === SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP);
  sockets.push(s);
  return s;
}

/** A server listening on 0.0.0.0:4000 of the server host, and a connected client. */
async function connected(): Promise<{ c: Socket; s: Socket }> {
  const listener = await open(server);
  await listener.bind(sockaddrIn('0.0.0.0', 4000));
  await listener.listen(4);
  const c = await open(client);
  const [accepted] = await Promise.all([listener.accept(), c.connect(sockaddrIn('10.0.0.2', 4000))]);
  sockets.push(accepted.socket);
  return { c, s: accepted.socket };
}

describe('TCP across two simulated hosts', () => {
  it('ephemeral ports come from 49152 in order, and each side names the other by its host address', async () => {
    const listener = await open(server);
    await listener.bind(sockaddrIn('0.0.0.0', 0));
    expect(listener.localAddress()).toEqual(sockaddrIn('0.0.0.0', 49152));
    await listener.listen(1);
    const c = await open(client);
    const [accepted] = await Promise.all([listener.accept(), c.connect(sockaddrIn('10.0.0.2', 49152))]);
    sockets.push(accepted.socket);
    expect(c.localAddress()).toEqual(sockaddrIn('10.0.0.1', 49152));
    expect(c.remoteAddress()).toEqual(sockaddrIn('10.0.0.2', 49152));
    expect(accepted.remote).toEqual(sockaddrIn('10.0.0.1', 49152));
    expect(accepted.socket.localAddress()).toEqual(sockaddrIn('10.0.0.2', 49152));
  });

  it('a connect across a partition fails WSAETIMEDOUT after Windows’ 21 s (virtual time)', async () => {
    net.partition(clientHost, serverHost);
    const listener = await open(server);
    await listener.bind(sockaddrIn('0.0.0.0', 4000));
    await listener.listen(1);
    const c = await open(client);
    const started = net.now;
    expect(await errorOf(c.connect(sockaddrIn('10.0.0.2', 4000)))).toBe(WSAETIMEDOUT);
    expect(net.now - started).toBe(TCP_CONNECT_TIMEOUT_MS);
  });

  it('a peer that crashed: data to it goes unanswered and the connection is aborted (WSAECONNABORTED)', async () => {
    const { c } = await connected();
    serverHost.crash();
    const events = new NetworkEventWatch(client.ws2, c.handle, FD_READ | FD_CLOSE);
    watches.push(events);
    await c.send(text('anyone there?'));
    expect(await events.waitFor(FD_CLOSE)).toBe(WSAECONNABORTED);
    expect(await errorOf(c.recv())).toBe(WSAECONNABORTED);
  });

  it('a peer that crashed and restarted answers with RST: WSAECONNRESET, FD_CLOSE WSAECONNABORTED', async () => {
    const { c } = await connected();
    serverHost.crash();
    serverHost.restart();
    const events = new NetworkEventWatch(client.ws2, c.handle, FD_READ | FD_CLOSE);
    watches.push(events);
    await c.send(text('hello again'));
    expect(await events.waitFor(FD_CLOSE)).toBe(WSAECONNABORTED);
    expect(await errorOf(c.recv())).toBe(WSAECONNRESET);
  });

  it('data arriving after SD_RECEIVE resets the connection, as over real TCP', async () => {
    const { c, s } = await connected();
    s.shutdown(SD_RECEIVE);
    await s.sendAll(text('one way'));
    expect(decode(await c.recv())).toBe('one way');
    await c.send(text('too late'));
    expect(await errorOf(c.recv())).toBe(WSAECONNRESET);
    expect(await errorOf(s.recv())).toBe(WSAESHUTDOWN);
  });
});

describe('UDP across two simulated hosts', () => {
  it('a datagram arrives with the sender’s host address; across a partition it is dropped, silently', async () => {
    const a = await open(client, SOCK_DGRAM);
    const b = await open(server, SOCK_DGRAM);
    await a.bind(sockaddrIn('10.0.0.1', 0));
    await b.bind(sockaddrIn('0.0.0.0', 5000));
    await a.sendTo(text('across'), sockaddrIn('10.0.0.2', 5000));
    const got = await b.recvFrom();
    expect(decode(got.data)).toBe('across');
    expect(got.from).toEqual(a.localAddress());

    net.partition(clientHost, serverHost);
    expect(await a.sendTo(text('lost'), sockaddrIn('10.0.0.2', 5000))).toBe(4);
    await net.idle();
    b.setNonBlocking(true);
    expect(await errorOf(b.recvFrom())).toBe(WSAEWOULDBLOCK);
  });
});
