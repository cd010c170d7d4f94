/**
 * The in-memory provider against the bare SimNetwork it runs on: whole connection lives (and how
 * their cost grows with their number) and the heap an idle connection holds. The SimNetwork's own
 * cost is in both sides; the ratio is what the dispatcher, the provider kit and the in-memory
 * provider's framing add to it.
 * @module
 */

import type { SOCKET, StreamConnection, WSABUF, Ws2 } from '@ws2spi/spi';
import { SimNetwork } from '@ws2spi/spi/testing';
import { HOST_A, IN_MEMORY_STREAM } from './fixtures/in-memory-pair';
import { inMemoryWorld } from './fixtures/processes';
import { pool } from './fixtures/workloads';
import { check, SOCKADDR_STORAGE, ws2Listen } from './fixtures/ws2-connections';
import type { Figure } from './harness/figure';
import { interleave } from './harness/interleave';
import { elapsed, settledHeapBytes } from './harness/timing';

/** Lives in flight at once. */
const CONCURRENCY = 100;
const ONE = new Uint8Array([1]);
/** The disconnect data each client sends (and the bare network's client writes before its FIN). */
const GOODBYE = new TextEncoder().encode('goodbye!');

const SIM_HOST = { host: '10.0.0.1', family: 4 as const };

function quietHandlers(done?: { resolve: () => void; reject: (e: unknown) => void }, onEnd?: () => void) {
  return {
    onData: () => {},
    onEnd: () => onEnd?.(),
    onReset: (error: unknown) => done?.reject(error),
    onDrain: () => {},
    onClose: () => done?.resolve(),
  };
}

/**
 * `count` lives on the bare SimNetwork: connect, write one byte, write the goodbye bytes and end;
 * the server ends when it sees the end; the client's life is over when its connection closes.
 */
async function bareLives(count: number): Promise<number> {
  const network = new SimNetwork();
  const host = network.addHost('a', { ipv4: ['10.0.0.1'] });
  const listener = await host.streams.listen({ ...SIM_HOST, port: 0, backlog: CONCURRENCY }, (c) =>
    c.setHandlers(quietHandlers(undefined, () => c.end())),
  );
  try {
    return await elapsed(() =>
      pool(count, CONCURRENCY, async () => {
        const c = await host.streams.connect({ ...SIM_HOST, port: listener.local.port });
        await new Promise<void>((resolve, reject) => {
          c.setHandlers(quietHandlers({ resolve, reject }));
          c.write(ONE);
          c.write(GOODBYE);
          c.end();
        });
      }),
    );
  } finally {
    listener.close();
    network.close();
  }
}

/**
 * The same lives through the C API: the client connects, sends a byte, `WSASendDisconnect`s with the
 * goodbye, waits for the server's close and closes; the server accepts, reads the byte and the
 * disconnect (`recv` 0), takes the data with `WSARecvDisconnect` and closes.
 */
async function ws2Lives(count: number): Promise<number> {
  const world = inMemoryWorld({ disconnectData: true });
  const ws2 = world.process.ws2;
  try {
    const listener = await ws2Listen(ws2, IN_MEMORY_STREAM, HOST_A);
    const serve = async (s: SOCKET): Promise<void> => {
      const b = new Uint8Array(16);
      if ((await ws2.recv(s, b, 16, 0)) !== 1) throw new Error('server: expected the byte');
      const n = await ws2.recv(s, b, 16, 0);
      if (n !== 0) throw new Error(`server: expected the disconnect, got ${n} (${ws2.WSAGetLastError()})`);
      const data: WSABUF = { len: 16, buf: b };
      check(ws2, ws2.WSARecvDisconnect(s, data), 'WSARecvDisconnect');
      if (data.len !== GOODBYE.byteLength) throw new Error(`server: disconnect data of ${data.len} bytes`);
      check(ws2, ws2.closesocket(s), 'server closesocket');
    };
    return await elapsed(async () => {
      const served: Promise<void>[] = [];
      const acceptor = (async () => {
        for (let i = 0; i < count; i++)
          served.push(serve(check(ws2, await ws2.accept(listener.socket, null, null), 'accept')));
      })();
      await pool(count, CONCURRENCY, () => clientLife(ws2, listener.address));
      await acceptor;
      await Promise.all(served);
    });
  } finally {
    world.end();
  }
}

