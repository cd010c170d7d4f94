/**
 * Installing an LSP the long way, as the Microsoft sample does before Vista (`lspadd.cpp`
 * in the Windows 7 SDK sample `netds/winsock/lsp`): only `WSCInstallProvider`, `WSCEnumProtocols` and `WSCWriteProviderOrder`.
 *
 * 1. `CreateDummyEntry`: the layered entry is a copy of the first target (`layeredEntryFor`),
 *    installed alone under the LSP's GUID — an ID exists only after installation.
 * 2. Re-enumerate to learn the layered entry's ID.
 * 3. `InstallNonIfsLspProtocolChains`: per target, a copy named `"<LSP> over [<target>]"` whose
 *    chain is the target's shifted right with the layered ID in front and **`ChainEntries[1]`
 *    forced to the target's own catalog ID** — so over another LSP's chain entry `X = [d, base]`
 *    the new chain is `[dummy, X, base]` (a convention a layer must accept besides `[dummy, dummyX, base]`,
 *    see `protocol-chain-walk.ts`).
 *    Each gets a new GUID and is installed alone. A target whose chain already has
 *    `MAX_PROTOCOL_CHAIN - 1` entries is refused (`WSANO_RECOVERY`, the sample's "Too many LSPs
 *    installed"), and so is an ID not in the catalog (`WSAEINVAL`).
 * 4. `ReorderCatalog`: every entry whose chain contains the layered ID first, the rest after, in
 *    their order — one `WSCWriteProviderOrder`.
 *
 * If installing the chains fails, the layered entry (and any chain entry already written) is
 * removed again, as the sample does. With `ifs: true` the entries keep `XP1_IFS_HANDLES`; the
 * sample's extra IFS step — rewriting other LSPs' chains so the IFS layer sits below every non-IFS
 * one — is not done.
 * @module
 */

import { randomUUID } from 'node:crypto';
import type { Catalog } from '../catalog/catalog';
import { WSAEINVAL, WSAENOBUFS, WSANO_RECOVERY } from '../constants/error-codes';
import { XP1_IFS_HANDLES } from '../constants/service-flags';
import { MAX_PROTOCOL_CHAIN, SOCKET_ERROR } from '../constants/socket-api';
import type { GUID } from '../types/guid';
import { out } from '../types/out-cell';
import { cloneProtocolInfo, isBaseEntry, type WSAPROTOCOL_INFOW } from '../types/protocol-info';
import { chainEntryName, type LayeredInstallOutcome, layeredEntryFor } from './install-provider-and-chains';

/** What the pre-Vista installer is asked to do (the sample's `-i -o ID … -n NAME -d PATH [-h]`). */
export interface PreVistaInstallOptions {
  /** The LSP's GUID (its layered entry's `ProviderId`). */
  providerId: GUID;
  /** The provider path of every entry written: the layer's module or registered name. */
  path: string;
  /** The layered entry's `szProtocol`; chain entries are named `<lspName> over [<target>]`. */
  lspName: string;
  /** The catalog entry IDs to layer over (base or chain entries). */
  targetIds: readonly number[];
  /** Keep `XP1_IFS_HANDLES` on the entries (an IFS LSP). */
  ifs?: boolean;
}

/** Every catalog entry through `WSCEnumProtocols`, as the sample's `EnumerateProviders` gets them. */
export function enumerateProviders(catalog: Catalog):
  | WSAPROTOCOL_INFOW[]
  | {
      /** The `lpErrno` of the failed `WSCEnumProtocols`. */
      code: number;
    } {
  const length = out(0);
  const lpErrno = out(0);
  const buffer: WSAPROTOCOL_INFOW[] = [];
  let count = catalog.WSCEnumProtocols(null, null, length, lpErrno);
  if (count === SOCKET_ERROR && lpErrno.value !== WSAENOBUFS) {
    return { code: lpErrno.value };
  }
  count = catalog.WSCEnumProtocols(null, buffer, length, lpErrno);
  if (count === SOCKET_ERROR) return { code: lpErrno.value };
  return buffer;
}

