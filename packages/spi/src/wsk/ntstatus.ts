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

export const STATUS_UNSUCCESSFUL = 0xc0000001;
export const STATUS_NOT_IMPLEMENTED = 0xc0000002;
export const STATUS_ACCESS_VIOLATION = 0xc0000005;
export const STATUS_INVALID_PARAMETER = 0xc000000d;
export const STATUS_INVALID_DEVICE_REQUEST = 0xc0000010;
/** A completion routine's answer that stops completion processing: the IRP stays its owner's. */
export const STATUS_MORE_PROCESSING_REQUIRED = 0xc0000016;
export const STATUS_ACCESS_DENIED = 0xc0000022;
export const STATUS_BUFFER_TOO_SMALL = 0xc0000023;
export const STATUS_INSUFFICIENT_RESOURCES = 0xc000009a;
export const STATUS_DEVICE_NOT_READY = 0xc00000a3;
export const STATUS_PIPE_DISCONNECTED = 0xc00000b0;
export const STATUS_IO_TIMEOUT = 0xc00000b5;
/** The socket no longer works; the client must close it (`WskCloseSocket`) soon. */
export const STATUS_FILE_FORCED_CLOSED = 0xc00000b6;
export const STATUS_NOT_SUPPORTED = 0xc00000bb;
export const STATUS_UNEXPECTED_NETWORK_ERROR = 0xc00000c4;
export const STATUS_REQUEST_NOT_ACCEPTED = 0xc00000d0;
export const STATUS_CANCELLED = 0xc0000120;
export const STATUS_LOCAL_DISCONNECT = 0xc000013b;
export const STATUS_REMOTE_DISCONNECT = 0xc000013c;
export const STATUS_INVALID_CONNECTION = 0xc0000140;
export const STATUS_INVALID_ADDRESS = 0xc0000141;
export const STATUS_INVALID_DEVICE_STATE = 0xc0000184;
export const STATUS_INVALID_BUFFER_SIZE = 0xc0000206;
export const STATUS_INVALID_ADDRESS_COMPONENT = 0xc0000207;
export const STATUS_ADDRESS_ALREADY_EXISTS = 0xc000020a;
export const STATUS_CONNECTION_DISCONNECTED = 0xc000020c;
export const STATUS_CONNECTION_RESET = 0xc000020d;
/** A receive callback could not take the data; the transport keeps it (`WskReceiveEvent`, `WskReceiveFromEvent`). */
export const STATUS_DATA_NOT_ACCEPTED = 0xc000021b;
export const STATUS_CONNECTION_REFUSED = 0xc0000236;
export const STATUS_GRACEFUL_DISCONNECT = 0xc0000237;
export const STATUS_ADDRESS_ALREADY_ASSOCIATED = 0xc0000238;
export const STATUS_ADDRESS_NOT_ASSOCIATED = 0xc0000239;
export const STATUS_CONNECTION_INVALID = 0xc000023a;
export const STATUS_CONNECTION_ACTIVE = 0xc000023b;
export const STATUS_NETWORK_UNREACHABLE = 0xc000023c;
export const STATUS_HOST_UNREACHABLE = 0xc000023d;
export const STATUS_PROTOCOL_UNREACHABLE = 0xc000023e;
export const STATUS_PORT_UNREACHABLE = 0xc000023f;
export const STATUS_REQUEST_ABORTED = 0xc0000240;
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
