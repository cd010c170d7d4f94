/**
 * Every resource of the catalog is bounded, each bound enforced with a Windows error (issue 12):
 * the number of entries and of categorised applications (`WSA_NOT_ENOUGH_MEMORY`, the code
 * `WSCInstallProvider` documents for "no memory for a new catalog entry"), the provider path
 * (`MAX_PATH` − 1 characters, `WSAEINVAL`), and the catalog file itself (a file beyond the bounds
 * is refused as invalid, without reading a huge one, and `catalog reset` repairs it keeping its ID
 * counter). `ChainLen` ≤ `MAX_PROTOCOL_CHAIN` and `szProtocol` ≤ `WSAPROTOCOL_LEN` are in
 * catalog.test.ts (`WSCInstallProvider` argument checks).
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { installProviderAndChains } from '../src';
import { Catalog } from '../src/catalog/catalog';
import {
  MAX_APPLICATION_CATEGORIES,
  MAX_CATALOG_ENTRIES,
  MAX_CATALOG_FILE_BYTES,
} from '../src/catalog/catalog-capacity';
import { MAX_PATH } from '../src/catalog/catalog-entry-rules';
import { serializeCatalogState } from '../src/catalog/catalog-file-format';
import { type CatalogState, emptyCatalogState } from '../src/catalog/catalog-state';
import { CatalogStoreError } from '../src/catalog/catalog-store-error';
import { resetCatalog } from '../src/catalog/default-catalog';
import { MemoryCatalogStore } from '../src/catalog/memory-catalog-store';
import { WSA_NOT_ENOUGH_MEMORY, WSAEINVAL } from '../src/constants/error-codes';
import { SOCKET_ERROR } from '../src/constants/socket-api';
import { isWsaError } from '../src/errors/wsa-error';
import { out } from '../src/types/out-cell';
import { LSP_DUMMY_GUID, OTHER_GUID, TCPIP_GUID, tcpInfo } from './fixtures/catalog/protocol-infos';

let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(tmpdir(), 'ws2spi-bounds-'));
  file = path.join(dir, 'catalog.json');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A catalog state holding `n` base TCP entries (IDs 1001 on), each its own provider. */
