import { afterEach, describe, expect, it } from '@jest/globals';
import {
  AF_UNSPEC,
  FD_READ,
  SD_BOTH,
  SD_RECEIVE,
  SD_SEND,
  SO_BROADCAST,
  SOL_SOCKET,
  sockaddrIn,
  WSAEACCES,
  WSAEHOSTUNREACH,
  WSAEINVAL,
  WSAEMSGSIZE,
  WSAENOPROTOOPT,
  WSAENOTCONN,
  WSAEOPNOTSUPP,
  WSAESHUTDOWN,
} from '@ws2spi/spi';
import { FakeEvent } from './support/fake-upcalls';
import { CLIENT_V4, type KitWorld, kitWorld, SERVER_V4 } from './support/provider-kit-harness';

let world: KitWorld;
afterEach(async () => {
  await world?.dispose();
});

async function boundPair(): Promise<{ a: number; b: number }> {
  const a = world.client.socket('datagram');
  const b = world.server.socket('datagram');
  expect(await world.client.bind(a, sockaddrIn('0.0.0.0', 7000))).toBe(0);
  expect(await world.server.bind(b, sockaddrIn('0.0.0.0', 7001))).toBe(0);
  return { a, b };
}

describe('provider kit: datagram sockets', () => {
  it('sendto / recvfrom carry whole datagrams with their source', async () => {
    world = kitWorld();
    const { a, b } = await boundPair();
    expect(await world.client.sendTo(a, 'ping', sockaddrIn(SERVER_V4, 7001))).toEqual({ err: 0, n: 4 });
    const got = await world.server.recvFrom(b);
    expect(got).toMatchObject({ err: 0, text: 'ping', from: { sin_addr: CLIENT_V4, sin_port: 7000 } });
  });

  it('recv on an unbound socket is WSAEINVAL; send without a peer is WSAENOTCONN; listen is WSAEOPNOTSUPP', async () => {
    world = kitWorld();
    const s = world.client.socket('datagram');
    expect((await world.client.recv(s)).err).toBe(WSAEINVAL);
    expect((await world.client.send(s, 'x')).err).toBe(WSAENOTCONN);
    expect(await world.client.listen(s)).toBe(WSAEOPNOTSUPP);
    expect(world.client.sendDisconnect(s, null)).toBe(WSAENOTCONN);
    expect(world.client.sendDisconnect(s, 'x')).toBe(WSAENOPROTOOPT);
  });

  it('connect sets the default peer and filters senders; AF_UNSPEC dissolves it', async () => {
    world = kitWorld();
    const { a, b } = await boundPair();
    const stranger = world.client.socket('datagram');
    expect(await world.server.connect(b, sockaddrIn(CLIENT_V4, 7000))).toBe(0);
    expect(world.server.peerName(b).addr).toMatchObject({ sin_addr: CLIENT_V4, sin_port: 7000 });
    await world.client.sendTo(stranger, 'ignored', sockaddrIn(SERVER_V4, 7001));
    await world.client.sendTo(a, 'from peer', sockaddrIn(SERVER_V4, 7001));
    expect((await world.server.recv(b)).text).toBe('from peer');
    expect(await world.server.send(b, 'reply')).toMatchObject({ err: 0 });
    expect((await world.client.recv(a)).text).toBe('reply');
    expect(await world.server.connect(b, { sa_family: AF_UNSPEC })).toBe(0);
    expect(world.server.peerName(b).err).toBe(WSAENOTCONN);
    expect((await world.server.send(b, 'x')).err).toBe(WSAENOTCONN);
  });

  it('a receive already waiting when SD_RECEIVE comes still completes with the next datagram; later ones fail', async () => {
    world = kitWorld();
    const { a, b } = await boundPair();
    const waiting = world.server.recvFrom(b);
    await world.net.idle();
    expect(world.server.shutdown(b, SD_RECEIVE)).toBe(0);
    await world.client.sendTo(a, 'late', sockaddrIn(SERVER_V4, 7001));
    expect(await waiting).toMatchObject({
      err: 0,
      text: 'late',
      from: { sin_addr: CLIENT_V4, sin_port: 7000 },
    });
    await world.client.sendTo(a, 'later', sockaddrIn(SERVER_V4, 7001));
    await world.net.idle();
    expect((await world.server.recvFrom(b)).err).toBe(WSAESHUTDOWN);
  });

  it('shutdown needs no connection; after SD_RECEIVE datagrams are still queued but recv is WSAESHUTDOWN', async () => {
    world = kitWorld();
    const { a, b } = await boundPair();
    const ev = new FakeEvent();
    world.server.eventSelect(b, ev, FD_READ);
    expect(world.server.shutdown(b, SD_RECEIVE)).toBe(0);
    await world.client.sendTo(a, 'queued', sockaddrIn(SERVER_V4, 7001));
    await world.net.idle();
    expect(world.server.enumEvents(b, ev).events.lNetworkEvents).toBe(FD_READ);
    expect((await world.server.recvFrom(b)).err).toBe(WSAESHUTDOWN);
    expect(world.client.shutdown(a, SD_SEND)).toBe(0);
    expect((await world.client.sendTo(a, 'x', sockaddrIn(SERVER_V4, 7001))).err).toBe(WSAESHUTDOWN);
    expect(world.client.shutdown(a, SD_BOTH)).toBe(0);
    expect(world.client.shutdown(a, 7)).toBe(WSAEINVAL);
  });

  it('a datagram larger than the buffer: WSAEMSGSIZE with the first part, the rest discarded', async () => {
    world = kitWorld();
    const { a, b } = await boundPair();
    await world.client.sendTo(a, 'abcdefghij', sockaddrIn(SERVER_V4, 7001));
    await world.client.sendTo(a, 'next', sockaddrIn(SERVER_V4, 7001));
    expect(await world.server.recv(b, 4)).toMatchObject({ err: WSAEMSGSIZE, n: 4, text: 'abcd' });
    expect(await world.server.recv(b, 40)).toMatchObject({ err: 0, text: 'next' });
  });

  it('broadcast needs SO_BROADCAST', async () => {
    world = kitWorld();
    const { a } = await boundPair();
    expect((await world.client.sendTo(a, 'all', sockaddrIn('255.255.255.255', 7001))).err).toBe(WSAEACCES);
    expect(world.client.setOpt(a, SOL_SOCKET, SO_BROADCAST, true)).toBe(0);
    // Now the kit lets it through; SimNetwork has no broadcast domain, so the network answers.
    const allowed = await world.client.sendTo(a, 'all', sockaddrIn('255.255.255.255', 7001));
    expect(allowed.err).toBe(WSAEHOSTUNREACH);
  });
});
