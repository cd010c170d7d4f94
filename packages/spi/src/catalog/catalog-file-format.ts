import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';
import { WSAPROTOCOL_INFOW_FIELDS } from '../types/protocol-info';
import { MAX_APPLICATION_CATEGORIES, MAX_CATALOG_ENTRIES, MAX_CATALOG_FILE_BYTES } from './catalog-capacity';
import type { AppCategoryEntry, CatalogEntry } from './catalog-entry';
import { describeProtocolInfoProblem, describeProviderPathProblem, isDword } from './catalog-entry-rules';
import type { CatalogState } from './catalog-state';
import { FIRST_CATALOG_ENTRY_ID } from './catalog-state';
import { CatalogStoreError } from './catalog-store-error';

/** The `format` marker every ws2spi catalog file carries; a JSON file without it is someone else's. */
export const CATALOG_FILE_FORMAT = 'ws2spi-catalog';
/** The catalog file version this code writes and reads. */
export const CATALOG_FILE_VERSION = 1;

/**
 * The JSON document of a catalog file: a format marker and version first, then the state
 * (`serial` ≈ `Serial_Access_Num`, `nextCatalogEntryId` ≈ `Next_Catalog_Entry_ID`, the entries in
 * catalog order, and the per-application LSP categories).
 */
export interface CatalogFileDocument {
  /** `'ws2spi-catalog'`: marks the file as a ws2spi catalog. */
  format: typeof CATALOG_FILE_FORMAT;
  /** The file format's version. */
  version: typeof CATALOG_FILE_VERSION;
  /** The change counter (`Serial_Access_Num`). */
  serial: number;
  /** The ID the next installed entry gets (IDs are never reused). */
  nextCatalogEntryId: number;
  /** The entries, in catalog order. */
  entries: CatalogEntry[];
  /** The applications' permitted LSP categories. */
  appCategories: AppCategoryEntry[];
}

