/**
 * Installing and removing layered service providers in the catalog: `WSCInstallProviderAndChains`
 * (entries, placement, IDs, every error), the pre-Vista `WSCInstallProvider` + `WSCWriteProviderOrder`
 * path, removal by GUID that leaves no orphan (install → enumerate → remove leaves the catalog
 * exactly as it was), and orphan / broken-chain detection.
 */
import { describe, expect, it } from '@jest/globals';
import { installTcpProviders, MSAFD_TCPIP_PROVIDER_ID } from '@ws2spi/providers-tcp';
import {
  AF_INET,
  Catalog,
  IPPROTO_TCP,
  IPPROTO_UDP,
  installLayeredProviderPreVista,
  installProviderAndChains,
  MAX_PROTOCOL_CHAIN,
  out,
  PFL_HIDDEN,
  PFL_MATCHES_PROTOCOL_ZERO,
  removeLayeredProvider,
  removeLayeredProviderChecked,
  SOCK_DGRAM,
  SOCK_STREAM,
  SOCKET_ERROR,
  verifyCatalogChains,
  WSAEFAULT,
  WSAEINVAL,
  WSANO_RECOVERY,
  type WSAPROTOCOL_INFOW,
  WSCInstallProviderAndChains,
  XP1_IFS_HANDLES,
} from '@ws2spi/spi';

const LSP_A = 'aaaaaaaa-0000-4000-8000-000000000001';
const LSP_B = 'bbbbbbbb-0000-4000-8000-000000000002';
const LSP_C = 'cccccccc-0000-4000-8000-000000000003';

/** A catalog with the four MSAFD Tcpip entries: 1001 TCP/IP, 1002 UDP/IP, 1003 TCP/IPv6, 1004 UDP/IPv6. */
function tcpCatalog(): Catalog {
  const catalog = new Catalog();
  installTcpProviders(catalog);
  return catalog;
}

function enumerate(catalog: Catalog): WSAPROTOCOL_INFOW[] {
  const buffer: WSAPROTOCOL_INFOW[] = [];
  const length = out(0);
  catalog.WSCEnumProtocols(null, null, length, out(0));
  const n = catalog.WSCEnumProtocols(null, buffer, length, out(0));
  expect(n).toBe(buffer.length);
  return buffer;
}

function chainOf(info: WSAPROTOCOL_INFOW): number[] {
  return info.ProtocolChain.ChainEntries.slice(0, info.ProtocolChain.ChainLen);
}

/** `[id, name, chain]` per entry, in catalog order. */
function layout(catalog: Catalog): [number, string, number[]][] {
  return catalog.entries().map(({ info }) => [info.dwCatalogEntryId, info.szProtocol, chainOf(info)]);
}

const tcp4 = { iAddressFamily: AF_INET, iSocketType: SOCK_STREAM, iProtocol: IPPROTO_TCP };
const udp4 = { iAddressFamily: AF_INET, iSocketType: SOCK_DGRAM, iProtocol: IPPROTO_UDP };

function install(
  catalog: Catalog,
  guid: string,
  name: string,
  protocols: (typeof tcp4)[] | null = null,
  ifs = false,
) {
  const outcome = installProviderAndChains(catalog, {
    providerId: guid,
    path: `lsp:${name}`,
    lspName: name,
    serviceFlags: ifs ? XP1_IFS_HANDLES : 0,
    protocols,
  });
  if (!outcome.ok) throw new Error(`install ${name}: ${outcome.reason}`);
  return outcome.installed;
}

