/**
 * Fault: limit data (toxiproxy's `limit_data`). The connection is closed once 16 bytes have come
 * in: the client reads exactly those, then the end of the stream — a download cut short.
 */
import { expect, it } from '@jest/globals';
import { createFaultInjectorLayer } from '@ws2spi/spi';
import { SimNetwork } from '@ws2spi/spi/testing';
import { readToEnd, twoMachines, utf8 } from '../support/two-machines';

it('cuts the connection after 16 bytes', async () => {
  const network = new SimNetwork({ timing: 'virtual' });
  const faults = createFaultInjectorLayer({ clock: network.clock });
  faults.addToxic({ type: 'limit_data', direction: 'inbound', bytes: 16 });
  const machines = await twoMachines(network, [{ name: 'faults', provider: faults }]);
  const { client, server } = await machines.connect();

  await server.send(utf8('Content-Length: 1000\r\n\r\n…'));
  expect(await readToEnd(client)).toBe('Content-Length: '); // 16 bytes, then a clean end
  expect((await server.recv()).byteLength).toBe(0); // the server was closed on too
  await machines.end();
});
