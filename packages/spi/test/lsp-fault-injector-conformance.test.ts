/**
 * A fault injector that injects nothing is invisible: the provider conformance suite passes on a
 * SimNetwork with a fault injector installed in both processes — every socket a connection of the
 * injector's, every call through its wrapper — with no faults, with toxics that apply to no
 * connection (toxicity 0), and with zero-latency toxics both ways, so that every send and receive
 * goes through the toxics' code (shaped, with nothing to wait for): shutdown, resets,
 * non-blocking back-pressure and FD_WRITE, message sizes, releases with disconnect data — as the
 * provider alone answers them. Over TCP/IP and over ISO transport class 2.
 */
import {
  createOsiProvider,
  installOsiProviders,
  OSI_TP2_SERVICE_FLAGS,
  sockaddrTp,
  tpEndpointOf,
} from '@ws2spi/providers-osi';
import { createTcpProvider, installTcpProviders, MSAFD_TCP_SERVICE_FLAGS } from '@ws2spi/providers-tcp';
import {
  AF_INET,
  AF_ISO,
  type Catalog,
  createFaultInjectorLayer,
  type FaultInjector,
  IPPROTO_TCP,
  ISOPROTO_TP2,
  registerProvider,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  type SOCKADDR,
  type SOCKADDR_IN,
  sockaddrIn,
  XP1_IFS_HANDLES,
} from '@ws2spi/spi';
import {
  type ConformanceEnv,
  type ConformanceSetup,
  createLayeredProcess,
  describeProviderConformance,
  type LayeredProcess,
  type SimHost,
  SimNetwork,
} from '@ws2spi/spi/testing';
import type { DependencyContainer } from 'tsyringe';

/** What TCP over the network contract declares but cannot deliver (as in its own conformance run). */
const TCP_UNAVAILABLE = {
  XP1_EXPEDITED_DATA: 'the StreamNetwork contract (SimNetwork) cannot send or receive TCP urgent data',
  SO_CONDITIONAL_ACCEPT:
    'the StreamNetwork contract (SimNetwork) offers connections only after the handshake completed',
};

/** TCP/IP, or ISO transport class 2 (a message protocol with connect and disconnect data). */
type Base = 'tcp' | 'iso';

const BASES = {
  tcp: {
    serviceFlags: MSAFD_TCP_SERVICE_FLAGS,
    unavailable: TCP_UNAVAILABLE,
    socket: { af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP },
    install: (catalog: Catalog, container: DependencyContainer, host: SimHost) => {
      registerProvider(
        container,
        'sim-tcp',
        createTcpProvider({ streams: host.streams, datagrams: host.datagrams }).WSPStartup,
      );
      installTcpProviders(catalog, { path: 'sim-tcp' });
    },
    serverBind: () => sockaddrIn('0.0.0.0', 0),
    serverForClient: (bound: SOCKADDR) => sockaddrIn('10.0.0.2', (bound as SOCKADDR_IN).sin_port),
    clientBind: () => sockaddrIn('10.0.0.1', 0),
  },
  iso: {
    serviceFlags: OSI_TP2_SERVICE_FLAGS,
    unavailable: { 'half-close': 'ISO transport release (DR/DC in class 2) ends both directions' },
    socket: { af: AF_ISO, type: SOCK_SEQPACKET, protocol: ISOPROTO_TP2 },
    install: (catalog: Catalog, container: DependencyContainer, host: SimHost) => {
      registerProvider(container, 'sim-osi', createOsiProvider({ streams: host.streams }).WSPStartup);
      installOsiProviders(catalog, { path: 'sim-osi' });
    },
    serverBind: () => sockaddrTp('conformance', '0.0.0.0', 0),
    serverForClient: (bound: SOCKADDR) => {
      const endpoint = tpEndpointOf(bound);
      if (typeof endpoint === 'string') throw new Error(endpoint);
      return sockaddrTp(endpoint.tsel, '10.0.0.2', endpoint.port);
    },
    clientBind: () => sockaddrTp('client', '10.0.0.1', 0),
  },
} as const;

function injectorSetup(
  makeInjector: (network: SimNetwork) => FaultInjector,
  base: Base = 'tcp',
): ConformanceSetup {
  const b = BASES[base];
  const state = new WeakMap<ConformanceEnv, { network: SimNetwork; processes: LayeredProcess[] }>();
  return {
    // The injector is a non-IFS layer: its chain entries hand out handles of its own.
    serviceFlags: b.serviceFlags & ~XP1_IFS_HANDLES,
    unavailable: b.unavailable,
    async setup() {
      const network = new SimNetwork({ timing: 'virtual' });
      const processOn = (name: string, address: string) => {
        const host = network.addHost(name, { ipv4: [address] });
        return createLayeredProcess({
          bases: (catalog, container) => b.install(catalog, container, host),
          layers: [{ name: 'faults', provider: makeInjector(network) }],
          protocols: [
            { iAddressFamily: b.socket.af, iSocketType: b.socket.type, iProtocol: b.socket.protocol },
          ],
        });
      };
      const client = await processOn('client', '10.0.0.1');
      const server = await processOn('server', '10.0.0.2');
      const env: ConformanceEnv = {
        client: client.ws2,
        server: server.ws2,
        socket: b.socket,
        addresses: { serverBind: b.serverBind, serverForClient: b.serverForClient, clientBind: b.clientBind },
        settle: () => network.idle(),
      };
      state.set(env, { network, processes: [client, server] });
      return env;
    },
    async teardown(env) {
      const s = state.get(env);
      if (!s) return;
      for (const p of s.processes) await p.teardown();
      await s.network.idle();
      s.network.close();
    },
  };
}

describeProviderConformance(
  'TCP/IP on a SimNetwork under a fault injector with no faults',
  injectorSetup((network) => createFaultInjectorLayer({ clock: network.clock })),
);

describeProviderConformance(
  'TCP/IP on a SimNetwork under a fault injector whose toxics apply to no connection (toxicity 0)',
  injectorSetup((network) =>
    createFaultInjectorLayer({
      clock: network.clock,
      toxics: [
        { type: 'latency', direction: 'outbound', latencyMs: 1000, toxicity: 0 },
        { type: 'reset_peer', direction: 'inbound', toxicity: 0 },
      ],
    }),
  ),
);

describeProviderConformance(
  'TCP/IP on a SimNetwork under a fault injector with zero-latency toxics both ways',
  injectorSetup((network) =>
    createFaultInjectorLayer({
      clock: network.clock,
      toxics: [
        { type: 'latency', direction: 'outbound', latencyMs: 0 },
        { type: 'latency', direction: 'inbound', latencyMs: 0 },
      ],
    }),
  ),
);

describeProviderConformance(
  'ISO TP2 on a SimNetwork under a fault injector with zero-latency toxics both ways',
  injectorSetup(
    (network) =>
      createFaultInjectorLayer({
        clock: network.clock,
        toxics: [
          { type: 'latency', direction: 'outbound', latencyMs: 0 },
          { type: 'latency', direction: 'inbound', latencyMs: 0 },
        ],
      }),
    'iso',
  ),
);
