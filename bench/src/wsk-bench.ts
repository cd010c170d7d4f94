/**
 * WSK benchmarks: `figures`, the two rows of `pnpm bench`'s table (bench/src/harness), and
 * `runWskBench`, the same measurements on their own (`node bench/dist/wsk-bench.js`). Every figure is a ratio against a baseline measured in the same
 * run, interleaved with it, never an absolute time:
 *
 * 1. Throughput over real loopback TCP: a WSK client sends `totalBytes` to a WSK server (WskSend
 *    with `outstandingSends` sends outstanding; the server takes everything in `WskReceiveEvent`), against the
 *    same transfer between two sockets of Node's `net`. Reported as WSK throughput / `net`
 *    throughput (the target is ≥ 0.9), by wall clock and by CPU time spent (user + system, both
 *    ends in this process), the steadier figure when the machine is shared.
 * 2. Heap per open WSK connection: the heap a connected WSK connection socket holds (with the
 *    `net.Socket` under it), measured over `connections` of them after a forced GC, against the
 *    heap per connected `net.Socket` alone.
 *
 * Each measurement is repeated; the medians are reported.
 */
import 'reflect-metadata';
import { once } from 'node:events';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { tcpWskTransports } from '@ws2spi/providers-tcp';
import { IPPROTO_TCP, out, SOCK_STREAM, type SOCKADDR, SOL_SOCKET, sockaddrIn } from '@ws2spi/spi';
import {
  callWithIrp,
  createWskProvider,
  emptyWskProviderNpi,
  emptyWskRegistration,
  IoReuseIrp,
  IoSetCompletionRoutine,
  IRP,
  MAKE_WSK_VERSION,
  NPI_WSK_INTERFACE_ID,
  type PIO_COMPLETION_ROUTINE,
  type PWSK_CLIENT,
  SO_WSK_EVENT_CALLBACK,
  STATUS_MORE_PROCESSING_REQUIRED,
  STATUS_SUCCESS,
  STATUS_UNSUCCESSFUL,
  type WSK_CLIENT_CONNECTION_DISPATCH,
  type WSK_CLIENT_LISTEN_DISPATCH,
  WSK_EVENT_ACCEPT,
  WSK_EVENT_RECEIVE,
  WSK_FLAG_LISTEN_SOCKET,
  WSK_NO_WAIT,
  type WSK_PROVIDER_CONNECTION_DISPATCH,
  type WSK_PROVIDER_DISPATCH,
  type WSK_PROVIDER_LISTEN_DISPATCH,
  type WSK_SOCKET,
  WskSetOption,
  WskSubsystem,
  wskBuf,
} from '@ws2spi/spi/wsk';
import type { Figure } from './harness/figure';
import { interleave } from './harness/interleave';
import { currentClock } from './harness/timing';

/** What to measure. */
export interface WskBenchOptions {
  /** Bytes per transfer (default 32 MiB). */
  totalBytes?: number;
  /** Bytes per send (default 64 KiB). */
  chunkBytes?: number;
  /** Sends a WSK sender keeps outstanding (default 8, 512 KiB: above the transport's ideal backlog). */
  outstandingSends?: number;
  /** Repeats of each measurement (default 7). */
  repeats?: number;
  /** Connections opened for the heap figure (default 200). */
  connections?: number;
  /** Receives the narration. */
  log?: (line: string) => void;
}

