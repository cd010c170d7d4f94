import { afterEach, describe, expect, it } from '@jest/globals';
import {
  CF_ACCEPT,
  CF_DEFER,
  CF_REJECT,
  FD_CONNECT,
  FD_CONNECT_BIT,
  FIONBIO,
  type LPCONDITIONPROC,
  SO_CONDITIONAL_ACCEPT,
  SO_ERROR,
  SOL_SOCKET,
  sockaddrIn,
  WSAEALREADY,
  WSAECONNREFUSED,
  WSAEINVAL,
  WSAEISCONN,
  WSAEPROTONOSUPPORT,
  WSAEWOULDBLOCK,
  WSATRY_AGAIN,
} from '@ws2spi/spi';
import { FakeEvent } from './support/fake-upcalls';
import { bytes, connectedPair, type KitWorld, kitWorld, SERVER_V4 } from './support/provider-kit-harness';

let world: KitWorld;
afterEach(async () => {
  await world?.dispose();
});

async function listening(port = 5000, conditional = false): Promise<number> {
  const s = world.server.socket();
  if (conditional) expect(world.server.setOpt(s, SOL_SOCKET, SO_CONDITIONAL_ACCEPT, 1)).toBe(0);
  expect(await world.server.bind(s, sockaddrIn('0.0.0.0', port))).toBe(0);
  expect(await world.server.listen(s)).toBe(0);
  return s;
}

describe('provider kit: non-blocking connect', () => {
  it('WSAEWOULDBLOCK, then WSAEALREADY while pending, FD_CONNECT and writability, then WSAEISCONN', async () => {
    world = kitWorld();
    await listening();
    const s = world.client.socket();
    expect(world.client.ioctl(s, FIONBIO, 1).err).toBe(0);
    expect(await world.client.connect(s, sockaddrIn(SERVER_V4, 5000))).toBe(WSAEWOULDBLOCK);
    expect(await world.client.connect(s, sockaddrIn(SERVER_V4, 5000))).toBe(WSAEALREADY);
    const ready = await world.client.select(null, [s], null, null);
    expect(ready).toMatchObject({ err: 0, n: 1, write: [s] });
    expect(await world.client.connect(s, sockaddrIn(SERVER_V4, 5000))).toBe(WSAEISCONN);
  });

  it('a refused non-blocking connect: FD_CONNECT with the error, select except set, SO_ERROR read once', async () => {
    world = kitWorld();
    const s = world.client.socket();
    const ev = new FakeEvent();
    expect(world.client.eventSelect(s, ev, FD_CONNECT)).toBe(0);
    expect(await world.client.connect(s, sockaddrIn(SERVER_V4, 4321))).toBe(WSAEWOULDBLOCK);
    const ready = await world.client.select(null, [s], [s], null);
    expect(ready).toMatchObject({ n: 1, write: [], except: [s] });
    const events = world.client.enumEvents(s, ev).events;
    expect(events.lNetworkEvents).toBe(FD_CONNECT);
    expect(events.iErrorCode[FD_CONNECT_BIT]).toBe(WSAECONNREFUSED);
    expect(world.client.getOpt(s, SOL_SOCKET, SO_ERROR).value).toBe(WSAECONNREFUSED);
    expect(world.client.getOpt(s, SOL_SOCKET, SO_ERROR).value).toBe(0);
    // The socket may try again (MSDN: after WSAECONNREFUSED connect can be called again).
    await listening(4321);
    expect(await world.client.connect(s, sockaddrIn(SERVER_V4, 4321))).toBe(WSAEWOULDBLOCK);
    expect((await world.client.select(null, [s], null, null)).write).toEqual([s]);
  });

  it('FIONBIO cannot clear non-blocking mode while WSPEventSelect is in force', async () => {
    world = kitWorld();
    const s = world.client.socket();
    world.client.eventSelect(s, new FakeEvent(), FD_CONNECT);
    expect(world.client.ioctl(s, FIONBIO, 0).err).toBe(WSAEINVAL);
    world.client.eventSelect(s, null, 0);
    expect(world.client.ioctl(s, FIONBIO, 0).err).toBe(0);
  });
});

