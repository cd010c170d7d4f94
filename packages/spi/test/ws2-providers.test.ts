import { resolve } from 'node:path';
import {
  AF_INET,
  emptyWsaData,
  INVALID_SOCKET,
  IPPROTO_TCP,
  MAKEWORD,
  out,
  providerHost,
  SOCK_STREAM,
  SOCKET_ERROR,
  WSAEINVALIDPROCTABLE,
  WSAEPROVIDERFAILEDINIT,
  WSASYSCALLFAILURE,
  Ws2,
  wsabuf,
} from '@ws2spi/spi';
import { container } from 'tsyringe';
import * as moduleProvider from './fixtures/providers/module-provider';
import { entry, fixedCatalog, protocolInfo } from './support/protocol-info';
import { scriptedProvider } from './support/scripted-provider';
import { ws2With } from './support/ws2-process';

const GUID_A = 'aaaaaaaa-0000-0000-0000-00000000000a';
const infoA1 = protocolInfo({ dwCatalogEntryId: 1001, ProviderId: GUID_A });
const infoA2 = protocolInfo({ dwCatalogEntryId: 1002, ProviderId: GUID_A, iProtocol: 200 });

describe('provider lifetime: lazy, once per ProviderId, cleaned up once', () => {
  it('calls WSPStartup on first use only, once for all entries of a ProviderId, and WSPCleanup once at the last WSACleanup', async () => {
    const p = scriptedProvider();
    const ws2 = ws2With([entry('p:a', infoA1), entry('p:a', infoA2)], { 'p:a': p });
    ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData());
    expect(p.startups).toHaveLength(0);
    await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    await ws2.socket(AF_INET, SOCK_STREAM, 200);
    await Promise.all([ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), ws2.socket(AF_INET, SOCK_STREAM, 200)]);
    expect(p.startups).toHaveLength(1);
    expect(p.startups[0].version).toBe(MAKEWORD(2, 2));
    expect(p.startups[0].info.dwCatalogEntryId).toBe(1001);
    ws2.WSACleanup();
    expect(p.cleanups).toBe(0);
    ws2.WSACleanup();
    expect(p.cleanups).toBe(1);
    // A new startup epoch starts the provider afresh.
    ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData());
    await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    expect(p.startups).toHaveLength(2);
    ws2.WSACleanup();
    expect(p.cleanups).toBe(2);
  });

  it('loads a provider module by file path with %VAR% expansion', async () => {
    const child = container.createChildContainer();
    const ws2 = new Ws2({
      catalog: fixedCatalog([entry('%FIXTURES%/module-provider.ts', infoA1)]),
      container: child,
      env: { FIXTURES: resolve(__dirname, 'fixtures/providers') },
    });
    ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData());
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    expect(s).not.toBe(INVALID_SOCKET);
    expect(moduleProvider.instance.startups).toHaveLength(1);
    expect(moduleProvider.instance.sockets.has(s)).toBe(true);
    ws2.WSACleanup();
  });
});

describe('load and startup failures are WSAEPROVIDERFAILEDINIT / WSAEINVALIDPROCTABLE', () => {
  async function socketError(path: string, startup?: ReturnType<typeof scriptedProvider>['WSPStartup']) {
    const ws2 = ws2With([entry(path, infoA1)], startup ? { [path]: { WSPStartup: startup } } : {});
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    return { s, error: ws2.WSAGetLastError(), ws2 };
  }

  it('a module that cannot be found', async () => {
    const r = await socketError('./no/such/provider-module.js');
    expect([r.s, r.error]).toEqual([INVALID_SOCKET, WSAEPROVIDERFAILEDINIT]);
    expect(r.ws2.providerFailures[0].reason).toMatch(/could not be loaded/);
  });
  it('a module without WSPStartup', async () => {
    const r = await socketError(resolve(__dirname, 'fixtures/providers/no-startup.ts'));
    expect(r.error).toBe(WSAEPROVIDERFAILEDINIT);
    expect(r.ws2.providerFailures[0].reason).toMatch(/does not export a WSPStartup/);
  });
  it('a WSPStartup that throws', async () => {
    const r = await socketError('p:throws', () => {
      throw new Error('boom');
    });
    expect(r.error).toBe(WSAEPROVIDERFAILEDINIT);
  });
  it('a WSPStartup that returns an error', async () => {
    expect((await socketError('p:err', () => 10091)).error).toBe(WSAEPROVIDERFAILEDINIT);
  });
  it('an incomplete WSPPROC_TABLE', async () => {
    let cleaned = false;
    const r = await socketError('p:partial', (_v, data, _i, _u, table) => {
      data.wVersion = MAKEWORD(2, 2);
      table.lpWSPCleanup = () => {
        cleaned = true;
        return 0;
      };
      return 0;
    });
    expect(r.error).toBe(WSAEINVALIDPROCTABLE);
    expect(cleaned).toBe(true);
    expect(r.ws2.providerFailures[0].reason).toMatch(/missing lpWSPAccept, lpWSPAddressToString/);
  });
});

