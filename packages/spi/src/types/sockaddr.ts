import { SocketAddress } from 'node:net';
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

/**
 * `host:port` (`[v6]:port`) for logs and messages; an ISO transport address over TCP as its
 * provider writes it (`"SRV"/Internet=127.0.0.1+102`); other families show their fields.
 *
 * @example
 * formatSockaddr(sockaddrIn('127.0.0.1', 8080));   // '127.0.0.1:8080'
 * formatSockaddr(sockaddrIn6('::1', 80));          // '[::1]:80'
 */
export function formatSockaddr(a: SOCKADDR | null | undefined): string {
  if (!a) return '(none)';
  if (isSockaddrIn(a)) return `${a.sin_addr}:${a.sin_port}`;
  if (isSockaddrIn6(a)) return `[${a.sin6_addr}]:${a.sin6_port}`;
  if (a.sa_family === AF_ISO) return isoAddressText(a) ?? `iso:${JSON.stringify(a)}`;
  return JSON.stringify(a);
}

/** An IP address in the text `SocketAddress` gives it (`::1`, not `0:0:…:1`). */
function ipText(octets: Uint8Array): string {
  if (octets.length === 4) return octets.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((octets[i] ?? 0) << 8) | (octets[i + 1] ?? 0)).toString(16));
  return new SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}

/**
 * The RFC 1278 text of a hierarchical `SOCKADDR_TP` (wshisotp.h) whose node is an IP address with
 * an optional TCP port — ISO transport over TCP, RFC 1006 — or undefined for any other address.
 * The selector is `"text"` when printable, else `'hex'H`; the port defaults to 102. It is the
 * text the OSI provider's `WSPAddressToString` gives, so a message and `WSAAddressToStringW` agree.
 */
function isoAddressText(a: SOCKADDR): string | undefined {
  const { tp_addr_type, tp_taddr_len, tp_tsel_len, tp_addr } = a as Partial<
    Record<'tp_addr_type' | 'tp_taddr_len' | 'tp_tsel_len', number> & { tp_addr: Uint8Array }
  >;
  if (tp_addr_type !== 0 || !(tp_addr instanceof Uint8Array)) return undefined;
  if (!Number.isInteger(tp_tsel_len) || !Number.isInteger(tp_taddr_len)) return undefined;
  const selectorLength = tp_tsel_len as number;
  const nodeLength = (tp_taddr_len as number) - selectorLength;
  if (
    selectorLength < 0 ||
    (tp_taddr_len as number) > tp_addr.length ||
    ![4, 6, 16, 18].includes(nodeLength)
  ) {
    return undefined;
  }
  const ipLength = nodeLength <= 6 ? 4 : 16;
  const ip = ipText(tp_addr.subarray(selectorLength, selectorLength + ipLength));
  const at = selectorLength + ipLength;
  const port = nodeLength === ipLength ? 102 : ((tp_addr[at] ?? 0) << 8) | (tp_addr[at + 1] ?? 0);
  const network = `Internet=${ipLength === 16 ? `[${ip}]` : ip}+${port}`;
  const selector = tp_addr.subarray(0, selectorLength);
  if (selector.length === 0) return network;
  const printable = selector.every((b) => b >= 0x20 && b <= 0x7e && b !== 0x22);
  const text = printable
    ? `"${String.fromCharCode(...selector)}"`
    : `'${Array.from(selector, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join('')}'H`;
  return `${text}/${network}`;
}
