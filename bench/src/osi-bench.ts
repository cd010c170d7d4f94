/**
 * ISO transport class 2 (RFC 2126) over real loopback TCP through the OSI provider, against
 * Node's `net` doing the same: bulk throughput with the largest TPDU, and one-byte latency.
 * @module
 */

import { sockaddrTp } from '@ws2spi/providers-osi';
import { AF_ISO, ISOPROTO_TP2, SOCK_SEQPACKET, type Ws2 } from '@ws2spi/spi';
import { osiProcess } from './fixtures/processes';
import { netPingPong, netTransfer, ws2PingPong, ws2Transfer } from './fixtures/workloads';
import { netPair, type SocketKind, type Ws2Pair, ws2Pair } from './fixtures/ws2-connections';
import type { Figure } from './harness/figure';
import { interleave } from './harness/interleave';

const TP2: SocketKind = { af: AF_ISO, type: SOCK_SEQPACKET, protocol: ISOPROTO_TP2 };
/** The largest TPDU ISO 8073 allows (what `maxTpduSize` offers and the peer accepts). */
const LARGEST_TPDU = 65531;
const CHUNK = 64 * 1024;
const MiB = 1024 * 1024;

async function withTp2Pair<T>(work: (ws2: Ws2, pair: Ws2Pair) => Promise<T>): Promise<T> {
  const process = osiProcess({ maxTpduSize: LARGEST_TPDU });
  try {
    const pair = await ws2Pair(process.ws2, TP2, sockaddrTp('bench', '127.0.0.1', 0));
    try {
      return await work(process.ws2, pair);
    } finally {
      pair.close();
    }
  } finally {
    process.end();
  }
}

async function withNetPair<T>(work: (pair: Awaited<ReturnType<typeof netPair>>) => Promise<T>): Promise<T> {
  const pair = await netPair();
  try {
    return await work(pair);
  } finally {
    pair.close();
  }
}

const throughput: Figure = {
  id: 'osi.throughput.class2',
  title: 'ISO TP2, largest TPDU, 256 MiB in 64 KiB messages vs net in 64 KiB writes (throughput)',
  target: { kind: 'at-least', value: 0.8 },
  rounds: { full: 11, quick: 3 },
  run: (context) => {
    const total = (context.quick ? 8 : 256) * MiB;
    return interleave(context, {
      orientation: 'throughput',
      baseline: () => withNetPair((pair) => netTransfer(pair, total, CHUNK)),
      variant: () => withTp2Pair((ws2, pair) => ws2Transfer(ws2, pair, total, CHUNK)),
    });
  },
};

const pingPong: Figure = {
  id: 'osi.ping-pong',
  title: 'ISO TP2 1-byte ping-pong latency: Ws2 vs net',
  target: { kind: 'at-most', value: 1.4 },
  run: (context) => {
    const count = context.quick ? 200 : 3000;
    return interleave(context, {
      baseline: () => withNetPair((pair) => netPingPong(pair, count)),
      variant: () => withTp2Pair((ws2, pair) => ws2PingPong(ws2, pair, count)),
    });
  },
};

/** The figures of this family. */
export const figures: Figure[] = [throughput, pingPong];
