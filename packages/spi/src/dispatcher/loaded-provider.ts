import type { WSPPROC_TABLE } from '../spi/wsp-proc-table';
import type { GUID } from '../types/guid';
import type { WSPDATA } from '../types/wsadata';

/** A provider started in this process: one per ProviderId, like ws2_32's TPROVIDER. */
export interface LoadedProvider {
  readonly providerId: GUID;
  readonly path: string;
  /** The catalog entry whose protocol info was passed to `WSPStartup` (the one that caused the load). */
  readonly startupEntryId: number;
  readonly procTable: WSPPROC_TABLE;
  readonly wspData: WSPDATA;
}
