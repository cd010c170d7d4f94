// examples/test/guide/wsk/wsk-in-memory.test.ts — the WSK guide over the in-memory transport: the same
// client as over TCP, on a SimNetwork, with a Winsock application on another simulated host.
import 'reflect-metadata';
import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { AF_INET, SD_SEND, SOCK_STREAM, type SOCKADDR_IN, Socket, sockaddrIn } from '@ws2spi/spi';
import {
  createLayeredProcess,
  IN_MEMORY_DEFAULT_PROTOCOL,
  inMemoryWskTransports,
  installInMemoryProvider,
  type LayeredProcess,
  SimNetwork,
} from '@ws2spi/spi/testing';
import { createWskProvider, WskSubsystem } from '@ws2spi/spi/wsk';
import { close, connectForGreeting, disconnect, startWskClient, type WskClient } from './greeting-client';

const PROTOCOL = IN_MEMORY_DEFAULT_PROTOCOL;
let network: SimNetwork;
let app: LayeredProcess;
let listener: Socket;
let wsk: WskSubsystem;
let client: WskClient;

beforeEach(async () => {
  network = new SimNetwork();
  network.addHost('driver', { ipv4: ['10.0.0.1'] }); // where the WSK client runs
  network.addHost('app', { ipv4: ['10.0.0.2'] }); // where the Winsock application runs
  app = await createLayeredProcess({
    bases: (catalog, container) =>
      installInMemoryProvider(catalog, container, { network, host: 'app', families: [4] }),
  });
  listener = await Socket.create(app.ws2, AF_INET, SOCK_STREAM, PROTOCOL);
  await listener.bind(sockaddrIn('10.0.0.2', 7));
  await listener.listen();
  // The only difference from TCP: the transports WSK is given.
  wsk = new WskSubsystem({
    provider: createWskProvider({ transports: inMemoryWskTransports({ network, host: 'driver' }) }),
  });
  client = await startWskClient(wsk);
});

afterEach(async () => {
  await client.stop();
  listener.close();
  await app.teardown();
  network.close();
  expect(wsk.verifier.violations).toEqual([]);
});

it('runs the same client over the in-memory transport', async () => {
  const [greeting, { socket: peer }] = await Promise.all([
    connectForGreeting(client, sockaddrIn('10.0.0.1', 0), sockaddrIn('10.0.0.2', 7), SOCK_STREAM, PROTOCOL),
    listener.accept(),
  ]);
  await peer.sendAll(new TextEncoder().encode('hello from Winsock'));
  peer.shutdown(SD_SEND);
  expect(await greeting.disconnect).toBe('graceful');
  expect(greeting.text).toBe('hello from Winsock');
  await disconnect(greeting.socket, 'goodbye');
  expect(new TextDecoder().decode(await peer.recv())).toBe('goodbye');
  expect((await peer.recv()).byteLength).toBe(0); // the end
  // The Winsock side sees the WSK client where the SimNetwork put it.
  expect((peer.remoteAddress() as SOCKADDR_IN).sin_addr).toBe('10.0.0.1');
  await close(greeting.socket);
  peer.close();
});
