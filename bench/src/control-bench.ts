/**
 * A/A controls: the same work as baseline and as variant. Their ratios should be 1; their spread
 * is the noise of this run on this machine, the yardstick for every other row. And one bound: what
 * a single copy into the application's buffer costs raw `net` itself.
 * @module
 */

import { out, SO_TYPE, SOL_SOCKET, type SockOptValue } from '@ws2spi/spi';
import { inMemoryPair } from './fixtures/in-memory-pair';
import { netTransfer } from './fixtures/workloads';
import { netPair } from './fixtures/ws2-connections';
import type { Figure } from './harness/figure';
import { interleave } from './harness/interleave';
import { calibrate, loopMs } from './harness/timing';

const MiB = 1024 * 1024;

const netAgainstItself: Figure = {
  id: 'control.aa.net-throughput',
  title: 'A/A: loopback net 64 MiB in 64 KiB writes vs itself (throughput)',
  target: { kind: 'within', low: 0.95, high: 1.05 },
  rounds: { full: 11, quick: 3 },
  run: (context) => {
    const total = (context.quick ? 4 : 64) * MiB;
    const round = async (): Promise<number> => {
      const pair = await netPair();
      try {
        return await netTransfer(pair, total, 64 * 1024);
      } finally {
        pair.close();
      }
    };
    return interleave(context, { orientation: 'throughput', baseline: round, variant: round });
  },
};

/**
 * Not A/A but a bound: the same transfer where the receiver copies each byte once into a 64 KiB
 * buffer of its own. `recv` fills the application's buffer, so this is the best throughput any
 * recv-based API can reach against raw `net` — read the TCP throughput figures against it.
 */
const oneCopyBound: Figure = {
  id: 'control.bound.one-copy',
  title: 'bound: loopback net, receiver copying into a 64 KiB buffer, vs net (throughput)',
  target: { kind: 'reference' },
  rounds: { full: 11, quick: 3 },
  run: (context) => {
    const total = (context.quick ? 4 : 64) * MiB;
    const round = (copy: boolean) => async (): Promise<number> => {
      const pair = await netPair();
      try {
        return await netTransfer(pair, total, 64 * 1024, copy ? new Uint8Array(64 * 1024) : undefined);
      } finally {
        pair.close();
      }
    };
    return interleave(context, { orientation: 'throughput', baseline: round(false), variant: round(true) });
  },
};

const procTableAgainstItself: Figure = {
  id: 'control.aa.sync-call',
  title: 'A/A: proc-table getsockopt(SO_TYPE) vs itself',
  target: { kind: 'within', low: 0.95, high: 1.05 },
  run: async (context) => {
    const p = await inMemoryPair();
    try {
      const value = out<SockOptValue | null>(null);
      const length = out(4);
      const errno = out(0);
      const call = (): void => {
        p.table.lpWSPGetSockOpt(p.pair.client, SOL_SOCKET, SO_TYPE, value, length, errno);
      };
      const count = calibrate(call, context.quick ? 5 : 20, 10_000);
      const round = async (): Promise<number> => loopMs(count, call);
      return await interleave(context, { baseline: round, variant: round });
    } finally {
      p.end();
    }
  },
};

/** The figures of this family. */
export const figures: Figure[] = [netAgainstItself, oneCopyBound, procTableAgainstItself];
