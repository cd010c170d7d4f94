/**
 * Checking a catalog for the damage a half-removed LSP leaves behind (Microsoft's KB811259):
 * chain entries whose LSP's layered entry is gone (the sample's `lspmap.cpp` calls them orphans)
 * and chains that cannot be walked down to a base provider for another reason (an element
 * missing, a base in the middle, …). Every such chain fails on Windows with
 * `WSAEPROVIDERFAILEDINIT` as soon as an application's socket selects it, and here too. What
 * `ws2spi catalog verify` reports and `ws2spi catalog reset` repairs.
 * @module
 */

import type { CatalogEntry } from '../catalog/catalog-entry';
import { isChainEntry, isLayeredEntry } from '../types/protocol-info';
import { type ChainProblemKind, entryLookup, isChainProblem, walkProtocolChain } from './protocol-chain-walk';

/** One chain entry that cannot work, and why. */
export interface BrokenChainEntry {
  /** The chain entry that cannot be started. */
  readonly entry: CatalogEntry;
  /** `'orphaned'` when `ChainEntries[0]` (the LSP's layered entry) is gone; otherwise what else is wrong. */
  readonly kind: ChainProblemKind;
  /** The chain index and entry ID where the walk stopped. */
  readonly index: number;
  /** The catalog entry ID at that index. */
  readonly id: number;
  /** What is wrong, in words. */
  readonly reason: string;
}

/** The result of checking a catalog's chains. */
export interface CatalogChainReport {
  /** Chain entries that are orphaned or broken, in catalog order. */
  readonly broken: readonly BrokenChainEntry[];
  /**
   * Layered (ChainLen 0) entries no chain uses: harmless leftovers of an LSP whose chain entries
   * were removed, listed for information (they never fail a socket).
   */
  readonly unusedLayeredEntries: readonly CatalogEntry[];
}

/** Checks every chain entry of `entries` (a catalog in catalog order). */
export function verifyCatalogChains(entries: readonly CatalogEntry[]): CatalogChainReport {
  const lookup = entryLookup(entries);
  const broken: BrokenChainEntry[] = [];
  const used = new Set<number>();
  for (const entry of entries) {
    if (!isChainEntry(entry.info)) continue;
    // A layered entry some chain names is in use, even when that chain is broken further down.
    const chain = entry.info.ProtocolChain;
    for (const id of chain.ChainEntries.slice(0, chain.ChainLen)) used.add(id);
    const walked = walkProtocolChain(entry.info, lookup);
    if (isChainProblem(walked)) {
      broken.push({ entry, kind: walked.kind, index: walked.index, id: walked.id, reason: walked.reason });
    }
  }
  const unusedLayeredEntries = entries.filter(
    (entry) => isLayeredEntry(entry.info) && !used.has(entry.info.dwCatalogEntryId),
  );
  return { broken, unusedLayeredEntries };
}
