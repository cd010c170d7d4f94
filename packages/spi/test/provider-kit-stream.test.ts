import { afterEach, describe, expect, it } from '@jest/globals';
import {
  SD_BOTH,
  SD_RECEIVE,
  SD_SEND,
  sockaddrIn,
  WSAECONNREFUSED,
  WSAEFAULT,
  WSAEINVAL,
  WSAEISCONN,
  WSAENOTCONN,
  WSAENOTSOCK,
  WSAESHUTDOWN,
} from '@ws2spi/spi';
import { connectedPair, type KitWorld, kitWorld, SERVER_V4 } from './support/provider-kit-harness';

let world: KitWorld;
afterEach(async () => {
  await world?.dispose();
});

describe('provider kit: stream sockets through the WSP table', () => {
  it('connects, exchanges bytes both ways and reports both names', async () => {
    world = kitWorld();
    const { client, server } = await connectedPair(world);
    expect(await world.client.send(client, 'hello')).toEqual({ err: 0, n: 5 });
    const got = await world.server.recv(server);
    expect(got).toMatchObject({ err: 0, n: 5, text: 'hello' });
    expect(await world.server.send(server, 'world')).toEqual({ err: 0, n: 5 });
    expect((await world.client.recv(client)).text).toBe('world');
    expect(world.client.peerName(client).addr).toMatchObject({ sin_addr: SERVER_V4, sin_port: 5000 });
    expect(world.server.sockName(server).addr).toMatchObject({ sin_addr: SERVER_V4, sin_port: 5000 });
    expect(world.client.sockName(client).addr).toMatchObject({ sin_addr: '10.0.0.1' });
  });

  it('checks arguments before state: WSAEFAULT, WSAEINVAL, then WSAENOTCONN', async () => {
    world = kitWorld();
    const s = world.client.socket();
    expect(world.client.shutdown(s, 0xdeadbeef)).toBe(WSAEINVAL);
    expect(world.client.shutdown(s, SD_SEND)).toBe(WSAENOTCONN);
    expect(world.client.sockName(s, 8).err).toBe(WSAEFAULT);
    expect(world.client.sockName(s).err).toBe(WSAEINVAL);
    expect(world.client.peerName(s).err).toBe(WSAENOTCONN);
    expect(await world.client.listen(s)).toBe(WSAEINVAL);
    expect((await world.client.recv(s)).err).toBe(WSAENOTCONN);
    expect(await world.client.bind(s, sockaddrIn('0.0.0.0', 0), 8)).toBe(WSAEFAULT);
    expect(await world.client.bind(s, sockaddrIn('0.0.0.0', 0))).toBe(0);
    expect(await world.client.bind(s, sockaddrIn('0.0.0.0', 0))).toBe(WSAEINVAL);
    expect(world.client.shutdown(123456, SD_SEND)).toBe(WSAENOTSOCK);
  });

  it('refuses a connect to a port nobody listens on', async () => {
    world = kitWorld();
    const s = world.client.socket();
    expect(await world.client.connect(s, sockaddrIn(SERVER_V4, 4999))).toBe(WSAECONNREFUSED);
  });

  it('SD_SEND: the peer reads 0 repeatedly, half-close keeps the other direction, shutdown is sticky', async () => {
    world = kitWorld();
    const { client, server } = await connectedPair(world);
    expect(world.client.shutdown(client, SD_SEND)).toBe(0);
    expect(world.client.shutdown(client, SD_SEND)).toBe(0);
    expect((await world.client.send(client, 'x')).err).toBe(WSAESHUTDOWN);
    expect(await world.server.recv(server)).toMatchObject({ err: 0, n: 0 });
    expect(await world.server.recv(server)).toMatchObject({ err: 0, n: 0 });
    expect(await world.server.send(server, 'still')).toMatchObject({ err: 0 });
    expect((await world.client.recv(client)).text).toBe('still');
    expect(await world.client.connect(client, sockaddrIn(SERVER_V4, 5000))).toBe(WSAEISCONN);
    expect(world.client.peerName(client).err).toBe(0);
  });

  it('SD_RECEIVE: recv says WSAESHUTDOWN even with data queued, sending still works', async () => {
    world = kitWorld();
    const { client, server } = await connectedPair(world);
    await world.server.send(server, 'queued');
    expect((await world.client.recv(client, 1, 0x2)).n).toBe(1); // MSG_PEEK: the data is there
    expect(world.client.shutdown(client, SD_RECEIVE)).toBe(0);
    expect((await world.client.recv(client)).err).toBe(WSAESHUTDOWN);
    expect(await world.client.send(client, 'out')).toMatchObject({ err: 0 });
    expect((await world.server.recv(server)).text).toBe('out');
  });

  it('SD_BOTH is graceful: the peer reads 0, not a reset', async () => {
    world = kitWorld();
    const { client, server } = await connectedPair(world);
    await world.client.send(client, 'last');
    expect(world.client.shutdown(client, SD_BOTH)).toBe(0);
    expect((await world.server.recv(server)).text).toBe('last');
    expect(await world.server.recv(server)).toMatchObject({ err: 0, n: 0 });
  });
});
