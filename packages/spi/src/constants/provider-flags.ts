/**
 * `PFL_*` provider flags of `WSAPROTOCOL_INFOW.dwProviderFlags` (winsock2.h): how an entry is
 * represented in the catalog.
 * @module
 */

/** `PFL_MULTIPLE_PROTO_ENTRIES` (winsock2.h): provider flag: one of several entries of a provider for one protocol. */
export const PFL_MULTIPLE_PROTO_ENTRIES = 0x00000001;
/** `PFL_RECOMMENDED_PROTO_ENTRY` (winsock2.h): provider flag: the recommended entry among several. */
export const PFL_RECOMMENDED_PROTO_ENTRY = 0x00000002;
/** `WSAEnumProtocols` must not return the entry; LSP dummy entries set it. */
export const PFL_HIDDEN = 0x00000004;
/** `protocol == 0` in `socket`/`WSASocket` matches this entry. */
export const PFL_MATCHES_PROTOCOL_ZERO = 0x00000008;
/** `PFL_NETWORKDIRECT_PROVIDER` (winsock2.h): provider flag: a NetworkDirect provider. */
export const PFL_NETWORKDIRECT_PROVIDER = 0x00000010;

/** The `PFL_*` flags by name, in bit order. */
export const PROVIDER_FLAGS = {
  PFL_MULTIPLE_PROTO_ENTRIES,
  PFL_RECOMMENDED_PROTO_ENTRY,
  PFL_HIDDEN,
  PFL_MATCHES_PROTOCOL_ZERO,
  PFL_NETWORKDIRECT_PROVIDER,
} as const;
