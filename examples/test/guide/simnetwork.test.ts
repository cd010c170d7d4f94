// examples/test/guide/simnetwork.test.ts — the guide's third test: the chain over a SimNetwork, on virtual time.
import 'reflect-metadata';
import { expect, it } from '@jest/globals';
import { createTcpProvider, installTcpProviders } from '@ws2spi/providers-tcp';
import {
  AF_INET,
  type Catalog,
  createFaultInjectorLayer,
  createTracerLayer,
  IPPROTO_TCP,
  registerProvider,
  SOCK_STREAM,
  Socket,
  sockaddrIn,
  TraceLog,
  traceToMermaid,
} from '@ws2spi/spi';
import { createLayeredProcess, logNetworkEvents, type SimHost, SimNetwork } from '@ws2spi/spi/testing';
import type { DependencyContainer } from 'tsyringe';

/** A process's base providers: TCP/IP over one host of a SimNetwork. */
function tcpOn(host: SimHost) {
  return (catalog: Catalog, container: DependencyContainer): void => {
    registerProvider(
      container,
      'sim-tcp',
      createTcpProvider({ streams: host.streams, datagrams: host.datagrams }).WSPStartup,
    );
    installTcpProviders(catalog, { path: 'sim-tcp' });
  };
}

/** One run: 20 messages through 30 s ± 10 s of latency; what arrived, when, and the capture. */
async function run(seed: number) {
  const log = new TraceLog();
  const network = new SimNetwork({ timing: 'virtual', trace: logNetworkEvents(log) });
  const capture = network.capture();
  const faults = createFaultInjectorLayer({ clock: network.clock, seed, log, name: 'faults' });
  faults.addToxic({ type: 'latency', direction: 'outbound', latencyMs: 30_000, jitterMs: 10_000 });
  const client = await createLayeredProcess({
    bases: tcpOn(network.addHost('client', { ipv4: ['10.0.0.1'] })),
    layers: [
      { name: 'A', provider: createTracerLayer({ name: 'A', log }) },
      { name: 'faults', provider: faults },
      { name: 'C', provider: createTracerLayer({ name: 'C', log }) },
    ],
  });
  const server = await createLayeredProcess({
    bases: tcpOn(network.addHost('server', { ipv4: ['10.0.0.2'] })),
  });
  const listener = await Socket.create(server.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  await listener.bind(sockaddrIn('10.0.0.2', 7));
  await listener.listen();
  const socket = await Socket.create(client.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  const [{ socket: peer }] = await Promise.all([
    listener.accept(),
    socket.connect(sockaddrIn('10.0.0.2', 7)),
  ]);

  for (let i = 0; i < 20; i++) await socket.send(new TextEncoder().encode(`message ${i}\n`));
  const arrivals: string[] = [];
  let text = '';
  while (!text.endsWith('message 19\n')) {
    text += new TextDecoder().decode(await peer.recv());
    arrivals.push(`${network.now} ms`);
  }
  const mermaid = traceToMermaid(log, {
    provider: 'MSAFD Tcpip',
    filter: (record) => record.call === 'WSPSend',
  });
  await client.teardown();
  await server.teardown();
  network.close();
  return { text, arrivals, pcapng: Buffer.from(capture.toPcapng()), mermaid, virtualTime: network.now };
}

it('runs 30-second latencies in no time, and the same seed gives the same run byte for byte', async () => {
  const started = Date.now();
  const first = await run(42);
  expect(first.text.split('\n').filter(Boolean)).toHaveLength(20); // all there, in order
  expect(first.virtualTime).toBeGreaterThan(20_000); // virtual time went past 20 s…
  expect(Date.now() - started).toBeLessThan(20_000); // …in much less real time

  const again = await run(42);
  expect(again.arrivals).toEqual(first.arrivals);
  expect(again.pcapng.equals(first.pcapng)).toBe(true); // the capture, byte for byte
  expect(again.mermaid).toBe(first.mermaid);

  expect((await run(7)).arrivals).not.toEqual(first.arrivals); // another seed, another run
});
