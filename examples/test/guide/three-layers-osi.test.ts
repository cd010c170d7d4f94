// examples/test/guide/three-layers-osi.test.ts — the guide's second test: the chain over ISO transport.
import 'reflect-metadata';
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import {
  installOsiProviders,
  OSI_PROVIDER_PATH,
  WSPStartup as osiWSPStartup,
  sockaddrTp,
  tpEndpointOf,
} from '@ws2spi/providers-osi';
import {
  AF_ISO,
  appendDisconnectData,
  type Catalog,
  createFaultInjectorLayer,
  createTracerLayer,
  ISOPROTO_TP2,
  registerProvider,
  SOCK_SEQPACKET,
  Socket,
  TraceLog,
  WSAEDISCON,
} from '@ws2spi/spi';
import { createLayeredProcess, type LayeredProcess, registerWinsockMatchers } from '@ws2spi/spi/testing';
import type { DependencyContainer } from 'tsyringe';

registerWinsockMatchers();

/** A process's base providers: ISO transport over the machine's real TCP. */
function iso(catalog: Catalog, container: DependencyContainer): void {
  registerProvider(container, OSI_PROVIDER_PATH, osiWSPStartup);
  installOsiProviders(catalog);
}

const log = new TraceLog();
let server: LayeredProcess;
let client: LayeredProcess;

beforeEach(async () => {
  server = await createLayeredProcess({ bases: iso });
  client = await createLayeredProcess({
    bases: iso,
    layers: [
      { name: 'A', provider: createTracerLayer({ name: 'A', log }) },
      {
        name: 'faults',
        provider: createFaultInjectorLayer({
          toxics: [{ type: 'latency', direction: 'outbound', latencyMs: 20 }],
          // Every release the client makes says where it came from.
          disconnectData: { outbound: appendDisconnectData(new TextEncoder().encode(' (client)')) },
        }),
      },
      { name: 'C', provider: createTracerLayer({ name: 'C', log }) },
    ],
  });
  log.clear();
});

afterEach(async () => {
  await client.teardown();
  await server.teardown();
});

it('sends a message, then releases with disconnect data the peer reads', async () => {
  const listener = await Socket.create(server.ws2, AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP2);
  await listener.bind(sockaddrTp('time', '127.0.0.1', 0));
  await listener.listen();
  const endpoint = tpEndpointOf(listener.localAddress()!);
  if (typeof endpoint === 'string') throw new Error(endpoint);

  const socket = await Socket.create(client.ws2, AF_ISO, SOCK_SEQPACKET, ISOPROTO_TP2);
  const [{ socket: peer }] = await Promise.all([
    listener.accept(),
    socket.connect(sockaddrTp('time', '127.0.0.1', endpoint.port)),
  ]);
  await socket.send(new TextEncoder().encode('one message, boundaries kept'));
  socket.sendDisconnect(new TextEncoder().encode('bye')); // WSASendDisconnect: a DR with data

  expect(new TextDecoder().decode(await peer.recv())).toBe('one message, boundaries kept');
  await expect(peer.recv()).rejects.toThrowWsaError(WSAEDISCON); // the peer released
  expect(new TextDecoder().decode(peer.recvDisconnect())).toBe('bye (client)');
  // The tracer below the injector saw the data the injector passed on.
  expect(log.lines().filter((line) => line.includes('WSPSendDisconnect'))).toEqual([
    'A WSPSendDisconnect(#1, <3 bytes>) = 0',
    'C WSPSendDisconnect(#1, <12 bytes>) = 0',
  ]);
  peer.close();
  socket.close();
  listener.close();
});
