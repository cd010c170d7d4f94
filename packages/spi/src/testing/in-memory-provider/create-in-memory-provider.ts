/**
 * `createInMemoryProvider`: a base provider built with the provider kit over a `SimNetwork` host,
 * for tests that want Winsock semantics without real sockets. What each socket does follows the
 * service flags of the catalog entry it was opened on (see `inMemoryProtocolInfos`).
 * @module
 */

import { AF_INET6 } from '../../constants/address-families';
import { XP1_CONNECTIONLESS, XP1_EXPEDITED_DATA } from '../../constants/service-flags';
import { type BaseProvider, defineBaseProvider } from '../../provider-kit/define-base-provider';
import type { TransportDriver } from '../../provider-kit/transport-driver';
import type { WSAPROTOCOL_INFOW } from '../../types/protocol-info';
import type { SimHost } from '../sim-network/sim-host';
import type { SimNetwork } from '../sim-network/sim-network';
import { createInMemoryDatagramDriver } from './in-memory-datagram-driver';
import { createInMemoryStreamDriver } from './in-memory-stream-driver';

/** Where the in-memory provider runs and how it behaves beyond what the entries' flags say. */
export interface InMemoryProviderOptions {
  /** The network the provider's sockets live on. */
  network: SimNetwork;
  /** The host (or its name) whose sockets this provider opens. */
  host: string | SimHost;
  /** Must match the entries' `XP1_IFS_HANDLES`; default `'ifs'`. */
  handles?: 'ifs' | 'non-ifs';
  /** TCP's rule that data after `SD_RECEIVE` resets the connection; default false. */
  resetOnDataAfterReceiveShutdown?: boolean;
  /** Largest connect / disconnect data; default 64 bytes each. */
  maxConnectData?: number;
  /** Largest disconnect data; default 64 bytes. */
  maxDisconnectData?: number;
  /** `WSPDATA.szDescription`. */
  description?: string;
}

/**
 * The in-memory base provider: `{ WSPStartup }`, ready for `registerProvider` or a module export.
 *
 * @example
 * const network = new SimNetwork({ timing: 'virtual' });
 * network.addHost('a', { ipv4: ['10.0.0.1'] });
 * registerProvider(container, 'in-memory', createInMemoryProvider({ network, host: 'a' }).WSPStartup);
 */
export function createInMemoryProvider(options: InMemoryProviderOptions): BaseProvider {
  const host = typeof options.host === 'string' ? options.network.host(options.host) : options.host;
  return defineBaseProvider({
    description: options.description ?? `ws2spi in-memory provider on host '${host.name}'`,
    handles: options.handles ?? 'ifs',
    createDriver(info: WSAPROTOCOL_INFOW): TransportDriver {
      const family = info.iAddressFamily === AF_INET6 ? 6 : 4;
      if (info.dwServiceFlags1 & XP1_CONNECTIONLESS)
        return createInMemoryDatagramDriver({ network: host.datagrams, family });
      return createInMemoryStreamDriver({
        network: host.streams,
        family,
        expedited: (info.dwServiceFlags1 & XP1_EXPEDITED_DATA) !== 0,
        resetOnDataAfterReceiveShutdown: options.resetOnDataAfterReceiveShutdown ?? false,
        ...(options.maxConnectData !== undefined ? { maxConnectData: options.maxConnectData } : {}),
        ...(options.maxDisconnectData !== undefined ? { maxDisconnectData: options.maxDisconnectData } : {}),
      });
    },
  });
}
