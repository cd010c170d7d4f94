/**
 * Picture: the same kind of sequence diagram for the terminal. traceToText draws a column per
 * participant and a line per message; print it when a test fails to see where a call went wrong.
 * Here a rule in the fault injector fails the connect: the diagram shows the call stopping at the
 * injector and never reaching C or the provider.
 */
import { expect, it } from '@jest/globals';
import {
  AF_INET,
  createFaultInjectorLayer,
  createTracerLayer,
  IPPROTO_TCP,
  SOCK_STREAM,
  Socket,
  sockaddrIn,
  TraceLog,
  traceToText,
  WSAENETUNREACH,
} from '@ws2spi/spi';
import { SimNetwork } from '@ws2spi/spi/testing';
import { twoMachines } from '../support/two-machines';

it('shows a connect the injector refused', async () => {
  const log = new TraceLog();
  const network = new SimNetwork({ timing: 'virtual' });
  const faults = createFaultInjectorLayer({
    clock: network.clock,
    log,
    name: 'faults',
    rules: [{ calls: 'lpWSPConnect', error: WSAENETUNREACH }],
  });
  const machines = await twoMachines(network, [
    { name: 'A', provider: createTracerLayer({ name: 'A', log }) },
    { name: 'faults', provider: faults },
    { name: 'C', provider: createTracerLayer({ name: 'C', log }) },
  ]);
  const socket = await Socket.create(machines.client.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  log.clear();
  await socket.connect(sockaddrIn('10.0.0.2', 80)).catch(() => undefined);

  const picture = traceToText(log, { provider: 'TCP/IP' });
  // console.log(picture);   // to see it
  expect(picture).toBe(`  Application        A          faults           C          TCP/IP
       │             │             │             │             │
       │────────────▶│             │             │             │        WSPConnect(#1, sockaddr(2 10.0.0.2), 128, NULL, <1024 bytes>, NULL, NULL)
       │             │────────────▶│             │             │        WSPConnect(#1, sockaddr(2 10.0.0.2), 128, NULL, <1024 bytes>, NULL, NULL)
       │             │             ◆             │             │        faults: fail WSPConnect WSAENETUNREACH
       │             │◀╌╌╌╌╌╌╌╌╌╌╌╌│             │             │        = SOCKET_ERROR [WSAENETUNREACH]
       │◀╌╌╌╌╌╌╌╌╌╌╌╌│             │             │             │        = SOCKET_ERROR [WSAENETUNREACH]
`);
  await machines.end();
});
