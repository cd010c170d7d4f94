import { afterEach, describe, expect, it } from '@jest/globals';
import {
  bindProviderHost,
  defineBaseProvider,
  emptyWspData,
  FD_WRITE,
  FIONBIO,
  FIONREAD,
  INVALID_SOCKET,
  ipAddressCodec,
  MAKEWORD,
  missingProcTableMembers,
  out,
  SD_RECEIVE,
  SO_CONDITIONAL_ACCEPT,
  SO_RCVBUF,
  SOL_SOCKET,
  type StreamTransportDriver,
  sockaddrIn,
  WSAECONNABORTED,
  WSAECONNRESET,
  WSAEINTR,
  WSAENETDOWN,
  WSAENOTSOCK,
  WSAEOPNOTSUPP,
  WSAESHUTDOWN,
  WSANOTINITIALISED,
  WSAVERNOTSUPPORTED,
  type WSPPROC_TABLE,
  type WSPUPCALLTABLE,
} from '@ws2spi/spi';
import { createInMemoryProvider, inMemoryProtocolInfos, SimNetwork } from '@ws2spi/spi/testing';
import { createFakeUpcalls, FakeEvent } from './support/fake-upcalls';
import {
  connectedPair,
  KitProcess,
  type KitWorld,
  kitWorld,
  withCatalogIds,
} from './support/provider-kit-harness';

let world: KitWorld | undefined;
afterEach(async () => {
  await world?.dispose();
  world = undefined;
});

