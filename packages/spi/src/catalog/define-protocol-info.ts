/**
 * `defineProtocolInfo`: a `WSAPROTOCOL_INFOW` from the few fields that say what a protocol is,
 * with the values Windows' own base entries carry for the rest, checked as a whole — so a provider
 * author writes five fields, not twenty, and learns of an inconsistent entry when defining it
 * rather than when a socket behaves oddly.
 * @module
 */

import { AF_INET, AF_INET6 } from '../constants/address-families';
import { WSAEINVAL } from '../constants/error-codes';
import { PROVIDER_FLAGS } from '../constants/provider-flags';
import {
  SERVICE_FLAGS,
  XP1_CONNECT_DATA,
  XP1_CONNECTIONLESS,
  XP1_DISCONNECT_DATA,
  XP1_MESSAGE_ORIENTED,
  XP1_PSEUDO_STREAM,
  XP1_UNI_RECV,
  XP1_UNI_SEND,
} from '../constants/service-flags';
import {
  BASE_PROTOCOL,
  BIGENDIAN,
  FROM_PROTOCOL_INFO,
  SECURITY_PROTOCOL_NONE,
} from '../constants/socket-api';
import { SOCK_DGRAM, SOCK_RDM, SOCK_SEQPACKET, SOCK_STREAM } from '../constants/socket-types';
import { WsaError } from '../errors/wsa-error';
import { GUID_NULL, parseGuid } from '../types/guid';
import { type WSAPROTOCOL_INFOW, WSAPROTOCOL_INFOW_FIELDS } from '../types/protocol-info';
import { SIZEOF_SOCKADDR_IN, SIZEOF_SOCKADDR_IN6 } from '../types/sockaddr';
import { describeProtocolInfoProblem } from './catalog-entry-rules';

/**
 * What `defineProtocolInfo` needs: the name, the `(af, type, protocol)` triple an application asks
 * for and the `XP1_*` flags — the fields no default could guess — and, optionally, any other
 * field of `WSAPROTOCOL_INFOW`.
 */
export type ProtocolInfoDefinition = Pick<
  WSAPROTOCOL_INFOW,
  'szProtocol' | 'iAddressFamily' | 'iSocketType' | 'iProtocol' | 'dwServiceFlags1'
> &
  Partial<WSAPROTOCOL_INFOW>;

/** Every `XP1_*` and `PFL_*` bit Windows defines. */
const KNOWN_SERVICE_FLAGS = Object.values(SERVICE_FLAGS).reduce((all, flag) => all | flag, 0);
const KNOWN_PROVIDER_FLAGS = Object.values(PROVIDER_FLAGS).reduce((all, flag) => all | flag, 0);
const FIELDS = new Set<string>(WSAPROTOCOL_INFOW_FIELDS);

/** `sizeof` the address of a family Windows' own entries give, for `iMinSockAddr` / `iMaxSockAddr`. */
function sockaddrSize(af: number): number | undefined {
  return af === AF_INET ? SIZEOF_SOCKADDR_IN : af === AF_INET6 ? SIZEOF_SOCKADDR_IN6 : undefined;
}

