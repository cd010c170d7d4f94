import { afterEach, describe, expect, it } from '@jest/globals';
import {
  AF_INET,
  AF_INET6,
  FD_CLOSE,
  FD_READ,
  FIONBIO,
  FIONREAD,
  IPPROTO_TCP,
  MSG_OOB,
  out,
  SD_RECEIVE,
  SD_SEND,
  SIOCATMARK,
  SO_ACCEPTCONN,
  SO_BROADCAST,
  SO_DONTLINGER,
  SO_KEEPALIVE,
  SO_LINGER,
  SO_MAX_MSG_SIZE,
  SO_OOBINLINE,
  SO_PROTOCOL_INFOW,
  SO_RCVTIMEO,
  SO_TYPE,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  type SOCKADDR,
  SOCKET_ERROR,
  SOL_SOCKET,
  STATUS_CONNECTION_RESET,
  STATUS_PENDING,
  STATUS_SUCCESS,
  sockaddrIn,
  sockaddrIn6,
  WSA_IO_INCOMPLETE,
  WSA_IO_PENDING,
  WSAECONNRESET,
  WSAEFAULT,
  WSAEINVAL,
  WSAENOPROTOOPT,
  WSAEOPNOTSUPP,
  WSAESHUTDOWN,
  WSAETIMEDOUT,
  type WSAPROTOCOL_INFOW,
  wsabuf,
} from '@ws2spi/spi';
import { FakeEvent } from './support/fake-upcalls';
import { connectedPair, type KitWorld, kitWorld } from './support/provider-kit-harness';

let world: KitWorld;
afterEach(async () => {
  await world?.dispose();
});

describe('provider kit: socket options', () => {
  it('reports SO_PROTOCOL_INFOW as a copy, SO_TYPE, SO_MAX_MSG_SIZE and SO_ACCEPTCONN', async () => {
    world = kitWorld();
    const { listener, server } = await connectedPair(world, 'message');
    const info = world.server.getOpt(server, SOL_SOCKET, SO_PROTOCOL_INFOW, 628);
    expect(info.err).toBe(0);
    expect(info.len).toBe(628);
    const copy = info.value as WSAPROTOCOL_INFOW;
    expect(copy).toEqual(world.server.info('message'));
    copy.szProtocol = 'changed';
    expect(
      (world.server.getOpt(server, SOL_SOCKET, SO_PROTOCOL_INFOW, 628).value as WSAPROTOCOL_INFOW).szProtocol,
    ).not.toBe('changed');
    expect(world.server.getOpt(server, SOL_SOCKET, SO_PROTOCOL_INFOW, 100).err).toBe(WSAEFAULT);
    expect(world.server.getOpt(server, SOL_SOCKET, SO_TYPE).value).toBe(SOCK_SEQPACKET);
    expect(world.server.getOpt(server, SOL_SOCKET, SO_MAX_MSG_SIZE).value).toBe(
      world.server.info('message').dwMessageSize,
    );
    expect(world.server.getOpt(listener, SOL_SOCKET, SO_ACCEPTCONN).value).toBe(true);
    expect(world.server.getOpt(server, SOL_SOCKET, SO_ACCEPTCONN).value).toBe(false);
  });

  it('round-trips SO_LINGER / SO_DONTLINGER and rejects what does not apply', async () => {
    world = kitWorld();
    const s = world.client.socket();
    expect(world.client.setOpt(s, SOL_SOCKET, SO_LINGER, { l_onoff: 1, l_linger: 7 })).toBe(0);
    expect(world.client.getOpt(s, SOL_SOCKET, SO_LINGER).value).toEqual({ l_onoff: 1, l_linger: 7 });
    expect(world.client.getOpt(s, SOL_SOCKET, SO_DONTLINGER).value).toBe(false);
    expect(world.client.setOpt(s, SOL_SOCKET, SO_DONTLINGER, true)).toBe(0);
    expect(world.client.getOpt(s, SOL_SOCKET, SO_LINGER).value).toEqual({ l_onoff: 0, l_linger: 7 });
    expect(world.client.setOpt(s, SOL_SOCKET, SO_BROADCAST, 1)).toBe(WSAENOPROTOOPT);
    expect(world.client.getOpt(s, SOL_SOCKET, 0x7777).err).toBe(WSAENOPROTOOPT);
    expect(world.client.getOpt(s, IPPROTO_TCP, 1).err).toBe(WSAEINVAL);
    expect(world.client.getOpt(s, SOL_SOCKET, SO_KEEPALIVE, 2).err).toBe(WSAEFAULT);
    expect(world.client.setOpt(s, SOL_SOCKET, SO_KEEPALIVE, 1, 2)).toBe(WSAEFAULT);
    expect(world.client.setOpt(s, SOL_SOCKET, SO_KEEPALIVE, null)).toBe(WSAEFAULT);
    expect(world.client.setOpt(s, SOL_SOCKET, SO_TYPE, SOCK_STREAM)).toBe(WSAENOPROTOOPT);
    const d = world.client.socket('datagram');
    expect(world.client.setOpt(d, SOL_SOCKET, SO_BROADCAST, 1)).toBe(0);
    expect(world.client.getOpt(d, SOL_SOCKET, SO_BROADCAST).value).toBe(true);
    expect(world.client.setOpt(d, SOL_SOCKET, SO_LINGER, { l_onoff: 1, l_linger: 0 })).toBe(WSAENOPROTOOPT);
    expect(world.client.getOpt(d, SOL_SOCKET, SO_OOBINLINE).err).toBe(WSAENOPROTOOPT);
  });

  it('SO_RCVTIMEO bounds a blocking receive with WSAETIMEDOUT', async () => {
    world = kitWorld();
    const { server } = await connectedPair(world);
    expect(world.server.setOpt(server, SOL_SOCKET, SO_RCVTIMEO, 30)).toBe(0);
    expect((await world.server.recv(server)).err).toBe(WSAETIMEDOUT);
  });
});

