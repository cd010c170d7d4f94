/**
 * The transport contract (src/transport/stream-network.ts) as one jest suite, run against every
 * implementation: the in-memory `SimNetwork` and the machine's loopback over Node's `net`. A
 * behaviour that differs between them fails here, not in a provider three layers up.
 */

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { StreamConnection, StreamListener, StreamNetwork } from '@ws2spi/spi';
import { pattern, StreamRecorder, utf8 } from './stream-recorder';

/** One test's view of an implementation. */
export interface StreamNetworkContractEnv {
  /** The network the listening side uses. */
  readonly server: StreamNetwork;
  /** The network the connecting side uses. */
  readonly client: StreamNetwork;
  /** The server's address per family (the client connects to it, the server listens on it). */
  readonly address: { readonly 4: string; readonly 6: string };
  /** An IPv4 address the server does not own (listening on it fails with `EADDRNOTAVAIL`). */
  readonly foreignAddress4: string;
  /** A port on which nothing listens at `address[family]`. */
  unusedPort(family: 4 | 6): Promise<number>;
  /** Let in-flight traffic arrive (the sim: until idle; real sockets: a few event-loop turns). */
  settle(): Promise<void>;
  /** Release everything the implementation owns (after the suite reset its connections). */
  teardown(): Promise<void> | void;
}

/** How to run the suite against one implementation. */
export interface StreamNetworkContractOptions {
  /** A fresh environment per test. */
  setup(): Promise<StreamNetworkContractEnv> | StreamNetworkContractEnv;
  /** When set, the IPv6 tests are skipped and this (naming the missing capability) says why. */
  ipv6SkipReason?: string;
}

const ONE_MIB = 1024 * 1024;

