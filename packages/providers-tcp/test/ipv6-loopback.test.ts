/**
 * `[TCP/IPv6]` and `[UDP/IPv6]` over the real IPv6 loopback (`::1`): `SOCKADDR_IN6` names, data,
 * graceful and abortive close, datagrams and their size limit. Skipped, with the reason, on a
 * machine without `::1`.
 */

import { MSAFD_TCPIP_NAMES, UDP6_MAX_MESSAGE_SIZE } from '@ws2spi/providers-tcp';
import {
  AF_INET6,
  FD_CLOSE,
  FD_READ,
  IPPROTO_TCP,
  IPPROTO_UDP,
  nodeDatagramNetwork,
  nodeStreamNetwork,
  out,
  SIZEOF_SOCKADDR_IN6,
  SO_LINGER,
  SO_MAX_MSG_SIZE,
  SO_PROTOCOL_INFOW,
  SOCK_DGRAM,
  SOCK_STREAM,
  type SOCKADDR,
  Socket,
  sockaddrIn,
  sockaddrIn6,
  WSAEAFNOSUPPORT,
  WSAECONNABORTED,
  WSAECONNRESET,
  type WSAPROTOCOL_INFOW,
} from '@ws2spi/spi';
import { describeIpv6 } from '@ws2spi/spi/testing';
import { startTcpProcess, type TcpProcess } from './support/tcp-process';
import {
  closeAll,
  connectedPair,
  errorOf,
  NetworkEventWatch,
  portOf,
  readToEnd,
  type TcpPair,
} from './support/winsock-steps';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describeIpv6('IPv6 loopback', () => {
  let proc: TcpProcess;
  let pair: TcpPair | undefined;
  const sockets: Socket[] = [];
  const watches: NetworkEventWatch[] = [];

  beforeEach(() => {
    proc = startTcpProcess({ streams: nodeStreamNetwork(), datagrams: nodeDatagramNetwork() });
  });

  afterEach(() => {
    for (const w of watches.splice(0)) w.close();
    if (pair) closeAll(pair.client, pair.server, pair.listener);
    pair = undefined;
    closeAll(...sockets.splice(0));
    proc.end();
  });

  it('TCP over ::1: the [TCP/IPv6] entry, SOCKADDR_IN6 names on both ends, data both ways, FIN', async () => {
    pair = await connectedPair(proc.ws2, 6);
    const info = pair.client.getOption(SO_PROTOCOL_INFOW) as WSAPROTOCOL_INFOW;
    expect(info.szProtocol).toBe(MSAFD_TCPIP_NAMES.tcp6);
    const listening = pair.listener.localAddress()!;
    expect(listening).toEqual(sockaddrIn6('::1', portOf(listening)));
    expect(pair.client.remoteAddress()).toEqual(listening);
    expect(pair.server.remoteAddress()).toEqual(pair.client.localAddress());
    expect(pair.client.localAddress()).toEqual(sockaddrIn6('::1', portOf(pair.client.localAddress())));
    await pair.client.sendAll(text('over six'));
    pair.client.sendDisconnect();
    expect(new TextDecoder().decode(await readToEnd(pair.server))).toBe('over six');
    await pair.server.sendAll(text('and back'));
    pair.server.sendDisconnect();
    expect(new TextDecoder().decode(await readToEnd(pair.client))).toBe('and back');
  });

  it('TCP over ::1: linger-zero close is a reset for the peer', async () => {
    pair = await connectedPair(proc.ws2, 6);
    pair.server.setOption(SO_LINGER, { l_onoff: 1, l_linger: 0 });
    const events = new NetworkEventWatch(proc.ws2, pair.client.handle, FD_READ | FD_CLOSE);
    watches.push(events);
    pair.server.close();
    expect(await events.waitFor(FD_CLOSE)).toBe(WSAECONNABORTED);
    expect(await errorOf(pair.client.recv())).toBe(WSAECONNRESET);
  });

  it('an AF_INET6 socket refuses an IPv4 address (WSAEAFNOSUPPORT)', async () => {
    const s = await Socket.create(proc.ws2, AF_INET6, SOCK_STREAM, IPPROTO_TCP);
    sockets.push(s);
    expect(await errorOf(s.connect(sockaddrIn('127.0.0.1', 9)))).toBe(WSAEAFNOSUPPORT);
  });

  it('UDP over ::1: sendto/recvfrom with SOCKADDR_IN6, SO_MAX_MSG_SIZE 65 527, the largest datagram arrives whole', async () => {
    const a = await Socket.create(proc.ws2, AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
    const b = await Socket.create(proc.ws2, AF_INET6, SOCK_DGRAM, IPPROTO_UDP);
    sockets.push(a, b);
    await a.bind(sockaddrIn6('::1', 0));
    await b.bind(sockaddrIn6('::1', 0));
    expect(a.getOption(SO_MAX_MSG_SIZE)).toBe(UDP6_MAX_MESSAGE_SIZE);
    expect((a.getOption(SO_PROTOCOL_INFOW) as WSAPROTOCOL_INFOW).szProtocol).toBe(MSAFD_TCPIP_NAMES.udp6);
    await a.sendTo(text('six'), b.localAddress()!);
    const got = await b.recvFrom();
    expect(new TextDecoder().decode(got.data)).toBe('six');
    expect(got.from).toEqual(a.localAddress());
    const big = new Uint8Array(UDP6_MAX_MESSAGE_SIZE).fill(6);
    expect(await a.sendTo(big, b.localAddress()!)).toBe(UDP6_MAX_MESSAGE_SIZE);
    expect((await b.recvFrom(UDP6_MAX_MESSAGE_SIZE)).data.byteLength).toBe(UDP6_MAX_MESSAGE_SIZE);
    const namelen = out(64);
    expect(proc.ws2.getsockname(a.handle, out<SOCKADDR | null>(null), namelen)).toBe(0);
    expect(namelen.value).toBe(SIZEOF_SOCKADDR_IN6);
  });
});
