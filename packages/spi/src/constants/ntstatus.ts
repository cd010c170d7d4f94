/**
 * The NTSTATUS values an overlapped socket operation leaves in `OVERLAPPED.Internal`, with
 * Windows' names and values (ntstatus.h), and the `NT_SUCCESS` test. Values are kept as the header
 * writes them (`0xC000020D`, an unsigned number). Each status names what the caller meets instead: the
 * Win32 error `GetQueuedCompletionStatus` and `GetOverlappedResult` leave in `GetLastError()` ("from
 * the port") and the Winsock error `WSAGetOverlappedResult` reports.
 * @module
 */

/** `NTSTATUS`: a 32-bit status whose top two bits are its severity. */
export type NTSTATUS = number;

/** `OVERLAPPED.Internal` of a request that succeeded, and of a packet `PostQueuedCompletionStatus` posted. */
export const STATUS_SUCCESS = 0x00000000;
/** What a port close hands a waiting `GetQueuedCompletionStatus` (as `ERROR_ABANDONED_WAIT_0`). */
export const STATUS_ABANDONED_WAIT_0 = 0x00000080;
/** `WAIT_IO_COMPLETION`: an alertable wait ended because an APC ran. */
export const STATUS_USER_APC = 0x000000c0;
/**
 * A wait timed out (a success status): what `NtRemoveIoCompletion` returns when a
 * `GetQueuedCompletionStatus` ends with `WAIT_TIMEOUT`, which is the same number (258).
 */
export const STATUS_TIMEOUT = 0x00000102;
/** `OVERLAPPED.Internal` while the request is in progress (`WSS_OPERATION_IN_PROGRESS`). */
export const STATUS_PENDING = 0x00000103;
/** A warning: the data did not fit (a truncated datagram). */
export const STATUS_BUFFER_OVERFLOW = 0x80000005;
/**
 * A request failed with a Winsock error no transport status stands for; `GetQueuedCompletionStatus`
 * reports `ERROR_GEN_FAILURE` (`WSAGetOverlappedResult` still gets the provider's exact error).
 */
export const STATUS_UNSUCCESSFUL = 0xc0000001;
/**
 * A buffer was not valid memory: `ERROR_NOACCESS` from the port, `WSAEFAULT` from `WSAGetOverlappedResult`.
 */
export const STATUS_ACCESS_VIOLATION = 0xc0000005;
/**
 * The handle was not a socket: `ERROR_INVALID_HANDLE` from the port, `WSAENOTSOCK` from
 * `WSAGetOverlappedResult`.
 */
export const STATUS_INVALID_HANDLE = 0xc0000008;
/**
 * A parameter was not valid: `ERROR_INVALID_PARAMETER` from the port, `WSAEINVAL` from
 * `WSAGetOverlappedResult`.
 */
export const STATUS_INVALID_PARAMETER = 0xc000000d;
/** Access was denied: `ERROR_ACCESS_DENIED` from the port, `WSAEACCES` from `WSAGetOverlappedResult`. */
export const STATUS_ACCESS_DENIED = 0xc0000022;
/**
 * The buffer was too small for the result (an `AcceptEx` address slot, an ioctl's output):
 * `ERROR_INSUFFICIENT_BUFFER` from the port, `WSAEFAULT` from `WSAGetOverlappedResult`.
 */
export const STATUS_BUFFER_TOO_SMALL = 0xc0000023;
/**
 * The system ran out of resources: `ERROR_NO_SYSTEM_RESOURCES` from the port, `WSAENOBUFS` from
 * `WSAGetOverlappedResult`.
 */
export const STATUS_INSUFFICIENT_RESOURCES = 0xc000009a;
/**
 * The request would block: `ERROR_NOT_READY` from the port, `WSAEWOULDBLOCK` from `WSAGetOverlappedResult`.
 */
export const STATUS_DEVICE_NOT_READY = 0xc00000a3;
/**
 * The direction was shut down (a send after `SD_SEND`): `ERROR_PIPE_NOT_CONNECTED` from the port,
 * `WSAESHUTDOWN` from `WSAGetOverlappedResult`.
 */
export const STATUS_PIPE_DISCONNECTED = 0xc00000b0;
/**
 * The transport timed out: `ERROR_SEM_TIMEOUT` from the port, `WSAETIMEDOUT` from `WSAGetOverlappedResult`.
 */
export const STATUS_IO_TIMEOUT = 0xc00000b5;
/**
 * The request is not supported (an overlapped `SIO_BASE_HANDLE`): `ERROR_NOT_SUPPORTED` from the port,
 * `WSAEOPNOTSUPP` from `WSAGetOverlappedResult`.
 */
