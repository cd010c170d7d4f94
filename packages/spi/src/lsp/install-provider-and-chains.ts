/**
 * `WSCInstallProviderAndChains` (ws2spi.h, Vista+): installs a layered service provider and its
 * protocol chains in one call, over the catalog's public store (one atomic update).
 *
 * What it writes (Microsoft Learn: "WSCInstallProviderAndChains function (ws2spi.h)"; the entry
 * contents as the Windows 7 SDK LSP sample's `lspadd.cpp` builds them):
 * - the LSP's **layered entry** (its hidden "dummy", ChainLen 0) under `lpProviderId`, named
 *   `lpszLspName`: a copy of the first target entry with `iSocketType` and `iProtocol` 0,
 *   `PFL_HIDDEN` set and `PFL_MATCHES_PROTOCOL_ZERO` cleared, and `XP1_IFS_HANDLES` as
 *   `dwServiceFlags` says — as the Microsoft sample's `CreateDummyEntry` builds it;
 * - one **chain entry** per target, each under its own new GUID (so the dispatcher starts the
 *   layer once per chain entry), named `"<LSP> over [<target>]"`: a copy of the target whose chain
 *   is the dummy's ID followed by the target's chain (`[dummy, base]` over a base entry,
 *   `[dummy, lowerDummy, …, base]` over an existing chain), with `XP1_IFS_HANDLES` cleared for a
 *   non-IFS LSP;
 * - then reorders the catalog so the new chain entries come first (in target order), ahead of
 *   every other entry, which keep their order; the layered entry is appended with the IDs.
 *
 * Targets: a NULL list means every base entry whose (af, type, protocol) is the first of its kind
 * in catalog order ("each unique protocol type", so no unreachable duplicate is layered); a list
 * selects, per element, the top-most base or chain entry with exactly that triple (only
 * `iAddressFamily`, `iSocketType` and `iProtocol` are read; duplicates are ignored).
 *
 * Errors, in the order they are checked: `lpProviderId` NULL or not a GUID, `lpszProviderDllPath`
 * NULL/empty/with NUL, `lpszLspName` NULL/empty/longer than `WSAPROTOCOL_LEN`/with NUL,
 * `dwServiceFlags` other than 0 or `XP1_IFS_HANDLES`, a list with `dwNumberOfEntries` 0 or an
 * element whose triple is not three ints → `WSAEINVAL`; `dwNumberOfEntries` larger than the list
 * or a missing element → `WSAEFAULT`; then against the catalog: the GUID or the LSP name already
 * installed → `WSAEINVAL` (the docs list duplicate IDs and names under `WSAEINVAL`); a NULL list
 * and no base entry → `WSANO_RECOVERY`; an element with no matching entry → `WSAEINVAL`; a target
 * whose chain is already `MAX_PROTOCOL_CHAIN` (7) long → `WSANO_RECOVERY`; no room or no catalog
 * entry IDs left for the new entries → `WSA_NOT_ENOUGH_MEMORY`; store failure → `WSANO_RECOVERY`.
 * Nothing is written unless every check passes.
 *
 * An IFS LSP is layered over the targets like any other: it is not moved below non-IFS layers of
 * an existing chain (the sample's pre-Vista IFS installer does that by rewriting other LSPs'
 * chains). An IFS layer above a non-IFS one cannot claim its handles, so sockets on such a chain
 * fail with `WSAEINVAL` — install IFS LSPs first, or over base entries.
 * @module
 */

import { randomUUID } from 'node:crypto';
import type { Catalog } from '../catalog/catalog';
import { reserveCatalogEntryIds } from '../catalog/catalog-capacity';
import type { CatalogEntry } from '../catalog/catalog-entry';
import {
  describeProviderPathProblem,
  isDword,
  isInt32,
  toStoredProtocolInfo,
} from '../catalog/catalog-entry-rules';
import type { CatalogState } from '../catalog/catalog-state';
import { WSAEFAULT, WSAEINVAL, WSANO_RECOVERY } from '../constants/error-codes';
import { PFL_HIDDEN, PFL_MATCHES_PROTOCOL_ZERO } from '../constants/provider-flags';
import { XP1_IFS_HANDLES } from '../constants/service-flags';
import {
  LAYERED_PROTOCOL,
  MAX_PROTOCOL_CHAIN,
  NO_ERROR,
  SOCKET_ERROR,
  WSAPROTOCOL_LEN,
} from '../constants/socket-api';
import { type GUID, isGuid } from '../types/guid';
import type { Out } from '../types/out-cell';
import {
  cloneProtocolInfo,
  isBaseEntry,
  isLayeredEntry,
  type WSAPROTOCOL_INFOW,
} from '../types/protocol-info';