describe('WSCInstallProviderAndChains', () => {
  it('installs a hidden layered entry and one chain per unique base protocol, chains first in the catalog', () => {
    const catalog = tcpCatalog();
    const bases = catalog.entries();
    const serial = catalog.serial;
    const dummyId = out(0);
    const lpErrno = out(0);
    const rc = WSCInstallProviderAndChains(catalog, LSP_A, 'lsp:A', 'Test LSP', 0, null, 0, dummyId, lpErrno);
    expect(rc).toBe(0);
    expect(dummyId.value).toBe(1005);
    expect(catalog.serial).toBe(serial + 1);
    expect(layout(catalog)).toEqual([
      [1006, 'Test LSP over [MSAFD Tcpip [TCP/IP]]', [1005, 1001]],
      [1007, 'Test LSP over [MSAFD Tcpip [UDP/IP]]', [1005, 1002]],
      [1008, 'Test LSP over [MSAFD Tcpip [TCP/IPv6]]', [1005, 1003]],
      [1009, 'Test LSP over [MSAFD Tcpip [UDP/IPv6]]', [1005, 1004]],
      [1001, 'MSAFD Tcpip [TCP/IP]', [1001]],
      [1002, 'MSAFD Tcpip [UDP/IP]', [1002]],
      [1003, 'MSAFD Tcpip [TCP/IPv6]', [1003]],
      [1004, 'MSAFD Tcpip [UDP/IPv6]', [1004]],
      [1005, 'Test LSP', []],
    ]);
    const entries = catalog.entries();
    const tcpBase = bases[0].info;
    // The layered entry: the first target, hidden, no type/protocol, never matching protocol 0.
    expect(entries[8]).toEqual({
      path: 'lsp:A',
      lspCategories: 0,
      info: {
        ...tcpBase,
        ProviderId: LSP_A,
        dwCatalogEntryId: 1005,
        dwServiceFlags1: tcpBase.dwServiceFlags1 & ~XP1_IFS_HANDLES,
        dwProviderFlags: (tcpBase.dwProviderFlags | PFL_HIDDEN) & ~PFL_MATCHES_PROTOCOL_ZERO,
        iSocketType: 0,
        iProtocol: 0,
        ProtocolChain: { ChainLen: 0, ChainEntries: [] },
        szProtocol: 'Test LSP',
      },
    });
    // A chain entry: the target with the layer on top, IFS cleared (non-IFS LSP), its own GUID.
    expect(entries[0]).toEqual({
      path: 'lsp:A',
      lspCategories: 0,
      info: {
        ...tcpBase,
        ProviderId: entries[0].info.ProviderId,
        dwCatalogEntryId: 1006,
        dwServiceFlags1: tcpBase.dwServiceFlags1 & ~XP1_IFS_HANDLES,
        ProtocolChain: { ChainLen: 2, ChainEntries: [1005, 1001] },
        szProtocol: 'Test LSP over [MSAFD Tcpip [TCP/IP]]',
      },
    });
    const guids = entries.slice(0, 4).map((e) => e.info.ProviderId);
    expect(new Set([...guids, LSP_A, MSAFD_TCPIP_PROVIDER_ID]).size).toBe(6);
  });

  it('keeps XP1_IFS_HANDLES on the entries of an IFS LSP', () => {
    const catalog = tcpCatalog();
    install(catalog, LSP_A, 'IFS LSP', [tcp4], true);
    const [chain] = catalog.entries();
    expect(chain.info.dwServiceFlags1 & XP1_IFS_HANDLES).toBe(XP1_IFS_HANDLES);
    const dummy = catalog.entries().find((e) => e.info.ProviderId === LSP_A);
    expect((dummy?.info.dwServiceFlags1 ?? 0) & XP1_IFS_HANDLES).toBe(XP1_IFS_HANDLES);
  });

  it('with a list, layers over the top-most entry of each triple — an existing chain — once per triple', () => {
    const catalog = tcpCatalog();
    install(catalog, LSP_A, 'A');
    const lpErrno = out(0);
    const rc = WSCInstallProviderAndChains(
      catalog,
      LSP_B,
      'lsp:B',
      'B',
      0,
      [tcp4, udp4, tcp4],
      3,
      null,
      lpErrno,
    );
    expect(rc).toBe(0);
    expect(layout(catalog).slice(0, 4)).toEqual([
      [1011, 'B over [A over [MSAFD Tcpip [TCP/IP]]]', [1010, 1005, 1001]],
      [1012, 'B over [A over [MSAFD Tcpip [UDP/IP]]]', [1010, 1005, 1002]],
      [1006, 'A over [MSAFD Tcpip [TCP/IP]]', [1005, 1001]],
      [1007, 'A over [MSAFD Tcpip [UDP/IP]]', [1005, 1002]],
    ]);
  });

  it('with a NULL list, layers over the first base entry of each triple only', () => {
    const catalog = tcpCatalog();
    // A second provider offering TCP/IP again: unreachable behind MSAFD, so not layered.
    const [tcpInfo] = enumerate(catalog);
    expect(
      catalog.WSCInstallProvider('dddddddd-0000-4000-8000-000000000004', 'other', [tcpInfo], 1, out(0)),
    ).toBe(0);
    const installed = install(catalog, LSP_A, 'A');
    expect(installed.chainEntryIds).toHaveLength(4);
    const bottoms = catalog
      .entries()
      .filter((e) => installed.chainEntryIds.includes(e.info.dwCatalogEntryId))
      .map((e) => chainOf(e.info)[1]);
    expect(bottoms).toEqual([1001, 1002, 1003, 1004]);
  });

  it('builds chains up to MAX_PROTOCOL_CHAIN (7) entries; one more layer is WSANO_RECOVERY', () => {
    const catalog = tcpCatalog();
    for (let i = 1; i <= MAX_PROTOCOL_CHAIN - 1; i++) {
      install(catalog, `00000000-0000-4000-8000-00000000000${i}`, `L${i}`, [tcp4]);
    }
    const [top] = catalog.entries();
    expect(top.info.ProtocolChain.ChainLen).toBe(MAX_PROTOCOL_CHAIN);
    expect(top.info.szProtocol).toBe(
      'L6 over [L5 over [L4 over [L3 over [L2 over [L1 over [MSAFD Tcpip [TCP/IP]]]]]]]',
    );
    const before = catalog.entries();
    const lpErrno = out(0);
    expect(WSCInstallProviderAndChains(catalog, LSP_A, 'lsp:L7', 'L7', 0, [tcp4], 1, null, lpErrno)).toBe(
      SOCKET_ERROR,
    );
    expect(lpErrno.value).toBe(WSANO_RECOVERY);
    expect(catalog.entries()).toEqual(before);
  });

  describe('refuses, writing nothing', () => {
    const longName = 'x'.repeat(256);
    type Override = Partial<{
      guid: string | null;
      path: string | null;
      name: string | null;
      flags: number;
      list: unknown[] | null;
      n: number;
    }>;
    const table: [string, Override, number][] = [
      ['a NULL lpProviderId', { guid: null }, WSAEINVAL],
      ['a malformed lpProviderId', { guid: 'not-a-guid' }, WSAEINVAL],
      ['a NULL path', { path: null }, WSAEINVAL],
      ['an empty path', { path: '' }, WSAEINVAL],
      ['a NULL LSP name', { name: null }, WSAEINVAL],
      ['an LSP name longer than WSAPROTOCOL_LEN', { name: longName }, WSAEINVAL],
      ['service flags other than XP1_IFS_HANDLES', { flags: 0x1 }, WSAEINVAL],
      ['a list with dwNumberOfEntries 0', { list: [tcp4], n: 0 }, WSAEINVAL],
      ['dwNumberOfEntries beyond the list', { list: [tcp4], n: 2 }, WSAEFAULT],
      ['a missing list element', { list: [null], n: 1 }, WSAEFAULT],
      ['a triple that is not three ints', { list: [{ ...tcp4, iProtocol: 'tcp' }], n: 1 }, WSAEINVAL],
      ['an installed GUID', { guid: MSAFD_TCPIP_PROVIDER_ID }, WSAEINVAL],
      ['a triple no entry offers', { list: [{ ...tcp4, iProtocol: 99 }], n: 1 }, WSAEINVAL],
    ];
    it.each(table)('%s', (_title, over, code) => {
      const catalog = tcpCatalog();
      const before = { entries: catalog.entries(), serial: catalog.serial };
      const lpErrno = out(0);
      const dummy = out(-1);
      const rc = WSCInstallProviderAndChains(
        catalog,
        'guid' in over ? (over.guid as string | null) : LSP_A,
        'path' in over ? (over.path as string | null) : 'lsp:A',
        'name' in over ? (over.name as string | null) : 'A',
        over.flags ?? 0,
        ('list' in over ? over.list : null) as WSAPROTOCOL_INFOW[] | null,
        over.n ?? 0,
        dummy,
        lpErrno,
      );
      expect({ rc, code: lpErrno.value, dummy: dummy.value }).toEqual({ rc: SOCKET_ERROR, code, dummy: -1 });
      expect({ entries: catalog.entries(), serial: catalog.serial }).toEqual(before);
    });

    it('an LSP name already installed', () => {
      const catalog = tcpCatalog();
      install(catalog, LSP_A, 'Same name');
      const lpErrno = out(0);
      expect(
        WSCInstallProviderAndChains(catalog, LSP_B, 'lsp:B', 'Same name', 0, null, 0, null, lpErrno),
      ).toBe(SOCKET_ERROR);
      expect(lpErrno.value).toBe(WSAEINVAL);
    });

    it('a NULL list over a catalog without base providers (WSANO_RECOVERY)', () => {
      const lpErrno = out(0);
      expect(WSCInstallProviderAndChains(new Catalog(), LSP_A, 'lsp:A', 'A', 0, null, 0, null, lpErrno)).toBe(
        SOCKET_ERROR,
      );
      expect(lpErrno.value).toBe(WSANO_RECOVERY);
    });
  });
});

