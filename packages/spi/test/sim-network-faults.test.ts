/**
 * SimNetwork's failures: partitions (stream packets held until heal, connects time out,
 * datagrams dropped) and host crashes (connections vanish without FIN or RST; peers find out by
 * retransmission timeout, or by RST once the host is back). All on the virtual clock, so the
 * timeouts cost no wall-clock time and the times asserted are exact.
 */

import { afterEach, describe, expect, it } from '@jest/globals';
import type { StreamConnection } from '@ws2spi/spi';
import type { SimNetwork, SimNetworkOptions } from '@ws2spi/spi/testing';
import { connectedPair, twoHosts } from './support/sim-fixture';
import { StreamRecorder, utf8 } from './support/stream-recorder';

const options: SimNetworkOptions = {
  timing: 'virtual',
  latencyMs: 1,
  connectTimeoutMs: 500,
  retransmitTimeoutMs: 2000,
};

let net: SimNetwork | undefined;
function setup(extra: SimNetworkOptions = {}) {
  const fixture = twoHosts({ ...options, ...extra });
  net = fixture.net;
  return fixture;
}
afterEach(() => {
  net?.close();
  net = undefined;
});

describe('partition', () => {
  it('makes a connect time out with ETIMEDOUT, and the late SYN is not accepted after heal', async () => {
    const { net, server, client } = setup();
    const accepted: StreamConnection[] = [];
    await server.streams.listen({ host: '10.0.0.2', port: 80, family: 4, backlog: 4 }, (c) =>
      accepted.push(c),
    );
    net.partition(client, server);
    expect(net.isPartitioned('server', 'client')).toBe(true);
    await expect(client.streams.connect({ host: '10.0.0.2', port: 80, family: 4 })).rejects.toMatchObject({
      name: 'NetworkError',
      code: 'ETIMEDOUT',
    });
    expect(net.now).toBe(500);
    net.heal(client, server);
    await net.idle();
    expect(accepted).toHaveLength(0);
    // The connect's own timeoutMs wins over the network default.
    net.partition(client, server);
    const started = net.now;
    await expect(
      client.streams.connect({ host: '10.0.0.2', port: 80, family: 4, timeoutMs: 50 }),
    ).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(net.now - started).toBe(50);
  });

  it('lets a held SYN through when the partition heals before the connect timeout', async () => {
    const { net, server, client } = setup();
    const accepted: StreamConnection[] = [];
    await server.streams.listen({ host: '10.0.0.2', port: 80, family: 4, backlog: 4 }, (c) =>
      accepted.push(c),
    );
    net.partition(client, server);
    net.schedule(100, () => net.heal('client', 'server'));
    const connection = await client.streams.connect({ host: '10.0.0.2', port: 80, family: 4 });
    // Held at t=1, released at t=100, SYN arrives at 101, SYN-ACK at 102.
    expect(net.now).toBe(102);
    expect(connection.remote.port).toBe(80);
    expect(accepted).toHaveLength(1);
  });

  it('holds stream data across a partition and delivers it, in order, on heal', async () => {
    const { net, server, client } = setup();
    const pair = await connectedPair(client, server);
    pair.client.connection.write(utf8('before '));
    await pair.server.untilBytes(7);
    net.partition(client, server);
    pair.client.connection.write(utf8('during '));
    pair.server.connection.write(utf8('reply'));
    await net.idle();
    expect(pair.server.text()).toBe('before ');
    expect(pair.client.byteCount).toBe(0);
    net.heal(client, server);
    pair.client.connection.write(utf8('after'));
    pair.client.connection.end();
    await pair.server.untilEnd();
    await pair.client.untilBytes(5);
    expect(pair.server.text()).toBe('before during after');
    expect(pair.client.text()).toBe('reply');
    expect(pair.client.events).toEqual(['data']);
  });

  it('drops datagrams across a partition and carries them again after heal', async () => {
    const { net, server, client } = setup();
    const got: string[] = [];
    const receiver = await server.datagrams.bindDatagram({ address: '10.0.0.2', port: 53, family: 4 });
    receiver.setHandlers({ onMessage: (d) => got.push(Buffer.from(d).toString()) });
    const sender = await client.datagrams.bindDatagram({ address: '0.0.0.0', port: 0, family: 4 });
    const to = { address: '10.0.0.2', port: 53, family: 4 as const };
    net.partition(client, server);
    await sender.send(utf8('lost'), to);
    await net.idle();
    net.healAll();
    await sender.send(utf8('found'), to);
    await net.idle();
    expect(got).toEqual(['found']);
  });
});

