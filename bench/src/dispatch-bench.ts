/**
 * What the dispatcher adds between an application's call and the provider's proc table, measured
 * on the in-memory provider (no real sockets, so only the code is timed): synchronous calls,
 * 1-byte send and queued receive, the cost of other live `Ws2` instances, async hooks left behind
 * by `WSACleanup`, and socket creation in a large catalog.
 * @module
 */

import { executionAsyncResource } from 'node:async_hooks';
import {
  installProviderEntries,
  out,
  SD_SEND,
  SO_TYPE,
  SOCK_STREAM,
  SOL_SOCKET,
  type SockOptValue,
  WSA_FLAG_OVERLAPPED,
  type WSABUF,
  type WSAPROTOCOL_INFOW,
} from '@ws2spi/spi';
import { inMemoryProtocolInfos } from '@ws2spi/spi/testing';
import { drain, IN_MEMORY_STREAM, type InMemoryPair, inMemoryPair } from './fixtures/in-memory-pair';
import { inMemoryWorld } from './fixtures/processes';
import { check } from './fixtures/ws2-connections';
import type { Figure } from './harness/figure';
import { interleave } from './harness/interleave';
import { asyncLoopMs, calibrate, loopMs } from './harness/timing';

/** Rounds of micro-benchmarks last about this long. */
const ROUND_MS = 20;

async function withPair<T>(work: (p: InMemoryPair) => Promise<T>): Promise<T> {
  const p = await inMemoryPair();
  try {
    return await work(p);
  } finally {
    p.end();
  }
}

const getsockoptSoType: Figure = {
  id: 'dispatch.sync.getsockopt',
  title: 'synchronous getsockopt(SO_TYPE): Ws2 vs proc table',
  target: { kind: 'at-most', value: 1.5 },
  run: (context) =>
    withPair(async (p) => {
      const s = p.pair.client;
      const value = out<SockOptValue | null>(null);
      const length = out(4);
      const errno = out(0);
      const direct = (): void => {
        p.table.lpWSPGetSockOpt(s, SOL_SOCKET, SO_TYPE, value, length, errno);
      };
      const viaWs2 = (): void => {
        p.ws2.getsockopt(s, SOL_SOCKET, SO_TYPE, value, length);
      };
      viaWs2();
      if (value.value !== SOCK_STREAM) throw new Error(`getsockopt(SO_TYPE) gave ${String(value.value)}`);
      const count = calibrate(direct, context.quick ? 5 : ROUND_MS, 10_000);
      return interleave(context, {
        baseline: async () => loopMs(count, direct),
        variant: async () => loopMs(count, viaWs2),
      });
    }),
};

const sendDisconnectOnShutSocket: Figure = {
  id: 'dispatch.sync.send-disconnect',
  title: 'synchronous WSASendDisconnect(NULL) on a shut socket: Ws2 vs proc table',
  target: { kind: 'at-most', value: 3 },
  run: (context) =>
    withPair(async (p) => {
      const s = p.pair.client;
      check(p.ws2, p.ws2.shutdown(s, SD_SEND), 'shutdown');
      const errno = out(0);
      const direct = (): void => {
        p.table.lpWSPSendDisconnect(s, null, errno);
      };
      const viaWs2 = (): void => {
        p.ws2.WSASendDisconnect(s, null);
      };
      check(p.ws2, p.ws2.WSASendDisconnect(s, null), 'WSASendDisconnect');
      const count = calibrate(direct, context.quick ? 5 : ROUND_MS, 10_000);
      return interleave(context, {
        baseline: async () => loopMs(count, direct),
        variant: async () => loopMs(count, viaWs2),
      });
    }),
};

/** 1-byte sends per round: below what the network's window takes without a reader. */
const SENDS_PER_ROUND = 4000;

