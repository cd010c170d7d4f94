/**
 * The completion-port echo server of examples/src/iocp-echo-server.ts, over real loopback TCP,
 * through a fault-injecting layer (whose first AcceptEx fails at once with WSAENOBUFS) over a
 * non-IFS pass-through layer: every completion either side dequeues is checked — AcceptEx with the
 * first data, the echo, the client's end of data, DisconnectEx(TF_REUSE_SOCKET) and the reused
 * sockets' next connections, and ERROR_NETNAME_DELETED when a client resets.
 */
import { afterEach, expect, it } from '@jest/globals';
import { installTcpProviders, TCP_PROVIDER_PATH, WSPStartup as tcpWSPStartup } from '@ws2spi/providers-tcp';
import {
  createFaultInjectorLayer,
  definePassThroughLayer,
  ERROR_NETNAME_DELETED,
  registerProvider,
  sockaddrIn,
  WSAENOBUFS,
} from '@ws2spi/spi';
import { createLayeredProcess, type LayeredProcess } from '@ws2spi/spi/testing';
import {
  type Completion,
  type IocpEchoServer,
  runIocpClient,
  startIocpEchoServer,
} from '../src/iocp-echo-server';

let proc: LayeredProcess | undefined;
let server: IocpEchoServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
  await proc?.teardown();
  proc = undefined;
});

/** The completions of each session, in order (sessions interleave; each one's own order is fixed). */
function bySession(completions: Completion[]): Map<number, string[]> {
  const sessions = new Map<number, string[]>();
  for (const c of completions) {
    const line = `${c.op} ${c.ok ? 'TRUE' : `FALSE ${c.error}`} ${c.bytes}`;
    sessions.set(c.session, [...(sessions.get(c.session) ?? []), line]);
  }
  return sessions;
}

it('serves connections on a completion port with AcceptEx, ConnectEx and DisconnectEx(TF_REUSE_SOCKET) through a non-IFS layer and a fault injector', async () => {
  const injector = createFaultInjectorLayer({
    description: 'faulty LSP',
    extensionRules: [{ calls: 'AcceptEx', error: WSAENOBUFS, times: 1 }],
  });
  proc = await createLayeredProcess({
    bases: (catalog, container) => {
      registerProvider(container, TCP_PROVIDER_PATH, tcpWSPStartup);
      installTcpProviders(catalog);
    },
    layers: [
      { name: 'faulty', provider: injector },
      { name: 'pass-through', provider: definePassThroughLayer({ style: 'non-ifs' }) },
    ],
  });
  server = await startIocpEchoServer(proc.ws2, sockaddrIn('127.0.0.1', 0), 2);
  // The first AcceptEx failed at once, the server posted it again; nothing completes for it.
  expect(server.refused).toEqual(['AcceptEx: WSAENOBUFS']);
  expect(injector.injectedExtension).toEqual([
    { kind: 'fail', call: 'AcceptEx', socket: expect.any(Number), error: WSAENOBUFS },
  ]);

  const client = await runIocpClient(proc.newProcess(), sockaddrIn('127.0.0.1', server.address.sin_port), [
    { message: 'one', end: 'disconnect' },
    { message: 'two', end: 'disconnect' },
    { message: 'three', end: 'disconnect' },
    { message: 'rude', end: 'reset' },
    { message: 'after', end: 'disconnect' },
  ]);
  expect(client.echoes).toEqual(['one', 'two', 'three', 'rude', 'after']);
  // One socket for the three sessions before the reset (DisconnectEx(TF_REUSE_SOCKET) and
  // ConnectEx again), one after it.
  expect(client.socketsMade).toBe(2);
  expect(bySession(client.completions)).toEqual(
    new Map([
      [1, ['connect TRUE 3', 'recv TRUE 3', 'disconnect TRUE 0']],
      [2, ['connect TRUE 3', 'recv TRUE 3', 'disconnect TRUE 0']],
      [3, ['connect TRUE 5', 'recv TRUE 5', 'disconnect TRUE 0']],
      [4, ['connect TRUE 4', 'recv TRUE 4']],
      [5, ['connect TRUE 5', 'recv TRUE 5', 'disconnect TRUE 0']],
    ]),
  );

  // The server's last session ends after the client's report: wait (bounded) for its disconnect.
  for (let i = 0; i < 200 && bySession(server.completions).get(5)?.length !== 4; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  // AcceptEx completes with the first data (the ConnectEx message), the echo is sent, the client's
  // end of data is a receive of 0 bytes, and DisconnectEx(TF_REUSE_SOCKET) readies the socket for
  // the next AcceptEx. The reset session's pending receive ends FALSE with ERROR_NETNAME_DELETED.
  const graceful = (n: number) => [`accept TRUE ${n}`, `send TRUE ${n}`, 'recv TRUE 0', 'disconnect TRUE 0'];
  expect(bySession(server.completions)).toEqual(
    new Map([
      [1, graceful(3)],
      [2, graceful(3)],
      [3, graceful(5)],
      [4, ['accept TRUE 4', 'send TRUE 4', `recv FALSE ${ERROR_NETNAME_DELETED} 0`]],
      [5, graceful(5)],
    ]),
  );
  expect([...server.firstData.values()]).toEqual(['one', 'two', 'three', 'rude', 'after']);
  expect([...server.peers.values()].every((peer) => peer.sin_addr === '127.0.0.1' && peer.sin_port > 0)).toBe(
    true,
  );
  // Two sockets for the pool, reused after every DisconnectEx; one more replaced the reset one.
  expect(server.socketsMade).toBe(3);
  expect(server.refused).toEqual(['AcceptEx: WSAENOBUFS']);
}, 60_000);
