/**
 * Ethernet frames carrying IPv4 or IPv6 with TCP or UDP, built byte by byte with correct lengths
 * and checksums (RFC 791, 8200, 793, 768; the Internet checksum of RFC 1071): what a capture of a
 * simulated network needs so that Wireshark decodes it as it would a real one.
 * @module
 */

/** TCP flag bit FIN (RFC 793): the sender has finished sending. */
export const TCP_FIN = 0x01;
/** TCP flag bit SYN (RFC 793): synchronise sequence numbers (the handshake). */
export const TCP_SYN = 0x02;
/** TCP flag bit RST (RFC 793): reset the connection. */
export const TCP_RST = 0x04;
/** TCP flag bit PSH (RFC 793): push the data to the application. */
export const TCP_PSH = 0x08;
/** TCP flag bit ACK (RFC 793): the acknowledgment number is significant. */
export const TCP_ACK = 0x10;

/** IANA protocol numbers. */
const IPPROTO_TCP_NUMBER = 6;
const IPPROTO_UDP_NUMBER = 17;
const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;

/**
 * The 4 bytes of a dotted IPv4 address.
 *
 * @example
 * ipv4Bytes('10.0.0.1');   // Uint8Array [10, 0, 0, 1]
 */
export function ipv4Bytes(address: string): Uint8Array {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new RangeError(`not an IPv4 address: ${address}`);
  return Uint8Array.from(parts);
}

/**
 * The 16 bytes of a text IPv6 address (with `::` and an optional dotted IPv4 tail).
 *
 * @example
 * ipv6Bytes('fd00::1');     // 16 bytes: fd 00 00 … 00 01
 */
export function ipv6Bytes(address: string): Uint8Array {
  let text = address;
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    const v4 = ipv4Bytes(text.slice(lastColon + 1));
    tail.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    // Keep a '::' that ends right before the IPv4 part ('::1.2.3.4'), drop a single ':'.
    text = text.slice(0, text[lastColon - 1] === ':' ? lastColon + 1 : lastColon);
  }
  const halves = text.split('::');
  if (halves.length > 2) throw new RangeError(`not an IPv6 address: ${address}`);
  const words = (s: string) => (s === '' ? [] : s.split(':').map((w) => Number.parseInt(w, 16)));
  const head = words(halves[0]!);
  const rest = halves.length === 2 ? words(halves[1]!) : [];
  const given = head.length + rest.length + tail.length;
  const fill = halves.length === 2 ? 8 - given : 0;
  const all = [...head, ...new Array<number>(Math.max(0, fill)).fill(0), ...rest, ...tail];
  if (all.length !== 8 || all.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffff))
    throw new RangeError(`not an IPv6 address: ${address}`);
  const bytes = new Uint8Array(16);
  all.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 0xff;
  });
  return bytes;
}

/**
 * The Internet checksum (RFC 1071) of the concatenated parts: the ones' complement of their ones'-complement sum.
 *
 * @example
 * internetChecksum(ipv4Header);   // 0 when the header's own checksum is right
 */
export function internetChecksum(...parts: readonly Uint8Array[]): number {
  let sum = 0;
  let odd: number | undefined;
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) {
      if (odd === undefined) odd = part[i]!;
      else {
        sum += (odd << 8) | part[i]!;
        odd = undefined;
      }
    }
  }
  if (odd !== undefined) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** An IP packet's addresses and what it carries. */
export interface IpEnvelope {
  /** 4 for IPv4, 6 for IPv6. */
  family: 4 | 6;
  /** The source address, as text. */
  source: string;
  /** The destination address, as text. */
  destination: string;
  /** IPv4 identification (16 bits). */
  identification?: number;
}

/** A TCP segment (RFC 793): ports, numbers, flags, window, payload; MSS option on SYN when `mss` is given. */
export interface TcpSegmentFields {
  /** The source port. */
  sourcePort: number;
  /** The destination port. */
  destinationPort: number;
  /** The sequence number. */
  sequence: number;
  /** The acknowledgment number. */
  acknowledgment: number;
  /** The flag bits (`TCP_SYN | TCP_ACK` …). */
  flags: number;
  /** The receive window. */
  window: number;
  /** The maximum segment size option (a SYN's), when given. */
  mss?: number;
  /** The data the segment carries. */
  payload?: Uint8Array;
}

function pseudoHeader(
  ip: IpEnvelope,
  protocol: number,
  length: number,
  src: Uint8Array,
  dst: Uint8Array,
): Uint8Array {
  if (ip.family === 4) {
    const p = new Uint8Array(12);
    p.set(src, 0);
    p.set(dst, 4);
    p[9] = protocol;
    p[10] = length >> 8;
    p[11] = length & 0xff;
    return p;
  }
  const p = new Uint8Array(40);
  p.set(src, 0);
  p.set(dst, 16);
  new DataView(p.buffer).setUint32(32, length);
  p[39] = protocol;
  return p;
}

