import { BASE_PROTOCOL, LAYERED_PROTOCOL, MAX_PROTOCOL_CHAIN } from '../constants/socket-api';
import type { GUID } from './guid';

/**
 * `WSAPROTOCOLCHAIN` (winsock2.h). `ChainLen` 0 is a layered entry (an LSP's hidden dummy), 1 a base
 * protocol, more than 1 a chain whose `ChainEntries[0]` is the top layer (called first) and
 * `ChainEntries[ChainLen - 1]` the base provider's catalog ID.
 */
export interface WSAPROTOCOLCHAIN {
  /** `LAYERED_PROTOCOL` (0) for a layered entry, `BASE_PROTOCOL` (1) for a base entry, more for a chain. */
  ChainLen: number;
  /** Up to `MAX_PROTOCOL_CHAIN` (7) catalog entry IDs. Only the first `ChainLen` are meaningful. */
  ChainEntries: number[];
}

/**
 * `WSAPROTOCOL_INFOW` (winsock2.h), all 20 fields with their Windows names. One catalog entry.
 * The `dwServiceFlags1` bits (`XP1_*`) say what the protocol can do.
 */
export interface WSAPROTOCOL_INFOW {
  /** `XP1_*` flags: what the protocol can do. */
  dwServiceFlags1: number;
  /** Reserved. */
  dwServiceFlags2: number;
  /** Reserved. */
  dwServiceFlags3: number;
  /** Reserved. */
  dwServiceFlags4: number;
  /** `PFL_*` flags: how the entry is represented in the catalog. */
  dwProviderFlags: number;
  /** The vendor's GUID; the unit of install and uninstall. One GUID may own several entries. */
  ProviderId: GUID;
  /** Assigned by the catalog at install (from 1001, never reused); ignored on input. */
  dwCatalogEntryId: number;
  /** The chain: which layers the entry runs through, top first. */
  ProtocolChain: WSAPROTOCOLCHAIN;
  /** The protocol version. */
  iVersion: number;
  /** The address family (`AF_*`). */
  iAddressFamily: number;
  /** The largest address length, in octets. */
  iMaxSockAddr: number;
  /** The smallest address length, in octets. */
  iMinSockAddr: number;
  /** The socket type (`SOCK_*`). */
  iSocketType: number;
  /** The protocol number (`IPPROTO_*`, `ISOPROTO_*`). */
  iProtocol: number;
  /** How far above `iProtocol` the protocol numbers of the entry go (0 for one). */
  iProtocolMaxOffset: number;
  /** `BIGENDIAN` or `LITTLEENDIAN`. */
  iNetworkByteOrder: number;
  /** The security scheme (`SECURITY_PROTOCOL_NONE`). */
  iSecurityScheme: number;
  /** 0 = stream; 1 = depends on MTU; 0xFFFFFFFF = message-oriented without limit. */
  dwMessageSize: number;
  /** Reserved for the provider. */
  dwProviderReserved: number;
  /** Human-readable name, at most `WSAPROTOCOL_LEN` (255) characters. */
  szProtocol: string;
}

/** The 20 field names of `WSAPROTOCOL_INFOW`, in declaration order. */
export const WSAPROTOCOL_INFOW_FIELDS = [
  'dwServiceFlags1',
  'dwServiceFlags2',
  'dwServiceFlags3',
  'dwServiceFlags4',
  'dwProviderFlags',
  'ProviderId',
  'dwCatalogEntryId',
  'ProtocolChain',
  'iVersion',
  'iAddressFamily',
  'iMaxSockAddr',
  'iMinSockAddr',
  'iSocketType',
  'iProtocol',
  'iProtocolMaxOffset',
  'iNetworkByteOrder',
  'iSecurityScheme',
  'dwMessageSize',
  'dwProviderReserved',
  'szProtocol',
] as const satisfies readonly (keyof WSAPROTOCOL_INFOW)[];

/** `sizeof(WSAPROTOCOL_INFOW)` in C: 628 bytes. Buffer sizes in the catalog APIs are counted in it. */
export const SIZEOF_WSAPROTOCOL_INFOW = 628;

/** A deep copy, so callers can never mutate a catalog's own entries through what they were given. */
export function cloneProtocolInfo(info: WSAPROTOCOL_INFOW): WSAPROTOCOL_INFOW {
  return {
    ...info,
    ProtocolChain: {
      ChainLen: info.ProtocolChain.ChainLen,
      ChainEntries: [...info.ProtocolChain.ChainEntries],
    },
  };
}

/** True for a layered (ChainLen 0) entry: an LSP's dummy, never chosen for a socket. */
export function isLayeredEntry(info: WSAPROTOCOL_INFOW): boolean {
  return info.ProtocolChain.ChainLen === LAYERED_PROTOCOL;
}

/** True for a base protocol (ChainLen 1). */
export function isBaseEntry(info: WSAPROTOCOL_INFOW): boolean {
  return info.ProtocolChain.ChainLen === BASE_PROTOCOL;
}

/** True for a protocol chain (ChainLen 2 … 7). */
export function isChainEntry(info: WSAPROTOCOL_INFOW): boolean {
  return info.ProtocolChain.ChainLen > BASE_PROTOCOL && info.ProtocolChain.ChainLen <= MAX_PROTOCOL_CHAIN;
}