/** What is inconsistent in a complete entry, or undefined: Winsock's rules between its fields. */
function inconsistency(info: WSAPROTOCOL_INFOW): string | undefined {
  const flags = info.dwServiceFlags1;
  const has = (flag: number): boolean => (flags & flag) !== 0;
  const unknownService = flags & ~KNOWN_SERVICE_FLAGS;
  if (unknownService)
    return `dwServiceFlags1 has bits no XP1_* flag defines: 0x${unknownService.toString(16)}`;
  const unknownProvider = info.dwProviderFlags & ~KNOWN_PROVIDER_FLAGS;
  if (unknownProvider)
    return `dwProviderFlags has bits no PFL_* flag defines: 0x${unknownProvider.toString(16)}`;
  if (info.szProtocol.length === 0) return 'szProtocol is empty: the catalog shows entries by name';
  if (info.iAddressFamily <= 0)
    return `iAddressFamily ${info.iAddressFamily} is no address family (AF_UNSPEC is 0)`;
  if (info.iSocketType <= 0) return `iSocketType ${info.iSocketType} is no socket type`;
  if (info.iProtocol === FROM_PROTOCOL_INFO)
    return 'iProtocol is FROM_PROTOCOL_INFO, which only a caller passes';
  if (info.iProtocolMaxOffset < 0) return `iProtocolMaxOffset ${info.iProtocolMaxOffset} is negative`;
  if (info.iMinSockAddr <= 0 || info.iMinSockAddr > info.iMaxSockAddr) {
    return `iMinSockAddr ${info.iMinSockAddr} / iMaxSockAddr ${info.iMaxSockAddr}: need 0 < min <= max`;
  }
  if (has(XP1_UNI_SEND) && has(XP1_UNI_RECV)) return 'XP1_UNI_SEND and XP1_UNI_RECV: at most one direction';
  if (has(XP1_PSEUDO_STREAM) && !has(XP1_MESSAGE_ORIENTED)) {
    return 'XP1_PSEUDO_STREAM is a kind of XP1_MESSAGE_ORIENTED, which is not set';
  }
  if (has(XP1_CONNECTIONLESS) && has(XP1_CONNECT_DATA | XP1_DISCONNECT_DATA)) {
    return 'XP1_CONNECT_DATA / XP1_DISCONNECT_DATA on an XP1_CONNECTIONLESS entry: there is no connection';
  }
  const type = info.iSocketType;
  if (type === SOCK_STREAM && has(XP1_CONNECTIONLESS)) return 'SOCK_STREAM with XP1_CONNECTIONLESS';
  if (type === SOCK_STREAM && has(XP1_MESSAGE_ORIENTED) && !has(XP1_PSEUDO_STREAM)) {
    return 'SOCK_STREAM with XP1_MESSAGE_ORIENTED (a stream keeps no boundaries; XP1_PSEUDO_STREAM says it may ignore them)';
  }
  if (type === SOCK_DGRAM && !has(XP1_CONNECTIONLESS)) return 'SOCK_DGRAM without XP1_CONNECTIONLESS';
  if ((type === SOCK_DGRAM || type === SOCK_SEQPACKET || type === SOCK_RDM) && !has(XP1_MESSAGE_ORIENTED)) {
    return 'a message socket type (SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RDM) without XP1_MESSAGE_ORIENTED';
  }
  // dwMessageSize: 0 means "stream-oriented"; a message-oriented protocol says its limit.
  if (has(XP1_MESSAGE_ORIENTED) && info.dwMessageSize === 0) {
    return 'XP1_MESSAGE_ORIENTED with dwMessageSize 0 (0 means stream-oriented): give the largest message, 1 (depends on the MTU) or 0xFFFFFFFF (no limit)';
  }
  if (!has(XP1_MESSAGE_ORIENTED) && info.dwMessageSize !== 0) {
    return `dwMessageSize ${info.dwMessageSize} on a stream-oriented entry (no XP1_MESSAGE_ORIENTED): it must be 0`;
  }
  return undefined;
}

/**
 * A `WSAPROTOCOL_INFOW` for `WSCInstallProvider`, from what makes the protocol what it is, with
 * the rest as Windows' own base entries have it: a base entry (`ProtocolChain` `{ ChainLen:
 * BASE_PROTOCOL }`), `iVersion` 2, `BIGENDIAN`, `SECURITY_PROTOCOL_NONE`, no provider flags, no
 * protocol range, `dwMessageSize` 0 (a stream), address sizes of the family's `SOCKADDR`
 * (`AF_INET` 16, `AF_INET6` 28; any other family must give them), `ProviderId` `GUID_NULL` and
 * `dwCatalogEntryId` 0 (both set by `WSCInstallProvider`). Any field may be given instead.
 *
 * It throws a `WsaError` (`WSAEINVAL`) naming the field for a value C could not hold (what the
 * catalog refuses too), an unknown field (a typo), and for an entry whose fields contradict each
 * other in Winsock's terms: flags no `XP1_*` / `PFL_*` defines, `SOCK_STREAM` with
 * `XP1_CONNECTIONLESS` or `XP1_MESSAGE_ORIENTED`, a message socket type without
 * `XP1_MESSAGE_ORIENTED`, `SOCK_DGRAM` without `XP1_CONNECTIONLESS`, connect or disconnect data
 * without a connection, a `dwMessageSize` that contradicts `XP1_MESSAGE_ORIENTED` (0 means
 * stream-oriented), both `XP1_UNI_*`, address sizes out of order. Every call returns a new object.
 *
 * @example
 * const tp4 = defineProtocolInfo({
 *   szProtocol: 'My ISO TP4',
 *   iAddressFamily: AF_ISO,
 *   iSocketType: SOCK_SEQPACKET,
 *   iProtocol: ISOPROTO_TP4,
 *   dwServiceFlags1: XP1_MESSAGE_ORIENTED | XP1_GUARANTEED_DELIVERY | XP1_GUARANTEED_ORDER | XP1_DISCONNECT_DATA,
 *   dwMessageSize: 0xffffffff,
 *   iMinSockAddr: 72,
 *   iMaxSockAddr: 72,
 * });
 * catalog.WSCInstallProvider(MY_PROVIDER_ID, 'my-provider', [tp4], 1, out(0));
 */
