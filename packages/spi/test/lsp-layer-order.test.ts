/**
 * Issue 6 acceptance — layer order: a three-layer chain over the TCP/IP provider (real loopback
 * sockets) records every call in chain order, top layer first, and the whole log is compared;
 * the same with mixed IFS and non-IFS layers, and with chains built the pre-Vista way.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { installTcpProviders, TCP_PROVIDER_PATH, WSPStartup as tcpWSPStartup } from '@ws2spi/providers-tcp';
import {
  AF_INET,
  createTracerLayer,
  IPPROTO_TCP,
  registerProvider,
  SO_PROTOCOL_INFOW,
  SOCK_STREAM,
  type SOCKADDR_IN,
  Socket,
  sockaddrIn,
  TraceLog,
} from '@ws2spi/spi';
import { createLayeredProcess, type LayeredProcess } from '@ws2spi/spi/testing';

let proc: LayeredProcess | undefined;
afterEach(async () => {
  await proc?.teardown();
  proc = undefined;
});

type Style = 'ifs' | 'non-ifs';

async function tracedChain(
  styles: [Style, Style, Style],
  install: 'and-chains' | 'pre-vista' = 'and-chains',
) {
  const log = new TraceLog();
  proc = await createLayeredProcess({
    bases: (catalog, container) => {
      registerProvider(container, TCP_PROVIDER_PATH, tcpWSPStartup);
      installTcpProviders(catalog);
    },
    layers: (['A', 'B', 'C'] as const).map((name, i) => ({
      name,
      provider: createTracerLayer({ name, log, style: styles[i] }),
    })),
    install,
  });
  return { log, ws2: proc.ws2 };
}

/** One connection over loopback through the chain: connect, 5 bytes, a graceful half-close, close. */
async function exchange(ws2: LayeredProcess['ws2']): Promise<void> {
  const server = await Socket.create(ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  await server.bind(sockaddrIn('127.0.0.1', 0));
  await server.listen(4);
  const { sin_port } = server.localAddress() as SOCKADDR_IN;
  const client = await Socket.create(ws2, AF_INET, SOCK_STREAM, IPPROTO_TCP);
  const [{ socket: peer }] = await Promise.all([
    server.accept(),
    client.connect(sockaddrIn('127.0.0.1', sin_port)),
  ]);
  await client.send(new TextEncoder().encode('hello'));
  expect(new TextDecoder().decode(await peer.recv(64))).toBe('hello');
  client.sendDisconnect();
  expect((await peer.recv(64)).byteLength).toBe(0);
  client.close();
  peer.close();
  server.close();
  expect(ws2.WSACleanup()).toBe(0);
}

/**
 * Each call as the three layers record it: A, then B, then C. The socket's protocol info is the
 * top chain entry, `A over [B over [C over [MSAFD Tcpip [TCP/IP]]]]`: IDs 1001-1004 are the base
 * entries, each layer adds a layered entry and four chain entries (C: 1005-1009, B: 1010-1014,
 * A: 1015-1019), and A's TCP/IP chain is 1016.
 */
function throughChain(...calls: string[]): string[] {
  return calls.flatMap((call) => ['A', 'B', 'C'].map((layer) => `${layer} ${call}`));
}

const EXPECTED = throughChain(
  'WSPSocket(2, 1, 6, {entry 1016}, 0, 1) = #1',
  'WSPBind(#1, sockaddr(2 127.0.0.1), 128) = 0',
  'WSPListen(#1, 4) = 0',
  'WSPGetSockName(#1, &NULL, &128) = 0',
  'WSPSocket(2, 1, 6, {entry 1016}, 0, 1) = #2',
  'WSPAccept(#1, &NULL, &128, NULL, 0) = #3',
  'WSPConnect(#2, sockaddr(2 127.0.0.1), 128, NULL, <1024 bytes>, NULL, NULL) = 0',
  'WSPSend(#2, [<5 bytes>], 1, &0, 0, NULL, NULL, {thread}) = 0 (5 bytes)',
  'WSPRecv(#3, [<64 bytes>], 1, &0, &0, NULL, NULL, {thread}) = 0 (5 bytes)',
  'WSPSendDisconnect(#2, NULL) = 0',
  'WSPRecv(#3, [<64 bytes>], 1, &0, &0, NULL, NULL, {thread}) = 0 (0 bytes)',
  'WSPCloseSocket(#2) = 0',
  'WSPCloseSocket(#3) = 0',
  'WSPCloseSocket(#1) = 0',
  'WSPCleanup() = 0',
);

describe('a three-layer chain over TCP/IP (loopback)', () => {
  it('records every call in chain order: A, B, C (non-IFS layers)', async () => {
    const { log, ws2 } = await tracedChain(['non-ifs', 'non-ifs', 'non-ifs']);
    await exchange(ws2);
    expect(log.lines()).toEqual(EXPECTED);
  });

  it('records every call in chain order with mixed layers: non-IFS A over IFS B over IFS C', async () => {
    const { log, ws2 } = await tracedChain(['non-ifs', 'ifs', 'ifs']);
    await exchange(ws2);
    expect(log.lines()).toEqual(EXPECTED);
  });

  it('records every call in chain order with mixed layers: non-IFS A and B over IFS C', async () => {
    const { log, ws2 } = await tracedChain(['non-ifs', 'non-ifs', 'ifs']);
    await exchange(ws2);
    expect(log.lines()).toEqual(EXPECTED);
  });

  it('records every call in chain order over chains installed the pre-Vista way', async () => {
    const { log, ws2 } = await tracedChain(['non-ifs', 'ifs', 'ifs'], 'pre-vista');
    await exchange(ws2);
    expect(log.lines()).toEqual(EXPECTED);
  });

  it('hands the application the chain entry and each layer its own handles (non-IFS) or the base handle (IFS)', async () => {
    const { log, ws2 } = await tracedChain(['non-ifs', 'non-ifs', 'ifs']);
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    const info = Socket.fromHandle(ws2, s).getOption(SO_PROTOCOL_INFOW) as {
      dwCatalogEntryId: number;
      szProtocol: string;
    };
    expect(info.szProtocol).toBe('A over [B over [C over [MSAFD Tcpip [TCP/IP]]]]');
    const results = log.records.filter((r) => r.call === 'WSPSocket').map((r) => [r.layer, r.result]);
    // A and B mint their own handles; C (IFS) returns the base provider's handle.
    expect(results[0][1]).toBe(s);
    expect(new Set(results.map(([, handle]) => handle)).size).toBe(3);
  });
});
