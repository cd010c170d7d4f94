/**
 * The Catalog's Windows-shaped API over the in-memory store: every WSC* function with its results
 * and its error codes, ID allocation, the change counter and snapshots.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { Catalog } from '../src/catalog/catalog';
import type { CatalogState } from '../src/catalog/catalog-state';
import type { CatalogStore } from '../src/catalog/catalog-store';
import { CatalogStoreError } from '../src/catalog/catalog-store-error';
import { catalogEntryType } from '../src/catalog/entry-type';
import { MemoryCatalogStore } from '../src/catalog/memory-catalog-store';
import {
  WSAEACCES,
  WSAEFAULT,
  WSAEINVAL,
  WSAEINVALIDPROVIDER,
  WSAENOBUFS,
  WSANO_RECOVERY,
  WSASERVICE_NOT_FOUND,
} from '../src/constants/error-codes';
import {
  LSP_FIREWALL,
  LSP_INSPECTOR,
  LSP_SYSTEM,
  ProviderInfoAudit,
  ProviderInfoLspCategories,
} from '../src/constants/lsp-categories';
import { SOCKET_ERROR } from '../src/constants/socket-api';
import { isWsaError } from '../src/errors/wsa-error';
import { out } from '../src/types/out-cell';
import type { WSAPROTOCOL_INFOW } from '../src/types/protocol-info';
import { SIZEOF_WSAPROTOCOL_INFOW } from '../src/types/protocol-info';
import {
  chainInfo,
  ipxInfo,
  LSP_CHAIN_GUID,
  LSP_DUMMY_GUID,
  lspDummyInfo,
  OTHER_GUID,
  TCPIP_GUID,
  tcpInfo,
  udpInfo,
} from './fixtures/catalog/protocol-infos';

/** `ERROR_CALL_NOT_IMPLEMENTED` (winerror.h), documented for WSC[GS]etProviderInfo(ProviderInfoAudit). */
const ERROR_CALL_NOT_IMPLEMENTED = 120;

let catalog: Catalog;
beforeEach(() => {
  catalog = new Catalog();
});

function install(
  guid: string,
  list: WSAPROTOCOL_INFOW[],
  path = '%SystemRoot%\\system32\\mswsock.dll',
): void {
  const lpErrno = out(0);
  const result = catalog.WSCInstallProvider(guid, path, list, list.length, lpErrno);
  if (result !== 0) throw new Error(`install failed: ${lpErrno.value} ${catalog.lastFailureReason}`);
}

function enumerate(filter: number[] | null = null): WSAPROTOCOL_INFOW[] {
  const length = out(1 << 20);
  const buffer: WSAPROTOCOL_INFOW[] = [];
  const lpErrno = out(0);
  const count = catalog.WSCEnumProtocols(filter, buffer, length, lpErrno);
  expect(count).toBe(buffer.length);
  return buffer;
}

function ids(): number[] {
  return catalog.entries().map((entry) => entry.info.dwCatalogEntryId);
}

