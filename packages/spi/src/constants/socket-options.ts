/** Socket option levels and names (`SOL_SOCKET`, `SO_*`, winsock2.h / ws2def.h / mswsock.h). @module */

/** `SOL_SOCKET` (winsock2.h): option level of the socket itself (`getsockopt`/`setsockopt`). */
export const SOL_SOCKET = 0xffff;

/** `SO_DEBUG` (winsock2.h): `SOL_SOCKET` option: turn on debugging info. */
export const SO_DEBUG = 0x0001;
/** `SO_ACCEPTCONN` (winsock2.h): `SOL_SOCKET` option (read-only): the socket is listening. */
export const SO_ACCEPTCONN = 0x0002;
/** `SO_REUSEADDR` (winsock2.h): `SOL_SOCKET` option: allow binding an address in use. */
export const SO_REUSEADDR = 0x0004;
/** `SO_KEEPALIVE` (winsock2.h): `SOL_SOCKET` option: send keep-alives. */
export const SO_KEEPALIVE = 0x0008;
/** `SO_DONTROUTE` (winsock2.h): `SOL_SOCKET` option: bypass routing. */
export const SO_DONTROUTE = 0x0010;
/** `SO_BROADCAST` (winsock2.h): `SOL_SOCKET` option: allow sending broadcasts. */
export const SO_BROADCAST = 0x0020;
/** `SO_USELOOPBACK` (winsock2.h): `SOL_SOCKET` option: bypass hardware when possible. */
export const SO_USELOOPBACK = 0x0040;
/** `SO_LINGER` (winsock2.h): `SOL_SOCKET` option: linger on close if data is unsent (`LINGER { l_onoff, l_linger }`). */
export const SO_LINGER = 0x0080;
/** `SO_OOBINLINE` (winsock2.h): `SOL_SOCKET` option: receive out-of-band data in the normal stream. */
export const SO_OOBINLINE = 0x0100;
/** `~SO_LINGER` as a 32-bit int. */
export const SO_DONTLINGER = ~SO_LINGER;
/** `~SO_REUSEADDR` as a 32-bit int. */
export const SO_EXCLUSIVEADDRUSE = ~SO_REUSEADDR;
/** `SO_SNDBUF` (winsock2.h): `SOL_SOCKET` option: send buffer size. */
export const SO_SNDBUF = 0x1001;
/** `SO_RCVBUF` (winsock2.h): `SOL_SOCKET` option: receive buffer size. */
export const SO_RCVBUF = 0x1002;
/** `SO_SNDLOWAT` (winsock2.h): `SOL_SOCKET` option: send low-water mark. */
export const SO_SNDLOWAT = 0x1003;
/** `SO_RCVLOWAT` (winsock2.h): `SOL_SOCKET` option: receive low-water mark. */
export const SO_RCVLOWAT = 0x1004;
/** `SO_SNDTIMEO` (winsock2.h): `SOL_SOCKET` option: send time-out (ms). */
export const SO_SNDTIMEO = 0x1005;
/** `SO_RCVTIMEO` (winsock2.h): `SOL_SOCKET` option: receive time-out (ms). */
export const SO_RCVTIMEO = 0x1006;
/** `SO_ERROR` (winsock2.h): `SOL_SOCKET` option (read-only): the pending error, cleared by reading it. */
export const SO_ERROR = 0x1007;
/** `SO_TYPE` (winsock2.h): `SOL_SOCKET` option (read-only): the socket type. */
export const SO_TYPE = 0x1008;
/** `SO_GROUP_ID` (winsock2.h): `SOL_SOCKET` option (read-only): the socket group ID. */
export const SO_GROUP_ID = 0x2001;
/** `SO_GROUP_PRIORITY` (winsock2.h): `SOL_SOCKET` option: the priority within the socket group. */
export const SO_GROUP_PRIORITY = 0x2002;
/** `SO_MAX_MSG_SIZE` (winsock2.h): `SOL_SOCKET` option (read-only): the largest message on a message-oriented socket. */
export const SO_MAX_MSG_SIZE = 0x2003;
/** `SO_PROTOCOL_INFOA` (winsock2.h): `SOL_SOCKET` option (read-only): the `WSAPROTOCOL_INFOA` of the socket. */
export const SO_PROTOCOL_INFOA = 0x2004;
/** `SO_PROTOCOL_INFOW` (winsock2.h): `SOL_SOCKET` option (read-only): the `WSAPROTOCOL_INFOW` of the socket (its catalog entry). */
export const SO_PROTOCOL_INFOW = 0x2005;
/** `PVD_CONFIG` (winsock2.h): `SOL_SOCKET` option: provider-specific configuration. */
export const PVD_CONFIG = 0x3001;
/** `SO_CONDITIONAL_ACCEPT` (winsock2.h): `SOL_SOCKET` option: `WSAAccept` answers the SYN only after the condition function decides. */
export const SO_CONDITIONAL_ACCEPT = 0x3002;

/** NT4-era connect/disconnect data options (mswsock.h), used only by non-TCP/IP transports. */
export const SO_CONNDATA = 0x7000;
/** `SO_CONNOPT` (winsock2.h): `SOL_SOCKET` option (NT 4): connect options. */
export const SO_CONNOPT = 0x7001;
/** `SO_DISCDATA` (winsock2.h): `SOL_SOCKET` option (NT 4): disconnect data. */
export const SO_DISCDATA = 0x7002;
/** `SO_DISCOPT` (winsock2.h): `SOL_SOCKET` option (NT 4): disconnect options. */
export const SO_DISCOPT = 0x7003;
/** `SO_CONNDATALEN` (winsock2.h): `SOL_SOCKET` option (NT 4): length of the connect data. */
export const SO_CONNDATALEN = 0x7004;
/** `SO_CONNOPTLEN` (winsock2.h): `SOL_SOCKET` option (NT 4): length of the connect options. */
export const SO_CONNOPTLEN = 0x7005;
/** `SO_DISCDATALEN` (winsock2.h): `SOL_SOCKET` option (NT 4): length of the disconnect data. */
export const SO_DISCDATALEN = 0x7006;
/** `SO_DISCOPTLEN` (winsock2.h): `SOL_SOCKET` option (NT 4): length of the disconnect options. */
export const SO_DISCOPTLEN = 0x7007;

/** TCP-level options (`IPPROTO_TCP`). */
export const TCP_NODELAY = 0x0001;
