import { WSAEACCES, WSANO_RECOVERY } from '../constants/error-codes';
import { WsaError } from '../errors/wsa-error';

const brand = Symbol.for('@ws2spi/CatalogStoreError');

/**
 * What went wrong with a catalog store:
 * - `corrupt`: the file is not JSON (truncated, overwritten, empty);
 * - `foreign`: it is JSON but has no `"format": "ws2spi-catalog"` marker — some other program's file;
 * - `unsupported-version`: a ws2spi catalog of a version this code does not read;
 * - `invalid`: a ws2spi catalog whose content breaks the rules (bad entry, duplicate IDs, …);
 * - `access`: the operating system refused access (EACCES, EPERM, EROFS);
 * - `io`: any other file-system failure (ENOTDIR, ENOSPC, EISDIR, …);
 * - `lock-timeout`: another writer held the catalog lock for longer than the store waits.
 */
export type CatalogStoreProblem =
  | 'corrupt'
  | 'foreign'
  | 'unsupported-version'
  | 'invalid'
  | 'access'
  | 'io'
  | 'lock-timeout';

/**
 * A catalog store could not be read or written. It is a `WsaError` whose message names the file
 * and the problem; `code` is `WSAEACCES` for a refused access and `WSANO_RECOVERY` (Windows' code for
 * "a failure occurred when opening or writing a catalog entry") for everything else; the Node
 * error, when there is one, is the `cause`.
 *
 * The C-shaped `Catalog` methods never throw it: they fail with `SOCKET_ERROR` and
 * `*lpErrno = WSANO_RECOVERY`, as `WSCInstallProvider` does when the registry cannot be written,
 * and keep this error in `catalog.lastStoreError` for callers (like the CLI) that want the detail.
 */
export class CatalogStoreError extends WsaError {
  /** The store's location (the file path, or `'memory'`). */
  readonly location: string;
  /** What kind of failure this is. */
  readonly problem: CatalogStoreProblem;

  constructor(
    problem: CatalogStoreProblem,
    location: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(problem === 'access' ? WSAEACCES : WSANO_RECOVERY, message, options);
    this.location = location;
    this.problem = problem;
    Object.defineProperty(this, brand, { value: true });
  }

  // WsaError's brand check would make every WsaError an instance of this subclass too.
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

/** True when `e` is a `CatalogStoreError` (of any copy of this package). */
export function isCatalogStoreError(e: unknown): e is CatalogStoreError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[brand] === true;
}