function stateWith(n: number): CatalogState {
  const state = emptyCatalogState();
  for (let i = 0; i < n; i++) {
    const id = state.nextCatalogEntryId++;
    const guid = `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const info = { ...tcpInfo(), ProviderId: guid, dwCatalogEntryId: id };
    info.ProtocolChain = { ChainLen: 1, ChainEntries: [id] };
    state.entries.push({ path: 'mswsock', info, lspCategories: 0 });
  }
  return state;
}

describe(`catalog size: at most ${MAX_CATALOG_ENTRIES} entries`, () => {
  it('WSCInstallProvider fills the catalog to the bound and no further: WSA_NOT_ENOUGH_MEMORY, nothing written', () => {
    const catalog = new Catalog(new MemoryCatalogStore(stateWith(MAX_CATALOG_ENTRIES - 1)));
    const lpErrno = out(0);
    expect(catalog.WSCInstallProvider(TCPIP_GUID, 'p', [tcpInfo(), tcpInfo()], 2, lpErrno)).toBe(
      SOCKET_ERROR,
    );
    expect(lpErrno.value).toBe(WSA_NOT_ENOUGH_MEMORY);
    expect(catalog.lastFailureReason).toMatch(/exceed its 10000/);
    const serial = catalog.serial;
    expect(catalog.WSCInstallProvider(TCPIP_GUID, 'p', [tcpInfo()], 1, lpErrno)).toBe(0);
    expect(catalog.WSCInstallProvider(OTHER_GUID, 'p', [tcpInfo()], 1, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSA_NOT_ENOUGH_MEMORY);
    expect(catalog.entries()).toHaveLength(MAX_CATALOG_ENTRIES);
    expect(catalog.serial).toBe(serial + 1);
    // Removing makes room again.
    expect(catalog.WSCDeinstallProvider(TCPIP_GUID, lpErrno)).toBe(0);
    expect(catalog.WSCInstallProvider(OTHER_GUID, 'p', [tcpInfo()], 1, lpErrno)).toBe(0);
  });

  it('WSCInstallProviderAndChains refuses a layered provider that would not fit', () => {
    const catalog = new Catalog(new MemoryCatalogStore(stateWith(MAX_CATALOG_ENTRIES - 1)));
    const outcome = installProviderAndChains(catalog, {
      providerId: LSP_DUMMY_GUID,
      path: 'lsp',
      lspName: 'Test LSP',
      serviceFlags: 0,
      protocols: [tcpInfo()],
    });
    expect(outcome).toMatchObject({ ok: false, code: WSA_NOT_ENOUGH_MEMORY });
    expect(catalog.entries()).toHaveLength(MAX_CATALOG_ENTRIES - 1);
  });

  it('resetEntries refuses a replacement over the bound', () => {
    const catalog = new Catalog();
    const replacement = stateWith(MAX_CATALOG_ENTRIES + 1).entries;
    let thrown: unknown;
    try {
      catalog.resetEntries(replacement);
    } catch (error) {
      thrown = error;
    }
    expect(isWsaError(thrown) && thrown.code).toBe(WSA_NOT_ENOUGH_MEMORY);
    expect(catalog.resetEntries(replacement.slice(0, MAX_CATALOG_ENTRIES))).toHaveLength(MAX_CATALOG_ENTRIES);
  });

  it('a file with more entries is invalid on read; catalog reset repairs it and keeps its ID counter', async () => {
    const state = stateWith(MAX_CATALOG_ENTRIES + 1);
    fs.writeFileSync(file, serializeCatalogState(state));
    expect(() => Catalog.openFile(file).entries()).toThrow(/more than MAX_CATALOG_ENTRIES/);
    const result = await resetCatalog(Catalog.openFile(file), []);
    expect(result.recoveredFrom).toBeDefined();
    const repaired = Catalog.openFile(file);
    expect(repaired.entries()).toEqual([]);
    expect(repaired.WSCInstallProvider(OTHER_GUID, 'p', [tcpInfo()], 1, out(0))).toBe(0);
    expect(repaired.entries()[0]?.info.dwCatalogEntryId).toBe(state.nextCatalogEntryId);
  });
});

describe(`applications with LSP categories: at most ${MAX_APPLICATION_CATEGORIES}`, () => {
  it('WSCSetApplicationCategory refuses a new application at the bound, and still updates a known one', () => {
    const state = emptyCatalogState();
    for (let i = 0; i < MAX_APPLICATION_CATEGORIES; i++) {
      state.appCategories.push({ path: `app${i}.exe`, extra: '', permittedLspCategories: 1 });
    }
    const catalog = new Catalog(new MemoryCatalogStore(state));
    const lpErrno = out(0);
    expect(catalog.WSCSetApplicationCategory('new.exe', 7, null, 0, 2, null, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSA_NOT_ENOUGH_MEMORY);
    const previous = out(0);
    expect(catalog.WSCSetApplicationCategory('app7.exe', 8, null, 0, 2, previous, lpErrno)).toBe(0);
    expect(previous.value).toBe(1);
  });
});

describe(`provider path: at most MAX_PATH − 1 (${MAX_PATH - 1}) characters`, () => {
  const longest = `C:\\${'p'.repeat(MAX_PATH - 4)}`;
  const tooLong = `${longest}x`;

  it('WSCInstallProvider and WSCUpdateProvider take 259 characters and refuse 260 with WSAEINVAL', () => {
    expect(longest).toHaveLength(MAX_PATH - 1);
    const catalog = new Catalog();
    const lpErrno = out(0);
    expect(catalog.WSCInstallProvider(TCPIP_GUID, tooLong, [tcpInfo()], 1, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEINVAL);
    expect(catalog.WSCInstallProvider(TCPIP_GUID, longest, [tcpInfo()], 1, lpErrno)).toBe(0);
    expect(catalog.WSCUpdateProvider(TCPIP_GUID, tooLong, [tcpInfo()], 1, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEINVAL);
    const got = out('');
    const length = out(MAX_PATH);
    expect(catalog.WSCGetProviderPath(TCPIP_GUID, got, length, lpErrno)).toBe(0);
    expect([got.value, length.value]).toEqual([longest, MAX_PATH - 1]);
  });

  it('counts %VAR% strings as written (the stored path is unexpanded)', () => {
    const catalog = new Catalog();
    const lpErrno = out(0);
    const withVariable = `%SystemRoot%\\${'s'.repeat(MAX_PATH - 13)}`;
    expect(withVariable).toHaveLength(MAX_PATH);
    expect(catalog.WSCInstallProvider(TCPIP_GUID, withVariable, [tcpInfo()], 1, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSAEINVAL);
  });

  it('WSCInstallProviderAndChains refuses a 260-character path with WSAEINVAL', () => {
    const catalog = new Catalog();
    catalog.WSCInstallProvider(TCPIP_GUID, 'mswsock', [tcpInfo()], 1, out(0));
    const outcome = installProviderAndChains(catalog, {
      providerId: LSP_DUMMY_GUID,
      path: tooLong,
      lspName: 'Test LSP',
      serviceFlags: 0,
      protocols: null,
    });
    expect(outcome).toMatchObject({ ok: false, code: WSAEINVAL });
  });

  it('a file naming a longer path is invalid', () => {
    const state = stateWith(1);
    state.entries[0]!.path = tooLong;
    fs.writeFileSync(file, serializeCatalogState(state));
    expect(() => Catalog.openFile(file).entries()).toThrow(
      /entries\[0\]\.path: the provider path has 260 characters/,
    );
  });
});

describe(`the catalog file: at most ${MAX_CATALOG_FILE_BYTES} bytes`, () => {
  it('a larger file is refused as invalid before it is read, and catalog reset keeps the counter from its start', async () => {
    const state = stateWith(1);
    state.nextCatalogEntryId = 5000;
    fs.writeFileSync(file, serializeCatalogState(state));
    // Sparse: the file system allocates nothing for the rest.
    fs.truncateSync(file, MAX_CATALOG_FILE_BYTES + 1);
    let thrown: unknown;
    try {
      Catalog.openFile(file).entries();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CatalogStoreError);
    expect((thrown as CatalogStoreError).problem).toBe('invalid');
    expect((thrown as CatalogStoreError).message).toMatch(/bytes, more than any catalog takes/);
    await resetCatalog(Catalog.openFile(file), []);
    const repaired = Catalog.openFile(file);
    expect(repaired.WSCInstallProvider(OTHER_GUID, 'p', [tcpInfo()], 1, out(0))).toBe(0);
    expect(repaired.entries()[0]?.info.dwCatalogEntryId).toBe(5000);
  });
});
