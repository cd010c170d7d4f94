/**
 * One `select` over a stream and a datagram socket of one base provider (two catalog entries, one
 * ProviderId) with an LSP installed over both. The dispatcher starts the LSP once per chain entry
 * (each has its own ProviderId), and each of those startups starts the base again with its own
 * copy of the upcall table: the base must still be one provider per process (a DLL's globals), and
 * a non-IFS layer must still know the sockets of its other startups — else `select` fails with
 * `WSAENOTSOCK` on the socket of the other chain.
 */
import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AF_INET,
  definePassThroughLayer,
  SOCK_DGRAM,
  SOCK_STREAM,
  type SOCKADDR_IN,
  Socket,
  sockaddrIn,
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

async function mixedSockets(style: 'ifs' | 'non-ifs' | 'none', install: 'and-chains' | 'pre-vista') {
  const net = new SimNetwork({ timing: 'virtual' });
  network = net;
  net.addHost('host', { ipv4: ['10.0.0.1'] });
  proc = await createLayeredProcess({
    bases: (catalog, container) =>
      installInMemoryProvider(catalog, container, {
        network: net,
        host: 'host',
        families: [4],
        flavours: ['stream', 'datagram'],
      }),
    layers: style === 'none' ? [] : [{ name: 'pass', provider: definePassThroughLayer({ style }) }],
    install,
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
  const udp = await Socket.create(ws2, AF_INET, SOCK_DGRAM, IN_MEMORY_DEFAULT_PROTOCOL);
  await udp.bind(sockaddrIn('10.0.0.1', 0));
  const udpSender = await Socket.create(ws2, AF_INET, SOCK_DGRAM, IN_MEMORY_DEFAULT_PROTOCOL);
  return { ws2, net, client, peer, udp, udpSender };
}

describe.each([
  ['IFS', 'ifs'],
  ['non-IFS', 'non-ifs'],
  ['no', 'none'],
] as const)('select over TCP and UDP sockets with %s LSP installed', (_label, style) => {
  it.each(['and-chains', 'pre-vista'] as const)('reports both readable (%s)', async (install) => {
    const { ws2, net, client, peer, udp, udpSender } = await mixedSockets(style, install);
    await client.send(new Uint8Array([1, 2, 3]));
    await udpSender.sendTo(new Uint8Array([4]), udp.localAddress() as SOCKADDR_IN);
    await net.idle();
    const readfds = { fd_array: [peer.handle, udp.handle, client.handle] };
    expect(await ws2.select(0, readfds, null, null, { tv_sec: 5, tv_usec: 0 })).toBe(2);
    expect(readfds.fd_array).toEqual([peer.handle, udp.handle]);
  });

  it.each(['and-chains', 'pre-vista'] as const)('reports both writable, UDP first (%s)', async (install) => {
    const { ws2, client, udp } = await mixedSockets(style, install);
    const writefds = { fd_array: [udp.handle, client.handle] };
    expect(await ws2.select(0, null, writefds, null, { tv_sec: 0, tv_usec: 0 })).toBe(2);
    expect(writefds.fd_array).toEqual([udp.handle, client.handle]);
  });
});
