/**
 * The `SOL_SOCKET` options of mswsock.h a kit socket answers, before the generic ones:
 *
 * - `SO_UPDATE_ACCEPT_CONTEXT` (set only, on an `AcceptEx` socket): the value is the listening
 *   socket, `optlen` `sizeof(SOCKET)` (8 on x64; a 4-byte value is `WSAEFAULT`, as on 64-bit
 *   Windows); the accepted socket takes the listener's options, as `accept` gives them.
 * - `SO_UPDATE_CONNECT_CONTEXT` (set only, after `ConnectEx`): accepted with any value, as
 *   libuv passes `NULL, 0`; the kit's socket already has its context.
 * - `SO_CONNECT_TIME` (get only): the seconds connected, or 0xFFFFFFFF while not connected.
 *
 * Getting either update option, or setting `SO_CONNECT_TIME`, is `WSAENOPROTOOPT`.
 * @module
 */

import { WSAEFAULT, WSAEINVAL, WSAENOPROTOOPT, WSAENOTSOCK } from '../constants/error-codes';
import { SO_CONNECT_TIME, SO_UPDATE_ACCEPT_CONTEXT, SO_UPDATE_CONNECT_CONTEXT } from '../constants/mswsock';
import { SOL_SOCKET } from '../constants/socket-options';
import { SIZEOF_SOCKET } from '../spi/mswsock-types';
import type { SockOptValue } from '../spi/wsp-types';
import type { Out } from '../types/out-cell';
import { isOut } from './buffer-io';
import { fail } from './kit-failure';
import type { KitSocket } from './kit-socket';
import { StreamSocket } from './stream-socket';

const NOT_CONNECTED = 0xffffffff;

/** True for the options handled here. */
export function isMswsockOption(level: number, optname: number): boolean {
  return (
    level === SOL_SOCKET &&
    (optname === SO_UPDATE_ACCEPT_CONTEXT ||
      optname === SO_UPDATE_CONNECT_CONTEXT ||
      optname === SO_CONNECT_TIME)
  );
}

/** `WSPGetSockOpt` for the options above. */
export function getMswsockOption(
  socket: KitSocket,
  optname: number,
  optval: Out<SockOptValue | null> | null,
  optlen: Out<number> | null,
): void {
  if (optname !== SO_CONNECT_TIME) fail(WSAENOPROTOOPT);
  if (!isOut(optval) || !isOut(optlen) || typeof optlen.value !== 'number' || optlen.value < 4)
    fail(WSAEFAULT);
  optval.value = socket instanceof StreamSocket ? (socket.secondsConnected ?? NOT_CONNECTED) : NOT_CONNECTED;
  optlen.value = 4;
}

function lookupOr(lookup: (s: number) => KitSocket, s: number): KitSocket {
  try {
    return lookup(s);
  } catch {
    return fail(WSAENOTSOCK);
  }
}

/** `WSPSetSockOpt` for the options above; `lookup` finds the listening socket `optval` names. */
export function setMswsockOption(
  socket: KitSocket,
  optname: number,
  optval: SockOptValue | null,
  optlen: number,
  lookup: (s: number) => KitSocket,
): void {
  if (optname === SO_CONNECT_TIME) fail(WSAENOPROTOOPT);
  if (optname === SO_UPDATE_CONNECT_CONTEXT) return;
  if (typeof optval !== 'number' || optlen < SIZEOF_SOCKET) fail(WSAEFAULT);
  const listener = lookupOr(lookup, optval);
  if (!listener.listening || !(socket instanceof StreamSocket) || socket.connectionState !== 'connected')
    fail(WSAEINVAL);
  Object.assign(socket.options, listener.options, { linger: { ...listener.options.linger } });
}