export function defineProtocolInfo(definition: ProtocolInfoDefinition): WSAPROTOCOL_INFOW {
  if (typeof definition !== 'object' || definition === null) {
    throw new WsaError(WSAEINVAL, 'defineProtocolInfo: expected an object of WSAPROTOCOL_INFOW fields');
  }
  const unknown = Object.keys(definition).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) {
    throw new WsaError(
      WSAEINVAL,
      `defineProtocolInfo: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a WSAPROTOCOL_INFOW field' : 'are not WSAPROTOCOL_INFOW fields'}`,
    );
  }
  const af = definition.iAddressFamily;
  const size = sockaddrSize(af);
  if (
    (definition.iMinSockAddr === undefined || definition.iMaxSockAddr === undefined) &&
    size === undefined
  ) {
    throw new WsaError(
      WSAEINVAL,
      `defineProtocolInfo: address family ${af} has no default address size: give iMinSockAddr and iMaxSockAddr`,
    );
  }
  const providerId =
    definition.ProviderId === undefined ? GUID_NULL : (parseGuid(String(definition.ProviderId)) ?? '');
  if (providerId === '') {
    throw new WsaError(
      WSAEINVAL,
      `defineProtocolInfo: ProviderId ${String(definition.ProviderId)} is not a GUID`,
    );
  }
  const chain = definition.ProtocolChain;
  // In WSAPROTOCOL_INFOW's field order, as the catalog stores and prints it.
  const info: WSAPROTOCOL_INFOW = {
    dwServiceFlags1: definition.dwServiceFlags1,
    dwServiceFlags2: definition.dwServiceFlags2 ?? 0,
    dwServiceFlags3: definition.dwServiceFlags3 ?? 0,
    dwServiceFlags4: definition.dwServiceFlags4 ?? 0,
    dwProviderFlags: definition.dwProviderFlags ?? 0,
    ProviderId: providerId,
    dwCatalogEntryId: definition.dwCatalogEntryId ?? 0,
    ProtocolChain: chain
      ? {
          ChainLen: chain.ChainLen,
          ChainEntries: Array.isArray(chain.ChainEntries) ? [...chain.ChainEntries] : chain.ChainEntries,
        }
      : { ChainLen: BASE_PROTOCOL, ChainEntries: [] },
    iVersion: definition.iVersion ?? 2,
    iAddressFamily: af,
    iMaxSockAddr: definition.iMaxSockAddr ?? (size as number),
    iMinSockAddr: definition.iMinSockAddr ?? (size as number),
    iSocketType: definition.iSocketType,
    iProtocol: definition.iProtocol,
    iProtocolMaxOffset: definition.iProtocolMaxOffset ?? 0,
    iNetworkByteOrder: definition.iNetworkByteOrder ?? BIGENDIAN,
    iSecurityScheme: definition.iSecurityScheme ?? SECURITY_PROTOCOL_NONE,
    dwMessageSize: definition.dwMessageSize ?? 0,
    dwProviderReserved: definition.dwProviderReserved ?? 0,
    szProtocol: definition.szProtocol,
  };
  const problem =
    describeProtocolInfoProblem(info, 'defineProtocolInfo', { identity: true }) ??
    ((reason) => reason && `defineProtocolInfo(${JSON.stringify(info.szProtocol)}): ${reason}`)(
      inconsistency(info),
    );
  if (problem) throw new WsaError(WSAEINVAL, problem);
  return info;
}
