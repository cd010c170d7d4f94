/**
 * The WSK ⇄ Winsock interoperability suite over the in-memory transport: a WSK client on one
 * SimNetwork host, a `Ws2` process with the in-memory provider on another, both served by the same
 * in-memory drivers (`inMemoryWskTransports`, `createInMemoryProvider`).
 */
import { AF_INET, installProviderEntries, SOCK_STREAM, sockaddrIn } from '@ws2spi/spi';
import {
  createInMemoryProvider,
  describeWskInterop,
  IN_MEMORY_DEFAULT_PROTOCOL,
  inMemoryProtocolInfos,
  inMemoryProviderId,
  inMemoryWskTransports,
  SimNetwork,
  startProviderProcess,
} from '@ws2spi/spi/testing';
import { createWskProvider, WskSubsystem } from '@ws2spi/spi/wsk';

describeWskInterop({
  name: 'the in-memory transport (SimNetwork)',
  af: AF_INET,
  type: SOCK_STREAM,
  protocol: IN_MEMORY_DEFAULT_PROTOCOL,
  halfClose: true,
  // The simulated TCP holds one receive window (64 KiB) plus the send queue: 4 MiB is far beyond.
  fillBytes: 4 * 1024 * 1024,
  start: () => {
    const network = new SimNetwork();
    network.addHost('wsk', { ipv4: ['10.0.0.1'] });
    network.addHost('app', { ipv4: ['10.0.0.2'] });
    const wsk = new WskSubsystem({
      provider: createWskProvider({ transports: inMemoryWskTransports({ network, host: 'wsk' }) }),
    });
    const protocolOptions = { families: [4 as const], flavours: ['stream' as const] };
    const proc = startProviderProcess({
      install: (catalog, path) =>
        installProviderEntries(
          catalog,
          inMemoryProviderId(protocolOptions),
          path!,
          inMemoryProtocolInfos(protocolOptions),
        ),
      register: createInMemoryProvider({ network, host: 'app' }).WSPStartup,
    });
    return {
      wsk,
      winsock: proc.ws2,
      end: () => {
        proc.end();
        network.close();
      },
    };
  },
  wskAddress: () => sockaddrIn('10.0.0.1', 0),
  winsockAddress: () => sockaddrIn('10.0.0.2', 0),
});
