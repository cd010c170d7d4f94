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
/** `SD_SEND` (winsock2.h): `shutdown`: no more sends (a FIN on TCP). */
export const SD_SEND = 1;
/** `SD_BOTH` (winsock2.h): `shutdown`: neither sends nor receives. */
export const SD_BOTH = 2;

/** Message flags for send/recv. */
export const MSG_OOB = 0x1;
/** `MSG_PEEK` (winsock2.h): `recv` flag: look at the data without removing it. */
export const MSG_PEEK = 0x2;
/** `MSG_DONTROUTE` (winsock2.h): `send` flag: do not route. */
export const MSG_DONTROUTE = 0x4;
/** `MSG_WAITALL` (winsock2.h): `recv` flag: wait until the buffer is full, the connection closes or an error occurs. */
export const MSG_WAITALL = 0x8;
/** `MSG_PUSH_IMMEDIATE` (winsock2.h): `recv` flag: complete as soon as possible. */
export const MSG_PUSH_IMMEDIATE = 0x20;
/** `MSG_PARTIAL` (winsock2.h): `WSARecv` flag: the message is partial (message-oriented protocols). */
export const MSG_PARTIAL = 0x8000;
/** `MSG_INTERRUPT` (winsock2.h): flag for interrupt-time sends (WinCE). */
export const MSG_INTERRUPT = 0x10;
/** `MSG_MAXIOVLEN` (winsock2.h): the most buffers of a scatter/gather call. */
export const MSG_MAXIOVLEN = 16;

/** `ioctlsocket` codes: `_IOW('f',126,u_long)`, `_IOR('f',127,u_long)`, `_IOR('s',7,u_long)`. */
export const FIONBIO = 0x8004667e;
/** `FIONREAD` (winsock2.h): `ioctlsocket` command: bytes a `recv` would return now. */
export const FIONREAD = 0x4004667f;
/** `SIOCATMARK` (winsock2.h): `ioctlsocket` command: whether all out-of-band data has been read. */
export const SIOCATMARK = 0x40047307;

/** `WSASocketW` flags. */
export const WSA_FLAG_OVERLAPPED = 0x01;
/** `WSA_FLAG_MULTIPOINT_C_ROOT` (winsock2.h): `WSASocketW` flag: multipoint control-plane root. */
export const WSA_FLAG_MULTIPOINT_C_ROOT = 0x02;
/** `WSA_FLAG_MULTIPOINT_C_LEAF` (winsock2.h): `WSASocketW` flag: multipoint control-plane leaf. */
export const WSA_FLAG_MULTIPOINT_C_LEAF = 0x04;
/** `WSA_FLAG_MULTIPOINT_D_ROOT` (winsock2.h): `WSASocketW` flag: multipoint data-plane root. */
export const WSA_FLAG_MULTIPOINT_D_ROOT = 0x08;
/** `WSA_FLAG_MULTIPOINT_D_LEAF` (winsock2.h): `WSASocketW` flag: multipoint data-plane leaf. */
export const WSA_FLAG_MULTIPOINT_D_LEAF = 0x10;
/** `WSA_FLAG_ACCESS_SYSTEM_SECURITY` (winsock2.h): `WSASocketW` flag: allow setting the socket's SACL. */
export const WSA_FLAG_ACCESS_SYSTEM_SECURITY = 0x40;
/** `WSA_FLAG_NO_HANDLE_INHERIT` (winsock2.h): `WSASocketW` flag: the handle is not inherited. */
export const WSA_FLAG_NO_HANDLE_INHERIT = 0x80;
/** `WSA_FLAG_REGISTERED_IO` (winsock2.h): `WSASocketW` flag: the socket is for registered I/O. */
export const WSA_FLAG_REGISTERED_IO = 0x100;

/** Answers of a `WSAAccept` condition function. */
export const CF_ACCEPT = 0x0000;
/** `CF_REJECT` (winsock2.h): `WSAAccept` condition function result: reject the caller (`WSAECONNREFUSED` for it). */
export const CF_REJECT = 0x0001;
/** `CF_DEFER` (winsock2.h): `WSAAccept` condition function result: decide later (`WSATRY_AGAIN`). */
export const CF_DEFER = 0x0002;

