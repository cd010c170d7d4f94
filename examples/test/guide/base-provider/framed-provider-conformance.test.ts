// examples/test/guide/base-provider/framed-provider-conformance.test.ts — the base-provider guide:
// the provider conformance suite, the one every provider in ws2spi runs, against the framed
// provider over a SimNetwork (two hosts, virtual time, so every test is deterministic).
import 'reflect-metadata';
import {
  Catalog,
  createProviderContainer,
  emptyWsaData,
  MAKEWORD,
  out,
  registerProvider,
  type SOCKADDR_IN,
  sockaddrIn,
  Ws2,
} from '@ws2spi/spi';
import { type ConformanceEnv, describeProviderConformance, SimNetwork } from '@ws2spi/spi/testing';
import { createFramedProvider, FRAMED_PROVIDER_ID, framedProtocolInfo } from './framed-provider';

const entry = framedProtocolInfo();

/** One process on one simulated host, with the framed provider over that host's streams. */
function processOn(network: SimNetwork, host: string, catalog: Catalog): Ws2 {
  const container = createProviderContainer();
  registerProvider(container, 'framed', createFramedProvider(network.host(host).streams).WSPStartup);
  const ws2 = new Ws2({ catalog, container });
  ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData());
  return ws2;
}

describeProviderConformance<ConformanceEnv & { network: SimNetwork }>('framed messages over TCP', {
  serviceFlags: entry.dwServiceFlags1, // the suite checks the entry really says these
  unavailable: {
    // The network completes TCP's handshake before the driver sees the connection, so a caller
    // cannot be held until WSAAccept's condition answers.
    SO_CONDITIONAL_ACCEPT: 'the TCP handshake completes before the driver sees the connection',
  },
  async setup() {
    const network = new SimNetwork({ timing: 'virtual' });
    network.addHost('server', { ipv4: ['10.0.0.2'] });
    network.addHost('client', { ipv4: ['10.0.0.1'] });
    const catalog = new Catalog();
    catalog.WSCInstallProvider(FRAMED_PROVIDER_ID, 'framed', [entry], 1, out(0));
    return {
      network,
      server: processOn(network, 'server', catalog),
      client: processOn(network, 'client', catalog),
      socket: { af: entry.iAddressFamily, type: entry.iSocketType, protocol: entry.iProtocol },
      addresses: {
        serverBind: () => sockaddrIn('0.0.0.0', 0),
        serverForClient: (bound) => sockaddrIn('10.0.0.2', (bound as SOCKADDR_IN).sin_port),
        clientBind: () => sockaddrIn('10.0.0.1', 0),
      },
      settle: () => network.idle(),
    };
  },
  async teardown(env) {
    env.client.WSACleanup();
    env.server.WSACleanup();
    await env.network.idle();
    env.network.close();
  },
});
