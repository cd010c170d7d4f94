import {
  AF_INET,
  BASE_PROTOCOL,
  BIGENDIAN,
  type CatalogEntry,
  type CatalogSnapshot,
  IPPROTO_TCP,
  SECURITY_PROTOCOL_NONE,
  SOCK_STREAM,
  type WSAPROTOCOL_INFOW,
  XP1_GRACEFUL_CLOSE,
  XP1_GUARANTEED_DELIVERY,
  XP1_GUARANTEED_ORDER,
} from '@ws2spi/spi';

let nextId = 5001;

/** A well-formed WSAPROTOCOL_INFOW for dispatcher tests; every field can be overridden. */
export function protocolInfo(overrides: Partial<WSAPROTOCOL_INFOW> = {}): WSAPROTOCOL_INFOW {
  const id = overrides.dwCatalogEntryId ?? nextId++;
  return {
    dwServiceFlags1: XP1_GRACEFUL_CLOSE | XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER,
    dwServiceFlags2: 0,
    dwServiceFlags3: 0,
    dwServiceFlags4: 0,
    dwProviderFlags: 0,
    ProviderId: '11111111-2222-3333-4444-555555555555',
    dwCatalogEntryId: id,
    ProtocolChain: { ChainLen: BASE_PROTOCOL, ChainEntries: [id] },
    iVersion: 2,
    iAddressFamily: AF_INET,
    iMaxSockAddr: 16,
    iMinSockAddr: 16,
    iSocketType: SOCK_STREAM,
    iProtocol: IPPROTO_TCP,
    iProtocolMaxOffset: 0,
    iNetworkByteOrder: BIGENDIAN,
    iSecurityScheme: SECURITY_PROTOCOL_NONE,
    dwMessageSize: 0,
    dwProviderReserved: 0,
    szProtocol: 'Test protocol',
    ...overrides,
  };
}

/** A catalog source that hands out a fixed snapshot (the Catalog class is tested on its own). */
export function fixedCatalog(entries: CatalogEntry[]): {
  snapshot(): CatalogSnapshot;
  entries: CatalogEntry[];
} {
  return {
    entries,
    snapshot: () => ({ serial: 1, entries: structuredClone(entries), appCategories: [] }),
  };
}

/** A catalog entry for `path`. */
export function entry(path: string, info: WSAPROTOCOL_INFOW): CatalogEntry {
  return { path, info, lspCategories: 0 };
}