const oneByteSend: Figure = {
  id: 'dispatch.in-memory.send',
  title: '1-byte send (in-memory provider): Ws2 vs proc table',
  target: { kind: 'at-most', value: 1.1 },
  run: (context) =>
    withPair(async (p) => {
      const { client, server } = p.pair;
      const one = new Uint8Array([1]);
      const buffers: WSABUF[] = [{ len: 1, buf: one }];
      const sent = out(0);
      const errno = out(0);
      const count = context.quick ? 500 : SENDS_PER_ROUND;
      const round = async (send: () => Promise<unknown>): Promise<number> => {
        const ms = await asyncLoopMs(count, send);
        await drain(p, server);
        return ms;
      };
      return interleave(context, {
        baseline: () => round(() => p.table.lpWSPSend(client, buffers, 1, sent, 0, null, null, null, errno)),
        variant: () => round(() => p.ws2.send(client, one, 1, 0)),
      });
    }),
};

const queuedReceive: Figure = {
  id: 'dispatch.in-memory.recv',
  title: '1-byte recv of queued data (in-memory provider): Ws2 vs proc table',
  target: { kind: 'at-most', value: 1.1 },
  run: (context) =>
    withPair(async (p) => {
      const { client, server } = p.pair;
      const count = context.quick ? 500 : SENDS_PER_ROUND;
      const one = new Uint8Array(1);
      const buffers: WSABUF[] = [{ len: 1, buf: one }];
      const received = out(0);
      const flags = out(0);
      const errno = out(0);
      const round = async (recv: () => Promise<unknown>): Promise<number> => {
        check(p.ws2, await p.ws2.send(client, new Uint8Array(count), count, 0), 'send');
        await p.world.network.idle();
        return asyncLoopMs(count, recv);
      };
      return interleave(context, {
        baseline: () =>
          round(() => {
            flags.value = 0;
            return p.table.lpWSPRecv(server, buffers, 1, received, flags, null, null, null, errno);
          }),
        variant: () => round(() => p.ws2.recv(server, one, 1, 0)),
      });
    }),
};

const liveInstances: Figure = {
  id: 'dispatch.instances.32',
  title: '1-byte send (in-memory) with 32 live Ws2 instances vs 1',
  target: { kind: 'at-most', value: 1.1 },
  run: (context) =>
    withPair(async (p) => {
      const { client, server } = p.pair;
      const one = new Uint8Array([1]);
      const count = context.quick ? 500 : SENDS_PER_ROUND;
      const baselines: number[] = [];
      const round = async (others: number): Promise<number> => {
        // Other processes as a test suite has them: started, each with a socket open.
        const worlds = Array.from({ length: others }, () => inMemoryWorld());
        for (const w of worlds) {
          const ws2 = w.process.ws2;
          check(
            ws2,
            await ws2.socket(IN_MEMORY_STREAM.af, IN_MEMORY_STREAM.type, IN_MEMORY_STREAM.protocol),
            'socket',
          );
        }
        const ms = await asyncLoopMs(count, () => p.ws2.send(client, one, 1, 0));
        for (const w of worlds) w.end();
        await drain(p, server);
        if (others === 0) baselines.push(ms);
        return ms;
      };
      const outcome = await interleave(context, { baseline: () => round(0), variant: () => round(31) });
      // The first baseline round ran before any other instance existed; later ones after some were
      // created and cleaned up. If those still cost, the ratio above hides it: say so.
      const first = baselines[0]!;
      const later = outcome.baseline!.value;
      if (later > first * 1.2) {
        outcome.note = `instances already cleaned up still cost: with 1 live instance a send round took ${first.toFixed(1)} ms before any other instance existed and ${later.toFixed(1)} ms (median) after others had come and gone`;
      }
      return outcome;
    }),
};

/** True when promise hooks are on: a reaction then runs with its promise as the async resource. */
async function promiseHooksActive(): Promise<boolean> {
  let derived: Promise<boolean> | undefined;
  derived = Promise.resolve().then(() => executionAsyncResource() === derived);
  return derived;
}

/** Milliseconds of `count` awaits: what promise hooks slow down for everyone in the process. */
async function awaitLoopMs(count: number): Promise<number> {
  return asyncLoopMs(count, async () => {});
}

