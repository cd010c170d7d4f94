import { importProviderModule } from '../dispatcher/import-provider-module';
import { Catalog } from './catalog';

/**
 * A provider package that belongs in the default catalog: the module to `import()` and the name of
 * its export that installs its entries, called as `install(catalog)` (sync or async; it reports
 * failure by throwing).
 */
export interface DefaultCatalogProvider {
  /** A package name (`@ws2spi/providers-tcp`) or a file path. */
  readonly module: string;
  /** The export to call with the catalog, e.g. `installTcpProviders`. */
  readonly install: string;
}

/**
 * The providers this repository ships, in the order their entries go into a fresh catalog — the
 * counterpart of the `msafd` entries `nettcpip.inf` puts into a fresh Windows catalog.
 */
export const DEFAULT_CATALOG_PROVIDERS: readonly DefaultCatalogProvider[] = [
  { module: '@ws2spi/providers-tcp', install: 'installTcpProviders' },
  { module: '@ws2spi/providers-osi', install: 'installOsiProviders' },
];

/** A default provider that could not be installed, and why. */
export interface DefaultProviderProblem extends DefaultCatalogProvider {
  /** Why the provider was not installed. */
  readonly reason: string;
}

/** What `installDefaultCatalog` did, provider by provider. */
export interface DefaultCatalogResult {
  /** Providers whose install function ran to completion. */
  readonly installed: DefaultCatalogProvider[];
  /** Providers whose module could not be loaded or does not export the install function. */
  readonly unavailable: DefaultProviderProblem[];
  /** Providers whose install function threw or rejected. */
  readonly failed: DefaultProviderProblem[];
  /** `resetCatalog` only: where a damaged catalog file was moved before it was rebuilt. */
  readonly recoveredFrom?: string;
}

type InstallFunction = (catalog: Catalog) => unknown;

/**
 * Installs the default providers into `catalog`, one module after the other, by `import()`ing each
 * module and calling its install function with the catalog. A module that is missing or lacks the
 * export, or an install function that throws, does not stop the others: each is reported in the
 * result instead.
 */
export async function installDefaultCatalog(
  catalog: Catalog,
  providers: readonly DefaultCatalogProvider[] = DEFAULT_CATALOG_PROVIDERS,
): Promise<DefaultCatalogResult> {
  const result: DefaultCatalogResult = { installed: [], unavailable: [], failed: [] };
  for (const provider of providers) {
    let loaded: Record<string, unknown>;
    try {
      loaded = await importProviderModule(provider.module);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      result.unavailable.push({ ...provider, reason: `cannot load ${provider.module}: ${reason}` });
      continue;
    }
    const install =
      loaded[provider.install] ?? (loaded.default as Record<string, unknown> | undefined)?.[provider.install];
    if (typeof install !== 'function') {
      result.unavailable.push({
        ...provider,
        reason: `${provider.module} does not export a function ${provider.install}`,
      });
      continue;
    }
    try {
      await (install as InstallFunction)(catalog);
      result.installed.push({ module: provider.module, install: provider.install });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      result.failed.push({ ...provider, reason: `${provider.install} failed: ${reason}` });
    }
  }
  return result;
}

/**
 * `netsh winsock reset`: removes every entry and installs the default catalog, as one write of the
 * store however many entries there were (`Catalog.resetEntries`). The default providers install
 * into a staging catalog first, then replace the catalog's entries with fresh IDs, so IDs stay
 * unused forever and `serial` moves on by one. Application categories are kept. A damaged catalog
 * file is moved aside first (`recoverDamaged`). Throws the `CatalogStoreError` when the store
 * fails; default providers that cannot be installed are reported in the result.
 */
export async function resetCatalog(
  catalog: Catalog,
  providers: readonly DefaultCatalogProvider[] = DEFAULT_CATALOG_PROVIDERS,
): Promise<DefaultCatalogResult> {
  const recoveredFrom = catalog.store.recoverDamaged?.();
  // Some other program's file, or one that cannot be read: fail before anything is loaded.
  catalog.snapshot();
  const staging = new Catalog();
  const result = await installDefaultCatalog(staging, providers);
  catalog.resetEntries(staging.entries());
  return recoveredFrom ? { ...result, recoveredFrom } : result;
}
