/**
 * Fault: timeout (toxiproxy's `timeout`). With `timeoutMs: 0` the data stops — held, never lost —
 * until the toxic is removed: a hung peer. With a timeout, the connection is closed when it
 * expires, as a proxy that gives up closes both sides.
 */
import { expect, it } from '@jest/globals';
import { createFaultInjectorLayer, WSAECONNRESET } from '@ws2spi/spi';
import { registerWinsockMatchers, SimNetwork } from '@ws2spi/spi/testing';
import { twoMachines, utf8 } from '../support/two-machines';

registerWinsockMatchers();

it('stops the data until the toxic goes, then lets it through', async () => {
  const network = new SimNetwork({ timing: 'virtual' });
  const faults = createFaultInjectorLayer({ clock: network.clock });
  const machines = await twoMachines(network, [{ name: 'faults', provider: faults }]);
  const { client, server } = await machines.connect();

  faults.addToxic({ name: 'hang', type: 'timeout', direction: 'outbound', timeoutMs: 0 });
  await client.send(utf8('are you there?'));
  await network.idle(); // everything that can happen has happened…
  expect(server.bytesAvailable()).toBe(0); // …and nothing arrived

  faults.removeToxic('hang'); // changed while the connection is live
  expect(new TextDecoder().decode(await server.recv())).toBe('are you there?');
  await machines.end();
});

it('closes the connection when the timeout expires', async () => {
  const network = new SimNetwork({ timing: 'virtual' });
  const faults = createFaultInjectorLayer({ clock: network.clock });
  faults.addToxic({ type: 'timeout', direction: 'inbound', timeoutMs: 60_000 });
  const machines = await twoMachines(network, [{ name: 'faults', provider: faults }]);
  const { client, server } = await machines.connect();

  await server.send(utf8('never seen'));
  expect((await client.recv()).byteLength).toBe(0); // the end of the stream, a minute later
  expect(network.now).toBe(60_000);
  await expect(client.send(utf8('hello?'))).rejects.toThrowWsaError(WSAECONNRESET);
  await machines.end();
});