describe('provider failures are contained', () => {
  function setup() {
    const p = scriptedProvider();
    const ws2 = ws2With([entry('p:a', infoA1)], { 'p:a': p });
    return { p, ws2 };
  }

  it('a provider that throws fails the call with WSASYSCALLFAILURE, is recorded, and the socket stays usable', async () => {
    const { p, ws2 } = setup();
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    p.overrides.lpWSPRecv = async () => {
      throw new Error('provider bug');
    };
    const buf = new Uint8Array(4);
    expect(await ws2.recv(s, buf, 4, 0)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSASYSCALLFAILURE);
    expect(ws2.providerFailures.at(-1)).toMatchObject({ call: 'lpWSPRecv', providerId: GUID_A });
    p.overrides.lpWSPShutdown = () => {
      throw new TypeError('sync bug');
    };
    expect(ws2.shutdown(s, 1)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSASYSCALLFAILURE);
    delete p.overrides.lpWSPShutdown;
    expect(ws2.shutdown(s, 1)).toBe(0);
  });

  it('a failure without an error code becomes WSASYSCALLFAILURE (but WSARecvDisconnect keeps ws2_32 behaviour)', async () => {
    const { p, ws2 } = setup();
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    p.overrides.lpWSPSendDisconnect = () => SOCKET_ERROR;
    expect(ws2.WSASendDisconnect(s, null)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSASYSCALLFAILURE);
    p.overrides.lpWSPRecvDisconnect = () => SOCKET_ERROR;
    ws2.WSASetLastError(1234);
    expect(ws2.WSARecvDisconnect(s, null)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(0);
  });

  it('a result that is not a number is a contract break', async () => {
    const { p, ws2 } = setup();
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    p.overrides.lpWSPShutdown = (() => 'yes') as never;
    expect(ws2.shutdown(s, 1)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSASYSCALLFAILURE);
    expect(ws2.providerFailures.at(-1)?.reason).toMatch(/instead of a number/);
  });

  it('a WSPSocket that returns a handle it never claimed is a contract break', async () => {
    const { p, ws2 } = setup();
    p.overrides.lpWSPSocket = () => 77;
    expect(await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)).toBe(INVALID_SOCKET);
    expect(ws2.WSAGetLastError()).toBe(WSASYSCALLFAILURE);
  });

  it('routes WSASendDisconnect/WSARecvDisconnect to WSPSendDisconnect/WSPRecvDisconnect, never to WSPShutdown', async () => {
    const { p, ws2 } = setup();
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    const data = wsabuf(new Uint8Array([1, 2, 3]));
    expect(ws2.WSASendDisconnect(s, data)).toBe(0);
    expect(ws2.WSARecvDisconnect(s, wsabuf(8))).toBe(0);
    expect(p.names()).toEqual(['lpWSPSocket', 'lpWSPSendDisconnect', 'lpWSPRecvDisconnect']);
    // The WSABUF is captured (read once, as AFD captures it), over the caller's own bytes.
    expect(p.calls[1].args[1]).toEqual(data);
    expect((p.calls[1].args[1] as typeof data).buf).toBe(data.buf);
  });

  it('getsockopt passes its out-cells through unchanged', async () => {
    const { p, ws2 } = setup();
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    const val = out<unknown>(null);
    p.overrides.lpWSPGetSockOpt = (_s, _l, _n, optval) => {
      optval!.value = 5;
      return 0;
    };
    expect(ws2.getsockopt(s, 0xffff, 0x1008, val as never, out(4))).toBe(0);
    expect(val.value).toBe(5);
  });
});

describe('preloading a chain for its layers', () => {
  it('follows pre-Vista chains through chain entries, so a layer three deep can load the one below it synchronously', async () => {
    const top = scriptedProvider();
    const modulePath = resolve(__dirname, 'fixtures/providers/module-provider.ts');
    const layered = (id: number, guid: string) =>
      protocolInfo({
        dwCatalogEntryId: id,
        ProviderId: guid,
        ProtocolChain: { ChainLen: 0, ChainEntries: [] },
      });
    const chain = (id: number, guid: string, entries: number[]) =>
      protocolInfo({
        dwCatalogEntryId: id,
        ProviderId: guid,
        ProtocolChain: { ChainLen: entries.length, ChainEntries: entries },
      });
    const ws2 = ws2With(
      [
        // Top first: A over [B over [C over base]], chains naming the next layer's chain entry.
        entry('p:a', chain(1007, 'aaaaaaaa-0000-0000-0000-000000000007', [1006, 1005, 1001])),
        entry('p:a', layered(1006, 'aaaaaaaa-0000-0000-0000-000000000006')),
        entry('p:b', chain(1005, 'bbbbbbbb-0000-0000-0000-000000000005', [1004, 1003, 1001])),
        entry('p:b', layered(1004, 'bbbbbbbb-0000-0000-0000-000000000004')),
        entry(modulePath, chain(1003, 'cccccccc-0000-0000-0000-000000000003', [1002, 1001])),
        entry(modulePath, layered(1002, 'cccccccc-0000-0000-0000-000000000002')),
        entry('p:base', protocolInfo({ dwCatalogEntryId: 1001 })),
      ],
      { 'p:a': top, 'p:b': scriptedProvider(), 'p:base': scriptedProvider() },
    );
    expect(await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)).not.toBe(INVALID_SOCKET);
    expect(top.startups[0].info.dwCatalogEntryId).toBe(1007);
    // C is named only by B's chain entry: reachable only by following chains through chain entries.
    expect(providerHost(top.upcalls!)?.loadProvider(modulePath)).toBe(moduleProvider.WSPStartup);
  });
});