async function clientLife(ws2: Ws2, server: Parameters<Ws2['connect']>[1]): Promise<void> {
  const s = check(
    ws2,
    await ws2.socket(IN_MEMORY_STREAM.af, IN_MEMORY_STREAM.type, IN_MEMORY_STREAM.protocol),
    'socket',
  );
  check(ws2, await ws2.connect(s, server, SOCKADDR_STORAGE), 'connect');
  check(ws2, await ws2.send(s, ONE, 1, 0), 'send');
  check(ws2, ws2.WSASendDisconnect(s, { len: GOODBYE.byteLength, buf: GOODBYE }), 'WSASendDisconnect');
  const n = await ws2.recv(s, new Uint8Array(1), 1, 0);
  if (n !== 0) throw new Error(`client: expected the server's close, got ${n} (${ws2.WSAGetLastError()})`);
  check(ws2, ws2.closesocket(s), 'client closesocket');
}

const lives: Figure = {
  id: 'in-memory.lives.10000',
  title: '10,000 in-memory connection lives (100 at a time): Ws2 vs bare SimNetwork',
  target: { kind: 'at-most', value: 1.5 },
  rounds: { full: 7, quick: 3 },
  run: (context) => {
    const count = context.quick ? 500 : 10_000;
    return interleave(context, { baseline: () => bareLives(count), variant: () => ws2Lives(count) });
  },
};

const growth: Figure = {
  id: 'in-memory.lives.growth',
  title: 'in-memory connection lives, cost per life: 10,000 vs 1,000 (linear growth)',
  target: { kind: 'at-most', value: 1.2 },
  rounds: { full: 7, quick: 3 },
  run: async (context) => {
    const small = context.quick ? 100 : 1000;
    const large = small * 10;
    const outcome = await interleave(context, {
      baseline: async () => (await ws2Lives(small)) * 10,
      variant: () => ws2Lives(large),
    });
    outcome.note = `baseline = 10 × the time of ${small.toLocaleString('en')} lives, variant = the time of ${large.toLocaleString('en')}`;
    return outcome;
  },
};

/** Bytes per open idle connection on the bare network: both ends held, handlers set. */
async function bareHeapPerConnection(count: number): Promise<number> {
  const network = new SimNetwork();
  const host = network.addHost('a', { ipv4: ['10.0.0.1'] });
  const held: StreamConnection[] = [];
  const listener = await host.streams.listen({ ...SIM_HOST, port: 0, backlog: CONCURRENCY }, (c) => {
    c.setHandlers(quietHandlers());
    held.push(c);
  });
  const before = settledHeapBytes();
  await pool(count, CONCURRENCY, async () => {
    const c = await host.streams.connect({ ...SIM_HOST, port: listener.local.port });
    c.setHandlers(quietHandlers());
    held.push(c);
  });
  await network.idle();
  const after = settledHeapBytes();
  if (held.length !== 2 * count)
    throw new Error(`bare heap: ${held.length} ends open, expected ${2 * count}`);
  listener.close();
  network.close();
  return (after - before) / count;
}

/** Bytes per open idle connection through `Ws2`: a connected client and its accepted socket. */
async function ws2HeapPerConnection(count: number): Promise<number> {
  const world = inMemoryWorld();
  const ws2 = world.process.ws2;
  try {
    const listener = await ws2Listen(ws2, IN_MEMORY_STREAM, HOST_A);
    const sockets: SOCKET[] = [];
    const before = settledHeapBytes();
    const acceptor = (async () => {
      for (let i = 0; i < count; i++)
        sockets.push(check(ws2, await ws2.accept(listener.socket, null, null), 'accept'));
    })();
    await pool(count, CONCURRENCY, async () => {
      const s = check(
        ws2,
        await ws2.socket(IN_MEMORY_STREAM.af, IN_MEMORY_STREAM.type, IN_MEMORY_STREAM.protocol),
        'socket',
      );
      check(ws2, await ws2.connect(s, listener.address, SOCKADDR_STORAGE), 'connect');
      sockets.push(s);
    });
    await acceptor;
    await world.network.idle();
    const after = settledHeapBytes();
    if (sockets.length !== 2 * count)
      throw new Error(`ws2 heap: ${sockets.length} sockets, expected ${2 * count}`);
    return (after - before) / count;
  } finally {
    world.end();
  }
}

const heap: Figure = {
  id: 'in-memory.heap.idle-connection',
  title: 'heap per open idle in-memory connection: Ws2 vs bare SimNetwork',
  target: { kind: 'at-most', value: 1.5 },
  rounds: { full: 7, quick: 3 },
  run: (context) => {
    const count = context.quick ? 200 : 3000;
    return interleave(context, {
      unit: 'B',
      baseline: () => bareHeapPerConnection(count),
      variant: () => ws2HeapPerConnection(count),
    });
  },
};

/** The figures of this family. */
export const figures: Figure[] = [lives, growth, heap];
