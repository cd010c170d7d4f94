/**
 * Errors with context, as Node's `net` gives them: a `WsaError` from the `Socket` facade names the
 * call, the socket and its addresses (`[WSAECONNREFUSED] connect 10.0.0.2:7`), and a `create` that
 * fails because a provider could not be loaded, or its layered chain could not start, has the
 * reason as its `cause`. Addresses are asked for only once a call has failed, never on success.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  AF_INET,
  AF_INET6,
  createTracerLayer,
  definePassThroughLayer,
  describeFailedCall,
  IPPROTO_TCP,
  isWsaError,
  type LPWSPSTARTUP,
  out,
  ProviderLoadError,
  ProviderStartupError,
  registerProvider,
  SD_SEND,
  SOCK_STREAM,
  Socket,
  sockaddrIn,
  TraceLog,
  WSAEADDRINUSE,
  WSAECONNREFUSED,
  WSAEINVALIDPROCTABLE,
  WSAENOPROTOOPT,
  WSAENOTCONN,
  WSAEPROVIDERFAILEDINIT,
  WsaError,
} from '@ws2spi/spi';
import {
  createLayeredProcess,
  IN_MEMORY_DEFAULT_PROTOCOL,
  installInMemoryProvider,
  type LayeredProcess,
  SimNetwork,
} from '@ws2spi/spi/testing';

let proc: LayeredProcess | undefined;
let network: SimNetwork | undefined;
afterEach(async () => {
  await proc?.teardown();
  proc = undefined;
  network?.close();
  network = undefined;
});

/** A process on host 10.0.0.1 of a SimNetwork (with 10.0.0.2 beside it), over the in-memory provider. */
async function machine(layers: Parameters<typeof createLayeredProcess>[0]['layers'] = []) {
  network = new SimNetwork({ timing: 'virtual' });
  const net = network;
  net.addHost('a', { ipv4: ['10.0.0.1'] });
  net.addHost('b', { ipv4: ['10.0.0.2'] });
  proc = await createLayeredProcess({
    bases: (catalog, container) => installInMemoryProvider(catalog, container, { network: net, host: 'a' }),
    layers,
  });
  return proc;
}

/** What `promise` rejected with, or what `fn` threw. */
async function failure(promiseOrFn: Promise<unknown> | (() => unknown)): Promise<WsaError> {
  try {
    await (typeof promiseOrFn === 'function' ? promiseOrFn() : promiseOrFn);
  } catch (error) {
    if (isWsaError(error)) return error;
    throw error;
  }
  throw new Error('expected a WsaError');
}

describe('describeFailedCall: the message of a failed call, in net’s form', () => {
  it('names the call, then the remote address with the local one after it, or the socket', () => {
    expect(describeFailedCall({ call: 'connect', remoteAddress: '127.0.0.1:8080' })).toBe(
      'connect 127.0.0.1:8080',
    );
    expect(
      describeFailedCall({
        call: 'recv',
        socket: 9,
        remoteAddress: '[::1]:80',
        localAddress: '[::1]:49152',
      }),
    ).toBe('recv [::1]:80 - Local ([::1]:49152)');
    expect(describeFailedCall({ call: 'bind', localAddress: '0.0.0.0:80' })).toBe('bind 0.0.0.0:80');
    expect(describeFailedCall({ call: 'listen', socket: 7 })).toBe('listen on socket 7');
    expect(describeFailedCall({})).toBe('a Winsock call');
  });

  it('writes a WsaError’s message from its context when it is given no message', () => {
    const e = new WsaError(WSAECONNREFUSED, undefined, { call: 'connect', remoteAddress: '127.0.0.1:8080' });
    expect(e.message).toBe('[WSAECONNREFUSED] connect 127.0.0.1:8080');
    expect([e.call, e.remoteAddress, e.localAddress, e.socket]).toEqual([
      'connect',
      '127.0.0.1:8080',
      undefined,
      undefined,
    ]);
    // A message given wins; the context is still there.
    const given = new WsaError(WSAENOTCONN, 'not yet', { call: 'send', socket: 3 });
    expect(given.message).toBe('[WSAENOTCONN] not yet');
    expect([given.call, given.socket]).toEqual(['send', 3]);
  });
});

