/**
 * `SOCKADDR_TP` (wshisotp.h), the `AF_ISO` socket address, as this provider fills it for ISO
 * transport over TCP (RFC 1006 / RFC 2126). The C structure is
 *
 * ```c
 * typedef struct sockaddr_tp {
 *   u_short tp_family;     // AF_ISO
 *   u_short tp_addr_type;  // ISO_HIERARCHICAL
 *   u_short tp_taddr_len;  // length of the transport address in tp_addr, <= 52
 *   u_short tp_tsel_len;   // length of the transport selector, <= 32
 *   u_char  tp_addr[ISO_MAX_ADDR_LENGTH];  // 64
 * } SOCKADDR_TP;           // 72 octets
 * ```
 *
 * and a hierarchical address is the TSAP selector followed by the "node" (`ISO_SET_TP_ADDR(sa,
 * tsel, tsellen, node, nodelen)`). Over TCP the node is the network address of the transport
 * entity: an IPv4 (4 octets) or IPv6 (16 octets) address, optionally followed by the TCP port as 2
 * big-endian octets. Without the port the node means RFC 1006's registered port 102. So
 * `tp_taddr_len - tp_tsel_len` is 4, 6, 16 or 18; anything else is not an address of this provider.
 * @module
 */

import { isIPv4, isIPv6, SocketAddress } from 'node:net';
import { AF_ISO, ISO_MAX_ADDR_LENGTH, type SOCKADDR } from '@ws2spi/spi';

/** `tp_addr_type` of an address holding the TSAP selector and the network address (wshisotp.h). */
export const ISO_HIERARCHICAL = 0;
/** `tp_addr_type` of an address that needs a directory to split it (wshisotp.h); not served here. */
export const ISO_NON_HIERARCHICAL = 1;
/** `sizeof(SOCKADDR_TP)`: four `u_short`s and `ISO_MAX_ADDR_LENGTH` octets. */
export const SIZEOF_SOCKADDR_TP = 8 + ISO_MAX_ADDR_LENGTH;
/** Largest `tp_tsel_len` (wshisotp.h: "<= 32"; also X.224's TSAP-ID limit in this codec). */
export const ISO_MAX_TSEL_LENGTH = 32;
/** Largest `tp_taddr_len` (wshisotp.h: "<= 52"). */
export const ISO_MAX_TADDR_LENGTH = 52;
/** The TCP port a node without an explicit port means: RFC 1006's `iso-tsap`. */
export const ITOT_DEFAULT_PORT = 102;

/**
 * `SOCKADDR_TP` as an object. `sa_family` is `tp_family` (every ws2spi address names its family
 * `sa_family`); `tp_addr` holds at least `tp_taddr_len` octets (a C caller's has 64).
 */
export interface SOCKADDR_TP extends SOCKADDR {
  readonly sa_family: typeof AF_ISO;
  /** `ISO_HIERARCHICAL` (selector and node) or `ISO_NON_HIERARCHICAL` (not served here). */
  tp_addr_type: number;
  /** Octets of `tp_addr` in use: the selector and the node (at most 52). */
  tp_taddr_len: number;
  /** Octets of the TSAP selector at the start of `tp_addr` (at most 32). */
  tp_tsel_len: number;
  /**
   * The selector, then the node: the IP address (4 or 16 octets) and, optionally, the TCP port (2 octets, big-endian).
   */
  tp_addr: Uint8Array;
}

/** What a `SOCKADDR_TP` of this provider says: a TSAP selector at a TCP endpoint. */
export interface TpEndpoint {
  /** The TSAP selector (0…32 octets; empty means "no selector"). */
  tsel: Uint8Array;
  /** The IP address in canonical text form (`127.0.0.1`, `::1`). */
  address: string;
  /** 4 for IPv4, 6 for IPv6. */
  family: 4 | 6;
  /** The TCP port; 0 only in an address to bind (an ephemeral port). */
  port: number;
}

/** True for an object that claims to be an `AF_ISO` address. */
export function isSockaddrTp(a: SOCKADDR | null | undefined): a is SOCKADDR_TP {
  return typeof a === 'object' && a !== null && a.sa_family === AF_ISO;
}

function canonicalIp(address: string): { text: string; family: 4 | 6 } | undefined {
  if (typeof address !== 'string') return undefined;
  const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined;
  if (family === undefined) return undefined;
  try {
    return { text: new SocketAddress({ address, family: family === 4 ? 'ipv4' : 'ipv6' }).address, family };
  } catch {
    return undefined;
  }
}

