import type { WSPPROC_TABLE } from '../spi/wsp-proc-table';
import type { GUID } from '../types/guid';
import type { WSPDATA } from '../types/wsadata';

/** A provider started in this process: one per ProviderId, like ws2_32's TPROVIDER. */
export interface LoadedProvider {
  /** The `ProviderId` it was started for. */
  readonly providerId: GUID;
  /** The provider path it was loaded from. */
  readonly path: string;
  /** The catalog entry whose protocol info was passed to `WSPStartup` (the one that caused the load). */
  readonly startupEntryId: number;
  /** The `WSPPROC_TABLE` its `WSPStartup` filled: every call routed to it goes here. */
  readonly procTable: WSPPROC_TABLE;
  /** The `WSPDATA` its `WSPStartup` filled (version, description). */
  readonly wspData: WSPDATA;
}
