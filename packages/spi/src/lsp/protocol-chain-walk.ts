/**
 * Walking a `WSAPROTOCOLCHAIN` the way a layered provider must: from `ChainEntries[0]` (the top
 * layer) down to the base entry, accepting both conventions installers use for the elements
 * between them:
 *
 * - `WSCInstallProviderAndChains` (and `netsh` catalogs): every element but the last is an LSP's
 *   layered entry (its hidden dummy, ChainLen 0) — `[dummyA, dummyB, base]`;
 * - the Microsoft sample's pre-Vista installer: `ChainEntries[1]` may be the catalog ID of the
 *   *chain entry* of the LSP below — `[dummyA, chainB, base]`, where `chainB` is `[dummyB, base]`.
 *   Such a reference stands for the whole chain below it, which is walked in its place.
 *
 * The result is the effective stack of layers, each named by its layered entry, and the base. A
 * chain that cannot be walked (an entry missing, a base in the middle, a cycle) is a problem with
 * the index and ID where the walk stopped: what `ws2spi catalog verify` reports and what makes a
 * layered provider's `WSPStartup` fail with `WSAEPROVIDERFAILEDINIT`.
 * @module
 */

import type { CatalogEntry } from '../catalog/catalog-entry';
import { MAX_PROTOCOL_CHAIN } from '../constants/socket-api';
import { isBaseEntry, isChainEntry, isLayeredEntry, type WSAPROTOCOL_INFOW } from '../types/protocol-info';

/** One layer of a walked chain. */
export interface ChainLayer {
  /** The LSP's layered entry (ChainLen 0, its hidden "dummy"): it identifies the LSP. */
  readonly layered: CatalogEntry;
  /**
   * The catalog ID that stands for this layer in the chain it was found in: the layered entry's
   * own ID, or — pre-Vista convention — the ID of the LSP's chain entry that was referenced.
   */
  readonly entryId: number;
}

/** A chain walked from top to bottom. */
export interface WalkedChain {
  /** Layers in call order: `layers[0]` is called first. */
  readonly layers: readonly ChainLayer[];
  /** The base provider's entry (ChainLen 1) at the bottom. */
  readonly base: CatalogEntry;
}

/** Why a chain cannot be walked. */
export type ChainProblemKind =
  /** `ChainEntries[0]` is not in the catalog: the LSP's layered entry is gone (lspmap.cpp's orphan). */
  | 'orphaned'
  /** Another element of the chain is not in the catalog. */
  | 'missing-entry'
  /** The top element is not a layered (ChainLen 0) entry. */
  | 'top-not-layered'
  /** A base (ChainLen 1) entry stands above the bottom of the chain. */
  | 'base-in-middle'
  /** The bottom element is not a base (ChainLen 1) entry. */
  | 'bottom-not-base'
  /** The chain is shorter than 2 or references itself (through chain entries) too deeply. */
  | 'malformed';

/** A chain that cannot be walked: where it stopped, and why in words. */
export interface ChainProblem {
  /** What is wrong with the chain. */
  readonly kind: ChainProblemKind;
  /** The index in the chain being walked (the outermost one) at which the walk stopped. */
  readonly index: number;
  /** The catalog entry ID found there. */
  readonly id: number;
  /** The same in words, naming the entries. */
  readonly reason: string;
}

/** True when a walk result is a problem rather than a chain. */
export function isChainProblem(value: WalkedChain | ChainProblem): value is ChainProblem {
  return 'kind' in value;
}

/** Looks an entry up by catalog entry ID (in a snapshot, or in a catalog's entries). */
export type EntryLookup = (catalogEntryId: number) => CatalogEntry | undefined;

/** An `EntryLookup` over a list of entries. */
export function entryLookup(entries: readonly CatalogEntry[]): EntryLookup {
  const byId = new Map(entries.map((entry) => [entry.info.dwCatalogEntryId, entry]));
  return (id) => byId.get(id);
}