describe('provider kit: select', () => {
  it('polls with {0,0}, waits for data, and reports a pending connection as readable', async () => {
    world = kitWorld();
    const { listener, client, server } = await connectedPair(world);
    expect(
      await world.server.select([server, listener], null, null, { tv_sec: 0, tv_usec: 0 }),
    ).toMatchObject({
      n: 0,
      read: [],
    });
    const waiting = world.server.select([server], null, null, null);
    await world.client.send(client, 'wake');
    expect(await waiting).toMatchObject({ n: 1, read: [server] });
    const other = world.client.socket();
    await world.client.connect(other, sockaddrIn(SERVER_V4, 5000));
    expect((await world.server.select([listener], null, null, null)).read).toEqual([listener]);
    expect(await world.server.select(null, null, null, null)).toMatchObject({ err: WSAEINVAL });
  });

  it('times out with zero sockets ready', async () => {
    world = kitWorld();
    const { server } = await connectedPair(world);
    expect(await world.server.select([server], null, null, { tv_sec: 0, tv_usec: 20_000 })).toMatchObject({
      n: 0,
    });
  });
});

describe('provider kit: accept with a condition function', () => {
  it('the condition function sees the caller and its connect data and answers with callee data', async () => {
    world = kitWorld({ connectData: true });
    const listener = await listening();
    const client = world.client.socket();
    const callee = { len: 32, buf: new Uint8Array(32) };
    const connecting = world.client.connect(
      client,
      sockaddrIn(SERVER_V4, 5000),
      bytes('hello callee'),
      callee,
    );
    let seenCaller = '';
    let seenAddress: unknown;
    let seenCallback: unknown;
    const condition: LPCONDITIONPROC = (callerId, callerData, _sq, _gq, _calleeId, calleeData, _g, cb) => {
      seenAddress = callerId?.buf;
      seenCaller = new TextDecoder().decode(callerData?.buf.subarray(0, callerData.len));
      seenCallback = cb;
      calleeData!.buf.set(bytes('hi caller'));
      calleeData!.len = 9;
      return CF_ACCEPT;
    };
    const accepted = await world.server.accept(listener, condition);
    expect(accepted.err).toBe(0);
    expect(await connecting).toBe(0);
    expect(seenCaller).toBe('hello callee');
    expect(seenAddress).toMatchObject({ sin_addr: '10.0.0.1' });
    expect(seenCallback).toBe('cb');
    expect(callee.len).toBe(9);
    expect(new TextDecoder().decode(callee.buf.subarray(0, 9))).toBe('hi caller');
    expect(accepted.addr).toMatchObject({ sin_addr: '10.0.0.1' });
  });

  it('CF_REJECT: WSAECONNREFUSED from accept and at the caller', async () => {
    world = kitWorld();
    const listener = await listening(5000, true);
    const client = world.client.socket();
    const connecting = world.client.connect(client, sockaddrIn(SERVER_V4, 5000));
    expect((await world.server.accept(listener, () => CF_REJECT)).err).toBe(WSAECONNREFUSED);
    expect(await connecting).toBe(WSAECONNREFUSED);
  });

  it('CF_DEFER: WSATRY_AGAIN and the request stays at the head for a later decision', async () => {
    world = kitWorld();
    const listener = await listening(5000, true);
    const client = world.client.socket();
    const connecting = world.client.connect(client, sockaddrIn(SERVER_V4, 5000));
    expect((await world.server.accept(listener, () => CF_DEFER)).err).toBe(WSATRY_AGAIN);
    expect((await world.server.accept(listener, () => 42)).err).toBe(WSAEINVAL);
    const ok = await world.server.accept(listener, () => CF_ACCEPT);
    expect(ok.err).toBe(0);
    expect(await connecting).toBe(0);
  });

  it('connect data on a protocol without XP1_CONNECT_DATA is WSAEPROTONOSUPPORT', async () => {
    world = kitWorld({ connectData: false });
    await listening();
    const s = world.client.socket();
    expect(await world.client.connect(s, sockaddrIn(SERVER_V4, 5000), bytes('x'))).toBe(WSAEPROTONOSUPPORT);
  });

  it('accept on a socket that is not listening is WSAEINVAL; non-blocking with nothing pending is WSAEWOULDBLOCK', async () => {
    world = kitWorld();
    const s = world.server.socket();
    expect((await world.server.accept(s)).err).toBe(WSAEINVAL);
    const listener = await listening();
    world.server.ioctl(listener, FIONBIO, 1);
    expect((await world.server.accept(listener)).err).toBe(WSAEWOULDBLOCK);
  });
});
