/**
 * `WSASocketW` with `lpProtocolInfo` builds the socket from the effective triple: arguments left 0
 * (or `FROM_PROTOCOL_INFO`) come from the structure, non-zero ones override it, and the socket is
 * the one the effective triple names even where that differs from the entry the structure names —
 * a structure naming the TCP/IP entry, with `AF_INET, SOCK_DGRAM, IPPROTO_UDP`, gives a UDP socket
 * (the entry of the same provider that serves the triple).
 */
import { afterEach, expect, it } from '@jest/globals';
import {
  AF_INET,
  AF_INET6,
  INVALID_SOCKET,
  IPPROTO_UDP,
  nodeDatagramNetwork,
  nodeStreamNetwork,
  out,
  SO_PROTOCOL_INFOW,
  SO_TYPE,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOL_SOCKET,
  WSA_FLAG_OVERLAPPED,
  WSAESOCKTNOSUPPORT,
  type WSAPROTOCOL_INFOW,
} from '@ws2spi/spi';
import { startTcpProcess, type TcpProcess } from './support/tcp-process';

let proc: TcpProcess | undefined;
afterEach(() => {
  proc?.end();
  proc = undefined;
});

function tcpEntry(p: TcpProcess): WSAPROTOCOL_INFOW {
  const infos: WSAPROTOCOL_INFOW[] = [];
  const length = out(0);
  p.ws2.WSAEnumProtocolsW(null, null, length);
  p.ws2.WSAEnumProtocolsW(null, infos, length);
  const entry = infos.find((i) => i.iAddressFamily === AF_INET && i.iSocketType === SOCK_STREAM);
  if (!entry) throw new Error('no TCP/IP entry');
  return entry;
}

it('a TCP/IP structure with AF_INET, SOCK_DGRAM, IPPROTO_UDP gives a UDP socket; with 0, 0, 0 a TCP one', async () => {
  proc = startTcpProcess({ streams: nodeStreamNetwork(), datagrams: nodeDatagramNetwork() });
  const { ws2 } = proc;
  const info = tcpEntry(proc);
  const udp = await ws2.WSASocketW(AF_INET, SOCK_DGRAM, IPPROTO_UDP, info, 0, WSA_FLAG_OVERLAPPED);
  expect(udp).not.toBe(INVALID_SOCKET);
  const type = out<unknown>(null);
  expect(ws2.getsockopt(udp, SOL_SOCKET, SO_TYPE, type as never, out(4))).toBe(0);
  expect(type.value).toBe(SOCK_DGRAM);
  const pi = out<unknown>(null);
  expect(ws2.getsockopt(udp, SOL_SOCKET, SO_PROTOCOL_INFOW, pi as never, out(1024))).toBe(0);
  expect(pi.value).toMatchObject({ iSocketType: SOCK_DGRAM, iProtocol: IPPROTO_UDP });

  const tcp = await ws2.WSASocketW(0, 0, 0, info, 0, WSA_FLAG_OVERLAPPED);
  expect(ws2.getsockopt(tcp, SOL_SOCKET, SO_TYPE, type as never, out(4))).toBe(0);
  expect(type.value).toBe(SOCK_STREAM);

  // Only the type overridden: AF_INET from the structure, protocol 0 → the UDP entry's.
  const dgram = await ws2.WSASocketW(0, SOCK_DGRAM, IPPROTO_UDP, info, 0, WSA_FLAG_OVERLAPPED);
  expect(ws2.getsockopt(dgram, SOL_SOCKET, SO_TYPE, type as never, out(4))).toBe(0);
  expect(type.value).toBe(SOCK_DGRAM);

  // The family overridden too: the IPv6 UDP entry of the same provider.
  const udp6 = await ws2.WSASocketW(AF_INET6, SOCK_DGRAM, IPPROTO_UDP, info, 0, WSA_FLAG_OVERLAPPED);
  expect(ws2.getsockopt(udp6, SOL_SOCKET, SO_PROTOCOL_INFOW, pi as never, out(1024))).toBe(0);
  expect(pi.value).toMatchObject({ iAddressFamily: AF_INET6, iSocketType: SOCK_DGRAM });
  for (const s of [udp, tcp, dgram, udp6]) expect(ws2.closesocket(s)).toBe(0);
});

it('a triple no entry of the provider serves is refused by the provider: SOCK_RAW on the TCP/IP structure', async () => {
  proc = startTcpProcess({ streams: nodeStreamNetwork(), datagrams: nodeDatagramNetwork() });
  const { ws2 } = proc;
  expect(await ws2.WSASocketW(AF_INET, 3 /* SOCK_RAW */, 0, tcpEntry(proc), 0, 0)).toBe(INVALID_SOCKET);
  expect(ws2.WSAGetLastError()).toBe(WSAESOCKTNOSUPPORT);
});
