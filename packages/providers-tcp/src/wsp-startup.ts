/**
 * The module-level `WSPStartup` of the package: the provider that the catalog path
 * `@ws2spi/providers-tcp` names, over the machine's real network (Node's `net` and `dgram`).
 * @module
 */

import { type BaseProvider, type LPWSPSTARTUP, nodeDatagramNetwork, nodeStreamNetwork } from '@ws2spi/spi';
import { createTcpProvider } from './create-tcp-provider';

// Module-level state, on purpose: this is the DLL's global. The dispatcher imports the module once
// per Node process and calls its WSPStartup for every Ws2 process; the provider (and through it
// each process's sockets) must outlive a single call. It is made on the first WSPStartup, so
// importing the package creates nothing.
let realNetworkProvider: BaseProvider | undefined;

/**
 * `WSPStartup` (ws2spi.h) of the TCP/IP provider over real sockets: what `mswsock.dll` exports on
 * Windows. Fills the `WSPPROC_TABLE` for the `MSAFD Tcpip` entries; see `createTcpProvider` for
 * the same provider over another network.
 */
export const WSPStartup: LPWSPSTARTUP = (
  wVersionRequested,
  lpWSPData,
  lpProtocolInfo,
  UpcallTable,
  lpProcTable,
) => {
  realNetworkProvider ??= createTcpProvider({
    streams: nodeStreamNetwork(),
    datagrams: nodeDatagramNetwork(),
  });
  return realNetworkProvider.WSPStartup(
    wVersionRequested,
    lpWSPData,
    lpProtocolInfo,
    UpcallTable,
    lpProcTable,
  );
};