describe('provider kit: WSPStartup and WSPCleanup', () => {
  it('negotiates the version, fills all 30 members, and counts startups per process', () => {
    const net = new SimNetwork({ timing: 'virtual' });
    net.addHost('h', { ipv4: ['10.0.0.9'] });
    try {
      const infos = withCatalogIds(inMemoryProtocolInfos());
      const { WSPStartup } = createInMemoryProvider({ network: net, host: 'h' });
      const upcalls = createFakeUpcalls();
      const data = emptyWspData();
      expect(WSPStartup(MAKEWORD(1, 1), data, infos[0]!, upcalls.table, {})).toBe(WSAVERNOTSUPPORTED);
      expect(data.wHighVersion).toBe(MAKEWORD(2, 2));
      const table = {} as WSPPROC_TABLE;
      expect(WSPStartup(MAKEWORD(3, 0), data, infos[0]!, upcalls.table, table)).toBe(0);
      expect(data.wVersion).toBe(MAKEWORD(2, 2));
      expect(data.szDescription).toContain('in-memory');
      expect(missingProcTableMembers(table)).toEqual([]);
      // Two startups in one process share the provider: sockets survive the first cleanup.
      const second = {} as WSPPROC_TABLE;
      expect(WSPStartup(MAKEWORD(2, 2), data, infos[1]!, upcalls.table, second)).toBe(0);
      const err = out(0);
      const s = table.lpWSPSocket(
        infos[0]!.iAddressFamily,
        infos[0]!.iSocketType,
        infos[0]!.iProtocol,
        infos[0]!,
        0,
        0,
        err,
      );
      expect(s).not.toBe(INVALID_SOCKET);
      expect(upcalls.handles.get(s)).toMatchObject({ catalogEntryId: 1001, nonIfs: false });
      expect(table.lpWSPCleanup(err)).toBe(0);
      expect(second.lpWSPShutdown(s, 2, err)).toBe(-1);
      expect(err.value).toBe(10057); // still a socket: WSAENOTCONN, not WSAENOTSOCK
      expect(second.lpWSPCleanup(err)).toBe(0);
      expect(table.lpWSPShutdown(s, 2, err)).toBe(-1);
      expect(err.value).toBe(WSANOTINITIALISED);
      expect(table.lpWSPCleanup(err)).toBe(-1);
      expect(err.value).toBe(WSANOTINITIALISED);
      expect(table.lpWSPCancelBlockingCall(err)).toBe(-1);
    } finally {
      net.close();
    }
  });

  it('one provider per process: startups with separate upcall tables of one host share the sockets', async () => {
    const net = new SimNetwork({ timing: 'virtual' });
    net.addHost('h', { ipv4: ['10.0.0.9'] });
    try {
      const infos = withCatalogIds(
        inMemoryProtocolInfos({ families: [4], flavours: ['stream', 'datagram'] }),
      );
      const { WSPStartup } = createInMemoryProvider({ network: net, host: 'h' });
      const upcalls = createFakeUpcalls();
      // The dispatcher hands each provider (and each layer hands the base) its own copy of the
      // table with its own closures; only the host behind them says "same process".
      const copyOf = (table: WSPUPCALLTABLE): WSPUPCALLTABLE =>
        Object.fromEntries(
          Object.entries(table).map(([name, fn]) => [name, (...args: never[]) => (fn as Function)(...args)]),
        ) as unknown as WSPUPCALLTABLE;
      const host = { snapshot: { serial: 0, entries: [], appCategories: [] }, loadProvider: () => undefined };
      const streams = {} as WSPPROC_TABLE;
      const datagrams = {} as WSPPROC_TABLE;
      const err = out(0);
      expect(
        WSPStartup(
          MAKEWORD(2, 2),
          emptyWspData(),
          infos[0]!,
          bindProviderHost(copyOf(upcalls.table), host),
          streams,
        ),
      ).toBe(0);
      expect(
        WSPStartup(
          MAKEWORD(2, 2),
          emptyWspData(),
          infos[1]!,
          bindProviderHost(copyOf(upcalls.table), host),
          datagrams,
        ),
      ).toBe(0);
      const tcp = streams.lpWSPSocket(2, 1, infos[0]!.iProtocol, infos[0]!, 0, 0, err);
      const udp = datagrams.lpWSPSocket(2, 2, infos[1]!.iProtocol, infos[1]!, 0, 0, err);
      expect(udp).not.toBe(INVALID_SOCKET);
      expect(await datagrams.lpWSPBind(udp, sockaddrIn('10.0.0.9', 0), 16, err)).toBe(0);
      // WSPSelect of either table sees both sockets (the unconnected stream socket is not writable).
      const writefds = { fd_array: [tcp, udp] };
      expect(await streams.lpWSPSelect(0, null, writefds, null, { tv_sec: 0, tv_usec: 0 }, err)).toBe(1);
      expect(writefds.fd_array).toEqual([udp]);
      expect(datagrams.lpWSPShutdown(tcp, 2, err)).toBe(-1);
      expect(err.value).toBe(10057); // the stream socket is known to the other table: WSAENOTCONN
      expect(streams.lpWSPCleanup(err)).toBe(0);
      expect(datagrams.lpWSPCleanup(err)).toBe(0);
      expect(datagrams.lpWSPShutdown(udp, 2, err)).toBe(-1);
      expect(err.value).toBe(WSANOTINITIALISED);
    } finally {
      net.close();
    }
  });

  it('the last WSPCleanup fails blocked calls with WSAEINTR and frees every socket', async () => {
    world = kitWorld();
    const { client, server } = await connectedPair(world);
    const blocked = world.server.recv(server);
    expect(world.server.cleanup()).toBe(0);
    expect((await blocked).err).toBe(WSAEINTR);
    // The peer sees the reset.
    expect((await world.client.recv(client)).err).toBe(WSAECONNRESET);
    const w = world;
    world = undefined;
    w.client.cleanup();
    await w.net.idle();
    w.net.close();
  });

  it('WSPCloseSocket under a blocked receive: WSAEINTR, the handle is gone, the peer reads 0', async () => {
    world = kitWorld();
    const { client, server } = await connectedPair(world);
    const blocked = world.server.recv(server);
    expect(world.server.close(server)).toBe(0);
    expect((await blocked).err).toBe(WSAEINTR);
    expect(world.server.close(server)).toBe(WSAENOTSOCK);
    expect(await world.client.recv(client)).toMatchObject({ err: 0, n: 0 });
  });

  it('non-IFS handles: minted by WPUCreateSocketHandle, checked through the context, released on close', async () => {
    world = kitWorld({ handles: 'non-ifs' });
    const s = world.client.socket();
    expect(world.client.upcalls.handles.get(s)).toMatchObject({ nonIfs: true, catalogEntryId: 1001 });
    expect(world.client.upcalls.calls.get('lpWPUModifyIFSHandle')).toBeUndefined();
    expect(world.client.shutdown(s, 2)).toBe(10057);
    expect(world.client.upcalls.calls.get('lpWPUQuerySocketHandleContext')).toBeGreaterThan(0);
    expect(world.client.close(s)).toBe(0);
    expect(world.client.upcalls.handles.has(s)).toBe(false);
    expect(world.client.upcalls.calls.get('lpWPUCloseSocketHandle')).toBe(1);
  });
});

