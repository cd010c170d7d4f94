/**
 * `XP1_*` service flags of `WSAPROTOCOL_INFOW.dwServiceFlags1` (winsock2.h). They say what a
 * protocol can do; the dispatcher and the conformance suite read them, e.g. `XP1_DISCONNECT_DATA`
 * decides whether `WSASendDisconnect` may carry data.
 * @module
 */

/** `XP1_CONNECTIONLESS` (winsock2.h): service flag: connectionless (datagram) service. */
export const XP1_CONNECTIONLESS = 0x00000001;
/** `XP1_GUARANTEED_DELIVERY` (winsock2.h): service flag: every byte sent arrives. */
export const XP1_GUARANTEED_DELIVERY = 0x00000002;
/** `XP1_GUARANTEED_ORDER` (winsock2.h): service flag: data arrives in the order sent. */
export const XP1_GUARANTEED_ORDER = 0x00000004;
/** `XP1_MESSAGE_ORIENTED` (winsock2.h): service flag: message boundaries are kept. */
export const XP1_MESSAGE_ORIENTED = 0x00000008;
/** `XP1_PSEUDO_STREAM` (winsock2.h): service flag: message-oriented, but receivers may ignore the boundaries. */
export const XP1_PSEUDO_STREAM = 0x00000010;
/** `XP1_GRACEFUL_CLOSE` (winsock2.h): service flag: two-phase (graceful) close. */
export const XP1_GRACEFUL_CLOSE = 0x00000020;
/** `XP1_EXPEDITED_DATA` (winsock2.h): service flag: expedited (urgent, out-of-band) data. */
export const XP1_EXPEDITED_DATA = 0x00000040;
/** `XP1_CONNECT_DATA` (winsock2.h): service flag: connect data (`WSAConnect` caller data, `WSAAccept` callee data). */
export const XP1_CONNECT_DATA = 0x00000080;
/** `XP1_DISCONNECT_DATA` (winsock2.h): service flag: disconnect data (`WSASendDisconnect` with data; otherwise `WSAENOPROTOOPT`). */
export const XP1_DISCONNECT_DATA = 0x00000100;
/** `XP1_SUPPORT_BROADCAST` (winsock2.h): service flag: broadcast. */
export const XP1_SUPPORT_BROADCAST = 0x00000200;
/** `XP1_SUPPORT_MULTIPOINT` (winsock2.h): service flag: multipoint (`WSAJoinLeaf`). */
export const XP1_SUPPORT_MULTIPOINT = 0x00000400;
/** `XP1_MULTIPOINT_CONTROL_PLANE` (winsock2.h): service flag: rooted multipoint control plane. */
export const XP1_MULTIPOINT_CONTROL_PLANE = 0x00000800;
/** `XP1_MULTIPOINT_DATA_PLANE` (winsock2.h): service flag: rooted multipoint data plane. */
export const XP1_MULTIPOINT_DATA_PLANE = 0x00001000;
/** `XP1_QOS_SUPPORTED` (winsock2.h): service flag: quality of service. */
export const XP1_QOS_SUPPORTED = 0x00002000;
/** `XP1_INTERRUPT` (winsock2.h): service flag: reserved. */
export const XP1_INTERRUPT = 0x00004000;
/** `XP1_UNI_SEND` (winsock2.h): service flag: unidirectional, send only. */
export const XP1_UNI_SEND = 0x00008000;
/** `XP1_UNI_RECV` (winsock2.h): service flag: unidirectional, receive only. */
export const XP1_UNI_RECV = 0x00010000;
/** `XP1_IFS_HANDLES` (winsock2.h): service flag: handles are installable-file-system handles (usable with ReadFile/WriteFile). */
export const XP1_IFS_HANDLES = 0x00020000;
/** `XP1_PARTIAL_MESSAGE` (winsock2.h): service flag: `MSG_PARTIAL` is supported in `WSASend`. */
export const XP1_PARTIAL_MESSAGE = 0x00040000;
/** `XP1_SAN_SUPPORT_SDP` (winsock2.h): service flag: Sockets Direct Protocol over a system area network. */
export const XP1_SAN_SUPPORT_SDP = 0x00080000;

/** The `XP1_*` flags by name, in bit order, for decoding (`ws2spi catalog show`). */
export const SERVICE_FLAGS = {
  XP1_CONNECTIONLESS,
  XP1_GUARANTEED_DELIVERY,
  XP1_GUARANTEED_ORDER,
  XP1_MESSAGE_ORIENTED,
  XP1_PSEUDO_STREAM,
  XP1_GRACEFUL_CLOSE,
  XP1_EXPEDITED_DATA,
  XP1_CONNECT_DATA,
  XP1_DISCONNECT_DATA,
  XP1_SUPPORT_BROADCAST,
  XP1_SUPPORT_MULTIPOINT,
  XP1_MULTIPOINT_CONTROL_PLANE,
  XP1_MULTIPOINT_DATA_PLANE,
  XP1_QOS_SUPPORTED,
  XP1_INTERRUPT,
  XP1_UNI_SEND,
  XP1_UNI_RECV,
  XP1_IFS_HANDLES,
  XP1_PARTIAL_MESSAGE,
  XP1_SAN_SUPPORT_SDP,
} as const;
