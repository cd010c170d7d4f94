/**
 * The fault injector beyond single toxics: seeded runs that repeat byte for byte on virtual time,
 * toxicity, toxics changed on live connections, the pipe's back-pressure and background close,
 * what a reset looks like through `WSAEventSelect` and `select`, clean teardown, toxics on a
 * message protocol (ISO transport), connect and disconnect data rewrites, and toxiproxy's JSON.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  createFaultInjectorLayer,
  emptyNetworkEvents,
  type FaultInjector,
  type FaultInjectorOptions,
  FD_CLOSE,
  FD_CLOSE_BIT,
  FD_READ,
  normalizeToxic,
  SD_SEND,
  type Toxic,
  toxiproxyToxic,
  WSAECONNABORTED,
  WSAECONNRESET,
  WSAEDISCON,
  WSAEINTR,
  WSAENOPROTOOPT,
} from '@ws2spi/spi';
import type { SimTraceEntry } from '@ws2spi/spi/testing';
import {
  concat,
  InMemorySimWorld,
  OsiSimWorld,
  pattern,
  readAll,
  TcpSimWorld,
  type ToxicWorld,
} from './support/toxic-worlds';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytesOf = (s: string) => new TextEncoder().encode(s);

let world: ToxicWorld | undefined;
afterEach(async () => {
  await world?.teardown();
  world = undefined;
});

async function start(made: ToxicWorld, options: Omit<FaultInjectorOptions, 'clock'> = {}) {
  world = made;
  const injector = createFaultInjectorLayer({ clock: made.clock, ...options });
  await made.start(injector);
  return { world: made, injector };
}

describe('seeded runs', () => {
  /** Six echo conversations through jitter, slicing, a bandwidth cap and a half-applied latency. */
  async function run(seed: number) {
    const trace: SimTraceEntry[] = [];
    const made = new TcpSimWorld({ trace: (entry) => trace.push(entry) });
    const capture = made.network.capture();
    const { world: w, injector } = await start(made, {
      seed,
      toxics: [
        { type: 'latency', direction: 'outbound', latencyMs: 500, jitterMs: 400 },
        { name: 'sometimes', type: 'latency', direction: 'inbound', latencyMs: 3000, toxicity: 0.5 },
        { type: 'slicer', direction: 'inbound', averageSize: 20, sizeVariation: 15, delayMs: 7 },
        { type: 'bandwidth', direction: 'outbound', bytesPerSecond: 2000 },
      ],
    });
    const received: { chunks: { bytes: number; at: number }[]; data: string }[] = [];
    for (let c = 0; c < 6; c++) {
      const { client, server } = await w.connect();
      const echo = (async () => {
        const { data } = await readAll(server, w.clock);
        await server.sendAll(data);
        server.shutdown(SD_SEND);
      })();
      for (let i = 0; i < 3; i++) await client.send(pattern(100, c * 7 + i));
      client.shutdown(SD_SEND);
      const { chunks, data } = await readAll(client, w.clock);
      await echo;
      received.push({ chunks, data: Buffer.from(data).toString('hex') });
      client.close();
      server.close();
    }
    await w.settle();
    // Handle values are the process's and differ from run to run: number them by first appearance.
    const handles = new Map<number | undefined, number>();
    const injected = injector.injected.map((f) => {
      if (!handles.has(f.socket)) handles.set(f.socket, handles.size);
      return { ...f, socket: handles.get(f.socket) };
    });
    const result = JSON.stringify({ injected, received, trace });
    await w.teardown();
    world = undefined;
    return { result, pcapng: Buffer.from(capture.toPcapng()) };
  }

  it('repeat byte for byte with the same seed — records, data, network events, capture — and differ with another', async () => {
    const first = await run(42);
    const second = await run(42);
    expect(second.result).toBe(first.result);
    expect(second.pcapng.equals(first.pcapng)).toBe(true);
    expect(first.result.length).toBeGreaterThan(10_000);
    const other = await run(43);
    expect(other.result).not.toBe(first.result);
    expect(other.pcapng.equals(first.pcapng)).toBe(false);
  });

  it('apply a toxic to the share of connections its toxicity says, the same ones every time', async () => {
    const affected = async (seed: number) => {
      const { world: w, injector } = await start(new InMemorySimWorld(), {
        seed,
        toxics: [{ type: 'latency', direction: 'outbound', latencyMs: 10, toxicity: 0.5 }],
      });
      const hit: boolean[] = [];
      for (let c = 0; c < 16; c++) {
        const { client, server } = await w.connect();
        const before = injector.injected.length;
        await client.send(pattern(1));
        await server.recv();
        hit.push(injector.injected.length > before);
      }
      await w.teardown();
      world = undefined;
      return hit;
    };
    const hits = await affected(5);
    expect(hits.filter(Boolean).length).toBeGreaterThan(2);
    expect(hits.filter(Boolean).length).toBeLessThan(14);
    expect(await affected(5)).toEqual(hits);
  });
});