/** The text of a catalog file holding `state`: pretty-printed JSON (people read these), ending in a newline. */
export function serializeCatalogState(state: CatalogState): string {
  const document: CatalogFileDocument = {
    format: CATALOG_FILE_FORMAT,
    version: CATALOG_FILE_VERSION,
    serial: state.serial,
    nextCatalogEntryId: state.nextCatalogEntryId,
    entries: state.entries.map((entry) => ({
      path: entry.path,
      // Field order fixed to the C declaration order, so files diff cleanly.
      info: Object.fromEntries(
        WSAPROTOCOL_INFOW_FIELDS.map((field) => [field, entry.info[field]]),
      ) as unknown as WSAPROTOCOL_INFOW,
      lspCategories: entry.lspCategories,
    })),
    appCategories: state.appCategories.map((app) => ({
      path: app.path,
      extra: app.extra,
      permittedLspCategories: app.permittedLspCategories,
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

const TOP_LEVEL_KEYS = ['format', 'version', 'serial', 'nextCatalogEntryId', 'entries', 'appCategories'];
const ENTRY_KEYS = ['path', 'info', 'lspCategories'];
const APP_KEYS = ['path', 'extra', 'permittedLspCategories'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unexpectedKey(value: Record<string, unknown>, allowed: readonly string[]): string | undefined {
  return Object.keys(value).find((key) => !allowed.includes(key));
}

/**
 * Parses and validates the text of a catalog file. Never repairs or resets anything: unparsable
 * text (`corrupt`), JSON without the ws2spi marker (`foreign`), another version
 * (`unsupported-version`) and content that breaks a rule (`invalid`: including more entries or
 * applications than the catalog's bounds, or more text than `MAX_CATALOG_FILE_BYTES`) are each a
 * `CatalogStoreError` naming `file` and the first problem found, with its JSON path.
 */
export function parseCatalogFile(text: string, file: string): CatalogState {
  if (text.length > MAX_CATALOG_FILE_BYTES) {
    throw new CatalogStoreError(
      'invalid',
      file,
      `catalog file ${file} is invalid: ${text.length} characters, more than any catalog of at most ${MAX_CATALOG_ENTRIES} entries (${MAX_CATALOG_FILE_BYTES})`,
    );
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (cause) {
    const why = text.trim().length === 0 ? 'the file is empty' : (cause as Error).message;
    throw new CatalogStoreError('corrupt', file, `catalog file ${file} is corrupt: not valid JSON (${why})`, {
      cause,
    });
  }
  if (!isPlainObject(document) || !('format' in document)) {
    throw new CatalogStoreError(
      'foreign',
      file,
      `${file} is not a ws2spi catalog file: it has no "format": "${CATALOG_FILE_FORMAT}" marker`,
    );
  }
  if (document.format !== CATALOG_FILE_FORMAT) {
    throw new CatalogStoreError(
      'foreign',
      file,
      `${file} is not a ws2spi catalog file: its format is ${JSON.stringify(document.format)}, not "${CATALOG_FILE_FORMAT}"`,
    );
  }
  if (document.version !== CATALOG_FILE_VERSION) {
    throw new CatalogStoreError(
      'unsupported-version',
      file,
      `catalog file ${file} has version ${JSON.stringify(document.version)}; this ws2spi reads version ${CATALOG_FILE_VERSION}`,
    );
  }
  const invalid = (problem: string) =>
    new CatalogStoreError('invalid', file, `catalog file ${file} is invalid: ${problem}`);

  const extraKey = unexpectedKey(document, TOP_LEVEL_KEYS);
  if (extraKey !== undefined) throw invalid(`unknown member "${extraKey}"`);
  if (!isDword(document.serial))
    throw invalid(`serial: expected a non-negative integer, got ${JSON.stringify(document.serial)}`);
  const next = document.nextCatalogEntryId;
  if (!isDword(next) || next < FIRST_CATALOG_ENTRY_ID) {
    throw invalid(
      `nextCatalogEntryId: expected an integer of at least ${FIRST_CATALOG_ENTRY_ID}, got ${JSON.stringify(next)}`,
    );
  }
  if (!Array.isArray(document.entries)) throw invalid('entries: expected an array');
  if (!Array.isArray(document.appCategories)) throw invalid('appCategories: expected an array');
  if (document.entries.length > MAX_CATALOG_ENTRIES) {
    throw invalid(
      `entries: ${document.entries.length}, more than MAX_CATALOG_ENTRIES (${MAX_CATALOG_ENTRIES})`,
    );
  }
  if (document.appCategories.length > MAX_APPLICATION_CATEGORIES) {
    throw invalid(
      `appCategories: ${document.appCategories.length}, more than MAX_APPLICATION_CATEGORIES (${MAX_APPLICATION_CATEGORIES})`,
    );
  }

  const entries: CatalogEntry[] = [];
  const seenIds = new Set<number>();
  document.entries.forEach((raw: unknown, i: number) => {
    const where = `entries[${i}]`;
    if (!isPlainObject(raw)) throw invalid(`${where}: expected an object`);
    const key = unexpectedKey(raw, ENTRY_KEYS);
    if (key !== undefined) throw invalid(`${where}: unknown member "${key}"`);
    const pathProblem = describeProviderPathProblem(raw.path, `${where}.path`);
    if (pathProblem) throw invalid(pathProblem);
    const infoProblem = describeProtocolInfoProblem(raw.info, `${where}.info`, { identity: true });
    if (infoProblem) throw invalid(infoProblem);
    const infoKey = unexpectedKey(raw.info as Record<string, unknown>, WSAPROTOCOL_INFOW_FIELDS);
    if (infoKey !== undefined) throw invalid(`${where}.info: unknown member "${infoKey}"`);
    if (!isDword(raw.lspCategories)) throw invalid(`${where}.lspCategories: expected a DWORD`);
    const info = raw.info as unknown as WSAPROTOCOL_INFOW;
    const id = info.dwCatalogEntryId;
    if (id < FIRST_CATALOG_ENTRY_ID || id >= next) {
      throw invalid(
        `${where}.info.dwCatalogEntryId: ${id} is outside the IDs handed out so far (${FIRST_CATALOG_ENTRY_ID} … ${next - 1})`,
      );
    }
    if (seenIds.has(id)) throw invalid(`${where}.info.dwCatalogEntryId: ${id} is used by an earlier entry`);
    seenIds.add(id);
    entries.push({ path: raw.path as string, info, lspCategories: raw.lspCategories });
  });

  const appCategories: AppCategoryEntry[] = [];
  const seenApps = new Set<string>();
  document.appCategories.forEach((raw: unknown, i: number) => {
    const where = `appCategories[${i}]`;
    if (!isPlainObject(raw)) throw invalid(`${where}: expected an object`);
    const key = unexpectedKey(raw, APP_KEYS);
    if (key !== undefined) throw invalid(`${where}: unknown member "${key}"`);
    if (typeof raw.path !== 'string' || raw.path.length === 0)
      throw invalid(`${where}.path: expected a non-empty string`);
    if (typeof raw.extra !== 'string') throw invalid(`${where}.extra: expected a string`);
    if (!isDword(raw.permittedLspCategories))
      throw invalid(`${where}.permittedLspCategories: expected a DWORD`);
    const identity = JSON.stringify([raw.path, raw.extra]);
    if (seenApps.has(identity)) throw invalid(`${where}: application ${identity} is listed twice`);
    seenApps.add(identity);
    appCategories.push({
      path: raw.path,
      extra: raw.extra,
      permittedLspCategories: raw.permittedLspCategories,
    });
  });

  return { serial: document.serial, nextCatalogEntryId: next, entries, appCategories };
}
