/**
 * Removing an LSP by the GUID of its layered entry without leaving an orphan — the Microsoft
 * sample's `-r` (`lspdel.cpp` in the Windows 7 SDK sample `netds/winsock/lsp`), through the catalog's public, Windows-shaped
 * functions:
 *
 * 1. find the LSP's layered entries (ChainLen 0 under the GUID) and its chain entries (every chain
 *    whose `ChainEntries[0]` is one of them);
 * 2. fix every *other* chain that runs through the LSP — another LSP layered above it — with
 *    `WSCUpdateProvider`: a reference to the layered entry is dropped (`[up, lsp, base]` →
 *    `[up, base]`), and a reference to one of the LSP's chain entries (the pre-Vista convention)
 *    is replaced by what that chain entry stood on (`[up, X, base]` with `X = [lsp, low, base]` →
 *    `[up, low, base]`); a chain left with fewer than two elements is removed instead;
 * 3. `WSCDeinstallProvider` for each chain entry's GUID, then for the LSP's GUID.
 *
 * IDs are never reused, so after installing and removing an LSP the catalog holds exactly the
 * entries (and IDs) it held before.
 * @module
 */

import type { Catalog } from '../catalog/catalog';
import { WSAEINVAL } from '../constants/error-codes';
import { NO_ERROR, SOCKET_ERROR } from '../constants/socket-api';
import { type GUID, isGuid } from '../types/guid';
import { type Out, out } from '../types/out-cell';
import {
  cloneProtocolInfo,
  isChainEntry,
  isLayeredEntry,
  type WSAPROTOCOL_INFOW,
} from '../types/protocol-info';
import { enumerateProviders } from './install-layered-provider-pre-vista';

/** What a removal changed. */
export interface RemovedLayeredProvider {
  /** IDs of the entries removed: the LSP's chain entries and layered entry. */
  readonly removedEntryIds: readonly number[];
  /** IDs of other LSPs' chain entries whose chains were fixed (`WSCUpdateProvider`). */
  readonly updatedEntryIds: readonly number[];
  /** GUIDs that were deinstalled. */
  readonly removedProviderIds: readonly GUID[];
}

/** The outcome of a removal. */
export type LayeredRemoveOutcome =
  | {
      /** The layer is gone. */
      readonly ok: true;
      /** What was removed. */
      readonly removed: RemovedLayeredProvider;
    }
  | {
      /** Nothing was removed. */
      readonly ok: false;
      /** The Winsock code (`WSAEINVAL`, `WSANO_RECOVERY` …). */
      readonly code: number;
      /** Why, in words. */
      readonly reason: string;
    };

function chainOf(info: WSAPROTOCOL_INFOW): number[] {
  return info.ProtocolChain.ChainEntries.slice(0, info.ProtocolChain.ChainLen);
}

/**
 * `chain` without the LSP: its layered IDs dropped, a reference to one of its chain entries
 * replaced by the rest of that chain entry's own chain.
 */
function withoutLayer(
  chain: readonly number[],
  layeredIds: ReadonlySet<number>,
  ownChains: ReadonlyMap<number, WSAPROTOCOL_INFOW>,
): number[] {
  const fixed: number[] = [];
  for (const id of chain) {
    if (layeredIds.has(id)) continue;
    const own = ownChains.get(id);
    if (own) {
      fixed.push(...withoutLayer(chainOf(own).slice(1), layeredIds, ownChains));
      break;
    }
    fixed.push(id);
  }
  return fixed;
}

