/**
 * The default catalog: installing the shipped providers by module specifier (with a fixture
 * provider module standing in for them), reporting modules that are missing or broken, `netsh
 * winsock reset`, and where the machine's catalog file lives.
 */

import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Catalog } from '../src/catalog/catalog';
import { serializeCatalogState } from '../src/catalog/catalog-file-format';
import { emptyCatalogState } from '../src/catalog/catalog-state';
import type { CatalogStore } from '../src/catalog/catalog-store';
import { CatalogStoreError } from '../src/catalog/catalog-store-error';
import type { DefaultCatalogProvider } from '../src/catalog/default-catalog';
import {
  DEFAULT_CATALOG_PROVIDERS,
  installDefaultCatalog,
  resetCatalog,
} from '../src/catalog/default-catalog';
import { defaultCatalogFile } from '../src/catalog/default-catalog-file';
import { JsonFileCatalogStore } from '../src/catalog/json-file-catalog-store';
import { LSP_SYSTEM } from '../src/constants/lsp-categories';
import { out } from '../src/types/out-cell';
import { ASYNC_FIXTURE_PROVIDER_GUID, FIXTURE_PROVIDER_GUID } from './fixtures/catalog/fixture-installers';
import { OTHER_GUID, TCPIP_GUID, tcpInfo, udpInfo } from './fixtures/catalog/protocol-infos';

const FIXTURE_MODULE = path.join(__dirname, 'fixtures', 'catalog', 'fixture-installers.ts');
const fixture = (install: string): DefaultCatalogProvider => ({ module: FIXTURE_MODULE, install });

describe('DEFAULT_CATALOG_PROVIDERS', () => {
  it('names the providers this repository ships, by package and install function', () => {
    expect(DEFAULT_CATALOG_PROVIDERS).toEqual([
      { module: '@ws2spi/providers-tcp', install: 'installTcpProviders' },
      { module: '@ws2spi/providers-osi', install: 'installOsiProviders' },
    ]);
  });

  it('installs without throwing, accounting for every shipped provider exactly once', async () => {
    // Whether the packages export their installers yet is their business; the default catalog
    // must report each one either way instead of crashing.
    const result = await installDefaultCatalog(new Catalog());
    const accounted = [...result.installed, ...result.unavailable, ...result.failed]
      .map((p) => p.module)
      .sort();
    expect(accounted).toEqual(['@ws2spi/providers-osi', '@ws2spi/providers-tcp']);
  });
});

describe('installDefaultCatalog', () => {
  it('imports each module and calls its install function with the catalog, in order', async () => {
    const catalog = new Catalog();
    const result = await installDefaultCatalog(catalog, [
      fixture('installFixtureProviders'),
      fixture('installAsyncFixtureProviders'),
    ]);
    expect(result).toEqual({
      installed: [fixture('installFixtureProviders'), fixture('installAsyncFixtureProviders')],
      unavailable: [],
      failed: [],
    });
    const entries = catalog.entries();
    expect(entries.map((e) => [e.info.ProviderId, e.info.dwCatalogEntryId, e.info.szProtocol])).toEqual([
      [FIXTURE_PROVIDER_GUID, 1001, 'Fixture [TCP]'],
      [FIXTURE_PROVIDER_GUID, 1002, 'Fixture [UDP]'],
      [ASYNC_FIXTURE_PROVIDER_GUID, 1003, 'Async fixture [TCP]'],
    ]);
  });

  it('reports a missing module, a missing export and a non-function export, and installs the rest', async () => {
    const catalog = new Catalog();
    const result = await installDefaultCatalog(catalog, [
      { module: '@ws2spi/no-such-provider-package', install: 'installThings' },
      fixture('installNothingByThisName'),
      fixture('notAnInstaller'),
      fixture('installFixtureProviders'),
    ]);
    expect(result.installed).toEqual([fixture('installFixtureProviders')]);
    expect(result.failed).toEqual([]);
    expect(result.unavailable.map((p) => [p.module, p.install])).toEqual([
      ['@ws2spi/no-such-provider-package', 'installThings'],
      [FIXTURE_MODULE, 'installNothingByThisName'],
      [FIXTURE_MODULE, 'notAnInstaller'],
    ]);
    expect(result.unavailable[0].reason).toMatch(/^cannot load @ws2spi\/no-such-provider-package: /);
    expect(result.unavailable[1].reason).toBe(
      `${FIXTURE_MODULE} does not export a function installNothingByThisName`,
    );
    expect(catalog.entries()).toHaveLength(2);
  });

  it('reports an install function that throws as failed', async () => {
    const catalog = new Catalog();
    const result = await installDefaultCatalog(catalog, [
      fixture('installBrokenProviders'),
      fixture('installFixtureProviders'),
    ]);
    expect(result.failed).toEqual([
      {
        ...fixture('installBrokenProviders'),
        reason: 'installBrokenProviders failed: fixture provider refuses to install',
      },
    ]);
    expect(result.installed).toEqual([fixture('installFixtureProviders')]);
  });

  it('reports an installer whose provider is already there as failed (WSANO_RECOVERY inside)', async () => {
    const catalog = new Catalog();
    await installDefaultCatalog(catalog, [fixture('installFixtureProviders')]);
    const again = await installDefaultCatalog(catalog, [fixture('installFixtureProviders')]);
    expect(again.failed[0].reason).toMatch(/WSCInstallProvider failed with 11003/);
    expect(catalog.entries()).toHaveLength(2);
  });
});

