/**
 * NTSTATUS values a WSK client meets, with Windows' names and values (ntstatus.h), and the
 * `NT_SUCCESS` family of tests.
 *
 * The statuses overlapped Winsock requests complete with too (`STATUS_CONNECTION_RESET`,
 * `STATUS_CANCELLED` …) are `@ws2spi/spi`'s (`constants/ntstatus.ts`), re-exported here; the ones
 * only WSK and the I/O manager use (`STATUS_INVALID_DEVICE_STATE`, `STATUS_DATA_NOT_ACCEPTED`,
 * `STATUS_MORE_PROCESSING_REQUIRED` …) are defined below. Values are kept as the header writes them
 * (`0xC000000D`, an unsigned number), so they compare with the constants and print as Windows
 * prints them; `NT_SUCCESS` looks at the severity bits, as the C macro does on the signed `LONG`.
 * @module
 */

import {
  NT_SUCCESS,
  type NTSTATUS,
  STATUS_ACCESS_DENIED,
  STATUS_ACCESS_VIOLATION,
  STATUS_ADDRESS_ALREADY_EXISTS,
  STATUS_BUFFER_OVERFLOW,
  STATUS_BUFFER_TOO_SMALL,
  STATUS_CANCELLED,
  STATUS_CONNECTION_ABORTED,
  STATUS_CONNECTION_ACTIVE,
  STATUS_CONNECTION_REFUSED,
  STATUS_CONNECTION_RESET,
  STATUS_DEVICE_NOT_READY,
  STATUS_GRACEFUL_DISCONNECT,
  STATUS_HOST_UNREACHABLE,
  STATUS_INSUFFICIENT_RESOURCES,
  STATUS_INVALID_ADDRESS_COMPONENT,
  STATUS_INVALID_CONNECTION,
  STATUS_INVALID_HANDLE,
  STATUS_INVALID_PARAMETER,
  STATUS_IO_TIMEOUT,
  STATUS_LOCAL_DISCONNECT,
  STATUS_NETWORK_UNREACHABLE,
  STATUS_NOT_SUPPORTED,
  STATUS_PENDING,
  STATUS_PIPE_DISCONNECTED,
  STATUS_PORT_UNREACHABLE,
  STATUS_REMOTE_DISCONNECT,
  STATUS_REQUEST_ABORTED,
  STATUS_SUCCESS,
  STATUS_TIMEOUT,
  STATUS_UNEXPECTED_NETWORK_ERROR,
  STATUS_UNSUCCESSFUL,
} from '../constants/ntstatus';

export {
  NT_SUCCESS,
  type NTSTATUS,
  STATUS_ACCESS_DENIED,
  STATUS_ACCESS_VIOLATION,
  STATUS_ADDRESS_ALREADY_EXISTS,
  STATUS_BUFFER_OVERFLOW,
  STATUS_BUFFER_TOO_SMALL,
  STATUS_CANCELLED,
  STATUS_CONNECTION_ABORTED,
  STATUS_CONNECTION_ACTIVE,
  STATUS_CONNECTION_REFUSED,
  STATUS_CONNECTION_RESET,
  STATUS_DEVICE_NOT_READY,
  STATUS_GRACEFUL_DISCONNECT,
  STATUS_HOST_UNREACHABLE,
  STATUS_INSUFFICIENT_RESOURCES,
  STATUS_INVALID_ADDRESS_COMPONENT,
  STATUS_INVALID_CONNECTION,
  STATUS_INVALID_HANDLE,
  STATUS_INVALID_PARAMETER,
  STATUS_IO_TIMEOUT,
  STATUS_LOCAL_DISCONNECT,
  STATUS_NETWORK_UNREACHABLE,
  STATUS_NOT_SUPPORTED,
  STATUS_PENDING,
  STATUS_PIPE_DISCONNECTED,
  STATUS_PORT_UNREACHABLE,
  STATUS_REMOTE_DISCONNECT,
  STATUS_REQUEST_ABORTED,
  STATUS_SUCCESS,
  STATUS_TIMEOUT,
  STATUS_UNEXPECTED_NETWORK_ERROR,
  STATUS_UNSUCCESSFUL,
};

// ---- WSK's own: informational ----------------------------------------------------------------

/** An event callback is still running; the disable takes effect once it returns (`SO_WSK_EVENT_CALLBACK` without an IRP). */
export const STATUS_EVENT_PENDING = 0x40000013;

// ---- WSK's own: errors -----------------------------------------------------------------------

