import type { GUID } from '../types/guid';

/**
 * Why a provider could not be started in a process: its `WSPStartup` failed (returned an error,
 * threw, filled an incomplete `WSPPROC_TABLE`, or settled on a version this dispatcher does not
 * speak). For a layered provider the message carries what the layers of its chain reported while
 * they started (`reportStartupFailure`) — a broken chain, a next layer that could not be loaded —
 * and `cause` is the load error (`ProviderLoadError`) of the provider the chain needed, or what
 * `WSPStartup` threw.
 *
 * The dispatcher records it as the `error` of the `ProviderFailure`, and the `Socket` facade gives
 * it as the `cause` of the `WSAEPROVIDERFAILEDINIT` it throws.
 */
export class ProviderStartupError extends Error {
  /** `'ProviderStartupError'`. */
  override readonly name = 'ProviderStartupError';

  constructor(
    /** The `ProviderId` of the catalog entry that was started. */
    readonly providerId: GUID,
    /** The provider path of that entry. */
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
