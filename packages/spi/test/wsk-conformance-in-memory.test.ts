/**
 * The WSK conformance suite (`describeWskConformance`) over the in-memory transport: a WSK client
 * on one SimNetwork host, a `Ws2` process with the in-memory provider on another.
 */
import { AF_INET, installProviderEntries, SOCK_STREAM, sockaddrIn } from '@ws2spi/spi';
import {
  createInMemoryProvider,
  describeWskConformance,
  IN_MEMORY_DEFAULT_PROTOCOL,
  inMemoryProtocolInfos,
  inMemoryProviderId,
  inMemoryWskTransports,
  SimNetwork,
  startProviderProcess,
} from '@ws2spi/spi/testing';
import { createWskProvider, WskSubsystem } from '@ws2spi/spi/wsk';

describeWskConformance({
  name: 'the in-memory transport (SimNetwork)',
  af: AF_INET,
  type: SOCK_STREAM,
  protocol: IN_MEMORY_DEFAULT_PROTOCOL,
  halfClose: true,
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
