/**
 * The UDP/IP provider over real loopback sockets (Node's `dgram`): bind, sendto/recvfrom, the
 * default peer of `connect` and its dissolution with `AF_UNSPEC`, shutdown without a connection,
 * truncation, size limits, and no ICMP-driven errors.
 */

import { UDP4_MAX_MESSAGE_SIZE } from '@ws2spi/providers-tcp';
import {
  AF_INET,
  AF_UNSPEC,
  FIONREAD,
  IPPROTO_UDP,
  nodeDatagramNetwork,
  nodeStreamNetwork,
  out,
  SD_RECEIVE,
  SD_SEND,
  SO_MAX_MSG_SIZE,
  SOCK_DGRAM,
  type SOCKADDR,
  SOCKET_ERROR,
  Socket,
  sockaddrIn,
  WSAEACCES,
  WSAEINVAL,
  WSAEMSGSIZE,
  WSAENOTCONN,
  WSAESHUTDOWN,
  WSAEWOULDBLOCK,
} from '@ws2spi/spi';
import { startTcpProcess, type TcpProcess } from './support/tcp-process';
import { closeAll, errorOf, loopback, portOf } from './support/winsock-steps';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const decode = (b: Uint8Array): string => new TextDecoder().decode(b);

let proc: TcpProcess;
const sockets: Socket[] = [];

beforeEach(() => {
  proc = startTcpProcess({ streams: nodeStreamNetwork(), datagrams: nodeDatagramNetwork() });
});

afterEach(() => {
  closeAll(...sockets.splice(0));
  proc.end();
});

