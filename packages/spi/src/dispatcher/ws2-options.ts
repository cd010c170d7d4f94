/**
 * How a `Ws2` process is made: its catalog source, container, environment and application identity.
 * @module
 */
import type { DependencyContainer } from 'tsyringe';
import type { CatalogSnapshot } from '../catalog/catalog-entry';
import type { ProviderFailure } from './provider-failure';

/** Where a process takes its catalog from at `WSAStartup` — a `Catalog`, or anything with a snapshot. */
export interface CatalogSource {
  /** The catalog as it is now: entries in order, the change counter, application categories. */
  snapshot(): CatalogSnapshot;
}

/** How a `Ws2` process is made. */
export interface Ws2Options {
  /** The machine catalog; snapshotted at the first `WSAStartup` (later changes are not seen until the count returns to 0). */
  catalog: CatalogSource;
  /**
   * This process's DI container, where in-application providers are registered
   * (`registerProvider`). Defaults to a fresh child of tsyringe's root container, so nothing is
   * shared with other processes.
   */
  container?: DependencyContainer;
  /** Environment for `%VAR%` expansion in provider paths (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Directory that relative provider file paths are resolved against (default `process.cwd()`). */
  cwd?: string;
  /** Called for every provider failure, in addition to `providerFailures`. */
  onProviderFailure?: (failure: ProviderFailure) => void;
  /**
   * The executable path this process is, for the per-application LSP categories
   * (`WSCSetApplicationCategory`'s `Path`; default `process.execPath`). At `WSAStartup` the
   * snapshot loses every LSP the application does not permit, and every chain through it (see
   * `filterSnapshotForApplication`).
   */
  applicationPath?: string;
  /** The command line that tells instances of `applicationPath` apart (`Extra`; default none). */
  applicationExtra?: string;
  /**
   * How many socket handles the process may hold at once (default `DEFAULT_MAX_SOCKETS`, 65,536):
   * a socket, `accept` or `WSASocketW` beyond it fails `WSAEMFILE` ("too many open sockets"), and a
   * connection `accept` cannot take stays queued. Counts every handle in the process's table —
   * a socket under a non-IFS layer takes two (the layer's and the base provider's).
   */
  maxSockets?: number;
}

/** The default `Ws2Options.maxSockets`: 65,536 socket handles per process. */
export const DEFAULT_MAX_SOCKETS = 65_536;
