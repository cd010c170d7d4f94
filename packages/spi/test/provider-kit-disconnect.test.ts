import { afterEach, describe, expect, it } from '@jest/globals';
import {
  FD_ACCEPT,
  FD_CLOSE,
  FD_CLOSE_BIT,
  FD_CONNECT,
  FD_CONNECT_BIT,
  FD_READ,
  FD_WRITE,
  MSG_OOB,
  SD_SEND,
  SO_ERROR,
  SO_LINGER,
  SOL_SOCKET,
  sockaddrIn,
  WSAECONNABORTED,
  WSAECONNRESET,
  WSAEDISCON,
  WSAEFAULT,
  WSAEMSGSIZE,
  WSAENOPROTOOPT,
  WSAENOTCONN,
  WSAESHUTDOWN,
} from '@ws2spi/spi';
import { FakeEvent } from './support/fake-upcalls';
import { connectedPair, type KitWorld, kitWorld, SERVER_V4 } from './support/provider-kit-harness';

let world: KitWorld;
afterEach(async () => {
  await world?.dispose();
});

describe('provider kit: disconnect without XP1_DISCONNECT_DATA (TCP-like)', () => {
  it('WSPSendDisconnect with data fails WSAENOPROTOOPT and neither sends nor shuts anything', async () => {
    world = kitWorld({ disconnectData: false });
    const { client, server } = await connectedPair(world);
    expect(world.client.sendDisconnect(client, 'bye')).toBe(WSAENOPROTOOPT);
    expect(world.client.sendDisconnect(client, new Uint8Array(0))).toBe(WSAENOPROTOOPT);
    // The connection is untouched: both directions still work and the peer saw no close.
    expect(await world.client.send(client, 'more')).toMatchObject({ err: 0, n: 4 });
    expect((await world.server.recv(server)).text).toBe('more');
    expect(await world.server.send(server, 'back')).toMatchObject({ err: 0 });
    expect((await world.client.recv(client)).text).toBe('back');
  });

  it('WSPSendDisconnect(NULL) is shutdown(SD_SEND): queued data first, then the peer reads 0', async () => {
    world = kitWorld({ disconnectData: false });
    const { client, server } = await connectedPair(world);
    const big = new Uint8Array(200_000).map((_, i) => i % 251);
    const sent = world.client.send(client, big);
    expect((await sent).n).toBe(big.byteLength);
    expect(world.client.sendDisconnect(client, null)).toBe(0);
    expect((await world.client.send(client, 'x')).err).toBe(WSAESHUTDOWN);
    const received = new Uint8Array(big.byteLength);
    let total = 0;
    for (;;) {
      const r = await world.server.recv(server, 65536);
      expect(r.err).toBe(0);
      if (r.n === 0) break;
      received.set(r.data, total);
      total += r.n;
    }
    expect(total).toBe(big.byteLength);
    expect(Buffer.from(received).equals(Buffer.from(big))).toBe(true);
  });

  it('WSPRecvDisconnect shuts receiving, never fails for a buffer, and reports no data', async () => {
    world = kitWorld({ disconnectData: false });
    const { client, server } = await connectedPair(world);
    world.server.sendDisconnect(server, null);
    expect(await world.client.recv(client)).toMatchObject({ err: 0, n: 0 });
    expect(world.client.recvDisconnect(client, 16)).toEqual({ err: 0, len: 0, text: '' });
    expect((await world.client.recv(client)).err).toBe(WSAESHUTDOWN);
    expect(world.client.recvDisconnect(client, null).err).toBe(0);
  });

  it('disconnect calls on an unconnected socket: argument errors first, then WSAENOTCONN', async () => {
    world = kitWorld({ disconnectData: false });
    const s = world.client.socket();
    expect(world.client.sendDisconnect(s, 'x')).toBe(WSAENOPROTOOPT);
    expect(world.client.sendDisconnect(s, null)).toBe(WSAENOTCONN);
    expect(world.client.recvDisconnect(s, 8).err).toBe(WSAENOTCONN);
  });
});

