/**
 * SimNetwork itself, beyond the transport contract: determinism, latency and ordering, the
 * virtual clock, addressing and routing, ephemeral ports, port conflicts, the backlog, idle()
 * and close().
 */

import { afterEach, describe, expect, it } from '@jest/globals';
import type { StreamConnection } from '@ws2spi/spi';
import { type SimHost, SimNetwork, type SimNetworkOptions } from '@ws2spi/spi/testing';
import { connectedPair, twoHosts } from './support/sim-fixture';
import { StreamRecorder, utf8 } from './support/stream-recorder';

const networks: SimNetwork[] = [];
function track<T extends { net: SimNetwork }>(fixture: T): T {
  networks.push(fixture.net);
  return fixture;
}
function newNetwork(options?: SimNetworkOptions): SimNetwork {
  const net = new SimNetwork(options);
  networks.push(net);
  return net;
}
afterEach(() => {
  for (const net of networks.splice(0)) net.close();
});

/**
 * A fixed script: an echo server, two clients connecting at once, interleaved writes, half
 * closes, and datagrams. Returns every trace entry and every callback, in order.
 */
async function runScript(): Promise<string[]> {
  const log: string[] = [];
  const net = newNetwork({ trace: (e) => log.push(`t=${e.time} #${e.seq} ${e.label}`) });
  const server = net.addHost('server', { ipv4: ['10.0.0.2'] });
  const a = net.addHost('a', { ipv4: ['10.0.0.3'] });
  const b = net.addHost('b', { ipv4: ['10.0.0.4'] });
  await server.streams.listen({ host: '0.0.0.0', port: 7, family: 4, backlog: 4 }, (c) => {
    const who = `${c.remote.address}:${c.remote.port}`;
    c.setHandlers({
      onData: (d) => {
        log.push(`server ${who} data ${Buffer.from(d).toString()}`);
        c.write(d);
      },
      onEnd: () => {
        log.push(`server ${who} end`);
        c.end();
      },
      onReset: (e) => log.push(`server ${who} reset ${e.code}`),
      onDrain: () => log.push(`server ${who} drain`),
      onClose: () => log.push(`server ${who} close`),
    });
  });
  const talk = async (host: SimHost, name: string) => {
    const c = await host.streams.connect({ host: '10.0.0.2', port: 7, family: 4 });
    log.push(`${name} connected from ${c.local.address}:${c.local.port}`);
    const closed = new Promise<void>((resolve) =>
      c.setHandlers({
        onData: (d) => log.push(`${name} data ${Buffer.from(d).toString()}`),
        onEnd: () => log.push(`${name} end`),
        onReset: (e) => log.push(`${name} reset ${e.code}`),
        onDrain: () => log.push(`${name} drain`),
        onClose: () => {
          log.push(`${name} close`);
          resolve();
        },
      }),
    );
    c.write(utf8(`${name}1`));
    c.write(utf8(`${name}2`));
    c.end();
    await closed;
  };
  const udpServer = await server.datagrams.bindDatagram({ address: '10.0.0.2', port: 53, family: 4 });
  udpServer.setHandlers({
    onMessage: (d, from) => log.push(`udp ${Buffer.from(d).toString()} from ${from.address}:${from.port}`),
  });
  const udpA = await a.datagrams.bindDatagram({ address: '0.0.0.0', port: 0, family: 4 });
  await Promise.all([
    talk(a, 'a'),
    talk(b, 'b'),
    udpA.send(utf8('query'), { address: '10.0.0.2', port: 53, family: 4 }),
  ]);
  await net.idle();
  net.close();
  return log;
}

