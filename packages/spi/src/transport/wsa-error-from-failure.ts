/**
 * A network's failures in Winsock's words, for the drivers of base providers. Drivers report
 * failures to the provider kit as `WsaError`s; a `NetworkError` from `StreamNetwork` /
 * `DatagramNetwork` carries a POSIX code that maps one to one (`ECONNREFUSED` →
 * `WSAECONNREFUSED`, `EADDRINUSE` → `WSAEADDRINUSE`, `EPIPE` → `WSAECONNRESET` …).
 * @module
 */

import { WSAENETDOWN } from '../constants/error-codes';
import { isWsaError, WsaError } from '../errors/wsa-error';
import { wsaErrorFromNetworkError } from './network-error-to-wsa';
import { NetworkError } from './stream-network';

/**
 * The Winsock code of a network failure: a `WsaError` keeps its code, a `NetworkError` maps by
 * its POSIX code, and anything else (a failure the network did not classify) is `WSAENETDOWN`,
 * Windows' "the network subsystem has failed".
 */
export function wsaCodeOfNetworkFailure(reason: unknown): number {
  if (isWsaError(reason)) return reason.code;
  if (reason instanceof NetworkError) return wsaErrorFromNetworkError(reason.code) ?? WSAENETDOWN;
  return WSAENETDOWN;
}

/**
 * A network failure as the `WsaError` a driver throws (from `WSPConnect`, `WSPBind`, `WSPListen`,
 * `WSPSendTo` …), keeping the network's message and the original failure as `cause`. A `WsaError`
 * is returned as it is.
 */
export function wsaErrorFromFailure(reason: unknown): WsaError {
  if (isWsaError(reason)) return reason;
  const message = reason instanceof Error ? reason.message : String(reason);
  return new WsaError(wsaCodeOfNetworkFailure(reason), message, { cause: reason });
}