describe('installing the pre-Vista way (WSCInstallProvider + WSCWriteProviderOrder)', () => {
  it('puts the lower chain entry, not the lower LSP, in ChainEntries[1], and moves the chains first', () => {
    const catalog = tcpCatalog();
    const a = installLayeredProviderPreVista(catalog, {
      providerId: LSP_A,
      path: 'lsp:A',
      lspName: 'A',
      targetIds: [1001, 1002],
    });
    expect(a.ok).toBe(true);
    const b = installLayeredProviderPreVista(catalog, {
      providerId: LSP_B,
      path: 'lsp:B',
      lspName: 'B',
      targetIds: [1006],
    });
    expect(b.ok).toBe(true);
    expect(layout(catalog)).toEqual([
      [1009, 'B over [A over [MSAFD Tcpip [TCP/IP]]]', [1008, 1006, 1001]],
      [1006, 'A over [MSAFD Tcpip [TCP/IP]]', [1005, 1001]],
      [1007, 'A over [MSAFD Tcpip [UDP/IP]]', [1005, 1002]],
      [1001, 'MSAFD Tcpip [TCP/IP]', [1001]],
      [1002, 'MSAFD Tcpip [UDP/IP]', [1002]],
      [1003, 'MSAFD Tcpip [TCP/IPv6]', [1003]],
      [1004, 'MSAFD Tcpip [UDP/IPv6]', [1004]],
      [1005, 'A', []],
      [1008, 'B', []],
    ]);
    expect(verifyCatalogChains(catalog.entries()).broken).toEqual([]);
  });

  it('refuses an unknown target and leaves nothing behind', () => {
    const catalog = tcpCatalog();
    const before = catalog.entries();
    const outcome = installLayeredProviderPreVista(catalog, {
      providerId: LSP_A,
      path: 'lsp:A',
      lspName: 'A',
      targetIds: [4242],
    });
    expect(outcome).toMatchObject({ ok: false, code: WSAEINVAL });
    expect(catalog.entries()).toEqual(before);
  });
});