/** The figures. */
export interface WskBenchResult {
  /** Median ms of one transfer over WSK and over `net`. */
  wskTransferMs: number;
  netTransferMs: number;
  /** WSK throughput / `net` throughput (1 = as fast; the target is ≥ 0.9). */
  throughputRatio: number;
  /** Median CPU ms (user + system, both ends) of one transfer over WSK and over `net`. */
  wskTransferCpuMs: number;
  netTransferCpuMs: number;
  /** `net` CPU time / WSK CPU time: the same ratio by CPU spent, steadier on a shared machine. */
  cpuRatio: number;
  /** Median heap bytes per open connection: a WSK connection socket, and a bare `net.Socket`. */
  heapPerWskConnection: number;
  heapPerNetConnection: number;
  /** Whether a forced GC was available (without it the heap figures are noisier). */
  gcForced: boolean;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

function loadGc(): (() => void) | null {
  try {
    setFlagsFromString('--expose_gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
}

/** A WSK client registered with its own subsystem over real TCP. */
async function wskClient(): Promise<{
  client: PWSK_CLIENT;
  dispatch: WSK_PROVIDER_DISPATCH;
  end: () => Promise<void>;
}> {
  const provider = createWskProvider({ transports: tcpWskTransports() });
  const wsk = new WskSubsystem({ provider });
  const registration = emptyWskRegistration();
  wsk.WskRegister(
    { ClientContext: null, Dispatch: { Version: MAKE_WSK_VERSION(1, 0), Reserved: 0, WskClientEvent: null } },
    registration,
  );
  const npi = emptyWskProviderNpi();
  if ((await wsk.WskCaptureProviderNPI(registration, WSK_NO_WAIT, npi)) !== STATUS_SUCCESS) {
    throw new Error('WskCaptureProviderNPI failed');
  }
  return {
    client: npi.Client!,
    dispatch: npi.Dispatch!,
    end: async () => {
      wsk.WskReleaseProviderNPI(registration);
      await wsk.WskDeregister(registration);
      provider.dispose();
      if (wsk.verifier.violations.length > 0) {
        throw new Error(`WSK verifier: ${wsk.verifier.violations.map((v) => v.rule).join(', ')}`);
      }
    },
  };
}

/** A WSK listener on 127.0.0.1 whose accepted sockets count what `WskReceiveEvent` indicates. */
async function wskSink(
  client: PWSK_CLIENT,
  dispatch: WSK_PROVIDER_DISPATCH,
  onBytes: (n: number) => void,
): Promise<{ address: SOCKADDR; accepted: WSK_SOCKET[]; listener: WSK_SOCKET }> {
  const accepted: WSK_SOCKET[] = [];
  const connectionDispatch: WSK_CLIENT_CONNECTION_DISPATCH = {
    WskReceiveEvent: (_context, _flags, _indication, bytes) => {
      onBytes(bytes);
      return STATUS_SUCCESS;
    },
    WskDisconnectEvent: null,
    WskSendBacklogEvent: null,
  };
  const listenDispatch: WSK_CLIENT_LISTEN_DISPATCH = {
    WskAcceptEvent: (_c, _f, _l, _r, socket, context, acceptDispatch) => {
      if (socket) accepted.push(socket);
      context.value = null;
      acceptDispatch.value = connectionDispatch;
      return STATUS_SUCCESS;
    },
    WskInspectEvent: null,
    WskAbortEvent: null,
  };
  const made = await callWithIrp((irp) =>
    dispatch.WskSocket(
      client,
      2,
      SOCK_STREAM,
      IPPROTO_TCP,
      WSK_FLAG_LISTEN_SOCKET,
      null,
      listenDispatch,
      null,
      null,
      null,
      irp,
    ),
  );
  const listener = made.Information as WSK_SOCKET;
  const d = listener.Dispatch as WSK_PROVIDER_LISTEN_DISPATCH;
  await callWithIrp((irp) => d.WskBind(listener, sockaddrIn('127.0.0.1', 0), 0, irp));
  d.WskControlSocket(
    listener,
    WskSetOption,
    SO_WSK_EVENT_CALLBACK,
    SOL_SOCKET,
    16,
    { NpiId: NPI_WSK_INTERFACE_ID, EventMask: WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE },
    0,
    null,
    null,
    null,
  );
  const local = out<SOCKADDR | null>(null);
  await callWithIrp((irp) => d.WskGetLocalAddress(listener, local, irp));
  return { address: local.value!, accepted, listener };
}

const close = (socket: WSK_SOCKET) =>
  callWithIrp((irp) => (socket.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH).WskCloseSocket(socket, irp));

/** Wall-clock and CPU (user + system) time of one transfer, in ms. */
interface Timing {
  ms: number;
  cpuMs: number;
}

function startTiming(): () => Timing {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
  };
}

/** One WSK → WSK transfer. */
export async function wskTransfer(
  totalBytes: number,
  chunkBytes: number,
  outstanding: number,
): Promise<Timing> {
  const { client, dispatch, end } = await wskClient();
  let received = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const sink = await wskSink(client, dispatch, (n) => {
    received += n;
    if (received >= totalBytes) done();
  });
  const connected = await callWithIrp((irp) =>
    dispatch.WskSocketConnect(
      client,
      SOCK_STREAM,
      IPPROTO_TCP,
      sockaddrIn('127.0.0.1', 0),
      sink.address,
      0,
      null,
      null,
      null,
      null,
      null,
      irp,
    ),
  );
  const socket = connected.Information as WSK_SOCKET;
  const d = socket.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;
  const chunk = new Uint8Array(chunkBytes).fill(0x5a);
  const buffer = wskBuf(chunk);
  // A fixed set of IRPs, reused: each completion starts the next send, as a driver would.
  let queued = 0;
  const stop = startTiming();
  const sent: PIO_COMPLETION_ROUTINE = (_device, completed) => {
    next(completed);
    return STATUS_MORE_PROCESSING_REQUIRED;
  };
  const next = (irp: IRP): void => {
    if (queued >= totalBytes) return;
    const length = Math.min(chunkBytes, totalBytes - queued);
    queued += length;
    IoReuseIrp(irp, STATUS_UNSUCCESSFUL);
    IoSetCompletionRoutine(irp, sent, null, true, true, true);
    d.WskSend(socket, length === chunkBytes ? buffer : { ...buffer, Length: length }, 0, irp);
  };
  for (let i = 0; i < outstanding; i++) next(new IRP());
  await all;
  const elapsed = stop();
  await close(socket);
  for (const s of sink.accepted) await close(s);
  await close(sink.listener);
  await end();
  return elapsed;
}

/** One `net` → `net` transfer. */
export async function netTransfer(totalBytes: number, chunkBytes: number): Promise<Timing> {
  let received = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const server = net.createServer((socket) => {
    socket.on('data', (data: Buffer) => {
      received += data.byteLength;
      if (received >= totalBytes) done();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const client = net.connect(port, '127.0.0.1');
  await once(client, 'connect');
  const chunk = Buffer.alloc(chunkBytes, 0x5a);
  const stop = startTiming();
  let sent = 0;
  while (sent < totalBytes) {
    const length = Math.min(chunkBytes, totalBytes - sent);
    sent += length;
    if (!client.write(length === chunkBytes ? chunk : chunk.subarray(0, length))) await once(client, 'drain');
  }
  await all;
  const elapsed = stop();
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return elapsed;
}

/** Heap bytes per connection for `connections` WSK connection sockets (to a `net` server). */
async function wskHeapPerConnection(connections: number, gc: () => void): Promise<number> {
  const server = net.createServer((socket) => socket.on('error', () => undefined));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const { client, dispatch, end } = await wskClient();
  gc();
  const before = process.memoryUsage().heapUsed;
  const sockets: WSK_SOCKET[] = [];
  for (let i = 0; i < connections; i++) {
    const made = await callWithIrp((irp) =>
      dispatch.WskSocketConnect(
        client,
        SOCK_STREAM,
        IPPROTO_TCP,
        sockaddrIn('127.0.0.1', 0),
        sockaddrIn('127.0.0.1', port),
        0,
        null,
        null,
        null,
        null,
        null,
        irp,
      ),
    );
    sockets.push(made.Information as WSK_SOCKET);
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  for (const s of sockets) await close(s);
  await end();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return (after - before) / connections;
}

/** Heap bytes per connection for `connections` bare `net.Socket`s. */
async function netHeapPerConnection(connections: number, gc: () => void): Promise<number> {
  const server = net.createServer((socket) => socket.on('error', () => undefined));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  gc();
  const before = process.memoryUsage().heapUsed;
  const sockets: net.Socket[] = [];
  for (let i = 0; i < connections; i++) {
    const s = net.connect(port, '127.0.0.1');
    s.on('error', () => undefined);
    await once(s, 'connect');
    sockets.push(s);
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return (after - before) / connections;
}

/** Runs the WSK benchmarks and returns their figures. */
export async function runWskBench(options: WskBenchOptions = {}): Promise<WskBenchResult> {
  const totalBytes = options.totalBytes ?? 32 * 1024 * 1024;
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  const outstanding = options.outstandingSends ?? 8;
  const repeats = options.repeats ?? 7;
  const connections = options.connections ?? 200;
  const log = options.log ?? (() => undefined);
  const gcFn = loadGc();
  const gc = gcFn ?? (() => undefined);

  // Interleaved, after one warm-up of each, so machine load hits both alike.
  await wskTransfer(Math.min(totalBytes, 4 * 1024 * 1024), chunkBytes, outstanding);
  await netTransfer(Math.min(totalBytes, 4 * 1024 * 1024), chunkBytes);
  const wskTimes: Timing[] = [];
  const netTimes: Timing[] = [];
  for (let i = 0; i < repeats; i++) {
    netTimes.push(await netTransfer(totalBytes, chunkBytes));
    wskTimes.push(await wskTransfer(totalBytes, chunkBytes, outstanding));
  }
  const wskTransferMs = median(wskTimes.map((t) => t.ms));
  const netTransferMs = median(netTimes.map((t) => t.ms));
  const wskTransferCpuMs = median(wskTimes.map((t) => t.cpuMs));
  const netTransferCpuMs = median(netTimes.map((t) => t.cpuMs));
  const mib = (totalBytes / 1048576).toFixed(0);
  log(
    `WSK throughput over loopback TCP: ${mib} MiB in ${wskTransferMs.toFixed(1)} ms vs net ${netTransferMs.toFixed(1)} ms → ${(netTransferMs / wskTransferMs).toFixed(2)}× of raw net (target ≥ 0.9)`,
  );
  log(
    `  by CPU time: ${wskTransferCpuMs.toFixed(1)} ms vs ${netTransferCpuMs.toFixed(1)} ms → ${(netTransferCpuMs / wskTransferCpuMs).toFixed(2)}× (median of ${repeats}, interleaved)`,
  );

  const wskHeap: number[] = [];
  const netHeap: number[] = [];
  for (let i = 0; i < Math.max(1, Math.min(repeats, 3)); i++) {
    netHeap.push(await netHeapPerConnection(connections, gc));
    wskHeap.push(await wskHeapPerConnection(connections, gc));
  }
  const heapPerWskConnection = median(wskHeap);
  const heapPerNetConnection = median(netHeap);
  log(
    `heap per open WSK connection: ${(heapPerWskConnection / 1024).toFixed(1)} KiB (a bare net.Socket: ${(heapPerNetConnection / 1024).toFixed(1)} KiB; ${connections} connections${gcFn ? ', after a forced GC' : ', no forced GC available'})`,
  );
  return {
    wskTransferMs,
    netTransferMs,
    throughputRatio: netTransferMs / wskTransferMs,
    wskTransferCpuMs,
    netTransferCpuMs,
    cpuRatio: netTransferCpuMs / wskTransferCpuMs,
    heapPerWskConnection,
    heapPerNetConnection,
    gcForced: gcFn !== null,
  };
}

/**
 * The WSK figures in `pnpm bench`'s table: the transfer and the heap count above, one of each side
 * per round, interleaved.
 */
export const figures: Figure[] = [
  {
    id: 'wsk.throughput',
    title: 'WSK over loopback TCP, 32 MiB in 64 KiB WskSends (8 outstanding) vs net (throughput)',
    target: { kind: 'at-least', value: 0.9 },
    rounds: { full: 11, quick: 3 },
    run: (context) => {
      const total = (context.quick ? 4 : 32) * 1024 * 1024;
      const time = (t: Timing): number => (currentClock() === 'cpu' ? t.cpuMs : t.ms);
      return interleave(context, {
        orientation: 'throughput',
        baseline: async () => time(await netTransfer(total, 64 * 1024)),
        variant: async () => time(await wskTransfer(total, 64 * 1024, 8)),
      });
    },
  },
  {
    id: 'wsk.heap.connection',
    title: 'heap per open WSK connection (with its net.Socket) vs a bare net.Socket',
    target: { kind: 'reference' },
    rounds: { full: 5, quick: 2 },
    run: (context) => {
      const connections = context.quick ? 50 : 200;
      const gc = loadGc() ?? (() => undefined);
      return interleave(context, {
        unit: 'B',
        baseline: () => netHeapPerConnection(connections, gc),
        variant: () => wskHeapPerConnection(connections, gc),
      });
    },
  },
];

if (require.main === module) {
  runWskBench({ log: console.log }).catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
