/**
 * `installInMemoryProvider`: one call that makes an in-memory provider usable by a `Ws2` process —
 * its `WSPStartup` registered in the process's DI container under a provider path, and its entries
 * installed in the catalog with `WSCInstallProvider`.
 * @module
 */

import type { DependencyContainer } from 'tsyringe';
import type { Catalog } from '../../catalog/catalog';
import { installProviderEntries } from '../../catalog/install-provider-entries';
import { registerProvider } from '../../dispatcher/provider-registry';
import type { GUID } from '../../types/guid';
import { cloneProtocolInfo, type WSAPROTOCOL_INFOW } from '../../types/protocol-info';
import { createInMemoryProvider, type InMemoryProviderOptions } from './create-in-memory-provider';
import {
  type InMemoryProtocolOptions,
  inMemoryProtocolInfos,
  inMemoryProviderId,
} from './in-memory-protocol-infos';

/** Everything `installInMemoryProvider` needs. */
export interface InstallInMemoryProviderOptions extends InMemoryProviderOptions, InMemoryProtocolOptions {
  /** The provider path in the catalog (a DI registration name); default `in-memory:<ProviderId>`. */
  path?: string;
}

/** What was installed. */
export interface InstalledInMemoryProvider {
  /** The entries' `ProviderId`. */
  providerId: GUID;
  /** The provider path the entries name (registered in the container). */
  path: string;
  /** The entries as installed (with their catalog entry IDs), in catalog order. */
  protocolInfos: WSAPROTOCOL_INFOW[];
}

/**
 * Registers the provider in `container` and installs its entries in `catalog`. Throws a `WsaError`
 * with the catalog's code when `WSCInstallProvider` fails (e.g. the ProviderId is already installed).
 *
 * @example
 * const proc = await createLayeredProcess({
 *   bases: (catalog, container) => installInMemoryProvider(catalog, container, { network, host: 'a', families: [4] }),
 * });
 */
export function installInMemoryProvider(
  catalog: Catalog,
  container: DependencyContainer,
  options: InstallInMemoryProviderOptions,
): InstalledInMemoryProvider {
  const providerId = inMemoryProviderId(options);
  const path = options.path ?? `in-memory:${providerId}`;
  const infos = inMemoryProtocolInfos(options);
  const provider = createInMemoryProvider({ ...options, handles: options.handles ?? 'ifs' });
  registerProvider(container, path, provider.WSPStartup);
  const ids = new Set(installProviderEntries(catalog, providerId, path, infos));
  const protocolInfos = catalog
    .entries()
    .filter((entry) => ids.has(entry.info.dwCatalogEntryId))
    .map((entry) => cloneProtocolInfo(entry.info));
  return { providerId, path, protocolInfos };
}
