/**
 * The Win32 side of overlapped I/O and completion ports (winerror.h, winbase.h, minwinbase.h):
 * the errors `GetQueuedCompletionStatus` and `GetOverlappedResult` leave in `GetLastError()`,
 * wait results, `INFINITE`, `INVALID_HANDLE_VALUE` and the `FILE_SKIP_*` notification modes. An
 * error that stands for a completion status names the status, and in parentheses the Winsock error
 * `WSAGetOverlappedResult` reports for that same status.
 * @module
 */

/** The operation succeeded: `GetLastError()` after a call that set no error. */
export const ERROR_SUCCESS = 0;
/**
 * Incorrect function: the handle does not support the request (libuv tolerates it from
 * `SetFileCompletionNotificationModes` on a UDP socket).
 */
export const ERROR_INVALID_FUNCTION = 1;
/** Access denied: `GetQueuedCompletionStatus`'s error for `STATUS_ACCESS_DENIED` (`WSAEACCES`). */
export const ERROR_ACCESS_DENIED = 5;
/**
 * (= `WSA_INVALID_HANDLE`) Not a handle of the right kind: `CreateIoCompletionPort`,
 * `GetQueuedCompletionStatus` or `PostQueuedCompletionStatus` given something that is not an open port
 * or socket; also `GetQueuedCompletionStatus`'s error for `STATUS_INVALID_HANDLE`.
 */
export const ERROR_INVALID_HANDLE = 6;
/** (= `WSA_NOT_ENOUGH_MEMORY`) Not enough memory to carry out the call. */
export const ERROR_NOT_ENOUGH_MEMORY = 8;
/** `GetQueuedCompletionStatus`'s error for `STATUS_DEVICE_NOT_READY` (`WSAEWOULDBLOCK`). */
export const ERROR_NOT_READY = 21;
/**
 * `GetQueuedCompletionStatus`'s error for `STATUS_UNSUCCESSFUL` and for any error status without a
 * Win32 counterpart ("A device attached to the system is not functioning").
 */
export const ERROR_GEN_FAILURE = 31;
/**
 * The request is not supported: `GetQueuedCompletionStatus`'s error for `STATUS_NOT_SUPPORTED`, e.g. the
 * packet of an overlapped `WSAIoctl(SIO_BASE_HANDLE)` (`WSAEOPNOTSUPP`).
 */
export const ERROR_NOT_SUPPORTED = 50;
/** `GetQueuedCompletionStatus`'s error for `STATUS_ADDRESS_ALREADY_EXISTS` (`WSAEADDRINUSE`). */
export const ERROR_DUP_NAME = 52;
/**
 * `GetQueuedCompletionStatus`'s error for `STATUS_UNEXPECTED_NETWORK_ERROR` (`WSAENETDOWN`) and
 * `STATUS_INVALID_CONNECTION` (`WSAENOTCONN`).
 */
export const ERROR_UNEXP_NET_ERR = 59;
/** A pending receive ended by the peer's reset (`STATUS_CONNECTION_RESET`). */
export const ERROR_NETNAME_DELETED = 64;
/**
 * (= `WSA_INVALID_PARAMETER`) A parameter is not valid: `AcceptEx` or `ConnectEx` without an
 * `OVERLAPPED`, `CreateIoCompletionPort` on a socket already associated (here: Windows' answer is
 * undocumented); `GetQueuedCompletionStatus`'s error for `STATUS_INVALID_PARAMETER`.
 */
export const ERROR_INVALID_PARAMETER = 87;
/** `GetQueuedCompletionStatus`'s error for `STATUS_IO_TIMEOUT` (`WSAETIMEDOUT`). */
export const ERROR_SEM_TIMEOUT = 121;
/**
 * `GetQueuedCompletionStatus`'s error for `STATUS_BUFFER_TOO_SMALL` (`WSAEFAULT`): e.g. an `AcceptEx`
 * whose address slot is too small for the connection's address.
 */
export const ERROR_INSUFFICIENT_BUFFER = 122;
/** `GetQueuedCompletionStatus`'s error for `STATUS_PIPE_DISCONNECTED` (`WSAESHUTDOWN`). */
export const ERROR_PIPE_NOT_CONNECTED = 233;
/**
 * `GetQueuedCompletionStatus`'s error for the warning `STATUS_BUFFER_OVERFLOW`: a datagram cut to the
 * buffers (`WSAEMSGSIZE`).
 */
export const ERROR_MORE_DATA = 234;
/** `WAIT_TIMEOUT`: the wait (`GetQueuedCompletionStatus`, …) ran out. */
export const WAIT_TIMEOUT = 258;
/** The port was closed while `GetQueuedCompletionStatus` waited. */
export const ERROR_ABANDONED_WAIT_0 = 735;
/**
 * (= `WSA_OPERATION_ABORTED`) The request was cancelled (`STATUS_CANCELLED`): a pending `AcceptEx`
 * whose listener or accept socket was closed, a request `CancelIo` cancelled.
 */
