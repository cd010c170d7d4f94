/**
 * A `Ws2` process whose catalog holds the OSI provider's TP2 and TP0 entries (`startProviderProcess`
 * of `@ws2spi/spi/testing` with `installOsiProviders`), served by the provider over real TCP or
 * over a SimNetwork host.
 */

import { createOsiProvider, installOsiProviders, type OsiProviderOptions } from '@ws2spi/providers-osi';
import { type ProviderProcess, startProviderProcess } from '@ws2spi/spi/testing';

/** A started `Ws2` process and how to end it. */
export type OsiProcess = ProviderProcess;

/**
 * Starts a process. With `options`, the entries name a provider registered in the process's own
 * container (`createOsiProvider(options)`); without, they name the package, which the dispatcher
 * imports to find its real-network `WSPStartup`.
 */
export function startOsiProcess(options?: OsiProviderOptions): OsiProcess {
  return startProviderProcess({
    install: (catalog, path) => installOsiProviders(catalog, path ? { path } : {}),
    ...(options ? { register: createOsiProvider(options).WSPStartup } : {}),
  });
}