describe('provider kit: ioctls', () => {
  it('FIONREAD counts queued bytes (stream) or the next message (message-oriented); unknown codes are WSAEINVAL', async () => {
    world = kitWorld();
    const pair = await connectedPair(world);
    await world.client.send(pair.client, 'abc');
    await world.client.send(pair.client, 'defg');
    await world.net.idle();
    expect(world.server.ioctl(pair.server, FIONREAD).value).toBe(7);
    const msg = await connectedPair(world, 'message', 5001);
    await world.client.send(msg.client, 'abc');
    await world.client.send(msg.client, 'defg');
    await world.net.idle();
    expect(world.server.ioctl(msg.server, FIONREAD).value).toBe(3);
    expect(world.server.ioctl(msg.server, 0x12345678).err).toBe(WSAEINVAL);
    const err = out(0);
    expect(
      world.server.table.lpWSPIoctl(msg.server, FIONREAD, 0, 0, null, 4, null, null, null, null, err),
    ).toBe(-1);
    expect(err.value).toBe(WSAEFAULT);
    expect(world.server.ioctl(msg.server, FIONBIO, 1).err).toBe(0);
    expect((await world.server.recv(msg.server, 10)).text).toBe('abc');
    expect((await world.server.recv(msg.server, 10)).text).toBe('defg');
    expect((await world.server.recv(msg.server, 10)).err).toBe(10035);
  });
});

describe('provider kit: expedited data', () => {
  it('MSG_OOB travels apart from the stream; SIOCATMARK says whether any is waiting', async () => {
    world = kitWorld({ expedited: true });
    const { client, server } = await connectedPair(world);
    await world.client.send(client, 'normal');
    expect(await world.client.send(client, '!', MSG_OOB)).toMatchObject({ err: 0, n: 1 });
    await world.net.idle();
    expect(world.server.ioctl(server, SIOCATMARK).value).toBe(false);
    expect(await world.server.select(null, null, [server], { tv_sec: 0, tv_usec: 0 })).toMatchObject({
      n: 1,
    });
    expect(await world.server.recv(server, 10, MSG_OOB)).toMatchObject({ err: 0, text: '!' });
    expect(world.server.ioctl(server, SIOCATMARK).value).toBe(true);
    expect((await world.server.recv(server)).text).toBe('normal');
  });

  it('without XP1_EXPEDITED_DATA, MSG_OOB is WSAEOPNOTSUPP', async () => {
    world = kitWorld({ expedited: false });
    const { client, server } = await connectedPair(world);
    expect((await world.client.send(client, '!', MSG_OOB)).err).toBe(WSAEOPNOTSUPP);
    expect((await world.server.recv(server, 10, MSG_OOB)).err).toBe(WSAEOPNOTSUPP);
  });
});

