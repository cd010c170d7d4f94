/**
 * Fault: reset peer (toxiproxy's `reset_peer`). 2 s after the client first sends, the connection
 * is reset: an RST to the server, and on the client what Windows shows after one — WSAECONNRESET
 * from send and recv.
 */
import { expect, it } from '@jest/globals';
import { createFaultInjectorLayer, WSAECONNRESET } from '@ws2spi/spi';
import { registerWinsockMatchers, SimNetwork } from '@ws2spi/spi/testing';
import { twoMachines, utf8 } from '../support/two-machines';

registerWinsockMatchers();

it('resets the connection 2 s after the first request', async () => {
  const network = new SimNetwork({ timing: 'virtual' });
  const faults = createFaultInjectorLayer({ clock: network.clock });
  faults.addToxic({ type: 'reset_peer', direction: 'outbound', timeoutMs: 2_000 });
  const machines = await twoMachines(network, [{ name: 'faults', provider: faults }]);
  const { client, server } = await machines.connect();

  await client.send(utf8('GET / HTTP/1.1\r\n\r\n')); // lost: the reset takes it
  await expect(server.recv()).rejects.toThrowWsaError(WSAECONNRESET);
  expect(network.now).toBe(2_000);
  await expect(client.recv()).rejects.toThrowWsaError(WSAECONNRESET);
  client.close(); // closesocket still succeeds
  await machines.end();
});
