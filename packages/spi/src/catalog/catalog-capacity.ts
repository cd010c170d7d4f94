import { WSA_NOT_ENOUGH_MEMORY } from '../constants/error-codes';
import type { CatalogState } from './catalog-state';
import { FIRST_CATALOG_ENTRY_ID } from './catalog-state';
import type { ArgumentProblem } from './provider-arguments';

/**
 * The largest catalog entry ID ever handed out. IDs are DWORDs, and the counter that hands them
 * out (`Next_Catalog_Entry_ID`, a `REG_DWORD` on Windows) must still be able to hold the ID after
 * the last one, so the last is 0xFFFFFFFE and a counter at 0xFFFFFFFF is exhausted.
 */
export const LAST_CATALOG_ENTRY_ID = 0xfffffffe;

/**
 * The most entries a catalog holds. Windows documents no limit (its entries are registry subkeys);
 * every catalog call reads and validates the whole catalog, so the bound keeps each call's time and
 * memory bounded (about 8 MB of file and a tenth of a second at this size) while leaving a hundred
 * times the room of a real machine's catalog, whose base providers and LSPs number in the tens.
 */
export const MAX_CATALOG_ENTRIES = 10_000;

/**
 * The most applications `WSCSetApplicationCategory` keeps categories for: the same bound, for the
 * same reason (they live in the catalog and are read with it).
 */
export const MAX_APPLICATION_CATEGORIES = 10_000;

/**
 * The largest catalog file read, in bytes: four times what `MAX_CATALOG_ENTRIES` entries with the
 * longest paths and names take, so no valid catalog comes near it, while a huge or endless file is
 * refused before it is read into memory.
 */
export const MAX_CATALOG_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Makes room for `count` new entries in `state`: checks the entry bound and the ID counter, and on
 * success advances the counter and returns the first of the `count` consecutive IDs. Nothing is
 * changed when it refuses.
 *
 * Both refusals are `WSA_NOT_ENOUGH_MEMORY`, the code `WSCInstallProvider` documents for "not
 * enough memory to allocate a new catalog entry" (and `WSCInstallProviderAndChains` and
 * `WSCWriteProviderOrder` list too): the catalog has no room for another entry. Windows documents
 * nothing for an exhausted counter; `WSANO_RECOVERY` was the other candidate, but it already means
 * "already installed" or "registry not writable", and the caller can act on neither the way it can
 * on a full catalog (`catalog reset` makes room and, with no entry left to clash with, numbers the
 * defaults from 1001 again — see `Catalog.resetEntries`).
 */
export function reserveCatalogEntryIds(state: CatalogState, count: number): number | ArgumentProblem {
  if (state.entries.length + count > MAX_CATALOG_ENTRIES) {
    return {
      code: WSA_NOT_ENOUGH_MEMORY,
      reason: `the catalog holds ${state.entries.length} entries; ${count} more would exceed its ${MAX_CATALOG_ENTRIES}`,
    };
  }
  const first = state.nextCatalogEntryId;
  if (first + count - 1 > LAST_CATALOG_ENTRY_ID) {
    return {
      code: WSA_NOT_ENOUGH_MEMORY,
      reason: `catalog entry IDs are exhausted: the next is ${first}, and IDs end at ${LAST_CATALOG_ENTRY_ID} (a DWORD counter); 'catalog reset' numbers a rebuilt catalog from ${FIRST_CATALOG_ENTRY_ID} again`,
    };
  }
  state.nextCatalogEntryId = first + count;
  return first;
}