describe('provider kit: disconnect data (XP1_DISCONNECT_DATA)', () => {
  it('the peer learns of the close (recv 0) and then reads the disconnect data', async () => {
    world = kitWorld({ disconnectData: true });
    const { client, server } = await connectedPair(world);
    await world.client.send(client, 'payload');
    expect(world.client.sendDisconnect(client, 'goodbye')).toBe(0);
    expect((await world.server.recv(server)).text).toBe('payload');
    expect(await world.server.recv(server)).toMatchObject({ err: 0, n: 0 });
    // Too small a buffer: WSAEFAULT, and the data is kept for a retry.
    expect(world.server.recvDisconnect(server, 3).err).toBe(WSAEFAULT);
    expect(world.server.recvDisconnect(server, 64)).toEqual({ err: 0, len: 7, text: 'goodbye' });
    expect((await world.server.recv(server)).err).toBe(WSAESHUTDOWN);
  });

  it('message-oriented: WSAEDISCON after the last message, then the disconnect data', async () => {
    world = kitWorld({ disconnectData: true });
    const { client, server } = await connectedPair(world, 'message');
    await world.client.send(client, 'one');
    await world.client.send(client, 'two');
    expect(world.client.sendDisconnect(client, 'reason 7')).toBe(0);
    expect((await world.server.recv(server)).text).toBe('one');
    expect((await world.server.recv(server)).text).toBe('two');
    expect((await world.server.recv(server)).err).toBe(WSAEDISCON);
    expect((await world.server.recv(server)).err).toBe(WSAEDISCON);
    expect(world.server.recvDisconnect(server, 64).text).toBe('reason 7');
  });

  it('a second disconnect with data after the send side is shut is WSAESHUTDOWN; without data it succeeds', async () => {
    world = kitWorld({ disconnectData: true });
    const { client } = await connectedPair(world);
    expect(world.client.shutdown(client, SD_SEND)).toBe(0);
    expect(world.client.sendDisconnect(client, 'late')).toBe(WSAESHUTDOWN);
    expect(world.client.sendDisconnect(client, null)).toBe(0);
  });
});

describe('provider kit: message boundaries', () => {
  it('keeps boundaries; a short buffer gets WSAEMSGSIZE and the message stays whole for a retry', async () => {
    world = kitWorld();
    const { client, server } = await connectedPair(world, 'message');
    await world.client.send(client, 'abcdefgh');
    await world.client.send(client, 'ij');
    const short = await world.server.recv(server, 3);
    expect(short).toMatchObject({ err: WSAEMSGSIZE, n: 3, text: 'abc' });
    expect(await world.server.recv(server, 100)).toMatchObject({ err: 0, text: 'abcdefgh' });
    expect(await world.server.recv(server, 100)).toMatchObject({ err: 0, text: 'ij' });
  });

  it('with XP1_PARTIAL_MESSAGE a short buffer gets MSG_PARTIAL and the rest follows', async () => {
    world = kitWorld({ partialMessages: true });
    const { client, server } = await connectedPair(world, 'message');
    await world.client.send(client, 'abcdefgh');
    expect(await world.server.recv(server, 5)).toMatchObject({ err: 0, text: 'abcde', flags: 0x8000 });
    expect(await world.server.recv(server, 5)).toMatchObject({ err: 0, text: 'fgh', flags: 0 });
  });
});

describe('provider kit: abortive close', () => {
  it('SO_LINGER {1,0}: the peer sees WSAECONNRESET on recv and send, FD_CLOSE with WSAECONNABORTED, SO_ERROR 0', async () => {
    world = kitWorld();
    const { client, server } = await connectedPair(world);
    const event = new FakeEvent();
    expect(world.server.eventSelect(server, event, FD_READ | FD_CLOSE)).toBe(0);
    expect(world.client.setOpt(client, SOL_SOCKET, SO_LINGER, { l_onoff: 1, l_linger: 0 })).toBe(0);
    await world.client.send(client, 'lost?');
    expect(world.client.close(client)).toBe(0);
    await world.net.idle();
    const seen = world.server.enumEvents(server, event).events;
    expect(seen.lNetworkEvents & FD_CLOSE).toBe(FD_CLOSE);
    expect(seen.iErrorCode[FD_CLOSE_BIT]).toBe(WSAECONNABORTED);
    expect((await world.server.recv(server)).err).toBe(WSAECONNRESET);
    expect((await world.server.send(server, 'x')).err).toBe(WSAECONNRESET);
    expect(world.server.getOpt(server, SOL_SOCKET, SO_ERROR).value).toBe(0);
    // WSAESHUTDOWN wins over the reset.
    world.server.shutdown(server, 2);
    expect((await world.server.recv(server)).err).toBe(WSAESHUTDOWN);
    expect((await world.server.send(server, 'x')).err).toBe(WSAESHUTDOWN);
  });
});