describe('provider kit: address strings', () => {
  it('WSPAddressToString / WSPStringToAddress for IPv4 and IPv6, with the NUL-counted length rules', () => {
    world = kitWorld();
    const p = world.client;
    const text = out('');
    const len = out(64);
    const err = out(0);
    expect(p.table.lpWSPAddressToString(sockaddrIn('10.1.2.3', 80), 16, p.info(), text, len, err)).toBe(0);
    expect(text.value).toBe('10.1.2.3:80');
    expect(len.value).toBe(12);
    const short = out(5);
    expect(p.table.lpWSPAddressToString(sockaddrIn('10.1.2.3', 80), 16, p.info(), text, short, err)).toBe(-1);
    expect(err.value).toBe(WSAEFAULT);
    expect(short.value).toBe(12);
    expect(
      p.table.lpWSPAddressToString(
        sockaddrIn6('fe80::1', 443, 4),
        28,
        p.info('stream', 6),
        text,
        out(64),
        err,
      ),
    ).toBe(0);
    expect(text.value).toBe('[fe80::1%4]:443');
    const addr = out<SOCKADDR | null>(null);
    const alen = out(28);
    expect(p.table.lpWSPStringToAddress('[::1]:8080', AF_INET6, p.info('stream', 6), addr, alen, err)).toBe(
      0,
    );
    expect(addr.value).toMatchObject({ sa_family: AF_INET6, sin6_addr: '::1', sin6_port: 8080 });
    expect(p.table.lpWSPStringToAddress('192.168.0.1', AF_INET, p.info(), addr, out(16), err)).toBe(0);
    expect(addr.value).toMatchObject({ sin_addr: '192.168.0.1', sin_port: 0 });
    expect(p.table.lpWSPStringToAddress('not an address', AF_INET, p.info(), addr, out(16), err)).toBe(-1);
    expect(err.value).toBe(WSAEINVAL);
  });
});

