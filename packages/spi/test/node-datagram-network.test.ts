/**
 * nodeDatagramNetwork() over the machine's loopback: bind (ephemeral and explicit), send and
 * receive with the source endpoint, EMSGSIZE, held datagrams, bind conflicts and argument errors.
 * Every port is closed after each test.
 */

import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from '@jest/globals';
import { type DatagramPort, type NetEndpoint, nodeDatagramNetwork } from '@ws2spi/spi';
import { utf8 } from './support/stream-recorder';

const hasIpv6Loopback = Object.values(networkInterfaces()).some((list) =>
  (list ?? []).some((a) => a.address === '::1' && a.internal),
);
const ipv6It = hasIpv6Loopback ? it : it.skip;
const ipv6Note = hasIpv6Loopback ? '' : ' [skipped: this machine has no IPv6 loopback (::1)]';

const network = nodeDatagramNetwork();
let ports: DatagramPort[] = [];
afterEach(() => {
  for (const port of ports) port.close();
  ports = [];
});

async function bind(address = '127.0.0.1', port = 0, family: 4 | 6 = 4): Promise<DatagramPort> {
  const bound = await network.bindDatagram({ address, port, family });
  ports.push(bound);
  return bound;
}

interface Received {
  text: string;
  from: NetEndpoint;
}

function receiver(port: DatagramPort): { got: Received[]; until(count: number): Promise<void> } {
  const got: Received[] = [];
  let waiter: { count: number; resolve: () => void } | undefined;
  port.setHandlers({
    onMessage: (data, from) => {
      got.push({ text: Buffer.from(data).toString(), from });
      if (waiter && got.length >= waiter.count) waiter.resolve();
    },
  });
  return {
    got,
    until: (count) =>
      got.length >= count ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { count, resolve })),
  };
}

describe('nodeDatagramNetwork', () => {
  it('binds an ephemeral port and carries datagrams whole with their source endpoint', async () => {
    const a = await bind();
    const b = await bind();
    expect(a.local).toMatchObject({ address: '127.0.0.1', family: 4 });
    expect(a.local.port).toBeGreaterThan(0);
    const inbox = receiver(a);
    await b.send(utf8('one'), a.local);
    await b.send(utf8('two'), a.local);
    await inbox.until(2);
    // Loopback UDP does not reorder in practice; the contract does not promise order for datagrams.
    expect(inbox.got.map((m) => m.text).sort()).toEqual(['one', 'two']);
    for (const message of inbox.got) expect(message.from).toEqual(b.local);
  });

  ipv6It(`carries datagrams over ::1${ipv6Note}`, async () => {
    const a = await bind('::1', 0, 6);
    const b = await bind('::1', 0, 6);
    const inbox = receiver(a);
    await b.send(utf8('six'), a.local);
    await inbox.until(1);
    expect(inbox.got).toEqual([{ text: 'six', from: { address: '::1', port: b.local.port, family: 6 } }]);
  });

  it('holds datagrams that arrive before setHandlers', async () => {
    const a = await bind();
    const b = await bind();
    await b.send(utf8('early'), a.local);
    // Let the kernel hand it to Node before anyone is listening.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const inbox = receiver(a);
    expect(inbox.got).toEqual([]); // not inside setHandlers
    await inbox.until(1);
    expect(inbox.got.map((m) => m.text)).toEqual(['early']);
  });

  it('rejects a datagram above the IPv4 maximum with EMSGSIZE', async () => {
    const a = await bind();
    const b = await bind();
    await expect(b.send(new Uint8Array(65_508), a.local)).rejects.toMatchObject({
      name: 'NetworkError',
      code: 'EMSGSIZE',
    });
    const sizes: number[] = [];
    const arrived = new Promise<void>((resolve) =>
      a.setHandlers({
        onMessage: (data) => {
          sizes.push(data.length);
          resolve();
        },
      }),
    );
    await b.send(new Uint8Array(65_507), a.local);
    await arrived;
    expect(sizes).toEqual([65_507]);
  });

  it('resolves a send to a port nobody bound (no ICMP feedback on an unconnected socket)', async () => {
    const probe = await network.bindDatagram({ address: '127.0.0.1', port: 0, family: 4 });
    const freePort = probe.local.port;
    probe.close();
    const sender = await bind();
    await expect(
      sender.send(utf8('void'), { address: '127.0.0.1', port: freePort, family: 4 }),
    ).resolves.toBeUndefined();
    await expect(
      sender.send(utf8('void'), { address: '127.0.0.1', port: freePort, family: 4 }),
    ).resolves.toBeUndefined();
  });

  it('reports bind conflicts and bad arguments with their codes', async () => {
    const a = await bind();
    await expect(
      network.bindDatagram({ address: '127.0.0.1', port: a.local.port, family: 4 }),
    ).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    await expect(network.bindDatagram({ address: '192.0.2.1', port: 0, family: 4 })).rejects.toMatchObject({
      code: 'EADDRNOTAVAIL',
    });
    await expect(network.bindDatagram({ address: '::1', port: 0, family: 4 })).rejects.toMatchObject({
      code: 'EINVAL',
    });
    await expect(a.send(utf8('x'), { address: '::1', port: 9, family: 6 })).rejects.toMatchObject({
      code: 'EINVAL',
    });
    await expect(a.send(utf8('x'), { address: '127.0.0.1', port: 0, family: 4 })).rejects.toMatchObject({
      code: 'EADDRNOTAVAIL',
    });
    a.close();
    a.close();
    await expect(a.send(utf8('x'), { address: '127.0.0.1', port: 9, family: 4 })).rejects.toMatchObject({
      code: 'EINVAL',
    });
  });
});