export const ERROR_OPERATION_ABORTED = 995;
/**
 * (= `WSA_IO_INCOMPLETE`) `GetOverlappedResult` with `bWait` FALSE on a request still in progress
 * (`OVERLAPPED.Internal` is `STATUS_PENDING`).
 */
export const ERROR_IO_INCOMPLETE = 996;
/**
 * (= `WSA_IO_PENDING`) An overlapped request started and completes later: the last error of an
 * `AcceptEx`, `ConnectEx`, `DisconnectEx` … that returned FALSE.
 */
export const ERROR_IO_PENDING = 997;
/**
 * Invalid access to memory: `GetQueuedCompletionStatus`'s error for `STATUS_ACCESS_VIOLATION`
 * (`WSAEFAULT`).
 */
export const ERROR_NOACCESS = 998;
/** Nothing matched: `CancelIoEx` when the handle has no request pending to cancel. */
export const ERROR_NOT_FOUND = 1168;
/** `GetQueuedCompletionStatus`'s error for `STATUS_INVALID_ADDRESS_COMPONENT` (`WSAEADDRNOTAVAIL`). */
export const ERROR_INVALID_NETNAME = 1214;
/**
 * What `GetQueuedCompletionStatus` and `GetOverlappedResult` report for a `ConnectEx` refused
 * (`STATUS_CONNECTION_REFUSED`; `WSAECONNREFUSED` from `WSAGetOverlappedResult`).
 */
export const ERROR_CONNECTION_REFUSED = 1225;
/** `GetQueuedCompletionStatus`'s error for `STATUS_GRACEFUL_DISCONNECT` (`WSAEDISCON`). */
export const ERROR_GRACEFUL_DISCONNECT = 1226;
/** `GetQueuedCompletionStatus`'s error for `STATUS_CONNECTION_ACTIVE` (`WSAEISCONN`). */
export const ERROR_CONNECTION_ACTIVE = 1230;
/** `GetQueuedCompletionStatus`'s error for `STATUS_NETWORK_UNREACHABLE` (`WSAENETUNREACH`). */
export const ERROR_NETWORK_UNREACHABLE = 1231;
/** `GetQueuedCompletionStatus`'s error for `STATUS_HOST_UNREACHABLE` (`WSAEHOSTUNREACH`). */
export const ERROR_HOST_UNREACHABLE = 1232;
/**
 * `GetQueuedCompletionStatus`'s error for `STATUS_PORT_UNREACHABLE`, an ICMP port unreachable for a
 * datagram sent earlier (`WSAECONNRESET`).
 */
export const ERROR_PORT_UNREACHABLE = 1234;
/** `GetQueuedCompletionStatus`'s error for `STATUS_REQUEST_ABORTED` (`WSAEINTR`). */
export const ERROR_REQUEST_ABORTED = 1235;
/**
 * What `GetQueuedCompletionStatus` reports for `STATUS_CONNECTION_ABORTED`: a pending `WSARecv` whose
 * socket was closed, on Vista and later (`WSAECONNABORTED` from `WSAGetOverlappedResult`).
 */
export const ERROR_CONNECTION_ABORTED = 1236;
/**
 * Not enough system resources: `GetQueuedCompletionStatus`'s error for `STATUS_INSUFFICIENT_RESOURCES`
 * (`WSAENOBUFS`), and `PostQueuedCompletionStatus`'s when the port is full here.
 */
export const ERROR_NO_SYSTEM_RESOURCES = 1450;

/** `WAIT_IO_COMPLETION` (= `STATUS_USER_APC`): an alertable wait returned because an APC ran. */
export const WAIT_IO_COMPLETION = 0xc0;
/** `INFINITE`: wait for ever. */
export const INFINITE = 0xffffffff;
/** `INVALID_HANDLE_VALUE`, `(HANDLE)-1`. `INVALID_SOCKET` is the same bit pattern and is accepted where a HANDLE is. */
export const INVALID_HANDLE_VALUE = -1;

/** `SetFileCompletionNotificationModes`: no packet when a request succeeds at once. */
export const FILE_SKIP_COMPLETION_PORT_ON_SUCCESS = 0x1;
/** `SetFileCompletionNotificationModes`: the handle's own event is not set. */
export const FILE_SKIP_SET_EVENT_ON_HANDLE = 0x2;
/** `WSS_OPERATION_IN_PROGRESS` (= `STATUS_PENDING`): `OVERLAPPED.Internal` of a request in progress. */
export const WSS_OPERATION_IN_PROGRESS = 0x00000103;
