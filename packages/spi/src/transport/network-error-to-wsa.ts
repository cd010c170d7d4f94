import {
  WSAEACCES,
  WSAEADDRINUSE,
  WSAEADDRNOTAVAIL,
  WSAECONNABORTED,
  WSAECONNREFUSED,
  WSAECONNRESET,
  WSAEHOSTUNREACH,
  WSAEINVAL,
  WSAEMSGSIZE,
  WSAENETDOWN,
  WSAENETUNREACH,
  WSAETIMEDOUT,
} from '../constants/error-codes';
import type { NetworkErrorCode } from './stream-network';

const table: Record<NetworkErrorCode, number> = {
  ECONNREFUSED: WSAECONNREFUSED,
  ECONNRESET: WSAECONNRESET,
  ECONNABORTED: WSAECONNABORTED,
  ETIMEDOUT: WSAETIMEDOUT,
  EHOSTUNREACH: WSAEHOSTUNREACH,
  ENETUNREACH: WSAENETUNREACH,
  ENETDOWN: WSAENETDOWN,
  EADDRINUSE: WSAEADDRINUSE,
  EADDRNOTAVAIL: WSAEADDRNOTAVAIL,
  EMSGSIZE: WSAEMSGSIZE,
  // Winsock reports a send on a connection the peer reset as WSAECONNRESET, not a broken pipe.
  EPIPE: WSAECONNRESET,
  EINVAL: WSAEINVAL,
  EACCES: WSAEACCES,
};

/** The Winsock error for a network error code (`ECONNREFUSED` → `WSAECONNREFUSED`). */
export function wsaErrorFromNetworkError(code: NetworkErrorCode): number {
  return table[code];
}
