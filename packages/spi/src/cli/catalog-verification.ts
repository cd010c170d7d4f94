import type { CatalogSnapshot } from '../catalog/catalog-entry';
import type { CatalogChainReport } from '../lsp/verify-catalog-chains';
import { formatGuid } from '../types/guid';
import { escapeControlCharacters, type Palette, paletteFor } from './terminal-text';

/** The `format` marker of `ws2spi catalog verify --json`. */
export const CATALOG_VERIFICATION_FORMAT = 'ws2spi-catalog-verification';
/** The version of the `--json` document; it changes only when a member changes meaning or goes away. */
export const CATALOG_VERIFICATION_VERSION = 1;

/** The document printed by `ws2spi catalog verify --json`. */
export interface CatalogVerification {
  format: typeof CATALOG_VERIFICATION_FORMAT;
  version: typeof CATALOG_VERIFICATION_VERSION;
  catalog: string;
  serial: number;
  /** Chain entries that are orphaned (`kind: 'orphaned'`) or broken otherwise, in catalog order. */
  broken: {
    catalogEntryId: number;
    szProtocol: string;
    providerId: string;
    path: string;
    kind: string;
    /** Where the walk down the chain stopped: the index in `ChainEntries` and the ID found there. */
    index: number;
    id: number;
    reason: string;
  }[];
  /** Layered entries no chain uses (harmless; listed for information). */
  unusedLayeredEntries: { catalogEntryId: number; szProtocol: string; providerId: string; path: string }[];
}

/** The `--json` document for a report. */
export function catalogVerification(
  file: string,
  snapshot: CatalogSnapshot,
  report: CatalogChainReport,
): CatalogVerification {
  return {
    format: CATALOG_VERIFICATION_FORMAT,
    version: CATALOG_VERIFICATION_VERSION,
    catalog: file,
    serial: snapshot.serial,
    broken: report.broken.map(({ entry, kind, index, id, reason }) => ({
      catalogEntryId: entry.info.dwCatalogEntryId,
      szProtocol: entry.info.szProtocol,
      providerId: entry.info.ProviderId,
      path: entry.path,
      kind,
      index,
      id,
      reason,
    })),
    unusedLayeredEntries: report.unusedLayeredEntries.map((entry) => ({
      catalogEntryId: entry.info.dwCatalogEntryId,
      szProtocol: entry.info.szProtocol,
      providerId: entry.info.ProviderId,
      path: entry.path,
    })),
  };
}

/**
 * The text of `ws2spi catalog verify`: a heading, one line per orphaned or broken chain entry
 * (ID, name, GUID, path, and why), one per unused layered entry, and a summary line. Catalog
 * strings are escaped; on a terminal, broken entries are red, unused ones yellow.
 */
export function formatCatalogVerification(
  file: string,
  snapshot: CatalogSnapshot,
  report: CatalogChainReport,
  palette: Palette = paletteFor(false),
): string {
  const safe = escapeControlCharacters;
  let text = `Catalog ${safe(file)}: ${snapshot.entries.length} entries, serial ${snapshot.serial}\n`;
  for (const { entry, kind, reason } of report.broken) {
    const label = kind === 'orphaned' ? 'Orphaned chain entry' : 'Broken chain entry';
    text += `${palette.red(label)} ${entry.info.dwCatalogEntryId} "${safe(entry.info.szProtocol)}" ${formatGuid(entry.info.ProviderId)} (${safe(entry.path)}): ${safe(reason)}\n`;
  }
  for (const entry of report.unusedLayeredEntries) {
    text += `${palette.yellow('Unused layered entry')} ${entry.info.dwCatalogEntryId} "${safe(entry.info.szProtocol)}" ${formatGuid(entry.info.ProviderId)} (${safe(entry.path)}): no chain uses it\n`;
  }
  const n = report.broken.length;
  text +=
    n === 0
      ? `${palette.green('No orphaned or broken chains.')}\n`
      : `${palette.red(`${n} orphaned or broken chain ${n === 1 ? 'entry' : 'entries'}`)}; 'ws2spi catalog reset' repairs the catalog.\n`;
  return text;
}