describe('toxics on live connections', () => {
  it('start, change and stop acting on a connection that is already open', async () => {
    const { world: w, injector } = await start(new InMemorySimWorld());
    const { client, server } = await w.connect();
    const timed = async () => {
      const at = w.clock.now();
      await client.send(pattern(1));
      await server.recv();
      return w.clock.now() - at;
    };
    expect(await timed()).toBe(0);
    const name = injector.addToxic({ type: 'latency', direction: 'outbound', latencyMs: 1000 });
    expect(await timed()).toBe(1000);
    injector.updateToxic(name, { latencyMs: 250 });
    expect(injector.toxics).toEqual([
      { name: 'latency_outbound', type: 'latency', direction: 'outbound', latencyMs: 250 },
    ]);
    expect(await timed()).toBe(250);
    injector.removeToxic(name);
    expect(await timed()).toBe(0);
  });

  it('hold a send that does not fit the pipe until the data can go (back-pressure, nothing lost)', async () => {
    const { world: w, injector } = await start(new InMemorySimWorld());
    const { client, server } = await w.connect();
    injector.addToxic({ name: 'stop', type: 'timeout', direction: 'outbound', timeoutMs: 0 });
    let sent = false;
    const sending = client.sendAll(pattern(200_000)).then(() => {
      sent = true;
    });
    await w.settle();
    expect(sent).toBe(false);
    injector.removeToxic('stop');
    await sending;
    client.shutdown(SD_SEND);
    const { data } = await readAll(server, w.clock);
    expect(data.byteLength).toBe(200_000);
    expect(data).toEqual(pattern(200_000));
  });

  it('refuse a WSASendDisconnect with data at once on TCP, even with the pipe full', async () => {
    const { world: w, injector } = await start(new TcpSimWorld());
    const { client, server } = await w.connect();
    injector.addToxic({ type: 'latency', direction: 'outbound', latencyMs: 1000 });
    await client.send(pattern(3));
    expect(() => client.sendDisconnect(bytesOf('bye'))).toThrow(
      expect.objectContaining({ code: WSAENOPROTOOPT }),
    );
    client.sendDisconnect();
    expect(await readAll(server, w.clock)).toMatchObject({ data: pattern(3) });
  });
});

describe('resets, as Winsock shows them', () => {
  it('signal FD_CLOSE with WSAECONNABORTED to WSAEventSelect, and make select find the socket', async () => {
    const { world: w, injector } = await start(new TcpSimWorld());
    const { client, server } = await w.connect();
    const ws2 = w.clientWs2;
    const event = ws2.WSACreateEvent();
    if (!event) throw new Error('WSACreateEvent failed');
    expect(ws2.WSAEventSelect(client.handle, event, FD_READ | FD_CLOSE)).toBe(0);
    injector.addToxic({ type: 'reset_peer', direction: 'outbound', timeoutMs: 100 });
    await client.send(pattern(1));
    expect(await ws2.WSAWaitForMultipleEvents(1, [event], false, 60_000, false)).toBe(0);
    const events = emptyNetworkEvents();
    expect(ws2.WSAEnumNetworkEvents(client.handle, event, events)).toBe(0);
    expect(events.lNetworkEvents & FD_CLOSE).toBe(FD_CLOSE);
    expect(events.iErrorCode[FD_CLOSE_BIT]).toBe(WSAECONNABORTED);
    const readable = { fd_array: [client.handle] };
    expect(await ws2.select(0, readable, null, null, { tv_sec: 0, tv_usec: 0 })).toBe(1);
    expect(readable.fd_array).toEqual([client.handle]);
    expect(await readAll(server, w.clock)).toMatchObject({ error: WSAECONNRESET });
    expect(ws2.closesocket(client.handle)).toBe(0);
  });
});

