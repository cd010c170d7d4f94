import { afterEach, describe, expect, it } from '@jest/globals';
import {
  AF_INET,
  AF_INET6,
  Catalog,
  emptyWsaData,
  INVALID_SOCKET,
  MAKEWORD,
  out,
  registerProvider,
  SD_SEND,
  SO_PROTOCOL_INFOW,
  SOCK_DGRAM,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  type SOCKADDR,
  SOCKET_ERROR,
  SOL_SOCKET,
  sockaddrIn,
  sockaddrIn6,
  WSAEDISCON,
  WSAENOPROTOOPT,
  type WSAPROTOCOL_INFOW,
  Ws2,
  wsabuf,
  XP1_CONNECT_DATA,
  XP1_DISCONNECT_DATA,
  XP1_IFS_HANDLES,
  XP1_MESSAGE_ORIENTED,
} from '@ws2spi/spi';
import {
  createInMemoryProvider,
  encodeFrame,
  FrameDecoder,
  FrameType,
  IN_MEMORY_DEFAULT_PROTOCOL,
  inMemoryProtocolInfos,
  inMemoryProviderId,
  installInMemoryProvider,
  SimNetwork,
} from '@ws2spi/spi/testing';
import { container } from 'tsyringe';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function network(): SimNetwork {
  const net = new SimNetwork({ timing: 'virtual' });
  net.addHost('server', { ipv4: ['10.0.0.2'], ipv6: ['fd00::2'] });
  net.addHost('client', { ipv4: ['10.0.0.1'], ipv6: ['fd00::1'] });
  cleanups.push(async () => {
    await net.idle();
    net.close();
  });
  return net;
}

function start(
  catalog: Catalog,
  register: (c: ReturnType<typeof container.createChildContainer>) => void,
): Ws2 {
  const child = container.createChildContainer();
  register(child);
  const ws2 = new Ws2({ catalog, container: child });
  expect(ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData())).toBe(0);
  cleanups.push(() => {
    while (ws2.WSACleanup() === 0) {
      /* until the count is 0 */
    }
  });
  return ws2;
}

const text = (b: Uint8Array, n: number): string => new TextDecoder().decode(b.subarray(0, n));

describe('inMemoryProtocolInfos', () => {
  it('describes the flavours by their service flags, with a fixed ProviderId per configuration', () => {
    const infos = inMemoryProtocolInfos({
      flavours: ['stream', 'message', 'datagram'],
      disconnectData: true,
    });
    expect(infos.map((i) => [i.iAddressFamily, i.iSocketType])).toEqual([
      [AF_INET, SOCK_STREAM],
      [AF_INET, SOCK_SEQPACKET],
      [AF_INET, SOCK_DGRAM],
      [AF_INET6, SOCK_STREAM],
      [AF_INET6, SOCK_SEQPACKET],
      [AF_INET6, SOCK_DGRAM],
    ]);
    expect(
      infos.every((i) => i.iProtocol === IN_MEMORY_DEFAULT_PROTOCOL && i.dwServiceFlags1 & XP1_IFS_HANDLES),
    ).toBe(true);
    expect(infos[1]!.dwServiceFlags1 & XP1_MESSAGE_ORIENTED).toBe(XP1_MESSAGE_ORIENTED);
    expect(infos[0]!.dwServiceFlags1 & XP1_DISCONNECT_DATA).toBe(XP1_DISCONNECT_DATA);
    expect(infos[2]!.dwServiceFlags1 & XP1_DISCONNECT_DATA).toBe(0);
    expect(new Set(infos.map((i) => i.ProviderId)).size).toBe(1);
    expect(inMemoryProviderId({ disconnectData: true })).toBe(infos[0]!.ProviderId);
    expect(inMemoryProviderId({ disconnectData: false })).not.toBe(infos[0]!.ProviderId);
    expect(inMemoryProviderId({ protocol: 200 })).not.toBe(inMemoryProviderId({}));
    expect(
      inMemoryProtocolInfos({ connectData: true, handles: 'non-ifs' })[0]!.dwServiceFlags1 &
        (XP1_CONNECT_DATA | XP1_IFS_HANDLES),
    ).toBe(XP1_CONNECT_DATA);
  });
});

describe('the in-memory frame codec', () => {
  it('decodes frames split anywhere and rejects garbage', () => {
    const wire = new Uint8Array([
      ...encodeFrame(FrameType.DATA, new TextEncoder().encode('abc'), 1),
      ...encodeFrame(FrameType.DISCONNECT, null),
    ]);
    const decoder = new FrameDecoder();
    const frames = [
      ...decoder.push(wire.subarray(0, 4)),
      ...decoder.push(wire.subarray(4, 10)),
      ...decoder.push(wire.subarray(10)),
    ];
    expect(frames.map((f) => [f.type, f.flags, text(f.payload, f.payload.byteLength)])).toEqual([
      [FrameType.DATA, 1, 'abc'],
      [FrameType.DISCONNECT, 0, ''],
    ]);
    expect(() => new FrameDecoder().push(new Uint8Array([99, 0, 0, 0, 0, 0]))).toThrow('unknown frame type');
  });

  it('copies each byte a bounded number of times when a frame spans many segments (not once per segment)', () => {
    const payload = new Uint8Array(1024 * 1024).map((_, i) => (i * 31) & 0xff);
    const wire = encodeFrame(FrameType.DATA, payload, 1);
    const decoder = new FrameDecoder();
    // Count every byte typed arrays copy while decoding: set() and slice().
    const proto = Object.getPrototypeOf(Uint8Array.prototype) as {
      set: (array: ArrayLike<number>, offset?: number) => void;
      slice: (start?: number, end?: number) => Uint8Array;
    };
    let copied = 0;
    const realSet = proto.set;
    const realSlice = proto.slice;
    proto.set = function (this: Uint8Array, array: ArrayLike<number>, offset?: number) {
      copied += array.length;
      return realSet.call(this, array, offset);
    };
    proto.slice = function (this: Uint8Array, start?: number, end?: number) {
      const result = realSlice.call(this, start, end);
      copied += result.byteLength;
      return result;
    };
    const frames = [];
    try {
      for (let at = 0; at < wire.byteLength; at += 1024)
        frames.push(...decoder.push(wire.subarray(at, at + 1024)));
    } finally {
      proto.set = realSet;
      proto.slice = realSlice;
    }
    expect(frames).toHaveLength(1);
    expect(frames[0]!.payload).toEqual(payload);
    expect(copied).toBeLessThanOrEqual(3 * wire.byteLength);
  });

  it('keeps its own copy of bytes it holds: a caller reusing its buffer does not change a frame', () => {
    const wire = encodeFrame(FrameType.DATA, new TextEncoder().encode('hello world'));
    const decoder = new FrameDecoder();
    const reused = new Uint8Array(8);
    reused.set(wire.subarray(0, 8));
    expect(decoder.push(reused)).toEqual([]);
    reused.fill(0x7a);
    const [frame] = decoder.push(wire.subarray(8));
    expect(text(frame!.payload, frame!.payload.byteLength)).toBe('hello world');
  });
});

