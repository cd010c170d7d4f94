/**
 * Bytes buffered per socket are bounded, both directions (issue 12, fault 5), over real loopback TCP:
 *
 * - a non-blocking send takes at most `SO_SNDBUF` bytes (MSDN send: on a non-blocking stream socket
 *   "the number of bytes written can be between 1 and the requested length, depending on buffer
 *   availability"), and once the transport is congested the next one is `WSAEWOULDBLOCK` — a 64 MiB
 *   send to a peer that never reads was taken whole (+195 MiB RSS);
 * - a blocking send waits while the peer does not read (MSDN send: "if no buffer space is
 *   available within the transport system … send will block"), and completes once it reads;
 * - what a socket receives and the application does not read stops at `SO_RCVBUF` (flow control:
 *   the sender sees its window close), plus the one chunk the transport was holding.
 */
import { createServer, type Socket as NetSocket, type Server } from 'node:net';
import {
  AF_INET,
  IPPROTO_TCP,
  nodeDatagramNetwork,
  nodeStreamNetwork,
  SO_RCVBUF,
  SO_SNDBUF,
  SOCK_STREAM,
  type SOCKADDR_IN,
  Socket,
  sockaddrIn,
  WSAEWOULDBLOCK,
  WsaError,
} from '@ws2spi/spi';
import { startTcpProcess, type TcpProcess } from './support/tcp-process';

const MiB = 1024 * 1024;

let proc: TcpProcess;
let server: Server | undefined;
const peers: NetSocket[] = [];
const sockets: Socket[] = [];

beforeEach(() => {
  proc = startTcpProcess({ streams: nodeStreamNetwork(), datagrams: nodeDatagramNetwork() });
});

afterEach(async () => {
  for (const s of sockets.splice(0)) {
    try {
      s.close();
    } catch {
      // closed by the test
    }
  }
  for (const p of peers.splice(0)) p.destroy();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  proc.end();
});

/** A loopback TCP peer that accepts and never reads (until `resume`). */
async function silentPeer(): Promise<{ port: number; accepted: Promise<NetSocket> }> {
  let deliver!: (s: NetSocket) => void;
  const accepted = new Promise<NetSocket>((resolve) => {
    deliver = resolve;
  });
  server = createServer({ pauseOnConnect: true }, (s) => {
    peers.push(s);
    deliver(s);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, accepted };
}

async function connectTo(port: number): Promise<Socket> {
  const s = await Socket.create(proc.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockets.push(s);
  await s.connect(sockaddrIn('127.0.0.1', port));
  return s;
}

/** Non-blocking sends of `chunk` until one is WSAEWOULDBLOCK; the bytes taken before it. */
async function sendUntilWouldBlock(s: Socket, chunk: Uint8Array, limit: number): Promise<number> {
  let total = 0;
  for (;;) {
    try {
      total += await s.send(chunk);
    } catch (error) {
      if (error instanceof WsaError && error.code === WSAEWOULDBLOCK) return total;
      throw error;
    }
    if (total > limit) return total;
    // Let the transport move what it can, as an application's event loop would between sends.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('the send side is bounded by SO_SNDBUF', () => {
  it('a 64 MiB non-blocking send to a peer that never reads takes SO_SNDBUF bytes, then WSAEWOULDBLOCK; memory stays bounded', async () => {
    const { port } = await silentPeer();
    const s = await connectTo(port);
    s.setNonBlocking(true);
    const sndbuf = s.getOption(SO_SNDBUF) as number;
    expect(sndbuf).toBe(64 * 1024);
    const huge = new Uint8Array(64 * MiB);
    const before = process.memoryUsage();
    const first = await s.send(huge);
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThanOrEqual(sndbuf);
    // What the kernel's socket buffers take on loopback is its business; what ws2spi holds is not.
    const total = first + (await sendUntilWouldBlock(s, huge, 64 * MiB));
    expect(total).toBeLessThan(32 * MiB);
    const after = process.memoryUsage();
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(32 * MiB);
  });

  it('SO_SNDBUF set smaller bounds each send to it', async () => {
    const { port } = await silentPeer();
    const s = await connectTo(port);
    s.setNonBlocking(true);
    s.setOption(SO_SNDBUF, 4096);
    expect(await s.send(new Uint8Array(MiB))).toBe(4096);
  });

  it('a blocking send waits while the peer does not read, and completes once it reads', async () => {
    const { port, accepted } = await silentPeer();
    const s = await connectTo(port);
    // More than the kernel's buffers on both ends take: the send cannot be done until the peer reads.
    const data = new Uint8Array(16 * MiB).fill(7);
    let done = false;
    const sending = s.sendAll(data).then(() => {
      done = true;
    });
    const peer = await accepted;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(done).toBe(false);
    let received = 0;
    peer.on('data', (d: Buffer) => {
      received += d.length;
    });
    peer.resume();
    await sending;
    while (received < data.byteLength) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received).toBe(data.byteLength);
  });
});

describe('the receive side is bounded by SO_RCVBUF', () => {
  it('a socket whose application does not read holds at most SO_RCVBUF (and one transport chunk); the sender is held back', async () => {
    const listener = await Socket.create(proc.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
    sockets.push(listener);
    await listener.bind(sockaddrIn('127.0.0.1', 0));
    await listener.listen(1);
    const { sin_port } = listener.localAddress() as SOCKADDR_IN;
    const { createConnection } = await import('node:net');
    const writer = createConnection({ host: '127.0.0.1', port: sin_port });
    peers.push(writer);
    const { socket } = await listener.accept();
    sockets.push(socket);
    const rcvbuf = socket.getOption(SO_RCVBUF) as number;
    const chunk = Buffer.alloc(256 * 1024, 1);
    let written = 0;
    // Write until the writer's own buffer fills: the receiver stopped taking.
    for (let i = 0; i < 400 && writer.writableLength < 8 * MiB; i++) {
      writer.write(chunk);
      written += chunk.length;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    const held = socket.bytesAvailable();
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(rcvbuf + 64 * 1024);
    expect(written).toBeGreaterThan(held);
    // Reading frees the window: the rest flows in.
    const got = await socket.recv(MiB);
    expect(got.byteLength).toBeGreaterThan(0);
  });
});
