import { cloneProtocolInfo } from '../types/protocol-info';
import type { AppCategoryEntry, CatalogEntry } from './catalog-entry';

/**
 * The first `dwCatalogEntryId` of a fresh catalog: ReactOS' `WsTcOpen` creates the catalog key with
 * `Next_Catalog_Entry_ID = 1001`, and real Windows catalogs number their entries from 1001 too.
 */
export const FIRST_CATALOG_ENTRY_ID = 1001;

/**
 * The change counter of a fresh catalog: `WsTcOpen` creates the key with `Serial_Access_Num = 1`.
 */
export const FIRST_CATALOG_SERIAL = 1;

/**
 * Everything a catalog store persists: the registry's `Protocol_Catalog9` key in one object.
 * `serial` is `Serial_Access_Num` (bumped by every successful write), `nextCatalogEntryId` is
 * `Next_Catalog_Entry_ID` (IDs are handed out from it and never reused, even after an uninstall),
 * `entries` are the `Catalog_Entries` in catalog order, `appCategories` is the `AppId_Catalog`.
 */
export interface CatalogState {
  /** The change counter: one more with every change (`Serial_Access_Num`). */
  serial: number;
  /** The ID the next installed entry gets (from 1001, never reused). */
  nextCatalogEntryId: number;
  /** The entries, in catalog order. */
  entries: CatalogEntry[];
  /** The applications' permitted LSP categories. */
  appCategories: AppCategoryEntry[];
}

/** The state of a catalog that was just created: no entries, IDs from 1001, serial 1. */
export function emptyCatalogState(): CatalogState {
  return {
    serial: FIRST_CATALOG_SERIAL,
    nextCatalogEntryId: FIRST_CATALOG_ENTRY_ID,
    entries: [],
    appCategories: [],
  };
}

/** A deep copy of one catalog entry. */
export function cloneCatalogEntry(entry: CatalogEntry): CatalogEntry {
  return { path: entry.path, info: cloneProtocolInfo(entry.info), lspCategories: entry.lspCategories };
}

/** A deep copy of a whole catalog state, so no caller ever shares objects with a store. */
export function cloneCatalogState(state: CatalogState): CatalogState {
  return {
    serial: state.serial,
    nextCatalogEntryId: state.nextCatalogEntryId,
    entries: state.entries.map(cloneCatalogEntry),
    appCategories: state.appCategories.map((app) => ({ ...app })),
  };
}
