/**
 * The in-memory transport for WSK clients: the in-memory provider's drivers over a `SimNetwork`
 * host, handed to a WSK provider (`createWskProvider` of `@ws2spi/spi/wsk`), so WSK code runs in
 * deterministic tests beside (or against) Winsock code using the in-memory provider.
 * @module
 */

import { AF_INET, AF_INET6 } from '../../constants/address-families';
import { SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM } from '../../constants/socket-types';
import type { WskTransport } from '../../wsk/wsk-transport';
import type { SimHost } from '../sim-network/sim-host';
import type { SimNetwork } from '../sim-network/sim-network';
import { createInMemoryDatagramDriver } from './in-memory-datagram-driver';
import { IN_MEMORY_DEFAULT_PROTOCOL, inMemoryProviderId } from './in-memory-protocol-infos';
import { createInMemoryStreamDriver } from './in-memory-stream-driver';

/** Where the in-memory WSK transports run. */
export interface InMemoryWskOptions {
  /** The simulated network the in-memory providers run on. */
  network: SimNetwork;
  /** The host (or its name) whose endpoints the WSK sockets use. */
  host: string | SimHost;
  /** The protocol number of the transports (the Winsock entries' `iProtocol`); default 253. */
  protocol?: number;
  /** TCP's rule that data after `SD_RECEIVE` resets the connection; default false. */
  resetOnDataAfterReceiveShutdown?: boolean;
}

/**
 * The in-memory transports for a WSK provider, for `AF_INET` and `AF_INET6`: stream
 * (`SOCK_STREAM`), message (`SOCK_SEQPACKET`) and datagram (`SOCK_DGRAM`), all with the given
 * protocol number — the same transports `createInMemoryProvider` serves Winsock sockets with, so
 * the two interoperate on one `SimNetwork`.
 * @example
 * const network = new SimNetwork();
 * network.addHost('wsk', { ipv4: ['10.0.0.1'] });
 * const provider = createWskProvider({ transports: inMemoryWskTransports({ network, host: 'wsk' }) });
 * const wsk = new WskSubsystem({ provider });
 */
export function inMemoryWskTransports(options: InMemoryWskOptions): WskTransport[] {
  const host = typeof options.host === 'string' ? options.network.host(options.host) : options.host;
  const protocol = options.protocol ?? IN_MEMORY_DEFAULT_PROTOCOL;
  const ProviderId = inMemoryProviderId({ protocol });
  const transports: WskTransport[] = [];
  for (const family of [4, 6] as const) {
    const AddressFamily = family === 4 ? AF_INET : AF_INET6;
    const stream = (messageOriented: boolean): WskTransport => ({
      AddressFamily,
      SocketType: messageOriented ? SOCK_SEQPACKET : SOCK_STREAM,
      Protocol: protocol,
      driver: createInMemoryStreamDriver({
        network: host.streams,
        family,
        expedited: true,
        resetOnDataAfterReceiveShutdown: options.resetOnDataAfterReceiveShutdown ?? false,
      }),
      ProviderId,
      messageOriented,
    });
    transports.push(stream(false), stream(true), {
      AddressFamily,
      SocketType: SOCK_DGRAM,
      Protocol: protocol,
      driver: createInMemoryDatagramDriver({ network: host.datagrams, family }),
      ProviderId,
    });
  }
  return transports;
}