describe('resetCatalog (netsh winsock reset)', () => {
  it('removes every entry, installs the defaults with fresh IDs, and keeps application categories', async () => {
    const catalog = new Catalog();
    expect(catalog.WSCInstallProvider(TCPIP_GUID, 'old', [tcpInfo(), udpInfo()], 2, out(0))).toBe(0);
    expect(catalog.WSCInstallProvider(OTHER_GUID, 'lsp', [tcpInfo()], 1, out(0))).toBe(0);
    expect(catalog.WSCSetApplicationCategory('a.exe', 5, null, 0, LSP_SYSTEM, null, out(0))).toBe(0);
    const serial = catalog.serial;

    const result = await resetCatalog(catalog, [fixture('installFixtureProviders')]);
    expect(result.installed).toEqual([fixture('installFixtureProviders')]);
    const entries = catalog.entries();
    expect(entries.map((e) => [e.info.ProviderId, e.info.dwCatalogEntryId])).toEqual([
      [FIXTURE_PROVIDER_GUID, 1004],
      [FIXTURE_PROVIDER_GUID, 1005],
    ]);
    // One write for all of it: the removals and the installs (issue 12, fault 3).
    expect(catalog.serial).toBe(serial + 1);
    const permitted = out(0);
    expect(catalog.WSCGetApplicationCategory('a.exe', 5, null, 0, permitted, out(0))).toBe(0);
    expect(permitted.value).toBe(LSP_SYSTEM);
  });

  it('replaces 1,000 providers in a catalog file with one write (issue 12, fault 3)', async () => {
    const dir = fs.mkdtempSync(path.join(tmpdir(), 'ws2spi-reset-'));
    try {
      const file = path.join(dir, 'catalog.json');
      const state = emptyCatalogState();
      for (let i = 0; i < 1000; i++) {
        const id = state.nextCatalogEntryId++;
        const guid = `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
        const info = { ...tcpInfo(), ProviderId: guid, dwCatalogEntryId: id };
        info.ProtocolChain = { ChainLen: 1, ChainEntries: [id] };
        state.entries.push({ path: 'mswsock', info, lspCategories: 0 });
      }
      fs.writeFileSync(file, serializeCatalogState(state));
      const store = new CountingStore(new JsonFileCatalogStore(file));
      const catalog = new Catalog(store);

      const result = await resetCatalog(catalog, [fixture('installFixtureProviders')]);
      expect(result.installed).toEqual([fixture('installFixtureProviders')]);
      expect(store.writes).toBe(1);
      const after = Catalog.openFile(file);
      expect(after.serial).toBe(state.serial + 1);
      expect(after.entries().map((e) => [e.info.ProviderId, e.info.dwCatalogEntryId])).toEqual([
        [FIXTURE_PROVIDER_GUID, 2001],
        [FIXTURE_PROVIDER_GUID, 2002],
      ]);
      expect(fs.readdirSync(dir)).toEqual(['catalog.json']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('renumbers the new entries and their chains when another writer moved the ID counter meanwhile', async () => {
    const catalog = new Catalog();
    catalog.WSCInstallProvider(TCPIP_GUID, 'old', [tcpInfo()], 1, out(0));
    // The defaults are staged after the module import; meanwhile another writer takes 1002 and 1003.
    const staged = resetCatalog(catalog, [fixture('installFixtureLayeredProviders')]);
    catalog.WSCInstallProvider(OTHER_GUID, 'other', [tcpInfo(), udpInfo()], 2, out(0));
    await staged;
    const layout = catalog
      .entries()
      .map(({ info }) => [info.dwCatalogEntryId, info.szProtocol, info.ProtocolChain.ChainEntries]);
    // Chains first (WSCInstallProviderAndChains puts them on top), the layered entry last.
    expect(layout).toEqual([
      [1007, 'Fixture LSP over [Fixture [TCP]]', [1006, 1004]],
      [1008, 'Fixture LSP over [Fixture [UDP]]', [1006, 1005]],
      [1004, 'Fixture [TCP]', [1004]],
      [1005, 'Fixture [UDP]', [1005]],
      [1006, 'Fixture LSP', []],
    ]);
    expect(catalog.snapshot().serial).toBe(4);
  });

  it('leaves an empty catalog when no default provider is available, and says so', async () => {
    const catalog = new Catalog();
    catalog.WSCInstallProvider(TCPIP_GUID, 'old', [tcpInfo()], 1, out(0));
    const result = await resetCatalog(catalog, [
      { module: '@ws2spi/no-such-provider-package', install: 'x' },
    ]);
    expect(catalog.entries()).toEqual([]);
    expect(result.unavailable).toHaveLength(1);
  });

  it('moves a damaged (not JSON) catalog file aside and rebuilds it', async () => {
    const dir = fs.mkdtempSync(path.join(tmpdir(), 'ws2spi-reset-'));
    try {
      const file = path.join(dir, 'catalog.json');
      fs.writeFileSync(file, 'garbage');
      const result = await resetCatalog(Catalog.openFile(file), []);
      expect(result.recoveredFrom).toMatch(/catalog\.json\.damaged-/);
      expect(fs.readFileSync(result.recoveredFrom!, 'utf8')).toBe('garbage');
      expect(Catalog.openFile(file).entries()).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects with the CatalogStoreError, touching nothing, when the file is some other program’s', async () => {
    const dir = fs.mkdtempSync(path.join(tmpdir(), 'ws2spi-reset-'));
    try {
      const file = path.join(dir, 'catalog.json');
      fs.writeFileSync(file, '{"theirs": true}');
      await expect(resetCatalog(Catalog.openFile(file), [])).rejects.toThrow(CatalogStoreError);
      expect(fs.readFileSync(file, 'utf8')).toBe('{"theirs": true}');
      expect(fs.readdirSync(dir)).toEqual(['catalog.json']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A store that counts the writes it commits. */
class CountingStore implements CatalogStore {
  writes = 0;
  constructor(private readonly inner: CatalogStore) {}
  get location(): string {
    return this.inner.location;
  }
  read() {
    return this.inner.read();
  }
  update(mutate: Parameters<CatalogStore['update']>[0]): boolean {
    const written = this.inner.update(mutate);
    if (written) this.writes++;
    return written;
  }
  recoverDamaged(): string | undefined {
    return this.inner.recoverDamaged?.();
  }
}

describe('defaultCatalogFile', () => {
  const home = '/home/ada';

  it.each<[string, Record<string, string>, NodeJS.Platform, string]>([
    [
      'WS2SPI_CATALOG first',
      { WS2SPI_CATALOG: '/etc/ws2spi.json', XDG_CONFIG_HOME: '/x' },
      'linux',
      '/etc/ws2spi.json',
    ],
    ['then XDG_CONFIG_HOME', { XDG_CONFIG_HOME: '/xdg' }, 'linux', '/xdg/ws2spi/catalog.json'],
    ['then ~/.config', {}, 'linux', '/home/ada/.config/ws2spi/catalog.json'],
    [
      'an empty variable counts as unset',
      { WS2SPI_CATALOG: '', XDG_CONFIG_HOME: '' },
      'darwin',
      '/home/ada/.config/ws2spi/catalog.json',
    ],
    [
      '%APPDATA% on Windows',
      { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' },
      'win32',
      'C:\\Users\\ada\\AppData\\Roaming\\ws2spi\\catalog.json',
    ],
    [
      'WS2SPI_CATALOG on Windows too',
      { WS2SPI_CATALOG: 'D:\\c.json', APPDATA: 'C:\\A' },
      'win32',
      'D:\\c.json',
    ],
  ])('%s', (_name, env, platform, expected) => {
    expect(defaultCatalogFile({ env, platform, homedir: home })).toBe(expected);
  });
});
