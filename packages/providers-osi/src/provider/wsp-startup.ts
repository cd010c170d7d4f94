/**
 * The module-level `WSPStartup` of the package: the provider that the catalog path
 * `@ws2spi/providers-osi` names, over the machine's real TCP (Node's `net`).
 * @module
 */

import { type BaseProvider, type LPWSPSTARTUP, nodeStreamNetwork } from '@ws2spi/spi';
import { createOsiProvider } from './create-osi-provider';

// Module-level state, on purpose: this is the DLL's global. The dispatcher imports the module once
// per Node process and calls its WSPStartup for every Ws2 process; the provider (and through it
// each process's sockets) must outlive a single call. It is made on the first WSPStartup, so
// importing the package creates nothing.
let realNetworkProvider: BaseProvider | undefined;

/**
 * `WSPStartup` (ws2spi.h) of the OSI provider over real TCP: what an ISO transport DLL would export
 * on Windows. Fills the `WSPPROC_TABLE` for the TP2 and TP0 entries; see `createOsiProvider` for the
 * same provider over another network or with other timeouts.
 */
export const WSPStartup: LPWSPSTARTUP = (
  wVersionRequested,
  lpWSPData,
  lpProtocolInfo,
  UpcallTable,
  lpProcTable,
) => {
  realNetworkProvider ??= createOsiProvider({ streams: nodeStreamNetwork() });
  return realNetworkProvider.WSPStartup(
    wVersionRequested,
    lpWSPData,
    lpProtocolInfo,
    UpcallTable,
    lpProcTable,
  );
};
