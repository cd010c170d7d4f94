import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';

/**
 * One catalog entry as stored: the provider path and the protocol info, like Windows'
 * `PackedCatalogItem` (a DLL path followed by a `WSAPROTOCOL_INFOW`), plus the entry's LSP
 * categories (`WSCSetProviderInfo(ProviderInfoLspCategories)`).
 *
 * The path names a provider module — a package or file specifier loaded with `import()`, which
 * exports `WSPStartup` — or a name registered in the process's DI container. It may contain
 * `%VAR%` environment strings, expanded at load time as Windows expands `%SystemRoot%`.
 */
export interface CatalogEntry {
  /**
   * The provider path: a module that exports `WSPStartup`, or a registered name (may hold `%VAR%` strings).
   */
  path: string;
  /** The entry's `WSAPROTOCOL_INFOW`. */
  info: WSAPROTOCOL_INFOW;
  /** The entry's `LSP_*` categories (`WSCSetProviderInfo`), 0 for none. */
  lspCategories: number;
}

/** Permitted LSP categories for one application (`WSCSetApplicationCategory`). */
export interface AppCategoryEntry {
  /** The application's path, as `WSCSetApplicationCategory` was given it. */
  path: string;
  /** The application's extra identifying string (its command line, say), `''` for none. */
  extra: string;
  /** The `LSP_*` categories a layer needs to be loaded into this application. */
  permittedLspCategories: number;
}

/**
 * What a process sees of the catalog when it calls `WSAStartup`: entries in catalog order (which is
 * also selection priority) and the change counter (`Serial_Access_Num`) at that moment.
 */
export interface CatalogSnapshot {
  /** The change counter when the snapshot was taken. */
  readonly serial: number;
  /** Every entry, in catalog order (layered and hidden ones included). */
  readonly entries: readonly CatalogEntry[];
  /** The applications' permitted LSP categories. */
  readonly appCategories: readonly AppCategoryEntry[];
}
