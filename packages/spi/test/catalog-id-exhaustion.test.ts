/**
 * The catalog's ID counter at the end of the DWORD range (issue 12, fault 2): Windows never hands
 * out an ID past 0xFFFFFFFF. An install that would need one fails with `WSA_NOT_ENOUGH_MEMORY` and
 * changes nothing; no writer ever puts a file on disk that the reader refuses; and a file that an
 * older version left with a counter past the range is repaired by `catalog reset`.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { installProviderAndChains } from '../src';
import { Catalog } from '../src/catalog/catalog';
import { LAST_CATALOG_ENTRY_ID } from '../src/catalog/catalog-capacity';
import {
  CATALOG_FILE_FORMAT,
  CATALOG_FILE_VERSION,
  serializeCatalogState,
} from '../src/catalog/catalog-file-format';
import { emptyCatalogState } from '../src/catalog/catalog-state';
import { CatalogStoreError } from '../src/catalog/catalog-store-error';
import { resetCatalog } from '../src/catalog/default-catalog';
import { JsonFileCatalogStore } from '../src/catalog/json-file-catalog-store';
import { MemoryCatalogStore } from '../src/catalog/memory-catalog-store';
import { WSA_NOT_ENOUGH_MEMORY } from '../src/constants/error-codes';
import { SOCKET_ERROR } from '../src/constants/socket-api';
import { out } from '../src/types/out-cell';
import { CliSandbox } from './fixtures/catalog/cli-harness';
import { FIXTURE_PROVIDER_GUID } from './fixtures/catalog/fixture-installers';
import { OTHER_GUID, TCPIP_GUID, tcpInfo, udpInfo } from './fixtures/catalog/protocol-infos';

const LSP_GUID = 'aaaaaaaa-0000-4000-8000-000000000001';
const FIXTURE_MODULE = require.resolve('./fixtures/catalog/fixture-installers');
const fixtureDefaults = [{ module: FIXTURE_MODULE, install: 'installFixtureProviders' }];

let dir: string;
let file: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(tmpdir(), 'ws2spi-ids-'));
  file = path.join(dir, 'catalog.json');
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A valid catalog file with one TCP entry and the counter at `next`. */
function fileWithCounterAt(next: number): string {
  const state = emptyCatalogState();
  state.serial = 7;
  state.nextCatalogEntryId = next;
  const info = { ...tcpInfo(), ProviderId: TCPIP_GUID, dwCatalogEntryId: 1001 };
  info.ProtocolChain = { ChainLen: 1, ChainEntries: [1001] };
  state.entries.push({ path: 'mswsock', info, lspCategories: 0 });
  const text = serializeCatalogState(state);
  fs.writeFileSync(file, text);
  return text;
}

describe('an exhausted ID counter', () => {
  it('refuses WSCInstallProvider with WSA_NOT_ENOUGH_MEMORY and leaves the file exactly as it was', () => {
    const before = fileWithCounterAt(0xffffffff);
    const catalog = Catalog.openFile(file);
    const lpErrno = out(0);
    expect(catalog.WSCInstallProvider(OTHER_GUID, 'p', [tcpInfo()], 1, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSA_NOT_ENOUGH_MEMORY);
    expect(catalog.lastStoreError).toBeUndefined();
    expect(catalog.lastFailureReason).toMatch(/IDs are exhausted/);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    // Still readable: WSAStartup, `catalog show` and `verify` work on it.
    expect(Catalog.openFile(file).entries()).toHaveLength(1);
  });

  it('hands out the last ID, 0xFFFFFFFE, and refuses an install that needs one more', () => {
    fileWithCounterAt(LAST_CATALOG_ENTRY_ID - 1);
    const catalog = Catalog.openFile(file);
    const lpErrno = out(0);
    // Two entries need 0xFFFFFFFD and 0xFFFFFFFE: they fit.
    expect(catalog.WSCInstallProvider(OTHER_GUID, 'p', [tcpInfo(), udpInfo()], 2, lpErrno)).toBe(0);
    expect(catalog.entries().map((e) => e.info.dwCatalogEntryId)).toEqual([1001, 0xfffffffd, 0xfffffffe]);
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).nextCatalogEntryId).toBe(0xffffffff);
    expect(catalog.WSCInstallProvider(LSP_GUID, 'q', [tcpInfo()], 1, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSA_NOT_ENOUGH_MEMORY);
    expect(Catalog.openFile(file).entries()).toHaveLength(3);
  });

  it('refuses in a memory catalog the same way (no ID past the DWORD range there either)', () => {
    const state = emptyCatalogState();
    state.nextCatalogEntryId = 0xffffffff;
    const catalog = new Catalog(new MemoryCatalogStore(state));
    const lpErrno = out(0);
    expect(catalog.WSCInstallProvider(OTHER_GUID, 'p', [tcpInfo()], 1, lpErrno)).toBe(SOCKET_ERROR);
    expect(lpErrno.value).toBe(WSA_NOT_ENOUGH_MEMORY);
    expect(catalog.entries()).toEqual([]);
  });

  it('refuses WSCInstallProviderAndChains, which hands out IDs of its own, the same way', () => {
    fileWithCounterAt(0xffffffff);
    const catalog = Catalog.openFile(file);
    const outcome = installProviderAndChains(catalog, {
      providerId: LSP_GUID,
      path: 'lsp',
      lspName: 'Test LSP',
      serviceFlags: 0,
      protocols: null,
    });
    expect(outcome).toMatchObject({ ok: false, code: WSA_NOT_ENOUGH_MEMORY });
    expect(Catalog.openFile(file).entries()).toHaveLength(1);
  });
});

