/**
 * NTSTATUS values a WSK client meets, with Windows' names and values (ntstatus.h), and the
 * `NT_SUCCESS` family of tests.
 *
 * Values are kept as the header writes them (`0xC000000D`, an unsigned number), so they compare
 * with the constants and print as Windows prints them; `NT_SUCCESS` looks at the severity bits, as
 * the C macro does on the signed `LONG`.
 * @module
 */

/** `NTSTATUS`: a 32-bit status whose top two bits are its severity (success, information, warning, error). */
export type NTSTATUS = number;

// ---- success and informational -------------------------------------------------------------

/** The operation completed successfully. */
export const STATUS_SUCCESS = 0x00000000;
/** `STATUS_WAIT_0`'s neighbour: a wait timed out (not an error). */
export const STATUS_TIMEOUT = 0x00000102;
/** The operation was started and completes later, through the IRP. */
export const STATUS_PENDING = 0x00000103;
/** An event callback is still running; the disable takes effect once it returns (`SO_WSK_EVENT_CALLBACK` without an IRP). */
export const STATUS_EVENT_PENDING = 0x40000013;

// ---- warnings ------------------------------------------------------------------------------

/** The data did not fit the buffer; what fit was returned (a truncated datagram). */
export const STATUS_BUFFER_OVERFLOW = 0x80000005;

// ---- errors --------------------------------------------------------------------------------

/** The operation failed (a transport failure with no closer status). */
export const STATUS_UNSUCCESSFUL = 0xc0000001;
/** The requested operation is not implemented. */
export const STATUS_NOT_IMPLEMENTED = 0xc0000002;
/** An invalid memory access (`WSAEFAULT` to a Winsock caller). */
export const STATUS_ACCESS_VIOLATION = 0xc0000005;
/** An invalid parameter was passed (from `WSAEINVAL`, `WSAEFAULT`, `WSAEAFNOSUPPORT`). */
export const STATUS_INVALID_PARAMETER = 0xc000000d;
/** The request is not a valid operation for its target (`WSAEINVAL` to a Winsock caller). */
export const STATUS_INVALID_DEVICE_REQUEST = 0xc0000010;
/** A completion routine's answer that stops completion processing: the IRP stays its owner's. */
export const STATUS_MORE_PROCESSING_REQUIRED = 0xc0000016;
/** Access was denied (from `WSAEACCES`: a privileged port, a broadcast not allowed). */
export const STATUS_ACCESS_DENIED = 0xc0000022;
/** The buffer is too small for what the call returns (an option or control output). */
export const STATUS_BUFFER_TOO_SMALL = 0xc0000023;
/** Not enough resources to complete the call (from `WSAENOBUFS`). */
export const STATUS_INSUFFICIENT_RESOURCES = 0xc000009a;
/** The transport cannot take the request now (from `WSAEWOULDBLOCK`). */
export const STATUS_DEVICE_NOT_READY = 0xc00000a3;
/** The socket's sending side is already shut down (from `WSAESHUTDOWN`). */
export const STATUS_PIPE_DISCONNECTED = 0xc00000b0;
/** The operation did not complete before its time-out expired (from `WSAETIMEDOUT`). */
export const STATUS_IO_TIMEOUT = 0xc00000b5;
/** The socket no longer works; the client must close it (`WskCloseSocket`) soon. */
export const STATUS_FILE_FORCED_CLOSED = 0xc00000b6;
/**
 * The request is not supported: a wrong socket category, an option or family the transport does not
 * offer (from `WSAEOPNOTSUPP`, `WSAENOPROTOOPT`).
 */
export const STATUS_NOT_SUPPORTED = 0xc00000bb;
/** The network failed under the socket (from `WSAENETDOWN`). */
export const STATUS_UNEXPECTED_NETWORK_ERROR = 0xc00000c4;
/** A `WskAcceptEvent` (or `WskInspectEvent`) that does not take the connection: it is rejected. */
export const STATUS_REQUEST_NOT_ACCEPTED = 0xc00000d0;
/**
 * The I/O request was cancelled (`IoCancelIrp`, `WskCloseSocket`, an abortive `WskDisconnect`; from
 * `WSAEINTR`).
 */
