/**
 * The fault-injecting layer over the in-memory provider: chosen calls fail with chosen codes — at
 * once, after N calls, after N bytes, a limited number of times, for chosen sockets — calls are
 * delayed, and a graceful close becomes a reset.
 */
import { afterEach, beforeAll, describe, it } from '@jest/globals';
import {
  AF_INET,
  createFaultInjectorLayer,
  type FaultInjectorOptions,
  INVALID_SOCKET,
  out,
  SD_SEND,
  SO_LINGER,
  SOCK_STREAM,
  type SOCKADDR_IN,
  SOL_SOCKET,
  Socket,
  type SockOptValue,
  sockaddrIn,
  WSAECONNABORTED,
  WSAECONNREFUSED,
  WSAECONNRESET,
  WSAEMFILE,
  WSAENETDOWN,
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

let proc: LayeredProcess | undefined;
let network: SimNetwork | undefined;
afterEach(async () => {
  await proc?.teardown();
  proc = undefined;
  network?.close();
  network = undefined;
});

async function faulty(options: FaultInjectorOptions) {
  const net = new SimNetwork({ timing: 'virtual' });
  network = net;
  net.addHost('host', { ipv4: ['10.0.0.1'] });
  // On the network's virtual clock: delays cost no wall-clock time and records carry virtual times.
  const injector = createFaultInjectorLayer({ clock: net.clock, ...options });
  proc = await createLayeredProcess({
    bases: (catalog, container) =>
      installInMemoryProvider(catalog, container, {
        network: net,
        host: 'host',
        families: [4],
        flavours: ['stream'],
      }),
    layers: [{ name: 'faulty', provider: injector }],
  });
  return { ws2: proc.ws2, injector, net };
}

async function listening(ws2: LayeredProcess['ws2']) {
  const listener = await Socket.create(ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
  await listener.bind(sockaddrIn('10.0.0.1', 0));
  await listener.listen(1);
  return { listener, address: sockaddrIn('10.0.0.1', (listener.localAddress() as SOCKADDR_IN).sin_port) };
}

async function pair(ws2: LayeredProcess['ws2']) {
  const { listener, address } = await listening(ws2);
  const client = await Socket.create(ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
  const [{ socket: peer }] = await Promise.all([listener.accept(), client.connect(address)]);
  listener.close();
  return { client, peer };
}

/** Everything `peer` receives until the connection ends (0) or fails. */
async function drain(peer: Socket): Promise<{ bytes: number; error?: number }> {
  let bytes = 0;
  for (;;) {
    try {
      const chunk = await peer.recv(4096);
      if (chunk.byteLength === 0) return { bytes };
      bytes += chunk.byteLength;
    } catch (error) {
      return { bytes, error: (error as { code: number }).code };
    }
  }
}

describe('failing calls', () => {
  it('fails the first matching call with the chosen code, without calling the provider below', async () => {
    const { ws2, injector } = await faulty({ rules: [{ calls: 'lpWSPConnect', error: WSAECONNREFUSED }] });
    const { listener, address } = await listening(ws2);
    const client = await Socket.create(ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    await expect(client.connect(address)).rejects.toThrowWsaError(WSAECONNREFUSED);
    expect(injector.injected).toEqual([
      { kind: 'fail', call: 'lpWSPConnect', socket: client.handle, error: WSAECONNREFUSED, time: 0 },
    ]);
    client.close();
    listener.close();
  });

  it('lets N calls through per socket, then fails (afterCalls)', async () => {
    const { ws2 } = await faulty({ rules: [{ calls: 'lpWSPSend', error: WSAECONNRESET, afterCalls: 2 }] });
    const { client, peer } = await pair(ws2);
    await client.send(new Uint8Array(3));
    await client.send(new Uint8Array(3));
    await expect(client.send(new Uint8Array(3))).rejects.toThrowWsaError(WSAECONNRESET);
    // The peer's own sends are counted on its own socket.
    await peer.send(new Uint8Array(1));
    client.shutdown(SD_SEND);
    expect(await drain(peer)).toEqual({ bytes: 6 });
    client.close();
    peer.close();
  });

  it('fails a limited number of times, then lets calls through (times)', async () => {
    const { ws2 } = await faulty({ rules: [{ calls: ['lpWSPSend'], error: WSAENETDOWN, times: 1 }] });
    const { client, peer } = await pair(ws2);
    const rc = await ws2.send(client.handle, new Uint8Array(2), 2, 0);
    expect(rc).toFailWith(ws2, WSAENETDOWN);
    expect(await ws2.send(client.handle, new Uint8Array(2), 2, 0)).toBe(2);
    client.close();
    peer.close();
  });

  it('affects only the calls its `when` picks', async () => {
    let target = 0;
    const { ws2 } = await faulty({
      rules: [{ calls: 'lpWSPSend', error: WSAECONNABORTED, when: (call) => call.socket === target }],
    });
    const { client, peer } = await pair(ws2);
    target = peer.handle;
    await client.send(new Uint8Array(1));
    await expect(peer.send(new Uint8Array(1))).rejects.toThrowWsaError(WSAECONNABORTED);
    client.close();
    peer.close();
  });

  it('returns each call’s own failure value: INVALID_SOCKET for WSPSocket, SOCKET_ERROR at once for a synchronous call', async () => {
    const { ws2 } = await faulty({
      rules: [
        // Two sockets (listener, client) are made by pair(); the third fails.
        { calls: 'lpWSPSocket', error: WSAEMFILE, afterCalls: 2 },
        { calls: 'lpWSPShutdown', error: WSAENETDOWN },
      ],
    });
    const { client, peer } = await pair(ws2);
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    expect(s).toBe(INVALID_SOCKET);
    expect(s).toFailWith(ws2, WSAEMFILE);
    expect(ws2.shutdown(client.handle, SD_SEND)).toFailWith(ws2, WSAENETDOWN);
    client.close();
    peer.close();
  });
});

describe('failing after N bytes', () => {
  it('a send crossing the limit delivers exactly the bytes up to it, then fails', async () => {
    const { ws2, injector } = await faulty({
      rules: [
        { calls: 'lpWSPSend', error: WSAECONNRESET, afterBytes: 10, when: (c) => c.socket === clientHandle },
      ],
    });
    let clientHandle = 0;
    const { client, peer } = await pair(ws2);
    clientHandle = client.handle;
    expect(await client.send(new Uint8Array(6))).toBe(6);
    await expect(client.send(new Uint8Array(6))).rejects.toThrowWsaError(WSAECONNRESET);
    await expect(client.send(new Uint8Array(1))).rejects.toThrowWsaError(WSAECONNRESET);
    client.shutdown(SD_SEND);
    expect(await drain(peer)).toEqual({ bytes: 10 });
    expect(injector.injected.map((f) => f.kind)).toEqual(['truncate', 'fail', 'fail']);
    client.close();
    peer.close();
  });

  it('a receive is limited to what is left, and the next one fails; nothing is lost below', async () => {
    let peerHandle = 0;
    const { ws2 } = await faulty({
      rules: [
        { calls: 'lpWSPRecv', error: WSAECONNABORTED, afterBytes: 4, when: (c) => c.socket === peerHandle },
      ],
    });
    const { client, peer } = await pair(ws2);
    peerHandle = peer.handle;
    await client.send(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    expect([...(await peer.recv(100))]).toEqual([1, 2, 3, 4]);
    await expect(peer.recv(100)).rejects.toThrowWsaError(WSAECONNABORTED);
    client.close();
    peer.close();
  });
});

describe('resets and delays', () => {
  it.each(['non-ifs', 'ifs'] as const)(
    '(%s) turns a graceful close into a reset the peer sees',
    async (style) => {
      const { ws2, injector } = await faulty({ style, resetOnClose: true });
      const { client, peer } = await pair(ws2);
      await client.send(new Uint8Array(3));
      client.close();
      expect(await drain(peer)).toEqual({ bytes: 3, error: WSAECONNRESET });
      expect(injector.injected.filter((fault) => fault.socket === client.handle)).toEqual([
        { kind: 'reset', call: 'lpWSPCloseSocket', socket: client.handle, time: expect.any(Number) },
      ]);
      peer.close();
    },
  );

  it('a rule that fails the close leaves SO_LINGER alone: only a close that goes through resets', async () => {
    let target: number | undefined;
    const { ws2, injector } = await faulty({
      resetOnClose: true,
      rules: [{ calls: 'lpWSPCloseSocket', error: WSAENETDOWN, times: 1, when: (c) => c.socket === target }],
    });
    const { client, peer } = await pair(ws2);
    target = client.handle;
    injector.injected.length = 0;
    expect(ws2.closesocket(client.handle)).toFailWith(ws2, WSAENETDOWN);
    const linger = out<SockOptValue | null>(null);
    expect(ws2.getsockopt(client.handle, SOL_SOCKET, SO_LINGER, linger, out(4))).toSucceed(ws2);
    expect(linger.value).toEqual({ l_onoff: 0, l_linger: 0 });
    expect(injector.injected.map((fault) => fault.kind)).toEqual(['fail']);
    expect(ws2.closesocket(client.handle)).toSucceed(ws2);
    expect(injector.injected.map((fault) => fault.kind)).toEqual(['fail', 'reset']);
    expect(await drain(peer)).toEqual({ bytes: 0, error: WSAECONNRESET });
    peer.close();
  });

  it('forgets the counters of a socket once it is closed', async () => {
    const { ws2, injector } = await faulty({
      rules: [
        { calls: 'lpWSPSend', error: WSAENETDOWN, afterCalls: 100 },
        { calls: 'lpWSPRecv', error: WSAENETDOWN, afterBytes: 1000 },
      ],
    });
    const { client, peer } = await pair(ws2);
    await client.send(new Uint8Array(3));
    expect((await peer.recv(8)).byteLength).toBe(3);
    expect(injector.trackedSockets).toBe(2);
    client.close();
    expect(injector.trackedSockets).toBe(1);
    peer.close();
    expect(injector.trackedSockets).toBe(0);
  });

  it('delays a call that returns a Promise (on the injector’s clock), then forwards it', async () => {
    const { ws2, injector, net } = await faulty({ rules: [{ calls: 'lpWSPConnect', delayMs: 20_000 }] });
    const { client, peer } = await pair(ws2);
    expect(injector.injected).toEqual([
      { kind: 'delay', call: 'lpWSPConnect', socket: client.handle, time: 0 },
    ]);
    expect(net.now).toBeGreaterThanOrEqual(20_000);
    await client.send(new Uint8Array(1));
    expect((await peer.recv(8)).byteLength).toBe(1);
    client.close();
    peer.close();
  });

  it.each([
    [
      'a delay of a synchronous call',
      { calls: 'lpWSPShutdown', delayMs: 1 },
      'lpWSPShutdown is synchronous and cannot be delayed',
    ],
    [
      'afterBytes on a call that moves no bytes',
      { calls: 'lpWSPConnect', error: 1, afterBytes: 1 },
      'afterBytes applies to send and receive calls, not lpWSPConnect',
    ],
    ['an unknown call', { calls: 'lpWSPPoll', error: 1 }, "'lpWSPPoll' is not a WSPPROC_TABLE member"],
  ] as const)('refuses %s when the layer is made', (_title, rule, message) => {
    expect(() => createFaultInjectorLayer({ rules: [rule as never] })).toThrow(message);
  });
});