describe('provider kit: WSPAsyncSelect and overlapped receives', () => {
  it('posts each event once as WSAMAKESELECTREPLY(event, error) with the socket as wParam', async () => {
    world = kitWorld();
    const { client, server } = await connectedPair(world);
    const posted: Array<[number, number, number]> = [];
    const err = out(0);
    const window = {
      post: (msg: number, wParam: number, lParam: number) => posted.push([msg, wParam, lParam]),
    };
    expect(world.server.table.lpWSPAsyncSelect(server, window, 0x400, FD_READ | FD_CLOSE, err)).toBe(0);
    await world.client.send(client, 'a');
    await world.client.send(client, 'b');
    world.client.shutdown(client, 1);
    await world.net.idle();
    expect(posted).toEqual([
      [0x400, server, FD_READ],
      [0x400, server, FD_CLOSE],
    ]);
    expect(world.server.ioctl(server, FIONBIO, 0).err).toBe(WSAEINVAL);
  });

  it('an overlapped receive pends even on a non-blocking socket, then fills the WSAOVERLAPPED and sets its event', async () => {
    world = kitWorld();
    const { client, server } = await connectedPair(world);
    world.server.ioctl(server, FIONBIO, 1);
    const event = new FakeEvent();
    const overlapped = { Internal: -1, InternalHigh: -1, hEvent: event };
    const buf = wsabuf(16);
    const err = out(0);
    const flags = out(0);
    // The call returns as soon as it pends: SOCKET_ERROR / WSA_IO_PENDING, Internal STATUS_PENDING.
    expect(
      await world.server.table.lpWSPRecv(server, [buf], 1, null, flags, overlapped, null, null, err),
    ).toBe(SOCKET_ERROR);
    expect(err.value).toBe(WSA_IO_PENDING);
    expect(overlapped).toMatchObject({ Internal: STATUS_PENDING, InternalHigh: -1 });
    const transferred = out(0);
    expect(
      await world.server.table.lpWSPGetOverlappedResult(server, overlapped, transferred, false, out(0), err),
    ).toBe(false);
    expect(err.value).toBe(WSA_IO_INCOMPLETE);
    await world.client.send(client, 'late');
    expect(
      await world.server.table.lpWSPGetOverlappedResult(server, overlapped, transferred, true, out(0), err),
    ).toBe(true);
    expect(transferred.value).toBe(4);
    expect(event.signalled).toBe(true);
    expect(overlapped).toMatchObject({ Internal: STATUS_SUCCESS, InternalHigh: 4 });
  });

  /** An overlapped with a manual-reset event, and a completion routine that records its calls. */
  function overlappedCall() {
    const event = new FakeEvent();
    const overlapped = { Internal: -1, InternalHigh: -1, hEvent: event };
    const completions: Array<[number, number, number]> = [];
    const routine = (error: number, bytes: number, _ov: unknown, flags: number) => {
      completions.push([error, bytes, flags]);
    };
    return { event, overlapped, completions, routine, thread: { ThreadHandle: 1, Reserved: 0 } };
  }

  it('an overlapped receive that fails at once (after SD_RECEIVE) completes nothing: no fields, no event, no routine', async () => {
    world = kitWorld();
    const { server } = await connectedPair(world);
    expect(world.server.shutdown(server, SD_RECEIVE)).toBe(0);
    const call = overlappedCall();
    const err = out(0);
    const rc = await world.server.table.lpWSPRecv(
      server,
      [wsabuf(16)],
      1,
      out(0),
      out(0),
      call.overlapped,
      call.routine,
      call.thread,
      err,
    );
    expect([rc, err.value]).toEqual([SOCKET_ERROR, WSAESHUTDOWN]);
    await world.net.idle();
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(call.overlapped).toMatchObject({ Internal: -1, InternalHigh: -1 });
    expect(call.event.sets).toBe(0);
    expect(call.completions).toEqual([]);
    expect(world.server.upcalls.calls.get('lpWPUQueueApc')).toBeUndefined();
  });

  it('an overlapped send that fails at once (after SD_SEND) completes nothing either', async () => {
    world = kitWorld();
    const { client } = await connectedPair(world);
    expect(world.client.shutdown(client, SD_SEND)).toBe(0);
    const call = overlappedCall();
    const err = out(0);
    const rc = await world.client.table.lpWSPSend(
      client,
      [wsabuf(new Uint8Array([1, 2]))],
      1,
      out(0),
      0,
      call.overlapped,
      call.routine,
      call.thread,
      err,
    );
    expect([rc, err.value]).toEqual([SOCKET_ERROR, WSAESHUTDOWN]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(call.overlapped).toMatchObject({ Internal: -1, InternalHigh: -1 });
    expect(call.event.sets).toBe(0);
    expect(call.completions).toEqual([]);
  });

  it('an overlapped receive that pended and then failed does complete, with the error', async () => {
    world = kitWorld();
    const { client, server } = await connectedPair(world);
    const call = overlappedCall();
    const err = out(0);
    const rc = await world.server.table.lpWSPRecv(
      server,
      [wsabuf(16)],
      1,
      out(0),
      out(0),
      call.overlapped,
      call.routine,
      call.thread,
      err,
    );
    expect([rc, err.value]).toEqual([SOCKET_ERROR, WSA_IO_PENDING]);
    expect(world.client.setOpt(client, SOL_SOCKET, SO_LINGER, { l_onoff: 1, l_linger: 0 })).toBe(0);
    expect(world.client.close(client)).toBe(0);
    const transferred = out(0);
    expect(
      await world.server.table.lpWSPGetOverlappedResult(
        server,
        call.overlapped,
        transferred,
        true,
        out(0),
        err,
      ),
    ).toBe(false);
    // The peer's reset: WSAECONNRESET for WSAGetOverlappedResult, STATUS_CONNECTION_RESET in Internal.
    expect(err.value).toBe(WSAECONNRESET);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(call.overlapped).toMatchObject({ Internal: STATUS_CONNECTION_RESET, InternalHigh: 0 });
    expect(call.event.sets).toBe(1);
    expect(call.completions).toEqual([[WSAECONNRESET, 0, 0]]);
  });

  it('an overlapped receive that succeeds at once still completes: fields, event and routine', async () => {
    world = kitWorld();
    const { client, server } = await connectedPair(world);
    await world.client.send(client, 'now');
    await world.net.idle();
    const call = overlappedCall();
    const err = out(0);
    const received = out(0);
    const rc = await world.server.table.lpWSPRecv(
      server,
      [wsabuf(16)],
      1,
      received,
      out(0),
      call.overlapped,
      call.routine,
      call.thread,
      err,
    );
    expect([rc, received.value]).toEqual([0, 3]);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(call.overlapped).toMatchObject({ Internal: STATUS_SUCCESS, InternalHigh: 3 });
    expect(call.event.sets).toBe(1);
    expect(call.completions).toEqual([[0, 3, 0]]);
  });
});
