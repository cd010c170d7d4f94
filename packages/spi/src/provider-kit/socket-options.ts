/**
 * `WSPGetSockOpt` / `WSPSetSockOpt` for `SOL_SOCKET`, with Windows' errors: a missing `optval` or
 * `optlen`, or an `optlen` smaller than the option, is `WSAEFAULT`; an unknown level is `WSAEINVAL`;
 * an unknown option, or one the socket type does not have (`SO_BROADCAST` on a stream socket;
 * `SO_LINGER`, `SO_DONTLINGER`, `SO_KEEPALIVE`, `SO_OOBINLINE` on a datagram socket — MSDN
 * setsockopt), or setting a read-only one, is `WSAENOPROTOOPT`. Other levels go to the driver.
 *
 * `SO_ERROR` is cleared when read ("retrieves error status and clear") and is never set by a reset
 * (Windows keeps it 0 then); `SO_MAX_MSG_SIZE` reports the catalog's `dwMessageSize` for
 * connection-oriented sockets and the driver's limit for datagram sockets.
 * @module
 */

import { WSAEFAULT, WSAEINVAL, WSAENOPROTOOPT } from '../constants/error-codes';
import {
  SO_ACCEPTCONN,
  SO_BROADCAST,
  SO_CONDITIONAL_ACCEPT,
  SO_DEBUG,
  SO_DONTLINGER,
  SO_DONTROUTE,
  SO_ERROR,
  SO_EXCLUSIVEADDRUSE,
  SO_GROUP_ID,
  SO_GROUP_PRIORITY,
  SO_KEEPALIVE,
  SO_LINGER,
  SO_MAX_MSG_SIZE,
  SO_OOBINLINE,
  SO_PROTOCOL_INFOW,
  SO_RCVBUF,
  SO_RCVTIMEO,
  SO_REUSEADDR,
  SO_SNDBUF,
  SO_SNDTIMEO,
  SO_TYPE,
  SOL_SOCKET,
} from '../constants/socket-options';
import type { LINGER, SockOptValue } from '../spi/wsp-types';
import type { Out } from '../types/out-cell';
import { cloneProtocolInfo, SIZEOF_WSAPROTOCOL_INFOW } from '../types/protocol-info';
import { isOut } from './buffer-io';
import { fail } from './kit-failure';
import type { KitSocket, SocketOptionValues } from './kit-socket';
import type { DriverOptionHandler } from './transport-driver';

/** `sizeof(int)`, `sizeof(BOOL)`, `sizeof(DWORD)` and `sizeof(LINGER)` (two u_shorts) are all 4. */
const INT_SIZE = 4;

type BoolOption = keyof Pick<
  SocketOptionValues,
  | 'debug'
  | 'dontRoute'
  | 'keepAlive'
  | 'broadcast'
  | 'oobInline'
  | 'reuseAddress'
  | 'exclusiveAddressUse'
  | 'conditionalAccept'
>;

const BOOL_OPTIONS = new Map<number, BoolOption>([
  [SO_DEBUG, 'debug'],
  [SO_DONTROUTE, 'dontRoute'],
  [SO_KEEPALIVE, 'keepAlive'],
  [SO_BROADCAST, 'broadcast'],
  [SO_OOBINLINE, 'oobInline'],
  [SO_REUSEADDR, 'reuseAddress'],
  [SO_EXCLUSIVEADDRUSE, 'exclusiveAddressUse'],
  [SO_CONDITIONAL_ACCEPT, 'conditionalAccept'],
]);

/** Options a stream socket does not have. */
const NOT_FOR_STREAM = new Set([SO_BROADCAST]);
/** Options a datagram socket does not have. */
const NOT_FOR_DATAGRAM = new Set([
  SO_LINGER,
  SO_DONTLINGER,
  SO_KEEPALIVE,
  SO_OOBINLINE,
  SO_CONDITIONAL_ACCEPT,
]);

function applies(socket: KitSocket, optname: number): boolean {
  return !(socket.kind === 'stream' ? NOT_FOR_STREAM : NOT_FOR_DATAGRAM).has(optname);
}

