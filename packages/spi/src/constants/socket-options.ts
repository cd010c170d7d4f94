/** Socket option levels and names (`SOL_SOCKET`, `SO_*`, winsock2.h / ws2def.h / mswsock.h). @module */

export const SOL_SOCKET = 0xffff;

export const SO_DEBUG = 0x0001;
export const SO_ACCEPTCONN = 0x0002;
export const SO_REUSEADDR = 0x0004;
export const SO_KEEPALIVE = 0x0008;
export const SO_DONTROUTE = 0x0010;
export const SO_BROADCAST = 0x0020;
export const SO_USELOOPBACK = 0x0040;
export const SO_LINGER = 0x0080;
export const SO_OOBINLINE = 0x0100;
/** `~SO_LINGER` as a 32-bit int. */
export const SO_DONTLINGER = ~SO_LINGER;
/** `~SO_REUSEADDR` as a 32-bit int. */
export const SO_EXCLUSIVEADDRUSE = ~SO_REUSEADDR;
export const SO_SNDBUF = 0x1001;
export const SO_RCVBUF = 0x1002;
export const SO_SNDLOWAT = 0x1003;
export const SO_RCVLOWAT = 0x1004;
export const SO_SNDTIMEO = 0x1005;
export const SO_RCVTIMEO = 0x1006;
export const SO_ERROR = 0x1007;
export const SO_TYPE = 0x1008;
export const SO_GROUP_ID = 0x2001;
export const SO_GROUP_PRIORITY = 0x2002;
export const SO_MAX_MSG_SIZE = 0x2003;
export const SO_PROTOCOL_INFOA = 0x2004;
export const SO_PROTOCOL_INFOW = 0x2005;
export const PVD_CONFIG = 0x3001;
export const SO_CONDITIONAL_ACCEPT = 0x3002;

/** NT4-era connect/disconnect data options (mswsock.h), used only by non-TCP/IP transports. */
export const SO_CONNDATA = 0x7000;
export const SO_CONNOPT = 0x7001;
export const SO_DISCDATA = 0x7002;
export const SO_DISCOPT = 0x7003;
export const SO_CONNDATALEN = 0x7004;
export const SO_CONNOPTLEN = 0x7005;
export const SO_DISCDATALEN = 0x7006;
export const SO_DISCOPTLEN = 0x7007;

/** TCP-level options (`IPPROTO_TCP`). */
export const TCP_NODELAY = 0x0001;
