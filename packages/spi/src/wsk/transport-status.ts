/**
 * How transport failures reach a WSK client: the NTSTATUS of a Winsock error code. Transport
 * drivers report failures in Winsock's words (a `WsaError` from `connect`/`bind`, the code of
 * `LinkHandlers.onReset`); WSK sits where Windows' transports answer in NTSTATUS, so each code goes
 * back to a transport status. The table is the one overlapped requests complete with
 * (`ntStatusFromWsaError` of `@ws2spi/spi`), except for four rows where a WSK call fails in its own
 * words:
 *
 * | Winsock code        | NTSTATUS                          |
 * |---------------------|-----------------------------------|
 * | `WSAECONNREFUSED`   | `STATUS_CONNECTION_REFUSED`       |
 * | `WSAECONNRESET`, `WSAENETRESET` | `STATUS_CONNECTION_RESET` |
 * | `WSAECONNABORTED`   | `STATUS_CONNECTION_ABORTED`       |
 * | `WSAETIMEDOUT`      | `STATUS_IO_TIMEOUT`               |
 * | `WSAENETUNREACH`    | `STATUS_NETWORK_UNREACHABLE`      |
 * | `WSAEHOSTUNREACH`   | `STATUS_HOST_UNREACHABLE`         |
 * | `WSAENETDOWN`       | `STATUS_UNEXPECTED_NETWORK_ERROR` |
 * | `WSAEADDRINUSE`     | `STATUS_ADDRESS_ALREADY_EXISTS`   |
 * | `WSAEADDRNOTAVAIL`  | `STATUS_INVALID_ADDRESS_COMPONENT`|
 * | `WSAEACCES`         | `STATUS_ACCESS_DENIED`            |
 * | `WSAEDISCON`        | `STATUS_GRACEFUL_DISCONNECT`      |
 * | `WSAESHUTDOWN`      | `STATUS_PIPE_DISCONNECTED`        |
 * | `WSAENOTCONN`       | `STATUS_INVALID_CONNECTION`       |
 * | `WSAEISCONN`        | `STATUS_CONNECTION_ACTIVE`        |
 * | `WSAENOTSOCK`       | `STATUS_INVALID_HANDLE`           |
 * | `WSAEOPNOTSUPP`     | `STATUS_NOT_SUPPORTED`            |
 * | `WSAENOBUFS`        | `STATUS_INSUFFICIENT_RESOURCES`   |
 * | `WSAEWOULDBLOCK`    | `STATUS_DEVICE_NOT_READY`         |
 * | `WSAEINTR`          | `STATUS_REQUEST_ABORTED`          |
 * | `WSA_OPERATION_ABORTED` | `STATUS_CANCELLED`            |
 * | `WSAEINVAL`         | `STATUS_INVALID_PARAMETER`        |
 * | WSK's own rows:     |                                   |
 * | `WSAEMSGSIZE`       | `STATUS_INVALID_BUFFER_SIZE` (a datagram too large fails the send; `STATUS_BUFFER_OVERFLOW` is the truncated receive's warning) |
 * | `WSAEFAULT`, `WSAEAFNOSUPPORT` | `STATUS_INVALID_PARAMETER` (a bad address argument, not an output buffer too small) |
 * | `WSAENOPROTOOPT`    | `STATUS_NOT_SUPPORTED` (an option the transport does not have) |
 * | anything else       | `STATUS_UNSUCCESSFUL`             |
 *
 * `wsaErrorFromWskStatus` is the other direction, as Windows' Winsock helper DLLs map a transport's
 * status (`NtStatusToSocketError`); round trips give the code back, except where Windows folds codes
 * together: `WSAENOPROTOOPT` returns as `WSAEOPNOTSUPP`, `WSAENETRESET` as `WSAECONNRESET`, and
 * `WSAEFAULT` / `WSAEAFNOSUPPORT` (a bad address) as `WSAEINVAL`.
 *
 * A failure that is not a Winsock error at all (a driver bug, an unclassified network error) is the
 * network subsystem failing: `STATUS_UNEXPECTED_NETWORK_ERROR`, as the kit reports it `WSAENETDOWN`.
 * @module
 */

