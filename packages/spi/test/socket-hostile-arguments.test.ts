/**
 * The `Socket` facade throws only `WsaError`: every method, given each hostile value in each
 * argument, either succeeds or fails with a `WsaError` carrying a Windows code — never a
 * `TypeError` or `RangeError` of its own, never a rejection that is not a `WsaError`, never a hang.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AF_INET,
  Catalog,
  emptyWsaData,
  installProviderEntries,
  MAKEWORD,
  registerProvider,
  SO_KEEPALIVE,
  SOCK_DGRAM,
  SOCK_STREAM,
  type SOCKADDR_IN,
  Socket,
  sockaddrIn,
  WSAEFAULT,
  WSANOTINITIALISED,
  Ws2,
  WsaError,
} from '@ws2spi/spi';
import {
  createInMemoryProvider,
  IN_MEMORY_DEFAULT_PROTOCOL,
  inMemoryProtocolInfos,
  inMemoryProviderId,
  SimNetwork,
} from '@ws2spi/spi/testing';
import { container } from 'tsyringe';
import { hostileValues } from './support/hostile-values';

let network: SimNetwork;
let ws2: Ws2;
let listener: Socket;
let address: SOCKADDR_IN;

beforeAll(async () => {
  network = new SimNetwork({ timing: 'virtual' });
  network.addHost('host', { ipv4: ['10.0.0.1'] });
  const catalog = new Catalog();
  const options = { families: [4 as const], flavours: ['stream' as const, 'datagram' as const] };
  installProviderEntries(catalog, inMemoryProviderId(options), 'in-memory', inMemoryProtocolInfos(options));
  const child = container.createChildContainer();
  registerProvider(child, 'in-memory', createInMemoryProvider({ network, host: 'host' }).WSPStartup);
  ws2 = new Ws2({ catalog, container: child });
  expect(ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData())).toBe(0);
  listener = await Socket.create(ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
  await listener.bind(sockaddrIn('10.0.0.1', 0));
  await listener.listen(64);
  address = listener.localAddress() as SOCKADDR_IN;
});

afterAll(async () => {
  while (ws2.WSACleanup() === 0) {
    /* until the count is 0 */
  }
  await network.idle();
  network.close();
});

