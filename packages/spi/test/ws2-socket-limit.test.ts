/**
 * Sockets per process are bounded (`Ws2Options.maxSockets`, default `DEFAULT_MAX_SOCKETS`): past
 * the bound `socket`/`WSASocketW` and `accept` fail `WSAEMFILE` — MSDN: "no more socket
 * descriptors are available" — and a connection `accept` could not take stays queued until a
 * descriptor is free ("the queue is nonempty upon entry to accept and there are no descriptors
 * available").
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  AF_INET,
  Catalog,
  DEFAULT_MAX_SOCKETS,
  emptyWsaData,
  INVALID_SOCKET,
  MAKEWORD,
  out,
  SOCK_STREAM,
  type SOCKADDR,
  SOCKET_ERROR,
  SOMAXCONN,
  sockaddrIn,
  WSAECONNREFUSED,
  WSAEMFILE,
  Ws2,
} from '@ws2spi/spi';
import { IN_MEMORY_DEFAULT_PROTOCOL, installInMemoryProvider, SimNetwork } from '@ws2spi/spi/testing';
import { container } from 'tsyringe';

let network: SimNetwork | undefined;
let ws2: Ws2 | undefined;
afterEach(async () => {
  while (ws2 && ws2.WSACleanup() === 0) {
    /* until the count is 0 */
  }
  await network?.idle();
  network?.close();
  ws2 = undefined;
  network = undefined;
});

function start(maxSockets?: number): Ws2 {
  network = new SimNetwork({ timing: 'virtual' });
  network.addHost('h', { ipv4: ['10.0.0.1'] });
  const catalog = new Catalog();
  const child = container.createChildContainer();
  installInMemoryProvider(catalog, child, { network, host: 'h', families: [4], flavours: ['stream'] });
  ws2 = new Ws2({ catalog, container: child, ...(maxSockets !== undefined ? { maxSockets } : {}) });
  expect(ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData())).toBe(0);
  return ws2;
}

const open = (w: Ws2) => w.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);

describe('sockets per process (WSAEMFILE)', () => {
  it('the default bound is 65,536 handles, and nonsense bounds are refused when the process is made', () => {
    expect(DEFAULT_MAX_SOCKETS).toBe(65_536);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => new Ws2({ catalog: new Catalog(), maxSockets: bad })).toThrow(RangeError);
    }
  });

  it('socket() past the bound fails WSAEMFILE; closing a socket frees its descriptor', async () => {
    const w = start(3);
    const made = [await open(w), await open(w), await open(w)];
    expect(made).not.toContain(INVALID_SOCKET);
    expect(await open(w)).toBe(INVALID_SOCKET);
    expect(w.WSAGetLastError()).toBe(WSAEMFILE);
    expect(w.handleCount).toBe(3);
    expect(w.closesocket(made[0]!)).toBe(0);
    const again = await open(w);
    expect(again).not.toBe(INVALID_SOCKET);
    expect(w.handleCount).toBe(3);
  });

  it('accept past the bound fails WSAEMFILE and the connection stays queued for a later accept', async () => {
    const w = start(3);
    const listener = await open(w);
    expect(await w.bind(listener, sockaddrIn('10.0.0.1', 0), 16)).toBe(0);
    expect(await w.listen(listener, 4)).toBe(0);
    const name = out<SOCKADDR | null>(null);
    expect(w.getsockname(listener, name, out(16))).toBe(0);
    const client = await open(w);
    const spare = await open(w);
    expect(await w.connect(client, name.value, 16)).toBe(0);
    // Three handles: listener, client, spare — no descriptor for the accepted socket.
    expect(await w.accept(listener, null, null)).toBe(INVALID_SOCKET);
    expect(w.WSAGetLastError()).toBe(WSAEMFILE);
    // The caller's connection is intact: what it sends waits in the queued connection.
    const hello = new TextEncoder().encode('queued');
    expect(await w.send(client, hello, hello.byteLength, 0)).toBe(hello.byteLength);
    expect(w.closesocket(spare)).toBe(0);
    const accepted = await w.accept(listener, null, null);
    expect(accepted).not.toBe(INVALID_SOCKET);
    const buf = new Uint8Array(16);
    const n = await w.recv(accepted, buf, 16, 0);
    expect(n).not.toBe(SOCKET_ERROR);
    expect(new TextDecoder().decode(buf.subarray(0, n))).toBe('queued');
  });
});

describe('the listen backlog (SOMAXCONN)', () => {
  it.each([
    ['SOMAXCONN', SOMAXCONN],
    ['a backlog past what a provider queues', 1_000_000],
  ])(
    '%s queues the provider’s reasonable maximum, 200 requests: the 201st caller is refused',
    async (_name, backlog) => {
      const w = start();
      const listener = await open(w);
      expect(await w.bind(listener, sockaddrIn('10.0.0.1', 0), 16)).toBe(0);
      expect(await w.listen(listener, backlog)).toBe(0);
      const name = out<SOCKADDR | null>(null);
      expect(w.getsockname(listener, name, out(16))).toBe(0);
      const outcomes: number[] = [];
      for (let i = 0; i < 201; i++) {
        const s = await open(w);
        outcomes.push((await w.connect(s, name.value, 16)) === 0 ? 0 : w.WSAGetLastError());
      }
      expect(outcomes.slice(0, 200).every((rc) => rc === 0)).toBe(true);
      expect(outcomes[200]).toBe(WSAECONNREFUSED);
    },
  );
});