describe('the file store never writes what it would refuse to read', () => {
  it('refuses a state with the counter past the DWORD range, leaving the file as it was', () => {
    const before = fileWithCounterAt(0xffffffff);
    const store = new JsonFileCatalogStore(file);
    let thrown: unknown;
    try {
      store.update((state) => {
        state.nextCatalogEntryId = 0x100000000;
        return true;
      });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CatalogStoreError);
    expect((thrown as CatalogStoreError).problem).toBe('invalid');
    expect((thrown as CatalogStoreError).message).toMatch(/refusing to write .*nextCatalogEntryId/);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['catalog.json']);
  });
});

describe('a file whose counter is past the DWORD range (written by an older ws2spi)', () => {
  function writeOverflowedFile(): void {
    const document = {
      format: CATALOG_FILE_FORMAT,
      version: CATALOG_FILE_VERSION,
      serial: 9,
      nextCatalogEntryId: 4294967296,
      entries: [],
      appCategories: [],
    };
    fs.writeFileSync(file, JSON.stringify(document));
  }

  it('is refused on read, and repaired by catalog reset, which numbers the rebuilt catalog from 1001', async () => {
    writeOverflowedFile();
    expect(() => Catalog.openFile(file).entries()).toThrow(/nextCatalogEntryId/);
    const result = await resetCatalog(Catalog.openFile(file), fixtureDefaults);
    expect(result.recoveredFrom).toMatch(/catalog\.json\.damaged-/);
    expect(result.installed).toEqual(fixtureDefaults);
    const repaired = Catalog.openFile(file);
    expect(repaired.entries().map((e) => [e.info.ProviderId, e.info.dwCatalogEntryId])).toEqual([
      [FIXTURE_PROVIDER_GUID, 1001],
      [FIXTURE_PROVIDER_GUID, 1002],
    ]);
    // And it stays usable: the next install gets the next ID.
    expect(repaired.WSCInstallProvider(OTHER_GUID, 'p', [tcpInfo()], 1, out(0))).toBe(0);
    expect(repaired.entries().at(-1)?.info.dwCatalogEntryId).toBe(1003);
  });

  it('through the CLI: show and verify name the problem, reset repairs it, show and verify pass again', async () => {
    const sandbox = new CliSandbox(fixtureDefaults);
    try {
      writeOverflowedFile();
      expect((await sandbox.run(['catalog', 'show', '--catalog', file])).status).toBe(1);
      expect((await sandbox.run(['catalog', 'verify', '--catalog', file])).status).toBe(1);
      const reset = await sandbox.run(['catalog', 'reset', '--catalog', file]);
      expect(reset).toMatchObject({ status: 0, stderr: '' });
      expect(reset.stdout).toMatch(/was damaged: moved to .* and rebuilt/);
      expect((await sandbox.run(['catalog', 'show', '--catalog', file])).status).toBe(0);
      expect((await sandbox.run(['catalog', 'verify', '--catalog', file])).status).toBe(0);
    } finally {
      sandbox.dispose();
    }
  });

  it('an exhausted but valid file is reset the same way: every entry goes, the defaults get 1001 on', async () => {
    fileWithCounterAt(0xffffffff);
    const result = await resetCatalog(Catalog.openFile(file), fixtureDefaults);
    expect(result.recoveredFrom).toBeUndefined();
    const ids = Catalog.openFile(file)
      .entries()
      .map((e) => e.info.dwCatalogEntryId);
    expect(ids).toEqual([1001, 1002]);
  });
});
