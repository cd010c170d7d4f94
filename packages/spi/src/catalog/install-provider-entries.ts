import { WsaError } from '../errors/wsa-error';
import { out } from '../types/out-cell';
import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';
import type { Catalog } from './catalog';

/**
 * `WSCInstallProvider` for a provider package's own entries, the idiomatic way: installs `infos`
 * under `providerId` at `path` and returns the catalog entry IDs they were given, in order; throws
 * a `WsaError` with the catalog's code and reason when the install fails (`WSANO_RECOVERY` when the
 * ProviderId is already installed or the store cannot be written). What `nettcpip.inf` does for
 * `mswsock.dll` on Windows, for any provider.
 */
export function installProviderEntries(
  catalog: Catalog,
  providerId: string,
  path: string,
  infos: WSAPROTOCOL_INFOW[],
): number[] {
  const lpErrno = out(0);
  const before = new Set(catalog.entries().map((e) => e.info.dwCatalogEntryId));
  if (catalog.WSCInstallProvider(providerId, path, infos, infos.length, lpErrno) !== 0) {
    throw new WsaError(
      lpErrno.value,
      `WSCInstallProvider(${providerId}, '${path}') failed: ${catalog.lastFailureReason ?? 'no reason given'}`,
      { call: 'WSCInstallProvider', cause: catalog.lastStoreError },
    );
  }
  return catalog
    .entries()
    .filter((e) => e.info.ProviderId === providerId && !before.has(e.info.dwCatalogEntryId))
    .map((e) => e.info.dwCatalogEntryId);
}
