import type { CatalogSnapshot } from '../catalog/catalog-entry';
import { catalogEntryType } from '../catalog/entry-type';
import { addressFamilyName } from '../constants/address-families';
import { LSP_CATEGORIES } from '../constants/lsp-categories';
import { PROVIDER_FLAGS } from '../constants/provider-flags';
import { SERVICE_FLAGS } from '../constants/service-flags';
import { socketTypeName } from '../constants/socket-types';
import { formatGuid } from '../types/guid';
import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';
import { WSAPROTOCOL_INFOW_FIELDS } from '../types/protocol-info';
import { escapeControlCharacters, type Palette, paletteFor } from './terminal-text';

/** The `format` marker of `ws2spi catalog show --json`. */
export const CATALOG_LISTING_FORMAT = 'ws2spi-catalog-listing';
/** The version of the `--json` listing; it changes only when a member changes meaning or goes away. */
export const CATALOG_LISTING_VERSION = 1;

function hex(value: number): string {
  return `0x${(value >>> 0).toString(16)}`;
}

/** The names of the bits of `value` in `table`, plus any bit no name covers, in hex. */
export function decodeFlags(value: number, table: Readonly<Record<string, number>>): string[] {
  const names: string[] = [];
  let rest = value >>> 0;
  for (const [name, bit] of Object.entries(table)) {
    if ((rest & bit) >>> 0 === bit >>> 0 && bit !== 0) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0) names.push(hex(rest));
  return names;
}

function flagsLine(value: number, table: Readonly<Record<string, number>>): string {
  const names = decodeFlags(value, table);
  return names.length === 0 ? hex(value) : `${hex(value)} (${names.join(' | ')})`;
}

function row(label: string, value: string | number): string {
  return `${`${label}:`.padEnd(36)}${value}\n`;
}

/** How `formatCatalogText` presents the catalog. */
export interface CatalogTextOptions {
  /** False when the file does not exist yet and the snapshot is the default catalog. Default true. */
  readonly exists?: boolean;
  /** Colours for a terminal (headings in bold); plain by default. */
  readonly palette?: Palette;
}

/**
 * The text of `ws2spi catalog show`: one block per entry in the layout of
 * `netsh winsock show catalog` (Entry Type, Description, Provider ID, Provider Path, Catalog Entry
 * ID, Version, Address Family, Max/Min Address Length, Socket Type, Protocol, Service Flags,
 * Protocol Chain Length and the chain), with the flag words also decoded into their names. Strings
 * from the catalog are escaped (`escapeControlCharacters`): they cannot move the cursor or recolour
 * the terminal.
 */
export function formatCatalogText(
  file: string,
  snapshot: CatalogSnapshot,
  options: CatalogTextOptions = {},
): string {
  const { bold } = options.palette ?? paletteFor(false);
  const safe = escapeControlCharacters;
  const state = options.exists === false ? ' (the file does not exist yet: the default catalog)' : '';
  let text = `Catalog ${safe(file)}: ${snapshot.entries.length} entries, serial ${snapshot.serial}${state}\n`;
  for (const entry of snapshot.entries) {
    const info = entry.info;
    text += `\n${bold('Winsock Catalog Provider Entry')}\n`;
    text += `${'-'.repeat(54)}\n`;
    text += row('Entry Type', catalogEntryType(info));
    text += row('Description', safe(info.szProtocol));
    text += row('Provider ID', formatGuid(info.ProviderId));
    text += row('Provider Path', safe(entry.path));
    text += row('Catalog Entry ID', info.dwCatalogEntryId);
    text += row('Version', info.iVersion);
    text += row('Address Family', `${info.iAddressFamily} (${addressFamilyName(info.iAddressFamily)})`);
    text += row('Max Address Length', info.iMaxSockAddr);
    text += row('Min Address Length', info.iMinSockAddr);
    text += row('Socket Type', `${info.iSocketType} (${socketTypeName(info.iSocketType)})`);
    text += row(
      'Protocol',
      info.iProtocolMaxOffset ? `${info.iProtocol} (+${info.iProtocolMaxOffset})` : info.iProtocol,
    );
    text += row('Service Flags', flagsLine(info.dwServiceFlags1, SERVICE_FLAGS));
    text += row('Provider Flags', flagsLine(info.dwProviderFlags, PROVIDER_FLAGS));
    if (entry.lspCategories) text += row('LSP Categories', flagsLine(entry.lspCategories, LSP_CATEGORIES));
    text += row('Protocol Chain Length', info.ProtocolChain.ChainLen);
    if (info.ProtocolChain.ChainLen > 1) {
      text += row(
        'Protocol Chain',
        info.ProtocolChain.ChainEntries.slice(0, info.ProtocolChain.ChainLen).join(' : '),
      );
    }
  }
  if (snapshot.appCategories.length > 0) {
    text += `\n${bold('Application LSP Categories')}\n`;
    text += `${'-'.repeat(54)}\n`;
    for (const app of snapshot.appCategories) {
      const name = app.extra ? `${app.path} ${app.extra}` : app.path;
      text += row(safe(name), flagsLine(app.permittedLspCategories, LSP_CATEGORIES));
    }
  }
  return text;
}

/** The document printed by `ws2spi catalog show --json`. Members keep their order and meaning. */
export interface CatalogListing {
  format: typeof CATALOG_LISTING_FORMAT;
  version: typeof CATALOG_LISTING_VERSION;
  catalog: string;
  serial: number;
  entries: {
    entryType: string;
    path: string;
    lspCategories: number;
    info: WSAPROTOCOL_INFOW;
  }[];
  appCategories: { path: string; extra: string; permittedLspCategories: number }[];
}

/** The `--json` listing of a snapshot. */
export function catalogListing(file: string, snapshot: CatalogSnapshot): CatalogListing {
  return {
    format: CATALOG_LISTING_FORMAT,
    version: CATALOG_LISTING_VERSION,
    catalog: file,
    serial: snapshot.serial,
    entries: snapshot.entries.map((entry) => ({
      entryType: catalogEntryType(entry.info),
      path: entry.path,
      lspCategories: entry.lspCategories,
      info: Object.fromEntries(
        WSAPROTOCOL_INFOW_FIELDS.map((field) => [field, entry.info[field]]),
      ) as unknown as WSAPROTOCOL_INFOW,
    })),
    appCategories: snapshot.appCategories.map((app) => ({
      path: app.path,
      extra: app.extra,
      permittedLspCategories: app.permittedLspCategories,
    })),
  };
}
