/**
 * A `Ws2` process whose catalog holds the four `MSAFD Tcpip` entries (`startProviderProcess` of
 * `@ws2spi/spi/testing` with `installTcpProviders`), served by the TCP/IP provider over real
 * sockets or over a `SimNetwork` host.
 */

import { createTcpProvider, installTcpProviders, type TcpProviderNetworks } from '@ws2spi/providers-tcp';
import { type ProviderProcess, startProviderProcess } from '@ws2spi/spi/testing';

/** A started `Ws2` process and how to end it. */
export type TcpProcess = ProviderProcess;

/**
 * Starts a process. With `networks`, the entries name a provider registered in the process's own
 * container (`createTcpProvider(networks)`); without, they name the package, which the dispatcher
 * imports to find its real-network `WSPStartup`.
 */
export function startTcpProcess(networks?: TcpProviderNetworks): TcpProcess {
  return startProviderProcess({
    install: (catalog, path) => installTcpProviders(catalog, path ? { path } : {}),
    ...(networks ? { register: createTcpProvider(networks).WSPStartup } : {}),
  });
}