describe('determinism', () => {
  it('yields the same event log, callback for callback, when the same script runs twice', async () => {
    const first = await runScript();
    const second = await runScript();
    expect(second).toEqual(first);
    // The log is rich enough for the comparison to mean something.
    expect(first.length).toBeGreaterThan(40);
    expect(first.filter((line) => line.startsWith('a data '))).toEqual(['a data a1', 'a data a2']);
    expect(first.filter((line) => line.startsWith('b data '))).toEqual(['b data b1', 'b data b2']);
    expect(first).toContain('udp query from 10.0.0.3:49152');
    expect(first.filter((line) => line.endsWith(' close'))).toHaveLength(4);
  });

  it('orders events scheduled for the same time by the order of the calls', async () => {
    const net = newNetwork();
    const host = net.addHost('h', { ipv4: ['10.1.0.1'] });
    const got: string[] = [];
    const port = await host.datagrams.bindDatagram({ address: '127.0.0.1', port: 9000, family: 4 });
    port.setHandlers({ onMessage: (d) => got.push(Buffer.from(d).toString()) });
    const sender = await host.datagrams.bindDatagram({ address: '127.0.0.1', port: 0, family: 4 });
    const sends = ['one', 'two', 'three', 'four'].map((w) =>
      sender.send(utf8(w), { address: '127.0.0.1', port: 9000, family: 4 }),
    );
    await Promise.all(sends);
    await net.idle();
    expect(got).toEqual(['one', 'two', 'three', 'four']);
  });
});

describe('latency and the clock', () => {
  it('delivers over each link after its own latency, in virtual time', async () => {
    const net = newNetwork({ timing: 'virtual', latencyMs: 5 });
    const a = net.addHost('a', { ipv4: ['10.0.0.1'] });
    const far = net.addHost('far', { ipv4: ['10.0.0.2'] });
    const near = net.addHost('near', { ipv4: ['10.0.0.3'] });
    net.setLatency(a, far, 40);
    net.setLatency('a', 'near', 1);
    const arrivals: string[] = [];
    for (const [host, address] of [
      [far, '10.0.0.2'],
      [near, '10.0.0.3'],
    ] as const) {
      const port = await host.datagrams.bindDatagram({ address, port: 5000, family: 4 });
      port.setHandlers({
        onMessage: (d) => arrivals.push(`${host.name}@${net.now}:${Buffer.from(d).toString()}`),
      });
    }
    const sender = await a.datagrams.bindDatagram({ address: '0.0.0.0', port: 0, family: 4 });
    await sender.send(utf8('x'), { address: '10.0.0.2', port: 5000, family: 4 });
    await sender.send(utf8('y'), { address: '10.0.0.3', port: 5000, family: 4 });
    await net.idle();
    // Sent first, arrives last: the far link is slower.
    expect(arrivals).toEqual(['near@1:y', 'far@40:x']);
  });

  it('never reorders a byte stream when the latency drops mid-stream', async () => {
    const { net, server, client } = track(twoHosts({ timing: 'virtual', latencyMs: 50 }));
    const pair = await connectedPair(client, server);
    pair.client.connection.write(utf8('slow-'));
    net.setLatency(client, server, 0);
    pair.client.connection.write(utf8('fast'));
    pair.client.connection.end();
    await pair.server.untilEnd();
    expect(pair.server.text()).toBe('slow-fast');
  });

  it('paces with real timers by default and still delivers in order', async () => {
    const { net, server, client } = track(twoHosts({ latencyMs: 2 }));
    const pair = await connectedPair(client, server);
    for (let i = 0; i < 5; i++) pair.client.connection.write(utf8(String(i)));
    pair.client.connection.end();
    await pair.server.untilEnd();
    expect(pair.server.text()).toBe('01234');
    // One SYN, one SYN-ACK, one segment per write, the FIN: the clock moved by whole latencies.
    expect(net.now % 2).toBe(0);
    expect(net.now).toBeGreaterThanOrEqual(6);
  });
});

