/**
 * The transports a WSK provider serves. On Windows, WSK clients reach the kernel transports
 * directly, below AFD and the Winsock catalog; here a WSK provider is configured with the same
 * transport drivers the base providers are built on (`StreamTransportDriver`,
 * `DatagramTransportDriver`), one per address family, socket type and protocol. The TCP/IP and ISO
 * transport packages hand theirs over (`tcpWskTransports`, `osiWskTransports`), and the in-memory
 * transport of `@ws2spi/spi/testing` does too, so one WSK implementation serves all of them.
 *
 * `WSK_TRANSPORT` is what `WskControlClient(WSK_TRANSPORT_LIST_QUERY)` reports of each.
 * @module
 */

import { SOCK_RDM, SOCK_SEQPACKET } from '../constants/socket-types';
import type { TransportDriver } from '../provider-kit/transport-driver';
import { type GUID, GUID_NULL } from '../types/guid';

/** One transport a WSK provider serves. */
export interface WskTransport {
  /** The address family it serves (`AF_INET`, `AF_INET6`, `AF_ISO`, …). */
  AddressFamily: number;
  /** The socket type it serves (`SOCK_STREAM`, `SOCK_DGRAM`, `SOCK_SEQPACKET`, …). */
  SocketType: number;
  /** The protocol it serves (`IPPROTO_TCP`, `ISOPROTO_TP2`, …). */
  Protocol: number;
  /** The driver that moves the bytes (`kind: 'stream'` for connection and listen sockets, `'datagram'` for datagram sockets). */
  driver: TransportDriver;
  /** The transport's provider GUID, as `WSK_TRANSPORT.ProviderId` reports it; default the nil GUID. */
  ProviderId?: GUID;
  /** `WSK_TRANSPORT.Version`; default 2. */
  Version?: number;
  /**
   * The protocol keeps message boundaries, so a receive ends at a message end and indications say
   * `WSK_FLAG_ENTIRE_MESSAGE`. Default: true for `SOCK_SEQPACKET` and `SOCK_RDM`.
   */
  messageOriented?: boolean;
}

/** `WSK_TRANSPORT`. */
export interface WSK_TRANSPORT {
  /** The transport's version. */
  Version: number;
  /** The socket type it serves. */
  SocketType: number;
  /** The protocol it serves. */
  Protocol: number;
  /** The address family it serves. */
  AddressFamily: number;
  /** The GUID of the transport's provider. */
  ProviderId: GUID;
}

/** `sizeof(WSK_TRANSPORT)` on 64-bit Windows: 2 + 2 + 4 + 2 (+2 padding) + 16. */
export const SIZEOF_WSK_TRANSPORT = 28;

/** A transport as the provider keeps it: the configuration with its defaults filled in. */
export type WskTransportEntry = Readonly<Required<WskTransport>>;

/** Fills in a transport's defaults. */
export function transportEntry(transport: WskTransport): WskTransportEntry {
  return {
    AddressFamily: transport.AddressFamily,
    SocketType: transport.SocketType,
    Protocol: transport.Protocol,
    driver: transport.driver,
    ProviderId: transport.ProviderId ?? GUID_NULL,
    Version: transport.Version ?? 2,
    messageOriented:
      transport.messageOriented ??
      (transport.SocketType === SOCK_SEQPACKET || transport.SocketType === SOCK_RDM),
  };
}

/** The `WSK_TRANSPORT` record of a transport. */
export function describeTransport(entry: WskTransportEntry): WSK_TRANSPORT {
  return {
    Version: entry.Version,
    SocketType: entry.SocketType,
    Protocol: entry.Protocol,
    AddressFamily: entry.AddressFamily,
    ProviderId: entry.ProviderId,
  };
}
