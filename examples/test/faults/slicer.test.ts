/**
 * Fault: slicer (toxiproxy's `slicer`). The server's answer reaches the client in pieces of 5 ± 3
 * bytes — the test every line-based protocol parser should pass, since TCP never promised that
 * one send is one receive.
 */
import { expect, it } from '@jest/globals';
import { createFaultInjectorLayer, type Socket } from '@ws2spi/spi';
import { SimNetwork } from '@ws2spi/spi/testing';
import { twoMachines, utf8 } from '../support/two-machines';

/** The code under test: reads one '\n'-terminated line, however the bytes come. */
async function readLine(socket: Socket): Promise<string> {
  let line = '';
  while (!line.endsWith('\n')) line += new TextDecoder().decode(await socket.recv(1024));
  return line.slice(0, -1);
}

it('reads a whole line from slices', async () => {
  const network = new SimNetwork({ timing: 'virtual' });
  const faults = createFaultInjectorLayer({ clock: network.clock, seed: 7 });
  faults.addToxic({ type: 'slicer', direction: 'inbound', averageSize: 5, sizeVariation: 3, delayMs: 10 });
  const machines = await twoMachines(network, [{ name: 'faults', provider: faults }]);
  const { client, server } = await machines.connect();

  await server.send(utf8('250 mail.example.test ready\n'));
  expect(await readLine(client)).toBe('250 mail.example.test ready');
  const slices = faults.injected.filter((f) => f.kind === 'slice').map((f) => f.bytes);
  expect(slices.length).toBeGreaterThan(3);
  expect(slices.every((n) => n !== undefined && n >= 2 && n <= 8)).toBe(true);
  await machines.end();
});
