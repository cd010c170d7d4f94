import { AF_INET, AF_INET6, AF_ISO } from '../constants/address-families';

/**
 * `SOCKADDR` (winsock2.h). C passes a byte buffer and a length; here an address is a plain object
 * whose `sa_family` says which structure it is, and calls still take the C `namelen` so the
 * "buffer too small" cases (`WSAEFAULT`) keep their meaning. Providers may define their own
 * families; they only need `sa_family`.
 */
export interface SOCKADDR {
  /** The address family (`AF_*`): which structure the address is. */
  readonly sa_family: number;
}

/** `SOCKADDR_IN` (ws2def.h): an IPv4 address in dotted form and a port in host order. */
export interface SOCKADDR_IN extends SOCKADDR {
  /** `AF_INET`. */
  readonly sa_family: typeof AF_INET;
  /** The port, in host order. */
  sin_port: number;
  /** The IPv4 address, dotted. */
  sin_addr: string;
}

/** `SOCKADDR_IN6` (ws2ipdef.h): an IPv6 address in text form, port in host order. */
export interface SOCKADDR_IN6 extends SOCKADDR {
  /** `AF_INET6`. */
  readonly sa_family: typeof AF_INET6;
  /** The port, in host order. */
  sin6_port: number;
  /** The IPv6 address, as text. */
  sin6_addr: string;
  /** The IPv6 flow information. */
  sin6_flowinfo: number;
  /** The scope (interface) ID of a link-local address. */
  sin6_scope_id: number;
}

/** `sizeof(SOCKADDR_IN)`. */
export const SIZEOF_SOCKADDR_IN = 16;
/** `sizeof(SOCKADDR_IN6)`. */
export const SIZEOF_SOCKADDR_IN6 = 28;

/** An IPv4 socket address. */
export function sockaddrIn(addr: string, port: number): SOCKADDR_IN {
  return { sa_family: AF_INET, sin_addr: addr, sin_port: port };
}

/** An IPv6 socket address. */
export function sockaddrIn6(addr: string, port: number, scopeId = 0): SOCKADDR_IN6 {
  return { sa_family: AF_INET6, sin6_addr: addr, sin6_port: port, sin6_flowinfo: 0, sin6_scope_id: scopeId };
}

/** True for an IPv4 socket address. */
export function isSockaddrIn(a: SOCKADDR | null | undefined): a is SOCKADDR_IN {
  return !!a && a.sa_family === AF_INET;
}

/** True for an IPv6 socket address. */
export function isSockaddrIn6(a: SOCKADDR | null | undefined): a is SOCKADDR_IN6 {
  return !!a && a.sa_family === AF_INET6;
}

/** `host:port` (`[v6]:port`) for logs and messages; other families show their fields. */
export function formatSockaddr(a: SOCKADDR | null | undefined): string {
  if (!a) return '(none)';
  if (isSockaddrIn(a)) return `${a.sin_addr}:${a.sin_port}`;
  if (isSockaddrIn6(a)) return `[${a.sin6_addr}]:${a.sin6_port}`;
  if (a.sa_family === AF_ISO) return `iso:${JSON.stringify(a)}`;
  return JSON.stringify(a);
}