function describe(entry: CatalogEntry): string {
  return `${entry.info.dwCatalogEntryId} "${entry.info.szProtocol}"`;
}

function walkIds(
  ids: readonly number[],
  lookup: EntryLookup,
  depth: number,
  outerIndex: number | undefined,
): WalkedChain | ChainProblem {
  const at = (index: number) => outerIndex ?? index;
  if (ids.length < 2) {
    return {
      kind: 'malformed',
      index: at(0),
      id: ids[0] ?? 0,
      reason: `a chain of ${ids.length} element(s)`,
    };
  }
  if (depth > MAX_PROTOCOL_CHAIN) {
    return {
      kind: 'malformed',
      index: at(0),
      id: ids[0],
      reason: `chain entries reference each other more than ${MAX_PROTOCOL_CHAIN} deep (a cycle?)`,
    };
  }
  const layers: ChainLayer[] = [];
  const last = ids.length - 1;
  for (let i = 0; i < last; i++) {
    const id = ids[i];
    const entry = lookup(id);
    if (!entry) {
      return i === 0 && outerIndex === undefined
        ? {
            kind: 'orphaned',
            index: 0,
            id,
            reason: `ChainEntries[0] = ${id} is not in the catalog (the LSP's layered entry was removed)`,
          }
        : {
            kind: 'missing-entry',
            index: at(i),
            id,
            reason: `ChainEntries[${i}] = ${id} is not in the catalog`,
          };
    }
    if (isLayeredEntry(entry.info)) {
      layers.push({ layered: entry, entryId: id });
      continue;
    }
    if (i === 0) {
      return {
        kind: 'top-not-layered',
        index: at(0),
        id,
        reason: `ChainEntries[0] = ${describe(entry)} is not a layered (ChainLen 0) entry`,
      };
    }
    if (isChainEntry(entry.info)) {
      // Pre-Vista convention: the chain entry of the LSP below stands for its whole chain.
      const chain = entry.info.ProtocolChain;
      const below = walkIds(chain.ChainEntries.slice(0, chain.ChainLen), lookup, depth + 1, at(i));
      if (isChainProblem(below)) {
        return { ...below, reason: `via chain entry ${describe(entry)}: ${below.reason}` };
      }
      layers.push({ layered: below.layers[0].layered, entryId: id }, ...below.layers.slice(1));
      return { layers, base: below.base };
    }
    return {
      kind: 'base-in-middle',
      index: at(i),
      id,
      reason: `ChainEntries[${i}] = ${describe(entry)} is a base entry above the bottom of the chain`,
    };
  }
  const baseId = ids[last];
  const base = lookup(baseId);
  if (!base) {
    return {
      kind: 'missing-entry',
      index: at(last),
      id: baseId,
      reason: `ChainEntries[${last}] = ${baseId} (the base provider) is not in the catalog`,
    };
  }
  if (!isBaseEntry(base.info)) {
    return {
      kind: 'bottom-not-base',
      index: at(last),
      id: baseId,
      reason: `ChainEntries[${last}] = ${describe(base)} is not a base (ChainLen 1) entry`,
    };
  }
  return { layers, base };
}

/**
 * Walks the protocol chain of `info` (which must be a chain entry, ChainLen 2 … 7) through
 * `lookup`: the layers from top to bottom and the base, or the problem that stops the walk.
 */
export function walkProtocolChain(info: WSAPROTOCOL_INFOW, lookup: EntryLookup): WalkedChain | ChainProblem {
  const chain = info.ProtocolChain;
  if (!isChainEntry(info)) {
    return {
      kind: 'malformed',
      index: 0,
      id: info.dwCatalogEntryId,
      reason: `entry ${info.dwCatalogEntryId} has ChainLen ${chain.ChainLen}: it is not a protocol chain`,
    };
  }
  return walkIds(chain.ChainEntries.slice(0, chain.ChainLen), lookup, 0, undefined);
}
