/**
 * Picture: a packet capture of the simulated network, for Wireshark. network.capture() records
 * every packet with real Ethernet/IP/TCP headers and virtual timestamps; writeFile() saves pcapng.
 * Here tshark (Wireshark's command line) reads it back and finds the 30 s latency the fault
 * injector added: the request leaves the client 30 s after the handshake. (Skipped, saying why,
 * where tshark is not installed.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { createFaultInjectorLayer } from '@ws2spi/spi';
import { itWithTshark, SimNetwork } from '@ws2spi/spi/testing';
import { twoMachines, utf8 } from '../support/two-machines';

itWithTshark(
  'captures the conversation, latency included, as Wireshark sees it',
  async () => {
    const network = new SimNetwork({ timing: 'virtual' });
    const capture = network.capture({ startTime: Date.UTC(2025, 0, 1) });
    const faults = createFaultInjectorLayer({ clock: network.clock });
    faults.addToxic({ type: 'latency', direction: 'outbound', latencyMs: 30_000 });
    const machines = await twoMachines(network, [{ name: 'faults', provider: faults }]);
    const { client, server } = await machines.connect();
    await client.send(utf8('GET / HTTP/1.0\r\n\r\n'));
    await server.recv();
    await machines.end();

    const directory = mkdtempSync(join(tmpdir(), 'ws2spi-example-'));
    try {
      const file = join(directory, 'latency.pcapng');
      capture.writeFile(file); // open it in Wireshark to look around
      const tshark = spawnSync(
        'tshark',
        [
          '-r',
          file,
          '-T',
          'fields',
          '-E',
          'separator=,',
          '-e',
          'frame.time_relative',
          '-e',
          'tcp.flags.str',
          '-e',
          'tcp.len',
        ],
        { encoding: 'utf8' },
      );
      const frames = tshark.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(','));
      // SYN, SYN-ACK, ACK at 0 s; the 18-byte request at 30 s.
      expect(frames.slice(0, 3).map(([time]) => Number(time))).toEqual([0, 0, 0]);
      const request = frames.find(([, , length]) => length === '18');
      expect(Number(request?.[0])).toBe(30);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  },
  'decode',
);
