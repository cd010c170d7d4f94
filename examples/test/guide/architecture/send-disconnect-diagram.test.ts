// examples/test/guide/architecture/send-disconnect-diagram.test.ts — the picture in
// docs/architecture.md: one WSASendDisconnect with data, from the application through tracer A, a
// layer that appends to the disconnect data, and tracer C, to the ISO transport provider and onto
// the (simulated) wire.
import 'reflect-metadata';
import { expect, it } from '@jest/globals';
import { createOsiProvider, installOsiProviders, sockaddrTp } from '@ws2spi/providers-osi';
import {
  AF_ISO,
  appendDisconnectData,
  type Catalog,
  createDisconnectDataLayer,
  createTracerLayer,
  ISOPROTO_TP2,
  registerProvider,
  SOCK_SEQPACKET,
  Socket,
  TraceLog,
  traceToMermaid,
} from '@ws2spi/spi';
import { createLayeredProcess, logNetworkEvents, type SimHost, SimNetwork } from '@ws2spi/spi/testing';
import type { DependencyContainer } from 'tsyringe';

/** The OSI provider over one simulated host, as a process's base provider. */
const osiOn = (host: SimHost) => (catalog: Catalog, container: DependencyContainer) => {
  registerProvider(container, 'sim-osi', createOsiProvider({ streams: host.streams }).WSPStartup);
  installOsiProviders(catalog, { path: 'sim-osi' });
};

it('draws WSASendDisconnect from the application to the wire', async () => {
  const log = new TraceLog();
  const signature = new TextEncoder().encode(' (via B)');
  const network = new SimNetwork({ timing: 'virtual', trace: logNetworkEvents(log) });
  const client = await createLayeredProcess({
    bases: osiOn(network.addHost('client', { ipv4: ['10.0.0.1'] })),
    layers: [
      { name: 'A', provider: createTracerLayer({ name: 'A', log }) },
      { name: 'B', provider: createDisconnectDataLayer({ outbound: appendDisconnectData(signature) }) },
      { name: 'C', provider: createTracerLayer({ name: 'C', log }) },
    ],
  });
  const server = await createLayeredProcess({
    bases: osiOn(network.addHost('server', { ipv4: ['10.0.0.2'] })),
  });
  const listener = await Socket.create(server.ws2, AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP2);
  await listener.bind(sockaddrTp('SRV', '10.0.0.2', 102));
  await listener.listen();
  const socket = await Socket.create(client.ws2, AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP2);
  const [{ socket: peer }] = await Promise.all([
    listener.accept(),
    socket.connect(sockaddrTp('SRV', '10.0.0.2', 102)),
  ]);

  log.clear(); // draw just the release
  socket.sendDisconnect(new TextEncoder().encode('bye')); // a DR with "bye" (then the peer's DC)
  await peer.recv().catch(() => undefined); // WSAEDISCON once the DR has arrived
  expect(new TextDecoder().decode(peer.recvDisconnect())).toBe('bye (via B)');
  await network.idle();

  expect(traceToMermaid(log, { provider: 'ISO TP2' })).toBe(`sequenceDiagram
    participant P0 as Application
    participant P1 as A
    participant P2 as C
    participant P3 as ISO TP2
    participant P4 as Network
    P0->>P1: WSPSendDisconnect(#1, <3 bytes>)
    P1->>P2: WSPSendDisconnect(#1, <11 bytes>)
    P2->>P3: WSPSendDisconnect(#1, <11 bytes>)
    P3-->>P2: = 0
    P2-->>P1: = 0
    P1-->>P0: = 0
    Note over P4: client → server window update (22 consumed)
    Note over P4: client → server data 25 bytes
    Note over P4: server → client data 10 bytes
    Note over P4: server → client FIN
    Note over P4: server → client window update (47 consumed)
    Note over P4: client → server FIN
    Note over P4: client → server window update (32 consumed)
`);
  await client.teardown();
  await server.teardown();
  network.close();
});
