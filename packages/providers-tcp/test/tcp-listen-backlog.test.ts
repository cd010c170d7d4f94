/**
 * The Winsock backlog of a TCP listener over real loopback: `listen(s, SOMAXCONN)` queues 200
 * requests, as Windows does, and refuses the next; `SOMAXCONN_HINT(n)` queues `n` (at least 200,
 * at most 65535). A burst of connects the backlog accepts completes at once: the kernel's own queue
 * is the system's largest, so Linux never drops a handshake and makes a client retry a second later.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  AF_INET,
  IPPROTO_TCP,
  SOCK_STREAM,
  SOMAXCONN,
  SOMAXCONN_HINT,
  Socket,
  WSAECONNRESET,
} from '@ws2spi/spi';
import { startTcpProcess, type TcpProcess } from './support/tcp-process';
import { closeAll, errorOf, loopback, portOf } from './support/winsock-steps';

let proc: TcpProcess;
const opened: Socket[] = [];

beforeEach(() => {
  proc = startTcpProcess();
});

afterEach(() => {
  closeAll(...opened.splice(0));
  proc.end();
});

async function tcpSocket(): Promise<Socket> {
  const s = await Socket.create(proc.ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  opened.push(s);
  return s;
}

async function listening(backlog: number): Promise<Socket> {
  const listener = await tcpSocket();
  await listener.bind(loopback(4));
  await listener.listen(backlog);
  return listener;
}

/** Connects `count` clients at once; none is accepted meanwhile. */
async function connectAll(listener: Socket, count: number): Promise<Socket[]> {
  const clients = await Promise.all(Array.from({ length: count }, () => tcpSocket()));
  await Promise.all(clients.map((c) => c.connect(listener.localAddress()!)));
  return clients;
}

describe('TCP listen backlog', () => {
  it('SOMAXCONN queues 200 requests; the 201st is reset', async () => {
    const listener = await listening(SOMAXCONN);
    const queued = await connectAll(listener, 200);
    const extra = await tcpSocket();
    await extra.connect(listener.localAddress()!);
    // The kernel completed the handshake before the provider could refuse: the refusal is a reset.
    expect(await errorOf(extra.recv())).toBe(WSAECONNRESET);
    for (let i = 0; i < queued.length; i++) opened.push((await listener.accept()).socket);
  });

  it('SOMAXCONN_HINT(500) queues 500 simultaneous connects, every one accepted', async () => {
    const listener = await listening(SOMAXCONN_HINT(500));
    const clients = await connectAll(listener, 500);
    const ports = new Set<number>();
    for (let i = 0; i < clients.length; i++) {
      const { socket, remote } = await listener.accept();
      opened.push(socket);
      ports.add(portOf(remote));
    }
    expect(ports.size).toBe(500);
  });

  it('SOMAXCONN_HINT below 200 is raised to 200', async () => {
    const listener = await listening(SOMAXCONN_HINT(5));
    const clients = await connectAll(listener, 150);
    for (let i = 0; i < clients.length; i++) opened.push((await listener.accept()).socket);
    expect(clients).toHaveLength(150);
  });
});
