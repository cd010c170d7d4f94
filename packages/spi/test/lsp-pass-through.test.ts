/**
 * The two pass-through styles of the layered-provider toolkit, against a scripted base provider
 * that records every call it receives:
 * - non-IFS: all 30 WSP functions are forwarded, each with the lower provider's own handle (the
 *   layer's handles are minted with WPUCreateSocketHandle and mapped back through
 *   WPUQuerySocketHandleContext), base providers are given their own protocol info, handles that
 *   come back (accept, select) are translated to the layer's;
 * - IFS: the layer's table *is* the lower table except for the few calls it must override, and it
 *   refuses to sit on a non-IFS layer (WPUModifyIFSHandle says WSAEINVAL).
 */
import { afterEach, beforeAll, describe, it } from '@jest/globals';
import {
  AF_INET,
  defineLayeredProvider,
  emptyNetworkEvents,
  FIONREAD,
  INVALID_SOCKET,
  IPPROTO_TCP,
  type LayerContext,
  out,
  registerProvider,
  SD_SEND,
  SO_LINGER,
  SO_PROTOCOL_INFOW,
  SOCK_STREAM,
  type SOCKET,
  SOL_SOCKET,
  type SockOptValue,
  sockaddrIn,
  WSA_FLAG_OVERLAPPED,
  WSAEINPROGRESS,
  WSAEINVAL,
  WSAENOTSOCK,
  type WSAPROTOCOL_INFOW,
  type WSPPROC_TABLE,
  WSPPROC_TABLE_MEMBERS,
  type WspProcName,
  wsabuf,
} from '@ws2spi/spi';
import { createLayeredProcess, type LayeredProcess, registerWinsockMatchers } from '@ws2spi/spi/testing';
import { protocolInfo } from './support/protocol-info';
import { scriptedProvider } from './support/scripted-provider';

beforeAll(() => registerWinsockMatchers());

const BASE_GUID = '5c5c5c5c-0000-4000-8000-00000000000b';

let proc: LayeredProcess | undefined;
afterEach(async () => {
  await proc?.teardown();
  proc = undefined;
});

/** A capturing layer on top (to reach the table below it), the layer under test, the scripted base. */
async function stack(style: 'ifs' | 'non-ifs', baseIfs: boolean) {
  const base = scriptedProvider({ ifs: baseIfs });
  const seen: { top?: LayerContext; middle?: LayerContext } = {};
  proc = await createLayeredProcess({
    bases: (catalog, container) => {
      registerProvider(container, 'scripted', base.WSPStartup);
      expect(
        catalog.WSCInstallProvider(
          BASE_GUID,
          'scripted',
          [protocolInfo({ ProviderId: BASE_GUID })],
          1,
          out(0),
        ),
      ).toBe(0);
    },
    layers: [
      {
        name: 'capture',
        provider: defineLayeredProvider({
          description: 'capture',
          style: 'non-ifs',
          onStartup: (ctx) => (seen.top = ctx),
        }),
      },
      {
        name: 'under test',
        provider: defineLayeredProvider({
          description: 'under test',
          style,
          onStartup: (ctx) => (seen.middle = ctx),
        }),
      },
    ],
  });
  const ws2 = proc.ws2;
  const app = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  return { base, seen, ws2, app };
}

