/**
 * Installing the OSI provider's entries in a catalog, as one `WSCInstallProvider` call.
 * @module
 */

import { type Catalog, installProviderEntries } from '@ws2spi/spi';
import { OSI_PROVIDER_ID, osiProtocolInfos } from './osi-protocol-infos';

/**
 * The provider path the entries name by default: this package, which the dispatcher `import()`s to
 * find its `WSPStartup` (the provider over the machine's real TCP).
 */
export const OSI_PROVIDER_PATH = '@ws2spi/providers-osi';

/** Options of `installOsiProviders`. */
export interface InstallOsiProvidersOptions {
  /**
   * The provider path of the entries (default `OSI_PROVIDER_PATH`). Give a name registered with
   * `registerProvider(container, path, WSPStartup)` to serve the entries from a provider made by
   * `createOsiProvider` (over `SimNetwork`, or with other timeouts).
   */
  path?: string;
  /** The `ProviderId` of the entries (default `OSI_PROVIDER_ID`). */
  providerId?: string;
}

/**
 * Installs the TP2 and TP0 entries (`osiProtocolInfos`) with `WSCInstallProvider` and returns their
 * new catalog entry IDs in that order. Throws a `WsaError` with the catalog's code when the install
 * fails (`WSANO_RECOVERY` when the `ProviderId` is already installed or the store cannot be written).
 * The default catalog calls it.
 */
export function installOsiProviders(catalog: Catalog, options: InstallOsiProvidersOptions = {}): number[] {
  const providerId = options.providerId ?? OSI_PROVIDER_ID;
  const path = options.path ?? OSI_PROVIDER_PATH;
  return installProviderEntries(catalog, providerId, path, osiProtocolInfos(providerId));
}
