/** Network events for `WSAEventSelect` / `WSAEnumNetworkEvents` (`FD_*` and their bit numbers). @module */

export const FD_READ_BIT = 0;
export const FD_WRITE_BIT = 1;
export const FD_OOB_BIT = 2;
export const FD_ACCEPT_BIT = 3;
export const FD_CONNECT_BIT = 4;
export const FD_CLOSE_BIT = 5;
export const FD_QOS_BIT = 6;
export const FD_GROUP_QOS_BIT = 7;
export const FD_ROUTING_INTERFACE_CHANGE_BIT = 8;
export const FD_ADDRESS_LIST_CHANGE_BIT = 9;
export const FD_MAX_EVENTS = 10;

export const FD_READ = 1 << FD_READ_BIT;
export const FD_WRITE = 1 << FD_WRITE_BIT;
export const FD_OOB = 1 << FD_OOB_BIT;
export const FD_ACCEPT = 1 << FD_ACCEPT_BIT;
export const FD_CONNECT = 1 << FD_CONNECT_BIT;
export const FD_CLOSE = 1 << FD_CLOSE_BIT;
export const FD_QOS = 1 << FD_QOS_BIT;
export const FD_GROUP_QOS = 1 << FD_GROUP_QOS_BIT;
export const FD_ROUTING_INTERFACE_CHANGE = 1 << FD_ROUTING_INTERFACE_CHANGE_BIT;
export const FD_ADDRESS_LIST_CHANGE = 1 << FD_ADDRESS_LIST_CHANGE_BIT;
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