/** `InsertIdIntoProtocolChain(entry, 0, id)` followed by `ChainEntries[1] = target ID` (`lspadd.cpp`). */
function preVistaChainEntry(target: WSAPROTOCOL_INFOW, layeredId: number, lspName: string, ifs: boolean) {
  const info = cloneProtocolInfo(target);
  const old = isBaseEntry(target)
    ? [target.dwCatalogEntryId]
    : target.ProtocolChain.ChainEntries.slice(0, target.ProtocolChain.ChainLen);
  const shifted = [layeredId, ...old];
  shifted[1] = target.dwCatalogEntryId;
  info.ProtocolChain = { ChainLen: shifted.length, ChainEntries: shifted };
  if (!ifs) info.dwServiceFlags1 = (info.dwServiceFlags1 & ~XP1_IFS_HANDLES) >>> 0;
  info.szProtocol = chainEntryName(lspName, target.szProtocol);
  return info;
}

/**
 * Installs an LSP over `targetIds` the pre-Vista way (see the module comment). Returns what was
 * installed, or the code and reason of the step that failed.
 */
export function installLayeredProviderPreVista(
  catalog: Catalog,
  options: PreVistaInstallOptions,
): LayeredInstallOutcome {
  const ifs = options.ifs ?? false;
  const lpErrno = out(0);
  const fail = (code: number, reason: string): LayeredInstallOutcome => ({ ok: false, code, reason });
  if (options.targetIds.length === 0) return fail(WSAEINVAL, 'no catalog entry to layer over');
  let catalogEntries = enumerateProviders(catalog);
  if (!Array.isArray(catalogEntries)) return fail(catalogEntries.code, 'WSCEnumProtocols failed');
  const targets: WSAPROTOCOL_INFOW[] = [];
  for (const id of options.targetIds) {
    const target = catalogEntries.find((info) => info.dwCatalogEntryId === id);
    if (!target) return fail(WSAEINVAL, `catalog entry ${id} does not exist`);
    if (target.ProtocolChain.ChainLen >= MAX_PROTOCOL_CHAIN - 1) {
      return fail(
        WSANO_RECOVERY,
        `entry ${id}: too many LSPs installed (ChainLen ${target.ProtocolChain.ChainLen})`,
      );
    }
    targets.push(target);
  }
  // Steps 1-2: the layered entry, then its ID.
  const dummy = layeredEntryFor(targets[0], options.lspName, ifs);
  if (catalog.WSCInstallProvider(options.providerId, options.path, [dummy], 1, lpErrno) !== 0) {
    return fail(
      lpErrno.value,
      catalog.lastFailureReason ?? 'WSCInstallProvider failed for the layered entry',
    );
  }
  catalogEntries = enumerateProviders(catalog);
  const layered = Array.isArray(catalogEntries)
    ? catalogEntries.find((info) => info.ProviderId === options.providerId)
    : undefined;
  const installedChains: GUID[] = [];
  const undo = (code: number, reason: string): LayeredInstallOutcome => {
    for (const guid of installedChains) catalog.WSCDeinstallProvider(guid, out(0));
    catalog.WSCDeinstallProvider(options.providerId, out(0));
    return fail(code, reason);
  };
  if (!layered) return undo(WSANO_RECOVERY, 'the layered entry is not in the catalog after installing it');
  // Step 3: one chain entry per target, each under its own GUID.
  for (const target of targets) {
    const guid = randomUUID();
    const chain = preVistaChainEntry(target, layered.dwCatalogEntryId, options.lspName, ifs);
    if (catalog.WSCInstallProvider(guid, options.path, [chain], 1, lpErrno) !== 0) {
      return undo(lpErrno.value, catalog.lastFailureReason ?? 'WSCInstallProvider failed for a chain entry');
    }
    installedChains.push(guid);
  }
  // Step 4: ReorderACatalog — entries whose chain contains the layered ID go first.
  const after = enumerateProviders(catalog);
  if (!Array.isArray(after)) return undo(after.code, 'WSCEnumProtocols failed');
  const inChain = (info: WSAPROTOCOL_INFOW) =>
    info.ProtocolChain.ChainLen > 1 &&
    info.ProtocolChain.ChainEntries.slice(0, info.ProtocolChain.ChainLen).includes(layered.dwCatalogEntryId);
  const order = [...after.filter(inChain), ...after.filter((info) => !inChain(info))].map(
    (info) => info.dwCatalogEntryId,
  );
  const code = catalog.WSCWriteProviderOrder(order, order.length);
  if (code !== 0) return undo(code, catalog.lastFailureReason ?? 'WSCWriteProviderOrder failed');
  const chains = after.filter(inChain);
  return {
    ok: true,
    installed: {
      providerId: options.providerId,
      layeredEntryId: layered.dwCatalogEntryId,
      chainEntryIds: chains.map((info) => info.dwCatalogEntryId),
      chainProviderIds: chains.map((info) => info.ProviderId),
    },
  };
}
