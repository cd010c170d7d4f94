/**
 * Issue 6 acceptance — disconnect data through a layer: a layer over TCP/IP that adds disconnect
 * data still gets `WSAENOPROTOOPT` from the base (TCP carries none), and a layer over the
 * in-memory provider with `XP1_DISCONNECT_DATA` delivers it rewritten — outbound and inbound, in
 * both layer styles.
 */
// `expect` is jest's global one: its type (@types/jest) carries the Winsock matchers' declarations.
import { afterEach, beforeAll, describe, it } from '@jest/globals';
import { installTcpProviders, TCP_PROVIDER_PATH, WSPStartup as tcpWSPStartup } from '@ws2spi/providers-tcp';
import {
  AF_INET,
  appendDisconnectData,
  createDisconnectDataLayer,
  IPPROTO_TCP,
  type LayeredProvider,
  registerProvider,
  replaceDisconnectData,
  SOCK_STREAM,
  type SOCKADDR_IN,
  Socket,
  sockaddrIn,
  stripDisconnectData,
  WSAEFAULT,
  WSAENOPROTOOPT,
  wsabuf,
} from '@ws2spi/spi';
import {
  createLayeredProcess,
  IN_MEMORY_DEFAULT_PROTOCOL,
  installInMemoryProvider,
  type LayeredProcess,
  registerWinsockMatchers,
  SimNetwork,
} from '@ws2spi/spi/testing';

beforeAll(() => registerWinsockMatchers());

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);

let proc: LayeredProcess | undefined;
let network: SimNetwork | undefined;
afterEach(async () => {
  await proc?.teardown();
  proc = undefined;
  network?.close();
  network = undefined;
});

/** A connected pair through the process's chain: `client` connected to `peer`, accepted from a listener. */
async function connectedPair(ws2: LayeredProcess['ws2'], address: string, protocol: number) {
  const listener = await Socket.create(ws2, AF_INET, SOCK_STREAM, protocol);
  await listener.bind(sockaddrIn(address, 0));
  await listener.listen(1);
  const { sin_port } = listener.localAddress() as SOCKADDR_IN;
  const client = await Socket.create(ws2, AF_INET, SOCK_STREAM, protocol);
  const [{ socket: peer }] = await Promise.all([
    listener.accept(),
    client.connect(sockaddrIn(address, sin_port)),
  ]);
  listener.close();
  return { client, peer };
}

describe('a disconnect-data layer over TCP/IP (loopback)', () => {
  async function overTcp(layer: LayeredProvider) {
    proc = await createLayeredProcess({
      bases: (catalog, container) => {
        registerProvider(container, TCP_PROVIDER_PATH, tcpWSPStartup);
        installTcpProviders(catalog);
      },
      layers: [{ name: 'adds disconnect data', provider: layer }],
    });
    return connectedPair(proc.ws2, '127.0.0.1', IPPROTO_TCP);
  }

  it.each(['non-ifs', 'ifs'] as const)(
    '(%s) adding data to WSASendDisconnect(s, NULL) gets WSAENOPROTOOPT from the base',
    async (style) => {
      const { client, peer } = await overTcp(
        createDisconnectDataLayer({ style, outbound: appendDisconnectData(text('bye')) }),
      );
      const ws2 = client.ws2;
      expect(ws2.WSASendDisconnect(client.handle, null)).toFailWith(ws2, WSAENOPROTOOPT);
      expect(() => client.sendDisconnect()).toThrowWsaError(WSAENOPROTOOPT);
      // Refused, so nothing was shut: the connection still carries data both ways.
      await client.send(text('still open'));
      expect(str(await peer.recv(64))).toBe('still open');
      client.close();
      peer.close();
    },
  );

  it('stripping the data makes the same call succeed: TCP sends a FIN', async () => {
    const { client, peer } = await overTcp(createDisconnectDataLayer({ outbound: stripDisconnectData() }));
    const ws2 = client.ws2;
    expect(ws2.WSASendDisconnect(client.handle, wsabuf(text('dropped')))).toSucceed(ws2);
    expect((await peer.recv(64)).byteLength).toBe(0);
    client.close();
    peer.close();
  });
});

describe('a disconnect-data layer over the in-memory provider with XP1_DISCONNECT_DATA', () => {
  async function overInMemory(layer: LayeredProvider) {
    const net = new SimNetwork({ timing: 'virtual' });
    network = net;
    net.addHost('host', { ipv4: ['10.0.0.1'] });
    proc = await createLayeredProcess({
      bases: (catalog, container) =>
        installInMemoryProvider(catalog, container, {
          network: net,
          host: 'host',
          families: [4],
          flavours: ['stream'],
          disconnectData: true,
        }),
      layers: [{ name: 'rewrites disconnect data', provider: layer }],
    });
    return connectedPair(proc.ws2, '10.0.0.1', IN_MEMORY_DEFAULT_PROTOCOL);
  }

  it.each(['non-ifs', 'ifs'] as const)('(%s) delivers outgoing disconnect data rewritten', async (style) => {
    const { client, peer } = await overInMemory(
      createDisconnectDataLayer({
        style,
        outbound: (data) => text(str(data ?? new Uint8Array()).toUpperCase()),
      }),
    );
    client.sendDisconnect(text('goodbye'));
    expect((await peer.recv(64)).byteLength).toBe(0);
    expect(str(peer.recvDisconnect())).toBe('GOODBYE');
    client.close();
    peer.close();
  });

  it.each(['non-ifs', 'ifs'] as const)('(%s) delivers incoming disconnect data rewritten', async (style) => {
    const { client, peer } = await overInMemory(
      createDisconnectDataLayer({ style, inbound: (data) => text(`[${str(data)}]`) }),
    );
    client.sendDisconnect(text('bye'));
    expect((await peer.recv(64)).byteLength).toBe(0);
    expect(str(peer.recvDisconnect())).toBe('[bye]');
    client.close();
    peer.close();
  });

  it('adds data to a disconnect that had none, and replaces what the application sent', async () => {
    const added = await overInMemory(
      createDisconnectDataLayer({ outbound: appendDisconnectData(text('+tail')) }),
    );
    added.client.sendDisconnect();
    expect((await added.peer.recv(64)).byteLength).toBe(0);
    expect(str(added.peer.recvDisconnect())).toBe('+tail');
    added.client.close();
    added.peer.close();
    await proc?.teardown();
    network?.close();

    const replaced = await overInMemory(
      createDisconnectDataLayer({ outbound: replaceDisconnectData(text('X')) }),
    );
    replaced.client.sendDisconnect(text('original'));
    expect((await replaced.peer.recv(64)).byteLength).toBe(0);
    expect(str(replaced.peer.recvDisconnect())).toBe('X');
    replaced.client.close();
    replaced.peer.close();
  });

  it('refuses rewritten inbound data that does not fit the caller’s buffer (WSAEFAULT)', async () => {
    const { client, peer } = await overInMemory(
      createDisconnectDataLayer({ inbound: () => new Uint8Array(10) }),
    );
    client.sendDisconnect(text('bye'));
    expect((await peer.recv(64)).byteLength).toBe(0);
    const small = wsabuf(4);
    expect(peer.ws2.WSARecvDisconnect(peer.handle, small)).toFailWith(peer.ws2, WSAEFAULT);
    client.close();
    peer.close();
  });
});
