import type { GUID } from '../types/guid';

/**
 * A provider that broke the SPI contract: it threw, returned something that is not a result, failed
 * without an error code, or claimed no handle for a socket it reported. The dispatcher survives,
 * reports the call as failed (`WSASYSCALLFAILURE` unless the contract says otherwise), and records
 * what happened here so a test or a log can show it.
 */
export interface ProviderFailure {
  /** The provider's `ProviderId` (`''` for an APC or a catalog failure). */
  providerId: GUID;
  /** The provider path (`''` when there is none). */
  path: string;
  /** The WSP function or upcall, e.g. `'lpWSPRecv'`. */
  call: string;
  /** What went wrong, in words (`'threw'`, `'WSPStartup returned 10106'` …). */
  reason: string;
  /** What was thrown, or the load or startup error (`ProviderLoadError`, `ProviderStartupError`). */
  error?: unknown;
}
