import type { CatalogEntry, CatalogSnapshot } from '../catalog/catalog-entry';
import { WSAEINVALIDPROCTABLE, WSAEPROVIDERFAILEDINIT, WSANOTINITIALISED } from '../constants/error-codes';
import { LOBYTE } from '../constants/socket-api';
import { onIfsHandleClosed } from '../spi/ifs-handle';
import { missingProcTableMembers, type WSPPROC_TABLE } from '../spi/wsp-proc-table';
import type { WSPUPCALLTABLE } from '../spi/wsp-upcall-table';
import { out } from '../types/out-cell';
import { cloneProtocolInfo } from '../types/protocol-info';
import { emptyWspData } from '../types/wsadata';
import { HandleTable } from './handle-table';
import type { LoadedProvider } from './loaded-provider';
import { negotiateVersion, WINSOCK_HIGH_VERSION } from './negotiate-version';
import type { ProviderFailure } from './provider-failure';
import { collectStartupReports } from './provider-host';
import { ProviderLoadError, type ProviderLoader } from './provider-loader';
import { ProviderStartupError } from './provider-startup-error';
import { CatalogSelection } from './select-catalog-entry';

/** The outcome of starting a provider: the provider, or the Winsock error the caller reports. */
export type ProviderStart =
  | { provider: LoadedProvider; error?: undefined }
  | { provider?: undefined; error: number };

/**
 * Everything a process holds while its `WSAStartup` count is above zero (ReactOS's WSPROCESS): the
 * catalog snapshot taken at the first `WSAStartup`, the handle table, and the providers started so
 * far (one per ProviderId). Event objects are the application's, as on Windows: cleanup leaves them. The last `WSACleanup` discards it whole, so every
 * handle of the old epoch becomes `WSAENOTSOCK` and every provider is started afresh next time.
 */
export class WsProcess {
  readonly handles = new HandleTable();
  /** Requested version words, lowest wins (a 1.1 startup keeps 1.1 behaviour, as on Windows). */
  version: number;
  private readonly providers = new Map<string, LoadedProvider>();
  private readonly starting = new Map<string, Promise<ProviderStart>>();
  private readonly entriesById = new Map<number, CatalogEntry>();
  private ended = false;
  private catalogSelection: CatalogSelection | undefined;
  private readonly stopWatchingHandles: () => void;

  constructor(
    readonly snapshot: CatalogSnapshot,
    version: number,
    private readonly loader: ProviderLoader,
    /** A fresh upcall table for one provider, bound to this process (see `providerHost`). */
    private readonly upcallsForProvider: (process: WsProcess) => WSPUPCALLTABLE,
    private readonly reportFailure: (failure: ProviderFailure) => void,
  ) {
    this.version = version;
    for (const entry of snapshot.entries) this.entriesById.set(entry.info.dwCatalogEntryId, entry);
    // A provider closing an IFS socket (its CloseHandle) retires the handle here too, whether or
    // not the application ever saw it: handle values are never reused, so nothing else would.
    this.stopWatchingHandles = onIfsHandleClosed((handle) => {
      if (this.handles.get(handle)?.nonIfs === false) this.handles.delete(handle);
    });
  }

  /**
   * True once the last `WSACleanup` has discarded this epoch: its upcalls answer
   * `WSANOTINITIALISED` and it starts no provider, even one whose load was already under way.
   */
  get closed(): boolean {
    return this.ended;
  }

  /** Provider selection over this epoch's snapshot, indexed on first use (see `CatalogSelection`). */
  get selection(): CatalogSelection {
    this.catalogSelection ??= new CatalogSelection(this.snapshot.entries);
    return this.catalogSelection;
  }

  /** The catalog entry with this ID in the snapshot (hidden and layered entries included). */
  entry(catalogEntryId: number): CatalogEntry | undefined {
    return this.entriesById.get(catalogEntryId);
  }

  /** Every provider started in this epoch, in start order. */
  startedProviders(): LoadedProvider[] {
    return [...this.providers.values()];
  }

  /**
   * Starts the provider of `entry` if this process has not yet: preloads the modules of the entry
   * and of every entry in its protocol chain (a layer starts the next one from inside its own,
   * synchronous, `WSPStartup`), then calls `WSPStartup` once per ProviderId. Concurrent callers
   * share one start.
   */
  async ensureProvider(entry: CatalogEntry): Promise<ProviderStart> {
    const id = entry.info.ProviderId;
    const started = this.providers.get(id);
    if (started) return { provider: started };
    let pending = this.starting.get(id);
    if (!pending) {
      pending = this.preloadAndStart(entry).finally(() => this.starting.delete(id));
      this.starting.set(id, pending);
    }
    return pending;
  }

  /**
   * The provider this process started for a catalog entry's ProviderId, if it did. Routing never
   * starts a provider: a handle whose owner was only started privately by a layer (a base under a
   * non-IFS LSP) is not the application's to use.
   */
  startedProvider(catalogEntryId: number): LoadedProvider | undefined {
    const entry = this.entry(catalogEntryId);
    return entry && this.providers.get(entry.info.ProviderId);
  }

  /**
   * The provider paths a socket on `entry` may need: its own, and those of every entry its chain
   * names — followed through chain entries too, since in the pre-Vista convention a chain names
   * the next layer's chain entry rather than its dummy, and that entry names the layers below.
   */
  private chainPaths(entry: CatalogEntry): Set<string> {
    const paths = new Set<string>();
    const seen = new Set<number>();
    const pending = [entry];
    while (pending.length > 0) {
      const next = pending.pop()!;
      if (seen.has(next.info.dwCatalogEntryId)) continue;
      seen.add(next.info.dwCatalogEntryId);
      paths.add(next.path);
      const chain = next.info.ProtocolChain;
      for (const id of chain.ChainEntries.slice(0, chain.ChainLen)) {
        const member = this.entry(id);
        if (member) pending.push(member);
      }
    }
    return paths;
  }