export const STATUS_CANCELLED = 0xc0000120;
/** The local transport closed the connection. */
export const STATUS_LOCAL_DISCONNECT = 0xc000013b;
/** The remote transport closed the connection. */
export const STATUS_REMOTE_DISCONNECT = 0xc000013c;
/** The connection is not (or no longer) connected (from `WSAENOTCONN`). */
export const STATUS_INVALID_CONNECTION = 0xc0000140;
/** The address given to the transport is invalid. */
export const STATUS_INVALID_ADDRESS = 0xc0000141;
/** The socket is not in a state for the request: closed, or already disconnected for sending. */
export const STATUS_INVALID_DEVICE_STATE = 0xc0000184;
/** The buffer's size is invalid for the operation: a datagram too large (from `WSAEMSGSIZE`). */
export const STATUS_INVALID_BUFFER_SIZE = 0xc0000206;
/**
 * The address is not valid here: not a local address, or port 0 as a destination (from
 * `WSAEADDRNOTAVAIL`).
 */
export const STATUS_INVALID_ADDRESS_COMPONENT = 0xc0000207;
/** The transport address is already in use (from `WSAEADDRINUSE`). */
export const STATUS_ADDRESS_ALREADY_EXISTS = 0xc000020a;
/** The connection is now disconnected (from `WSAENETRESET`). */
export const STATUS_CONNECTION_DISCONNECTED = 0xc000020c;
/** The connection was reset by the peer (from `WSAECONNRESET`). */
export const STATUS_CONNECTION_RESET = 0xc000020d;
/** A receive callback could not take the data; the transport keeps it (`WskReceiveEvent`, `WskReceiveFromEvent`). */
export const STATUS_DATA_NOT_ACCEPTED = 0xc000021b;
/** The connection attempt was refused by the remote system (from `WSAECONNREFUSED`). */
export const STATUS_CONNECTION_REFUSED = 0xc0000236;
/**
 * The connection was gracefully closed (from `WSAEDISCON`: the ISO transport peer's disconnect).
 */
export const STATUS_GRACEFUL_DISCONNECT = 0xc0000237;
/** The socket already has a local address (a second `WskBind`). */
export const STATUS_ADDRESS_ALREADY_ASSOCIATED = 0xc0000238;
/** The endpoint has no local address yet (`WSAEINVAL` to a Winsock caller). */
export const STATUS_ADDRESS_NOT_ASSOCIATED = 0xc0000239;
/** An operation on a connection that does not exist (`WSAEINVAL` to a Winsock caller). */
export const STATUS_CONNECTION_INVALID = 0xc000023a;
/** An operation invalid on a connected socket (a second `WskConnect`). */
export const STATUS_CONNECTION_ACTIVE = 0xc000023b;
/** The remote network is not reachable (from `WSAENETUNREACH`). */
export const STATUS_NETWORK_UNREACHABLE = 0xc000023c;
/** The remote system is not reachable (from `WSAEHOSTUNREACH`). */
export const STATUS_HOST_UNREACHABLE = 0xc000023d;
/** The remote system does not support the transport protocol. */
export const STATUS_PROTOCOL_UNREACHABLE = 0xc000023e;
/** No service is operating at the destination port on the remote system. */
export const STATUS_PORT_UNREACHABLE = 0xc000023f;
/** The request was aborted. */
export const STATUS_REQUEST_ABORTED = 0xc0000240;
/** The connection was aborted by the local system (from `WSAECONNABORTED`). */
export const STATUS_CONNECTION_ABORTED = 0xc0000241;
/** The client's requested WSK version is not one the provider supports (`WskCaptureProviderNPI`). */
export const STATUS_NOINTERFACE = 0xc00002b9;

/** Every NTSTATUS above by its Windows name. */
export const NtStatusCodes = {
  STATUS_SUCCESS,
  STATUS_TIMEOUT,
  STATUS_PENDING,
  STATUS_EVENT_PENDING,
  STATUS_BUFFER_OVERFLOW,
  STATUS_UNSUCCESSFUL,
  STATUS_NOT_IMPLEMENTED,
  STATUS_ACCESS_VIOLATION,
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

/** `NT_SUCCESS`: true for success and informational statuses (severity 0 or 1). */
export function NT_SUCCESS(status: NTSTATUS): boolean {
  return (status | 0) >= 0;
}

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