describe('WSCInstallProvider', () => {
  it('appends entries with IDs from 1001, the GUID and path, and a base entry chained to itself', () => {
    const lpErrno = out(-7);
    const list = [tcpInfo(), udpInfo()];
    expect(catalog.WSCInstallProvider(TCPIP_GUID, 'mswsock', list, 2, lpErrno)).toBe(0);
    expect(lpErrno.value).toBe(-7); // untouched on success
    const entries = catalog.entries();
    expect(entries.map((e) => e.info.dwCatalogEntryId)).toEqual([1001, 1002]);
    expect(entries.map((e) => e.info.ProviderId)).toEqual([TCPIP_GUID, TCPIP_GUID]);
    expect(entries.map((e) => e.path)).toEqual(['mswsock', 'mswsock']);
    expect(entries[0].info.ProtocolChain).toEqual({ ChainLen: 1, ChainEntries: [1001] });
    expect(entries[1].info.ProtocolChain).toEqual({ ChainLen: 1, ChainEntries: [1002] });
    expect(entries[1].info.szProtocol).toBe('MSAFD Tcpip [UDP/IP]');
    expect(entries[0].lspCategories).toBe(0);
  });

  it('installs only the first dwNumberOfEntries elements and does not keep the caller objects', () => {
    const list = [tcpInfo(), udpInfo()];
    expect(catalog.WSCInstallProvider(TCPIP_GUID, 'p', list, 1, out(0))).toBe(0);
    expect(catalog.entries()).toHaveLength(1);
    list[0].szProtocol = 'changed by the caller afterwards';
    expect(catalog.entries()[0].info.szProtocol).toBe('MSAFD Tcpip [TCP/IP]');
  });

  it('keeps the referenced IDs of a chain entry and stores a layered entry with an empty chain', () => {
    install(TCPIP_GUID, [tcpInfo()]);
    install(LSP_DUMMY_GUID, [lspDummyInfo({ ProtocolChain: { ChainLen: 0, ChainEntries: [5, 6] } })]);
    install(LSP_CHAIN_GUID, [
      chainInfo(1002, 1001, { ProtocolChain: { ChainLen: 2, ChainEntries: [1002, 1001, 0, 0, 0, 0, 0] } }),
    ]);
    const [base, dummy, chain] = catalog.entries();
    expect(base.info.ProtocolChain).toEqual({ ChainLen: 1, ChainEntries: [1001] });
    expect(dummy.info.ProtocolChain).toEqual({ ChainLen: 0, ChainEntries: [] });
    expect(chain.info.ProtocolChain).toEqual({ ChainLen: 2, ChainEntries: [1002, 1001] });
    expect([base, dummy, chain].map((e) => catalogEntryType(e.info))).toEqual([
      'Base Service Provider',
      'Layered Service Provider',
      'Layered Chain Entry',
    ]);
  });

  it('refuses a GUID that is already installed with WSANO_RECOVERY and changes nothing', () => {
    install(TCPIP_GUID, [tcpInfo()]);
    const before = catalog.serial;
    const lpErrno = out(0);
    expect(catalog.WSCInstallProvider(TCPIP_GUID, 'again', [udpInfo()], 1, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSANO_RECOVERY);
    expect(catalog.lastFailureReason).toMatch(/already installed/);
    expect(catalog.entries()).toHaveLength(1);
    expect(catalog.serial).toBe(before);
  });

  it.each<[string, () => [unknown, unknown, unknown, unknown], number]>([
    ['NULL GUID', () => [null, 'p', [tcpInfo()], 1], WSAEFAULT],
    ['braced GUID', () => [`{${TCPIP_GUID}}`, 'p', [tcpInfo()], 1], WSAEINVAL],
    ['upper-case GUID', () => [TCPIP_GUID.toUpperCase(), 'p', [tcpInfo()], 1], WSAEINVAL],
    ['NULL path', () => [TCPIP_GUID, null, [tcpInfo()], 1], WSAEFAULT],
    ['empty path', () => [TCPIP_GUID, '', [tcpInfo()], 1], WSAEINVAL],
    ['path with NUL', () => [TCPIP_GUID, 'a\0b', [tcpInfo()], 1], WSAEINVAL],
    ['NULL list', () => [TCPIP_GUID, 'p', null, 1], WSAEINVAL],
    ['count 0', () => [TCPIP_GUID, 'p', [tcpInfo()], 0], WSAEINVAL],
    ['negative count', () => [TCPIP_GUID, 'p', [tcpInfo()], -1], WSAEINVAL],
    ['fractional count', () => [TCPIP_GUID, 'p', [tcpInfo()], 1.5], WSAEINVAL],
    ['count beyond the list', () => [TCPIP_GUID, 'p', [tcpInfo()], 2], WSAEFAULT],
    ['missing element', () => [TCPIP_GUID, 'p', [tcpInfo(), undefined], 2], WSAEFAULT],
    [
      'ChainLen 8',
      () => [
        TCPIP_GUID,
        'p',
        [tcpInfo({ ProtocolChain: { ChainLen: 8, ChainEntries: [1, 2, 3, 4, 5, 6, 7, 8] } })],
        1,
      ],
      WSAEINVAL,
    ],
    [
      'ChainLen -1',
      () => [TCPIP_GUID, 'p', [tcpInfo({ ProtocolChain: { ChainLen: -1, ChainEntries: [] } })], 1],
      WSAEINVAL,
    ],
    [
      'chain shorter than ChainLen',
      () => [TCPIP_GUID, 'p', [chainInfo(1, 2, { ProtocolChain: { ChainLen: 3, ChainEntries: [1, 2] } })], 1],
      WSAEINVAL,
    ],
    [
      'ChainEntries longer than 7',
      () => [
        TCPIP_GUID,
        'p',
        [tcpInfo({ ProtocolChain: { ChainLen: 1, ChainEntries: [0, 0, 0, 0, 0, 0, 0, 0] } })],
        1,
      ],
      WSAEINVAL,
    ],
    [
      'szProtocol of 256 characters',
      () => [TCPIP_GUID, 'p', [tcpInfo({ szProtocol: 'x'.repeat(256) })], 1],
      WSAEINVAL,
    ],
    [
      'szProtocol not a string',
      () => [TCPIP_GUID, 'p', [tcpInfo({ szProtocol: 5 as unknown as string })], 1],
      WSAEINVAL,
    ],
    ['fractional iSocketType', () => [TCPIP_GUID, 'p', [tcpInfo({ iSocketType: 1.5 })], 1], WSAEINVAL],
    [
      'string iProtocol',
      () => [TCPIP_GUID, 'p', [tcpInfo({ iProtocol: '6' as unknown as number })], 1],
      WSAEINVAL,
    ],
    ['negative DWORD flags', () => [TCPIP_GUID, 'p', [tcpInfo({ dwServiceFlags1: -1 })], 1], WSAEINVAL],
    ['DWORD beyond 32 bits', () => [TCPIP_GUID, 'p', [tcpInfo({ dwMessageSize: 2 ** 32 })], 1], WSAEINVAL],
    ['int beyond 32 bits', () => [TCPIP_GUID, 'p', [tcpInfo({ iAddressFamily: 2 ** 31 })], 1], WSAEINVAL],
    ['missing member', () => [TCPIP_GUID, 'p', [{ ...tcpInfo(), iVersion: undefined }], 1], WSAEINVAL],
    ['not an object', () => [TCPIP_GUID, 'p', ['tcp'], 1], WSAEINVAL],
  ])('refuses %s', (_name, args, code) => {
    const lpErrno = out(0);
    const [guid, path, list, n] = args();
    expect(
      catalog.WSCInstallProvider(
        guid as string,
        path as string,
        list as WSAPROTOCOL_INFOW[],
        n as number,
        lpErrno,
      ),
    ).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(code);
    expect(catalog.lastFailureReason).toBeTruthy();
    expect(catalog.entries()).toHaveLength(0);
    expect(catalog.serial).toBe(1);
  });

  it('accepts the limits: ChainLen 7 and a 255-character name', () => {
    install(OTHER_GUID, [
      chainInfo(1, 2, { ProtocolChain: { ChainLen: 7, ChainEntries: [1, 2, 3, 4, 5, 6, 7] } }),
      tcpInfo({ szProtocol: 'n'.repeat(255) }),
    ]);
    expect(catalog.entries()[0].info.ProtocolChain.ChainEntries).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(catalog.entries()[1].info.szProtocol).toHaveLength(255);
  });
});

describe('catalog entry IDs', () => {
  it('are never reused after an uninstall, and the counter survives an empty catalog', () => {
    install(TCPIP_GUID, [tcpInfo(), udpInfo()]);
    expect(catalog.WSCDeinstallProvider(TCPIP_GUID, out(0))).toBe(0);
    expect(catalog.entries()).toEqual([]);
    install(TCPIP_GUID, [tcpInfo()]);
    install(OTHER_GUID, [udpInfo()]);
    expect(ids()).toEqual([1003, 1004]);
  });

  it('are not consumed by a refused install', () => {
    install(TCPIP_GUID, [tcpInfo()]);
    catalog.WSCInstallProvider(TCPIP_GUID, 'p', [tcpInfo()], 1, out(0));
    install(OTHER_GUID, [tcpInfo()]);
    expect(ids()).toEqual([1001, 1002]);
  });
});

describe('WSCDeinstallProvider', () => {
  it('removes every entry of the GUID and keeps the others in order', () => {
    install(TCPIP_GUID, [tcpInfo()]);
    install(OTHER_GUID, [udpInfo(), ipxInfo()]);
    install(LSP_DUMMY_GUID, [lspDummyInfo()]);
    expect(catalog.WSCDeinstallProvider(OTHER_GUID, out(0))).toBe(0);
    expect(ids()).toEqual([1001, 1004]);
  });

  it('fails with WSAEINVAL for an unknown GUID, WSAEFAULT for NULL', () => {
    install(TCPIP_GUID, [tcpInfo()]);
    const lpErrno = out(0);
    expect(catalog.WSCDeinstallProvider(OTHER_GUID, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEINVAL);
    expect(catalog.WSCDeinstallProvider('not-a-guid', lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEINVAL);
    expect(catalog.WSCDeinstallProvider(null as unknown as string, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEFAULT);
    expect(ids()).toEqual([1001]);
  });
});

describe('WSCUpdateProvider', () => {
  it('rewrites the entries of a GUID in place, keeping positions, IDs and LSP categories', () => {
    install(LSP_CHAIN_GUID, [chainInfo(1100, 1001), chainInfo(1100, 1002)], 'old-lsp');
    install(TCPIP_GUID, [tcpInfo()]);
    install(OTHER_GUID, [udpInfo()]);
    // Move the TCP/IP entry first so the chain GUID's entries are not adjacent.
    expect(catalog.WSCWriteProviderOrder([1001, 1003, 1004, 1002], 4)).toBe(0);
    expect(
      catalog.WSCSetProviderInfo(LSP_CHAIN_GUID, ProviderInfoLspCategories, LSP_FIREWALL, 4, 0, out(0)),
    ).toBe(0);
    const serial = catalog.serial;

    const lpErrno = out(0);
    const updated = [
      chainInfo(1200, 1003, { szProtocol: 'new one' }),
      chainInfo(1200, 1004, { szProtocol: 'new two' }),
    ];
    expect(catalog.WSCUpdateProvider(LSP_CHAIN_GUID, 'new-lsp', updated, 2, lpErrno)).toBe(0);
    const entries = catalog.entries();
    expect(entries.map((e) => e.info.dwCatalogEntryId)).toEqual([1001, 1003, 1004, 1002]);
    expect(entries[0].info.szProtocol).toBe('new one');
    expect(entries[0].info.ProtocolChain.ChainEntries).toEqual([1200, 1003]);
    expect(entries[3].info.szProtocol).toBe('new two');
    expect(entries[3].info.ProtocolChain.ChainEntries).toEqual([1200, 1004]);
    expect(entries[0].path).toBe('new-lsp');
    expect(entries[3].lspCategories).toBe(LSP_FIREWALL);
    expect(entries[1].info.szProtocol).toBe('MSAFD Tcpip [TCP/IP]');
    expect(catalog.serial).toBe(serial + 1);
  });

  it('fails with WSAEINVAL for an unknown GUID or a different entry count', () => {
    install(TCPIP_GUID, [tcpInfo(), udpInfo()]);
    const lpErrno = out(0);
    expect(catalog.WSCUpdateProvider(OTHER_GUID, 'p', [tcpInfo()], 1, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEINVAL);
    lpErrno.value = 0;
    expect(catalog.WSCUpdateProvider(TCPIP_GUID, 'p', [tcpInfo()], 1, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEINVAL);
    expect(catalog.lastFailureReason).toMatch(/has 2 entries, not 1/);
    lpErrno.value = 0;
    expect(
      catalog.WSCUpdateProvider(TCPIP_GUID, 'p', [tcpInfo({ iVersion: 0.5 }), udpInfo()], 2, lpErrno),
    ).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEINVAL);
    expect(catalog.entries().map((e) => e.path)).toEqual([
      '%SystemRoot%\\system32\\mswsock.dll',
      '%SystemRoot%\\system32\\mswsock.dll',
    ]);
  });
});

describe('WSCEnumProtocols', () => {
  beforeEach(() => {
    install(TCPIP_GUID, [tcpInfo(), udpInfo()]); // 1001 TCP, 1002 UDP
    install(LSP_DUMMY_GUID, [lspDummyInfo()]); // 1003 hidden, ChainLen 0, protocol 0
    install(OTHER_GUID, [ipxInfo()]); // 1004 IPX 1000 … 1255
  });

  it('returns every entry, hidden and layered ones included, in catalog order', () => {
    const all = enumerate();
    expect(all.map((info) => info.dwCatalogEntryId)).toEqual([1001, 1002, 1003, 1004]);
    expect(all[2].dwProviderFlags & 0x4).toBe(0x4);
    expect(all[2].ProtocolChain.ChainLen).toBe(0);
  });

  it('fails with WSAENOBUFS and the size needed (628 per entry) when the buffer is short', () => {
    const length = out(4 * SIZEOF_WSAPROTOCOL_INFOW - 1);
    const buffer: WSAPROTOCOL_INFOW[] = [];
    const lpErrno = out(0);
    expect(catalog.WSCEnumProtocols(null, buffer, length, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAENOBUFS);
    expect(length.value).toBe(4 * 628);
    expect(buffer).toEqual([]);
    // Exactly the size asked for is enough.
    expect(catalog.WSCEnumProtocols(null, buffer, length, lpErrno)).toBe(4);
    expect(buffer).toHaveLength(4);
  });

  it('treats a NULL buffer as size 0 and reports the size needed (the usual first call)', () => {
    const length = out(1_000_000);
    const lpErrno = out(0);
    expect(catalog.WSCEnumProtocols([6, 0], null, length, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAENOBUFS);
    expect(length.value).toBe(628);
  });

  it('succeeds with 0 when nothing matches, even without a buffer', () => {
    const length = out(0);
    expect(catalog.WSCEnumProtocols([99, 0], null, length, out(0))).toBe(0);
    expect(length.value).toBe(0);
  });

  it('filters by protocol number, honouring iProtocolMaxOffset ranges', () => {
    expect(enumerate([17, 0]).map((i) => i.dwCatalogEntryId)).toEqual([1002]);
    expect(enumerate([6, 17, 0]).map((i) => i.dwCatalogEntryId)).toEqual([1001, 1002]);
    expect(enumerate([1000, 0]).map((i) => i.dwCatalogEntryId)).toEqual([1004]);
    expect(enumerate([1255, 0]).map((i) => i.dwCatalogEntryId)).toEqual([1004]);
    expect(enumerate([1256, 0]).map((i) => i.dwCatalogEntryId)).toEqual([]);
    expect(enumerate([999, 0]).map((i) => i.dwCatalogEntryId)).toEqual([]);
  });

  it('reads the filter only up to its terminating 0; protocol-0 entries match no filter', () => {
    expect(enumerate([0, 6]).map((i) => i.dwCatalogEntryId)).toEqual([]);
    expect(enumerate([17, 0, 6]).map((i) => i.dwCatalogEntryId)).toEqual([1002]);
  });

  it('refuses a filter without its 0 (WSAEFAULT) and a NULL length (WSAEFAULT)', () => {
    const lpErrno = out(0);
    expect(catalog.WSCEnumProtocols([6], [], out(10_000), lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEFAULT);
    lpErrno.value = 0;
    expect(catalog.WSCEnumProtocols(null, [], null as unknown as { value: number }, lpErrno)).toBe(
      SOCKET_ERROR,
    );
    expect(lpErrno.value).toBe(WSAEFAULT);
    lpErrno.value = 0;
    expect(catalog.WSCEnumProtocols([6.5, 0], [], out(10_000), lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEINVAL);
  });

  it('hands out deep copies: changing them does not change the catalog', () => {
    const [first] = enumerate();
    first.szProtocol = 'mutated';
    first.ProtocolChain.ChainEntries.push(7);
    const [again] = enumerate();
    expect(again.szProtocol).toBe('MSAFD Tcpip [TCP/IP]');
    expect(again.ProtocolChain.ChainEntries).toEqual([1001]);
  });

  it('replaces what the buffer held before', () => {
    const buffer = [tcpInfo(), tcpInfo(), tcpInfo(), tcpInfo(), tcpInfo(), tcpInfo()];
    expect(catalog.WSCEnumProtocols([17, 0], buffer, out(10 * 628), out(0))).toBe(1);
    expect(buffer.map((i) => i.dwCatalogEntryId)).toEqual([1002]);
  });
});

describe('WSCWriteProviderOrder', () => {
  beforeEach(() => {
    install(TCPIP_GUID, [tcpInfo(), udpInfo()]);
    install(OTHER_GUID, [ipxInfo()]);
  });

  it('reorders the catalog, which enumeration then follows, and bumps the serial', () => {
    const serial = catalog.serial;
    expect(catalog.WSCWriteProviderOrder([1003, 1001, 1002], 3)).toBe(0);
    expect(enumerate().map((i) => i.dwCatalogEntryId)).toEqual([1003, 1001, 1002]);
    expect(catalog.serial).toBe(serial + 1);
  });

  it.each<[string, number[], number]>([
    ['a partial order', [1002, 1001], 2],
    ['a count below the catalog size', [1003, 1001, 1002], 2],
    ['a duplicate ID', [1001, 1001, 1002], 3],
    ['an unknown ID', [1001, 1002, 1004], 3],
    ['an extra ID', [1001, 1002, 1003, 1004], 4],
    ['a count beyond the array', [1001, 1002], 3],
  ])('returns WSAEINVAL for %s and changes nothing', (_name, order, n) => {
    const serial = catalog.serial;
    expect(catalog.WSCWriteProviderOrder(order, n)).toBe(WSAEINVAL);
    expect(catalog.lastFailureReason).toBeTruthy();
    expect(ids()).toEqual([1001, 1002, 1003]);
    expect(catalog.serial).toBe(serial);
  });
});

describe('WSCGetProviderPath', () => {
  const path = '%SystemRoot%\\system32\\mswsock.dll';
  beforeEach(() => install(TCPIP_GUID, [tcpInfo()], path));

  it('returns the unexpanded path and its length without the NUL', () => {
    const buffer = out('');
    const length = out(260);
    const lpErrno = out(0);
    expect(catalog.WSCGetProviderPath(TCPIP_GUID, buffer, length, lpErrno)).toBe(0);
    expect(buffer.value).toBe(path);
    expect(length.value).toBe(path.length);
  });

  it('fails with WSAEFAULT and the length needed (with the NUL) when the buffer is one short', () => {
    const buffer = out('untouched');
    const length = out(path.length);
    const lpErrno = out(0);
    expect(catalog.WSCGetProviderPath(TCPIP_GUID, buffer, length, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEFAULT);
    expect(length.value).toBe(path.length + 1);
    expect(buffer.value).toBe('untouched');
    expect(catalog.WSCGetProviderPath(TCPIP_GUID, buffer, length, lpErrno)).toBe(0);
    expect(buffer.value).toBe(path);
  });

  it('fails with WSAEINVAL for an unknown GUID', () => {
    const lpErrno = out(0);
    expect(catalog.WSCGetProviderPath(OTHER_GUID, out(''), out(260), lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEINVAL);
  });

  it('fails with WSAEFAULT for a NULL path buffer or length', () => {
    const lpErrno = out(0);
    expect(catalog.WSCGetProviderPath(TCPIP_GUID, null, out(260), lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEFAULT);
    lpErrno.value = 0;
    expect(
      catalog.WSCGetProviderPath(TCPIP_GUID, out(''), null as unknown as { value: number }, lpErrno),
    ).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEFAULT);
  });
});

describe('WSCSetProviderInfo / WSCGetProviderInfo (ProviderInfoLspCategories)', () => {
  beforeEach(() => {
    install(LSP_CHAIN_GUID, [chainInfo(1100, 1001), chainInfo(1100, 1002)]);
    install(TCPIP_GUID, [tcpInfo()]);
  });

  it('sets the categories on every entry of the GUID and reads them back', () => {
    const categories = (LSP_SYSTEM | LSP_INSPECTOR) >>> 0;
    expect(
      catalog.WSCSetProviderInfo(LSP_CHAIN_GUID, ProviderInfoLspCategories, categories, 4, 0, out(0)),
    ).toBe(0);
    expect(catalog.entries().map((e) => e.lspCategories)).toEqual([categories, categories, 0]);
    const info = out(0);
    const size = out(4);
    expect(catalog.WSCGetProviderInfo(LSP_CHAIN_GUID, ProviderInfoLspCategories, info, size, 0, out(0))).toBe(
      0,
    );
    expect(info.value).toBe(categories);
    expect(size.value).toBe(4);
  });

  it('reports the size needed when Info is NULL or too small', () => {
    const lpErrno = out(0);
    const size = out(0);
    expect(
      catalog.WSCGetProviderInfo(LSP_CHAIN_GUID, ProviderInfoLspCategories, null, size, 0, lpErrno),
    ).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEFAULT);
    expect(size.value).toBe(4);
    const small = out(2);
    expect(
      catalog.WSCGetProviderInfo(LSP_CHAIN_GUID, ProviderInfoLspCategories, out(0), small, 0, lpErrno),
    ).toBe(SOCKET_ERROR);
    expect(small.value).toBe(4);
  });

  it('refuses ProviderInfoAudit with ERROR_CALL_NOT_IMPLEMENTED, as documented', () => {
    const lpErrno = out(0);
    expect(catalog.WSCSetProviderInfo(LSP_CHAIN_GUID, ProviderInfoAudit, 0, 4, 0, lpErrno)).toBe(
      SOCKET_ERROR,
    );
    expect(lpErrno.value).toBe(ERROR_CALL_NOT_IMPLEMENTED);
    lpErrno.value = 0;
    expect(catalog.WSCGetProviderInfo(LSP_CHAIN_GUID, ProviderInfoAudit, out(0), out(4), 0, lpErrno)).toBe(
      SOCKET_ERROR,
    );
    expect(lpErrno.value).toBe(ERROR_CALL_NOT_IMPLEMENTED);
  });

  it('refuses an unknown GUID: WSAEINVAL to set, WSAEINVALIDPROVIDER to get', () => {
    const lpErrno = out(0);
    expect(catalog.WSCSetProviderInfo(OTHER_GUID, ProviderInfoLspCategories, 1, 4, 0, lpErrno)).toBe(
      SOCKET_ERROR,
    );
    expect(lpErrno.value).toBe(WSAEINVAL);
    expect(
      catalog.WSCGetProviderInfo(OTHER_GUID, ProviderInfoLspCategories, out(0), out(4), 0, lpErrno),
    ).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEINVALIDPROVIDER);
  });

  it.each<[string, number, number | null, number, number, number]>([
    ['an unknown InfoType', 7, 1, 4, 0, WSAEINVAL],
    ['InfoSize 8', ProviderInfoLspCategories, 1, 8, 0, WSAEINVAL],
    ['NULL Info', ProviderInfoLspCategories, null, 4, 0, WSAEFAULT],
    ['a negative category set', ProviderInfoLspCategories, -1, 4, 0, WSAEINVAL],
    ['non-zero Flags', ProviderInfoLspCategories, 1, 4, 1, WSAEINVAL],
  ])('WSCSetProviderInfo refuses %s', (_name, type, info, size, flags, code) => {
    const lpErrno = out(0);
    expect(catalog.WSCSetProviderInfo(LSP_CHAIN_GUID, type, info, size, flags, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(code);
    expect(catalog.entries().every((e) => e.lspCategories === 0)).toBe(true);
  });
});

describe('WSCSetApplicationCategory / WSCGetApplicationCategory', () => {
  const svchost = 'C:\\Windows\\system32\\svchost.exe';

  it('stores categories per (path, extra), ORs repeated sets and returns the previous value', () => {
    const previous = out(-1);
    expect(
      catalog.WSCSetApplicationCategory(
        svchost,
        svchost.length,
        '-k netsvcs',
        10,
        LSP_SYSTEM,
        previous,
        out(0),
      ),
    ).toBe(0);
    expect(previous.value).toBe(0);
    expect(
      catalog.WSCSetApplicationCategory(
        svchost,
        svchost.length,
        '-k netsvcs',
        10,
        LSP_FIREWALL,
        previous,
        out(0),
      ),
    ).toBe(0);
    expect(previous.value).toBe(LSP_SYSTEM);
    expect(
      catalog.WSCSetApplicationCategory(svchost, svchost.length, null, 0, LSP_INSPECTOR, null, out(0)),
    ).toBe(0);

    const permitted = out(0);
    expect(
      catalog.WSCGetApplicationCategory(svchost, svchost.length, '-k netsvcs', 10, permitted, out(0)),
    ).toBe(0);
    expect(permitted.value).toBe((LSP_SYSTEM | LSP_FIREWALL) >>> 0);
    expect(catalog.WSCGetApplicationCategory(svchost, svchost.length, '', 0, permitted, out(0))).toBe(0);
    expect(permitted.value).toBe(LSP_INSPECTOR);
    expect(catalog.snapshot().appCategories).toHaveLength(2);
  });

  it('uses only PathLength characters of Path, as C does', () => {
    expect(
      catalog.WSCSetApplicationCategory('app.exe-and-garbage', 7, null, 0, LSP_INSPECTOR, null, out(0)),
    ).toBe(0);
    const permitted = out(0);
    expect(catalog.WSCGetApplicationCategory('app.exe', 7, null, 0, permitted, out(0))).toBe(0);
    expect(permitted.value).toBe(LSP_INSPECTOR);
  });

  it('fails with WSASERVICE_NOT_FOUND for an application never categorised', () => {
    const lpErrno = out(0);
    expect(catalog.WSCGetApplicationCategory('wsl.exe', 7, null, 0, out(0), lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSASERVICE_NOT_FOUND);
  });

  it.each<[string, string | null, number, string | null, number, number]>([
    ['NULL Path', null, 3, null, 0, WSAEFAULT],
    ['PathLength 0', 'a.exe', 0, null, 0, WSAEINVAL],
    ['PathLength beyond the string', 'a.exe', 6, null, 0, WSAEFAULT],
    ['NULL Extra with a length', 'a.exe', 5, null, 3, WSAEFAULT],
    ['ExtraLength beyond the string', 'a.exe', 5, '-k', 3, WSAEFAULT],
  ])('refuses %s', (_name, path, pathLength, extra, extraLength, code) => {
    const lpErrno = out(0);
    expect(catalog.WSCSetApplicationCategory(path, pathLength, extra, extraLength, 1, null, lpErrno)).toBe(
      SOCKET_ERROR,
    );
    expect(lpErrno.value).toBe(code);
    lpErrno.value = 0;
    expect(catalog.WSCGetApplicationCategory(path, pathLength, extra, extraLength, out(0), lpErrno)).toBe(
      SOCKET_ERROR,
    );
    expect(lpErrno.value).toBe(code);
  });
});

describe('serial and snapshot', () => {
  it('starts at 1 and goes up by one with every successful write only', () => {
    expect(catalog.serial).toBe(1);
    install(TCPIP_GUID, [tcpInfo()]);
    expect(catalog.serial).toBe(2);
    catalog.WSCDeinstallProvider(OTHER_GUID, out(0)); // fails
    catalog.WSCEnumProtocols(null, [], out(10_000), out(0)); // reads
    expect(catalog.serial).toBe(2);
    catalog.WSCSetApplicationCategory('a.exe', 5, null, 0, 1, null, out(0));
    expect(catalog.serial).toBe(3);
  });

  it('is a deep copy unaffected by later changes, for WSAStartup', () => {
    install(TCPIP_GUID, [tcpInfo()]);
    const snapshot = catalog.snapshot();
    install(OTHER_GUID, [udpInfo()]);
    expect(snapshot.serial).toBe(2);
    expect(snapshot.entries.map((e) => e.info.dwCatalogEntryId)).toEqual([1001]);
    (snapshot.entries[0].info as WSAPROTOCOL_INFOW).szProtocol = 'mutated';
    expect(catalog.entries()[0].info.szProtocol).toBe('MSAFD Tcpip [TCP/IP]');
  });

  it('two catalogs on one store see each other’s writes', () => {
    const store = new MemoryCatalogStore();
    const first = new Catalog(store);
    const second = new Catalog(store);
    expect(first.WSCInstallProvider(TCPIP_GUID, 'p', [tcpInfo()], 1, out(0))).toBe(0);
    expect(second.WSCInstallProvider(TCPIP_GUID, 'p', [tcpInfo()], 1, out(0))).toBe(SOCKET_ERROR);
    expect(second.WSCInstallProvider(OTHER_GUID, 'p', [tcpInfo()], 1, out(0))).toBe(0);
    expect(first.entries().map((e) => e.info.dwCatalogEntryId)).toEqual([1001, 1002]);
  });
});

describe('resetEntries (netsh winsock reset in one write)', () => {
  it('replaces every entry, keeps application categories, and bumps serial once', () => {
    install(TCPIP_GUID, [tcpInfo(), udpInfo()]);
    catalog.WSCSetApplicationCategory('a.exe', 5, null, 0, LSP_SYSTEM, null, out(0));
    const staging = new Catalog();
    staging.WSCInstallProvider(OTHER_GUID, 'new', [tcpInfo()], 1, out(0));
    const serial = catalog.serial;
    expect(catalog.resetEntries(staging.entries())).toEqual([1003]);
    expect(
      catalog.entries().map((e) => [e.path, e.info.ProviderId, e.info.ProtocolChain.ChainEntries]),
    ).toEqual([['new', OTHER_GUID, [1003]]]);
    expect(catalog.serial).toBe(serial + 1);
    const permitted = out(0);
    expect(catalog.WSCGetApplicationCategory('a.exe', 5, null, 0, permitted, out(0))).toBe(0);
    expect(permitted.value).toBe(LSP_SYSTEM);
  });

  it('empties the catalog with an empty replacement, IDs still counting on afterwards', () => {
    install(TCPIP_GUID, [tcpInfo()]);
    expect(catalog.resetEntries([])).toEqual([]);
    expect(catalog.entries()).toEqual([]);
    install(OTHER_GUID, [tcpInfo()]);
    expect(ids()).toEqual([1002]);
  });

  it('renumbers chains that name labels of the replacement and keeps IDs that are not', () => {
    const base = {
      path: 'b',
      info: { ...tcpInfo(), ProviderId: TCPIP_GUID, dwCatalogEntryId: 7 },
      lspCategories: 0,
    };
    const dummy = {
      path: 'l',
      info: { ...lspDummyInfo(), ProviderId: LSP_DUMMY_GUID, dwCatalogEntryId: 5 },
      lspCategories: 0,
    };
    const chain = {
      path: 'l',
      info: { ...chainInfo(5, 7), ProviderId: LSP_CHAIN_GUID, dwCatalogEntryId: 9 },
      lspCategories: 0,
    };
    const orphan = {
      path: 'o',
      info: { ...chainInfo(5, 4242), ProviderId: OTHER_GUID, dwCatalogEntryId: 11 },
      lspCategories: 0,
    };
    expect(catalog.resetEntries([chain, base, dummy, orphan])).toEqual([1003, 1002, 1001, 1004]);
    expect(
      catalog.entries().map((e) => [e.info.dwCatalogEntryId, e.info.ProtocolChain.ChainEntries]),
    ).toEqual([
      [1003, [1001, 1002]],
      [1002, [1002]],
      [1001, []],
      [1004, [1001, 4242]],
    ]);
  });

  it('refuses a malformed entry or a label used twice with WSAEINVAL, writing nothing', () => {
    install(TCPIP_GUID, [tcpInfo()]);
    const good = {
      path: 'p',
      info: { ...tcpInfo(), ProviderId: OTHER_GUID, dwCatalogEntryId: 1 },
      lspCategories: 0,
    };
    const cases = [
      [good, good],
      [{ ...good, path: '' }],
      [{ ...good, info: { ...good.info, szProtocol: 'x'.repeat(256) } }],
      [{ ...good, lspCategories: -1 }],
    ];
    for (const replacement of cases) {
      let thrown: unknown;
      try {
        catalog.resetEntries(replacement);
      } catch (error) {
        thrown = error;
      }
      expect(isWsaError(thrown) && thrown.code).toBe(WSAEINVAL);
    }
    expect(ids()).toEqual([1001]);
    expect(catalog.serial).toBe(2);
  });
});

describe('a failing store', () => {
  /** A store whose every access fails as an unreadable catalog file would. */
  class BrokenStore implements CatalogStore {
    readonly location = '/nowhere/catalog.json';
    read(): CatalogState {
      throw new CatalogStoreError(
        'access',
        this.location,
        'cannot read catalog file /nowhere/catalog.json: EACCES',
      );
    }
    update(): boolean {
      return this.read() !== undefined;
    }
  }

  it('makes every C-shaped call fail with WSANO_RECOVERY and keeps the store error', () => {
    const broken = new Catalog(new BrokenStore());
    const lpErrno = out(0);
    const calls: [string, () => number][] = [
      ['install', () => broken.WSCInstallProvider(TCPIP_GUID, 'p', [tcpInfo()], 1, lpErrno)],
      ['deinstall', () => broken.WSCDeinstallProvider(TCPIP_GUID, lpErrno)],
      ['update', () => broken.WSCUpdateProvider(TCPIP_GUID, 'p', [tcpInfo()], 1, lpErrno)],
      ['enum', () => broken.WSCEnumProtocols(null, [], out(1000), lpErrno)],
      ['path', () => broken.WSCGetProviderPath(TCPIP_GUID, out(''), out(100), lpErrno)],
      ['setinfo', () => broken.WSCSetProviderInfo(TCPIP_GUID, 0, 1, 4, 0, lpErrno)],
      ['getinfo', () => broken.WSCGetProviderInfo(TCPIP_GUID, 0, out(0), out(4), 0, lpErrno)],
      ['setapp', () => broken.WSCSetApplicationCategory('a', 1, null, 0, 1, null, lpErrno)],
      ['getapp', () => broken.WSCGetApplicationCategory('a', 1, null, 0, out(0), lpErrno)],
    ];
    for (const [name, call] of calls) {
      lpErrno.value = 0;
      expect([name, call()]).toEqual([name, SOCKET_ERROR]);
      expect([name, lpErrno.value]).toEqual([name, WSANO_RECOVERY]);
      expect(broken.lastStoreError).toBeInstanceOf(CatalogStoreError);
      expect(broken.lastStoreError?.code).toBe(WSAEACCES);
    }
    expect(broken.WSCWriteProviderOrder([], 0)).toBe(WSANO_RECOVERY);
    expect(() => broken.snapshot()).toThrow(CatalogStoreError);
  });

  it('clears lastStoreError on the next call that reaches the store', () => {
    const store = new MemoryCatalogStore();
    let broken = true;
    const flaky: CatalogStore = {
      location: 'flaky',
      read: () => {
        if (broken) throw new Error('disk on fire');
        return store.read();
      },
      update: (mutate) => store.update(mutate),
    };
    const flakyCatalog = new Catalog(flaky);
    expect(flakyCatalog.WSCEnumProtocols(null, [], out(0), out(0))).toBe(SOCKET_ERROR);
    // A plain Error from a custom store is wrapped, so callers always get a CatalogStoreError.
    expect(flakyCatalog.lastStoreError).toBeInstanceOf(CatalogStoreError);
    expect(isWsaError(flakyCatalog.lastStoreError, WSANO_RECOVERY)).toBe(true);
    expect(flakyCatalog.lastStoreError?.message).toMatch(/disk on fire/);
    broken = false;
    expect(flakyCatalog.WSCEnumProtocols(null, [], out(0), out(0))).toBe(0);
    expect(flakyCatalog.lastStoreError).toBeUndefined();
  });
});
