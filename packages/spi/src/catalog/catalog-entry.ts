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
  path: string;
  info: WSAPROTOCOL_INFOW;
  lspCategories: number;
}

/** Permitted LSP categories for one application (`WSCSetApplicationCategory`). */
export interface AppCategoryEntry {
  path: string;
  extra: string;
  permittedLspCategories: number;
}

/**
 * What a process sees of the catalog when it calls `WSAStartup`: entries in catalog order (which is
 * also selection priority) and the change counter (`Serial_Access_Num`) at that moment.
 */
export interface CatalogSnapshot {
  readonly serial: number;
  readonly entries: readonly CatalogEntry[];
  readonly appCategories: readonly AppCategoryEntry[];
}
