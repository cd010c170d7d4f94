/**
 * Layers and the Microsoft extension functions: the base-handle ioctls as Windows answers them
 * under IFS and non-IFS layers (mswsock-iocp.md §6), a fault injector that refuses
 * `SIO_BASE_HANDLE` as Komodia-based LSPs do, the tracer recording the extension functions it hands
 * out, and the fault injector failing them.
 */
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AF_INET,
  createFaultInjectorLayer,
  createTracerLayer,
  definePassThroughLayer,
  type FaultInjectorOptions,
  type LayeredProvider,
  type LayerStyle,
  type LPFN_ACCEPTEX,
  type LPFN_CONNECTEX,
  out,
  SIO_BASE_HANDLE,
  SIO_BSP_HANDLE,
  SIO_BSP_HANDLE_POLL,
  SIO_BSP_HANDLE_SELECT,
  SIO_GET_EXTENSION_FUNCTION_POINTER,
  SOCK_STREAM,
  type SOCKADDR_IN,
  type SOCKET,
  sockaddrIn,
  TraceLog,
  WSA_IO_PENDING,
  WSAECONNREFUSED,
  WSAEFAULT,
  WSAID_ACCEPTEX,
  WSAID_CONNECTEX,
  type WSAOVERLAPPED,
  type Ws2,
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

/** A process whose stream sockets go through `layers` (top first) over the in-memory provider. */
async function layered(layers: { name: string; provider: LayeredProvider }[]) {
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
      }),
    layers,
  });
  return proc.ws2;
}

function passThrough(...styles: LayerStyle[]) {
  return styles.map((style, i) => ({ name: `p${i + 1}`, provider: definePassThroughLayer({ style }) }));
}

/** The four base-handle ioctls' answers for `s` (a handle, or the failure's error). */
function baseHandles(ws2: Ws2, s: SOCKET) {
  const ask = (code: number) => {
    const handle = out<unknown>(null);
    const bytes = out(0);
    const rc = ws2.WSAIoctl(s, code, null, 0, handle, 8, bytes, null, null);
    return rc === 0 ? { handle: handle.value, bytes: bytes.value } : { error: ws2.WSAGetLastError() };
  };
  return {
    base: ask(SIO_BASE_HANDLE),
    bsp: ask(SIO_BSP_HANDLE),
    select: ask(SIO_BSP_HANDLE_SELECT),
    poll: ask(SIO_BSP_HANDLE_POLL),
  };
}

function extension<F>(ws2: Ws2, s: SOCKET, guid: string): F {
  const fn = out<unknown>(null);
  expect(ws2.WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, guid, 16, fn, 8, out(0), null, null)).toBe(0);
  return fn.value as F;
}

function overlapped(ws2: Ws2): WSAOVERLAPPED {
  return { Internal: 0, InternalHigh: 0, hEvent: ws2.WSACreateEvent() };
}

async function completed(ws2: Ws2, s: SOCKET, ov: WSAOVERLAPPED) {
  const bytes = out(0);
  const ok = await ws2.WSAGetOverlappedResult(s, ov, bytes, true, out(0));
  return { ok, error: ok ? 0 : ws2.WSAGetLastError(), bytes: bytes.value };
}

/** A listener of `ws2` on 10.0.0.1 and the address a client connects to. */
async function listening(ws2: Ws2) {
  const listener = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
  expect(await ws2.bind(listener, sockaddrIn('10.0.0.1', 0), 16)).toBe(0);
  expect(await ws2.listen(listener, 5)).toBe(0);
  const name = out<unknown>(null);
  expect(ws2.getsockname(listener, name as never, out(16))).toBe(0);
  return { listener, target: sockaddrIn('10.0.0.1', (name.value as SOCKADDR_IN).sin_port) };
}

describe('the base-handle ioctls under layers (reference §6)', () => {
  it('no layer: all four answer the socket itself', async () => {
    const ws2 = await layered([]);
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    const own = { handle: s, bytes: 8 };
    expect(baseHandles(ws2, s)).toEqual({ base: own, bsp: own, select: own, poll: own });
  });

  it('an IFS layer hands out the base handles, so all four answer the socket itself', async () => {
    const ws2 = await layered(passThrough('ifs'));
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    const own = { handle: s, bytes: 8 };
    expect(baseHandles(ws2, s)).toEqual({ base: own, bsp: own, select: own, poll: own });
  });

  it('a non-IFS layer: SIO_BASE_HANDLE passes down to the base (another handle), SIO_BSP_HANDLE and _POLL answer the layer’s own handle, _SELECT is left to the base', async () => {
    const ws2 = await layered(passThrough('non-ifs'));
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    const answers = baseHandles(ws2, s);
    const own = { handle: s, bytes: 8 };
    expect(answers).toMatchObject({ bsp: own, poll: own });
    expect(answers.base).toEqual({ handle: expect.any(Number), bytes: 8 });
    expect((answers.base as { handle: SOCKET }).handle).not.toBe(s);
    expect(answers.select).toEqual(answers.base);
  });

  it('non-IFS layers over IFS ones: SIO_BASE_HANDLE answers the base’s handle (not the application’s, one per socket), SIO_BSP_HANDLE and _POLL the top layer’s', async () => {
    const ws2 = await layered(passThrough('non-ifs', 'non-ifs', 'ifs'));
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    const t = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    const first = baseHandles(ws2, s);
    const second = baseHandles(ws2, t);
    expect((first.base as { handle: SOCKET }).handle).not.toBe(s);
    expect((first.base as { handle: SOCKET }).handle).not.toBe((second.base as { handle: SOCKET }).handle);
    expect(first).toMatchObject({ bsp: { handle: s }, poll: { handle: s } });
  });

  it('a fault injector with refuseBaseHandle: SIO_BASE_HANDLE fails with WSAEFAULT, _SELECT answers the same socket, _POLL still works (Komodia-based LSPs)', async () => {
    const ws2 = await layered([
      { name: 'faulty', provider: createFaultInjectorLayer({ refuseBaseHandle: true }) },
    ]);
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    const own = { handle: s, bytes: 8 };
    expect(baseHandles(ws2, s)).toEqual({ base: { error: WSAEFAULT }, bsp: own, select: own, poll: own });
  });

  it('without refuseBaseHandle the fault injector answers like any non-IFS layer', async () => {
    const options: FaultInjectorOptions = {};
    const ws2 = await layered([{ name: 'faulty', provider: createFaultInjectorLayer(options) }]);
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    const answers = baseHandles(ws2, s);
    expect((answers.base as { handle: SOCKET }).handle).not.toBe(s);
    expect(answers.select).toEqual(answers.base);
  });
});

