/**
 * Fault: bandwidth (toxiproxy's `bandwidth`). The server's answer comes at 2 KB/s: a 10 000-byte
 * reply takes 5 s of virtual time and arrives in 100 ms pieces, the way a slow link trickles it.
 */
import { expect, it } from '@jest/globals';
import { createFaultInjectorLayer, SD_SEND } from '@ws2spi/spi';
import { SimNetwork } from '@ws2spi/spi/testing';
import { twoMachines } from '../support/two-machines';

it('lets the reply in at the rate, a slice at a time', async () => {
  const network = new SimNetwork({ timing: 'virtual' });
  const faults = createFaultInjectorLayer({ clock: network.clock });
  // Inbound: what the client receives. (toxiproxy: { type: 'bandwidth', stream: 'downstream', attributes: { rate: 2 } })
  faults.addToxic({ type: 'bandwidth', direction: 'inbound', bytesPerSecond: 2000 });
  const machines = await twoMachines(network, [{ name: 'faults', provider: faults }]);
  const { client, server } = await machines.connect();

  await server.sendAll(new Uint8Array(10_000));
  server.shutdown(SD_SEND);
  const pieces: number[] = [];
  for (let chunk = await client.recv(); chunk.byteLength > 0; chunk = await client.recv())
    pieces.push(chunk.byteLength);

  expect(pieces.reduce((a, b) => a + b, 0)).toBe(10_000);
  expect(Math.max(...pieces)).toBe(200); // 100 ms worth at 2000 bytes/s
  expect(network.now).toBe(5_000);
  await machines.end();
});
