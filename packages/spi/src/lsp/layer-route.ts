import type { CatalogEntry } from '../catalog/catalog-entry';
import type { LPWSPSTARTUP, WSPPROC_TABLE } from '../spi/wsp-proc-table';
import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';
import type { WSPDATA } from '../types/wsadata';
import type { WalkedChain } from './protocol-chain-walk';

/**
 * The way down from one layer for one protocol chain: the next provider (another layer or the
 * base) and the `WSPPROC_TABLE` its `WSPStartup` filled — the sample's `PROVIDER` with its
 * `NextProvider` and `NextProcTable`. A layer keeps one route per distinct chain below it (TCP and
 * UDP chains of one LSP have different routes), started the first time it is needed.
 */
export interface LayerRoute {
  /** The chain as walked, top to bottom. */
  readonly chain: WalkedChain;
  /** This layer's index in `chain.layers`. */
  readonly position: number;
  /** The entry of the next provider: the next layer's (layered or chain) entry, or the base. */
  readonly next: CatalogEntry;
  /** True when the next provider is the base provider. */
  readonly nextIsBase: boolean;
  /** The provider path the next provider was loaded from (`WPUGetProviderPath`). */
  readonly nextPath: string;
  /**
   * The next provider's `WSPStartup` as loaded: the module itself. Two routes whose next provider
   * is the same module reach the same per-process provider (a DLL's globals), whichever of its
   * startups each went through.
   */
  readonly nextProvider: LPWSPSTARTUP;
  /** The next provider's table. */
  readonly lower: WSPPROC_TABLE;
  /** The next provider's `WSPDATA`. */
  readonly lowerData: WSPDATA;
  /**
   * The protocol info to hand to the next provider for a call that received `info`: the base's own
   * info when the next provider is the base (base providers never see chains), else a copy of
   * `info` itself, unmodified. `dwProviderReserved` is carried over either way, as the sample does.
   */
  infoForNext(info: WSAPROTOCOL_INFOW): WSAPROTOCOL_INFOW;
}