describe('the tracer and the fault injector see the extension functions', () => {
  it('the tracer records AcceptEx and ConnectEx with their results (FALSE, WSA_IO_PENDING)', async () => {
    const log = new TraceLog();
    const ws2 = await layered([{ name: 'T', provider: createTracerLayer({ name: 'T', log }) }]);
    const { listener, target } = await listening(ws2);
    const accepted = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    const AcceptEx = extension<LPFN_ACCEPTEX>(ws2, listener, WSAID_ACCEPTEX);
    const aov = overlapped(ws2);
    expect(AcceptEx(listener, accepted, new Uint8Array(64), 0, 32, 32, out(0), aov)).toBe(false);
    expect(ws2.WSAGetLastError()).toBe(WSA_IO_PENDING);

    // The client is issued from its own flow: one flow, one last-error cell.
    const client = await Promise.resolve().then(async () => {
      const c = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
      expect(await ws2.bind(c, sockaddrIn('10.0.0.1', 0), 16)).toBe(0);
      const ConnectEx = extension<LPFN_CONNECTEX>(ws2, c, WSAID_CONNECTEX);
      const cov = overlapped(ws2);
      expect(ConnectEx(c, target, 16, null, 0, out(0), cov)).toBe(false);
      expect(ws2.WSAGetLastError()).toBe(WSA_IO_PENDING);
      expect(await completed(ws2, c, cov)).toEqual({ ok: true, error: 0, bytes: 0 });
      return c;
    });
    expect(await completed(ws2, listener, aov)).toEqual({ ok: true, error: 0, bytes: 0 });
    const lines = log.lines();
    expect(lines.filter((l) => / (AcceptEx|ConnectEx)\(/.test(l))).toEqual([
      expect.stringMatching(/^T AcceptEx\(.*\) = (0|false|FALSE) \[WSA_IO_PENDING\]$/),
      expect.stringMatching(/^T ConnectEx\(.*\) = (0|false|FALSE) \[WSA_IO_PENDING\]$/),
    ]);
    expect(log.records.filter((r) => r.call === 'AcceptEx' || r.call === 'ConnectEx')).toEqual([
      expect.objectContaining({ layer: 'T', call: 'AcceptEx', done: true, error: WSA_IO_PENDING }),
      expect.objectContaining({ layer: 'T', call: 'ConnectEx', done: true, error: WSA_IO_PENDING }),
    ]);
    expect(ws2.closesocket(client)).toBe(0);
  });

  it('a fault rule fails ConnectEx with its error after the first call: FALSE, the lower function not called, nothing completes', async () => {
    const injector = createFaultInjectorLayer({
      extensionRules: [{ calls: 'ConnectEx', error: WSAECONNREFUSED, afterCalls: 1 }],
    });
    const ws2 = await layered([{ name: 'faulty', provider: injector }]);
    const { target } = await listening(ws2);
    const connectEx = async () => {
      const c = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
      expect(await ws2.bind(c, sockaddrIn('10.0.0.1', 0), 16)).toBe(0);
      const ConnectEx = extension<LPFN_CONNECTEX>(ws2, c, WSAID_CONNECTEX);
      const ov = overlapped(ws2);
      const first = { rc: ConnectEx(c, target, 16, null, 0, out(0), ov), error: ws2.WSAGetLastError() };
      return { c, ov, first, ConnectEx };
    };
    const one = await connectEx();
    expect(one.first).toEqual({ rc: false, error: WSA_IO_PENDING });
    expect(await completed(ws2, one.c, one.ov)).toEqual({ ok: true, error: 0, bytes: 0 });
    // Counted per socket: a second socket's first ConnectEx goes through, its second fails.
    const two = await connectEx();
    expect(two.first).toEqual({ rc: false, error: WSA_IO_PENDING });
    const again = overlapped(ws2);
    expect(two.ConnectEx(two.c, target, 16, null, 0, out(0), again)).toBe(false);
    expect(ws2.WSAGetLastError()).toBe(WSAECONNREFUSED);
    expect(again.Internal).toBe(0);
    expect(injector.injectedExtension).toEqual([
      { kind: 'fail', call: 'ConnectEx', socket: two.c, error: WSAECONNREFUSED },
    ]);
  });
});