import {
  WSAEACCES,
  WSAEADDRINUSE,
  WSAEADDRNOTAVAIL,
  WSAEAFNOSUPPORT,
  WSAECONNABORTED,
  WSAECONNREFUSED,
  WSAECONNRESET,
  WSAEDISCON,
  WSAEFAULT,
  WSAEHOSTUNREACH,
  WSAEINTR,
  WSAEINVAL,
  WSAEMSGSIZE,
  WSAENETDOWN,
  WSAENETUNREACH,
  WSAENOBUFS,
  WSAENOPROTOOPT,
  WSAENOTCONN,
  WSAEOPNOTSUPP,
  WSAESHUTDOWN,
  WSAETIMEDOUT,
  WSAEWOULDBLOCK,
} from '../constants/error-codes';
import { ntStatusFromWsaError } from '../spi/completion-status';
import { wsaCodeOfNetworkFailure } from '../transport/wsa-error-from-failure';
import {
  NT_SUCCESS,
  type NTSTATUS,
  STATUS_ACCESS_DENIED,
  STATUS_ACCESS_VIOLATION,
  STATUS_ADDRESS_ALREADY_ASSOCIATED,
  STATUS_ADDRESS_ALREADY_EXISTS,
  STATUS_ADDRESS_NOT_ASSOCIATED,
  STATUS_BUFFER_OVERFLOW,
  STATUS_BUFFER_TOO_SMALL,
  STATUS_CANCELLED,
  STATUS_CONNECTION_ABORTED,
  STATUS_CONNECTION_ACTIVE,
  STATUS_CONNECTION_DISCONNECTED,
  STATUS_CONNECTION_INVALID,
  STATUS_CONNECTION_REFUSED,
  STATUS_CONNECTION_RESET,
  STATUS_DEVICE_NOT_READY,
  STATUS_GRACEFUL_DISCONNECT,
  STATUS_HOST_UNREACHABLE,
  STATUS_INSUFFICIENT_RESOURCES,
  STATUS_INVALID_ADDRESS,
  STATUS_INVALID_ADDRESS_COMPONENT,
  STATUS_INVALID_BUFFER_SIZE,
  STATUS_INVALID_CONNECTION,
  STATUS_INVALID_DEVICE_REQUEST,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_IO_TIMEOUT,
  STATUS_LOCAL_DISCONNECT,
  STATUS_NETWORK_UNREACHABLE,
  STATUS_NOT_IMPLEMENTED,
  STATUS_NOT_SUPPORTED,
  STATUS_PIPE_DISCONNECTED,
  STATUS_PORT_UNREACHABLE,
  STATUS_PROTOCOL_UNREACHABLE,
  STATUS_REMOTE_DISCONNECT,
  STATUS_REQUEST_ABORTED,
  STATUS_REQUEST_NOT_ACCEPTED,
  STATUS_TIMEOUT,
  STATUS_UNEXPECTED_NETWORK_ERROR,
  STATUS_UNSUCCESSFUL,
} from './ntstatus';

/** Where a WSK call's status differs from an overlapped request's (the module comment says why). */
const WSK_ROWS = new Map<number, NTSTATUS>([
  [WSAEMSGSIZE, STATUS_INVALID_BUFFER_SIZE],
  [WSAEFAULT, STATUS_INVALID_PARAMETER],
  [WSAEAFNOSUPPORT, STATUS_INVALID_PARAMETER],
  [WSAENOPROTOOPT, STATUS_NOT_SUPPORTED],
]);

/** The NTSTATUS a WSK request completes with for a Winsock error code a transport reported (table in the module comment). */
export function wskStatusFromWsaError(code: number): NTSTATUS {
  return WSK_ROWS.get(code) ?? ntStatusFromWsaError(code);
}

/**
 * The NTSTATUS of a transport failure: a `WsaError` or `NetworkError` by its code, anything else
 * (a failure nobody classified) `STATUS_UNEXPECTED_NETWORK_ERROR`.
 */