describe('the Socket facade says where a call failed', () => {
  it('a refused connect: the call and the address it was addressed to', async () => {
    const p = await machine();
    const s = await Socket.create(p.ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    const e = await failure(s.connect(sockaddrIn('10.0.0.2', 7)));
    expect(e.message).toBe('[WSAECONNREFUSED] connect 10.0.0.2:7');
    expect(e).toMatchObject({
      code: WSAECONNREFUSED,
      call: 'connect',
      socket: s.handle,
      remoteAddress: '10.0.0.2:7',
      localAddress: undefined,
    });
    // With connect data it is WSAConnect, as the application would have written it; an address
    // the socket was bound to is the local one.
    const bound = await Socket.create(p.ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    await bound.bind(sockaddrIn('10.0.0.1', 5000));
    const withData = await failure(
      bound.connect(sockaddrIn('10.0.0.2', 7), { callerData: new Uint8Array(1) }),
    );
    expect(withData.rawMessage).toBe('WSAConnect 10.0.0.2:7 - Local (10.0.0.1:5000)');
    // The last error is still the failed call's.
    expect(p.ws2.WSAGetLastError()).toBe(withData.code);
  });

  it('a bind to an address in use: the address it was asked for', async () => {
    const p = await machine();
    const first = await Socket.create(p.ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    await first.bind(sockaddrIn('10.0.0.1', 80));
    const second = await Socket.create(p.ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    const e = await failure(second.bind(sockaddrIn('10.0.0.1', 80)));
    expect(e.message).toBe('[WSAEADDRINUSE] bind 10.0.0.1:80');
    expect(e).toMatchObject({ code: WSAEADDRINUSE, call: 'bind', localAddress: '10.0.0.1:80' });
  });

  it('a failure on a connected socket: both addresses, asked for once the call failed', async () => {
    const log = new TraceLog();
    const p = await machine([{ name: 'T', provider: createTracerLayer({ name: 'T', log }) }]);
    const listener = await Socket.create(p.ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    await listener.bind(sockaddrIn('10.0.0.1', 7));
    await listener.listen();
    const client = await Socket.create(p.ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    const [{ socket: server }] = await Promise.all([
      listener.accept(),
      client.connect(sockaddrIn('10.0.0.1', 7)),
    ]);
    // Succeeding calls never ask for an address.
    await client.send(new Uint8Array([1]));
    await server.recv();
    expect(log.calls().filter((c) => /GetSockName|GetPeerName/.test(c))).toEqual([]);

    const e = await failure(() => client.sendDisconnect(new Uint8Array([1]))); // no XP1_DISCONNECT_DATA
    expect(e.code).toBe(WSAENOPROTOOPT);
    expect(e.message).toMatch(
      /^\[WSAENOPROTOOPT\] WSASendDisconnect 10\.0\.0\.1:7 - Local \(10\.0\.0\.1:\d+\)$/,
    );
    expect(e.call).toBe('WSASendDisconnect');
    expect(log.calls().filter((c) => /GetSockName|GetPeerName/.test(c))).toEqual(['T WSPGetSockName']);

    // The accepted socket knows its peer from accept; it asks for its local address once.
    server.shutdown(SD_SEND);
    const again = await failure(() => server.sendDisconnect(new Uint8Array([2])));
    expect(again.remoteAddress).toBe(e.localAddress); // the client's end
    expect(again.localAddress).toBe('10.0.0.1:7');
    await failure(() => server.sendDisconnect(new Uint8Array([3])));
    expect(log.calls().filter((c) => /GetSockName|GetPeerName/.test(c))).toEqual([
      'T WSPGetSockName',
      'T WSPGetSockName',
    ]);
    expect(p.ws2.WSAGetLastError()).toBe(WSAENOPROTOOPT);
  });

  it('a socket without addresses: the call and the handle', async () => {
    const p = await machine();
    const s = await Socket.create(p.ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    const e = await failure(s.recv());
    expect(e.message).toBe(`[WSAENOTCONN] recv on socket ${s.handle}`);
    expect(e).toMatchObject({
      call: 'recv',
      socket: s.handle,
      localAddress: undefined,
      remoteAddress: undefined,
    });
  });
});

describe('a socket whose provider cannot start: the reason is the cause', () => {
  it('a provider module that cannot be loaded: the loader’s error, and the import error below it', async () => {
    const p = await machine();
    const base = p.catalog.entries()[0];
    const entries = p.catalog.entries().filter((e) => e.info.ProviderId === base.info.ProviderId);
    p.catalog.WSCUpdateProvider(
      base.info.ProviderId,
      './no-such-provider-module.js',
      entries.map((e) => e.info),
      entries.length,
      out(0),
    );
    const ws2 = p.newProcess();
    const e = await failure(Socket.create(ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL));
    expect(e.code).toBe(WSAEPROVIDERFAILEDINIT);
    expect(e.call).toBe('WSASocketW');
    expect(e.cause).toBeInstanceOf(ProviderLoadError);
    expect(e.message).toMatch(
      /^\[WSAEPROVIDERFAILEDINIT\] WSASocketW\(2, 1, 253\): provider module '\.\/no-such-provider-module\.js' could not be loaded: /,
    );
    // Below it, what import() said (an error of jest's module realm: its message, not its class).
    expect(String((e.cause as { cause?: { message?: unknown } }).cause?.message)).toMatch(
      /no-such-provider-module/,
    );
    expect(e.cause).toBe(ws2.providerFailures.at(-1)?.error);
  });

  it('a layered chain whose lower layer cannot be loaded: what the layer reported, and the load error', async () => {
    const p = await machine([
      { name: 'top', provider: definePassThroughLayer({ description: 'top' }) },
      { name: 'bottom', provider: definePassThroughLayer({ description: 'bottom' }) },
    ]);
    const bottom = p.layers[1];
    const entries = p.catalog.entries().filter((e) => e.info.ProviderId === bottom.providerId);
    p.catalog.WSCUpdateProvider(
      bottom.providerId,
      './no-such-lsp-module.js',
      entries.map((e) => e.info),
      entries.length,
      out(0),
    );
    const ws2 = p.newProcess();
    const e = await failure(Socket.create(ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL));
    expect(e.code).toBe(WSAEPROVIDERFAILEDINIT);
    const cause = e.cause as ProviderStartupError;
    expect(cause).toBeInstanceOf(ProviderStartupError);
    expect(cause.path).toBe('lsp:top');
    expect(cause.message).toBe(
      `provider 'lsp:top' (entry ${p.layers[0].chainEntryIds[0]}): WSPStartup returned ${WSAEPROVIDERFAILEDINIT}: ` +
        `top: the next provider './no-such-lsp-module.js' (entry ${bottom.layeredEntryId}) cannot be loaded`,
    );
    expect(cause.cause).toBeInstanceOf(ProviderLoadError);
    expect((cause.cause as Error).message).toMatch(
      /^provider module '\.\/no-such-lsp-module\.js' could not be loaded/,
    );
    expect(e.message).toContain('cannot be loaded');
  });

  it('a provider that fills an incomplete table: WSAEINVALIDPROCTABLE, and which members are missing', async () => {
    const p = await machine();
    const incomplete: LPWSPSTARTUP = (version, data, _info, _upcalls, table) => {
      data.wVersion = version;
      data.wHighVersion = version;
      Object.assign(table, { lpWSPSocket: () => 0 });
      return 0;
    };
    const ws2 = p.newProcess({
      configure: (container) => registerProvider(container, p.catalog.entries()[0].path, incomplete),
    });
    const e = await failure(Socket.create(ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL));
    expect(e.code).toBe(WSAEINVALIDPROCTABLE);
    expect(e.cause).toBeInstanceOf(ProviderStartupError);
    expect(e.message).toMatch(/incomplete WSPPROC_TABLE: missing lpWSPAccept, /);
  });

  it('a failure that is no provider’s has no cause', async () => {
    const p = await machine();
    const e = await failure(Socket.create(p.ws2, AF_INET6, SOCK_STREAM, IPPROTO_TCP));
    expect(e.cause).toBeUndefined();
    expect(e.message).toBe(`[${e.symbol}] WSASocketW(23, 1, 6)`);
  });
});
