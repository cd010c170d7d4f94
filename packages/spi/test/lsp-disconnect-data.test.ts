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
  defineLayeredProvider,
  IPPROTO_TCP,
  type LayerContext,
  type LayeredProvider,
  out,
  registerProvider,
  replaceDisconnectData,
  SOCK_STREAM,
  type SOCKADDR_IN,
  Socket,
  sockaddrIn,
  stripDisconnectData,
  type WSABUF,
  WSAEFAULT,
  WSAENOPROTOOPT,
  wsabuf,
  XP1_DISCONNECT_DATA,
  XP1_IFS_HANDLES,
} from '@ws2spi/spi';
import {
  createLayeredProcess,
  IN_MEMORY_DEFAULT_PROTOCOL,
  installInMemoryProvider,
  type LayeredProcess,
  registerWinsockMatchers,
  SimNetwork,
} from '@ws2spi/spi/testing';
import { protocolInfo } from './support/protocol-info';
import { scriptedProvider } from './support/scripted-provider';

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

describe('a disconnect-data layer over a provider that hands disconnect data over once', () => {
  const BASE_GUID = '5c5c5c5c-0000-4000-8000-0000000000dd';

  /**
   * A capture layer on top (to call the layer under test's table directly), the disconnect-data
   * layer, and a scripted base whose WSPRecvDisconnect delivers its data on the first call only
   * (and shuts receiving then, as any provider does).
   */
  async function stack(style: 'ifs' | 'non-ifs', inbound: (data: Uint8Array) => Uint8Array) {
    const base = scriptedProvider({ ifs: true });
    let delivered = false;
    base.overrides.lpWSPRecvDisconnect = (_s, buffer) => {
      if (buffer) {
        const data = delivered ? new Uint8Array() : text('bye!');
        buffer.buf.set(data);
        buffer.len = data.byteLength;
        delivered = true;
      }
      return 0;
    };
    let top: LayerContext | undefined;
    proc = await createLayeredProcess({
      bases: (catalog, container) => {
        registerProvider(container, 'scripted', base.WSPStartup);
        expect(
          catalog.WSCInstallProvider(
            BASE_GUID,
            'scripted',
            [protocolInfo({ ProviderId: BASE_GUID, dwServiceFlags1: XP1_DISCONNECT_DATA | XP1_IFS_HANDLES })],
            1,
            out(0),
          ),
        ).toBe(0);
      },
      layers: [
        {
          name: 'capture',
          provider: defineLayeredProvider({
            description: 'capture',
            style: 'non-ifs',
            onStartup: (ctx) => (top = ctx),
          }),
        },
        { name: 'disconnect data', provider: createDisconnectDataLayer({ style, inbound }) },
      ],
    });
    const app = await proc.ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    expect(app).toSucceed(proc.ws2);
    const below = top?.lower(app);
    if (!below) throw new Error('the capture layer does not know its own socket');
    const recvDisconnect = (buffer: WSABUF | null) => {
      const errno = out(0);
      const rc = below.table.lpWSPRecvDisconnect(below.socket, buffer, errno);
      return rc === 0 ? 0 : errno.value;
    };
    return { base, recvDisconnect };
  }

  it.each(['non-ifs', 'ifs'] as const)(
    '(%s) rewritten data that did not fit is kept for the retry (the lower provider will not give it again)',
    async (style) => {
      const { base, recvDisconnect } = await stack(style, (data) => text(`[[${str(data)}]]`));
      // The original 4 bytes would fit; the rewritten 8 do not.
      const small = wsabuf(6);
      expect(recvDisconnect(small)).toBe(WSAEFAULT);
      expect(small.buf).toEqual(new Uint8Array(6));
      const again = wsabuf(8);
      expect(recvDisconnect(again)).toBe(0);
      expect(str(again.buf.subarray(0, again.len))).toBe('[[bye!]]');
      expect(base.names().filter((n) => n === 'lpWSPRecvDisconnect')).toHaveLength(1);
      // Served once: the next call asks the lower provider again.
      const third = wsabuf(64);
      expect(recvDisconnect(third)).toBe(0);
      expect(str(third.buf.subarray(0, third.len))).toBe('[[]]');
    },
  );

  it('a buffer shorter than its len is WSAEFAULT, never a thrown RangeError, and the data is kept', async () => {
    const { recvDisconnect } = await stack('non-ifs', (data) => text(`<${str(data)}>`));
    const lying = { len: 64, buf: new Uint8Array(2) };
    expect(recvDisconnect(lying)).toBe(WSAEFAULT);
    expect(lying.buf).toEqual(new Uint8Array(2));
    const honest = wsabuf(6);
    expect(recvDisconnect(honest)).toBe(0);
    expect(str(honest.buf.subarray(0, honest.len))).toBe('<bye!>');
  });

  it('a NULL buffer on the retry drops the kept data', async () => {
    const { recvDisconnect } = await stack('non-ifs', (data) => text(`<${str(data)}>`));
    expect(recvDisconnect(wsabuf(2))).toBe(WSAEFAULT);
    expect(recvDisconnect(null)).toBe(0);
    const later = wsabuf(64);
    expect(recvDisconnect(later)).toBe(0);
    expect(str(later.buf.subarray(0, later.len))).toBe('<>');
  });
});
