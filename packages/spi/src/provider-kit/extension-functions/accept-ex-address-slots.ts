/**
 * The address slots of an `AcceptEx` buffer. Windows keeps the local and remote addresses there
 * "in an undocumented internal format", which is why each slot needs 16 bytes more than the
 * transport's address. The format here: a 4-byte little-endian length, then the address as its C
 * structure lays it out — `SOCKADDR_IN` (16 bytes), `SOCKADDR_IN6` (28) or `SOCKADDR_TP` (72). An
 * address of another family (a user's provider) is remembered beside the buffer, under its
 * position, and its slot holds just the family.
 * @module
 */

import { AF_INET, AF_INET6, AF_ISO } from '../../constants/address-families';
import type { SOCKADDR, SOCKADDR_IN, SOCKADDR_IN6 } from '../../types/sockaddr';

/** What `GetAcceptExSockaddrs` reports for one slot. */
export interface DecodedSlot {
  address: SOCKADDR;
  /** The address's C size (`LocalSockaddrLength` / `RemoteSockaddrLength`). */
  length: number;
}

const SLOT_HEADER = 4;
const SIZEOF_SOCKADDR_TP = 72;
const TP_ADDR_LENGTH = 64;

const others = new WeakMap<ArrayBufferLike, Map<number, SOCKADDR>>();

/** The 16 bytes of an IPv6 address in text form (`::1`, `fe80::1%4`, `::ffff:1.2.3.4`). */
function ipv6Bytes(text: string): Uint8Array {
  // An embedded IPv4 tail becomes its two hex groups first.
  const address = (text.split('%')[0] ?? '').replace(
    /(\d+)\.(\d+)\.(\d+)\.(\d+)$/,
    (_, a, b, c, d) => `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`,
  );
  const halves = address.split('::');
  const parse = (part: string | undefined): number[] =>
    part ? part.split(':').map((h) => Number.parseInt(h, 16) || 0) : [];
  const head = parse(halves[0]);
  const tail = parse(halves[1]);
  const groups = [...head, ...new Array(Math.max(0, 8 - head.length - tail.length)).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  groups.slice(0, 8).forEach((g, i) => {
    bytes[i * 2] = (g >> 8) & 0xff;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return bytes;
}

/** The text form of 16 IPv6 address bytes (compressed, lower case). */
function ipv6Text(bytes: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength && j - i > 1) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** The C bytes of an address of a family the slots know, or undefined. */
function encode(address: SOCKADDR): Uint8Array | undefined {
  if (address.sa_family === AF_INET) {
    const a = address as SOCKADDR_IN;
    const out = new Uint8Array(16);
    const view = new DataView(out.buffer);
    view.setUint16(0, AF_INET, true);
    view.setUint16(2, a.sin_port, false);
    a.sin_addr.split('.').forEach((octet, i) => {
      out[4 + i] = Number(octet) & 0xff;
    });
    return out;
  }
  if (address.sa_family === AF_INET6) {
    const a = address as SOCKADDR_IN6;
    const out = new Uint8Array(28);
    const view = new DataView(out.buffer);
    view.setUint16(0, AF_INET6, true);
    view.setUint16(2, a.sin6_port, false);
    view.setUint32(4, a.sin6_flowinfo >>> 0, false);
    out.set(ipv6Bytes(a.sin6_addr), 8);
    view.setUint32(24, a.sin6_scope_id >>> 0, true);
    return out;
  }
  if (address.sa_family === AF_ISO) {
    const a = address as SOCKADDR & {
      tp_addr_type: number;
      tp_taddr_len: number;
      tp_tsel_len: number;
      tp_addr: Uint8Array;
    };
    const out = new Uint8Array(SIZEOF_SOCKADDR_TP);
    const view = new DataView(out.buffer);
    view.setUint16(0, AF_ISO, true);
    view.setUint16(2, a.tp_addr_type, true);
    view.setUint16(4, a.tp_taddr_len, true);
    view.setUint16(6, a.tp_tsel_len, true);
    out.set(a.tp_addr.subarray(0, TP_ADDR_LENGTH), 8);
    return out;
  }
  return undefined;
}

function decode(bytes: Uint8Array): SOCKADDR | undefined {
  if (bytes.byteLength < 2) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const family = view.getUint16(0, true);
  if (family === AF_INET && bytes.byteLength >= 16) {
    return {
      sa_family: AF_INET,
      sin_port: view.getUint16(2, false),
      sin_addr: Array.from(bytes.subarray(4, 8)).join('.'),
    } as SOCKADDR_IN;
  }
  if (family === AF_INET6 && bytes.byteLength >= 28) {
    return {
      sa_family: AF_INET6,
      sin6_port: view.getUint16(2, false),
      sin6_flowinfo: view.getUint32(4, false),
      sin6_addr: ipv6Text(bytes.subarray(8, 24)),
      sin6_scope_id: view.getUint32(24, true),
    } as SOCKADDR_IN6;
  }
  if (family === AF_ISO && bytes.byteLength >= SIZEOF_SOCKADDR_TP) {
    return {
      sa_family: AF_ISO,
      tp_addr_type: view.getUint16(2, true),
      tp_taddr_len: view.getUint16(4, true),
      tp_tsel_len: view.getUint16(6, true),
      tp_addr: bytes.slice(8, 8 + TP_ADDR_LENGTH),
    } as SOCKADDR;
  }
  return undefined;
}

/** Writes `address` (of C size `length`) into the slot at `offset` of `buffer`, which has room. */
export function writeAddressSlot(
  buffer: Uint8Array,
  offset: number,
  address: SOCKADDR,
  length: number,
): void {
  const encoded = encode(address);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (encoded) {
    view.setUint32(offset, encoded.byteLength, true);
    buffer.set(encoded, offset + SLOT_HEADER);
    return;
  }
  view.setUint32(offset, length, true);
  view.setUint16(offset + SLOT_HEADER, address.sa_family, true);
  let table = others.get(buffer.buffer);
  if (!table) {
    table = new Map();
    others.set(buffer.buffer, table);
  }
  table.set(buffer.byteOffset + offset, { ...address });
}

/** The address in the slot at `offset`, or undefined when the slot holds none. */
export function readAddressSlot(
  buffer: Uint8Array,
  offset: number,
  slotLength: number,
): DecodedSlot | undefined {
  if (slotLength < SLOT_HEADER + 2 || offset + slotLength > buffer.byteLength) return undefined;
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const length = view.getUint32(offset, true);
  if (length === 0 || length > slotLength - SLOT_HEADER) return undefined;
  const bytes = buffer.subarray(offset + SLOT_HEADER, offset + SLOT_HEADER + length);
  const decoded = decode(bytes);
  if (decoded) return { address: decoded, length };
  const other = others.get(buffer.buffer)?.get(buffer.byteOffset + offset);
  return other ? { address: { ...other }, length } : undefined;
}
