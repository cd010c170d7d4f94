/**
 * nodeStreamNetwork() beyond the shared contract suite: argument checks that never reach the
 * kernel, local binding, the connect timer, what the owner receives (plain Uint8Array), reset
 * right after end (a libuv corner), and that nothing is left open. Loopback only.
 */

import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { nodeStreamNetwork, type StreamConnection, type StreamListener } from '@ws2spi/spi';
import { StreamRecorder, utf8 } from './support/stream-recorder';

const network = nodeStreamNetwork();
let listeners: StreamListener[] = [];
let recorders: StreamRecorder[] = [];

afterEach(async () => {
  for (const listener of listeners) listener.close();
  for (const recorder of recorders) {
    recorder.wire();
    recorder.connection.reset();
  }
  await Promise.all(recorders.map((r) => r.untilClosed()));
  listeners = [];
  recorders = [];
});

async function listen(): Promise<{ listener: StreamListener; accepted: Promise<StreamRecorder> }> {
  let resolveAccepted: (r: StreamRecorder) => void = () => {};
  const accepted = new Promise<StreamRecorder>((resolve) => {
    resolveAccepted = resolve;
  });
  const listener = await network.listen({ host: '127.0.0.1', port: 0, family: 4, backlog: 4 }, (c) => {
    const recorder = new StreamRecorder(c);
    recorders.push(recorder);
    resolveAccepted(recorder);
  });
  listeners.push(listener);
  return { listener, accepted };
}

function track(connection: StreamConnection): StreamRecorder {
  const recorder = new StreamRecorder(connection);
  recorders.push(recorder);
  return recorder;
}

function countResources(kind: string): number {
  return process.getActiveResourcesInfo().filter((r) => r === kind).length;
}

describe('nodeStreamNetwork', () => {
  it('rejects what the contract does not carry before touching the kernel', async () => {
    await expect(network.connect({ host: 'localhost', port: 80, family: 4 })).rejects.toMatchObject({
      name: 'NetworkError',
      code: 'EINVAL',
    });
    await expect(network.connect({ host: '127.0.0.1', port: 0, family: 4 })).rejects.toMatchObject({
      code: 'EADDRNOTAVAIL',
    });
    await expect(network.connect({ host: '127.0.0.1', port: 65536, family: 4 })).rejects.toMatchObject({
      code: 'EINVAL',
    });
    await expect(
      network.connect({ host: '127.0.0.1', port: 80, family: 4, timeoutMs: -1 }),
    ).rejects.toMatchObject({
      code: 'EINVAL',
    });
    await expect(
      network.connect({ host: '127.0.0.1', port: 80, family: 4, localAddress: '::1' }),
    ).rejects.toMatchObject({ code: 'EINVAL' });
    await expect(
      network.listen({ host: '127.0.0.1', port: -5, family: 4, backlog: 1 }, () => {}),
    ).rejects.toMatchObject({ code: 'EINVAL' });
  });

  it('binds the requested local address and port', async () => {
    const { listener, accepted } = await listen();
    const probe = await network.listen({ host: '127.0.0.1', port: 0, family: 4, backlog: 1 }, () => {});
    const localPort = probe.local.port;
    probe.close();
    const client = track(
      await network.connect({
        host: '127.0.0.1',
        port: listener.local.port,
        family: 4,
        localAddress: '127.0.0.1',
        localPort,
      }),
    );
    expect(client.connection.local).toEqual({ address: '127.0.0.1', port: localPort, family: 4 });
    const server = await accepted;
    expect(server.connection.remote.port).toBe(localPort);
  });

  /** Runs `body` and reports whether the 60 s connect timer it starts was cleared. */
  async function connectTimerCleared(body: () => Promise<void>): Promise<boolean> {
    const setSpy = jest.spyOn(globalThis, 'setTimeout');
    const clearSpy = jest.spyOn(globalThis, 'clearTimeout');
    try {
      await body();
      const timers = setSpy.mock.results
        .filter((_, i) => setSpy.mock.calls[i]![1] === 60_000)
        .map((r) => r.value);
      expect(timers).toHaveLength(1);
      return clearSpy.mock.calls.some((call) => call[0] === timers[0]);
    } finally {
      setSpy.mockRestore();
      clearSpy.mockRestore();
    }
  }

  it('clears the connect timer once connected', async () => {
    const { listener } = await listen();
    const cleared = await connectTimerCleared(async () => {
      const client = track(
        await network.connect({ host: '127.0.0.1', port: listener.local.port, family: 4, timeoutMs: 60_000 }),
      );
      expect(client.connection.remote.port).toBe(listener.local.port);
    });
    expect(cleared).toBe(true);
  });

  it('clears the connect timer when the connect fails', async () => {
    const probe = await network.listen({ host: '127.0.0.1', port: 0, family: 4, backlog: 1 }, () => {});
    const port = probe.local.port;
    probe.close();
    const cleared = await connectTimerCleared(async () => {
      await expect(
        network.connect({ host: '127.0.0.1', port, family: 4, timeoutMs: 60_000 }),
      ).rejects.toMatchObject({
        code: 'ECONNREFUSED',
      });
    });
    expect(cleared).toBe(true);
  });

  it('delivers plain Uint8Array chunks, not Buffers', async () => {
    const { listener, accepted } = await listen();
    const client = track(await network.connect({ host: '127.0.0.1', port: listener.local.port, family: 4 }));
    const server = await accepted;
    const prototypes: unknown[] = [];
    let received = 0;
    const done = new Promise<void>((resolve) =>
      server.connection.setHandlers({
        onData: (data) => {
          prototypes.push(Object.getPrototypeOf(data));
          received += data.length;
          if (received === 5) resolve();
        },
        onEnd: () => {},
        onReset: () => {},
        onDrain: () => {},
        onClose: () => {},
      }),
    );
    // The recorder's own handlers are replaced below; keep cleanup able to await close.
    client.wire();
    client.connection.write(utf8('bytes'));
    await done;
    expect(prototypes.length).toBeGreaterThan(0);
    for (const prototype of prototypes) expect(prototype).toBe(Uint8Array.prototype);
    server.wire();
  });

  it('sends RST even when reset() comes right after end(), and closes exactly once', async () => {
    const { listener, accepted } = await listen();
    const client = track(
      await network.connect({ host: '127.0.0.1', port: listener.local.port, family: 4 }),
    ).wire();
    const server = (await accepted).wire();
    client.connection.write(utf8('last words'));
    client.connection.end();
    client.connection.reset();
    await client.untilClosed();
    expect(client.events).toEqual(['close']);
    await server.until(() => server.counts.end > 0 || server.counts.reset > 0);
    if (server.counts.reset === 0) server.connection.write(utf8('hello?'));
    await server.untilClosed();
    expect(server.counts.reset).toBe(1);
    expect(['ECONNRESET', 'EPIPE']).toContain(server.resetError?.code);
    expect(client.closeCount).toBe(1);
  });

  it('leaves no socket or server open once everything is closed', async () => {
    const tcpBefore = countResources('TCPSocketWrap') + countResources('TCPServerWrap');
    const { listener, accepted } = await listen();
    const client = track(
      await network.connect({ host: '127.0.0.1', port: listener.local.port, family: 4 }),
    ).wire();
    const server = (await accepted).wire();
    client.connection.end();
    server.connection.end();
    await Promise.all([client.untilClosed(), server.untilClosed()]);
    listener.close();
    await new Promise((resolve) => setImmediate(resolve));
    expect(countResources('TCPSocketWrap') + countResources('TCPServerWrap')).toBe(tcpBefore);
  });
});
