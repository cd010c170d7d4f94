/**
 * A `Ws2` process whose catalog holds the four `MSAFD Tcpip` entries, served by the TCP/IP
 * provider over real sockets or over a `SimNetwork` host — the way an application or a test sets
 * it up (`installTcpProviders` + `registerProvider`).
 */

import { createTcpProvider, installTcpProviders, type TcpProviderNetworks } from '@ws2spi/providers-tcp';
import { Catalog, emptyWsaData, MAKEWORD, registerProvider, Ws2 } from '@ws2spi/spi';
import { container } from 'tsyringe';

/** A started `Ws2` process and how to end it. */
export interface TcpProcess {
  ws2: Ws2;
  catalog: Catalog;
  /** `WSACleanup`: the provider resets and frees every socket it still holds. */
  end(): void;
}

/**
 * Starts a process. With `networks`, the entries name a provider registered in the process's own
 * container (`createTcpProvider(networks)`); without, they name the package, which the dispatcher
 * imports to find its real-network `WSPStartup`.
 */
export function startTcpProcess(networks?: TcpProviderNetworks): TcpProcess {
  const catalog = new Catalog();
  const child = container.createChildContainer();
  if (networks) {
    const path = 'test:tcp-provider';
    registerProvider(child, path, createTcpProvider(networks).WSPStartup);
    installTcpProviders(catalog, { path });
  } else {
    installTcpProviders(catalog);
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
      ws2.WSACleanup();
    },
  };
}
