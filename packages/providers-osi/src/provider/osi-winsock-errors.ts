/**
 * ISO transport events and refusals in Winsock's words: the `CotpCommandError` codes of the state
 * machine and the ways a connection ends (package README, "Winsock mapping"); the network's
 * failures map through `wsaErrorFromFailure` of `@ws2spi/spi`, as the TCP/IP provider's do.
 * @module
 */

import {
  isWsaError,
  WSAECONNABORTED,
  WSAECONNREFUSED,
  WSAECONNRESET,
  WSAEDISCON,
  WSAEINVAL,
  WSAEMSGSIZE,
  WSAENOPROTOOPT,
  WSAENOTCONN,
  WSAEOPNOTSUPP,
  WSAESHUTDOWN,
  WSAETIMEDOUT,
  WSAEWOULDBLOCK,
  WsaError,
} from '@ws2spi/spi';
import type { CotpCommandErrorCode } from '../cotp/cotp-command-error';
import { isCotpCommandError } from '../cotp/cotp-command-error';
import type { CotpCloseCause, CotpDisconnectIndication } from '../cotp/cotp-connection-types';

/** The Winsock code of a refused `CotpConnection` command. */
export const COMMAND_ERROR_CODES: Readonly<Record<CotpCommandErrorCode, number>> = {
  INVALID_STATE: WSAEINVAL,
  NOT_CONNECTED: WSAENOTCONN,
  SHUT_DOWN: WSAESHUTDOWN,
  CONNECT_DATA_TOO_LONG: WSAEMSGSIZE,
  DISCONNECT_DATA_TOO_LONG: WSAEMSGSIZE,
  // A class-0 connection is a provider without XP1_DISCONNECT_DATA (BSD's TP said EOPNOTSUPP).
  CLASS0_NO_DISCONNECT_DATA: WSAENOPROTOOPT,
  EXPEDITED_NOT_NEGOTIATED: WSAEOPNOTSUPP,
  EXPEDITED_DATA_SIZE: WSAEMSGSIZE,
  SEND_QUEUE_FULL: WSAEWOULDBLOCK,
  INVALID_REASON: WSAEINVAL,
  TSAP_TOO_LONG: WSAEINVAL,
};

/**
 * A thrown `CotpCommandError` as the `WsaError` a driver throws; `whenClosed` replaces
 * `NOT_CONNECTED` once the connection is over (the reason it is over says more). Anything else is
 * rethrown as is.
 */
export function asWinsockFailure(error: unknown, whenClosed?: number): WsaError {
  if (isWsaError(error)) return error;
  if (isCotpCommandError(error)) {
    const code =
      error.code === 'NOT_CONNECTED' && whenClosed !== undefined
        ? whenClosed
        : COMMAND_ERROR_CODES[error.code];
    return new WsaError(code, error.message, { cause: error });
  }
  throw error;
}

/**
 * Why a connect failed, from the indication that ended it before the CC: the peer's DR refusal and
 * a transport that closed before the CC are `WSAECONNREFUSED` (nobody took the connection), no CC
 * in time is `WSAETIMEDOUT`.
 */
export function connectFailureCode(indication: CotpDisconnectIndication): number {
  return indication.kind === 'connect-timeout' ? WSAETIMEDOUT : WSAECONNREFUSED;
}

/**
 * What a send (or disconnect with data) on a connection that is over reports, by how it ended:
 * `WSAEDISCON` after the peer's release ("the virtual circuit was gracefully closed by the remote
 * side", MSDN WSASend), `WSAECONNRESET` after a transport loss, `WSAETIMEDOUT` after a TPDU that
 * stopped half-way (a local I/O timeout: AFD reports `STATUS_IO_TIMEOUT` as `WSAETIMEDOUT`),
 * `WSAECONNABORTED` after a protocol error, another timeout or a local abort, `WSAESHUTDOWN` after
 * this end's own release.
 */
export function closedConnectionCode(cause: CotpCloseCause): number {
  switch (cause) {
    case 'peer-released':
      return WSAEDISCON;
    case 'transport-closed':
      return WSAECONNRESET;
    case 'released':
      return WSAESHUTDOWN;
    case 'receive-timeout':
      return WSAETIMEDOUT;
    default:
      return WSAECONNABORTED;
  }
}