/** A connected, non-blocking socket (nothing a hostile value lets through may block). */
async function connected(): Promise<Socket> {
  const s = await Socket.create(ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
  const [, accepted] = await Promise.all([s.connect(address), listener.accept()]);
  accepted.socket.close();
  s.setNonBlocking(true);
  return s;
}

async function datagram(): Promise<Socket> {
  const s = await Socket.create(ws2, AF_INET, SOCK_DGRAM, IN_MEMORY_DEFAULT_PROTOCOL);
  await s.bind(sockaddrIn('10.0.0.1', 0));
  s.setNonBlocking(true);
  return s;
}

interface FacadeRow {
  name: string;
  /** Fresh socket for each case (a hostile value may still be a valid one that changes state). */
  target: () => Promise<Socket | null>;
  /** The valid arguments; each case replaces one. */
  args: () => unknown[];
  run: (s: Socket | null, args: unknown[]) => unknown;
  /** Every value is a valid argument (a C BOOL is true or false). */
  neverFails?: boolean;
}

const ROWS: FacadeRow[] = [
  {
    name: 'Socket.create',
    target: async () => null,
    args: () => [ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL, null],
    run: (_s, a) => Socket.create(a[0] as Ws2, a[1] as number, a[2] as number, a[3] as number, a[4] as null),
  },
  {
    name: 'Socket.fromHandle',
    target: async () => null,
    args: () => [ws2, 0x7fff0000],
    run: (_s, a) => Socket.fromHandle(a[0] as Ws2, a[1] as number).localAddress(),
  },
  {
    name: 'bind',
    target: () => Socket.create(ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL),
    args: () => [sockaddrIn('10.0.0.1', 0)],
    run: (s, a) => s!.bind(a[0] as never),
  },
  { name: 'listen', target: connected, args: () => [5], run: (s, a) => s!.listen(a[0] as number) },
  {
    name: 'accept',
    target: async () => listener,
    args: () => [undefined],
    run: (s, a) => acceptNow(s!, a[0]),
  },
  {
    name: 'connect',
    target: async () => {
      const s = await Socket.create(ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
      s.setNonBlocking(true);
      return s;
    },
    args: () => [sockaddrIn('10.0.0.9', 1), {}],
    run: (s, a) => s!.connect(a[0] as never, a[1] as never),
  },
  {
    name: 'send',
    target: connected,
    args: () => [new Uint8Array(4), 0],
    run: (s, a) => s!.send(a[0] as never, a[1] as number),
  },
  {
    name: 'sendAll',
    target: connected,
    args: () => [new Uint8Array(4), 0],
    run: (s, a) => s!.sendAll(a[0] as never, a[1] as number),
  },
  {
    name: 'recv',
    target: connected,
    args: () => [16, 0],
    run: (s, a) => s!.recv(a[0] as number, a[1] as number),
  },
  {
    name: 'sendTo',
    target: datagram,
    args: () => [new Uint8Array(4), sockaddrIn('10.0.0.1', 9), 0],
    run: (s, a) => s!.sendTo(a[0] as never, a[1] as never, a[2] as number),
  },
  {
    name: 'recvFrom',
    target: datagram,
    args: () => [16, 0],
    run: (s, a) => s!.recvFrom(a[0] as number, a[1] as number),
  },
  { name: 'shutdown', target: connected, args: () => [1], run: (s, a) => s!.shutdown(a[0] as number) },
  {
    name: 'sendDisconnect',
    target: connected,
    args: () => [undefined],
    run: (s, a) => s!.sendDisconnect(a[0] as never),
  },
  {
    name: 'getOption',
    target: connected,
    args: () => [SO_KEEPALIVE, 0xffff],
    run: (s, a) => s!.getOption(a[0] as number, a[1] as number),
  },
  {
    name: 'setOption',
    target: connected,
    args: () => [SO_KEEPALIVE, 1, 0xffff],
    run: (s, a) => s!.setOption(a[0] as number, a[1] as never, a[2] as number),
  },
  {
    name: 'setNonBlocking',
    target: connected,
    args: () => [true],
    run: (s, a) => s!.setNonBlocking(a[0] as boolean),
    neverFails: true,
  },
];

/** A non-blocking accept: the listener is put back to blocking for the other rows. */
async function acceptNow(s: Socket, condition: unknown): Promise<unknown> {
  s.setNonBlocking(true);
  try {
    return await s.accept(condition as never);
  } finally {
    s.setNonBlocking(false);
  }
}

async function outcome(run: () => unknown): Promise<{ ok: true } | { ok: false; error: unknown } | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const value = run();
    if (value instanceof Promise) {
      const hung = new Promise<'hung'>((resolve) => {
        timer = setTimeout(() => resolve('hung'), 2000);
      });
      if ((await Promise.race([value, hung])) === 'hung') return 'hung';
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  } finally {
    clearTimeout(timer);
  }
}

describe('the Socket facade throws only WsaError', () => {
  it.each(ROWS.map((r) => [r.name, r] as const))('%s', async (_name, row) => {
    const wrong: string[] = [];
    let failures = 0;
    for (let i = 0; i < row.args().length; i++) {
      for (const [valueName, v] of Object.entries(hostileValues())) {
        const s = await row.target();
        const args = row.args();
        args[i] = v;
        const o = await outcome(() => row.run(s, args));
        if (o === 'hung') wrong.push(`${row.name} argument ${i} = ${valueName}: hung`);
        else if (!o.ok) {
          failures++;
          if (!(o.error instanceof WsaError) || !(o.error.code > 0)) {
            const e = o.error as Error;
            wrong.push(`${row.name} argument ${i} = ${valueName}: threw ${e?.name}: ${e?.message}`);
          }
        }
        if (s && s !== listener) {
          try {
            s.close();
          } catch {
            /* a shut or closed socket */
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    // Hostile values are refused somewhere: a row where nothing failed asserted nothing.
    if (!row.neverFails) expect(failures).toBeGreaterThan(0);
  });

  it('the codes are the Windows ones: bytes that are no bytes are WSAEFAULT, no process is WSANOTINITIALISED', async () => {
    const s = await connected();
    await expect(s.send(null as never)).rejects.toMatchObject({ code: WSAEFAULT });
    await expect(s.sendAll({ byteLength: 4 } as never)).rejects.toMatchObject({ code: WSAEFAULT });
    expect(() => s.sendDisconnect(5 as never)).toThrow(expect.objectContaining({ code: WSAEFAULT }));
    await expect(s.recv(Symbol('n') as never)).rejects.toMatchObject({ code: WSAEFAULT });
    await expect(s.connect(address, null as never)).rejects.toBeInstanceOf(WsaError);
    await expect(listener.accept(5 as never)).rejects.toMatchObject({ code: WSAEFAULT });
    await expect(Socket.create(null as never, AF_INET, SOCK_STREAM, 0)).rejects.toMatchObject({
      code: WSANOTINITIALISED,
    });
    expect(() => Socket.fromHandle({} as never, 1)).toThrow(
      expect.objectContaining({ code: WSANOTINITIALISED }),
    );
    s.close();
  });
});