describe('the non-IFS pass-through', () => {
  async function nonIfs() {
    const env = await stack('non-ifs', false);
    expect(env.app).toSucceed(env.ws2);
    const top = env.seen.top as LayerContext;
    const below = top.lower(env.app);
    if (!below) throw new Error('the capture layer does not know its own socket');
    const [baseSocket] = [...env.base.sockets.keys()];
    const chainInfo = top.protocolInfo;
    const baseInfo = env.base.startups[0].info;
    return { ...env, table: below.table, s: below.socket, baseSocket, chainInfo, baseInfo };
  }

  it('gives each layer its own handle for the socket', async () => {
    const { app, s, baseSocket } = await nonIfs();
    expect(new Set([app, s, baseSocket]).size).toBe(3);
  });

  /** Each member called with the layer's handle, and what the base must have received. */
  type Case = [WspProcName, (t: WSPPROC_TABLE, s: SOCKET, info: WSAPROTOCOL_INFOW) => unknown];
  const errno = () => out(0);
  const addr = sockaddrIn('127.0.0.1', 7);
  const cases: Case[] = [
    ['lpWSPAccept', (t, s) => t.lpWSPAccept(s, null, null, null, 0, errno())],
    ['lpWSPAsyncSelect', (t, s) => t.lpWSPAsyncSelect(s, { post() {} }, 0x400, 0, errno())],
    ['lpWSPBind', (t, s) => t.lpWSPBind(s, addr, 16, errno())],
    ['lpWSPConnect', (t, s) => t.lpWSPConnect(s, addr, 16, null, null, null, null, errno())],
    [
      'lpWSPDuplicateSocket',
      (t, s) => t.lpWSPDuplicateSocket(s, 42, out<WSAPROTOCOL_INFOW | null>(null), errno()),
    ],
    ['lpWSPEnumNetworkEvents', (t, s) => t.lpWSPEnumNetworkEvents(s, null, emptyNetworkEvents(), errno())],
    ['lpWSPEventSelect', (t, s) => t.lpWSPEventSelect(s, null, 0, errno())],
    [
      'lpWSPGetOverlappedResult',
      (t, s) => t.lpWSPGetOverlappedResult(s, null, out(0), false, out(0), errno()),
    ],
    ['lpWSPGetPeerName', (t, s) => t.lpWSPGetPeerName(s, out(null), out(16), errno())],
    ['lpWSPGetSockName', (t, s) => t.lpWSPGetSockName(s, out(null), out(16), errno())],
    [
      'lpWSPGetSockOpt',
      (t, s) =>
        t.lpWSPGetSockOpt(
          s,
          SOL_SOCKET,
          SO_PROTOCOL_INFOW,
          out<SockOptValue | null>(null),
          out(628),
          errno(),
        ),
    ],
    ['lpWSPGetQOSByName', (t, s) => t.lpWSPGetQOSByName(s, null, null, errno())],
    [
      'lpWSPIoctl',
      (t, s) => t.lpWSPIoctl(s, FIONREAD, null, 0, out<unknown>(0), 4, out(0), null, null, null, errno()),
    ],
    ['lpWSPJoinLeaf', (t, s) => t.lpWSPJoinLeaf(s, addr, 16, null, null, null, null, 0, errno())],
    ['lpWSPListen', (t, s) => t.lpWSPListen(s, 5, errno())],
    ['lpWSPRecv', (t, s) => t.lpWSPRecv(s, [wsabuf(8)], 1, out(0), out(0), null, null, null, errno())],
    ['lpWSPRecvDisconnect', (t, s) => t.lpWSPRecvDisconnect(s, wsabuf(8), errno())],
    [
      'lpWSPRecvFrom',
      (t, s) =>
        t.lpWSPRecvFrom(s, [wsabuf(8)], 1, out(0), out(0), out(null), out(16), null, null, null, errno()),
    ],
    ['lpWSPSend', (t, s) => t.lpWSPSend(s, [wsabuf(4)], 1, out(0), 0, null, null, null, errno())],
    ['lpWSPSendDisconnect', (t, s) => t.lpWSPSendDisconnect(s, null, errno())],
    [
      'lpWSPSendTo',
      (t, s) => t.lpWSPSendTo(s, [wsabuf(4)], 1, out(0), 0, addr, 16, null, null, null, errno()),
    ],
    [
      'lpWSPSetSockOpt',
      (t, s) => t.lpWSPSetSockOpt(s, SOL_SOCKET, SO_LINGER, { l_onoff: 1, l_linger: 0 }, 4, errno()),
    ],
    ['lpWSPShutdown', (t, s) => t.lpWSPShutdown(s, SD_SEND, errno())],
    ['lpWSPCloseSocket', (t, s) => t.lpWSPCloseSocket(s, errno())],
  ];

  it('covers every member that takes a socket', () => {
    const withSocket = WSPPROC_TABLE_MEMBERS.filter(
      (m) =>
        ![
          'lpWSPAddressToString',
          'lpWSPCancelBlockingCall',
          'lpWSPCleanup',
          'lpWSPSelect',
          'lpWSPSocket',
          'lpWSPStringToAddress',
        ].includes(m),
    );
    expect(cases.map(([name]) => name).sort()).toEqual([...withSocket].sort());
  });

  it.each(cases)('forwards %s with the lower provider’s handle', async (name, call) => {
    const { table, s, baseSocket, base, chainInfo } = await nonIfs();
    const before = base.calls.length;
    await call(table, s, chainInfo);
    const received = base.calls.slice(before);
    expect(received.map((c) => c.name)).toEqual([name]);
    expect(received[0].args[0]).toBe(baseSocket);
  });

  it.each([
    [
      'lpWSPSocket',
      (t: WSPPROC_TABLE, info: WSAPROTOCOL_INFOW) =>
        t.lpWSPSocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, info, 0, 0, out(0)),
      3,
    ],
    [
      'lpWSPAddressToString',
      (t: WSPPROC_TABLE, info: WSAPROTOCOL_INFOW) =>
        t.lpWSPAddressToString(sockaddrIn('1.2.3.4', 1), 16, info, out(''), out(64), out(0)),
      2,
    ],
    [
      'lpWSPStringToAddress',
      (t: WSPPROC_TABLE, info: WSAPROTOCOL_INFOW) =>
        t.lpWSPStringToAddress('1.2.3.4', AF_INET, info, out(null), out(16), out(0)),
      2,
    ],
  ] as const)(
    'forwards %s with the base provider’s own protocol info, never the chain',
    async (name, call, infoArg) => {
      const { table, base, chainInfo, baseInfo } = await nonIfs();
      const before = base.calls.length;
      call(table, chainInfo);
      const received = base.calls.slice(before);
      expect(received.map((c) => c.name)).toEqual([name]);
      expect((received[0].args[infoArg] as WSAPROTOCOL_INFOW).dwCatalogEntryId).toBe(
        baseInfo.dwCatalogEntryId,
      );
      expect(chainInfo.ProtocolChain.ChainLen).toBe(3);
    },
  );

  it('asks the lower provider for an overlapped socket, as the sample does', async () => {
    const { table, base, chainInfo } = await nonIfs();
    const before = base.calls.length;
    table.lpWSPSocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, chainInfo, 0, 0, out(0));
    expect(base.calls[before].args[5]).toBe(WSA_FLAG_OVERLAPPED);
  });

  it('forwards WSPCancelBlockingCall and WSPCleanup (which also releases the layer’s handles)', async () => {
    const { table, s, base } = await nonIfs();
    expect(table.lpWSPCancelBlockingCall(out(0))).toBe(0);
    expect(table.lpWSPCleanup(out(0))).toBe(0);
    expect(base.names().slice(-2)).toEqual(['lpWSPCancelBlockingCall', 'lpWSPCleanup']);
    const lpErrno = out(0);
    expect(table.lpWSPShutdown(s, SD_SEND, lpErrno)).toBe(-1);
    expect(lpErrno.value).toBe(WSAENOTSOCK);
    expect(table.lpWSPCleanup(lpErrno)).toBe(-1);
  });

  it('translates the sets of WSPSelect both ways', async () => {
    const { table, s, base, baseSocket } = await nonIfs();
    const readfds = { fd_array: [s] };
    const before = base.calls.length;
    expect(await table.lpWSPSelect(0, readfds, null, null, { tv_sec: 0, tv_usec: 0 }, out(0))).toBe(0);
    expect(base.calls[before].name).toBe('lpWSPSelect');
    expect(base.calls[before].args[1]).toEqual({ fd_array: [baseSocket] });
    expect(readfds).toEqual({ fd_array: [s] });
  });

  it('refuses a handle that is not its own with WSAENOTSOCK, without calling the base', async () => {
    const { table, base, app } = await nonIfs();
    const before = base.calls.length;
    for (const stranger of [app, 0x7ffffff0]) {
      const lpErrno = out(0);
      expect(table.lpWSPShutdown(stranger, SD_SEND, lpErrno)).toBe(-1);
      expect(lpErrno.value).toBe(WSAENOTSOCK);
      const set = { fd_array: [stranger] };
      expect(await table.lpWSPSelect(0, set, null, null, null, lpErrno)).toBe(-1);
    }
    expect(base.calls.length).toBe(before);
  });

  it('releases its handle when the lower socket is already gone (WSPCloseSocket says WSAENOTSOCK)', async () => {
    const { table, s, base } = await nonIfs();
    base.overrides.lpWSPCloseSocket = (_s, lpErrno) => {
      lpErrno.value = WSAENOTSOCK;
      return -1;
    };
    const lpErrno = out(0);
    // The lower result comes back as it is …
    expect(table.lpWSPCloseSocket(s, lpErrno)).toBe(-1);
    expect(lpErrno.value).toBe(WSAENOTSOCK);
    // … but the layer's handle is gone: nothing more reaches the base for it.
    const before = base.calls.length;
    expect(table.lpWSPShutdown(s, SD_SEND, lpErrno)).toBe(-1);
    expect(lpErrno.value).toBe(WSAENOTSOCK);
    expect(table.lpWSPCloseSocket(s, lpErrno)).toBe(-1);
    expect(lpErrno.value).toBe(WSAENOTSOCK);
    expect(base.calls.length).toBe(before);
  });

  it('keeps its handle when the lower WSPCloseSocket fails otherwise, so the close can be retried', async () => {
    const { table, s, base } = await nonIfs();
    base.overrides.lpWSPCloseSocket = (_s, lpErrno) => {
      lpErrno.value = WSAEINPROGRESS;
      return -1;
    };
    const lpErrno = out(0);
    expect(table.lpWSPCloseSocket(s, lpErrno)).toBe(-1);
    expect(lpErrno.value).toBe(WSAEINPROGRESS);
    delete base.overrides.lpWSPCloseSocket;
    expect(table.lpWSPCloseSocket(s, lpErrno)).toBe(0);
  });

  it('gives an accepted socket a handle of its own, and reports the chain in SO_PROTOCOL_INFOW', async () => {
    const { table, s, base, chainInfo } = await nonIfs();
    base.overrides.lpWSPAccept = async (_s, _a, _l, _c, _d, lpErrno) => {
      const h =
        base.upcalls?.lpWPUCreateSocketHandle(base.startups[0].info.dwCatalogEntryId, {}, lpErrno) ??
        INVALID_SOCKET;
      base.sockets.set(h, { context: {} });
      return h;
    };
    const accepted = await table.lpWSPAccept(s, null, null, null, 0, out(0));
    expect(accepted).not.toBe(INVALID_SOCKET);
    expect(base.sockets.has(accepted)).toBe(false);
    const info = out<SockOptValue | null>(null);
    expect(table.lpWSPGetSockOpt(accepted, SOL_SOCKET, SO_PROTOCOL_INFOW, info, out(628), out(0))).toBe(0);
    expect((info.value as WSAPROTOCOL_INFOW).dwCatalogEntryId).toBe(chainInfo.dwCatalogEntryId);
  });
});