describe('addresses and routing', () => {
  it('routes by address, answers on loopback per host, and reports local and remote endpoints', async () => {
    const { net, server, client } = track(twoHosts());
    const seen: StreamConnection[] = [];
    const listener = await server.streams.listen({ host: '::', port: 80, family: 6, backlog: 4 }, (c) =>
      seen.push(c),
    );
    const c6 = await client.streams.connect({ host: 'FD00:0:0::2', port: 80, family: 6 });
    expect(c6.remote).toEqual({ address: 'fd00::2', port: 80, family: 6 });
    expect(c6.local).toEqual({ address: 'fd00::1', port: 49152, family: 6 });
    // ::1 from the client is the client itself, where nothing listens on port 80.
    await expect(client.streams.connect({ host: '::1', port: 80, family: 6 })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    const own = await server.streams.connect({ host: '::1', port: 80, family: 6 });
    expect(own.local.address).toBe('::1');
    await net.idle();
    expect(seen.map((c) => c.remote.address)).toEqual(['fd00::1', '::1']);
    expect(seen.map((c) => c.local.address)).toEqual(['fd00::2', '::1']);
    listener.close();
  });

  it('lets a wildcard listener answer on every address of its family, a specific one only on its own', async () => {
    const { net, server, client } = track(twoHosts());
    const hits: string[] = [];
    await server.streams.listen({ host: '0.0.0.0', port: 81, family: 4, backlog: 4 }, (c) =>
      hits.push(`wildcard via ${c.local.address}`),
    );
    await server.streams.listen({ host: '10.0.0.2', port: 82, family: 4, backlog: 4 }, (c) =>
      hits.push(`specific via ${c.local.address}`),
    );
    await client.streams.connect({ host: '10.0.0.2', port: 81, family: 4 });
    await server.streams.connect({ host: '127.0.0.1', port: 81, family: 4 });
    await client.streams.connect({ host: '10.0.0.2', port: 82, family: 4 });
    await expect(server.streams.connect({ host: '127.0.0.1', port: 82, family: 4 })).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    await net.idle();
    expect(hits).toEqual(['wildcard via 10.0.0.2', 'wildcard via 127.0.0.1', 'specific via 10.0.0.2']);
  });

  it('rejects what cannot be routed with the POSIX code Winsock maps', async () => {
    const net = newNetwork();
    const v4only = net.addHost('v4only', { ipv4: ['10.0.0.9'] });
    net.addHost('other', { ipv4: ['10.0.0.10'], ipv6: ['fd00::10'] });
    const connect = (host: string, family: 4 | 6, extra: Record<string, unknown> = {}) =>
      v4only.streams.connect({ host, port: 80, family, ...extra });
    await expect(connect('10.9.9.9', 4)).rejects.toMatchObject({
      name: 'NetworkError',
      code: 'EHOSTUNREACH',
    });
    await expect(connect('fd00::10', 6)).rejects.toMatchObject({ code: 'ENETUNREACH' });
    await expect(connect('10.0.0.10', 4, { localAddress: '10.0.0.10' })).rejects.toMatchObject({
      code: 'EADDRNOTAVAIL',
    });
    await expect(connect('10.0.0.10', 4, { localAddress: '127.0.0.1' })).rejects.toMatchObject({
      code: 'ENETUNREACH',
    });
    await expect(connect('0.0.0.0', 4)).rejects.toMatchObject({ code: 'EADDRNOTAVAIL' });
    await expect(v4only.streams.connect({ host: '10.0.0.10', port: 0, family: 4 })).rejects.toMatchObject({
      code: 'EADDRNOTAVAIL',
    });
    await expect(v4only.streams.connect({ host: '10.0.0.10', port: 70000, family: 4 })).rejects.toMatchObject(
      {
        code: 'EINVAL',
      },
    );
    await expect(connect('not an address', 4)).rejects.toMatchObject({ code: 'EINVAL' });
  });

  it('refuses to build an inconsistent network', () => {
    const net = newNetwork();
    net.addHost('a', { ipv4: ['10.0.0.1'] });
    expect(() => net.addHost('a')).toThrow(RangeError);
    expect(() => net.addHost('b', { ipv4: ['10.0.0.1'] })).toThrow(/already belongs to host 'a'/);
    expect(() => net.addHost('c', { ipv4: ['127.0.0.1'] })).toThrow(RangeError);
    expect(() => net.addHost('d', { ipv6: ['10.0.0.5'] })).toThrow(RangeError);
    expect(() => net.host('nobody')).toThrow(RangeError);
    expect(() => net.partition('a', 'a')).toThrow(RangeError);
    expect(() => new SimNetwork({ latencyMs: -1 })).toThrow(RangeError);
    expect(() => new SimNetwork({ ephemeralPorts: { first: 10, last: 5 } })).toThrow(RangeError);
    const otherNet = newNetwork();
    const stranger = otherNet.addHost('a');
    expect(() => net.setLatency(stranger, 'a', 1)).toThrow(/another network/);
  });
});

describe('ports', () => {
  it('hands out ephemeral ports in order per host and protocol, skipping ports in use', async () => {
    const { net, server, client } = track(twoHosts());
    const listener = await server.streams.listen(
      { host: '0.0.0.0', port: 0, family: 4, backlog: 8 },
      () => {},
    );
    expect(listener.local.port).toBe(49152);
    const udp = await server.datagrams.bindDatagram({ address: '0.0.0.0', port: 0, family: 4 });
    expect(udp.local.port).toBe(49152); // UDP has its own port space
    const ports: number[] = [];
    for (let i = 0; i < 3; i++) {
      ports.push((await client.streams.connect({ host: '10.0.0.2', port: 49152, family: 4 })).local.port);
    }
    expect(ports).toEqual([49152, 49153, 49154]);
    // An explicitly bound port inside the range is skipped by the allocator.
    await server.streams.listen({ host: '0.0.0.0', port: 49153, family: 4, backlog: 1 }, () => {});
    const next = await server.streams.listen({ host: '0.0.0.0', port: 0, family: 4, backlog: 1 }, () => {});
    expect(next.local.port).toBe(49154);
    await net.idle();
  });

  it('reports EADDRINUSE when the ephemeral range is exhausted and reuses a released port', async () => {
    const net = newNetwork({ ephemeralPorts: { first: 6000, last: 6001 } });
    const host = net.addHost('h', { ipv4: ['10.0.0.1'] });
    const a = await host.datagrams.bindDatagram({ address: '0.0.0.0', port: 0, family: 4 });
    const b = await host.datagrams.bindDatagram({ address: '0.0.0.0', port: 0, family: 4 });
    expect([a.local.port, b.local.port]).toEqual([6000, 6001]);
    await expect(
      host.datagrams.bindDatagram({ address: '0.0.0.0', port: 0, family: 4 }),
    ).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    a.close();
    a.close();
    const c = await host.datagrams.bindDatagram({ address: '0.0.0.0', port: 0, family: 4 });
    expect(c.local.port).toBe(6000);
  });

  it('frees a connection’s ephemeral port when the connection closes', async () => {
    const net = newNetwork({ ephemeralPorts: { first: 7000, last: 7001 } });
    const server = net.addHost('server', { ipv4: ['10.0.0.2'] });
    const client = net.addHost('client', { ipv4: ['10.0.0.1'] });
    const pair = await connectedPair(client, server, '10.0.0.2', 80);
    expect(pair.client.connection.local.port).toBe(7000);
    pair.client.connection.reset();
    await pair.client.untilClosed();
    const again = await client.streams.connect({ host: '10.0.0.2', port: 80, family: 4 });
    expect(again.local.port).toBe(7001);
    const third = await client.streams.connect({ host: '10.0.0.2', port: 80, family: 4 });
    expect(third.local.port).toBe(7000);
    await expect(client.streams.connect({ host: '10.0.0.2', port: 80, family: 4 })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });

  it('detects conflicts between wildcard and specific binds of one family only', async () => {
    const net = newNetwork();
    const host = net.addHost('h', { ipv4: ['10.0.0.1'], ipv6: ['fd00::1'] });
    const listen = (address: string, family: 4 | 6) =>
      host.streams.listen({ host: address, port: 443, family, backlog: 1 }, () => {});
    await listen('10.0.0.1', 4);
    await listen('127.0.0.1', 4); // another specific address: fine
    await expect(listen('0.0.0.0', 4)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await listen('::', 6); // IPv6 is a separate space (V6ONLY)
    await expect(listen('::1', 6)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await expect(listen('10.0.0.99', 4)).rejects.toMatchObject({ code: 'EADDRNOTAVAIL' });
  });
});

describe('listen backlog', () => {
  it('refuses connections beyond the backlog until the owner wires one', async () => {
    const { net, server, client } = track(twoHosts());
    const waiting: StreamConnection[] = [];
    await server.streams.listen({ host: '10.0.0.2', port: 80, family: 4, backlog: 1 }, (c) =>
      waiting.push(c),
    );
    const connect = () => client.streams.connect({ host: '10.0.0.2', port: 80, family: 4 });
    await connect();
    await expect(connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    // setHandlers is the sim's accept: the connection leaves the backlog.
    new StreamRecorder(waiting[0]!).wire();
    await connect();
    expect(waiting).toHaveLength(2);
    await net.idle();
  });
});

describe('idle() and close()', () => {
  it('idle() waits for timers too, and resolves at once on a quiet network', async () => {
    const net = newNetwork({ timing: 'virtual', connectTimeoutMs: 1000 });
    const a = net.addHost('a', { ipv4: ['10.0.0.1'] });
    net.addHost('b', { ipv4: ['10.0.0.2'] });
    await net.idle();
    expect(net.pendingEvents).toBe(0);
    net.partition('a', 'b');
    const attempt = a.streams.connect({ host: '10.0.0.2', port: 80, family: 4 });
    const outcome = attempt.catch((e: unknown) => e);
    await net.idle();
    expect(await outcome).toMatchObject({ code: 'ETIMEDOUT' });
    expect(net.now).toBe(1000);
  });

  it('close() rejects pending connects, clears timers and refuses new work', async () => {
    const net = newNetwork({ connectTimeoutMs: 60_000 });
    const a = net.addHost('a', { ipv4: ['10.0.0.1'] });
    net.addHost('b', { ipv4: ['10.0.0.2'] });
    net.partition('a', 'b');
    const attempt = a.streams.connect({ host: '10.0.0.2', port: 80, family: 4 });
    const unreachable = a.streams.connect({ host: '10.7.7.7', port: 80, family: 4 });
    expect(net.pendingEvents).toBeGreaterThan(0);
    net.close();
    net.close();
    expect(net.closed).toBe(true);
    expect(net.pendingEvents).toBe(0);
    await expect(attempt).rejects.toMatchObject({ code: 'ENETDOWN' });
    await expect(unreachable).rejects.toMatchObject({ code: 'ENETDOWN' });
    await expect(
      a.streams.listen({ host: '0.0.0.0', port: 1, family: 4, backlog: 1 }, () => {}),
    ).rejects.toMatchObject({ code: 'ENETDOWN' });
    await expect(a.datagrams.bindDatagram({ address: '0.0.0.0', port: 1, family: 4 })).rejects.toMatchObject({
      code: 'ENETDOWN',
    });
    await net.idle();
  });

  it('delivers no callback after close()', async () => {
    const { net, server, client } = track(twoHosts());
    const pair = await connectedPair(client, server);
    pair.client.connection.write(utf8('never seen'));
    pair.client.connection.end();
    net.close();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(pair.server.events).toEqual([]);
    expect(pair.client.events).toEqual([]);
  });
});