/** Define the contract tests for one `StreamNetwork` implementation. */
export function describeStreamNetworkContract(name: string, options: StreamNetworkContractOptions): void {
  describe(`StreamNetwork contract: ${name}`, () => {
    let env: StreamNetworkContractEnv;
    let recorders: StreamRecorder[];
    let listeners: StreamListener[];

    beforeEach(async () => {
      env = await options.setup();
      recorders = [];
      listeners = [];
    });

    afterEach(async () => {
      for (const listener of listeners) listener.close();
      // Every connection gets handlers so its onClose can be awaited, then is reset: nothing stays open.
      for (const recorder of recorders) {
        recorder.wire();
        recorder.connection.reset();
      }
      await Promise.all(recorders.map((r) => r.untilClosed()));
      await env.teardown();
    });

    function track(connection: StreamConnection): StreamRecorder {
      const recorder = new StreamRecorder(connection);
      recorders.push(recorder);
      return recorder;
    }

    /** Listen on the server's address; accepted connections are tracked but NOT wired. */
    async function listen(family: 4 | 6 = 4, backlog = 16) {
      const accepted: StreamRecorder[] = [];
      const waiting: Array<(r: StreamRecorder) => void> = [];
      const listener = await env.server.listen(
        { host: env.address[family], port: 0, family, backlog },
        (c) => {
          const recorder = track(c);
          const next = waiting.shift();
          if (next) next(recorder);
          else accepted.push(recorder);
        },
      );
      listeners.push(listener);
      const accept = (): Promise<StreamRecorder> => {
        const ready = accepted.shift();
        return ready ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
      };
      return { listener, accept };
    }

    /** A connected pair: client and server both wired unless told otherwise. */
    async function pair(family: 4 | 6 = 4, wire: { server?: boolean; client?: boolean } = {}) {
      const { listener, accept } = await listen(family);
      const client = track(
        await env.client.connect({
          host: env.address[family],
          port: listener.local.port,
          family,
          timeoutMs: 10_000,
        }),
      );
      const server = await accept();
      if (wire.client !== false) client.wire();
      if (wire.server !== false) server.wire();
      return { listener, client, server };
    }

    it('connects to a listener and both ends report matching endpoints', async () => {
      const { listener, client, server } = await pair(4);
      expect(listener.local).toMatchObject({ address: env.address[4], family: 4 });
      expect(listener.local.port).toBeGreaterThan(0);
      expect(client.connection.remote).toEqual({
        address: env.address[4],
        port: listener.local.port,
        family: 4,
      });
      expect(server.connection.local).toEqual(client.connection.remote);
      expect(server.connection.remote).toEqual(client.connection.local);
      expect(client.connection.local.port).toBeGreaterThan(0);
    });

    it('carries bytes both ways, in order and intact', async () => {
      const { client, server } = await pair();
      const up = pattern(300_000, 7);
      const down = pattern(200_000, 9);
      client.connection.write(up.subarray(0, 1));
      client.connection.write(up.subarray(1, 100_000));
      client.connection.write(up.subarray(100_000));
      server.connection.write(down);
      await Promise.all([server.untilBytes(up.length), client.untilBytes(down.length)]);
      expect(Buffer.compare(server.bytes(), up)).toBe(0);
      expect(Buffer.compare(client.bytes(), down)).toBe(0);
      // Large writes may also bring onDrain; nothing else may happen.
      expect(new Set(server.events.filter((e) => e !== 'drain'))).toEqual(new Set(['data']));
      expect(new Set(client.events.filter((e) => e !== 'drain'))).toEqual(new Set(['data']));
    });

    it('does not let the caller reusing its buffer change bytes already written', async () => {
      const { client, server } = await pair();
      const buffer = utf8('first');
      client.connection.write(buffer);
      buffer.set(utf8('XXXXX'));
      client.connection.end();
      await server.untilEnd();
      expect(server.text()).toBe('first');
    });

    it('reports FIN as onEnd, and the half-closed side still receives 1 MiB whole', async () => {
      const { client, server } = await pair();
      client.connection.write(utf8('request'));
      client.connection.end();
      await server.untilEnd();
      expect(server.text()).toBe('request');
      expect(server.events).toEqual(['data', 'end']);
      expect(server.closeCount).toBe(0);

      const body = pattern(ONE_MIB, 3);
      server.connection.write(body);
      server.connection.end();
      await Promise.all([client.untilClosed(), server.untilClosed()]);
      expect(client.byteCount).toBe(ONE_MIB);
      expect(Buffer.compare(client.bytes(), body)).toBe(0);
      expect(client.events.filter((e) => e !== 'drain')).toEqual(['data', 'end', 'close']);
      expect(server.events.filter((e) => e !== 'drain')).toEqual(['data', 'end', 'close']);
    });

    it('lets the side that received FIN keep sending before it ends', async () => {
      const { client, server } = await pair();
      server.connection.end();
      await client.untilEnd();
      client.connection.write(utf8('still talking'));
      client.connection.end();
      await Promise.all([server.untilClosed(), client.untilClosed()]);
      expect(server.text()).toBe('still talking');
      expect(server.events).toEqual(['data', 'end', 'close']);
      expect(client.events).toEqual(['end', 'close']);
    });

    it('reports RST as onReset(ECONNRESET) then onClose; the resetting side sees onClose only', async () => {
      const { client, server } = await pair();
      client.connection.write(utf8('x'));
      await server.untilBytes(1);
      client.connection.reset();
      await Promise.all([server.untilClosed(), client.untilClosed()]);
      expect(server.resetError?.name).toBe('NetworkError');
      expect(server.resetError?.code).toBe('ECONNRESET');
      expect(server.events).toEqual(['data', 'reset:ECONNRESET', 'close']);
      expect(client.events).toEqual(['close']);
      expect(client.resetError).toBeUndefined();
    });

    it('makes end and reset idempotent and write after them an EPIPE error', async () => {
      const { client, server } = await pair();
      client.connection.end();
      client.connection.end();
      expect(() => client.connection.write(utf8('late'))).toThrow(expect.objectContaining({ code: 'EPIPE' }));
      await server.untilEnd();
      server.connection.reset();
      server.connection.reset();
      expect(() => server.connection.write(utf8('late'))).toThrow(expect.objectContaining({ code: 'EPIPE' }));
      await Promise.all([server.untilClosed(), client.untilClosed()]);
      await env.settle();
      expect(server.counts).toMatchObject({ end: 1, reset: 0, close: 1 });
      expect(client.counts.reset).toBeLessThanOrEqual(1);
      expect(client.closeCount).toBe(1);
      // After close, both calls are harmless no-ops.
      client.connection.reset();
      client.connection.end();
      await env.settle();
      expect(client.closeCount).toBe(1);
      expect(server.closeCount).toBe(1);
    });

    it('calls onClose exactly once after a graceful close in both directions', async () => {
      const { client, server } = await pair();
      client.connection.end();
      server.connection.end();
      await Promise.all([client.untilClosed(), server.untilClosed()]);
      client.connection.end();
      client.connection.reset();
      server.connection.reset();
      await env.settle();
      expect(client.events).toEqual(['end', 'close']);
      expect(server.events).toEqual(['end', 'close']);
      expect(client.closeCount).toBe(1);
      expect(server.closeCount).toBe(1);
    });

    it('rejects a connect to a port nobody listens on with ECONNREFUSED', async () => {
      const port = await env.unusedPort(4);
      await expect(
        env.client.connect({ host: env.address[4], port, family: 4, timeoutMs: 10_000 }),
      ).rejects.toMatchObject({ name: 'NetworkError', code: 'ECONNREFUSED' });
    });

    it('stops accepting after the listener closes, and keeps connections already handed out', async () => {
      const { listener, client, server } = await pair();
      listener.close();
      listener.close();
      await expect(
        env.client.connect({ host: env.address[4], port: listener.local.port, family: 4, timeoutMs: 10_000 }),
      ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
      client.connection.write(utf8('after close'));
      await server.untilBytes(11);
      expect(server.text()).toBe('after close');
    });

    it('rejects a second listener on the same address and port with EADDRINUSE', async () => {
      const { listener } = await listen(4);
      await expect(
        env.server.listen(
          { host: env.address[4], port: listener.local.port, family: 4, backlog: 1 },
          () => {},
        ),
      ).rejects.toMatchObject({ name: 'NetworkError', code: 'EADDRINUSE' });
    });

    it('rejects a listener on an address the machine does not own with EADDRNOTAVAIL', async () => {
      await expect(
        env.server.listen({ host: env.foreignAddress4, port: 0, family: 4, backlog: 1 }, () => {}),
      ).rejects.toMatchObject({ code: 'EADDRNOTAVAIL' });
    });

    it('rejects an address of the wrong family with EINVAL', async () => {
      await expect(env.client.connect({ host: '::1', port: 80, family: 4 })).rejects.toMatchObject({
        code: 'EINVAL',
      });
      await expect(
        env.server.listen({ host: '127.0.0.1', port: 0, family: 6, backlog: 1 }, () => {}),
      ).rejects.toMatchObject({ code: 'EINVAL' });
    });

    it('applies back-pressure: write returns false while the peer does not read, then onDrain', async () => {
      const { client, server } = await pair();
      server.connection.pause();
      const chunk = 64 * 1024;
      const sent: Uint8Array[] = [];
      let accepted = true;
      // Bounded: 1024 chunks (64 MiB) is far beyond any loopback socket buffer.
      while (accepted && sent.length < 1024) {
        const bytes = pattern(chunk, sent.length + 1);
        sent.push(bytes);
        accepted = client.connection.write(bytes);
      }
      expect(accepted).toBe(false);
      expect(client.connection.bufferedAmount).toBeGreaterThan(0);
      expect(client.counts.drain).toBe(0);
      server.connection.resume();
      await client.untilDrain();
      const total = sent.length * chunk;
      await server.untilBytes(total);
      expect(server.byteCount).toBe(total);
      expect(Buffer.compare(server.bytes(), Buffer.concat(sent))).toBe(0);
      expect(client.counts.drain).toBe(1);
    });

    it('holds data while paused and delivers all of it, then the FIN, on resume', async () => {
      const { client, server } = await pair();
      server.connection.pause();
      const body = pattern(512 * 1024, 11);
      client.connection.write(body);
      client.connection.end();
      await env.settle();
      expect(server.byteCount).toBe(0);
      expect(server.counts.end).toBe(0);
      server.connection.resume();
      await server.untilEnd();
      expect(Buffer.compare(server.bytes(), body)).toBe(0);
      expect(server.events).toEqual(['data', 'end']);
    });

    it('pauses mid-stream without losing or reordering bytes', async () => {
      const { client, server } = await pair();
      let pausedAt = -1;
      server.onChunk = () => {
        if (pausedAt < 0) {
          server.connection.pause();
          pausedAt = server.byteCount;
        }
      };
      const body = pattern(ONE_MIB, 13);
      client.connection.write(body);
      client.connection.end();
      await server.untilBytes(1);
      await env.settle();
      expect(server.byteCount).toBe(pausedAt);
      expect(server.counts.end).toBe(0);
      server.onChunk = undefined;
      server.connection.resume();
      await server.untilEnd();
      expect(server.byteCount).toBe(ONE_MIB);
      expect(Buffer.compare(server.bytes(), body)).toBe(0);
    });

    it('holds data, FIN and close until setHandlers', async () => {
      const { client, server } = await pair(4, { server: false });
      client.connection.write(utf8('early bird'));
      client.connection.end();
      await env.settle();
      expect(server.isWired).toBe(false);
      server.wire();
      expect(server.events).toEqual([]); // nothing inside setHandlers itself
      await server.untilEnd();
      expect(server.text()).toBe('early bird');
      server.connection.end();
      await Promise.all([server.untilClosed(), client.untilClosed()]);
      expect(server.events).toEqual(['data', 'end', 'close']);
    });

    it('holds a reset until setHandlers; the owner learns of it by the time it writes', async () => {
      const { client, server } = await pair(4, { server: false });
      client.connection.write(utf8('doomed'));
      client.connection.reset();
      await client.untilClosed();
      await env.settle();
      server.wire();
      await server.until(() => server.counts.reset > 0 || server.counts.end > 0);
      if (server.counts.reset === 0) {
        // Real sockets: an RST behind unread bytes reads as EOF (see NodeStreamConnection); the
        // next write meets the reset.
        server.connection.write(utf8('anyone there?'));
      }
      await server.untilClosed();
      // An RST may discard bytes the receiver had not read yet; what survives is a prefix of what
      // was sent, and the reset comes last but for the close.
      expect(server.events.slice(-2)).toEqual([`reset:${server.resetError?.code}`, 'close']);
      expect(['ECONNRESET', 'EPIPE']).toContain(server.resetError?.code);
      expect('doomed'.startsWith(server.text())).toBe(true);
      expect(server.counts).toMatchObject({ reset: 1, close: 1 });
    });

    it('never calls back inside the call that caused it', async () => {
      const { client } = await pair();
      const log: string[] = [];
      const before = client.events.length;
      log.push('write');
      client.connection.write(pattern(64 * 1024));
      log.push(`events during write: ${client.events.length - before}`);
      client.connection.end();
      log.push(`events during end: ${client.events.length - before}`);
      client.connection.reset();
      log.push(`events during reset: ${client.events.length - before}`);
      expect(log).toEqual([
        'write',
        'events during write: 0',
        'events during end: 0',
        'events during reset: 0',
      ]);
      await client.untilClosed();
      expect(client.events).toEqual(['close']);
    });

    it('gives each connection to one listener its own client port', async () => {
      const { listener, accept } = await listen(4);
      const connect = () =>
        env.client.connect({ host: env.address[4], port: listener.local.port, family: 4, timeoutMs: 10_000 });
      const a = track(await connect()).wire();
      const b = track(await connect()).wire();
      const serverA = (await accept()).wire();
      const serverB = (await accept()).wire();
      expect(a.connection.local.port).not.toBe(b.connection.local.port);
      a.connection.write(utf8('A'));
      b.connection.write(utf8('B'));
      await Promise.all([serverA.untilBytes(1), serverB.untilBytes(1)]);
      const byPort = new Map([
        [serverA.connection.remote.port, serverA.text()],
        [serverB.connection.remote.port, serverB.text()],
      ]);
      expect(byPort.get(a.connection.local.port)).toBe('A');
      expect(byPort.get(b.connection.local.port)).toBe('B');
    });

    const ipv6It = options.ipv6SkipReason === undefined ? it : it.skip;
    const ipv6Note = options.ipv6SkipReason === undefined ? '' : ` [skipped: ${options.ipv6SkipReason}]`;

    ipv6It(`connects and carries bytes over IPv6${ipv6Note}`, async () => {
      const { listener, client, server } = await pair(6);
      expect(listener.local).toMatchObject({ address: env.address[6], family: 6 });
      expect(client.connection.remote).toEqual({
        address: env.address[6],
        port: listener.local.port,
        family: 6,
      });
      expect(server.connection.remote).toEqual(client.connection.local);
      client.connection.write(utf8('over six'));
      client.connection.end();
      await server.untilEnd();
      server.connection.write(utf8('and back'));
      server.connection.end();
      await Promise.all([client.untilClosed(), server.untilClosed()]);
      expect(server.text()).toBe('over six');
      expect(client.text()).toBe('and back');
    });

    ipv6It(`keeps IPv4 and IPv6 port spaces apart (IPV6_V6ONLY)${ipv6Note}`, async () => {
      const { listener } = await listen(6);
      // The IPv4 side of the same port number is free: an IPv6 listener is V6ONLY, as on Windows.
      const v4 = await env.server.listen(
        { host: env.address[4], port: listener.local.port, family: 4, backlog: 1 },
        () => {},
      );
      listeners.push(v4);
      expect(v4.local.port).toBe(listener.local.port);
      const refused = await env.unusedPort(6);
      await expect(
        env.client.connect({ host: env.address[6], port: refused, family: 6 }),
      ).rejects.toMatchObject({
        code: 'ECONNREFUSED',
      });
    });
  });
}
