/**
 * `WSADuplicateSocketW` with TCP over real loopback sockets: into another `Ws2` process of this
 * Node process, and into a child Node process, which receives the connection's handle over its
 * IPC channel. Both descriptors share one connection — whichever process asks receives the bytes
 * — and closing one leaves the other open; the connection ends (the peer reads 0) when the last
 * descriptor closes.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import * as path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AF_INET,
  FROM_PROTOCOL_INFO,
  INVALID_SOCKET,
  IPPROTO_TCP,
  out,
  registerChildProcess,
  SOCK_STREAM,
  type SOCKADDR,
  type SOCKADDR_IN,
  type SOCKET,
  sockaddrIn,
  WSA_FLAG_OVERLAPPED,
  type WSAPROTOCOL_INFOW,
  type Ws2,
} from '@ws2spi/spi';
import { startTcpProcess, type TcpProcess } from './support/tcp-process';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const TCP_PACKAGE = path.join(REPO_ROOT, 'packages', 'providers-tcp');
const CHILD = path.join(__dirname, 'fixtures', 'duplicate-child.js');

const processes: TcpProcess[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const p of processes.splice(0)) p.end();
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill();
});

function started(): Ws2 {
  const p = startTcpProcess();
  processes.push(p);
  return p.ws2;
}

async function connectedPair(ws2: Ws2): Promise<{ client: SOCKET; server: SOCKET; port: number }> {
  const listener = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  expect(await ws2.bind(listener, sockaddrIn('127.0.0.1', 0), 16)).toBe(0);
  expect(await ws2.listen(listener, 4)).toBe(0);
  const name = out<SOCKADDR | null>(null);
  ws2.getsockname(listener, name, out(16));
  const client = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  const [server, rc] = await Promise.all([
    ws2.accept(listener, null, null),
    ws2.connect(client, name.value, 16),
  ]);
  expect(rc).toBe(0);
  ws2.closesocket(listener);
  const local = out<SOCKADDR | null>(null);
  ws2.getsockname(client, local, out(16));
  return { client, server, port: (local.value as SOCKADDR_IN).sin_port };
}

async function recvText(ws2: Ws2, s: SOCKET): Promise<string> {
  const buf = new Uint8Array(256);
  const n = await ws2.recv(s, buf, buf.byteLength, 0);
  return n < 0 ? `error ${ws2.WSAGetLastError()}` : Buffer.from(buf.subarray(0, n)).toString();
}

async function sendText(ws2: Ws2, s: SOCKET, text: string): Promise<number> {
  const data = Buffer.from(text);
  return ws2.send(s, data, data.byteLength, 0);
}

describe('WSADuplicateSocketW over real TCP', () => {
  it('into another Ws2 process of this Node process: one connection, two descriptors', async () => {
    const a = started();
    const b = started();
    const { client, server } = await connectedPair(a);
    const info = out<WSAPROTOCOL_INFOW | null>(null);
    expect(a.WSADuplicateSocketW(client, b.GetCurrentProcessId(), info)).toBe(0);
    const dup = await b.WSASocketW(
      FROM_PROTOCOL_INFO,
      FROM_PROTOCOL_INFO,
      FROM_PROTOCOL_INFO,
      info.value,
      0,
      WSA_FLAG_OVERLAPPED,
    );
    expect(dup).not.toBe(INVALID_SOCKET);
    expect(a.closesocket(client)).toBe(0);
    expect(await sendText(b, dup, 'ping')).toBe(4);
    expect(await recvText(a, server)).toBe('ping');
    expect(await sendText(a, server, 'pong')).toBe(4);
    expect(await recvText(b, dup)).toBe('pong');
    expect(b.closesocket(dup)).toBe(0);
    expect(await recvText(a, server)).toBe('');
  });

  describe('into a child Node process', () => {
    beforeAll(() => {
      // The child loads the compiled packages.
      execFileSync(
        process.execPath,
        [path.join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', TCP_PACKAGE],
        {
          cwd: REPO_ROOT,
          stdio: 'pipe',
          timeout: 180_000,
        },
      );
    }, 200_000);

    function spawnChild(): { child: ChildProcess; next: (type: string) => Promise<Record<string, unknown>> } {
      const child = fork(CHILD, [TCP_PACKAGE], {
        execArgv: [],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      const inbox: Record<string, unknown>[] = [];
      const waiting: Array<(m: Record<string, unknown>) => void> = [];
      child.on('message', (m) => {
        const waiter = waiting.shift();
        if (waiter) waiter(m as Record<string, unknown>);
        else inbox.push(m as Record<string, unknown>);
      });
      const next = async (type: string): Promise<Record<string, unknown>> => {
        const m =
          inbox.shift() ??
          (await new Promise<Record<string, unknown>>((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`no '${type}' from the child within 20 s`)),
              20_000,
            );
            waiting.push((message) => {
              clearTimeout(timer);
              resolve(message);
            });
          }));
        expect(m).toMatchObject({ type });
        return m;
      };
      return { child, next };
    }

    it('the child opens the duplicate and uses the connection; closing the parent descriptor leaves it open; the peer sees the end when the child closes too', async () => {
      const a = started();
      const { client, server, port } = await connectedPair(a);
      const { child, next } = spawnChild();
      await next('ready');
      registerChildProcess(child);
      const info = out<WSAPROTOCOL_INFOW | null>(null);
      expect(a.WSADuplicateSocketW(client, child.pid as number, info)).toBe(0);
      child.send({ type: 'open', info: info.value });
      expect(await next('opened')).toEqual({ type: 'opened', peerPort: expect.any(Number) });

      // The parent never asks for data: what the peer sends is the child's to receive.
      expect(await sendText(a, server, 'hello child')).toBe(11);
      child.send({ type: 'echo' });
      expect(await next('echoed')).toEqual({ type: 'echoed', text: 'hello child', sent: 17 });
      expect(await recvText(a, server)).toBe('child:hello child');

      // The parent's descriptor goes; the connection stays the child's.
      expect(a.closesocket(client)).toBe(0);
      expect(await sendText(a, server, 'still there')).toBe(11);
      child.send({ type: 'echo' });
      expect(await next('echoed')).toEqual({ type: 'echoed', text: 'still there', sent: 17 });
      expect(await recvText(a, server)).toBe('child:still there');

      child.send({ type: 'close' });
      expect(await next('closed')).toEqual({ type: 'closed', rc: 0 });
      expect(await recvText(a, server)).toBe('');
      expect(port).toBeGreaterThan(0);
    }, 60_000);

    it('a process ID that is neither a Ws2 process nor a registered child is WSAEINVAL', async () => {
      const a = started();
      const { client } = await connectedPair(a);
      const { child, next } = spawnChild();
      await next('ready');
      const info = out<WSAPROTOCOL_INFOW | null>(null);
      expect(a.WSADuplicateSocketW(client, child.pid as number, info)).toBe(-1);
      expect(a.WSAGetLastError()).toBe(10022);
    }, 30_000);
  });
});