const hooksAfterCleanup: Figure = {
  id: 'dispatch.hooks-after-cleanup',
  title: 'async hooks left enabled after the last WSACleanup',
  target: { kind: 'at-most', value: 0 },
  display: 'check',
  rounds: { full: 1, quick: 1 },
  run: async (context) => {
    if (await promiseHooksActive()) throw new Error('promise hooks were already on before any Ws2 existed');
    const count = context.quick ? 50_000 : 300_000;
    const before: number[] = [];
    for (let i = 0; i < 3; i++) before.push(await awaitLoopMs(count));
    // A process's whole life: startup, a connection, traffic, cleanup.
    const p = await inMemoryPair();
    check(p.ws2, await p.ws2.send(p.pair.client, new Uint8Array([1]), 1, 0), 'send');
    check(p.ws2, await p.ws2.recv(p.pair.server, new Uint8Array(1), 1, 0), 'recv');
    p.end();
    if (p.ws2.startupReferences !== 0) throw new Error('WSACleanup left the process started');
    const active = await promiseHooksActive();
    const after: number[] = [];
    for (let i = 0; i < 3; i++) after.push(await awaitLoopMs(count));
    const slowdown = Math.min(...after) / Math.min(...before);
    return {
      ratios: [active ? 1 : 0],
      baseline: { value: Math.min(...before), unit: 'ms' },
      variant: { value: Math.min(...after), unit: 'ms' },
      note: `${count.toLocaleString('en')} awaits take ${slowdown.toFixed(2)}× as long after the last WSACleanup as before the first WSAStartup`,
    };
  },
};

/** `count` entries of another provider, each a distinct AF_INET stream protocol that matches no request. */
function fillerEntries(count: number): WSAPROTOCOL_INFOW[] {
  const [template] = inMemoryProtocolInfos({ families: [4], flavours: ['stream'] });
  return Array.from({ length: count }, (_, i) => ({
    ...template!,
    ProtocolChain: { ...template!.ProtocolChain, ChainEntries: [...template!.ProtocolChain.ChainEntries] },
    iProtocol: 1000 + i,
    szProtocol: `filler ${i}`,
  }));
}

const FILLER_PROVIDER = 'f111e700-0000-4000-8000-000000000001';

const socketInLargeCatalog: Figure = {
  id: 'dispatch.socket.catalog-10000',
  title: 'WSASocketW with 10,000 catalog entries vs 10',
  target: { kind: 'at-most', value: 1.2 },
  run: async (context) => {
    // The in-memory entry comes last, after the fillers: a scan of the catalog meets all of them.
    const world = (entries: number) =>
      inMemoryWorld({
        before: (catalog) =>
          installProviderEntries(catalog, FILLER_PROVIDER, 'filler', fillerEntries(entries - 1)),
      });
    const small = world(10);
    const large = world(context.quick ? 2000 : 10_000);
    try {
      const create = async (w: typeof small): Promise<void> => {
        const ws2 = w.process.ws2;
        const s = check(
          ws2,
          await ws2.WSASocketW(
            IN_MEMORY_STREAM.af,
            IN_MEMORY_STREAM.type,
            IN_MEMORY_STREAM.protocol,
            null,
            0,
            WSA_FLAG_OVERLAPPED,
          ),
          'WSASocketW',
        );
        check(ws2, ws2.closesocket(s), 'closesocket');
      };
      const count = context.quick ? 100 : 1000;
      return await interleave(context, {
        baseline: () => asyncLoopMs(count, () => create(small)),
        variant: () => asyncLoopMs(count, () => create(large)),
      });
    } finally {
      small.end();
      large.end();
    }
  },
};

/** The figures of this family. */
export const figures: Figure[] = [
  getsockoptSoType,
  sendDisconnectOnShutSocket,
  oneByteSend,
  queuedReceive,
  liveInstances,
  hooksAfterCleanup,
  socketInLargeCatalog,
];
