/**
 * APCs and alertable waits: `QueueUserAPC` and completion routines run on a later turn of the
 * process's thread, outside every call; an alertable `SleepEx` or `WSAWaitForMultipleEvents` that
 * is waiting when one runs ends with `WAIT_IO_COMPLETION` / `WSA_WAIT_IO_COMPLETION`, while a
 * non-alertable one keeps waiting (for its events or its time-out); a signalled event still wins.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  AF_INET,
  out,
  SOCK_STREAM,
  type SOCKADDR_IN,
  type SOCKET,
  sockaddrIn,
  WAIT_IO_COMPLETION,
  WSA_IO_PENDING,
  WSA_WAIT_EVENT_0,
  WSA_WAIT_IO_COMPLETION,
  WSA_WAIT_TIMEOUT,
  type WSAOVERLAPPED,
  type Ws2,
  wsabuf,
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

async function inMemory(): Promise<Ws2> {
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
  });
  return proc.ws2;
}

async function connectedPair(ws2: Ws2): Promise<{ client: SOCKET; server: SOCKET }> {
  const listener = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
  await ws2.bind(listener, sockaddrIn('10.0.0.1', 0), 16);
  await ws2.listen(listener, 1);
  const name = out<unknown>(null);
  ws2.getsockname(listener, name as never, out(16));
  const client = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
  const [, server] = await Promise.all([
    ws2.connect(client, sockaddrIn('10.0.0.1', (name.value as SOCKADDR_IN).sin_port), 16),
    Promise.resolve().then(() => ws2.accept(listener, null, null)),
  ]);
  ws2.closesocket(listener);
  return { client, server };
}

describe('QueueUserAPC and SleepEx', () => {
  it('an APC runs on a later turn, not inside QueueUserAPC; an alertable SleepEx ends with WAIT_IO_COMPLETION', async () => {
    const ws2 = await inMemory();
    const ran: unknown[] = [];
    expect(ws2.QueueUserAPC((data) => ran.push(data), null, 'first')).toBe(1);
    expect(ran).toEqual([]);
    expect(await ws2.SleepEx(60_000, true)).toBe(WAIT_IO_COMPLETION);
    expect(ran).toEqual(['first']);
  });

  it('a non-alertable SleepEx sleeps its time and returns 0 (the APC still runs, on its own turn)', async () => {
    const ws2 = await inMemory();
    const ran: unknown[] = [];
    ws2.QueueUserAPC((data) => ran.push(data), null, 'x');
    expect(await ws2.SleepEx(20, false)).toBe(0);
    expect(ran).toEqual(['x']);
  });
});

describe('WSAWaitForMultipleEvents, alertable', () => {
  it('ends with WSA_WAIT_IO_COMPLETION once a completion routine ran, the event never signalled', async () => {
    const ws2 = await inMemory();
    const { client, server } = await connectedPair(ws2);
    const idle = ws2.WSACreateEvent()!;
    const seen: { error: number; bytes: number }[] = [];
    const buffer = new Uint8Array(16);
    const ov: WSAOVERLAPPED = { Internal: 0, InternalHigh: 0, hEvent: null };
    const rc = await ws2.WSARecv(server, [wsabuf(buffer)], 1, out(0), out(0), ov, (error, bytes) =>
      seen.push({ error, bytes }),
    );
    expect({ rc, error: ws2.WSAGetLastError() }).toEqual({ rc: -1, error: WSA_IO_PENDING });
    const waiting = ws2.WSAWaitForMultipleEvents(1, [idle], false, 60_000, true);
    await Promise.resolve().then(() => ws2.send(client, new Uint8Array([1, 2, 3]), 3, 0));
    expect(await waiting).toBe(WSA_WAIT_IO_COMPLETION);
    expect(seen).toEqual([{ error: 0, bytes: 3 }]);
    ws2.WSACloseEvent(idle);
  });

  it('without fAlertable the same wait runs to its time-out', async () => {
    const ws2 = await inMemory();
    const idle = ws2.WSACreateEvent()!;
    ws2.QueueUserAPC(() => {}, null, null);
    expect(await ws2.WSAWaitForMultipleEvents(1, [idle], false, 30, false)).toBe(WSA_WAIT_TIMEOUT);
    ws2.WSACloseEvent(idle);
  });

  it('an event already signalled is returned before any APC', async () => {
    const ws2 = await inMemory();
    const event = ws2.WSACreateEvent()!;
    ws2.WSASetEvent(event);
    ws2.QueueUserAPC(() => {}, null, null);
    expect(await ws2.WSAWaitForMultipleEvents(1, [event], false, 1000, true)).toBe(WSA_WAIT_EVENT_0);
    ws2.WSACloseEvent(event);
  });
});