describe('the IFS pass-through', () => {
  it('forwards the calls it does not override straight to the lower provider’s own functions', async () => {
    const { seen, ws2, app, base } = await stack('ifs', true);
    expect(app).toSucceed(ws2);
    const ifsTable = (seen.top as LayerContext).route.lower;
    const baseTable = (seen.middle as LayerContext).route.lower;
    const untouched = WSPPROC_TABLE_MEMBERS.filter((m) => ifsTable[m] === baseTable[m]);
    expect(WSPPROC_TABLE_MEMBERS.filter((m) => !untouched.includes(m))).toEqual([
      'lpWSPAccept',
      'lpWSPAddressToString',
      'lpWSPCleanup',
      'lpWSPDuplicateSocket',
      'lpWSPGetSockOpt',
      'lpWSPJoinLeaf',
      'lpWSPSocket',
      'lpWSPStringToAddress',
    ]);
    // And its sockets are the base's own handles.
    expect((seen.top as LayerContext).lower(app)?.socket).toBe([...base.sockets.keys()][0]);
  });

  it('cannot sit on a non-IFS provider: socket() fails with WSAEINVAL from WPUModifyIFSHandle', async () => {
    const { ws2, base } = await stack('ifs', false);
    // The last error belongs to the async flow that made the call, so call it here.
    expect(await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)).toFailWith(ws2, WSAEINVAL);
    // The lower sockets it could not claim were closed again.
    expect(base.names().filter((n) => n === 'lpWSPSocket' || n === 'lpWSPCloseSocket')).toEqual([
      'lpWSPSocket',
      'lpWSPCloseSocket',
      'lpWSPSocket',
      'lpWSPCloseSocket',
    ]);
    expect(base.sockets.size).toBe(0);
  });
});
