/**
 * A network's failures in Winsock's words. Drivers report failures to the kit as `WsaError`s; a
 * `NetworkError` from `StreamNetwork`/`DatagramNetwork` carries a POSIX code that maps one to one
 * (`ECONNREFUSED` → `WSAECONNREFUSED`, `EADDRINUSE` → `WSAEADDRINUSE`, `EPIPE` → `WSAECONNRESET` …).
 * @module
 */

import { isWsaError, NetworkError, WSAENETDOWN, WsaError, wsaErrorFromNetworkError } from '@ws2spi/spi';

/** The Winsock code for a network failure; anything that is not a `NetworkError` is `WSAENETDOWN`. */
export function wsaCodeOfNetworkFailure(reason: unknown): number {
  if (isWsaError(reason)) return reason.code;
  if (reason instanceof NetworkError) return wsaErrorFromNetworkError(reason.code) ?? WSAENETDOWN;
  return WSAENETDOWN;
}

/** The failure as the `WsaError` a driver throws, keeping the network's message and the original as `cause`. */
export function asWsaError(reason: unknown): WsaError {
  if (isWsaError(reason)) return reason;
  const message = reason instanceof Error ? reason.message : String(reason);
  return new WsaError(wsaCodeOfNetworkFailure(reason), message, { cause: reason });
}
