/**
 * Inside the kit a Winsock failure is thrown as a `WsaError` and caught once, at the WSP boundary,
 * where it becomes `SOCKET_ERROR` with the code in `lpErrno`. Anything else thrown (a driver bug)
 * becomes `WSAENETDOWN` there: no exception ever crosses a WSP call.
 * @module
 */

import { WSAENETDOWN } from '../constants/error-codes';
import { isWsaError, WsaError } from '../errors/wsa-error';

/** Throws the Winsock error `code`. */
export function fail(code: number, message?: string): never {
  throw new WsaError(code, message);
}

/** The Winsock code for anything thrown: a `WsaError`'s own code, `WSAENETDOWN` for anything else. */
export function codeOf(reason: unknown): number {
  return isWsaError(reason) && reason.code !== 0 ? reason.code : WSAENETDOWN;
}
