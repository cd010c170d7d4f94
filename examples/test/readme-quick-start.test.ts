// examples/test/readme-quick-start.test.ts — the quick start of packages/spi/README.md: a tracer and a
// fault injector over the in-memory provider on a SimNetwork; a 30-second latency that takes no time.
import 'reflect-metadata';
import { expect, it } from '@jest/globals';
import {
  AF_INET,
  createFaultInjectorLayer,
  createTracerLayer,
  SOCK_STREAM,
  Socket,
  sockaddrIn,
  TraceLog,
  traceToText,
} from '@ws2spi/spi';
import {
  createLayeredProcess,
  IN_MEMORY_DEFAULT_PROTOCOL,
  installInMemoryProvider,
  SimNetwork,
} from '@ws2spi/spi/testing';

it('sends through a 30-second latency in no time', async () => {
  const network = new SimNetwork({ timing: 'virtual' });
  network.addHost('box', { ipv4: ['10.0.0.1'] });
  const log = new TraceLog();
  const faults = createFaultInjectorLayer({ clock: network.clock, seed: 1 });
  faults.addToxic({ type: 'latency', direction: 'outbound', latencyMs: 30_000 });
  const proc = await createLayeredProcess({
    bases: (catalog, container) => installInMemoryProvider(catalog, container, { network, host: 'box' }),
    layers: [
      { name: 'trace', provider: createTracerLayer({ name: 'trace', log }) }, // top: called first
      { name: 'faults', provider: faults },
    ],
  });

  const listener = await Socket.create(proc.ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
  await listener.bind(sockaddrIn('10.0.0.1', 7));
  await listener.listen();
  const client = await Socket.create(proc.ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
  const [{ socket: server }] = await Promise.all([
    listener.accept(),
    client.connect(sockaddrIn('10.0.0.1', 7)),
  ]);

  await client.send(new TextEncoder().encode('ping'));
  expect(new TextDecoder().decode(await server.recv())).toBe('ping');
  expect(network.now).toBe(30_000); // virtual milliseconds
  expect(traceToText(log)).toContain('WSPSend(#');

  await proc.teardown();
  network.close();
});