export function ntStatusFromTransportFailure(reason: unknown): NTSTATUS {
  return wskStatusFromWsaError(wsaCodeOfNetworkFailure(reason));
}

const toWsa = new Map<NTSTATUS, number>([
  [STATUS_INSUFFICIENT_RESOURCES, WSAENOBUFS],
  [STATUS_ADDRESS_ALREADY_EXISTS, WSAEADDRINUSE],
  [STATUS_IO_TIMEOUT, WSAETIMEDOUT],
  [STATUS_TIMEOUT, WSAETIMEDOUT],
  [STATUS_GRACEFUL_DISCONNECT, WSAEDISCON],
  [STATUS_REMOTE_DISCONNECT, WSAECONNRESET],
  [STATUS_CONNECTION_RESET, WSAECONNRESET],
  [STATUS_CONNECTION_DISCONNECTED, WSAECONNRESET],
  [STATUS_PORT_UNREACHABLE, WSAECONNRESET],
  [STATUS_LOCAL_DISCONNECT, WSAECONNABORTED],
  [STATUS_CONNECTION_ABORTED, WSAECONNABORTED],
  [STATUS_NETWORK_UNREACHABLE, WSAENETUNREACH],
  [STATUS_PROTOCOL_UNREACHABLE, WSAENETUNREACH],
  [STATUS_HOST_UNREACHABLE, WSAEHOSTUNREACH],
  [STATUS_CANCELLED, WSAEINTR],
  [STATUS_REQUEST_ABORTED, WSAEINTR],
  [STATUS_BUFFER_OVERFLOW, WSAEMSGSIZE],
  [STATUS_INVALID_BUFFER_SIZE, WSAEMSGSIZE],
  [STATUS_BUFFER_TOO_SMALL, WSAEFAULT],
  [STATUS_ACCESS_VIOLATION, WSAEFAULT],
  [STATUS_DEVICE_NOT_READY, WSAEWOULDBLOCK],
  [STATUS_REQUEST_NOT_ACCEPTED, WSAEWOULDBLOCK],
  [STATUS_UNEXPECTED_NETWORK_ERROR, WSAENETDOWN],
  [STATUS_INVALID_CONNECTION, WSAENOTCONN],
  [STATUS_CONNECTION_REFUSED, WSAECONNREFUSED],
  [STATUS_PIPE_DISCONNECTED, WSAESHUTDOWN],
  [STATUS_INVALID_ADDRESS, WSAEADDRNOTAVAIL],
  [STATUS_INVALID_ADDRESS_COMPONENT, WSAEADDRNOTAVAIL],
  [STATUS_NOT_SUPPORTED, WSAEOPNOTSUPP],
  [STATUS_NOT_IMPLEMENTED, WSAEOPNOTSUPP],
  [STATUS_ACCESS_DENIED, WSAEACCES],
  [STATUS_UNSUCCESSFUL, WSAEINVAL],
  [STATUS_INVALID_PARAMETER, WSAEINVAL],
  [STATUS_ADDRESS_ALREADY_ASSOCIATED, WSAEINVAL],
  [STATUS_ADDRESS_NOT_ASSOCIATED, WSAEINVAL],
  [STATUS_CONNECTION_INVALID, WSAEINVAL],
  [STATUS_CONNECTION_ACTIVE, WSAEINVAL],
  [STATUS_INVALID_DEVICE_STATE, WSAEINVAL],
  [STATUS_INVALID_DEVICE_REQUEST, WSAEINVAL],
]);

/**
 * The Winsock error Windows reports for a transport's NTSTATUS (its `NtStatusToSocketError`): 0 for
 * a success status, `WSAENOBUFS` for a failure it does not map. The direction a user-mode Winsock
 * provider takes; `wskStatusFromWsaError` is its inverse on the codes transports report.
 */
export function wsaErrorFromWskStatus(status: NTSTATUS): number {
  const mapped = toWsa.get(status >>> 0);
  if (mapped !== undefined) return mapped;
  return NT_SUCCESS(status) ? 0 : WSAENOBUFS;
}
