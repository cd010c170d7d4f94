/**
 * `PFL_*` provider flags of `WSAPROTOCOL_INFOW.dwProviderFlags` (winsock2.h): how an entry is
 * represented in the catalog.
 * @module
 */

export const PFL_MULTIPLE_PROTO_ENTRIES = 0x00000001;
export const PFL_RECOMMENDED_PROTO_ENTRY = 0x00000002;
/** `WSAEnumProtocols` must not return the entry; LSP dummy entries set it. */
export const PFL_HIDDEN = 0x00000004;
/** `protocol == 0` in `socket`/`WSASocket` matches this entry. */
export const PFL_MATCHES_PROTOCOL_ZERO = 0x00000008;
export const PFL_NETWORKDIRECT_PROVIDER = 0x00000010;

/** The `PFL_*` flags by name, in bit order. */
export const PROVIDER_FLAGS = {
  PFL_MULTIPLE_PROTO_ENTRIES,
  PFL_RECOMMENDED_PROTO_ENTRY,
  PFL_HIDDEN,
  PFL_MATCHES_PROTOCOL_ZERO,
  PFL_NETWORKDIRECT_PROVIDER,
} as const;
