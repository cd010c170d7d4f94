/**
 * What a layered service provider costs per call: the same 1-byte send through `Ws2`, once with a
 * non-IFS pass-through layer (the Microsoft sample's `nonifslsp`: handles of its own, mapped to
 * the lower provider's on every call) installed over the in-memory provider, once without.
 * @module
 */

import { defineLayeredProvider, FIONREAD, out, type SOCKET, type Ws2 } from '@ws2spi/spi';
import {
  createLayeredProcess,
  installInMemoryProvider,
  type LayeredProcess,
  SimNetwork,
} from '@ws2spi/spi/testing';
import { HOST_A, IN_MEMORY_STREAM } from './fixtures/in-memory-pair';
import { check, type Ws2Pair, ws2Pair } from './fixtures/ws2-connections';
import type { Figure } from './harness/figure';
import { interleave } from './harness/interleave';
import { asyncLoopMs } from './harness/timing';

/** A process over the in-memory provider, with or without the pass-through layer, and a pair. */
interface LayerWorld {
  network: SimNetwork;
  process: LayeredProcess;
  pair: Ws2Pair;
}

async function layerWorld(layered: boolean): Promise<LayerWorld> {
  const network = new SimNetwork();
  network.addHost('a', { ipv4: ['10.0.0.1'] });
  const process = await createLayeredProcess({
    bases: (catalog, container) =>
      installInMemoryProvider(catalog, container, {
        network,
        host: 'a',
        families: [4],
        flavours: ['stream'],
      }),
    layers: layered
      ? [
          {
            name: 'pass-through',
            provider: defineLayeredProvider({ description: 'pass-through', style: 'non-ifs' }),
          },
        ]
      : [],
  });
  const pair = await ws2Pair(process.ws2, IN_MEMORY_STREAM, HOST_A);
  return { network, process, pair };
}

/** Reads whatever reached `s`, after the network delivered everything in flight. */
async function drain(ws2: Ws2, network: SimNetwork, s: SOCKET): Promise<void> {
  await network.idle();
  const buffer = new Uint8Array(65536);
  const available = out(0);
  for (;;) {
    check(ws2, ws2.ioctlsocket(s, FIONREAD, available), 'ioctlsocket(FIONREAD)');
    if (available.value === 0) return;
    check(ws2, await ws2.recv(s, buffer, buffer.byteLength, 0), 'recv');
  }
}

const SENDS_PER_ROUND = 4000;

const nonIfsPassThrough: Figure = {
  id: 'layer.non-ifs.send',
  title: '1-byte send (in-memory) through a non-IFS pass-through layer vs without',
  target: { kind: 'at-most', value: 1.03 },
  run: async (context) => {
    const plain = await layerWorld(false);
    const layered = await layerWorld(true);
    try {
      const layersSeen = layered.process.layers.length;
      if (layersSeen !== 1) throw new Error(`expected one layer, found ${layersSeen}`);
      const one = new Uint8Array([1]);
      const count = context.quick ? 500 : SENDS_PER_ROUND;
      const round = async (w: LayerWorld): Promise<number> => {
        const ws2 = w.process.ws2;
        const ms = await asyncLoopMs(count, () => ws2.send(w.pair.client, one, 1, 0));
        await drain(ws2, w.network, w.pair.server);
        return ms;
      };
      return await interleave(context, { baseline: () => round(plain), variant: () => round(layered) });
    } finally {
      for (const w of [plain, layered]) {
        w.pair.close();
        await w.process.teardown();
        w.network.close();
      }
    }
  },
};

/** The figures of this family. */
export const figures: Figure[] = [nonIfsPassThrough];