  private async preloadAndStart(entry: CatalogEntry): Promise<ProviderStart> {
    const paths = this.chainPaths(entry);
    try {
      await this.loader.preload(entry.path);
    } catch (error) {
      this.fail(entry, 'load', (error as Error).message, error);
      return { error: WSAEPROVIDERFAILEDINIT };
    }
    // Lower layers that fail to load are the layer's to report: its WSPStartup will not find them.
    // Their load errors are kept as the cause, should the chain then fail to start.
    const lowerLoadErrors: unknown[] = [];
    await Promise.all(
      [...paths].slice(1).map((p) => this.loader.preload(p).catch((error) => lowerLoadErrors.push(error))),
    );
    return this.providers.has(entry.info.ProviderId)
      ? { provider: this.providers.get(entry.info.ProviderId)! }
      : this.start(entry, lowerLoadErrors);
  }

  /** `WSPStartup(MAKEWORD(2,2), …)` with the triggering entry's protocol info; validates the result. */
  private start(entry: CatalogEntry, lowerLoadErrors: readonly unknown[] = []): ProviderStart {
    if (this.ended) return { error: WSANOTINITIALISED };
    const startup = this.loader.loadSync(entry.path);
    if (!startup) {
      const reason = `provider path '${entry.path}' is not loaded or registered`;
      this.fail(entry, 'load', reason, new ProviderLoadError(reason));
      return { error: WSAEPROVIDERFAILEDINIT };
    }
    const wspData = emptyWspData();
    const table: Partial<WSPPROC_TABLE> = {};
    const upcalls = this.upcallsForProvider(this);
    const reports = collectStartupReports(upcalls);
    let rc: unknown;
    try {
      rc = startup(WINSOCK_HIGH_VERSION, wspData, cloneProtocolInfo(entry.info), upcalls, table);
    } catch (error) {
      reports();
      this.failStartup(entry, 'WSPStartup threw', [], error);
      return { error: WSAEPROVIDERFAILEDINIT };
    }
    const reported = reports();
    if (rc !== 0) {
      this.failStartup(entry, `WSPStartup returned ${String(rc)}`, reported, lowerLoadErrors[0]);
      return { error: WSAEPROVIDERFAILEDINIT };
    }
    const missing = missingProcTableMembers(table);
    if (missing.length > 0) {
      this.failStartup(entry, `incomplete WSPPROC_TABLE: missing ${missing.join(', ')}`, reported);
      this.cleanupQuietly(table);
      return { error: WSAEINVALIDPROCTABLE };
    }
    // The provider must settle on a 2.x version this dispatcher speaks; otherwise undo the startup.
    if (LOBYTE(wspData.wVersion) !== 2 || negotiateVersion(wspData.wVersion).version !== wspData.wVersion) {
      this.failStartup(
        entry,
        `unacceptable SPI version 0x${wspData.wVersion.toString(16)} (WSAVERNOTSUPPORTED: this dispatcher speaks 2.0 to 2.2)`,
        reported,
      );
      this.cleanupQuietly(table);
      return { error: WSAEPROVIDERFAILEDINIT };
    }
    const provider: LoadedProvider = {
      providerId: entry.info.ProviderId,
      path: entry.path,
      startupEntryId: entry.info.dwCatalogEntryId,
      procTable: { ...(table as WSPPROC_TABLE) },
      wspData,
    };
    this.providers.set(provider.providerId, provider);
    return { provider };
  }

  /** Calls `WSPCleanup` once on every provider started in this epoch (the last `WSACleanup`). */
  cleanupProviders(): void {
    this.ended = true;
    this.stopWatchingHandles();
    for (const provider of this.providers.values()) {
      const errno = out(0);
      try {
        const rc = provider.procTable.lpWSPCleanup(errno);
        if (rc !== 0) {
          this.reportFailure({
            providerId: provider.providerId,
            path: provider.path,
            call: 'lpWSPCleanup',
            reason: `WSPCleanup failed with ${errno.value}`,
          });
        }
      } catch (error) {
        this.reportFailure({
          providerId: provider.providerId,
          path: provider.path,
          call: 'lpWSPCleanup',
          reason: 'WSPCleanup threw',
          error,
        });
      }
    }
    this.providers.clear();
    this.handles.clear();
  }

  private cleanupQuietly(table: Partial<WSPPROC_TABLE>): void {
    try {
      table.lpWSPCleanup?.(out(0));
    } catch {
      // The startup already failed; a throwing cleanup changes nothing for the caller.
    }
  }

  private fail(entry: CatalogEntry, call: string, reason: string, error?: unknown): void {
    this.reportFailure({ providerId: entry.info.ProviderId, path: entry.path, call, reason, error });
  }

  /**
   * Records a failed `WSPStartup` with a `ProviderStartupError` as its error: the reason, what the
   * chain's layers reported while it ran, and the underlying cause.
   */
  private failStartup(
    entry: CatalogEntry,
    reason: string,
    reported: readonly string[],
    cause?: unknown,
  ): void {
    const detail = reported.length > 0 ? `: ${reported.join('; ')}` : '';
    const error = new ProviderStartupError(
      entry.info.ProviderId,
      entry.path,
      `provider '${entry.path}' (entry ${entry.info.dwCatalogEntryId}): ${reason}${detail}`,
      cause !== undefined ? { cause } : undefined,
    );
    this.fail(entry, 'WSPStartup', reason, error);
  }
}
