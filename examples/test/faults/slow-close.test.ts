/**
 * Fault: slow close (toxiproxy's `slow_close`). The client closes, but its FIN reaches the server
 * 10 s later: closesocket returns at once — as on Windows, the data still in flight goes out in the
 * background — and the server sees the end of the stream only when the FIN lands.
 */
import { expect, it } from '@jest/globals';
import { createFaultInjectorLayer } from '@ws2spi/spi';
import { SimNetwork } from '@ws2spi/spi/testing';
import { readToEnd, twoMachines, utf8 } from '../support/two-machines';

it('holds the FIN back for 10 s after the data', async () => {
  const network = new SimNetwork({ timing: 'virtual' });
  const faults = createFaultInjectorLayer({ clock: network.clock });
  faults.addToxic({ type: 'slow_close', direction: 'outbound', delayMs: 10_000 });
  const machines = await twoMachines(network, [{ name: 'faults', provider: faults }]);
  const { client, server } = await machines.connect();

  await client.send(utf8('last words'));
  client.close(); // returns now; the layer finishes the close

  expect(await readToEnd(server)).toBe('last words');
  expect(network.now).toBe(10_000);
  expect(faults.connections).toBe(0); // nothing left behind once the close went out
  await machines.end();
});
