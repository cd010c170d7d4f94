/**
 * The `Socket` facade's receives reuse one buffer per socket between small results: every result
 * must still be an array of its own, with nothing of another receive in it, and failures must
 * still be `WsaError`s with the Windows code.
 */
import {
  AF_INET,
  Catalog,
  emptyWsaData,
  isWsaError,
  MAKEWORD,
  SD_RECEIVE,
  SD_SEND,
  SOCK_STREAM,
  type SOCKADDR,
  Socket,
  sockaddrIn,
  WSAEFAULT,
  WSAESHUTDOWN,
  WSAEWOULDBLOCK,
  Ws2,
} from '@ws2spi/spi';
import { IN_MEMORY_DEFAULT_PROTOCOL, installInMemoryProvider, SimNetwork } from '@ws2spi/spi/testing';
import { container } from 'tsyringe';

let ws2: Ws2;
let a: Socket;
let b: Socket;

beforeEach(async () => {
  const network = new SimNetwork();
  const host = network.addHost('h', { ipv4: ['10.0.0.1'] });
  const catalog = new Catalog();
  const child = container.createChildContainer();
  installInMemoryProvider(catalog, child, { network, host, families: [4], flavours: ['stream'] });
  ws2 = new Ws2({ catalog, container: child });
  expect(ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData())).toBe(0);
  const listener = await Socket.create(ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
  await listener.bind(sockaddrIn('10.0.0.1', 0));
  await listener.listen();
  a = await Socket.create(ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
  const [, accepted] = await Promise.all([a.connect(listener.localAddress() as SOCKADDR), listener.accept()]);
  b = accepted.socket;
});
afterEach(() => {
  while (ws2.startupReferences > 0) ws2.WSACleanup();
});

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);

/** The code of the `WsaError` a call rejects with ('resolved' if it does not; anything else thrown as it is). */
function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => 'resolved',
    (e: unknown) => (isWsaError(e) ? e.code : e),
  );
}

/** Waits until `socket` has at least `n` bytes to read. */
async function readable(socket: Socket, n: number): Promise<void> {
  for (let i = 0; i < 1000 && socket.bytesAvailable() < n; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(socket.bytesAvailable()).toBeGreaterThanOrEqual(n);
}

describe('Socket.recv', () => {
  it('gives every result bytes of its own: a later receive changes no earlier result', async () => {
    await b.sendAll(bytes('first'));
    const first = await a.recv();
    await b.sendAll(bytes('2nd'));
    const second = await a.recv();
    expect([text(first), text(second)]).toEqual(['first', '2nd']);
    expect(first.buffer.byteLength).toBe(5);
    expect(second.buffer).not.toBe(first.buffer);
  });

  it('hands out a large result whole, with nothing of an earlier receive after its bytes', async () => {
    await b.sendAll(new Uint8Array(20_000).fill(0xaa));
    await readable(a, 20_000);
    expect((await a.recv()).every((x) => x === 0xaa)).toBe(true);
    await b.sendAll(new Uint8Array(40_000).fill(0xbb));
    await readable(a, 40_000);
    const large = await a.recv();
    expect(large.byteLength).toBeGreaterThan(32_768);
    expect(large.every((x) => x === 0xbb)).toBe(true);
    const whole = new Uint8Array(large.buffer);
    expect(whole.subarray(large.byteLength).every((x) => x === 0)).toBe(true);
    // The next receive has a buffer of its own again.
    await b.sendAll(bytes('after'));
    expect(text(await a.recv())).toBe('after');
    expect(large.every((x) => x === 0xbb)).toBe(true);
  });

  it('gives concurrent receives on one socket buffers of their own', async () => {
    const one = a.recv(1);
    const two = a.recv(1);
    await b.sendAll(bytes('xy'));
    expect([text(await one), text(await two)]).toEqual(['x', 'y']);
  });

  it('throws a WsaError with the code when it fails, and receives again afterwards', async () => {
    a.setNonBlocking(true);
    expect(await failure(a.recv())).toBe(WSAEWOULDBLOCK);
    await b.sendAll(bytes('now'));
    await readable(a, 3);
    expect(text(await a.recv())).toBe('now');
    a.shutdown(SD_RECEIVE);
    expect(await failure(a.recvFrom())).toBe(WSAESHUTDOWN);
  });

  it('turns a size no buffer can have into the dispatcher’s WSAEFAULT, not a RangeError', async () => {
    expect(await failure(a.recv(-1))).toBe(WSAEFAULT);
  });
});

describe('Socket.send', () => {
  it('resolves to the bytes taken, and rejects with the WsaError when the call fails', async () => {
    expect(await a.send(bytes('hello'))).toBe(5);
    a.shutdown(SD_SEND);
    expect(await failure(a.send(bytes('more')))).toBe(WSAESHUTDOWN);
  });
});