describe('teardown', () => {
  it('ends calls the toxics hold with WSAEINTR and leaves no timer or connection behind', async () => {
    const made = new InMemorySimWorld();
    const { injector } = await start(made, {
      toxics: [
        { type: 'timeout', direction: 'inbound', timeoutMs: 0 },
        { type: 'latency', direction: 'outbound', latencyMs: 60_000 },
      ],
    });
    const { client } = await made.connect();
    await client.send(pattern(10));
    const receiving = client.recv().then(
      () => 0,
      (error: { code: number }) => error.code,
    );
    await made.network.idle();
    await made.teardown();
    world = undefined;
    expect(await receiving).toBe(WSAEINTR);
    expect(injector.connections).toBe(0);
    expect(made.network.pendingEvents).toBe(0);
  });
});

describe('on a message protocol (ISO transport)', () => {
  it('keep messages whole through latency and slicer, and the disconnect data behind them', async () => {
    const { world: w, injector } = await start(new OsiSimWorld(), {
      toxics: [
        { type: 'latency', direction: 'outbound', latencyMs: 30_000 },
        { type: 'slicer', direction: 'outbound', averageSize: 3, sizeVariation: 1 },
      ],
    });
    const { client, server } = await w.connect();
    await client.send(bytesOf('first message'));
    await client.send(bytesOf('second'));
    const sentAt = w.clock.now();
    client.sendDisconnect(bytesOf('goodbye'));
    expect(text(await server.recv())).toBe('first message');
    expect(w.clock.now() - sentAt).toBe(30_000);
    expect(text(await server.recv())).toBe('second');
    await expect(server.recv()).rejects.toMatchObject({ code: WSAEDISCON });
    expect(text(server.recvDisconnect())).toBe('goodbye');
    expect(injector.injected.filter((f) => f.kind === 'slice')).toEqual([]);
  });

  it('close at a message boundary when the limit is reached', async () => {
    const { world: w } = await start(new OsiSimWorld(), {
      toxics: [{ type: 'limit_data', direction: 'inbound', bytes: 10 }],
    });
    const { client, server } = await w.connect();
    await server.send(bytesOf('four'));
    await server.send(bytesOf('sixsix'));
    await server.send(bytesOf('more'));
    expect(text(await client.recv())).toBe('four');
    expect(text(await client.recv())).toBe('sixsix');
    expect((await client.recv()).byteLength).toBe(0);
  });

  it('rewrite connect and disconnect data, both ways', async () => {
    const { world: w, injector } = await start(new OsiSimWorld(), {
      connectData: {
        outbound: (d) => concat([d ?? new Uint8Array(0), bytesOf('+tag')]),
        inbound: (d) => d.reverse(),
      },
      disconnectData: { outbound: () => bytesOf('replaced'), inbound: (d) => concat([bytesOf('got:'), d]) },
    });
    let seenByServer = '';
    const { client, server, calleeData } = await w.connect({
      callerData: bytesOf('hello'),
      condition: ({ callerData }) => {
        seenByServer = text(callerData);
        return { accept: true, calleeData: bytesOf('ok') };
      },
    });
    expect(seenByServer).toBe('hello+tag');
    expect(text(calleeData)).toBe('ko');
    client.sendDisconnect(bytesOf('bye'));
    await expect(server.recv()).rejects.toMatchObject({ code: WSAEDISCON });
    expect(text(server.recvDisconnect())).toBe('replaced');
    // The other way, on a second connection: the server releases with data.
    const second = await w.connect();
    second.server.sendDisconnect(bytesOf('srv'));
    await expect(second.client.recv()).rejects.toMatchObject({ code: WSAEDISCON });
    expect(text(second.client.recvDisconnect())).toBe('got:srv');
    expect(injector.injected.map((f) => [f.kind, f.call.slice(2), f.direction])).toEqual([
      ['rewrite', 'WSPConnect', 'outbound'],
      ['rewrite', 'WSPConnect', 'inbound'],
      ['rewrite', 'WSPSendDisconnect', 'outbound'],
      ['rewrite', 'WSPConnect', 'outbound'],
      ['rewrite', 'WSPConnect', 'inbound'],
      ['rewrite', 'WSPRecvDisconnect', 'inbound'],
    ]);
  });
});

