/**
 * A `Ws2` process whose catalog holds the OSI provider's TP2 and TP0 entries, served by the
 * provider over real TCP or over a SimNetwork host — the way an application or a test sets it up
 * (`installOsiProviders` + `registerProvider`).
 */

import { createOsiProvider, installOsiProviders, type OsiProviderOptions } from '@ws2spi/providers-osi';
import { Catalog, emptyWsaData, MAKEWORD, registerProvider, Ws2 } from '@ws2spi/spi';
import { container } from 'tsyringe';

/** A started `Ws2` process and how to end it. */
export interface OsiProcess {
  ws2: Ws2;
  catalog: Catalog;
  /** `WSACleanup` until the count is 0: the provider resets and frees every socket it still holds. */
  end(): void;
}

/**
 * Starts a process. With `options`, the entries name a provider registered in the process's own
 * container (`createOsiProvider(options)`); without, they name the package, which the dispatcher
 * imports to find its real-network `WSPStartup`.
 */
export function startOsiProcess(options?: OsiProviderOptions): OsiProcess {
  const catalog = new Catalog();
  const child = container.createChildContainer();
  if (options) {
    const path = 'test:osi-provider';
    registerProvider(child, path, createOsiProvider(options).WSPStartup);
    installOsiProviders(catalog, { path });
  } else {
    installOsiProviders(catalog);
  }
  const ws2 = new Ws2({ catalog, container: child });
  const rc = ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData());
  if (rc !== 0) throw new Error(`WSAStartup failed: ${rc}`);
  let ended = false;
  return {
    ws2,
    catalog,
    end: () => {
      if (ended) return;
      ended = true;
      while (ws2.startupReferences > 0) ws2.WSACleanup();
    },
  };
}
