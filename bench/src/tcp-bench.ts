/**
 * Real loopback TCP through the TCP/IP provider against Node's `net` doing the same: bulk
 * throughput and one-byte latency (through the C API and through `Socket`), and the cost of
 * connection lives, all at once and 100 at a time.
 * @module
 */

import { once } from 'node:events';
import net from 'node:net';
import {
  AF_INET,
  IPPROTO_TCP,
  LISTENER_KERNEL_BACKLOG as KERNEL_BACKLOG,
  SOCK_STREAM,
  type SOCKET,
  SOMAXCONN_HINT,
  sockaddrIn,
  type Ws2,
} from '@ws2spi/spi';
import { tcpProcess } from './fixtures/processes';
import {
  netPingPong,
  netTransfer,
  pool,
  socketPingPong,
  socketTransfer,
  ws2PingPong,
  ws2Transfer,
} from './fixtures/workloads';
import { check, netPair, type SocketKind, ws2Listen, ws2Pair } from './fixtures/ws2-connections';
import type { Figure, FigureContext } from './harness/figure';
import { interleave } from './harness/interleave';
import { elapsed } from './harness/timing';

const TCP: SocketKind = { af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP };
const LOOPBACK = sockaddrIn('127.0.0.1', 0);
const CHUNK = 64 * 1024;
const MiB = 1024 * 1024;

/** A round over a fresh `Ws2` process (started and cleaned up around the timed part). */
async function withTcpPair<T>(
  work: (ws2: Ws2, pair: Awaited<ReturnType<typeof ws2Pair>>) => Promise<T>,
): Promise<T> {
  const process = tcpProcess();
  try {
    const pair = await ws2Pair(process.ws2, TCP, LOOPBACK);
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

function throughput(via: 'Ws2' | 'Socket'): Figure {
  return {
    id: `tcp.throughput.${via.toLowerCase()}`,
    title: `loopback TCP 256 MiB in 64 KiB writes: ${via === 'Ws2' ? 'Ws2 send/recv' : 'Socket'} vs net (throughput)`,
    target: { kind: 'at-least', value: 0.9 },
    rounds: { full: 11, quick: 3 },
    run: (context: FigureContext) => {
      const total = (context.quick ? 8 : 256) * MiB;
      const transfer = via === 'Ws2' ? ws2Transfer : socketTransfer;
      return interleave(context, {
        orientation: 'throughput',
        baseline: () => withNetPair((pair) => netTransfer(pair, total, CHUNK)),
        variant: () => withTcpPair((ws2, pair) => transfer(ws2, pair, total, CHUNK)),
      });
    },
  };
}

function pingPong(via: 'Ws2' | 'Socket', target: number): Figure {
  return {
    id: `tcp.ping-pong.${via.toLowerCase()}`,
    title: `loopback TCP 1-byte ping-pong latency: ${via} vs net`,
    target: { kind: 'at-most', value: target },
    run: (context: FigureContext) => {
      const count = context.quick ? 200 : 3000;
      const exchange = via === 'Ws2' ? ws2PingPong : socketPingPong;
      return interleave(context, {
        baseline: () => withNetPair((pair) => netPingPong(pair, count)),
        variant: () => withTcpPair((ws2, pair) => exchange(ws2, pair, count)),
      });
    },
  };
}

/**
 * One connection life over raw `net`: connect, the client sends one byte, the server reads it and
 * closes, the client sees the end and closes.
 */
async function netLives(count: number, concurrency: number, backlog: number): Promise<number> {
  const server = net.createServer((c) => {
    c.on('error', () => {});
    c.once('data', () => c.end());
  });
  server.listen({ host: '127.0.0.1', port: 0, backlog });
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  try {
    return await elapsed(() =>
      pool(count, concurrency, async () => {
        const client = net.connect(port, '127.0.0.1');
        await once(client, 'connect');
        client.write(new Uint8Array([1]));
        client.resume();
        await once(client, 'end');
        client.destroy();
        await once(client, 'close');
      }),
    );
  } finally {
    server.close();
  }
}

/** The same lives through the C API: `socket`, `connect`, `send`; the server `accept`s, `recv`s and `closesocket`s. */
async function ws2Lives(count: number, concurrency: number, backlog: number): Promise<number> {
  const process = tcpProcess();
  const ws2 = process.ws2;
  try {
    const listener = await ws2Listen(ws2, TCP, LOOPBACK, backlog);
    const serve = async (s: SOCKET): Promise<void> => {
      const b = new Uint8Array(1);
      check(ws2, await ws2.recv(s, b, 1, 0), 'server recv');
      check(ws2, ws2.closesocket(s), 'server closesocket');
    };
    return await elapsed(async () => {
      const served: Promise<void>[] = [];
      const acceptor = (async () => {
        for (let i = 0; i < count; i++)
          served.push(serve(check(ws2, await ws2.accept(listener.socket, null, null), 'accept')));
      })();
      await pool(count, concurrency, async () => {
        const s = check(ws2, await ws2.socket(TCP.af, TCP.type, TCP.protocol), 'socket');
        check(ws2, await ws2.connect(s, listener.address, 128), 'connect');
        check(ws2, await ws2.send(s, new Uint8Array([1]), 1, 0), 'send');
        const b = new Uint8Array(1);
        const n = await ws2.recv(s, b, 1, 0);
        if (n !== 0)
          throw new Error(`client recv returned ${n}, expected the server's FIN (${ws2.WSAGetLastError()})`);
        check(ws2, ws2.closesocket(s), 'client closesocket');
      });
      await acceptor;
      await Promise.all(served);
    });
  } finally {
    process.end();
  }
}

function lives(concurrency: number, target: number): Figure {
  const all = concurrency >= 1000;
  return {
    id: `tcp.lives.${all ? 'all-at-once' : `${concurrency}-at-a-time`}`,
    title: `1,000 real TCP connection lives ${all ? 'all at once' : `${concurrency} at a time`}: Ws2 vs net`,
    target: { kind: 'at-most', value: target },
    rounds: { full: 9, quick: 3 },
    run: (context: FigureContext) => {
      const count = context.quick ? 100 : 1000;
      const inFlight = Math.min(concurrency, count);
      // Both servers can queue the whole burst: raw net asks the kernel for the system's largest
      // queue, the Winsock server for `count` requests (SOMAXCONN_HINT; the TCP provider's kernel
      // queue is the system's largest too). With Node's default of 511 a burst of 1,000 overflows
      // the kernel's queue, and the handshakes it drops come back a second later.
      return interleave(context, {
        baseline: () => netLives(count, inFlight, KERNEL_BACKLOG),
        variant: () => ws2Lives(count, inFlight, SOMAXCONN_HINT(count)),
      });
    },
  };
}

/** The figures of this family. */
export const figures: Figure[] = [
  throughput('Ws2'),
  throughput('Socket'),
  pingPong('Ws2', 1.2),
  pingPong('Socket', 1.25),
  lives(1000, 1.1),
  lives(100, 1.5),
];