describe('installInMemoryProvider, used through the dispatcher (winsock2.h API)', () => {
  it('one call installs the entries and registers WSPStartup; two processes on two hosts talk', async () => {
    const net = network();
    const catalog = new Catalog();
    let installed!: ReturnType<typeof installInMemoryProvider>;
    const server = start(catalog, (c) => {
      installed = installInMemoryProvider(catalog, c, { network: net, host: 'server', disconnectData: true });
    });
    expect(installed.protocolInfos.map((i) => i.dwCatalogEntryId)).toEqual([1001, 1002, 1003, 1004]);
    expect(installed.path).toBe(`in-memory:${installed.providerId}`);
    const client = start(catalog, (c) =>
      registerProvider(
        c,
        installed.path,
        createInMemoryProvider({ network: net, host: 'client' }).WSPStartup,
      ),
    );

    const listener = await server.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    expect(listener).not.toBe(INVALID_SOCKET);
    expect(await server.bind(listener, sockaddrIn('0.0.0.0', 80), 16)).toBe(0);
    expect(await server.listen(listener, 5)).toBe(0);
    const s = await client.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
    const [rc, accepted] = await Promise.all([
      client.connect(s, sockaddrIn('10.0.0.2', 80), 16),
      server.accept(listener, out<SOCKADDR | null>(null), out(16)),
    ]);
    expect(rc).toBe(0);
    expect(accepted).not.toBe(INVALID_SOCKET);
    expect(await client.send(s, new TextEncoder().encode('over the dispatcher'), 19, 0)).toBe(19);
    expect(client.WSASendDisconnect(s, wsabuf(new TextEncoder().encode('bye now')))).toBe(0);
    const buf = new Uint8Array(64);
    const n = await server.recv(accepted, buf, 64, 0);
    expect(text(buf, n)).toBe('over the dispatcher');
    expect(await server.recv(accepted, buf, 64, 0)).toBe(0);
    const dd = wsabuf(32);
    expect(server.WSARecvDisconnect(accepted, dd)).toBe(0);
    expect(text(dd.buf, dd.len)).toBe('bye now');
    expect(client.closesocket(s)).toBe(0);
    expect(server.closesocket(accepted)).toBe(0);
    expect(server.closesocket(listener)).toBe(0);
  });

  it('without XP1_DISCONNECT_DATA, WSASendDisconnect with data is WSAENOPROTOOPT; message sockets see WSAEDISCON; IPv6 works', async () => {
    const net = network();
    const catalog = new Catalog();
    const installed = installInMemoryProvider(catalog, container.createChildContainer(), {
      network: net,
      host: 'server',
      protocol: 222,
      families: [6],
    });
    const ws2 = start(catalog, (c) =>
      registerProvider(
        c,
        installed.path,
        createInMemoryProvider({ network: net, host: 'server' }).WSPStartup,
      ),
    );
    const listener = await ws2.socket(AF_INET6, SOCK_SEQPACKET, 222);
    expect(await ws2.bind(listener, sockaddrIn6('::', 9000), 28)).toBe(0);
    expect(await ws2.listen(listener, 1)).toBe(0);
    const s = await ws2.socket(AF_INET6, SOCK_SEQPACKET, 222);
    const [rc, peer] = await Promise.all([
      ws2.connect(s, sockaddrIn6('::1', 9000), 28),
      ws2.accept(listener, null, null),
    ]);
    expect(rc).toBe(0);
    expect(ws2.WSASendDisconnect(s, wsabuf(new Uint8Array([1])))).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAENOPROTOOPT);
    expect(await ws2.send(s, new Uint8Array([1, 2, 3]), 3, 0)).toBe(3);
    expect(ws2.shutdown(s, SD_SEND)).toBe(0);
    const buf = new Uint8Array(8);
    expect(await ws2.recv(peer, buf, 8, 0)).toBe(3);
    expect(await ws2.recv(peer, buf, 8, 0)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAEDISCON);
    const info = out<WSAPROTOCOL_INFOW | null>(null);
    expect(ws2.getsockopt(peer, SOL_SOCKET, SO_PROTOCOL_INFOW, info, out(628))).toBe(0);
    expect(info.value?.iProtocol).toBe(222);
  });
});
