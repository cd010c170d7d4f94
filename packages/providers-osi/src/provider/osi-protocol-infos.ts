/**
 * The catalog entries of the OSI provider: ISO transport over TCP as `AF_ISO` / `SOCK_SEQPACKET`,
 * one entry per transport class, because the class decides what a connection can do:
 *
 * - **TP2** (`ISOPROTO_TP2`, RFC 2126 class 2): explicit release with DR/DC, so connect data *and*
 *   disconnect data (`XP1_DISCONNECT_DATA`, 64 octets). Its sockets run class 2 only: a CR is sent
 *   without class 0 as an alternative, and a listener refuses a class-0-only CR. A socket of this
 *   entry therefore never ends up on a class-0 connection, which could not carry the disconnect
 *   data its flags promise. It has `PFL_MATCHES_PROTOCOL_ZERO`: `socket(AF_ISO, SOCK_SEQPACKET, 0)`
 *   gets class 2.
 * - **TP0** (`ISOPROTO_TP0`, RFC 1006 class 0): release is the TCP close, so no disconnect data and
 *   no `XP1_DISCONNECT_DATA` (`WSASendDisconnect` with data is `WSAENOPROTOOPT`); connect data and
 *   expedited data are RFC 1006's extensions of class 0. Its listeners also take a class-2 CR that
 *   offers class 0 as the alternative.
 *
 * `ISOPROTO_TP` is `ISOPROTO_TP4` (29) in wshisotp.h: class 4, which this provider does not run, so
 * it is not claimed.
 * @module
 */

import {
  AF_ISO,
  defineProtocolInfo,
  ISOPROTO_TP0,
  ISOPROTO_TP2,
  PFL_MATCHES_PROTOCOL_ZERO,
  SOCK_SEQPACKET,
  type WSAPROTOCOL_INFOW,
  XP1_CONNECT_DATA,
  XP1_DISCONNECT_DATA,
  XP1_EXPEDITED_DATA,
  XP1_GRACEFUL_CLOSE,
  XP1_GUARANTEED_DELIVERY,
  XP1_GUARANTEED_ORDER,
  XP1_MESSAGE_ORIENTED,
} from '@ws2spi/spi';
import { SIZEOF_SOCKADDR_TP } from './sockaddr-tp';

/** The `ProviderId` of the OSI provider's entries: a GUID of this project's own. */
export const OSI_PROVIDER_ID = '9d1ed86b-cfb5-448a-8ed6-4a83b779791a';

/**
 * The largest TSDU (message) a socket sends and accepts, `dwMessageSize` and `SO_MAX_MSG_SIZE`:
 * 1 MiB. A longer send is `WSAEMSGSIZE`; a peer's longer TSDU aborts the connection (it would have
 * to be held whole before the first byte could be read).
 */
export const OSI_MAX_TSDU_SIZE = 1 << 20;

/** `dwServiceFlags1` of the TP2 entry: 0x1EE. */
export const OSI_TP2_SERVICE_FLAGS =
  XP1_CONNECT_DATA |
  XP1_DISCONNECT_DATA |
  XP1_GRACEFUL_CLOSE |
  XP1_MESSAGE_ORIENTED |
  XP1_GUARANTEED_DELIVERY |
  XP1_GUARANTEED_ORDER |
  XP1_EXPEDITED_DATA;

/** `dwServiceFlags1` of the TP0 entry: 0xEE, the TP2 flags without `XP1_DISCONNECT_DATA`. */
export const OSI_TP0_SERVICE_FLAGS = OSI_TP2_SERVICE_FLAGS & ~XP1_DISCONNECT_DATA;

/** The `szProtocol` names. */
export const OSI_PROTOCOL_NAMES = {
  /** The TP2 entry's name (class 2, RFC 2126: carries disconnect data). */
  tp2: 'ws2spi ISO Transport [TP2 over TCP, RFC 2126]',
  /** The TP0 entry's name (class 0, RFC 1006: no disconnect data). */
  tp0: 'ws2spi ISO Transport [TP0 over TCP, RFC 1006]',
} as const;

function entry(
  szProtocol: string,
  iProtocol: number,
  dwServiceFlags1: number,
  dwProviderFlags: number,
  ProviderId: string,
): WSAPROTOCOL_INFOW {
  return defineProtocolInfo({
    szProtocol,
    iAddressFamily: AF_ISO,
    iSocketType: SOCK_SEQPACKET,
    iProtocol,
    dwServiceFlags1,
    dwProviderFlags,
    ProviderId,
    iMinSockAddr: SIZEOF_SOCKADDR_TP,
    iMaxSockAddr: SIZEOF_SOCKADDR_TP,
    dwMessageSize: OSI_MAX_TSDU_SIZE,
  });
}

/**
 * The `WSAPROTOCOL_INFOW`s of the TP2 and TP0 entries, in that order, ready for
 * `WSCInstallProvider` (`dwCatalogEntryId` 0: the catalog assigns it). Fresh objects every call.
 *
 * @param providerId the `ProviderId` of both entries (default `OSI_PROVIDER_ID`).
 */
export function osiProtocolInfos(providerId: string = OSI_PROVIDER_ID): WSAPROTOCOL_INFOW[] {
  return [
    entry(OSI_PROTOCOL_NAMES.tp2, ISOPROTO_TP2, OSI_TP2_SERVICE_FLAGS, PFL_MATCHES_PROTOCOL_ZERO, providerId),
    entry(OSI_PROTOCOL_NAMES.tp0, ISOPROTO_TP0, OSI_TP0_SERVICE_FLAGS, 0, providerId),
  ];
}
