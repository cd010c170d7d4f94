/**
 * Winsock fault: a graceful close turned into a reset. The application calls closesocket as
 * always; the layer sets SO_LINGER {1, 0} below it first, so the peer sees an RST — the
 * WSAECONNRESET a flaky LSP or middlebox produces.
 */
import { expect, it } from '@jest/globals';
import { createFaultInjectorLayer, WSAECONNRESET } from '@ws2spi/spi';
import { registerWinsockMatchers, SimNetwork } from '@ws2spi/spi/testing';
import { twoMachines, utf8 } from '../support/two-machines';

registerWinsockMatchers();

it('makes the peer see a reset instead of the end of the stream', async () => {
  const network = new SimNetwork({ timing: 'virtual' });
  const faults = createFaultInjectorLayer({ clock: network.clock, resetOnClose: true });
  const machines = await twoMachines(network, [{ name: 'faults', provider: faults }]);
  const { client, server } = await machines.connect();

  await client.send(utf8('bye'));
  client.close();
  expect(new TextDecoder().decode(await server.recv())).toBe('bye');
  await expect(server.recv()).rejects.toThrowWsaError(WSAECONNRESET); // not 0: it was reset

  faults.resetOnClose = false; // switched off while the test runs: graceful again
  const second = await machines.connect();
  second.client.close();
  expect((await second.server.recv()).byteLength).toBe(0);
  await machines.end();
});
