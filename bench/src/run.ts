/**
 * ws2spi benchmarks (`pnpm bench`). Every figure is a ratio against a baseline measured in the
 * same run on the same machine, never an absolute time, so results compare across machines:
 *
 * 1. Dispatch overhead per call: `Ws2.getsockopt(SO_TYPE)` through the dispatcher vs. the same
 *    `lpWSPGetSockOpt` called directly on the provider's proc table.
 * 2. Bulk transfer over real loopback TCP: 32 MiB through `Socket` (Ws2 → TCP provider → net) vs.
 *    the same transfer with Node's `net` directly.
 * 3. Request/response latency over real loopback TCP: 2,000 one-byte ping-pongs, same comparison.
 *
 * Each measurement is repeated and the median taken.
 */
import 'reflect-metadata';
import { once } from 'node:events';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { installTcpProviders } from '@ws2spi/providers-tcp';
import {
  AF_INET,
  Catalog,
  emptyWsaData,
  IPPROTO_TCP,
  MAKEWORD,
  out,
  SO_TYPE,
  SOCK_STREAM,
  type SOCKADDR_IN,
  SOL_SOCKET,
  Socket,
  sockaddrIn,
  Ws2,
} from '@ws2spi/spi';
import { container } from 'tsyringe';

const REPEATS = 5;

async function median(fn: () => Promise<number>): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < REPEATS; i++) runs.push(await fn());
  runs.sort((a, b) => a - b);
  return runs[Math.floor(runs.length / 2)];
}

async function time(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function startProcess(): Ws2 {
  const catalog = new Catalog();
  installTcpProviders(catalog);
  const ws2 = new Ws2({ catalog, container: container.createChildContainer() });
  if (ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData()) !== 0) throw new Error('WSAStartup failed');
  return ws2;
}

async function dispatchOverhead(ws2: Ws2): Promise<{ direct: number; dispatched: number }> {
  const s = await Socket.create(ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  const table = ws2.startedProviders[0].procTable;
  const calls = 200_000;
  const value = out<unknown>(null);
  const direct = await median(() =>
    time(async () => {
      for (let i = 0; i < calls; i++)
        table.lpWSPGetSockOpt(s.handle, SOL_SOCKET, SO_TYPE, value as never, out(4), out(0));
    }),
  );
  const dispatched = await median(() =>
    time(async () => {
      for (let i = 0; i < calls; i++) ws2.getsockopt(s.handle, SOL_SOCKET, SO_TYPE, value as never, out(4));
    }),
  );
  s.close();
  return { direct, dispatched };
}

const CHUNK = 64 * 1024;
const TOTAL = 32 * 1024 * 1024;

async function rawTransfer(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const received = new Promise<void>((resolve) => {
    server.once('connection', (c) => {
      let n = 0;
      c.on('data', (d: Buffer) => {
        n += d.length;
        if (n >= TOTAL) resolve();
      });
    });
  });
  const client = net.connect(port, '127.0.0.1');
  await once(client, 'connect');
  const chunk = new Uint8Array(CHUNK);
  const elapsed = await time(async () => {
    for (let sent = 0; sent < TOTAL; sent += CHUNK) if (!client.write(chunk)) await once(client, 'drain');
    await received;
  });
  client.destroy();
  server.close();
  return elapsed;
}

async function connectedPair(ws2: Ws2): Promise<{ a: Socket; b: Socket; listener: Socket }> {
  const listener = await Socket.create(ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  await listener.bind(sockaddrIn('127.0.0.1', 0));
  await listener.listen();
  const address = listener.localAddress() as SOCKADDR_IN;
  const a = await Socket.create(ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  const [, accepted] = await Promise.all([a.connect(address), listener.accept()]);
  return { a, b: accepted.socket, listener };
}

async function ws2Transfer(ws2: Ws2): Promise<number> {
  const { a, b, listener } = await connectedPair(ws2);
  const chunk = new Uint8Array(CHUNK);
  const elapsed = await time(async () => {
    const reader = (async () => {
      let n = 0;
      while (n < TOTAL) n += (await b.recv(CHUNK)).byteLength;
    })();
    for (let sent = 0; sent < TOTAL; sent += CHUNK) await a.sendAll(chunk);
    await reader;
  });
  for (const s of [a, b, listener]) s.close();
  return elapsed;
}

const PINGS = 2_000;

async function rawPingPong(): Promise<number> {
  const server = net.createServer((c) => c.on('data', (d) => c.write(d)));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await once(client, 'connect');
  const one = new Uint8Array([1]);
  const elapsed = await time(async () => {
    for (let i = 0; i < PINGS; i++) {
      client.write(one);
      await once(client, 'data');
    }
  });
  client.destroy();
  server.close();
  return elapsed;
}

async function ws2PingPong(ws2: Ws2): Promise<number> {
  const { a, b, listener } = await connectedPair(ws2);
  const one = new Uint8Array([1]);
  let running = true;
  const echo = (async () => {
    while (running) {
      const d = await b.recv(16);
      if (d.byteLength === 0) break;
      await b.send(d);
    }
  })();
  const elapsed = await time(async () => {
    for (let i = 0; i < PINGS; i++) {
      await a.send(one);
      await a.recv(16);
    }
  });
  running = false;
  a.sendDisconnect();
  await echo;
  for (const s of [a, b, listener]) s.close();
  return elapsed;
}

function report(name: string, baseline: number, measured: number): void {
  console.log(
    `${name.padEnd(44)} ratio ${(measured / baseline).toFixed(2)}x  (baseline ${baseline.toFixed(1)} ms, ws2spi ${measured.toFixed(1)} ms)`,
  );
}

async function main(): Promise<void> {
  const ws2 = startProcess();
  console.log(
    `ws2spi benchmarks — median of ${REPEATS}; ratio = ws2spi / baseline in this run (lower is better)\n`,
  );
  const overhead = await dispatchOverhead(ws2);
  report('dispatch: getsockopt via Ws2 vs direct WSP', overhead.direct, overhead.dispatched);
  report(
    'loopback TCP bulk 32 MiB: Socket vs net',
    await median(rawTransfer),
    await median(() => ws2Transfer(ws2)),
  );
  report(
    `loopback TCP ${PINGS} ping-pongs: Socket vs net`,
    await median(rawPingPong),
    await median(() => ws2PingPong(ws2)),
  );
  ws2.WSACleanup();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
