/**
 * Which LSPs a process may load, from the LSP categories of each layer (`WSCSetProviderInfo`) and
 * the categories the application permits (`WSCSetApplicationCategory`). Windows decides this
 * "when a process loads Winsock" — at `WSAStartup` — with these rules (Microsoft Learn,
 * "Categorizing layered service providers and apps", section "Determining Which LSPs Get Loaded"):
 *
 * - an application that is not categorised loads every LSP;
 * - otherwise an LSP is loaded only if its categories are non-zero (an uncategorised LSP counts
 *   as 0 and never matches), every one of them is among the application's (the application's
 *   set is a superset), and — if the application has `LSP_SYSTEM` — the LSP has `LSP_SYSTEM` too.
 *
 * (The page's second bullet reads as if the inclusion ran the other way; its note and its worked
 * example — Foo.exe with SYSTEM|FIREWALL|CRYPTO_COMPRESS loads only the SYSTEM LSP, Bar.exe with
 * FIREWALL|CRYPTO_COMPRESS only the FIREWALL one — fix it as above, and that is what is modelled.)
 *
 * An LSP's categories are those of its layered entry (the GUID `WSCSetProviderInfo` is called
 * with). A layer that is not loaded takes every chain through it out of the process: the process's
 * catalog snapshot loses the LSP's layered entry and each chain entry whose walked chain contains
 * a layer not permitted, so `WSASocketW` selects the next matching entry in catalog order — the
 * chain below, or the base — and `WSAEnumProtocolsW` no longer lists the removed chains. A chain
 * that cannot be walked is judged by what can be walked of it: its layers that are missing count
 * as uncategorised.
 *
 * The application is identified, as Windows does, by executable path and command line: an entry
 * for exactly `(path, extra)` wins, else one for `(path, "")` (no command line given), else the
 * application is not categorised. Paths are compared exactly.
 * @module
 */

import type { CatalogEntry, CatalogSnapshot } from '../catalog/catalog-entry';
import { LSP_SYSTEM } from '../constants/lsp-categories';
import { isChainEntry, isLayeredEntry } from '../types/protocol-info';
import { entryLookup } from './protocol-chain-walk';

/** The application as ws2_32 identifies it for LSP categories. */
export interface ApplicationIdentity {
  /** The executable's path (`WSCSetApplicationCategory`'s `Path`). */
  readonly path: string;
  /** Its command line arguments (`Extra`); empty when none tell instances apart. */
  readonly extra?: string;
}

/** True when an LSP with `lspCategories` may be loaded into an application permitting `permitted`. */
export function isLspPermitted(lspCategories: number, permitted: number): boolean {
  const lsp = lspCategories >>> 0;
  const app = permitted >>> 0;
  if (lsp === 0) return false;
  if ((lsp & ~app) >>> 0 !== 0) return false;
  if ((app & LSP_SYSTEM) !== 0 && (lsp & LSP_SYSTEM) === 0) return false;
  return true;
}

/** The categories the snapshot's `AppId_Catalog` permits for `app`, or undefined when it is not categorised. */
export function permittedLspCategories(
  snapshot: CatalogSnapshot,
  app: ApplicationIdentity,
): number | undefined {
  const extra = app.extra ?? '';
  const apps = snapshot.appCategories ?? [];
  const exact = apps.find((entry) => entry.path === app.path && entry.extra === extra);
  const pathOnly = apps.find((entry) => entry.path === app.path && entry.extra === '');
  return (exact ?? pathOnly)?.permittedLspCategories;
}

/** The IDs of every layered entry a chain entry runs through, following pre-Vista chain references. */
function layeredIdsOf(
  entry: CatalogEntry,
  lookup: (id: number) => CatalogEntry | undefined,
  depth = 0,
): number[] {
  const chain = entry.info.ProtocolChain;
  const ids: number[] = [];
  for (const id of chain.ChainEntries.slice(0, chain.ChainLen - 1)) {
    const member = lookup(id);
    if (member && isChainEntry(member.info) && depth < chain.ChainLen) {
      ids.push(...layeredIdsOf(member, lookup, depth + 1));
    } else {
      ids.push(id);
    }
  }
  return ids;
}

/**
 * The snapshot a process of application `app` works with: `snapshot` without the LSPs it may not
 * load and without every chain through them (see the module comment). Unchanged when the
 * application is not categorised.
 */
export function filterSnapshotForApplication(
  snapshot: CatalogSnapshot,
  app: ApplicationIdentity,
): CatalogSnapshot {
  const permitted = permittedLspCategories(snapshot, app);
  if (permitted === undefined) return snapshot;
  const lookup = entryLookup(snapshot.entries);
  const allowedLayer = (id: number): boolean => {
    const layered = lookup(id);
    const categories = layered && isLayeredEntry(layered.info) ? layered.lspCategories : 0;
    return isLspPermitted(categories, permitted);
  };
  const entries = snapshot.entries.filter((entry) => {
    if (isLayeredEntry(entry.info)) return isLspPermitted(entry.lspCategories, permitted);
    if (isChainEntry(entry.info)) return layeredIdsOf(entry, lookup).every(allowedLayer);
    return true;
  });
  return { serial: snapshot.serial, entries, appCategories: snapshot.appCategories };
}
