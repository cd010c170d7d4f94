/**
 * Installing the TCP/IP provider's entries in a catalog: what `nettcpip.inf` does for `mswsock.dll`
 * on Windows, as one `WSCInstallProvider` call.
 * @module
 */

import { type Catalog, installProviderEntries } from '@ws2spi/spi';
import { MSAFD_TCPIP_PROVIDER_ID, tcpProtocolInfos } from './msafd-tcpip-entries';

/**
 * The provider path the entries name by default: this package, which the dispatcher `import()`s to
 * find its `WSPStartup` (the real-network provider).
 */
export const TCP_PROVIDER_PATH = '@ws2spi/providers-tcp';

/** Options of `installTcpProviders`. */
export interface InstallTcpProvidersOptions {
  /**
   * The provider path of the entries (default `TCP_PROVIDER_PATH`). Give a name registered with
   * `registerProvider(container, path, WSPStartup)` to serve the entries from a provider made by
   * `createTcpProvider` (over `SimNetwork`, for instance).
   */
  path?: string;
  /** The `ProviderId` of the four entries (default `MSAFD_TCPIP_PROVIDER_ID`). */
  providerId?: string;
}

/**
 * Installs `MSAFD Tcpip [TCP/IP]`, `[UDP/IP]`, `[TCP/IPv6]` and `[UDP/IPv6]` with
 * `WSCInstallProvider`, and returns their new catalog entry IDs in that order. Throws a
 * `WsaError` with the catalog's code when the install fails (`WSANO_RECOVERY` when the
 * `ProviderId` is already installed or the store cannot be written).
 */
export function installTcpProviders(catalog: Catalog, options: InstallTcpProvidersOptions = {}): number[] {
  const providerId = options.providerId ?? MSAFD_TCPIP_PROVIDER_ID;
  const path = options.path ?? TCP_PROVIDER_PATH;
  return installProviderEntries(catalog, providerId, path, tcpProtocolInfos(providerId));
}