function ipOctets(text: string, family: 4 | 6): Uint8Array {
  if (family === 4) return Uint8Array.from(text.split('.').map(Number));
  // Expand `::` and write the eight groups big-endian; an embedded IPv4 tail (`::ffff:1.2.3.4`) is two groups.
  const [head = '', tail] = text.split('::');
  const groups = (s: string): number[] =>
    s === ''
      ? []
      : s.split(':').flatMap((g) => {
          if (!g.includes('.')) return [Number.parseInt(g, 16)];
          const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const front = groups(head);
  const back = tail === undefined ? [] : groups(tail);
  const all = [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

function ipText(octets: Uint8Array): { text: string; family: 4 | 6 } | undefined {
  if (octets.length === 4) return canonicalIp([...octets].join('.'));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((octets[i]! << 8) | octets[i + 1]!).toString(16));
  return canonicalIp(groups.join(':'));
}

/**
 * Builds a `SOCKADDR_TP` (`ISO_SET_TP_ADDR` with an IP node): the TSAP selector `tsel` (bytes, or a
 * string taken as Latin-1 octets), at `host` (IPv4 or IPv6 text) and TCP `port`. The port is always
 * written (2 octets), so port 0 — "an ephemeral port" for `bind` — can be said.
 * @throws RangeError for a selector over 32 octets, a host that is not an IP address, or a bad port.
 */
export function sockaddrTp(tsel: Uint8Array | string, host: string, port = ITOT_DEFAULT_PORT): SOCKADDR_TP {
  const selector = typeof tsel === 'string' ? Uint8Array.from(tsel, (c) => c.charCodeAt(0) & 0xff) : tsel;
  if (selector.length > ISO_MAX_TSEL_LENGTH) {
    throw new RangeError(`TSAP selector is ${selector.length} octets, at most ${ISO_MAX_TSEL_LENGTH}`);
  }
  const ip = canonicalIp(host);
  if (!ip) throw new RangeError(`${host} is not an IPv4 or IPv6 address`);
  if (!Number.isInteger(port) || port < 0 || port > 0xffff)
    throw new RangeError(`port ${port} is not 0…65535`);
  const node = ipOctets(ip.text, ip.family);
  const tp_addr = new Uint8Array(ISO_MAX_ADDR_LENGTH);
  tp_addr.set(selector, 0);
  tp_addr.set(node, selector.length);
  tp_addr[selector.length + node.length] = port >> 8;
  tp_addr[selector.length + node.length + 1] = port & 0xff;
  return {
    sa_family: AF_ISO,
    tp_addr_type: ISO_HIERARCHICAL,
    tp_taddr_len: selector.length + node.length + 2,
    tp_tsel_len: selector.length,
    tp_addr,
  };
}

/** Why an `AF_ISO` address is not usable, in the codec's terms. */
export type TpAddressProblem = 'malformed' | 'non-hierarchical';

/**
 * Reads a `SOCKADDR_TP`: its selector and TCP endpoint, or what is wrong with it (`malformed`: bad
 * lengths, a node that is not 4/6/16/18 octets, a field of the wrong type; `non-hierarchical`: an
 * `ISO_NON_HIERARCHICAL` address, which would need a directory this provider does not have).
 */
export function tpEndpointOf(a: SOCKADDR): TpEndpoint | TpAddressProblem {
  if (!isSockaddrTp(a)) return 'malformed';
  const { tp_addr_type, tp_taddr_len, tp_tsel_len, tp_addr } = a;
  if (tp_addr_type === ISO_NON_HIERARCHICAL) return 'non-hierarchical';
  if (tp_addr_type !== ISO_HIERARCHICAL || !(tp_addr instanceof Uint8Array)) return 'malformed';
  if (!Number.isInteger(tp_tsel_len) || tp_tsel_len < 0 || tp_tsel_len > ISO_MAX_TSEL_LENGTH)
    return 'malformed';
  if (!Number.isInteger(tp_taddr_len) || tp_taddr_len > ISO_MAX_TADDR_LENGTH || tp_taddr_len > tp_addr.length)
    return 'malformed';
  const nodeLength = tp_taddr_len - tp_tsel_len;
  if (nodeLength !== 4 && nodeLength !== 6 && nodeLength !== 16 && nodeLength !== 18) return 'malformed';
  const ipLength = nodeLength <= 6 ? 4 : 16;
  const ip = ipText(tp_addr.subarray(tp_tsel_len, tp_tsel_len + ipLength));
  if (!ip) return 'malformed';
  const port =
    nodeLength === ipLength
      ? ITOT_DEFAULT_PORT
      : (tp_addr[tp_tsel_len + ipLength]! << 8) | tp_addr[tp_tsel_len + ipLength + 1]!;
  return { tsel: tp_addr.slice(0, tp_tsel_len), address: ip.text, family: ip.family, port };
}

/** The `SOCKADDR_TP` of an endpoint (the inverse of `tpEndpointOf`, always with the port written). */
export function sockaddrTpOf(endpoint: TpEndpoint): SOCKADDR_TP {
  return sockaddrTp(endpoint.tsel, endpoint.address, endpoint.port);
}

/** True when two selectors are the same octets. */
export function sameTsel(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** True for `0.0.0.0` / `::`. */
export function isWildcardIp(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}
