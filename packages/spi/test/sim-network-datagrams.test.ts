/**
 * SimNetwork's datagrams: bind, send and receive with the source endpoint, whole messages in
 * order, held until setHandlers (bounded), silent drop where UDP without ICMP would drop, and
 * the errors send and bind report.
 */

import { afterEach, describe, expect, it } from '@jest/globals';
import type { DatagramPort, NetEndpoint } from '@ws2spi/spi';
import type { SimNetwork, SimNetworkOptions } from '@ws2spi/spi/testing';
import { twoHosts } from './support/sim-fixture';
import { pattern, utf8 } from './support/stream-recorder';

let net: SimNetwork | undefined;
function setup(options?: SimNetworkOptions) {
  const fixture = twoHosts(options);
  net = fixture.net;
  return fixture;
}
afterEach(() => {
  net?.close();
  net = undefined;
});

interface Received {
  text: string;
  from: NetEndpoint;
}

function collect(port: DatagramPort): Received[] {
  const got: Received[] = [];
  port.setHandlers({ onMessage: (data, from) => got.push({ text: Buffer.from(data).toString(), from }) });
  return got;
}

describe('SimNetwork datagrams', () => {
  it('delivers each datagram whole with its source endpoint, over IPv4 and IPv6', async () => {
    const { net, server, client } = setup();
    const v4 = await server.datagrams.bindDatagram({ address: '0.0.0.0', port: 53, family: 4 });
    const v6 = await server.datagrams.bindDatagram({ address: 'fd00::2', port: 53, family: 6 });
    const got4 = collect(v4);
    const got6 = collect(v6);
    const sender4 = await client.datagrams.bindDatagram({ address: '10.0.0.1', port: 5353, family: 4 });
    const sender6 = await client.datagrams.bindDatagram({ address: '::', port: 0, family: 6 });
    await sender4.send(utf8('first'), { address: '10.0.0.2', port: 53, family: 4 });
    await sender4.send(utf8('second'), { address: '10.0.0.2', port: 53, family: 4 });
    await sender6.send(utf8('six'), { address: 'fd00:0::2', port: 53, family: 6 });
    await net.idle();
    expect(got4).toEqual([
      { text: 'first', from: { address: '10.0.0.1', port: 5353, family: 4 } },
      { text: 'second', from: { address: '10.0.0.1', port: 5353, family: 4 } },
    ]);
    expect(got6).toEqual([
      { text: 'six', from: { address: 'fd00::1', port: sender6.local.port, family: 6 } },
    ]);
    expect(sender6.local).toEqual({ address: '::', port: 49152, family: 6 });
  });

  it('answers back to the reported source', async () => {
    const { net, server, client } = setup();
    const echo = await server.datagrams.bindDatagram({ address: '10.0.0.2', port: 7, family: 4 });
    echo.setHandlers({ onMessage: (data, from) => void echo.send(data, from) });
    const sender = await client.datagrams.bindDatagram({ address: '0.0.0.0', port: 0, family: 4 });
    const got = collect(sender);
    await sender.send(utf8('ping'), { address: '10.0.0.2', port: 7, family: 4 });
    await net.idle();
    expect(got).toEqual([{ text: 'ping', from: { address: '10.0.0.2', port: 7, family: 4 } }]);
  });

  it('uses the loopback source for loopback traffic', async () => {
    const { net, server } = setup();
    const a = await server.datagrams.bindDatagram({ address: '0.0.0.0', port: 1000, family: 4 });
    const got = collect(a);
    const b = await server.datagrams.bindDatagram({ address: '0.0.0.0', port: 1001, family: 4 });
    await b.send(utf8('lo'), { address: '127.0.0.1', port: 1000, family: 4 });
    await net.idle();
    expect(got).toEqual([{ text: 'lo', from: { address: '127.0.0.1', port: 1001, family: 4 } }]);
  });

  it('silently drops a datagram to a port nobody bound, as UDP without ICMP errors does', async () => {
    const { net, server, client } = setup();
    const sender = await client.datagrams.bindDatagram({ address: '0.0.0.0', port: 0, family: 4 });
    const replies = collect(sender);
    await expect(
      sender.send(utf8('void'), { address: '10.0.0.2', port: 9999, family: 4 }),
    ).resolves.toBeUndefined();
    await net.idle();
    // A port bound afterwards does not get the earlier datagram; the sender heard nothing back.
    const late = await server.datagrams.bindDatagram({ address: '10.0.0.2', port: 9999, family: 4 });
    const got = collect(late);
    await net.idle();
    expect(got).toEqual([]);
    expect(replies).toEqual([]);
    await sender.send(utf8('now'), { address: '10.0.0.2', port: 9999, family: 4 });
    await net.idle();
    expect(got.map((g) => g.text)).toEqual(['now']);
  });

  it('rejects a datagram above the maximum size with EMSGSIZE and carries one at the limit', async () => {
    const { net, server, client } = setup();
    const receiver = await server.datagrams.bindDatagram({ address: '10.0.0.2', port: 53, family: 4 });
    const sizes: number[] = [];
    receiver.setHandlers({ onMessage: (data) => sizes.push(data.length) });
    const sender = await client.datagrams.bindDatagram({ address: '0.0.0.0', port: 0, family: 4 });
    const to = { address: '10.0.0.2', port: 53, family: 4 as const };
    await expect(sender.send(new Uint8Array(65_508), to)).rejects.toMatchObject({
      name: 'NetworkError',
      code: 'EMSGSIZE',
    });
    await sender.send(pattern(65_507), to);
    await net.idle();
    expect(sizes).toEqual([65_507]);
  });

  it('honours a configured maximum datagram size', async () => {
    const { server } = setup({ maxDatagramSize: 512 });
    const port = await server.datagrams.bindDatagram({ address: '::1', port: 0, family: 6 });
    await expect(
      port.send(new Uint8Array(513), { address: '::1', port: 9, family: 6 }),
    ).rejects.toMatchObject({
      code: 'EMSGSIZE',
    });
    await expect(
      port.send(new Uint8Array(512), { address: '::1', port: 9, family: 6 }),
    ).resolves.toBeUndefined();
  });

  it('holds datagrams until setHandlers, up to the receive buffer, and drops the excess', async () => {
    const { net, server, client } = setup({ datagramReceiveBuffer: 10 });
    const receiver = await server.datagrams.bindDatagram({ address: '10.0.0.2', port: 53, family: 4 });
    const sender = await client.datagrams.bindDatagram({ address: '0.0.0.0', port: 0, family: 4 });
    const to = { address: '10.0.0.2', port: 53, family: 4 as const };
    for (const word of ['aaaa', 'bbbb', 'cccc', 'dd']) await sender.send(utf8(word), to);
    await net.idle();
    const got = collect(receiver);
    expect(got).toEqual([]); // not inside setHandlers
    await net.idle();
    expect(got.map((g) => g.text)).toEqual(['aaaa', 'bbbb', 'dd']);
  });

  it('reports bind and send errors with their codes', async () => {
    const { server, client } = setup();
    await server.datagrams.bindDatagram({ address: '0.0.0.0', port: 53, family: 4 });
    await expect(
      server.datagrams.bindDatagram({ address: '10.0.0.2', port: 53, family: 4 }),
    ).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    await expect(
      server.datagrams.bindDatagram({ address: '10.0.0.1', port: 0, family: 4 }),
    ).rejects.toMatchObject({
      code: 'EADDRNOTAVAIL',
    });
    await expect(server.datagrams.bindDatagram({ address: '::1', port: 0, family: 4 })).rejects.toMatchObject(
      {
        code: 'EINVAL',
      },
    );
    const port = await client.datagrams.bindDatagram({ address: '0.0.0.0', port: 0, family: 4 });
    await expect(port.send(utf8('x'), { address: '10.9.9.9', port: 53, family: 4 })).rejects.toMatchObject({
      code: 'EHOSTUNREACH',
    });
    await expect(port.send(utf8('x'), { address: 'fd00::2', port: 53, family: 6 })).rejects.toMatchObject({
      code: 'EINVAL',
    });
    await expect(port.send(utf8('x'), { address: '10.0.0.2', port: 0, family: 4 })).rejects.toMatchObject({
      code: 'EADDRNOTAVAIL',
    });
    port.close();
    await expect(port.send(utf8('x'), { address: '10.0.0.2', port: 53, family: 4 })).rejects.toMatchObject({
      code: 'EINVAL',
    });
  });
});
