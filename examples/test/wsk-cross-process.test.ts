/**
 * WSK and Winsock across two processes, over real loopback TCP and ISO transport class 2: the WSK
 * echo server in a child process with Winsock clients here (a graceful and an abortive end, each
 * one `WskDisconnectEvent` there), and a Winsock echo server in a child process with a WSK client
 * here. The child is the compiled example (`node examples/dist/wsk-echo.js serve …`).
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { osiWskTransports, sockaddrTp } from '@ws2spi/providers-osi';
import { tcpWskTransports } from '@ws2spi/providers-tcp';
import { SD_SEND, SO_LINGER, type SOCKADDR, Socket, sockaddrIn, type Ws2 } from '@ws2spi/spi';
import { WskConnectionRecorder, WskTestClient } from '@ws2spi/spi/testing';
import {
  createWskProvider,
  STATUS_SUCCESS,
  WSK_EVENT_DISCONNECT,
  WSK_EVENT_RECEIVE,
  WskSubsystem,
} from '@ws2spi/spi/wsk';
import type { WskEchoTransport } from '../src/wsk-echo-server';
import { startWinsockProcess, winsockTriple } from '../src/wsk-winsock-peer';
import { ensureExamplesBuilt, WSK_ECHO_MAIN } from './support/ensure-examples-built';

const TIMEOUT = 60_000;

beforeAll(() => {
  ensureExamplesBuilt();
}, 240_000);

/** A child process running one echo server, and what it printed. */
class Peer {
  readonly lines: string[] = [];
  private waiters: Array<() => void> = [];
  private buffered = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      const parts = this.buffered.split('\n');
      this.buffered = parts.pop()!;
      this.lines.push(...parts);
      for (const wake of this.waiters.splice(0)) wake();
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => this.lines.push(`stderr: ${chunk}`));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  static start(side: 'wsk' | 'winsock', transport: WskEchoTransport): Peer {
    return new Peer(
      spawn(process.execPath, [WSK_ECHO_MAIN, 'serve', '--side', side, '--transport', transport], {
        stdio: 'pipe',
        env: { PATH: process.env.PATH ?? '' },
      }),
    );
  }

  async line(pattern: RegExp): Promise<RegExpMatchArray> {
    for (;;) {
      for (const line of this.lines) {
        const match = line.match(pattern);
        if (match) return match;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async count(pattern: RegExp, n: number): Promise<string[]> {
    for (;;) {
      const found = this.lines.filter((l) => pattern.test(l));
      if (found.length >= n) return found;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Closes its standard input: it stops, and exits. */
  async stop(): Promise<number | null> {
    this.child.stdin.end();
    return this.exited;
  }
}

const addressAt = (transport: WskEchoTransport, port: number): SOCKADDR =>
  transport === 'tcp' ? sockaddrIn('127.0.0.1', port) : sockaddrTp('echo', '127.0.0.1', port);

const peers: Peer[] = [];
afterEach(async () => {
  for (const peer of peers.splice(0)) {
    if (peer.child.exitCode === null) peer.child.kill();
    await peer.exited;
  }
});

describe.each(['tcp', 'osi'] as const)('across two processes over %s', (transport) => {
  it(
    'Winsock clients here, the WSK echo server there: one graceful and one abortive WskDisconnectEvent',
    async () => {
      const peer = Peer.start('wsk', transport);
      peers.push(peer);
      const port = Number((await peer.line(/^listening port=(\d+)$/))[1]);
      const ws2: Ws2 = startWinsockProcess();
      const { af, type, protocol } = winsockTriple(transport);
      try {
        const graceful = await Socket.create(ws2, af, type, protocol);
        await graceful.connect(addressAt(transport, port));
        await graceful.sendAll(new TextEncoder().encode('across processes'));
        expect(new TextDecoder().decode(await graceful.recv(4096))).toBe('across processes');
        graceful.shutdown(SD_SEND);
        await peer.count(/WskDisconnectEvent/, 1);
        graceful.close();

        const abortive = await Socket.create(ws2, af, type, protocol);
        await abortive.connect(addressAt(transport, port));
        await abortive.sendAll(new TextEncoder().encode('reset me'));
        expect(new TextDecoder().decode(await abortive.recv(4096))).toBe('reset me');
        abortive.setOption(SO_LINGER, { l_onoff: 1, l_linger: 0 });
        abortive.close();
        const events = await peer.count(/WskDisconnectEvent/, 2);
        expect(events[0]).toMatch(/: graceful \(Flags 0x[08]/);
        expect(events[1]).toMatch(
          /: abortive \(Flags 0x9: WSK_FLAG_ABORTIVE \| WSK_FLAG_AT_DISPATCH_LEVEL\)/,
        );
      } finally {
        while (ws2.startupReferences > 0) ws2.WSACleanup();
      }
      expect(await peer.stop()).toBe(0);
      expect(peer.lines).toContain('verifier violations: 0');
      expect(peer.lines.filter((l) => /WskDisconnectEvent/.test(l))).toHaveLength(2);
    },
    TIMEOUT,
  );

  it(
    'a WSK client here, the Winsock echo server there: data echoed, then a graceful end both ways',
    async () => {
      const peer = Peer.start('winsock', transport);
      peers.push(peer);
      const port = Number((await peer.line(/^listening port=(\d+)$/))[1]);
      const provider = createWskProvider({
        transports: transport === 'tcp' ? tcpWskTransports() : osiWskTransports(),
      });
      const wsk = new WskSubsystem({ provider });
      const client = await WskTestClient.start(wsk);
      const { type, protocol } = winsockTriple(transport);
      const recorder = new WskConnectionRecorder();
      const local = transport === 'tcp' ? sockaddrIn('127.0.0.1', 0) : sockaddrTp('wsk', '127.0.0.1', 0);
      try {
        const socket = await client.connect(type, protocol, local, addressAt(transport, port), recorder);
        expect(client.enableEvents(socket, WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT)).toBe(STATUS_SUCCESS);
        expect((await client.send(socket, new TextEncoder().encode('from WSK'))).Status).toBe(STATUS_SUCCESS);
        await recorder.until(() => recorder.received().byteLength === 8);
        expect(new TextDecoder().decode(recorder.received())).toBe('from WSK');
        expect((await client.disconnect(socket, null)).Status).toBe(STATUS_SUCCESS);
        await recorder.untilDisconnected();
        expect(recorder.disconnects().map((e) => e.flags & 1)).toEqual([0]);
        await peer.line(/WSK peer disconnected gracefully|WSAEDISCON/);
      } finally {
        await client.end();
        provider.dispose();
      }
      expect(wsk.verifier.violations).toEqual([]);
      expect(await peer.stop()).toBe(0);
    },
    TIMEOUT,
  );
});
