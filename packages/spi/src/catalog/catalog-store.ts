import type { CatalogState } from './catalog-state';

/**
 * Where a `Catalog` keeps its state — the role the registry key
 * `HKLM\System\CurrentControlSet\Services\WinSock2\Parameters\Protocol_Catalog9` plays on Windows.
 *
 * A `Catalog` holds no state of its own: it reads the store at every call and writes through it, so
 * two `Catalog` objects (or two processes) on one store see each other's changes, as two processes
 * on one registry do. Stores are synchronous because the catalog functions they serve
 * (`WSCInstallProvider`, `WSCEnumProtocols`, …) are synchronous in C.
 *
 * Failures are thrown as `CatalogStoreError` (a `WsaError` naming the file and what is wrong).
 */
export interface CatalogStore {
  /** Where the state lives, for messages: `'memory'` or the file path. */
  readonly location: string;

  /** The current state, as a copy the caller owns. */
  read(): CatalogState;

  /**
   * Read-modify-write as one step that no other writer can interleave with: `mutate` gets a copy of
   * the current state and changes it in place; when it returns `true` the changed state is stored,
   * when it returns `false` nothing is written. Returns what `mutate` returned.
   */
  update(mutate: (state: CatalogState) => boolean): boolean;

  /**
   * Makes a damaged store usable again — what `netsh winsock reset` does to a corrupted registry
   * catalog: when the state cannot be read because it is corrupt or breaks the catalog's rules,
   * it is moved aside (its location is returned) and an empty catalog takes its place, keeping the
   * entry-ID counter where it can still be read so IDs are never reused. A store that reads fine,
   * or one that is some other program's file, is left alone (`undefined`).
   */
  recoverDamaged?(): string | undefined;
}