/** What an LSP installation wrote: the layered entry and the chain entries, in catalog order. */
export interface InstalledLayeredProvider {
  /** The LSP's GUID: its layered entry's `ProviderId`. */
  readonly providerId: GUID;
  /** The catalog entry ID of the layered (dummy) entry. */
  readonly layeredEntryId: number;
  /** The chain entries' IDs, in catalog order (which is target order). */
  readonly chainEntryIds: readonly number[];
  /** Each chain entry's own ProviderId, in the same order. */
  readonly chainProviderIds: readonly GUID[];
}

/** The outcome of an installation: what was installed, or the Winsock code and why. */
export type LayeredInstallOutcome =
  | {
      /** Installed. */
      readonly ok: true;
      /** The entries written. */
      readonly installed: InstalledLayeredProvider;
    }
  | {
      /** Refused: nothing was written. */
      readonly ok: false;
      /** The Winsock code `WSCInstallProviderAndChains` sets in `lpErrno`. */
      readonly code: number;
      /** Why, in words. */
      readonly reason: string;
    };

/** The arguments of `WSCInstallProviderAndChains`, by name. */
export interface ProviderAndChainsArguments {
  /** `lpProviderId`: the LSP's GUID. */
  providerId: GUID | null;
  /** `lpszProviderDllPath`: the layer's module or registered name. */
  path: string | null;
  /** `lpszLspName`: the layered entry's name. */
  lspName: string | null;
  /** 0 or `XP1_IFS_HANDLES`. */
  serviceFlags: number;
  /** NULL for every unique base protocol; else the (af, type, protocol) triples to layer over. */
  protocols: readonly Pick<WSAPROTOCOL_INFOW, 'iAddressFamily' | 'iSocketType' | 'iProtocol'>[] | null;
  /** How many elements of `protocols` to read (ignored for NULL). */
  count?: number;
}

const refuse = (code: number, reason: string): LayeredInstallOutcome => ({ ok: false, code, reason });

/** The chain-entry name Windows' installers use: `"<LSP> over [<target>]"`, cut to `WSAPROTOCOL_LEN`. */
export function chainEntryName(lspName: string, target: string): string {
  return `${lspName} over [${target}]`.slice(0, WSAPROTOCOL_LEN);
}

/** The layered (dummy) entry an LSP installer writes, built from the first entry it layers over. */
export function layeredEntryFor(first: WSAPROTOCOL_INFOW, lspName: string, ifs: boolean): WSAPROTOCOL_INFOW {
  const info = cloneProtocolInfo(first);
  info.dwServiceFlags1 = ifs
    ? info.dwServiceFlags1 | XP1_IFS_HANDLES
    : info.dwServiceFlags1 & ~XP1_IFS_HANDLES;
  info.dwServiceFlags1 >>>= 0;
  info.dwProviderFlags = ((info.dwProviderFlags | PFL_HIDDEN) & ~PFL_MATCHES_PROTOCOL_ZERO) >>> 0;
  info.iSocketType = 0;
  info.iProtocol = 0;
  info.ProtocolChain = { ChainLen: LAYERED_PROTOCOL, ChainEntries: [] };
  info.szProtocol = lspName;
  return info;
}

/** A chain entry putting the layer `layeredId` on top of `target` (Vista convention: `[layer, …target's chain]`). */
export function chainEntryOver(
  target: WSAPROTOCOL_INFOW,
  layeredId: number,
  lspName: string,
  ifs: boolean,
): WSAPROTOCOL_INFOW {
  const info = cloneProtocolInfo(target);
  const below = isBaseEntry(target)
    ? [target.dwCatalogEntryId]
    : target.ProtocolChain.ChainEntries.slice(0, target.ProtocolChain.ChainLen);
  info.ProtocolChain = { ChainLen: below.length + 1, ChainEntries: [layeredId, ...below] };
  if (!ifs) info.dwServiceFlags1 = (info.dwServiceFlags1 & ~XP1_IFS_HANDLES) >>> 0;
  info.szProtocol = chainEntryName(lspName, target.szProtocol);
  return info;
}

