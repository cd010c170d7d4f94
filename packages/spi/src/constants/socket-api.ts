/**
 * Return values, shutdown directions, message flags, ioctl codes, poll bits, flags for
 * `WSASocketW`, condition-function answers and the other small constants of winsock2.h.
 * @module
 */

/** The failure return of most Winsock calls. */
export const SOCKET_ERROR = -1;
/**
 * The failure return of `socket`/`WSASocketW`/`accept`: `~0`. Handles are plain numbers here, and
 * `INVALID_SOCKET` is the all-ones value of a 32-bit SOCKET, so it can never collide with a handle.
 */
export const INVALID_SOCKET = 0xffffffff;
/** `NO_ERROR` / `ERROR_SUCCESS`. */
export const NO_ERROR = 0;

/** Shutdown directions (`shutdown`, `WSPShutdown`). */
export const SD_RECEIVE = 0;
export const SD_SEND = 1;
export const SD_BOTH = 2;

/** Message flags for send/recv. */
export const MSG_OOB = 0x1;
export const MSG_PEEK = 0x2;
export const MSG_DONTROUTE = 0x4;
export const MSG_WAITALL = 0x8;
export const MSG_PUSH_IMMEDIATE = 0x20;
export const MSG_PARTIAL = 0x8000;
export const MSG_INTERRUPT = 0x10;
export const MSG_MAXIOVLEN = 16;

/** `ioctlsocket` codes: `_IOW('f',126,u_long)`, `_IOR('f',127,u_long)`, `_IOR('s',7,u_long)`. */
export const FIONBIO = 0x8004667e;
export const FIONREAD = 0x4004667f;
export const SIOCATMARK = 0x40047307;

/** `WSASocketW` flags. */
export const WSA_FLAG_OVERLAPPED = 0x01;
export const WSA_FLAG_MULTIPOINT_C_ROOT = 0x02;
export const WSA_FLAG_MULTIPOINT_C_LEAF = 0x04;
export const WSA_FLAG_MULTIPOINT_D_ROOT = 0x08;
export const WSA_FLAG_MULTIPOINT_D_LEAF = 0x10;
export const WSA_FLAG_ACCESS_SYSTEM_SECURITY = 0x40;
export const WSA_FLAG_NO_HANDLE_INHERIT = 0x80;
export const WSA_FLAG_REGISTERED_IO = 0x100;

/** Answers of a `WSAAccept` condition function. */
export const CF_ACCEPT = 0x0000;
export const CF_REJECT = 0x0001;
export const CF_DEFER = 0x0002;

/** `listen` backlog meaning "as large as the provider allows". */
export const SOMAXCONN = 0x7fffffff;

/**
 * `SOMAXCONN_HINT(b)` (winsock2.h: `-(b)`): a `listen` backlog of `b` that the Microsoft TCP/IP
 * provider clamps to 200…65535 — larger than `SOMAXCONN` gives.
 */
export function SOMAXCONN_HINT(b: number): number {
  return -b;
}

/** `WSAPoll` event bits. */
export const POLLRDNORM = 0x0100;
export const POLLRDBAND = 0x0200;
export const POLLIN = POLLRDNORM | POLLRDBAND;
export const POLLPRI = 0x0400;
export const POLLWRNORM = 0x0010;
export const POLLOUT = POLLWRNORM;
export const POLLWRBAND = 0x0020;
export const POLLERR = 0x0001;
export const POLLHUP = 0x0002;
export const POLLNVAL = 0x0004;

/** `WSAWaitForMultipleEvents` results and limits. */
export const WSA_MAXIMUM_WAIT_EVENTS = 64;
export const WSA_WAIT_EVENT_0 = 0;
export const WSA_WAIT_IO_COMPLETION = 0xc0;
export const WSA_WAIT_TIMEOUT = 258;
export const WSA_WAIT_FAILED = 0xffffffff;
export const WSA_INFINITE = 0xffffffff;

/** `FD_SETSIZE` of winsock2.h. */
export const FD_SETSIZE = 64;

/** Sizes of the text fields of `WSADATA` and `WSPDATA`. */
export const WSADESCRIPTION_LEN = 256;
export const WSASYS_STATUS_LEN = 128;
export const WSPDESCRIPTION_LEN = 255;
export const WSAPROTOCOL_LEN = 255;

/** Byte orders and security schemes of `WSAPROTOCOL_INFOW`. */
export const BIGENDIAN = 0x0000;
export const LITTLEENDIAN = 0x0001;
export const SECURITY_PROTOCOL_NONE = 0x0000;

/** `af`/`type`/`protocol` value meaning "take it from lpProtocolInfo" (`WSASocketW`). */
export const FROM_PROTOCOL_INFO = -1;
/** Longest protocol chain (`WSAPROTOCOLCHAIN.ChainEntries`). */
export const MAX_PROTOCOL_CHAIN = 7;
/** `ChainLen` of a base protocol. */
export const BASE_PROTOCOL = 1;
/** `ChainLen` of a layered protocol (an LSP's hidden dummy entry). */
export const LAYERED_PROTOCOL = 0;

/** `MAKEWORD(low, high)`: the Winsock version word, low byte = major, high byte = minor. */
export function MAKEWORD(low: number, high: number): number {
  return ((low & 0xff) | ((high & 0xff) << 8)) & 0xffff;
}
/** The low byte of a word: the major version of a version word. */
export function LOBYTE(word: number): number {
  return word & 0xff;
}
/** The high byte of a word: the minor version of a version word. */
export function HIBYTE(word: number): number {
  return (word >> 8) & 0xff;
}