/** `WSPGetSockOpt`. */
export function getSocketOption(
  socket: KitSocket,
  driverOptions: DriverOptionHandler | undefined,
  level: number,
  optname: number,
  optval: Out<SockOptValue | null> | null,
  optlen: Out<number> | null,
): void {
  if (!isOut(optval) || !isOut(optlen) || typeof optlen.value !== 'number') fail(WSAEFAULT);
  if (level !== SOL_SOCKET) {
    if (!driverOptions?.levels.includes(level)) fail(WSAEINVAL);
    const got = driverOptions.get(level, optname);
    if ('error' in got) fail(got.error);
    if (optlen.value < INT_SIZE) fail(WSAEFAULT);
    optval.value = got.value;
    optlen.value = INT_SIZE;
    return;
  }
  if (!applies(socket, optname)) fail(WSAENOPROTOOPT);
  const o = socket.options;
  let value: SockOptValue;
  let size = INT_SIZE;
  const bool = BOOL_OPTIONS.get(optname);
  if (bool) {
    value = o[bool];
  } else {
    switch (optname) {
      case SO_ACCEPTCONN:
        value = socket.listening;
        break;
      case SO_DONTLINGER:
        value = o.linger.l_onoff === 0;
        break;
      case SO_LINGER:
        value = { ...o.linger };
        break;
      case SO_ERROR:
        value = socket.pendingError;
        break;
      case SO_TYPE:
        value = socket.info.iSocketType;
        break;
      case SO_MAX_MSG_SIZE:
        value = socket.maxMessageSize;
        break;
      case SO_PROTOCOL_INFOW:
        value = cloneProtocolInfo(socket.info);
        size = SIZEOF_WSAPROTOCOL_INFOW;
        break;
      case SO_RCVBUF:
        value = o.receiveBuffer;
        break;
      case SO_SNDBUF:
        value = o.sendBuffer;
        break;
      case SO_RCVTIMEO:
        value = o.receiveTimeout;
        break;
      case SO_SNDTIMEO:
        value = o.sendTimeout;
        break;
      case SO_GROUP_ID:
        value = 0;
        break;
      case SO_GROUP_PRIORITY:
        value = o.groupPriority;
        break;
      default:
        fail(WSAENOPROTOOPT);
    }
  }
  if (optlen.value < size) fail(WSAEFAULT);
  optval.value = value;
  optlen.value = size;
  if (optname === SO_ERROR) socket.pendingError = 0;
}

function asBool(value: SockOptValue): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value !== 0;
  return fail(WSAEFAULT);
}

function asInt(value: SockOptValue): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  return fail(WSAEFAULT);
}

function asLinger(value: SockOptValue): LINGER {
  const l = value as LINGER;
  if (typeof l !== 'object' || l === null || !Number.isInteger(l.l_onoff) || !Number.isInteger(l.l_linger)) {
    fail(WSAEFAULT);
  }
  if (l.l_linger < 0 || l.l_linger > 0xffff || l.l_onoff < 0 || l.l_onoff > 0xffff) fail(WSAEINVAL);
  return { l_onoff: l.l_onoff, l_linger: l.l_linger };
}

/** `WSPSetSockOpt`. */
export function setSocketOption(
  socket: KitSocket,
  driverOptions: DriverOptionHandler | undefined,
  level: number,
  optname: number,
  optval: SockOptValue | null,
  optlen: number,
): void {
  if (optval === null || optval === undefined || !Number.isInteger(optlen)) fail(WSAEFAULT);
  if (level !== SOL_SOCKET) {
    if (!driverOptions?.levels.includes(level)) fail(WSAEINVAL);
    if (optlen < INT_SIZE) fail(WSAEFAULT);
    const code = driverOptions.set(level, optname, optval);
    if (code) fail(code);
    return;
  }
  if (!applies(socket, optname)) fail(WSAENOPROTOOPT);
  if (optlen < INT_SIZE) fail(WSAEFAULT);
  const o = socket.writableOptions();
  const bool = BOOL_OPTIONS.get(optname);
  if (bool) {
    const on = asBool(optval);
    if (on && bool === 'reuseAddress' && o.exclusiveAddressUse) fail(WSAEINVAL);
    if (on && bool === 'exclusiveAddressUse' && o.reuseAddress) fail(WSAEINVAL);
    o[bool] = on;
    return;
  }
  switch (optname) {
    case SO_LINGER:
      o.linger = asLinger(optval);
      return;
    case SO_DONTLINGER:
      o.linger = { l_onoff: asBool(optval) ? 0 : 1, l_linger: o.linger.l_linger };
      return;
    case SO_RCVBUF: {
      const n = asInt(optval);
      if (n < 0) fail(WSAEINVAL);
      o.receiveBuffer = n;
      socket.receiveBufferChanged();
      return;
    }
    case SO_SNDBUF: {
      const n = asInt(optval);
      if (n < 0) fail(WSAEINVAL);
      o.sendBuffer = n;
      return;
    }
    case SO_RCVTIMEO:
      o.receiveTimeout = Math.max(0, asInt(optval));
      return;
    case SO_SNDTIMEO:
      o.sendTimeout = Math.max(0, asInt(optval));
      return;
    case SO_GROUP_PRIORITY:
      o.groupPriority = asInt(optval);
      return;
    default:
      // Read-only (SO_ACCEPTCONN, SO_ERROR, SO_TYPE, SO_MAX_MSG_SIZE, SO_PROTOCOL_INFOW, SO_GROUP_ID) or unknown.
      fail(WSAENOPROTOOPT);
  }
}