function checkName(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'lpszLspName is NULL or empty';
  if (name.length > WSAPROTOCOL_LEN)
    return `lpszLspName has ${name.length} characters, more than WSAPROTOCOL_LEN (255)`;
  if (name.includes('\0')) return 'lpszLspName contains a NUL character';
  return undefined;
}

const tripleOf = (info: Pick<WSAPROTOCOL_INFOW, 'iAddressFamily' | 'iSocketType' | 'iProtocol'>): string =>
  `${info.iAddressFamily}/${info.iSocketType}/${info.iProtocol}`;

/** The entries to layer over, or the refusal. */
function chooseTargets(
  entries: readonly CatalogEntry[],
  protocols: ProviderAndChainsArguments['protocols'],
  count: number,
): CatalogEntry[] | LayeredInstallOutcome {
  const targets: CatalogEntry[] = [];
  if (protocols === null) {
    const seen = new Set<string>();
    for (const entry of entries) {
      if (!isBaseEntry(entry.info) || seen.has(tripleOf(entry.info))) continue;
      seen.add(tripleOf(entry.info));
      targets.push(entry);
    }
    if (targets.length === 0) return refuse(WSANO_RECOVERY, 'the catalog has no base provider to layer over');
    return targets;
  }
  for (let i = 0; i < count; i++) {
    const wanted = tripleOf(protocols[i]);
    const match = entries.find((entry) => !isLayeredEntry(entry.info) && tripleOf(entry.info) === wanted);
    if (!match) {
      return refuse(
        WSAEINVAL,
        `lpProtocolInfoList[${i}]: no catalog entry for (af, type, protocol) ${wanted}`,
      );
    }
    if (!targets.includes(match)) targets.push(match);
  }
  return targets;
}

/**
 * The idiomatic form of `WSCInstallProviderAndChains`: the same checks and the same single write,
 * returning what was installed or the refusal with its reason.
 */