/** `listen` backlog meaning "as large as the provider allows". */
export const SOMAXCONN = 0x7fffffff;

/** `WSAPoll` event bits. */
export const POLLRDNORM = 0x0100;
/** `POLLRDBAND` (winsock2.h): `WSAPoll`: priority band data may be read. */
export const POLLRDBAND = 0x0200;
/** `POLLIN` (winsock2.h): `WSAPoll`: `POLLRDNORM | POLLRDBAND`. */
export const POLLIN = POLLRDNORM | POLLRDBAND;
/** `POLLPRI` (winsock2.h): `WSAPoll`: priority data may be read. */
export const POLLPRI = 0x0400;
/** `POLLWRNORM` (winsock2.h): `WSAPoll`: normal data may be written. */
export const POLLWRNORM = 0x0010;
/** `POLLOUT` (winsock2.h): `WSAPoll`: same as `POLLWRNORM`. */
export const POLLOUT = POLLWRNORM;
/** `POLLWRBAND` (winsock2.h): `WSAPoll`: priority data may be written. */
export const POLLWRBAND = 0x0020;
/** `POLLERR` (winsock2.h): `WSAPoll` result: an error occurred. */
export const POLLERR = 0x0001;
/** `POLLHUP` (winsock2.h): `WSAPoll` result: the connection was closed or aborted. */
export const POLLHUP = 0x0002;
/** `POLLNVAL` (winsock2.h): `WSAPoll` result: not a socket. */
export const POLLNVAL = 0x0004;

/** `WSAWaitForMultipleEvents` results and limits. */
export const WSA_MAXIMUM_WAIT_EVENTS = 64;
/** `WSA_WAIT_EVENT_0` (winsock2.h): `WSAWaitForMultipleEvents` result: the first event is signalled. */
export const WSA_WAIT_EVENT_0 = 0;
/** `WSA_WAIT_IO_COMPLETION` (winsock2.h): `WSAWaitForMultipleEvents` result: an I/O completion routine ran (alertable wait). */
export const WSA_WAIT_IO_COMPLETION = 0xc0;
/** `WSA_WAIT_TIMEOUT` (winsock2.h): `WSAWaitForMultipleEvents` result: the time-out elapsed. */
export const WSA_WAIT_TIMEOUT = 258;
/** `WSA_WAIT_FAILED` (winsock2.h): `WSAWaitForMultipleEvents` result: failure. */
export const WSA_WAIT_FAILED = 0xffffffff;
/** `WSA_INFINITE` (winsock2.h): `WSAWaitForMultipleEvents` time-out: wait forever. */
export const WSA_INFINITE = 0xffffffff;

/** `FD_SETSIZE` of winsock2.h. */
export const FD_SETSIZE = 64;

/** Sizes of the text fields of `WSADATA` and `WSPDATA`. */
export const WSADESCRIPTION_LEN = 256;
/** `WSASYS_STATUS_LEN` (winsock2.h): characters of `WSADATA.szSystemStatus` (without the NUL). */
export const WSASYS_STATUS_LEN = 128;
/** `WSPDESCRIPTION_LEN` (winsock2.h): characters of `WSPDATA.szDescription` (without the NUL). */
export const WSPDESCRIPTION_LEN = 255;
/** `WSAPROTOCOL_LEN` (winsock2.h): characters of `WSAPROTOCOL_INFOW.szProtocol` (without the NUL). */
export const WSAPROTOCOL_LEN = 255;

/** Byte orders and security schemes of `WSAPROTOCOL_INFOW`. */
export const BIGENDIAN = 0x0000;
/** `LITTLEENDIAN` (winsock2.h): `WSAPROTOCOL_INFOW.iNetworkByteOrder`: little-endian. */
export const LITTLEENDIAN = 0x0001;
/** `SECURITY_PROTOCOL_NONE` (winsock2.h): `WSAPROTOCOL_INFOW.iSecurityScheme`: no security. */
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
