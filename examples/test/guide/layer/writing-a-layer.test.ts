// examples/test/guide/layer/writing-a-layer.test.ts — the layer guide: the byte meter as a non-IFS
// and as an IFS layer over real TCP, and an IFS layer that cannot sit above a non-IFS one.
import 'reflect-metadata';
import { afterEach, expect, it } from '@jest/globals';
import { AF_INET, IPPROTO_TCP, SOCK_STREAM, Socket, sockaddrIn, WSAEINVAL, type Ws2 } from '@ws2spi/spi';
import { registerWinsockMatchers } from '@ws2spi/spi/testing';
import { createByteMeter } from './byte-meter-layer';
import { processWithLayers } from './install-layer';

registerWinsockMatchers();

let ws2: Ws2 | undefined;
afterEach(() => {
  ws2?.WSACleanup();
  ws2 = undefined;
});

/** A connected pair in `process`, and 5 bytes from the client to the server and 2 back. */
async function talk(process: Ws2) {
  const listener = await Socket.create(process, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  await listener.bind(sockaddrIn('127.0.0.1', 0));
  await listener.listen();
  const client = await Socket.create(process, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  const [{ socket: server }] = await Promise.all([
    listener.accept(),
    client.connect(listener.localAddress()!),
  ]);
  await client.sendAll(new TextEncoder().encode('hello'));
  await server.recv();
  await server.sendAll(new TextEncoder().encode('hi'));
  await client.recv();
  return { client, server };
}

it('non-IFS: the layer gives the application handles of its own, over the provider’s', async () => {
  const meter = createByteMeter('non-ifs');
  ws2 = processWithLayers([meter.provider]);
  const { client, server } = await talk(ws2);

  expect(meter.meters.get(client.handle)).toEqual({ sent: 5, received: 2, lower: expect.any(Number) });
  expect(meter.meters.get(server.handle)).toEqual({ sent: 2, received: 5, lower: expect.any(Number) });
  expect(meter.meters.get(client.handle)?.lower).not.toBe(client.handle); // the TCP provider's handle
});

it('IFS: the layer hands the application the provider’s own handles', async () => {
  const meter = createByteMeter('ifs');
  ws2 = processWithLayers([meter.provider]);
  const { client, server } = await talk(ws2);

  expect(meter.meters.get(client.handle)).toEqual({ sent: 5, received: 2, lower: client.handle });
  expect(meter.meters.get(server.handle)).toEqual({ sent: 2, received: 5, lower: server.handle });
});

it('a non-IFS layer above an IFS one works', async () => {
  const meter = createByteMeter('ifs');
  ws2 = processWithLayers([createByteMeter('non-ifs').provider, meter.provider]);
  await talk(ws2);
  expect([...meter.meters.values()].map((m) => m.sent).sort()).toEqual([2, 5]);
});

it('an IFS layer above a non-IFS one cannot claim its handles: socket() fails with WSAEINVAL', async () => {
  ws2 = processWithLayers([createByteMeter('ifs').provider, createByteMeter('non-ifs').provider]);
  const attempt = Socket.create(ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  await expect(attempt).rejects.toThrowWsaError(WSAEINVAL);
});
