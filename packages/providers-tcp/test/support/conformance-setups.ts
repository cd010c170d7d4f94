/**
 * The TCP/IP provider's setups for the provider conformance suite: each test gets a fresh client
 * process and server process whose catalogs hold the `MSAFD Tcpip` entries, over real loopback
 * sockets or over two hosts of a fresh `SimNetwork`.
 */

import { MSAFD_TCP_SERVICE_FLAGS, MSAFD_UDP_SERVICE_FLAGS } from '@ws2spi/providers-tcp';
import {
  AF_INET,
  AF_INET6,
  IPPROTO_TCP,
  IPPROTO_UDP,
  nodeDatagramNetwork,
  nodeStreamNetwork,
  SOCK_DGRAM,
  SOCK_STREAM,
  type SOCKADDR,
  sockaddrIn,
  sockaddrIn6,
} from '@ws2spi/spi';
import { type ConformanceEnv, type ConformanceSetup, SimNetwork } from '@ws2spi/spi/testing';
import { startTcpProcess, type TcpProcess } from './tcp-process';

/** Why `MSG_OOB` is refused over both networks. */
export const NO_URGENT_DATA =
  'the StreamNetwork contract (Node net, SimNetwork) cannot send or receive TCP urgent data';

/** Why a caller cannot be held until the accept condition answers over both networks. */
export const NO_DEFERRED_HANDSHAKE =
  'the StreamNetwork contract (Node net, SimNetwork) offers connections only after the handshake completed';

/** What TCP over the network contract declares but cannot deliver. */
const TCP_UNAVAILABLE = {
  XP1_EXPEDITED_DATA: NO_URGENT_DATA,
  SO_CONDITIONAL_ACCEPT: NO_DEFERRED_HANDSHAKE,
};

/**
 * Over real sockets the same: the reset that follows the peer's FIN is read after the end
 * (`NodeStreamConnection.probeAfterEnd`), so its recv reports it as Windows does.
 */
const TCP_LOOPBACK_UNAVAILABLE = TCP_UNAVAILABLE;

type Protocol = 'tcp' | 'udp';

function socketArgs(family: 4 | 6, protocol: Protocol) {
  return {
    af: family === 4 ? AF_INET : AF_INET6,
    type: protocol === 'tcp' ? SOCK_STREAM : SOCK_DGRAM,
    protocol: protocol === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP,
  };
}

function withPort(host: string, port: number, family: 4 | 6): SOCKADDR {
  return family === 4 ? sockaddrIn(host, port) : sockaddrIn6(host, port);
}

function portOf(address: SOCKADDR): number {
  const a = address as { sin_port?: number; sin6_port?: number };
  return a.sin_port ?? a.sin6_port ?? 0;
}

function flagsOf(protocol: Protocol): number {
  return protocol === 'tcp' ? MSAFD_TCP_SERVICE_FLAGS : MSAFD_UDP_SERVICE_FLAGS;
}

/** Client and server processes over the machine's loopback (`127.0.0.1` or `::1`). */
export function loopbackSetup(protocol: Protocol, family: 4 | 6): ConformanceSetup {
  const host = family === 4 ? '127.0.0.1' : '::1';
  const processes = new WeakMap<ConformanceEnv, TcpProcess[]>();
  return {
    serviceFlags: flagsOf(protocol),
    ...(protocol === 'tcp' ? { unavailable: TCP_LOOPBACK_UNAVAILABLE } : {}),
    async setup() {
      const networks = { streams: nodeStreamNetwork(), datagrams: nodeDatagramNetwork() };
      const client = startTcpProcess(networks);
      const server = startTcpProcess(networks);
      const env: ConformanceEnv = {
        client: client.ws2,
        server: server.ws2,
        socket: socketArgs(family, protocol),
        addresses: {
          serverBind: () => withPort(host, 0, family),
          serverForClient: (bound) => withPort(host, portOf(bound), family),
          clientBind: () => withPort(host, 0, family),
        },
      };
      processes.set(env, [client, server]);
      return env;
    },
    async teardown(env) {
      for (const p of processes.get(env) ?? []) p.end();
    },
  };
}

/** Client and server processes on two hosts of a fresh `SimNetwork` (10.0.0.1 and 10.0.0.2, fd00::1 and fd00::2). */
export function simNetworkSetup(protocol: Protocol, family: 4 | 6): ConformanceSetup {
  const clientAddress = family === 4 ? '10.0.0.1' : 'fd00::1';
  const serverAddress = family === 4 ? '10.0.0.2' : 'fd00::2';
  const state = new WeakMap<ConformanceEnv, { net: SimNetwork; processes: TcpProcess[] }>();
  return {
    serviceFlags: flagsOf(protocol),
    ...(protocol === 'tcp' ? { unavailable: TCP_UNAVAILABLE } : {}),
    async setup() {
      const net = new SimNetwork({ timing: 'virtual' });
      const clientHost = net.addHost('client', { ipv4: ['10.0.0.1'], ipv6: ['fd00::1'] });
      const serverHost = net.addHost('server', { ipv4: ['10.0.0.2'], ipv6: ['fd00::2'] });
      const client = startTcpProcess({ streams: clientHost.streams, datagrams: clientHost.datagrams });
      const server = startTcpProcess({ streams: serverHost.streams, datagrams: serverHost.datagrams });
      const env: ConformanceEnv = {
        client: client.ws2,
        server: server.ws2,
        socket: socketArgs(family, protocol),
        addresses: {
          serverBind: () => withPort(family === 4 ? '0.0.0.0' : '::', 0, family),
          serverForClient: (bound) => withPort(serverAddress, portOf(bound), family),
          clientBind: () => withPort(clientAddress, 0, family),
        },
        settle: () => net.idle(),
      };
      state.set(env, { net, processes: [client, server] });
      return env;
    },
    async teardown(env) {
      const s = state.get(env);
      if (!s) return;
      for (const p of s.processes) p.end();
      s.net.close();
    },
  };
}