async function udpSocket(bindTo: SOCKADDR | null = loopback(4)): Promise<Socket> {
  const s = await Socket.create(proc.ws2, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  sockets.push(s);
  if (bindTo) await s.bind(bindTo);
  return s;
}

/** Waits (select, no timeout) until `s` has a datagram queued. */
async function readable(s: Socket): Promise<void> {
  const set = { fd_array: [s.handle] };
  expect(await proc.ws2.select(0, set, null, null, null)).toBe(1);
}

describe('bind, sendto, recvfrom', () => {
  it('port 0 binds an ephemeral port at once; a datagram arrives whole with its source address', async () => {
    const a = await udpSocket();
    const b = await udpSocket();
    expect(portOf(a.localAddress())).toBeGreaterThan(0);
    expect(await a.sendTo(text('hello'), b.localAddress()!)).toBe(5);
    const got = await b.recvFrom();
    expect(decode(got.data)).toBe('hello');
    expect(got.from).toEqual(a.localAddress());
  });

  it('sendto on an unbound socket binds it implicitly (wildcard, ephemeral port)', async () => {
    const receiver = await udpSocket();
    const sender = await udpSocket(null);
    await sender.sendTo(text('implicit'), receiver.localAddress()!);
    const bound = sender.localAddress() as SOCKADDR & { sin_addr: string; sin_port: number };
    expect(bound.sin_addr).toBe('0.0.0.0');
    expect(bound.sin_port).toBeGreaterThan(0);
    const got = await receiver.recvFrom();
    expect(got.from).toEqual(sockaddrIn('127.0.0.1', bound.sin_port));
  });

  it('recvfrom on a socket that was never bound is WSAEINVAL', async () => {
    const s = await udpSocket(null);
    expect(await errorOf(s.recvFrom())).toBe(WSAEINVAL);
  });

  it('a datagram larger than the buffer: the part that fits, WSAEMSGSIZE, and the rest is lost', async () => {
    const a = await udpSocket();
    const b = await udpSocket();
    await a.sendTo(text('0123456789abcdef'), b.localAddress()!);
    await a.sendTo(text('next'), b.localAddress()!);
    await readable(b);
    const buf = new Uint8Array(10);
    expect(await proc.ws2.recvfrom(b.handle, buf, 10, 0, null, null)).toBe(SOCKET_ERROR);
    expect(proc.ws2.WSAGetLastError()).toBe(WSAEMSGSIZE);
    expect(decode(buf)).toBe('0123456789');
    expect(decode((await b.recvFrom()).data)).toBe('next');
  });

  it('SO_MAX_MSG_SIZE is 65 507 on IPv4; a larger datagram is WSAEMSGSIZE, the largest one arrives', async () => {
    const a = await udpSocket();
    const b = await udpSocket();
    expect(a.getOption(SO_MAX_MSG_SIZE)).toBe(UDP4_MAX_MESSAGE_SIZE);
    expect(await errorOf(a.sendTo(new Uint8Array(UDP4_MAX_MESSAGE_SIZE + 1), b.localAddress()!))).toBe(
      WSAEMSGSIZE,
    );
    expect(await a.sendTo(new Uint8Array(UDP4_MAX_MESSAGE_SIZE).fill(7), b.localAddress()!)).toBe(
      UDP4_MAX_MESSAGE_SIZE,
    );
    const got = await b.recvFrom(UDP4_MAX_MESSAGE_SIZE);
    expect(got.data.byteLength).toBe(UDP4_MAX_MESSAGE_SIZE);
    expect(got.data.every((x) => x === 7)).toBe(true);
  });

  it('the limited broadcast address needs SO_BROADCAST (WSAEACCES)', async () => {
    const a = await udpSocket();
    expect(await errorOf(a.sendTo(text('all'), sockaddrIn('255.255.255.255', 9)))).toBe(WSAEACCES);
  });
});

describe('connect sets the default peer; AF_UNSPEC dissolves it', () => {
  it('send without an address goes to the peer, getpeername shows it, and only its datagrams are received', async () => {
    const me = await udpSocket();
    const peer = await udpSocket();
    const stranger = await udpSocket();
    await me.connect(peer.localAddress()!);
    expect(me.remoteAddress()).toEqual(peer.localAddress());
    expect(await me.send(text('to peer'))).toBe(7);
    expect(decode((await peer.recvFrom()).data)).toBe('to peer');

    await stranger.sendTo(text('from stranger'), me.localAddress()!);
    await peer.sendTo(text('from peer'), me.localAddress()!);
    const got = await me.recvFrom();
    expect(decode(got.data)).toBe('from peer');
    expect(got.from).toEqual(peer.localAddress());
    me.setNonBlocking(true);
    expect(await errorOf(me.recvFrom())).toBe(WSAEWOULDBLOCK);
  });

  it('connect with AF_UNSPEC: no default peer (send WSAENOTCONN, getpeername WSAENOTCONN), datagrams from anyone again', async () => {
    const me = await udpSocket();
    const peer = await udpSocket();
    const other = await udpSocket();
    await me.connect(peer.localAddress()!);
    expect(await proc.ws2.connect(me.handle, { sa_family: AF_UNSPEC }, 16)).toBe(0);
    expect(await errorOf(me.send(text('nowhere')))).toBe(WSAENOTCONN);
    expect(await errorOf(() => me.remoteAddress())).toBe(WSAENOTCONN);
    await other.sendTo(text('anyone'), me.localAddress()!);
    expect(decode((await me.recvFrom()).data)).toBe('anyone');
  });

  it('send on a socket that never connected is WSAENOTCONN', async () => {
    const s = await udpSocket();
    expect(await errorOf(s.send(text('x')))).toBe(WSAENOTCONN);
  });
});

describe('shutdown without a connection', () => {
  it('SD_SEND succeeds unconnected; sendto then says WSAESHUTDOWN', async () => {
    const s = await udpSocket();
    const t = await udpSocket();
    s.shutdown(SD_SEND);
    expect(await errorOf(s.sendTo(text('x'), t.localAddress()!))).toBe(WSAESHUTDOWN);
    // Receiving is unaffected.
    await t.sendTo(text('in'), s.localAddress()!);
    expect(decode((await s.recvFrom()).data)).toBe('in');
  });

  it('SD_RECEIVE: datagrams are still accepted and queued (FIONREAD, select), but recvfrom says WSAESHUTDOWN', async () => {
    const s = await udpSocket();
    const t = await udpSocket();
    s.shutdown(SD_RECEIVE);
    s.shutdown(SD_RECEIVE);
    await t.sendTo(text('queued'), s.localAddress()!);
    await readable(s);
    const n = out(0);
    expect(proc.ws2.ioctlsocket(s.handle, FIONREAD, n)).toBe(0);
    expect(n.value).toBe(6);
    expect(await errorOf(s.recvFrom())).toBe(WSAESHUTDOWN);
    // Sending still works.
    await s.sendTo(text('out'), t.localAddress()!);
    expect(decode((await t.recvFrom()).data)).toBe('out');
  });
});

describe('no ICMP-driven errors (SIO_UDP_CONNRESET is not modelled)', () => {
  it('datagrams to a port nobody has are dropped silently: sends succeed, receives never say WSAECONNRESET', async () => {
    const gone = await udpSocket();
    const closedPort = portOf(gone.localAddress());
    gone.close();
    const s = await udpSocket();
    const echo = await udpSocket();
    await s.sendTo(text('into the void'), sockaddrIn('127.0.0.1', closedPort));
    await s.connect(sockaddrIn('127.0.0.1', closedPort));
    await s.send(text('again'));
    await s.send(text('and again'));
    // A round trip through another socket, so any ICMP answer had its chance to arrive first.
    await s.connect({ sa_family: AF_UNSPEC });
    await echo.sendTo(text('ping'), s.localAddress()!);
    expect(decode((await s.recvFrom()).data)).toBe('ping');
    s.setNonBlocking(true);
    expect(await errorOf(s.recvFrom())).toBe(WSAEWOULDBLOCK);
  });
});
