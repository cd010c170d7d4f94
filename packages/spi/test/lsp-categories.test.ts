/**
 * LSP categories (`WSCSetProviderInfo(ProviderInfoLspCategories)`) against an application's
 * permitted categories (`WSCSetApplicationCategory`): which layers a process loads, decided at
 * `WSAStartup` by the rules of "Categorizing layered service providers and apps" — a layer that
 * is not permitted is skipped, with every chain through it.
 */
import { afterEach, beforeAll, describe, it } from '@jest/globals';
import {
  AF_INET,
  Catalog,
  createTracerLayer,
  emptyWsaData,
  filterSnapshotForApplication,
  isLspPermitted,
  LSP_CRYPTO_COMPRESS,
  LSP_FIREWALL,
  LSP_INSPECTOR,
  LSP_SYSTEM,
  MAKEWORD,
  out,
  SOCK_STREAM,
  TraceLog,
  type WSAPROTOCOL_INFOW,
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

describe('isLspPermitted (the documented rules)', () => {
  // The example of "Determining Which LSPs Get Loaded".
  const LSP1 = LSP_SYSTEM;
  const LSP2 = 0;
  const LSP3 = LSP_FIREWALL;
  const LSP4 = LSP_SYSTEM | LSP_FIREWALL | LSP_CRYPTO_COMPRESS | LSP_INSPECTOR;
  const FOO = LSP_SYSTEM | LSP_FIREWALL | LSP_CRYPTO_COMPRESS;
  const BAR = LSP_FIREWALL | LSP_CRYPTO_COMPRESS;

  it('Foo.exe (SYSTEM | FIREWALL | CRYPTO_COMPRESS) loads only LSP1', () => {
    expect([LSP1, LSP2, LSP3, LSP4].map((lsp) => isLspPermitted(lsp, FOO))).toEqual([
      true,
      false,
      false,
      false,
    ]);
  });

  it('Bar.exe (FIREWALL | CRYPTO_COMPRESS) loads only LSP3', () => {
    expect([LSP1, LSP2, LSP3, LSP4].map((lsp) => isLspPermitted(lsp, BAR))).toEqual([
      false,
      false,
      true,
      false,
    ]);
  });

  it('an application permitting nothing loads no LSP', () => {
    expect([LSP1, LSP2, LSP3, LSP4].map((lsp) => isLspPermitted(lsp, 0))).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

let proc: LayeredProcess | undefined;
let network: SimNetwork | undefined;
afterEach(async () => {
  await proc?.teardown();
  proc = undefined;
  network?.close();
  network = undefined;
});

const APP = 'C:\\Program Files\\App\\app.exe';

/** Firewall layer F over inspector layer I over the in-memory provider; the app's categories are set first. */
async function firewallOverInspector(options: { apps?: [string, string, number][]; extra?: string } = {}) {
  const net = new SimNetwork({ timing: 'virtual' });
  network = net;
  net.addHost('host', { ipv4: ['10.0.0.1'] });
  const log = new TraceLog();
  const catalog = new Catalog();
  for (const [path, extra, permitted] of options.apps ?? []) {
    expect(
      catalog.WSCSetApplicationCategory(path, path.length, extra, extra.length, permitted, null, out(0)),
    ).toBe(0);
  }
  proc = await createLayeredProcess({
    catalog,
    bases: (c, container) =>
      installInMemoryProvider(c, container, {
        network: net,
        host: 'host',
        families: [4],
        flavours: ['stream'],
      }),
    layers: [
      { name: 'F', provider: createTracerLayer({ name: 'F', log }), categories: LSP_FIREWALL },
      { name: 'I', provider: createTracerLayer({ name: 'I', log }), categories: LSP_INSPECTOR },
    ],
    applicationPath: APP,
    applicationExtra: options.extra,
  });
  return { log, ws2: proc.ws2 };
}

/** Opens and closes one stream socket; returns which layers saw the socket being made. */
async function layersUsed(ws2: LayeredProcess['ws2'], log: TraceLog): Promise<string[]> {
  const s = await ws2.socket(AF_INET, SOCK_STREAM, IN_MEMORY_DEFAULT_PROTOCOL);
  expect(s).toSucceed(ws2);
  expect(ws2.closesocket(s)).toBe(0);
  return log.records.filter((r) => r.call === 'WSPSocket').map((r) => r.layer);
}

function visibleChains(ws2: LayeredProcess['ws2']): string[] {
  const infos: WSAPROTOCOL_INFOW[] = [];
  const length = out(0);
  ws2.WSAEnumProtocolsW(null, null, length);
  ws2.WSAEnumProtocolsW(null, infos, length);
  return infos.map((info) => info.szProtocol);
}

describe('a process loads only the layers its application permits', () => {
  it('an application that is not categorised loads every layer', async () => {
    const { log, ws2 } = await firewallOverInspector();
    expect(await layersUsed(ws2, log)).toEqual(['F', 'I']);
  });

  it('an application permitting only LSP_INSPECTOR skips the firewall layer and every chain through it', async () => {
    const { log, ws2 } = await firewallOverInspector({ apps: [[APP, '', LSP_INSPECTOR]] });
    expect(await layersUsed(ws2, log)).toEqual(['I']);
    expect(visibleChains(ws2)).toEqual(['I over [In-memory stream [IPv4]]', 'In-memory stream [IPv4]']);
    // The catalog itself is unchanged: the filter is the process's view.
    expect(proc?.catalog.entries().filter((e) => e.info.szProtocol.startsWith('F')).length).toBe(2);
  });

  it('an application permitting nothing loads no layer: its sockets go to the base provider', async () => {
    const { log, ws2 } = await firewallOverInspector({ apps: [[APP, '', 0]] });
    expect(await layersUsed(ws2, log)).toEqual([]);
    expect(visibleChains(ws2)).toEqual(['In-memory stream [IPv4]']);
  });

  it('an application permitting FIREWALL | INSPECTOR loads both', async () => {
    const { log, ws2 } = await firewallOverInspector({ apps: [[APP, '', LSP_FIREWALL | LSP_INSPECTOR]] });
    expect(await layersUsed(ws2, log)).toEqual(['F', 'I']);
  });

  it('an entry for the command line (Extra) wins over the entry for the path alone', async () => {
    const { log, ws2 } = await firewallOverInspector({
      apps: [
        [APP, '', LSP_FIREWALL | LSP_INSPECTOR],
        [APP, '-k netsvcs', LSP_INSPECTOR],
      ],
      extra: '-k netsvcs',
    });
    expect(await layersUsed(ws2, log)).toEqual(['I']);
  });

  it('another command line of the same executable falls back to the entry for the path alone', async () => {
    const { log, ws2 } = await firewallOverInspector({
      apps: [
        [APP, '', LSP_FIREWALL | LSP_INSPECTOR],
        [APP, '-k netsvcs', LSP_INSPECTOR],
      ],
      extra: '-k other',
    });
    expect(await layersUsed(ws2, log)).toEqual(['F', 'I']);
  });

  it('an executable categorised only for another command line is not categorised', async () => {
    const { log, ws2 } = await firewallOverInspector({ apps: [[APP, '-k netsvcs', 0]], extra: '-k other' });
    expect(await layersUsed(ws2, log)).toEqual(['F', 'I']);
  });

  it('is decided at WSAStartup: categorising the application later changes nothing until the next first WSAStartup', async () => {
    const { log, ws2 } = await firewallOverInspector();
    const catalog = proc?.catalog as Catalog;
    expect(catalog.WSCSetApplicationCategory(APP, APP.length, null, 0, LSP_INSPECTOR, null, out(0))).toBe(0);
    expect(await layersUsed(ws2, log)).toEqual(['F', 'I']);
    expect(ws2.WSACleanup()).toBe(0);
    expect(ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData())).toBe(0);
    log.clear();
    expect(await layersUsed(ws2, log)).toEqual(['I']);
  });
});

describe('filterSnapshotForApplication', () => {
  it('returns the snapshot itself for an application that is not categorised', () => {
    const snapshot = {
      serial: 3,
      entries: [],
      appCategories: [{ path: 'x.exe', extra: '', permittedLspCategories: 0 }],
    };
    expect(filterSnapshotForApplication(snapshot, { path: 'y.exe' })).toBe(snapshot);
  });
});