describe('removing an LSP by GUID', () => {
  type Installer = (catalog: Catalog, guid: string, name: string) => void;
  const vista: Installer = (catalog, guid, name) => void install(catalog, guid, name, [tcp4, udp4]);
  const preVista: Installer = (catalog, guid, name) => {
    const targets = [tcp4, udp4].map(
      (t) =>
        catalog
          .entries()
          .find(
            ({ info }) =>
              info.ProtocolChain.ChainLen > 0 &&
              info.iAddressFamily === t.iAddressFamily &&
              info.iSocketType === t.iSocketType &&
              info.iProtocol === t.iProtocol,
          )?.info.dwCatalogEntryId ?? 0,
    );
    const outcome = installLayeredProviderPreVista(catalog, {
      providerId: guid,
      path: `lsp:${name}`,
      lspName: name,
      targetIds: targets,
    });
    if (!outcome.ok) throw new Error(outcome.reason);
  };

  describe.each([
    ['WSCInstallProviderAndChains', vista],
    ['the pre-Vista installer', preVista],
  ])('installed with %s', (_name, installer) => {
    it('install → enumerate → remove leaves WSCEnumProtocols and the entries exactly as before', () => {
      const catalog = tcpCatalog();
      const before = { enumerated: enumerate(catalog), entries: catalog.entries() };
      installer(catalog, LSP_A, 'A');
      expect(enumerate(catalog)).toHaveLength(before.enumerated.length + 3);
      expect(removeLayeredProvider(catalog, LSP_A, out(0))).toBe(0);
      expect({ enumerated: enumerate(catalog), entries: catalog.entries() }).toEqual(before);
    });

    it('removing the lower of two stacked LSPs fixes the upper chains; removing both restores the catalog', () => {
      const catalog = tcpCatalog();
      const before = catalog.entries();
      installer(catalog, LSP_A, 'A');
      installer(catalog, LSP_B, 'B');
      const outcome = removeLayeredProviderChecked(catalog, LSP_A);
      expect(outcome.ok).toBe(true);
      expect(verifyCatalogChains(catalog.entries())).toEqual({ broken: [], unusedLayeredEntries: [] });
      const bChains = catalog
        .entries()
        .filter(({ info }) => info.ProtocolChain.ChainLen > 1)
        .map(({ info }) => [info.szProtocol, chainOf(info).length, chainOf(info).at(-1)]);
      expect(bChains).toEqual([
        ['B over [A over [MSAFD Tcpip [TCP/IP]]]', 2, 1001],
        ['B over [A over [MSAFD Tcpip [UDP/IP]]]', 2, 1002],
      ]);
      expect(removeLayeredProvider(catalog, LSP_B, out(0))).toBe(0);
      expect(catalog.entries()).toEqual(before);
    });

    it('removing the upper of two stacked LSPs leaves the lower one intact', () => {
      const catalog = tcpCatalog();
      installer(catalog, LSP_A, 'A');
      const withA = catalog.entries();
      installer(catalog, LSP_B, 'B');
      expect(removeLayeredProvider(catalog, LSP_B, out(0))).toBe(0);
      expect(catalog.entries()).toEqual(withA);
    });
  });

  it('removing the middle of three pre-Vista LSPs keeps the bottom one in the top chain', () => {
    const catalog = tcpCatalog();
    preVista(catalog, LSP_A, 'A');
    preVista(catalog, LSP_B, 'B');
    preVista(catalog, LSP_C, 'C');
    const aDummy = catalog.entries().find((e) => e.info.ProviderId === LSP_A)?.info.dwCatalogEntryId;
    expect(removeLayeredProvider(catalog, LSP_B, out(0))).toBe(0);
    const top = catalog.entries()[0].info;
    expect(top.szProtocol).toBe('C over [B over [A over [MSAFD Tcpip [TCP/IP]]]]');
    // [C, chainB, …] became [C, chainA, base]: A is still walked below C.
    const chainA = catalog
      .entries()
      .find((e) => chainOf(e.info)[0] === aDummy && chainOf(e.info).at(-1) === 1001);
    expect(chainOf(top)).toEqual([chainOf(top)[0], chainA?.info.dwCatalogEntryId, 1001]);
    expect(verifyCatalogChains(catalog.entries()).broken).toEqual([]);
  });

  it('refuses a GUID that is not installed, or not an LSP (WSAEINVAL)', () => {
    const catalog = tcpCatalog();
    const before = catalog.entries();
    const lpErrno = out(0);
    expect(removeLayeredProvider(catalog, LSP_A, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEINVAL);
    lpErrno.value = 0;
    expect(removeLayeredProvider(catalog, MSAFD_TCPIP_PROVIDER_ID, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEINVAL);
    expect(catalog.entries()).toEqual(before);
  });
});

describe('orphaned and broken chains', () => {
  it('removing only the layered entry orphans every chain entry of the LSP', () => {
    const catalog = tcpCatalog();
    install(catalog, LSP_A, 'A', [tcp4, udp4]);
    expect(catalog.WSCDeinstallProvider(LSP_A, out(0))).toBe(0);
    const report = verifyCatalogChains(catalog.entries());
    expect(
      report.broken.map(({ entry, kind, index, id }) => [entry.info.dwCatalogEntryId, kind, index, id]),
    ).toEqual([
      [1006, 'orphaned', 0, 1005],
      [1007, 'orphaned', 0, 1005],
    ]);
    expect(report.broken[0].reason).toBe(
      "ChainEntries[0] = 1005 is not in the catalog (the LSP's layered entry was removed)",
    );
  });

  it('removing a base provider breaks the chains over it; removing chain entries leaves an unused layered entry', () => {
    const catalog = tcpCatalog();
    const installed = install(catalog, LSP_A, 'A', [tcp4, udp4]);
    expect(catalog.WSCDeinstallProvider(MSAFD_TCPIP_PROVIDER_ID, out(0))).toBe(0);
    expect(verifyCatalogChains(catalog.entries()).broken.map((b) => [b.kind, b.index, b.id])).toEqual([
      ['missing-entry', 1, 1001],
      ['missing-entry', 1, 1002],
    ]);
    for (const guid of installed.chainProviderIds) catalog.WSCDeinstallProvider(guid, out(0));
    const report = verifyCatalogChains(catalog.entries());
    expect(report.broken).toEqual([]);
    expect(report.unusedLayeredEntries.map((e) => e.info.dwCatalogEntryId)).toEqual([
      installed.layeredEntryId,
    ]);
  });
});
