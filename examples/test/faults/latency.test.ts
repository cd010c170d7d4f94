/**
 * Fault: latency (toxiproxy's `latency`). Every byte the client sends reaches the server 30 s
 * later, ± 5 s of jitter — on the SimNetwork's virtual clock, so the test takes milliseconds, and
 * the seed makes the jitter the same on every run.
 */
import { expect, it } from '@jest/globals';
import { createFaultInjectorLayer, SD_SEND } from '@ws2spi/spi';
import { SimNetwork } from '@ws2spi/spi/testing';
import { readToEnd, twoMachines, utf8 } from '../support/two-machines';

it('delays what the client sends by 30 s ± 5 s, in order, without blocking the sender', async () => {
  const network = new SimNetwork({ timing: 'virtual' });
  // The injector keeps time with the network's clock and draws its jitter from the seed.
  const faults = createFaultInjectorLayer({ clock: network.clock, seed: 2024 });
  faults.addToxic({ type: 'latency', direction: 'outbound', latencyMs: 30_000, jitterMs: 5_000 });
  const machines = await twoMachines(network, [{ name: 'faults', provider: faults }]);
  const { client, server } = await machines.connect();

  await client.send(utf8('one '));
  await client.send(utf8('two '));
  await client.send(utf8('three'));
  expect(network.now).toBe(0); // the sends returned at once: the data waits in the layer
  client.shutdown(SD_SEND); // the FIN follows the data

  expect(await readToEnd(server)).toBe('one two three'); // jitter never reorders a stream
  expect(network.now).toBeGreaterThanOrEqual(25_000);
  expect(network.now).toBeLessThanOrEqual(35_000 + 1);
  // What the layer did, with the virtual time each piece was let go.
  expect(faults.injected.filter((f) => f.kind === 'latency').map((f) => f.bytes)).toEqual([4, 4, 5]);
  await machines.end();
});
