/**
 * The Win32 side of overlapped I/O and completion ports (winerror.h, winbase.h, minwinbase.h):
 * the errors `GetQueuedCompletionStatus` and `GetOverlappedResult` leave in `GetLastError()`,
 * wait results, `INFINITE`, `INVALID_HANDLE_VALUE` and the `FILE_SKIP_*` notification modes.
 * @module
 */

export const ERROR_SUCCESS = 0;
export const ERROR_INVALID_FUNCTION = 1;
export const ERROR_ACCESS_DENIED = 5;
export const ERROR_INVALID_HANDLE = 6;
export const ERROR_NOT_ENOUGH_MEMORY = 8;
export const ERROR_NOT_READY = 21;
export const ERROR_GEN_FAILURE = 31;
export const ERROR_NOT_SUPPORTED = 50;
export const ERROR_DUP_NAME = 52;
export const ERROR_UNEXP_NET_ERR = 59;
/** A pending receive ended by the peer's reset (`STATUS_CONNECTION_RESET`). */
export const ERROR_NETNAME_DELETED = 64;
export const ERROR_INVALID_PARAMETER = 87;
export const ERROR_SEM_TIMEOUT = 121;
export const ERROR_INSUFFICIENT_BUFFER = 122;
export const ERROR_PIPE_NOT_CONNECTED = 233;
export const ERROR_MORE_DATA = 234;
/** `WAIT_TIMEOUT`: the wait (`GetQueuedCompletionStatus`, …) ran out. */
export const WAIT_TIMEOUT = 258;
/** The port was closed while `GetQueuedCompletionStatus` waited. */
export const ERROR_ABANDONED_WAIT_0 = 735;
export const ERROR_OPERATION_ABORTED = 995;
export const ERROR_IO_INCOMPLETE = 996;
export const ERROR_IO_PENDING = 997;
export const ERROR_NOACCESS = 998;
export const ERROR_NOT_FOUND = 1168;
export const ERROR_INVALID_NETNAME = 1214;
export const ERROR_CONNECTION_REFUSED = 1225;
export const ERROR_GRACEFUL_DISCONNECT = 1226;
export const ERROR_CONNECTION_ACTIVE = 1230;
export const ERROR_NETWORK_UNREACHABLE = 1231;
export const ERROR_HOST_UNREACHABLE = 1232;
export const ERROR_PORT_UNREACHABLE = 1234;
export const ERROR_REQUEST_ABORTED = 1235;
export const ERROR_CONNECTION_ABORTED = 1236;
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