/** Removes the LSP whose layered entry has the ProviderId `lspProviderId` (see the module comment). */
export function removeLayeredProviderChecked(catalog: Catalog, lspProviderId: GUID): LayeredRemoveOutcome {
  const fail = (code: number, reason: string): LayeredRemoveOutcome => ({ ok: false, code, reason });
  if (!isGuid(lspProviderId)) return fail(WSAEINVAL, `${JSON.stringify(lspProviderId)} is not a GUID`);
  const entries = enumerateProviders(catalog);
  if (!Array.isArray(entries)) return fail(entries.code, 'WSCEnumProtocols failed');
  const layered = entries.filter((info) => info.ProviderId === lspProviderId && isLayeredEntry(info));
  if (layered.length === 0) {
    return fail(
      WSAEINVAL,
      entries.some((info) => info.ProviderId === lspProviderId)
        ? `provider ${lspProviderId} has no layered (ChainLen 0) entry: it is not an LSP`
        : `provider ${lspProviderId} is not installed`,
    );
  }
  const layeredIds = new Set(layered.map((info) => info.dwCatalogEntryId));
  const ownChains = new Map(
    entries
      .filter((info) => isChainEntry(info) && layeredIds.has(info.ProtocolChain.ChainEntries[0]))
      .map((info) => [info.dwCatalogEntryId, info]),
  );
  const removedGuids = new Set<GUID>([...ownChains.values()].map((info) => info.ProviderId));
  removedGuids.delete(lspProviderId);

  // Step 2: fix the chains of other LSPs that run through this one.
  const fixedById = new Map<number, WSAPROTOCOL_INFOW | null>();
  for (const info of entries) {
    if (!isChainEntry(info) || ownChains.has(info.dwCatalogEntryId) || removedGuids.has(info.ProviderId))
      continue;
    if (info.ProviderId === lspProviderId) continue;
    const chain = chainOf(info);
    if (!chain.some((id) => layeredIds.has(id) || ownChains.has(id))) continue;
    const fixedChain = withoutLayer(chain, layeredIds, ownChains);
    if (fixedChain.length < 2) {
      fixedById.set(info.dwCatalogEntryId, null);
      continue;
    }
    const fixed = cloneProtocolInfo(info);
    fixed.ProtocolChain = { ChainLen: fixedChain.length, ChainEntries: fixedChain };
    fixedById.set(info.dwCatalogEntryId, fixed);
  }
  const lpErrno = out(0);
  const updated: number[] = [];
  const touchedGuids = new Set(
    entries.filter((info) => fixedById.has(info.dwCatalogEntryId)).map((info) => info.ProviderId),
  );
  const paths = new Map(catalog.entries().map((entry) => [entry.info.dwCatalogEntryId, entry.path]));
  const updates: { guid: GUID; owned: WSAPROTOCOL_INFOW[] }[] = [];
  for (const guid of touchedGuids) {
    const owned = entries.filter((info) => info.ProviderId === guid);
    if (owned.every((info) => fixedById.get(info.dwCatalogEntryId) === null)) {
      // Nothing of this provider survives the fix: it goes with the LSP.
      removedGuids.add(guid);
      continue;
    }
    if (owned.some((info) => fixedById.get(info.dwCatalogEntryId) === null)) {
      // WSCUpdateProvider cannot drop some of a provider's entries and keep others.
      return fail(
        WSAEINVAL,
        `provider ${guid} has chains that would be left empty and others that would not`,
      );
    }
    updates.push({ guid, owned });
  }
  for (const { guid, owned } of updates) {
    const list = owned.map((info) => fixedById.get(info.dwCatalogEntryId) ?? info);
    const path = paths.get(owned[0].dwCatalogEntryId) ?? '';
    if (catalog.WSCUpdateProvider(guid, path, list, list.length, lpErrno) !== 0) {
      return fail(lpErrno.value, catalog.lastFailureReason ?? `WSCUpdateProvider(${guid}) failed`);
    }
    updated.push(
      ...owned.filter((info) => fixedById.has(info.dwCatalogEntryId)).map((info) => info.dwCatalogEntryId),
    );
  }
  // Step 3: the chain entries' GUIDs, then the LSP itself.
  const removedIds = entries
    .filter((info) => removedGuids.has(info.ProviderId) || info.ProviderId === lspProviderId)
    .map((info) => info.dwCatalogEntryId);
  for (const guid of [...removedGuids, lspProviderId]) {
    if (catalog.WSCDeinstallProvider(guid, lpErrno) !== 0 && lpErrno.value !== WSAEINVAL) {
      return fail(lpErrno.value, catalog.lastFailureReason ?? `WSCDeinstallProvider(${guid}) failed`);
    }
  }
  return {
    ok: true,
    removed: {
      removedEntryIds: removedIds,
      updatedEntryIds: updated,
      removedProviderIds: [...removedGuids, lspProviderId],
    },
  };
}

/**
 * `removeLayeredProviderChecked` in the C shape: 0, or `SOCKET_ERROR` with the code in `lpErrno`
 * (`WSAEINVAL` for a GUID that is not an installed LSP's).
 */
export function removeLayeredProvider(catalog: Catalog, lspProviderId: GUID, lpErrno: Out<number>): number {
  const outcome = removeLayeredProviderChecked(catalog, lspProviderId);
  if (outcome.ok) return NO_ERROR;
  if (lpErrno) lpErrno.value = outcome.code;
  return SOCKET_ERROR;
}
