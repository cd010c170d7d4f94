/**
 * A non-IFS layer over a working base provider (the in-memory provider over SimNetwork): the
 * application's handles are the layer's own, so everything that reports handles back — `select`,
 * `WSAAsyncSelect` messages, `WSAPoll` — must show the application's handle, never the base's; and
 * a closed socket releases the layer's handle.
 */
import { afterEach, beforeAll, describe, it } from '@jest/globals';
import {
  AF_INET,
  definePassThroughLayer,
  emptyNetworkEvents,
  FD_CLOSE,
  FD_READ,
  FD_WRITE,
  POLLRDNORM,
  SOCK_STREAM,
  type SOCKADDR_IN,
  Socket,
  sockaddrIn,
  WSAENOTSOCK,
  type WSAPOLLFD,
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

async function connected() {
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
    layers: [{ name: 'pass', provider: definePassThroughLayer({ style: 'non-ifs' }) }],
  });
  const ws2 = proc.ws2;
  const listener = await Socket.create(ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
  await listener.bind(sockaddrIn('10.0.0.1', 0));
  await listener.listen(1);
  const { sin_port } = listener.localAddress() as SOCKADDR_IN;
  const client = await Socket.create(ws2, AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
  const [{ socket: peer }] = await Promise.all([
    listener.accept(),
    client.connect(sockaddrIn('10.0.0.1', sin_port)),
  ]);
  listener.close();
  return { ws2, client, peer, net };
}

describe('handles reported back through a non-IFS layer', () => {
  it('select returns the application’s handle of the readable socket', async () => {
    const { ws2, client, peer, net } = await connected();
    await client.send(new Uint8Array([1, 2, 3]));
    await net.idle();
    const readfds = { fd_array: [peer.handle, client.handle] };
    expect(await ws2.select(0, readfds, null, null, { tv_sec: 5, tv_usec: 0 })).toBe(1);
    expect(readfds.fd_array).toEqual([peer.handle]);
  });

  it('WSAPoll marks the application’s handle readable', async () => {
    const { ws2, client, peer, net } = await connected();
    await client.send(new Uint8Array([1]));
    await net.idle();
    const fds: WSAPOLLFD[] = [{ fd: peer.handle, events: POLLRDNORM, revents: 0 }];
    expect(await ws2.WSAPoll(fds, 1, 5000)).toBe(1);
    expect(fds[0].revents & POLLRDNORM).toBe(POLLRDNORM);
  });

  it('WSAAsyncSelect messages carry the application’s handle in wParam', async () => {
    const { ws2, client, peer, net } = await connected();
    const messages: [number, number, number][] = [];
    let wake: () => void = () => {};
    const window = {
      post(msg: number, wParam: number, lParam: number) {
        messages.push([msg, wParam, lParam]);
        wake();
      },
    };
    expect(ws2.WSAAsyncSelect(peer.handle, window, 0x8001, FD_READ | FD_CLOSE)).toSucceed(ws2);
    await client.send(new Uint8Array([9]));
    await net.idle();
    // Messages are posted, never delivered inside the provider's call: wait for the first (bounded).
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      wake = resolve;
      if (messages.length > 0) resolve();
      timer = setTimeout(resolve, 5000);
    });
    clearTimeout(timer);
    expect(messages[0]).toEqual([0x8001, peer.handle, FD_READ]);
  });

  it('WSAEventSelect and WSAEnumNetworkEvents work on the application’s handle', async () => {
    const { ws2, client, peer, net } = await connected();
    const event = ws2.WSACreateEvent();
    if (!event) throw new Error('WSACreateEvent failed');
    expect(ws2.WSAEventSelect(peer.handle, event, FD_READ)).toSucceed(ws2);
    await client.send(new Uint8Array([1, 2]));
    await net.idle();
    expect(await ws2.WSAWaitForMultipleEvents(1, [event], false, 5000, false)).toBe(0);
    const events = emptyNetworkEvents();
    expect(ws2.WSAEnumNetworkEvents(peer.handle, event, events)).toSucceed(ws2);
    expect(events.lNetworkEvents & FD_READ).toBe(FD_READ);
    expect(ws2.WSACloseEvent(event)).toBe(true);
  });

  it('a message posted before closesocket but delivered after still carries the application’s handle', async () => {
    const { ws2, peer } = await connected();
    const messages: [number, number, number][] = [];
    const window = {
      post(msg: number, wParam: number, lParam: number) {
        messages.push([msg, wParam, lParam]);
      },
    };
    const handle = peer.handle;
    // WSAAsyncSelect posts FD_WRITE at once for a connected socket; posted messages are delivered
    // on a later turn, so closing right away leaves it queued.
    expect(ws2.WSAAsyncSelect(handle, window, 0x8001, FD_WRITE | FD_READ | FD_CLOSE)).toSucceed(ws2);
    peer.close();
    for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(messages).toEqual([[0x8001, handle, FD_WRITE]]);
  });

  it('closesocket releases the layer’s handle: a later call on it is WSAENOTSOCK', async () => {
    const { ws2, client, peer } = await connected();
    const handle = client.handle;
    client.close();
    expect(ws2.shutdown(handle, 1)).toFailWith(ws2, WSAENOTSOCK);
    expect(ws2.closesocket(handle)).toFailWith(ws2, WSAENOTSOCK);
    peer.close();
  });
});