describe('provider kit: containment', () => {
  it('a driver that throws never escapes a WSP call: SOCKET_ERROR with WSAENETDOWN', async () => {
    const broken: StreamTransportDriver = {
      ...ipAddressCodec(4),
      kind: 'stream',
      resetOnDataAfterReceiveShutdown: false,
      supportsExpedited: false,
      bind: () => {
        throw new TypeError('driver bug');
      },
      connect: async () => {
        throw new RangeError('another bug');
      },
      listen: async () => {
        throw new Error('unreachable');
      },
    };
    const infos = withCatalogIds(inMemoryProtocolInfos({ families: [4], flavours: ['stream'] }));
    const p = KitProcess.start(
      defineBaseProvider({ description: 'broken', handles: 'ifs', createDriver: () => broken }).WSPStartup,
      infos,
    );
    const s = p.socket();
    expect(await p.bind(s, sockaddrIn('0.0.0.0', 1))).toBe(WSAENETDOWN);
    expect(await p.connect(s, sockaddrIn('10.0.0.1', 1))).toBe(WSAENETDOWN);
    const err = out(0);
    expect(await p.table.lpWSPJoinLeaf(s, null, 0, null, null, null, null, 0, err)).toBe(INVALID_SOCKET);
    expect(err.value).toBe(WSAEOPNOTSUPP);
    expect(p.cleanup()).toBe(0);
  });
});

describe('provider kit: TCP rule for data after SD_RECEIVE (driver policy)', () => {
  it('with the policy, data arriving after SD_RECEIVE resets the connection', async () => {
    world = kitWorld({}, { resetOnDataAfterReceiveShutdown: true });
    const { client, server } = await connectedPair(world);
    expect(world.server.shutdown(server, SD_RECEIVE)).toBe(0);
    await world.client.send(client, 'unwanted');
    await world.net.idle();
    expect((await world.client.recv(client)).err).toBe(WSAECONNRESET);
    expect((await world.server.send(server, 'x')).err).toBe(WSAECONNABORTED);
  });

  it('with the policy, SD_RECEIVE with unread data queued resets the connection at once', async () => {
    world = kitWorld({}, { resetOnDataAfterReceiveShutdown: true });
    const { client, server } = await connectedPair(world);
    await world.client.send(client, 'unread');
    await world.net.idle();
    expect(world.server.ioctl(server, FIONREAD).value).toBe(6);
    expect(world.server.shutdown(server, SD_RECEIVE)).toBe(0);
    await world.net.idle();
    expect((await world.client.recv(client)).err).toBe(WSAECONNRESET);
  });

  it('a receive pending before SD_RECEIVE still completes with the data, and nothing is reset', async () => {
    world = kitWorld({}, { resetOnDataAfterReceiveShutdown: true });
    const { client, server } = await connectedPair(world);
    const pending = world.server.recv(server);
    await world.net.idle();
    expect(world.server.shutdown(server, SD_RECEIVE)).toBe(0);
    await world.client.send(client, 'in flight');
    expect(await pending).toMatchObject({ err: 0, text: 'in flight' });
    expect((await world.server.recv(server)).err).toBe(WSAESHUTDOWN);
    expect(await world.server.send(server, 'reply')).toMatchObject({ err: 0 });
    expect((await world.client.recv(client)).text).toBe('reply');
  });

  it('without the policy, data after SD_RECEIVE is kept (unreadable) and the connection lives', async () => {
    world = kitWorld();
    const { client, server } = await connectedPair(world);
    world.server.shutdown(server, SD_RECEIVE);
    await world.client.send(client, 'kept');
    await world.net.idle();
    expect((await world.server.recv(server)).err).toBe(WSAESHUTDOWN);
    expect(await world.client.send(client, 'more')).toMatchObject({ err: 0 });
  });
});