describe('toxics as data', () => {
  it('read toxiproxy’s JSON, in toxiproxy’s units', () => {
    expect(
      toxiproxyToxic({ type: 'latency', stream: 'downstream', attributes: { latency: 1000, jitter: 50 } }),
    ).toEqual({
      name: 'latency_downstream',
      type: 'latency',
      direction: 'inbound',
      latencyMs: 1000,
      jitterMs: 50,
    });
    expect(
      toxiproxyToxic({
        name: 'slow',
        type: 'bandwidth',
        stream: 'upstream',
        toxicity: 0.5,
        attributes: { rate: 100 },
      }),
    ).toEqual({
      name: 'slow',
      type: 'bandwidth',
      direction: 'outbound',
      toxicity: 0.5,
      bytesPerSecond: 100_000,
    });
    expect(
      toxiproxyToxic({ type: 'slicer', attributes: { average_size: 64, size_variation: 32, delay: 2500 } }),
    ).toMatchObject({
      averageSize: 64,
      sizeVariation: 32,
      delayMs: 2.5,
    });
    expect(() => toxiproxyToxic({ type: 'corrupt' })).toThrow("toxiproxy toxic: unknown type 'corrupt'");
  });

  it.each([
    [
      { type: 'latency', direction: 'inbound', latencyMs: -1 },
      "toxic 'latency': latencyMs must be a number >= 0, got -1",
    ],
    [
      { type: 'bandwidth', direction: 'up', bytesPerSecond: 1 },
      "toxic 'bandwidth': direction must be 'inbound' or 'outbound', not up",
    ],
    [
      { type: 'latency', direction: 'inbound', latencyMs: 1, toxicity: 2 },
      "toxic 'latency': toxicity must be within 0..1, got 2",
    ],
    [
      { type: 'slicer', direction: 'inbound', averageSize: 4, sizeVariation: 4 },
      "toxic 'slicer': sizeVariation must be smaller than averageSize",
    ],
    [
      { type: 'limit_data', direction: 'inbound', bytes: 1.5 },
      "toxic 'limit_data': bytes must be an integer >= 0, got 1.5",
    ],
    [{ type: 'jam', direction: 'inbound' }, "unknown toxic type 'jam'"],
  ])('refuse %j', (toxic, message) => {
    expect(() => normalizeToxic(toxic as Toxic)).toThrow(message);
  });

  it('refuse two toxics of one name, unknown names, and toxics in an IFS injector', () => {
    const injector: FaultInjector = createFaultInjectorLayer();
    injector.addToxic({ type: 'latency', direction: 'inbound', latencyMs: 1 });
    expect(() => injector.addToxic({ type: 'latency', direction: 'inbound', latencyMs: 2 })).toThrow(
      "a toxic named 'latency_inbound' exists",
    );
    expect(() => injector.updateToxic('nope', {})).toThrow("no toxic named 'nope'");
    expect(injector.removeToxic('nope')).toBe(false);
    expect(() =>
      createFaultInjectorLayer({
        style: 'ifs',
        toxics: [{ type: 'latency', direction: 'inbound', latencyMs: 1 }],
      }),
    ).toThrow('toxics need a non-IFS fault injector');
  });
});
