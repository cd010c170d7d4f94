// The provider conformance suite against the in-memory provider over SimNetwork: stream and
// message-oriented, with and without XP1_DISCONNECT_DATA (and XP1_CONNECT_DATA), plus the datagram
// flavour, and message-oriented with XP1_PARTIAL_MESSAGE (so the MSG_PARTIAL tests run for a
// provider); two processes on two hosts, and one process talking to itself. This is issue 3's
// acceptance "the conformance suite passes for the in-memory provider in both disconnect-data modes".
import {
  Catalog,
  emptyWsaData,
  isSockaddrIn,
  isSockaddrIn6,
  MAKEWORD,
  registerProvider,
  type SOCKADDR,
  sockaddrIn,
  sockaddrIn6,
  Ws2,
} from '@ws2spi/spi';
import {
  type ConformanceEnv,
  type ConformanceSetup,
  createInMemoryProvider,
  describeProviderConformance,
  type InMemoryFlavour,
  inMemoryProtocolInfos,
  installInMemoryProvider,
  SimNetwork,
} from '@ws2spi/spi/testing';
import { container, type DependencyContainer } from 'tsyringe';

/** One in-memory configuration under test. */
interface InMemoryConfiguration {
  flavour: InMemoryFlavour;
  family: 4 | 6;
  connectData?: boolean;
  disconnectData?: boolean;
  /** `XP1_PARTIAL_MESSAGE` on the message-oriented entry (`MSG_PARTIAL` receives). */
  partialMessages?: boolean;
  /** Two processes on two SimNetwork hosts, or one process that is both client and server. */
  processes: 1 | 2;
}

const SERVER_ADDRESS = { 4: '10.0.0.2', 6: 'fd00::2' } as const;
const CLIENT_ADDRESS = { 4: '10.0.0.1', 6: 'fd00::1' } as const;

/** The environment plus what teardown needs: the network. */
interface InMemoryEnv extends ConformanceEnv {
  network: SimNetwork;
}

function address(family: 4 | 6, host: string, port: number): SOCKADDR {
  return family === 4 ? sockaddrIn(host, port) : sockaddrIn6(host, port);
}

function portOf(a: SOCKADDR): number {
  if (isSockaddrIn(a)) return a.sin_port;
  if (isSockaddrIn6(a)) return a.sin6_port;
  throw new Error(`not an IP address: ${JSON.stringify(a)}`);
}

function startedProcess(catalog: Catalog, processContainer: DependencyContainer): Ws2 {
  const ws2 = new Ws2({ catalog, container: processContainer });
  const rc = ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData());
  if (rc !== 0) throw new Error(`WSAStartup failed: ${rc}`);
  return ws2;
}

function inMemorySetup(config: InMemoryConfiguration): ConformanceSetup<InMemoryEnv> {
  const protocolOptions = {
    families: [config.family],
    flavours: [config.flavour],
    connectData: config.connectData ?? false,
    disconnectData: config.disconnectData ?? false,
    partialMessages: config.partialMessages ?? false,
  };
  const [entry] = inMemoryProtocolInfos(protocolOptions);
  if (!entry) throw new Error('the in-memory provider offered no entry for this configuration');
  const { family } = config;
  const clientHost = config.processes === 2 ? CLIENT_ADDRESS[family] : SERVER_ADDRESS[family];
  return {
    serviceFlags: entry.dwServiceFlags1,
    async setup() {
      const network = new SimNetwork({ timing: 'virtual' });
      network.addHost('server', { ipv4: [SERVER_ADDRESS[4]], ipv6: [SERVER_ADDRESS[6]] });
      network.addHost('client', { ipv4: [CLIENT_ADDRESS[4]], ipv6: [CLIENT_ADDRESS[6]] });
      const catalog = new Catalog();
      const serverContainer = container.createChildContainer();
      const installed = installInMemoryProvider(catalog, serverContainer, {
        network,
        host: 'server',
        ...protocolOptions,
      });
      const server = startedProcess(catalog, serverContainer);
      let client = server;
      if (config.processes === 2) {
        const clientContainer = container.createChildContainer();
        registerProvider(
          clientContainer,
          installed.path,
          createInMemoryProvider({ network, host: 'client' }).WSPStartup,
        );
        client = startedProcess(catalog, clientContainer);
      }
      return {
        client,
        server,
        network,
        socket: { af: entry.iAddressFamily, type: entry.iSocketType, protocol: entry.iProtocol },
        addresses: {
          serverBind: () => address(family, family === 4 ? '0.0.0.0' : '::', 0),
          serverForClient: (bound) => address(family, SERVER_ADDRESS[family], portOf(bound)),
          clientBind: () => address(family, clientHost, 0),
        },
        settle: () => network.idle(),
      };
    },
    async teardown(env) {
      for (const ws2 of new Set([env.client, env.server])) {
        while (ws2.startupReferences > 0) ws2.WSACleanup();
      }
      await env.network.idle();
      env.network.close();
    },
  };
}

describeProviderConformance(
  'in-memory stream, IPv4, two hosts',
  inMemorySetup({ flavour: 'stream', family: 4, processes: 2 }),
);

describeProviderConformance(
  'in-memory stream with connect and disconnect data, IPv4, two hosts',
  inMemorySetup({ flavour: 'stream', family: 4, processes: 2, connectData: true, disconnectData: true }),
);

describeProviderConformance(
  'in-memory message-oriented, IPv4, two hosts',
  inMemorySetup({ flavour: 'message', family: 4, processes: 2 }),
);

describeProviderConformance(
  'in-memory message-oriented with partial messages (XP1_PARTIAL_MESSAGE), IPv4, two hosts',
  inMemorySetup({ flavour: 'message', family: 4, processes: 2, partialMessages: true }),
);

describeProviderConformance(
  'in-memory message-oriented with disconnect data, IPv6, one process',
  inMemorySetup({ flavour: 'message', family: 6, processes: 1, disconnectData: true }),
);

describeProviderConformance(
  'in-memory datagram, IPv4, two hosts',
  inMemorySetup({ flavour: 'datagram', family: 4, processes: 2 }),
);