/** The requested operation is not implemented. */
export const STATUS_NOT_IMPLEMENTED = 0xc0000002;
/** The request is not a valid operation for its target (`WSAEINVAL` to a Winsock caller). */
export const STATUS_INVALID_DEVICE_REQUEST = 0xc0000010;
/** A completion routine's answer that stops completion processing: the IRP stays its owner's. */
export const STATUS_MORE_PROCESSING_REQUIRED = 0xc0000016;
/** The socket no longer works; the client must close it (`WskCloseSocket`) soon. */
export const STATUS_FILE_FORCED_CLOSED = 0xc00000b6;
/** A `WskAcceptEvent` (or `WskInspectEvent`) that does not take the connection: it is rejected. */
export const STATUS_REQUEST_NOT_ACCEPTED = 0xc00000d0;
/** The address given to the transport is invalid. */
export const STATUS_INVALID_ADDRESS = 0xc0000141;
/** The socket is not in a state for the request: closed, or already disconnected for sending. */
export const STATUS_INVALID_DEVICE_STATE = 0xc0000184;
/** The buffer's size is invalid for the operation: a datagram too large (from `WSAEMSGSIZE`). */
export const STATUS_INVALID_BUFFER_SIZE = 0xc0000206;
/** The connection is now disconnected. */
export const STATUS_CONNECTION_DISCONNECTED = 0xc000020c;
/** A receive callback could not take the data; the transport keeps it (`WskReceiveEvent`, `WskReceiveFromEvent`). */
export const STATUS_DATA_NOT_ACCEPTED = 0xc000021b;
/** The socket already has a local address (a second `WskBind`). */
export const STATUS_ADDRESS_ALREADY_ASSOCIATED = 0xc0000238;
/** The endpoint has no local address yet (`WSAEINVAL` to a Winsock caller). */
export const STATUS_ADDRESS_NOT_ASSOCIATED = 0xc0000239;
/** An operation on a connection that does not exist (`WSAEINVAL` to a Winsock caller). */
export const STATUS_CONNECTION_INVALID = 0xc000023a;
/** The remote system does not support the transport protocol. */
export const STATUS_PROTOCOL_UNREACHABLE = 0xc000023e;
/** The client's requested WSK version is not one the provider supports (`WskCaptureProviderNPI`). */
export const STATUS_NOINTERFACE = 0xc00002b9;

/** Every NTSTATUS of this module by its Windows name. */
export const NtStatusCodes = {
  STATUS_SUCCESS,
  STATUS_TIMEOUT,
  STATUS_PENDING,
  STATUS_EVENT_PENDING,
  STATUS_BUFFER_OVERFLOW,
  STATUS_UNSUCCESSFUL,
  STATUS_NOT_IMPLEMENTED,
  STATUS_ACCESS_VIOLATION,
  STATUS_INVALID_HANDLE,
  STATUS_INVALID_PARAMETER,
  STATUS_INVALID_DEVICE_REQUEST,
  STATUS_MORE_PROCESSING_REQUIRED,
  STATUS_ACCESS_DENIED,
  STATUS_BUFFER_TOO_SMALL,
  STATUS_INSUFFICIENT_RESOURCES,
  STATUS_DEVICE_NOT_READY,
  STATUS_PIPE_DISCONNECTED,
  STATUS_IO_TIMEOUT,
  STATUS_FILE_FORCED_CLOSED,
  STATUS_NOT_SUPPORTED,
  STATUS_UNEXPECTED_NETWORK_ERROR,
  STATUS_REQUEST_NOT_ACCEPTED,
  STATUS_CANCELLED,
  STATUS_LOCAL_DISCONNECT,
  STATUS_REMOTE_DISCONNECT,
  STATUS_INVALID_CONNECTION,
  STATUS_INVALID_ADDRESS,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_BUFFER_SIZE,
  STATUS_INVALID_ADDRESS_COMPONENT,
  STATUS_ADDRESS_ALREADY_EXISTS,
  STATUS_CONNECTION_DISCONNECTED,
  STATUS_CONNECTION_RESET,
  STATUS_DATA_NOT_ACCEPTED,
  STATUS_CONNECTION_REFUSED,
  STATUS_GRACEFUL_DISCONNECT,
  STATUS_ADDRESS_ALREADY_ASSOCIATED,
  STATUS_ADDRESS_NOT_ASSOCIATED,
  STATUS_CONNECTION_INVALID,
  STATUS_CONNECTION_ACTIVE,
  STATUS_NETWORK_UNREACHABLE,
  STATUS_HOST_UNREACHABLE,
  STATUS_PROTOCOL_UNREACHABLE,
  STATUS_PORT_UNREACHABLE,
  STATUS_REQUEST_ABORTED,
  STATUS_CONNECTION_ABORTED,
  STATUS_NOINTERFACE,
} as const;

const names = new Map<number, string>(Object.entries(NtStatusCodes).map(([name, value]) => [value, name]));

/** `NT_INFORMATION`: severity 1. */
export function NT_INFORMATION(status: NTSTATUS): boolean {
  return status >>> 30 === 1;
}

/** `NT_WARNING`: severity 2. */
export function NT_WARNING(status: NTSTATUS): boolean {
  return status >>> 30 === 2;
}

/** `NT_ERROR`: severity 3. */
export function NT_ERROR(status: NTSTATUS): boolean {
  return status >>> 30 === 3;
}

/** The status in the form Windows prints it: `0xC000020D`. */
export function formatNtStatus(status: NTSTATUS): string {
  return `0x${(status >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

/** The Windows name of a status (`STATUS_CONNECTION_RESET`), or its hex form when it has none here. */
export function ntStatusName(status: NTSTATUS): string {
  return names.get(status >>> 0) ?? formatNtStatus(status);
}
