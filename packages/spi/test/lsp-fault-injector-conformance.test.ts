/**
 * A fault injector that injects nothing is invisible: the provider conformance suite passes for
 * TCP/IP on a SimNetwork with a fault injector (no rules, no toxics) installed in both processes —
 * every socket a connection of the injector's, every call through its wrapper — with toxics that
 * apply to no connection (toxicity 0), and with zero-latency toxics both ways, so that every byte
 * goes through the injector's outbound pipe and every receive through its inbound path: shutdown,
 * resets, non-blocking back-pressure and FD_WRITE, disconnects — all as the provider alone does.
 */
import { createTcpProvider, installTcpProviders, MSAFD_TCP_SERVICE_FLAGS } from '@ws2spi/providers-tcp';
import {
  AF_INET,
  createFaultInjectorLayer,
  type FaultInjector,
  IPPROTO_TCP,
  registerProvider,
  SOCK_STREAM,
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
  SimNetwork,
} from '@ws2spi/spi/testing';

/** What TCP over the network contract declares but cannot deliver (as in its own conformance run). */
const TCP_UNAVAILABLE = {
  XP1_EXPEDITED_DATA: 'the StreamNetwork contract (SimNetwork) cannot send or receive TCP urgent data',
  SO_CONDITIONAL_ACCEPT:
    'the StreamNetwork contract (SimNetwork) offers connections only after the handshake completed',
};

function injectorSetup(makeInjector: (network: SimNetwork) => FaultInjector): ConformanceSetup {
  const state = new WeakMap<ConformanceEnv, { network: SimNetwork; processes: LayeredProcess[] }>();
  return {
    // The injector is a non-IFS layer: its chain entries hand out handles of its own.
    serviceFlags: MSAFD_TCP_SERVICE_FLAGS & ~XP1_IFS_HANDLES,
    unavailable: TCP_UNAVAILABLE,
    async setup() {
      const network = new SimNetwork({ timing: 'virtual' });
      const processOn = (name: string, address: string) => {
        const host = network.addHost(name, { ipv4: [address] });
        return createLayeredProcess({
          bases: (catalog, container) => {
            registerProvider(
              container,
              'sim-tcp',
              createTcpProvider({ streams: host.streams, datagrams: host.datagrams }).WSPStartup,
            );
            installTcpProviders(catalog, { path: 'sim-tcp' });
          },
          layers: [{ name: 'faults', provider: makeInjector(network) }],
          protocols: [{ iAddressFamily: AF_INET, iSocketType: SOCK_STREAM, iProtocol: IPPROTO_TCP }],
        });
      };
      const client = await processOn('client', '10.0.0.1');
      const server = await processOn('server', '10.0.0.2');
      const env: ConformanceEnv = {
        client: client.ws2,
        server: server.ws2,
        socket: { af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP },
        addresses: {
          serverBind: () => sockaddrIn('0.0.0.0', 0),
          serverForClient: (bound) => sockaddrIn('10.0.0.2', (bound as SOCKADDR_IN).sin_port),
          clientBind: () => sockaddrIn('10.0.0.1', 0),
        },
        settle: () => network.idle(),
      };
      state.set(env, { network, processes: [client, server] });
      return env;
    },
    async teardown(env) {
      const s = state.get(env);
      if (!s) return;
      for (const p of s.processes) await p.teardown();
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
  'TCP/IP on a SimNetwork under a fault injector with zero latency both ways (every byte through its pipe)',
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
