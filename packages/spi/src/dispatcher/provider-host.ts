import type { CatalogSnapshot } from '../catalog/catalog-entry';
import type { LPWSPSTARTUP } from '../spi/wsp-proc-table';
import type { WSPUPCALLTABLE } from '../spi/wsp-upcall-table';

/**
 * What a layered provider may ask of the process that started it, beyond the 15 upcalls: the
 * catalog as the process saw it at `WSAStartup` (for finding its own entries and the next layer)
 * and a synchronous loader for the next provider's `WSPStartup` — the `LoadLibrary` +
 * `GetProcAddress("WSPStartup")` an LSP does on Windows.
 */
export interface ProviderHost {
  readonly snapshot: CatalogSnapshot;
  /** The `WSPStartup` at a catalog path, or undefined if it is neither registered nor loadable now. */
  loadProvider(path: string): LPWSPSTARTUP | undefined;
}

// Keyed by the exact upcall-table object a provider received, so no process state is global:
// the entry lives exactly as long as the provider keeps that table.
const hosts = new WeakMap<WSPUPCALLTABLE, ProviderHost>();

/** Records the host behind an upcall table handed to a provider's `WSPStartup`. */
export function bindProviderHost(upcalls: WSPUPCALLTABLE, host: ProviderHost): WSPUPCALLTABLE {
  hosts.set(upcalls, host);
  return upcalls;
}

/**
 * The process behind the upcall table a provider received in `WSPStartup`. Every provider started
 * in one process epoch gets its own copy of the table but the same host object, and a layered
 * provider passes its table down to the next layer — so the host identifies the process: a
 * provider that keeps state per process keys it on the host.
 */
export function providerHost(UpcallTable: WSPUPCALLTABLE): ProviderHost | undefined {
  return hosts.get(UpcallTable);
}