function addresses(ip: IpEnvelope): [Uint8Array, Uint8Array] {
  return ip.family === 4
    ? [ipv4Bytes(ip.source), ipv4Bytes(ip.destination)]
    : [ipv6Bytes(ip.source), ipv6Bytes(ip.destination)];
}

/**
 * The TCP header and payload, checksum filled in.
 *
 * @example
 * const ip = { family: 4 as const, source: '10.0.0.1', destination: '10.0.0.2' };
 * const syn = tcpSegment(ip, { sourcePort: 49152, destinationPort: 102, sequence: 1, acknowledgment: 0, flags: TCP_SYN, window: 65535, mss: 1460 });
 */
export function tcpSegment(ip: IpEnvelope, fields: TcpSegmentFields): Uint8Array {
  const payload = fields.payload ?? new Uint8Array(0);
  const optionLength = fields.mss !== undefined ? 4 : 0;
  const headerLength = 20 + optionLength;
  const segment = new Uint8Array(headerLength + payload.length);
  const view = new DataView(segment.buffer);
  view.setUint16(0, fields.sourcePort);
  view.setUint16(2, fields.destinationPort);
  view.setUint32(4, fields.sequence >>> 0);
  view.setUint32(8, fields.acknowledgment >>> 0);
  segment[12] = (headerLength / 4) << 4;
  segment[13] = fields.flags;
  view.setUint16(14, Math.min(0xffff, fields.window));
  if (fields.mss !== undefined) {
    segment[20] = 2;
    segment[21] = 4;
    view.setUint16(22, fields.mss);
  }
  segment.set(payload, headerLength);
  const [src, dst] = addresses(ip);
  view.setUint16(
    16,
    internetChecksum(pseudoHeader(ip, IPPROTO_TCP_NUMBER, segment.length, src, dst), segment),
  );
  return segment;
}

/**
 * The UDP header and payload, checksum filled in (0 is sent as 0xffff, RFC 768).
 *
 * @example
 * const datagram = udpDatagram(ip, 5353, 53, new TextEncoder().encode('query'));
 */
export function udpDatagram(
  ip: IpEnvelope,
  sourcePort: number,
  destinationPort: number,
  payload: Uint8Array,
): Uint8Array {
  const datagram = new Uint8Array(8 + payload.length);
  const view = new DataView(datagram.buffer);
  view.setUint16(0, sourcePort);
  view.setUint16(2, destinationPort);
  view.setUint16(4, datagram.length);
  datagram.set(payload, 8);
  const [src, dst] = addresses(ip);
  const sum = internetChecksum(pseudoHeader(ip, IPPROTO_UDP_NUMBER, datagram.length, src, dst), datagram);
  view.setUint16(6, sum === 0 ? 0xffff : sum);
  return datagram;
}

/**
 * An IPv4 or IPv6 packet around a TCP (6) or UDP (17) payload; IPv4 with DF and its header checksum.
 *
 * @example
 * const packet = ipPacket(ip, 'tcp', tcpSegment(ip, fields));
 */
export function ipPacket(ip: IpEnvelope, protocol: 'tcp' | 'udp', payload: Uint8Array): Uint8Array {
  const number = protocol === 'tcp' ? IPPROTO_TCP_NUMBER : IPPROTO_UDP_NUMBER;
  const [src, dst] = addresses(ip);
  if (ip.family === 4) {
    const packet = new Uint8Array(20 + payload.length);
    const view = new DataView(packet.buffer);
    packet[0] = 0x45;
    view.setUint16(2, packet.length);
    view.setUint16(4, (ip.identification ?? 0) & 0xffff);
    view.setUint16(6, 0x4000);
    packet[8] = 64;
    packet[9] = number;
    packet.set(src, 12);
    packet.set(dst, 16);
    view.setUint16(10, internetChecksum(packet.subarray(0, 20)));
    packet.set(payload, 20);
    return packet;
  }
  const packet = new Uint8Array(40 + payload.length);
  const view = new DataView(packet.buffer);
  view.setUint32(0, 0x60000000);
  view.setUint16(4, payload.length);
  packet[6] = number;
  packet[7] = 64;
  packet.set(src, 8);
  packet.set(dst, 24);
  packet.set(payload, 40);
  return packet;
}

/**
 * An Ethernet II frame (no FCS, as captures show them).
 *
 * @example
 * const frame = ethernetFrame(Uint8Array.of(2, 0, 0, 0, 0, 2), Uint8Array.of(2, 0, 0, 0, 0, 1), 4, packet);
 */
export function ethernetFrame(
  destination: Uint8Array,
  source: Uint8Array,
  family: 4 | 6,
  packet: Uint8Array,
): Uint8Array {
  const frame = new Uint8Array(14 + packet.length);
  frame.set(destination, 0);
  frame.set(source, 6);
  new DataView(frame.buffer).setUint16(12, family === 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
  frame.set(packet, 14);
  return frame;
}