export function installProviderAndChains(
  catalog: Catalog,
  args: ProviderAndChainsArguments,
): LayeredInstallOutcome {
  const { providerId, path, lspName, serviceFlags, protocols } = args;
  if (!isGuid(providerId))
    return refuse(WSAEINVAL, `lpProviderId ${JSON.stringify(providerId)} is not a GUID`);
  const pathProblem = describeProviderPathProblem(path, 'lpszProviderDllPath');
  if (pathProblem) return refuse(WSAEINVAL, pathProblem);
  const nameProblem = checkName(lspName);
  if (nameProblem) return refuse(WSAEINVAL, nameProblem);
  if (serviceFlags !== 0 && serviceFlags !== XP1_IFS_HANDLES) {
    return refuse(
      WSAEINVAL,
      `dwServiceFlags 0x${(serviceFlags >>> 0).toString(16)}: only XP1_IFS_HANDLES may be set`,
    );
  }
  const count = protocols === null ? 0 : (args.count ?? protocols.length);
  if (protocols !== null) {
    if (!Array.isArray(protocols)) return refuse(WSAEINVAL, 'lpProtocolInfoList is not an array');
    if (!isDword(count) || count === 0)
      return refuse(WSAEINVAL, `dwNumberOfEntries ${count} with a non-NULL list`);
    if (count > protocols.length) {
      return refuse(
        WSAEFAULT,
        `dwNumberOfEntries ${count} exceeds the ${protocols.length} entries of lpProtocolInfoList`,
      );
    }
    for (let i = 0; i < count; i++) {
      const element = protocols[i];
      if (element === null || element === undefined)
        return refuse(WSAEFAULT, `lpProtocolInfoList[${i}] is missing`);
      if (![element.iAddressFamily, element.iSocketType, element.iProtocol].every(isInt32)) {
        return refuse(
          WSAEINVAL,
          `lpProtocolInfoList[${i}]: iAddressFamily, iSocketType and iProtocol must be ints`,
        );
      }
    }
  }
  const name = lspName as string;
  const ifs = serviceFlags === XP1_IFS_HANDLES;
  let outcome: LayeredInstallOutcome | undefined;
  try {
    catalog.store.update((state: CatalogState) => {
      if (state.entries.some((entry) => entry.info.ProviderId === providerId)) {
        outcome = refuse(WSAEINVAL, `provider ${providerId} is already installed`);
        return false;
      }
      if (state.entries.some((entry) => isLayeredEntry(entry.info) && entry.info.szProtocol === name)) {
        outcome = refuse(WSAEINVAL, `a layered service provider named "${name}" is already installed`);
        return false;
      }
      const targets = chooseTargets(state.entries, protocols, count);
      if (!Array.isArray(targets)) {
        outcome = targets;
        return false;
      }
      const tooLong = targets.find((target) => target.info.ProtocolChain.ChainLen >= MAX_PROTOCOL_CHAIN);
      if (tooLong) {
        outcome = refuse(
          WSANO_RECOVERY,
          `entry ${tooLong.info.dwCatalogEntryId} already has a chain of MAX_PROTOCOL_CHAIN (${MAX_PROTOCOL_CHAIN}) entries`,
        );
        return false;
      }
      const firstId = reserveCatalogEntryIds(state, 1 + targets.length);
      if (typeof firstId !== 'number') {
        outcome = refuse(firstId.code, firstId.reason);
        return false;
      }
      const layeredId = firstId;
      const layered: CatalogEntry = {
        path: path as string,
        info: toStoredProtocolInfo(layeredEntryFor(targets[0].info, name, ifs), providerId, layeredId),
        lspCategories: 0,
      };
      const chains: CatalogEntry[] = targets.map((target, i) => {
        const id = firstId + 1 + i;
        return {
          path: path as string,
          info: toStoredProtocolInfo(chainEntryOver(target.info, layeredId, name, ifs), randomUUID(), id),
          lspCategories: 0,
        };
      });
      state.entries = [...chains, ...state.entries, layered];
      state.serial++;
      outcome = {
        ok: true,
        installed: {
          providerId,
          layeredEntryId: layeredId,
          chainEntryIds: chains.map((chain) => chain.info.dwCatalogEntryId),
          chainProviderIds: chains.map((chain) => chain.info.ProviderId),
        },
      };
      return true;
    });
  } catch (error) {
    return refuse(WSANO_RECOVERY, `catalog store failed: ${(error as Error)?.message ?? String(error)}`);
  }
  return outcome ?? refuse(WSANO_RECOVERY, 'the catalog store did not run the update');
}

/**
 * `WSCInstallProviderAndChains(lpProviderId, lpszProviderDllPath, lpszLspName, dwServiceFlags,
 * lpProtocolInfoList, dwNumberOfEntries, lpdwCatalogEntryId, lpErrno)` on `catalog`: 0 with the
 * layered entry's ID in `lpdwCatalogEntryId` (if given), or `SOCKET_ERROR` with the code in
 * `lpErrno`. See the module comment for what is written and every error.
 */
export function WSCInstallProviderAndChains(
  catalog: Catalog,
  lpProviderId: GUID | null,
  lpszProviderDllPath: string | null,
  lpszLspName: string | null,
  dwServiceFlags: number,
  lpProtocolInfoList:
    | readonly Pick<WSAPROTOCOL_INFOW, 'iAddressFamily' | 'iSocketType' | 'iProtocol'>[]
    | null,
  dwNumberOfEntries: number,
  lpdwCatalogEntryId: Out<number> | null,
  lpErrno: Out<number>,
): number {
  const outcome = installProviderAndChains(catalog, {
    providerId: lpProviderId,
    path: lpszProviderDllPath,
    lspName: lpszLspName,
    serviceFlags: dwServiceFlags,
    protocols: lpProtocolInfoList,
    count: dwNumberOfEntries,
  });
  if (!outcome.ok) {
    if (lpErrno) lpErrno.value = outcome.code;
    return SOCKET_ERROR;
  }
  if (lpdwCatalogEntryId) lpdwCatalogEntryId.value = outcome.installed.layeredEntryId;
  return NO_ERROR;
}