describe('host crash', () => {
  it('lets peers notice nothing until they send; then the retransmission timeout resets them with ETIMEDOUT', async () => {
    const { net, server, client } = setup();
    const pair = await connectedPair(client, server);
    server.crash();
    expect(server.isUp).toBe(false);
    await net.idle();
    expect(pair.client.events).toEqual([]);
    // The crashed host's own owner learns that its host went down.
    expect(pair.server.events).toEqual(['reset:ENETDOWN', 'close']);

    const sentAt = net.now;
    pair.client.connection.write(utf8('hello?'));
    await pair.client.untilClosed();
    expect(pair.client.events).toEqual(['reset:ETIMEDOUT', 'close']);
    expect(pair.client.resetError?.code).toBe('ETIMEDOUT');
    // One latency for the segment to be lost, then the whole retransmission timeout.
    expect(net.now - sentAt).toBe(1 + 2000);
  });

  it('times out a FIN to a crashed host the same way', async () => {
    const { server, client } = setup();
    const pair = await connectedPair(client, server);
    server.crash();
    pair.client.connection.end();
    await pair.client.untilClosed();
    expect(pair.client.events).toEqual(['reset:ETIMEDOUT', 'close']);
  });

  it('times out a sender stalled on a full window when the receiver crashes', async () => {
    const { net, server, client } = setup({ receiveWindow: 1024 });
    const pair = await connectedPair(client, server);
    pair.server.connection.pause();
    expect(pair.client.connection.write(new Uint8Array(50_000))).toBe(false);
    await net.idle();
    expect(pair.client.connection.bufferedAmount).toBe(50_000 - 1024);
    server.crash();
    await pair.client.untilClosed();
    expect(pair.client.events).toEqual(['reset:ETIMEDOUT', 'close']);
    expect(pair.client.connection.bufferedAmount).toBe(0);
  });

  it('answers a connection it forgot with RST once restarted (ECONNRESET)', async () => {
    const { net, server, client } = setup();
    const pair = await connectedPair(client, server);
    server.crash();
    server.restart();
    expect(server.isUp).toBe(true);
    pair.client.connection.write(utf8('anyone?'));
    await pair.client.untilClosed();
    expect(pair.client.events).toEqual(['reset:ECONNRESET', 'close']);
    // A restarted host has no sockets but can listen again on the same port.
    const again = await connectedPair(client, server, '10.0.0.2', pair.server.connection.local.port);
    again.client.connection.write(utf8('hi'));
    await again.server.untilBytes(2);
    expect(again.server.text()).toBe('hi');
    await net.idle();
  });

  it('makes connects to a crashed host time out and drops its datagrams', async () => {
    const { net, server, client } = setup();
    await server.streams.listen({ host: '0.0.0.0', port: 80, family: 4, backlog: 1 }, () => {});
    const port = await server.datagrams.bindDatagram({ address: '0.0.0.0', port: 53, family: 4 });
    server.crash();
    server.crash();
    await expect(client.streams.connect({ host: '10.0.0.2', port: 80, family: 4 })).rejects.toMatchObject({
      code: 'ETIMEDOUT',
    });
    const sender = await client.datagrams.bindDatagram({ address: '0.0.0.0', port: 0, family: 4 });
    await expect(
      sender.send(utf8('x'), { address: '10.0.0.2', port: 53, family: 4 }),
    ).resolves.toBeUndefined();
    await net.idle();
    // Its own API reports the host is down.
    await expect(server.streams.connect({ host: '10.0.0.1', port: 80, family: 4 })).rejects.toMatchObject({
      code: 'ENETDOWN',
    });
    await expect(port.send(utf8('x'), { address: '10.0.0.1', port: 9, family: 4 })).rejects.toMatchObject({
      code: 'EINVAL',
    });
    await expect(
      server.datagrams.bindDatagram({ address: '0.0.0.0', port: 0, family: 4 }),
    ).rejects.toMatchObject({
      code: 'ENETDOWN',
    });
  });

  it('rejects a connect in progress with ENETDOWN when its own host crashes', async () => {
    const { net, server, client } = setup({ latencyMs: 10 });
    const accepted: StreamRecorder[] = [];
    await server.streams.listen({ host: '10.0.0.2', port: 80, family: 4, backlog: 4 }, (c) =>
      accepted.push(new StreamRecorder(c).wire()),
    );
    const connecting = client.streams.connect({ host: '10.0.0.2', port: 80, family: 4 });
    const outcome = connecting.catch((e: unknown) => e);
    // Crash after the SYN arrived (t=10) but before the SYN-ACK does (t=20).
    net.schedule(15, () => client.crash());
    expect(await outcome).toMatchObject({ code: 'ENETDOWN' });
    await net.idle();
    // The server's end exists (the SYN arrived); it learns of the vanished client when it sends.
    expect(accepted).toHaveLength(1);
    accepted[0]!.connection.write(utf8('welcome'));
    await accepted[0]!.untilClosed();
    expect(accepted[0]!.events).toEqual(['reset:ETIMEDOUT', 'close']);
  });
});
