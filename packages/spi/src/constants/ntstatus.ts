/**
 * The NTSTATUS values an overlapped socket operation leaves in `OVERLAPPED.Internal`, with
 * Windows' names and values (ntstatus.h), and the `NT_SUCCESS` test. Values are kept as the header
 * writes them (`0xC000020D`, an unsigned number).
 * @module
 */

/** `NTSTATUS`: a 32-bit status whose top two bits are its severity. */
export type NTSTATUS = number;

export const STATUS_SUCCESS = 0x00000000;
/** What a port close hands a waiting `GetQueuedCompletionStatus` (as `ERROR_ABANDONED_WAIT_0`). */
export const STATUS_ABANDONED_WAIT_0 = 0x00000080;
/** `WAIT_IO_COMPLETION`: an alertable wait ended because an APC ran. */
export const STATUS_USER_APC = 0x000000c0;
export const STATUS_TIMEOUT = 0x00000102;
/** `OVERLAPPED.Internal` while the request is in progress (`WSS_OPERATION_IN_PROGRESS`). */
export const STATUS_PENDING = 0x00000103;
/** A warning: the data did not fit (a truncated datagram). */
export const STATUS_BUFFER_OVERFLOW = 0x80000005;
export const STATUS_UNSUCCESSFUL = 0xc0000001;
export const STATUS_ACCESS_VIOLATION = 0xc0000005;
export const STATUS_INVALID_HANDLE = 0xc0000008;
export const STATUS_INVALID_PARAMETER = 0xc000000d;
export const STATUS_ACCESS_DENIED = 0xc0000022;
export const STATUS_BUFFER_TOO_SMALL = 0xc0000023;
export const STATUS_INSUFFICIENT_RESOURCES = 0xc000009a;
export const STATUS_DEVICE_NOT_READY = 0xc00000a3;
export const STATUS_PIPE_DISCONNECTED = 0xc00000b0;
export const STATUS_IO_TIMEOUT = 0xc00000b5;
export const STATUS_NOT_SUPPORTED = 0xc00000bb;
export const STATUS_UNEXPECTED_NETWORK_ERROR = 0xc00000c4;
export const STATUS_CANCELLED = 0xc0000120;
export const STATUS_LOCAL_DISCONNECT = 0xc000013b;
export const STATUS_REMOTE_DISCONNECT = 0xc000013c;
export const STATUS_INVALID_CONNECTION = 0xc0000140;
export const STATUS_INVALID_ADDRESS_COMPONENT = 0xc0000207;
export const STATUS_ADDRESS_ALREADY_EXISTS = 0xc000020a;
export const STATUS_CONNECTION_RESET = 0xc000020d;
export const STATUS_CONNECTION_REFUSED = 0xc0000236;
export const STATUS_GRACEFUL_DISCONNECT = 0xc0000237;
export const STATUS_CONNECTION_ACTIVE = 0xc000023b;
export const STATUS_NETWORK_UNREACHABLE = 0xc000023c;
export const STATUS_HOST_UNREACHABLE = 0xc000023d;
export const STATUS_PORT_UNREACHABLE = 0xc000023f;
export const STATUS_REQUEST_ABORTED = 0xc0000240;
export const STATUS_CONNECTION_ABORTED = 0xc0000241;

/** `NT_SUCCESS`: true for success and informational statuses (the signed value is ≥ 0). */
export function NT_SUCCESS(status: NTSTATUS): boolean {
  return (status | 0) >= 0;
}