describe('provider kit: back-pressure', () => {
  it('non-blocking send says WSAEWOULDBLOCK when the peer stops reading, then FD_WRITE once it drains', async () => {
    world = kitWorld();
    const { client, server } = await connectedPair(world);
    const ev = new FakeEvent();
    world.client.eventSelect(client, ev, FD_WRITE);
    expect(world.client.enumEvents(client, ev).events.lNetworkEvents).toBe(FD_WRITE);
    const chunk = new Uint8Array(32 * 1024);
    let sent = 0;
    let wouldBlock = false;
    for (let i = 0; i < 200 && !wouldBlock; i++) {
      const r = await world.client.send(client, chunk);
      if (r.err === 10035) wouldBlock = true;
      else {
        expect(r.err).toBe(0);
        sent += r.n;
      }
      await world.net.idle();
    }
    expect(wouldBlock).toBe(true);
    expect(world.client.enumEvents(client, ev).events.lNetworkEvents).toBe(0);
    let got = 0;
    world.server.ioctl(server, FIONBIO, 1);
    while (got < sent) {
      const r = await world.server.recv(server, 65536);
      if (r.err === 10035) {
        await world.net.idle();
        continue;
      }
      got += r.n;
    }
    await world.net.idle();
    expect(got).toBe(sent);
    expect(world.client.enumEvents(client, ev).events.lNetworkEvents).toBe(FD_WRITE);
  });

  it('SO_RCVBUF 0 still receives: data comes in while a receive is waiting, and the stream stays whole', async () => {
    world = kitWorld();
    const { client, server } = await connectedPair(world);
    expect(world.server.setOpt(server, SOL_SOCKET, SO_RCVBUF, 0)).toBe(0);
    expect(world.server.getOpt(server, SOL_SOCKET, SO_RCVBUF).value).toBe(0);
    expect((await world.client.send(client, 'abc')).n).toBe(3);
    await world.net.idle();
    // Windows copies into posted receives (and a segment may wait in the stack): the bytes come in.
    expect(world.server.ioctl(server, FIONREAD).value).toBe(3);
    expect(await world.server.recv(server, 8)).toMatchObject({ err: 0, n: 3, text: 'abc' });
    // A receive posted before anything arrived is satisfied, and a larger stream still flows
    // (bounded: every turn either moves bytes or ends).
    const waiting = world.server.recv(server, 8);
    expect((await world.client.send(client, 'defg')).n).toBe(4);
    expect(await waiting).toMatchObject({ err: 0, n: 4, text: 'defg' });
    const big = new Uint8Array(200 * 1024).map((_, i) => i & 0xff);
    const sending = world.client.send(client, big);
    let got = 0;
    for (let i = 0; i < 10_000 && got < big.byteLength; i++) {
      const r = await world.server.recv(server, 64 * 1024);
      expect(r.err).toBe(0);
      for (let k = 0; k < r.n; k++) if (r.data[k] !== ((got + k) & 0xff)) throw new Error(`byte ${got + k}`);
      got += r.n;
    }
    expect(got).toBe(big.byteLength);
    expect((await sending).n).toBe(big.byteLength);
  });
});

describe('provider kit: no leaks', () => {
  it('after both sides close gracefully the network has nothing pending', async () => {
    world = kitWorld();
    const { listener, client, server } = await connectedPair(world);
    await world.client.send(client, 'x');
    world.client.close(client);
    expect((await world.server.recv(server)).text).toBe('x');
    expect(await world.server.recv(server)).toMatchObject({ n: 0 });
    world.server.close(server);
    world.server.close(listener);
    await world.net.idle();
    expect(world.net.pendingEvents).toBe(0);
  });
});

describe('provider kit: closing under a blocked connect', () => {
  it('a blocking connect waiting for a decision is released with WSAEINTR when its socket is closed', async () => {
    world = kitWorld();
    const listener = world.server.socket();
    // With conditional acceptance the caller waits for WSPAccept's decision.
    expect(world.server.setOpt(listener, SOL_SOCKET, SO_CONDITIONAL_ACCEPT, 1)).toBe(0);
    await world.server.bind(listener, sockaddrIn('0.0.0.0', 5000));
    await world.server.listen(listener);
    const s = world.client.socket();
    const connecting = world.client.connect(s, sockaddrIn('10.0.0.2', 5000));
    await world.net.idle();
    expect(world.client.close(s)).toBe(0);
    expect(await connecting).toBe(WSAEINTR);
  });
});
