/**
 * `WSADuplicateSocketW` / `WSPDuplicateSocket` into another `Ws2` process of this Node process (and
 * into the same one), over the in-memory provider — with no layer, under an IFS layer and under a
 * non-IFS layer. The rules (mswsock-iocp.md §5, from Wine's test_WSADuplicateSocket against
 * Windows and the SDK): the socket is checked first, then the process, then the pointer; the info
 * describes the source; both descriptors share one socket (data, options); closing one leaves the
 * other open; the info opens one duplicate; after the last `WSACleanup` of a process its handles,
 * duplicates included, are `WSAENOTSOCK`.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  AF_INET,
  definePassThroughLayer,
  emptyWsaData,
  FROM_PROTOCOL_INFO,
  INVALID_SOCKET,
  MAKEWORD,
  out,
  SO_RCVBUF,
  SOCK_STREAM,
  type SOCKADDR,
  type SOCKET,
  SOL_SOCKET,
  sockaddrIn,
  WSA_FLAG_OVERLAPPED,
  WSAEFAULT,
  WSAEINVAL,
  WSAENOTSOCK,
  type WSAPROTOCOL_INFOW,
  type Ws2,
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

async function processes(layers: 'none' | 'ifs' | 'non-ifs'): Promise<{ a: Ws2; b: Ws2 }> {
  network = new SimNetwork();
  const net = network;
  net.addHost('host', { ipv4: ['10.0.0.1'] });
  proc = await createLayeredProcess({
    bases: (catalog, container) =>
      installInMemoryProvider(catalog, container, {
        network: net,
        host: 'host',
        families: [4],
        flavours: ['stream'],
      }),
    layers: layers === 'none' ? [] : [{ name: 'pass', provider: definePassThroughLayer({ style: layers }) }],
  });
  return { a: proc.ws2, b: proc.newProcess() };
}

async function connectedPair(ws2: Ws2): Promise<{ client: SOCKET; server: SOCKET }> {
  const listener = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
  expect(await ws2.bind(listener, sockaddrIn('10.0.0.1', 0), 16)).toBe(0);
  expect(await ws2.listen(listener, 4)).toBe(0);
  const name = out<SOCKADDR | null>(null);
  expect(ws2.getsockname(listener, name, out(16))).toBe(0);
  const client = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
  const [server, connected] = await Promise.all([
    ws2.accept(listener, null, null),
    ws2.connect(client, name.value, 16),
  ]);
  expect(connected).toBe(0);
  ws2.closesocket(listener);
  return { client, server };
}

async function recvText(ws2: Ws2, s: SOCKET): Promise<string> {
  const buf = new Uint8Array(64);
  const n = await ws2.recv(s, buf, 64, 0);
  return n < 0 ? `error ${ws2.WSAGetLastError()}` : Buffer.from(buf.subarray(0, n)).toString();
}

async function sendText(ws2: Ws2, s: SOCKET, text: string): Promise<number> {
  const data = Buffer.from(text);
  return ws2.send(s, data, data.byteLength, 0);
}

describe.each(['none', 'ifs', 'non-ifs'] as const)('WSADuplicateSocketW (layer: %s)', (layers) => {
  it('checks the socket, then the process ID, then the pointer', async () => {
    const { a, b } = await processes(layers);
    const s = await a.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    const info = out<WSAPROTOCOL_INFOW | null>(null);
    const run = (socket: SOCKET, pid: number, ptr: typeof info | null) => ({
      rc: a.WSADuplicateSocketW(socket, pid, ptr),
      error: a.WSAGetLastError(),
    });
    expect(run(0, 0, null)).toEqual({ rc: -1, error: WSAENOTSOCK });
    expect(run(s, 0, null)).toEqual({ rc: -1, error: WSAEINVAL });
    expect(run(s, 0xfffffffc, info)).toEqual({ rc: -1, error: WSAEINVAL });
    expect(run(0, a.GetCurrentProcessId(), info)).toEqual({ rc: -1, error: WSAENOTSOCK });
    expect(run(s, b.GetCurrentProcessId(), null)).toEqual({ rc: -1, error: WSAEFAULT });
    expect(run(s, b.GetCurrentProcessId(), info)).toEqual({ rc: 0, error: expect.any(Number) });
    expect(info.value).toMatchObject({
      iAddressFamily: AF_INET,
      iSocketType: SOCK_STREAM,
      iProtocol: IN_MEMORY_DEFAULT_PROTOCOL,
    });
  });

  it('both descriptors share one connection and its options; closing one leaves the other open; the info opens one duplicate', async () => {
    const { a, b } = await processes(layers);
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
    expect(await b.WSASocketW(0, 0, 0, info.value, 0, WSA_FLAG_OVERLAPPED)).toBe(INVALID_SOCKET);
    expect(b.WSAGetLastError()).toBe(WSAEINVAL);

    expect(await sendText(b, dup, 'from b')).toBe(6);
    expect(await recvText(a, server)).toBe('from b');
    expect(await sendText(a, client, 'from a')).toBe(6);
    expect(await recvText(a, server)).toBe('from a');
    expect(await sendText(a, server, 'to both')).toBe(7);
    expect(await recvText(b, dup)).toBe('to both');

    // An option set through one descriptor is the socket's.
    expect(a.setsockopt(client, SOL_SOCKET, SO_RCVBUF, 12345, 4)).toBe(0);
    const value = out<unknown>(null);
    expect(b.getsockopt(dup, SOL_SOCKET, SO_RCVBUF, value as never, out(4))).toBe(0);
    expect(value.value).toBe(12345);

    expect(a.closesocket(client)).toBe(0);
    expect(await sendText(b, dup, 'still open')).toBe(10);
    expect(await recvText(a, server)).toBe('still open');
    expect(b.closesocket(dup)).toBe(0);
    expect(await recvText(a, server)).toBe('');
  });

  it('into the same process: a second handle of the same socket', async () => {
    const { a } = await processes(layers);
    const { client, server } = await connectedPair(a);
    const info = out<WSAPROTOCOL_INFOW | null>(null);
    expect(a.WSADuplicateSocketW(client, a.GetCurrentProcessId(), info)).toBe(0);
    const dup = await a.WSASocketW(0, 0, 0, info.value, 0, WSA_FLAG_OVERLAPPED);
    expect([dup === INVALID_SOCKET, dup === client]).toEqual([false, false]);
    expect(a.closesocket(client)).toBe(0);
    expect(await sendText(a, dup, 'dup')).toBe(3);
    expect(await recvText(a, server)).toBe('dup');
  });

  it("after the last WSACleanup of a process its handles, duplicates included, are WSAENOTSOCK — also after a new WSAStartup; the other process's descriptor lives on", async () => {
    const { a, b } = await processes(layers);
    const { client, server } = await connectedPair(a);
    const info = out<WSAPROTOCOL_INFOW | null>(null);
    expect(a.WSADuplicateSocketW(client, b.GetCurrentProcessId(), info)).toBe(0);
    const dup = await b.WSASocketW(0, 0, 0, info.value, 0, WSA_FLAG_OVERLAPPED);
    expect(a.WSADuplicateSocketW(server, a.GetCurrentProcessId(), info)).toBe(0);
    const serverDup = await a.WSASocketW(0, 0, 0, info.value, 0, WSA_FLAG_OVERLAPPED);
    expect(b.WSACleanup()).toBe(0);
    expect(b.WSAStartup(MAKEWORD(2, 2), emptyWsaData())).toBe(0);
    expect(await sendText(b, dup, 'x')).toBe(-1);
    expect(b.WSAGetLastError()).toBe(WSAENOTSOCK);
    // a's descriptor of the client socket keeps the connection open.
    expect(await sendText(a, client, 'alive')).toBe(5);
    expect(await recvText(a, serverDup)).toBe('alive');
    while (a.startupReferences > 0) a.WSACleanup();
    expect(a.WSAStartup(MAKEWORD(2, 2), emptyWsaData())).toBe(0);
    for (const s of [client, server, serverDup]) {
      expect(a.closesocket(s)).toBe(-1);
      expect(a.WSAGetLastError()).toBe(WSAENOTSOCK);
    }
  });
});
