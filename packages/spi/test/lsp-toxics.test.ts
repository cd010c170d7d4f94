/**
 * The fault injector's toxics — latency, bandwidth, slow_close, timeout, slicer, limit_data,
 * reset_peer — each in both directions, over real loopback TCP (real timers), the TCP provider on
 * a SimNetwork and the in-memory provider on a SimNetwork (virtual time: a 30-second latency costs
 * nothing, and times are exact). The client process has the injector; the server does not, so
 * "outbound" is what the client sends and "inbound" what it receives.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  createFaultInjectorLayer,
  type FaultInjector,
  type FaultInjectorOptions,
  SD_SEND,
  WSAECONNRESET,
} from '@ws2spi/spi';
import {
  InMemorySimWorld,
  pattern,
  readAll,
  TcpLoopbackWorld,
  TcpSimWorld,
  type ToxicWorld,
} from './support/toxic-worlds';

const worlds: [string, () => ToxicWorld][] = [
  ['TCP over loopback (real time)', () => new TcpLoopbackWorld()],
  ['TCP over SimNetwork (virtual time)', () => new TcpSimWorld()],
  ['in-memory over SimNetwork (virtual time)', () => new InMemorySimWorld()],
];

describe.each(worlds)('toxics: %s', (_name, makeWorld) => {
  let world: ToxicWorld;
  let injector: FaultInjector;
  afterEach(async () => {
    await world?.teardown();
  });

  async function setUp(options: Omit<FaultInjectorOptions, 'clock'> = {}) {
    world = makeWorld();
    injector = createFaultInjectorLayer({ clock: world.clock, seed: 1, ...options });
    await world.start(injector);
    return world.connect();
  }

  /** `elapsed` is `expected` exactly on virtual time, at least it (less a timer's millisecond) on real time. */
  function expectElapsed(elapsed: number, expected: number): void {
    if (world.virtual) expect(elapsed).toBe(expected);
    else expect(elapsed).toBeGreaterThanOrEqual(expected - 1);
  }

  describe('latency', () => {
    it('outbound: the peer gets the data latency later, and the send returns at once', async () => {
      const { client, server } = await setUp();
      const ms = world.span(30_000);
      injector.addToxic({ type: 'latency', direction: 'outbound', latencyMs: ms });
      const sentAt = world.clock.now();
      await client.send(pattern(5));
      const returnedAt = world.clock.now();
      const data = await server.recv();
      const arrivedAt = world.clock.now();
      expect([...data]).toEqual([...pattern(5)]);
      if (world.virtual) expect(returnedAt).toBe(sentAt);
      expectElapsed(arrivedAt - sentAt, ms);
    });

    it('outbound with jitter: every byte arrives, in order, however the draws fall', async () => {
      const { client, server } = await setUp();
      injector.addToxic({
        type: 'latency',
        direction: 'outbound',
        latencyMs: world.span(1000),
        jitterMs: world.span(900),
      });
      for (let i = 0; i < 20; i++) await client.send(pattern(50, i * 50));
      client.shutdown(SD_SEND);
      const { data } = await readAll(server, world.clock);
      expect([...data]).toEqual([...pattern(1000)]);
      const jitters = injector.injected.filter((f) => f.kind === 'latency').map((f) => f.until);
      expect(jitters).toHaveLength(20);
      expect([...jitters].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(jitters);
    });

    it('inbound: the receive completes latency after the data came', async () => {
      const { client, server } = await setUp();
      const ms = world.span(30_000);
      injector.addToxic({ type: 'latency', direction: 'inbound', latencyMs: ms });
      const receiving = client.recv();
      const sentAt = world.clock.now();
      await server.send(pattern(7));
      const data = await receiving;
      expect(data.byteLength).toBe(7);
      expectElapsed(world.clock.now() - sentAt, ms);
    });
  });

  describe('bandwidth', () => {
    it('outbound: the data trickles out at the rate, in 100 ms pieces', async () => {
      const { client, server } = await setUp();
      const rate = world.virtual ? 1000 : 200_000; // bytes per second
      const size = world.virtual ? 5000 : 40_000; // 5 s on virtual time, 200 ms on real time
      injector.addToxic({ type: 'bandwidth', direction: 'outbound', bytesPerSecond: rate });
      const start = world.clock.now();
      await client.sendAll(pattern(size));
      client.shutdown(SD_SEND);
      const { data, chunks } = await readAll(server, world.clock);
      expect(data.byteLength).toBe(size);
      expectElapsed(chunks.at(-1)!.at - start, (size * 1000) / rate);
      if (world.virtual) expect(chunks.every((c) => c.bytes <= rate / 10)).toBe(true);
    });

    it('inbound: receives take no more than 100 ms worth, at the rate', async () => {
      const { client, server } = await setUp();
      const rate = world.virtual ? 1000 : 200_000;
      const size = world.virtual ? 2000 : 40_000;
      injector.addToxic({ type: 'bandwidth', direction: 'inbound', bytesPerSecond: rate });
      await server.sendAll(pattern(size));
      server.shutdown(SD_SEND);
      const start = world.clock.now();
      const { data, chunks } = await readAll(client, world.clock);
      expect([...data]).toEqual([...pattern(size)]);
      expect(chunks.every((c) => c.bytes <= rate / 10)).toBe(true);
      expectElapsed(chunks.at(-1)!.at - start, (size * 1000) / rate);
    });
  });

  describe('slow_close', () => {
    it('outbound: the FIN leaves delay after the shutdown, behind the data', async () => {
      const { client, server } = await setUp();
      const ms = world.span(10_000);
      injector.addToxic({ type: 'slow_close', direction: 'outbound', delayMs: ms });
      await client.send(pattern(3));
      const start = world.clock.now();
      client.shutdown(SD_SEND);
      const { data } = await readAll(server, world.clock);
      expect(data.byteLength).toBe(3);
      expectElapsed(world.clock.now() - start, ms);
    });

    it('outbound: a closesocket returns at once and the peer still gets the data, then the end', async () => {
      const { client, server } = await setUp();
      const ms = world.span(10_000);
      injector.addToxic({ type: 'slow_close', direction: 'outbound', delayMs: ms });
      injector.addToxic({ type: 'latency', direction: 'outbound', latencyMs: ms });
      await client.send(pattern(4));
      const start = world.clock.now();
      client.close();
      if (world.virtual) expect(world.clock.now()).toBe(start);
      const { data, error } = await readAll(server, world.clock);
      expect(error).toBeUndefined();
      expect(data.byteLength).toBe(4);
      expectElapsed(world.clock.now() - start, 2 * ms);
      await world.settle();
      expect(injector.connections).toBe(0);
    });

    it('inbound: the end of the stream reaches the application delay later', async () => {
      const { client, server } = await setUp();
      const ms = world.span(10_000);
      injector.addToxic({ type: 'slow_close', direction: 'inbound', delayMs: ms });
      const start = world.clock.now();
      server.shutdown(SD_SEND);
      expect((await client.recv()).byteLength).toBe(0);
      expectElapsed(world.clock.now() - start, ms);
    });
  });

  describe('timeout', () => {
    it('outbound with 0: the data is held (never lost) until the toxic is removed', async () => {
      const { client, server } = await setUp();
      injector.addToxic({ name: 'hang', type: 'timeout', direction: 'outbound', timeoutMs: 0 });
      await client.send(pattern(9));
      await world.settle();
      expect(server.bytesAvailable()).toBe(0);
      expect(injector.removeToxic('hang')).toBe(true);
      expect((await server.recv()).byteLength).toBe(9);
    });

    it('outbound: after the timeout the connection is closed — FIN to the peer, resets for the sender', async () => {
      const { client, server } = await setUp();
      const ms = world.span(20_000);
      injector.addToxic({ type: 'timeout', direction: 'outbound', timeoutMs: ms });
      const start = world.clock.now();
      await client.send(pattern(9));
      const { data, error } = await readAll(server, world.clock);
      expect({ bytes: data.byteLength, error }).toEqual({ bytes: 0, error: undefined });
      expectElapsed(world.clock.now() - start, ms);
      await expect(client.send(pattern(1))).rejects.toMatchObject({ code: WSAECONNRESET });
      expect((await client.recv()).byteLength).toBe(0);
      expect(injector.injected.map((f) => f.kind)).toContain('close');
    });

    it('inbound: the receive waits, then sees the end of the stream', async () => {
      const { client, server } = await setUp();
      const ms = world.span(20_000);
      injector.addToxic({ type: 'timeout', direction: 'inbound', timeoutMs: ms });
      const start = world.clock.now();
      await server.send(pattern(4));
      expect((await client.recv()).byteLength).toBe(0);
      expectElapsed(world.clock.now() - start, ms);
    });
  });

  describe('slicer', () => {
    it('outbound: the peer gets the bytes in slices of average ± variation, delay apart', async () => {
      const { client, server } = await setUp();
      const delay = world.span(100);
      injector.addToxic({
        type: 'slicer',
        direction: 'outbound',
        averageSize: 10,
        sizeVariation: 4,
        delayMs: delay,
      });
      const start = world.clock.now();
      await client.send(pattern(200));
      client.shutdown(SD_SEND);
      const { data } = await readAll(server, world.clock);
      expect([...data]).toEqual([...pattern(200)]);
      const slices = injector.injected.filter((f) => f.kind === 'slice').map((f) => f.bytes ?? 0);
      expect(slices.reduce((a, b) => a + b, 0)).toBe(200);
      expect(slices.every((n) => n >= 6 && n <= 14)).toBe(true);
      expectElapsed(world.clock.now() - start, (slices.length - 1) * delay);
    });

    it('inbound: each receive returns at most one slice', async () => {
      const { client, server } = await setUp();
      injector.addToxic({ type: 'slicer', direction: 'inbound', averageSize: 8, sizeVariation: 3 });
      await server.send(pattern(100));
      server.shutdown(SD_SEND);
      const { data, chunks } = await readAll(client, world.clock);
      expect([...data]).toEqual([...pattern(100)]);
      expect(chunks.length).toBeGreaterThanOrEqual(100 / 11);
      expect(chunks.every((c) => c.bytes <= 11)).toBe(true);
    });
  });

  describe('limit_data', () => {
    it('outbound: exactly the limit reaches the peer, then its end; the sender’s next send is reset', async () => {
      const { client, server } = await setUp();
      injector.addToxic({ type: 'limit_data', direction: 'outbound', bytes: 10 });
      await client.send(pattern(6));
      await client.send(pattern(6, 6));
      const { data } = await readAll(server, world.clock);
      expect([...data]).toEqual([...pattern(10)]);
      await expect(client.send(pattern(1))).rejects.toMatchObject({ code: WSAECONNRESET });
    });

    it('inbound: the application reads exactly the limit, then the end of the stream', async () => {
      const { client, server } = await setUp();
      injector.addToxic({ type: 'limit_data', direction: 'inbound', bytes: 10 });
      await server.send(pattern(25));
      const { data, error } = await readAll(client, world.clock);
      expect(error).toBeUndefined();
      expect([...data]).toEqual([...pattern(10)]);
      // The peer got a FIN.
      expect((await server.recv()).byteLength).toBe(0);
    });
  });

  describe('reset_peer', () => {
    it('outbound: timeout after the first data, both sides see WSAECONNRESET; the data is lost', async () => {
      const { client, server } = await setUp();
      const ms = world.span(5_000);
      injector.addToxic({ type: 'reset_peer', direction: 'outbound', timeoutMs: ms });
      const start = world.clock.now();
      await client.send(pattern(5));
      expect(await readAll(server, world.clock)).toMatchObject({
        data: new Uint8Array(0),
        error: WSAECONNRESET,
      });
      expectElapsed(world.clock.now() - start, ms);
      await expect(client.recv()).rejects.toMatchObject({ code: WSAECONNRESET });
      await expect(client.send(pattern(1))).rejects.toMatchObject({ code: WSAECONNRESET });
      // What Windows keeps after a reset: the local name, and closesocket succeeds.
      expect(client.localAddress()).not.toBeNull();
      expect(() => client.close()).not.toThrow();
      expect(injector.connections).toBe(0);
    });

    it('inbound: the first data that comes resets the connection instead of being delivered', async () => {
      const { client, server } = await setUp();
      injector.addToxic({ type: 'reset_peer', direction: 'inbound' });
      const receiving = client.recv();
      await server.send(pattern(5));
      await expect(receiving).rejects.toMatchObject({ code: WSAECONNRESET });
      expect(await readAll(server, world.clock)).toMatchObject({ error: WSAECONNRESET });
    });
  });
});