export const STATUS_NOT_SUPPORTED = 0xc00000bb;
/** The network failed: `ERROR_UNEXP_NET_ERR` from the port, `WSAENETDOWN` from `WSAGetOverlappedResult`. */
export const STATUS_UNEXPECTED_NETWORK_ERROR = 0xc00000c4;
/**
 * The request was cancelled (an `AcceptEx` whose listener or accept socket was closed, `CancelIo`):
 * `ERROR_OPERATION_ABORTED` (995) from the port and from `WSAGetOverlappedResult` alike.
 */
export const STATUS_CANCELLED = 0xc0000120;
/**
 * Windows XP's status for a pending receive whose socket was closed locally: `ERROR_NETNAME_DELETED` from
 * the port, `WSAECONNABORTED` from `WSAGetOverlappedResult` (later Windows: `STATUS_CONNECTION_ABORTED`).
 */
export const STATUS_LOCAL_DISCONNECT = 0xc000013b;
/**
 * The remote end disconnected the transport connection: `ERROR_NETNAME_DELETED` from
 * `GetQueuedCompletionStatus`.
 */
export const STATUS_REMOTE_DISCONNECT = 0xc000013c;
/**
 * The socket is not connected: `ERROR_UNEXP_NET_ERR` from the port, `WSAENOTCONN` from
 * `WSAGetOverlappedResult`.
 */
export const STATUS_INVALID_CONNECTION = 0xc0000140;
/**
 * The address is not available here: `ERROR_INVALID_NETNAME` from the port, `WSAEADDRNOTAVAIL` from
 * `WSAGetOverlappedResult`.
 */
export const STATUS_INVALID_ADDRESS_COMPONENT = 0xc0000207;
/** The address is in use: `ERROR_DUP_NAME` from the port, `WSAEADDRINUSE` from `WSAGetOverlappedResult`. */
export const STATUS_ADDRESS_ALREADY_EXISTS = 0xc000020a;
/**
 * The peer reset the connection (a pending receive ended by an RST): `ERROR_NETNAME_DELETED` (64) from
 * the port, `WSAECONNRESET` from `WSAGetOverlappedResult`.
 */
export const STATUS_CONNECTION_RESET = 0xc000020d;
/**
 * No one listens at the address (a `ConnectEx` refused): `ERROR_CONNECTION_REFUSED` (1225) from the port,
 * `WSAECONNREFUSED` from `WSAGetOverlappedResult`.
 */
export const STATUS_CONNECTION_REFUSED = 0xc0000236;
/**
 * The peer closed the connection gracefully: `ERROR_GRACEFUL_DISCONNECT` from the port, `WSAEDISCON`
 * from `WSAGetOverlappedResult`.
 */
export const STATUS_GRACEFUL_DISCONNECT = 0xc0000237;
/**
 * The socket is already connected: `ERROR_CONNECTION_ACTIVE` from the port, `WSAEISCONN` from
 * `WSAGetOverlappedResult`.
 */
export const STATUS_CONNECTION_ACTIVE = 0xc000023b;
/**
 * The network cannot be reached: `ERROR_NETWORK_UNREACHABLE` from the port, `WSAENETUNREACH` from
 * `WSAGetOverlappedResult`.
 */
export const STATUS_NETWORK_UNREACHABLE = 0xc000023c;
/**
 * The host cannot be reached: `ERROR_HOST_UNREACHABLE` from the port, `WSAEHOSTUNREACH` from
 * `WSAGetOverlappedResult`.
 */
export const STATUS_HOST_UNREACHABLE = 0xc000023d;
/**
 * An ICMP port unreachable came back for a datagram sent earlier: `ERROR_PORT_UNREACHABLE` from the port,
 * `WSAECONNRESET` from `WSAGetOverlappedResult`.
 */
export const STATUS_PORT_UNREACHABLE = 0xc000023f;
/**
 * The request was aborted: `ERROR_REQUEST_ABORTED` from the port, `WSAEINTR` from `WSAGetOverlappedResult`.
 */
export const STATUS_REQUEST_ABORTED = 0xc0000240;
/**
 * The connection was aborted locally (a pending `WSARecv` whose socket was closed, Vista and later):
 * `ERROR_CONNECTION_ABORTED` (1236) from the port, `WSAECONNABORTED` from `WSAGetOverlappedResult`.
 */
export const STATUS_CONNECTION_ABORTED = 0xc0000241;

/** `NT_SUCCESS`: true for success and informational statuses (the signed value is ≥ 0). */
export function NT_SUCCESS(status: NTSTATUS): boolean {
  return (status | 0) >= 0;
}
