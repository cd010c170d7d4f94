/** Network events for `WSAEventSelect` / `WSAEnumNetworkEvents` (`FD_*` and their bit numbers). @module */

/** `FD_READ_BIT` (winsock2.h): bit number of `FD_READ` (index into `WSANETWORKEVENTS.iErrorCode`). */
export const FD_READ_BIT = 0;
/** `FD_WRITE_BIT` (winsock2.h): bit number of `FD_WRITE`. */
export const FD_WRITE_BIT = 1;
/** `FD_OOB_BIT` (winsock2.h): bit number of `FD_OOB`. */
export const FD_OOB_BIT = 2;
/** `FD_ACCEPT_BIT` (winsock2.h): bit number of `FD_ACCEPT`. */
export const FD_ACCEPT_BIT = 3;
/** `FD_CONNECT_BIT` (winsock2.h): bit number of `FD_CONNECT`. */
export const FD_CONNECT_BIT = 4;
/** `FD_CLOSE_BIT` (winsock2.h): bit number of `FD_CLOSE`. */
export const FD_CLOSE_BIT = 5;
/** `FD_QOS_BIT` (winsock2.h): bit number of `FD_QOS`. */
export const FD_QOS_BIT = 6;
/** `FD_GROUP_QOS_BIT` (winsock2.h): bit number of `FD_GROUP_QOS`. */
export const FD_GROUP_QOS_BIT = 7;
/** `FD_ROUTING_INTERFACE_CHANGE_BIT` (winsock2.h): bit number of `FD_ROUTING_INTERFACE_CHANGE`. */
export const FD_ROUTING_INTERFACE_CHANGE_BIT = 8;
/** `FD_ADDRESS_LIST_CHANGE_BIT` (winsock2.h): bit number of `FD_ADDRESS_LIST_CHANGE`. */
export const FD_ADDRESS_LIST_CHANGE_BIT = 9;
/** `FD_MAX_EVENTS` (winsock2.h): the number of network event kinds (length of `WSANETWORKEVENTS.iErrorCode`). */
export const FD_MAX_EVENTS = 10;

/** `FD_READ` (winsock2.h): `WSAEventSelect`/`WSAAsyncSelect` event: data can be read. */
export const FD_READ = 1 << FD_READ_BIT;
/** `FD_WRITE` (winsock2.h): network event: data can be sent (again). */
export const FD_WRITE = 1 << FD_WRITE_BIT;
/** `FD_OOB` (winsock2.h): network event: out-of-band data arrived. */
export const FD_OOB = 1 << FD_OOB_BIT;
/** `FD_ACCEPT` (winsock2.h): network event: a connection can be accepted. */
export const FD_ACCEPT = 1 << FD_ACCEPT_BIT;
/** `FD_CONNECT` (winsock2.h): network event: a connect completed (its error code says how). */
export const FD_CONNECT = 1 << FD_CONNECT_BIT;
/** `FD_CLOSE` (winsock2.h): network event: the connection closed (error 0 for a graceful close, `WSAECONNABORTED` after a reset). */
export const FD_CLOSE = 1 << FD_CLOSE_BIT;
/** `FD_QOS` (winsock2.h): network event: the QoS changed. */
export const FD_QOS = 1 << FD_QOS_BIT;
/** `FD_GROUP_QOS` (winsock2.h): network event: the group QoS changed (reserved). */
export const FD_GROUP_QOS = 1 << FD_GROUP_QOS_BIT;
/** `FD_ROUTING_INTERFACE_CHANGE` (winsock2.h): network event: the routing interface changed. */
export const FD_ROUTING_INTERFACE_CHANGE = 1 << FD_ROUTING_INTERFACE_CHANGE_BIT;
/** `FD_ADDRESS_LIST_CHANGE` (winsock2.h): network event: the local address list changed. */
export const FD_ADDRESS_LIST_CHANGE = 1 << FD_ADDRESS_LIST_CHANGE_BIT;
/** `FD_ALL_EVENTS` (winsock2.h): every network event. */
export const FD_ALL_EVENTS = (1 << FD_MAX_EVENTS) - 1;

/** The `FD_*` events by name, in bit order. */
export const NETWORK_EVENTS = {
  FD_READ,
  FD_WRITE,
  FD_OOB,
  FD_ACCEPT,
  FD_CONNECT,
  FD_CLOSE,
  FD_QOS,
  FD_GROUP_QOS,
  FD_ROUTING_INTERFACE_CHANGE,
  FD_ADDRESS_LIST_CHANGE,
} as const;
