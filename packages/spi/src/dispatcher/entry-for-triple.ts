/**
 * The catalog entry a `WSASocketW` with `lpProtocolInfo` builds its socket from. The structure
 * names an entry by `dwCatalogEntryId`, but non-zero `af`, `type` and `protocol` arguments override
 * its fields, and the socket is built from the effective triple: a structure naming the TCP/IP entry
 * with `AF_INET, SOCK_DGRAM, IPPROTO_UDP` gives a UDP socket, from the entry of the same provider
 * (the same ProviderId, and as deep in a chain) that serves that triple. When the named entry
 * serves the triple, or no entry of its provider does, it is the named entry (whose provider then
 * refuses what it cannot build).
 * @module
 */
import type { CatalogEntry, CatalogSnapshot } from '../catalog/catalog-entry';
import { isLayeredEntry } from '../types/protocol-info';

function serves(entry: CatalogEntry, af: number, type: number, protocol: number): boolean {
  const info = entry.info;
  return (
    info.iAddressFamily === af &&
    info.iSocketType === type &&
    protocol >= info.iProtocol &&
    protocol <= info.iProtocol + info.iProtocolMaxOffset
  );
}

/** The entry for the effective triple (see the module comment). */
export function entryForTriple(
  snapshot: CatalogSnapshot,
  named: CatalogEntry,
  af: number,
  type: number,
  protocol: number,
): CatalogEntry {
  if (serves(named, af, type, protocol)) return named;
  const chainLength = named.info.ProtocolChain.ChainLen;
  return (
    snapshot.entries.find(
      (entry) =>
        entry.info.ProviderId === named.info.ProviderId &&
        !isLayeredEntry(entry.info) &&
        entry.info.ProtocolChain.ChainLen === chainLength &&
        serves(entry, af, type, protocol),
    ) ?? named
  );
}
