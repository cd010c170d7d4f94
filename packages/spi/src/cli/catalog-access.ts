/**
 * How every `ws2spi` command sees the catalog file, so that all of them agree:
 *
 * - **A missing file is the default catalog.** A fresh Windows machine has a catalog before anyone
 *   writes one (the entries `nettcpip.inf` installs); so here a catalog file that does not exist
 *   yet reads as the default catalog — what `catalog reset` would write, with the same entry IDs
 *   and serial — for `show`, `verify` and every command that changes it.
 * - **Reading never writes.** `show` and `verify` build that default catalog in memory and create
 *   no file, directory or lock.
 * - **The first change creates it.** A command that changes a missing catalog first writes the
 *   default catalog in one atomic update (only if the file is still missing or untouched by then),
 *   then makes its change, so its IDs follow the defaults exactly as `show` predicted.
 * @module
 */

import * as fs from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { Catalog } from '../catalog/catalog';
import type { CatalogSnapshot } from '../catalog/catalog-entry';
import { FIRST_CATALOG_ENTRY_ID, FIRST_CATALOG_SERIAL } from '../catalog/catalog-state';
import type { CatalogStore } from '../catalog/catalog-store';
import { type DefaultCatalogResult, installDefaultCatalog } from '../catalog/default-catalog';
import { defaultCatalogFile } from '../catalog/default-catalog-file';
import { JsonFileCatalogStore } from '../catalog/json-file-catalog-store';
import type { CliContext } from './cli-context';
import type { ParsedArguments } from './parse-arguments';
import { escapeMessage } from './terminal-text';

/** The catalog file this invocation works on: `--catalog`, else `defaultCatalogFile`, made absolute. */
export function resolveCatalogFile(args: ParsedArguments, context: CliContext): string {
  const named =
    args.values.get('catalog') ??
    defaultCatalogFile({
      env: context.env,
      platform: context.platform ?? process.platform,
      homedir: context.homedir ?? homedir(),
    });
  return path.resolve(context.cwd, named);
}

/** What a read-only command sees. */
export interface CatalogView {
  readonly snapshot: CatalogSnapshot;
  /** False when the file does not exist and `snapshot` is the default catalog built in memory. */
  readonly exists: boolean;
}

/** Prints, on stderr, the default providers `installDefaultCatalog` could not install; true when there were none. */
export function reportDefaultProblems(result: DefaultCatalogResult, context: CliContext): boolean {
  for (const problem of result.unavailable) {
    context.stderr(
      escapeMessage(`ws2spi: default provider ${problem.module} is unavailable: ${problem.reason}\n`),
    );
  }
  for (const problem of result.failed) {
    context.stderr(
      escapeMessage(`ws2spi: default provider ${problem.module} failed to install: ${problem.reason}\n`),
    );
  }
  return result.unavailable.length === 0 && result.failed.length === 0;
}

/** The default catalog, in memory: what a missing catalog file stands for. */
async function defaultCatalogInMemory(context: CliContext): Promise<Catalog> {
  const catalog = new Catalog();
  reportDefaultProblems(await installDefaultCatalog(catalog, context.defaultProviders), context);
  return catalog;
}

/** The catalog in `file` (or the default catalog when there is no file), without writing anything. */
export async function readCatalog(file: string, context: CliContext): Promise<CatalogView> {
  if (!fs.existsSync(file))
    return { snapshot: (await defaultCatalogInMemory(context)).snapshot(), exists: false };
  return { snapshot: Catalog.openFile(file).snapshot(), exists: true };
}

/** True for the state of a catalog nobody has written yet (a missing file reads as this). */
function untouched(state: ReturnType<CatalogStore['read']>): boolean {
  return (
    state.serial === FIRST_CATALOG_SERIAL &&
    state.nextCatalogEntryId === FIRST_CATALOG_ENTRY_ID &&
    state.entries.length === 0 &&
    state.appCategories.length === 0
  );
}

/**
 * The catalog in `file`, ready for a change: when the file does not exist, it is first created
 * with the default catalog (one atomic write, skipped if another process created it meanwhile) and
 * a note says so on stderr. `store` lets the caller observe the store (progress).
 */
export async function openCatalogForChange(
  file: string,
  context: CliContext,
  store: CatalogStore = new JsonFileCatalogStore(file),
): Promise<Catalog> {
  const catalog = new Catalog(store);
  if (fs.existsSync(file)) {
    // A damaged file fails here, with its CatalogStoreError, the same way for every command.
    store.read();
    return catalog;
  }
  const defaults = (await defaultCatalogInMemory(context)).store.read();
  const created = store.update((state) => {
    if (!untouched(state)) return false;
    Object.assign(state, defaults);
    return true;
  });
  if (created) {
    context.stderr(
      escapeMessage(
        `ws2spi: ${file} did not exist: created it with the default catalog (${defaults.entries.length} entries)\n`,
      ),
    );
  }
  return catalog;
}
