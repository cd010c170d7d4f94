/**
 * Winsock fault: fail call X with code Y after N calls or N bytes — what only a layer inside
 * Winsock can do. Here the third send fails with WSAENETDOWN, and receives fail with
 * WSAECONNABORTED once 8 bytes have come in (the bytes up to the limit are delivered).
 */
import { expect, it } from '@jest/globals';
import { createFaultInjectorLayer, SOCKET_ERROR, WSAECONNABORTED, WSAENETDOWN } from '@ws2spi/spi';
import { registerWinsockMatchers, SimNetwork } from '@ws2spi/spi/testing';
import { twoMachines, utf8 } from '../support/two-machines';

registerWinsockMatchers();

it('fails the third send, and receives after 8 bytes', async () => {
  const network = new SimNetwork({ timing: 'virtual' });
  const faults = createFaultInjectorLayer({
    clock: network.clock,
    rules: [
      { calls: 'lpWSPSend', error: WSAENETDOWN, afterCalls: 2 },
      { calls: 'lpWSPRecv', error: WSAECONNABORTED, afterBytes: 8 },
    ],
  });
  const machines = await twoMachines(network, [{ name: 'faults', provider: faults }]);
  const { client, server } = await machines.connect();
  const ws2 = machines.client.ws2;

  expect(await ws2.send(client.handle, utf8('a'), 1, 0)).toBe(1);
  expect(await ws2.send(client.handle, utf8('b'), 1, 0)).toBe(1);
  // The C-shaped API: SOCKET_ERROR, and the code in WSAGetLastError().
  const rc = await ws2.send(client.handle, utf8('c'), 1, 0);
  expect(rc).toBe(SOCKET_ERROR);
  expect(rc).toFailWith(ws2, WSAENETDOWN);

  await server.send(utf8('0123456789'));
  expect(new TextDecoder().decode(await client.recv())).toBe('01234567');
  await expect(client.recv()).rejects.toThrowWsaError(WSAECONNABORTED);
  await machines.end();
});