describe('provider kit: event sequences seen by WSPEnumNetworkEvents', () => {
  it('graceful: FD_CONNECT, FD_WRITE, FD_READ, then FD_CLOSE 0 at once even with data unread', async () => {
    world = kitWorld();
    const listener = world.server.socket();
    await world.server.bind(listener, sockaddrIn('0.0.0.0', 5000));
    await world.server.listen(listener);
    const lev = new FakeEvent();
    world.server.eventSelect(listener, lev, FD_ACCEPT | FD_READ | FD_WRITE | FD_CLOSE);
    const client = world.client.socket();
    const cev = new FakeEvent();
    world.client.eventSelect(client, cev, FD_CONNECT | FD_WRITE | FD_READ | FD_CLOSE);
    expect(await world.client.connect(client, sockaddrIn(SERVER_V4, 5000))).toBe(10035);
    await world.net.idle();
    expect(cev.signalled).toBe(true);
    let e = world.client.enumEvents(client, cev).events;
    expect(e.lNetworkEvents).toBe(FD_CONNECT | FD_WRITE);
    expect(e.iErrorCode[FD_CONNECT_BIT]).toBe(0);
    expect(cev.signalled).toBe(false);
    expect(world.server.enumEvents(listener, lev).events.lNetworkEvents).toBe(FD_ACCEPT);
    const accepted = await world.server.accept(listener);
    // The accepted socket inherits the listener's selection and gets FD_WRITE.
    expect(world.server.enumEvents(accepted.s).events.lNetworkEvents).toBe(FD_WRITE);
    await world.server.send(accepted.s, 'data');
    expect(world.server.sendDisconnect(accepted.s, null)).toBe(0);
    await world.net.idle();
    e = world.client.enumEvents(client, cev).events;
    expect(e.lNetworkEvents).toBe(FD_READ | FD_CLOSE);
    expect(e.iErrorCode[FD_CLOSE_BIT]).toBe(0);
    // FD_CLOSE is recorded once; FD_READ comes back only after a recv re-enables it.
    await world.net.idle();
    expect(world.client.enumEvents(client).events.lNetworkEvents).toBe(0);
    expect((await world.client.recv(client, 2)).text).toBe('da');
    expect(world.client.enumEvents(client).events.lNetworkEvents).toBe(FD_READ);
    expect((await world.client.recv(client)).text).toBe('ta');
    expect(await world.client.recv(client)).toMatchObject({ err: 0, n: 0 });
    expect(world.client.enumEvents(client).events.lNetworkEvents).toBe(0);
  });
});

describe('provider kit: sending to a peer that has closed', () => {
  it('the send succeeds once; the reset that answers it shows as WSAECONNABORTED', async () => {
    world = kitWorld({}, { resetOnDataAfterReceiveShutdown: true });
    const { client, server } = await connectedPair(world);
    expect(world.server.close(server)).toBe(0);
    expect(await world.client.recv(client)).toMatchObject({ err: 0, n: 0 });
    expect(await world.client.send(client, 'too late')).toMatchObject({ err: 0, n: 8 });
    await world.net.idle();
    expect((await world.client.recv(client)).err).toBe(WSAECONNABORTED);
    expect((await world.client.send(client, 'x')).err).toBe(WSAECONNABORTED);
  });

  it('every call reports an aborted connection with the same code: recv MSG_OOB and WSPSendDisconnect too', async () => {
    world = kitWorld({ disconnectData: true }, { resetOnDataAfterReceiveShutdown: true });
    const { client, server } = await connectedPair(world);
    expect(world.server.close(server)).toBe(0);
    expect(await world.client.recv(client)).toMatchObject({ err: 0, n: 0 });
    expect(await world.client.send(client, 'too late')).toMatchObject({ err: 0, n: 8 });
    await world.net.idle();
    expect((await world.client.recv(client, 16, MSG_OOB)).err).toBe(WSAECONNABORTED);
    expect(world.client.sendDisconnect(client, 'bye')).toBe(WSAECONNABORTED);
    expect((await world.client.recv(client)).err).toBe(WSAECONNABORTED);
  });

  it('a reset by the peer is WSAECONNRESET on every call alike', async () => {
    world = kitWorld({ disconnectData: true });
    const { client, server } = await connectedPair(world);
    expect(world.server.setOpt(server, SOL_SOCKET, SO_LINGER, { l_onoff: 1, l_linger: 0 })).toBe(0);
    expect(world.server.close(server)).toBe(0);
    await world.net.idle();
    expect((await world.client.recv(client, 16, MSG_OOB)).err).toBe(WSAECONNRESET);
    expect(world.client.sendDisconnect(client, 'bye')).toBe(WSAECONNRESET);
    expect((await world.client.recv(client)).err).toBe(WSAECONNRESET);
    expect((await world.client.send(client, 'x')).err).toBe(WSAECONNRESET);
  });
});
