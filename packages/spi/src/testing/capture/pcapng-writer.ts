/**
 * The pcapng capture file format (IETF draft-ietf-opsawg-pcapng, what Wireshark writes by default):
 * one Section Header Block, one Interface Description Block (Ethernet, microsecond timestamps), an
 * Enhanced Packet Block per frame and, when frames were dropped, an Interface Statistics Block that
 * says how many. Little-endian; every block padded to 32 bits.
 * @module
 */

const SHB = 0x0a0d0d0a;
const IDB = 0x00000001;
const ISB = 0x00000005;
const EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const LINKTYPE_ETHERNET = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_DESCRIPTION = 3;
const IF_TSRESOL = 9;
const ISB_IFDROP = 5;

const padded = (n: number) => (n + 3) & ~3;

/** One option (code, value): code, length, value, padding. */
function option(code: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + padded(value.length));
  const view = new DataView(out.buffer);
  view.setUint16(0, code, true);
  view.setUint16(2, value.length, true);
  out.set(value, 4);
  return out;
}

function text(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

/** A block: type, total length, body, options (ended by `opt_endofopt`, four zero bytes, when there are any), total length. */
function block(type: number, body: Uint8Array, options: readonly Uint8Array[] = []): Uint8Array {
  const optionBytes = options.length > 0 ? [...options, new Uint8Array(4)] : [];
  const bodyLength = padded(body.length);
  const total = 12 + bodyLength + optionBytes.reduce((n, o) => n + o.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, total, true);
  out.set(body, 8);
  let at = 8 + bodyLength;
  for (const o of optionBytes) {
    out.set(o, at);
    at += o.length;
  }
  view.setUint32(total - 4, total, true);
  return out;
}

/** How the file describes its one interface and what wrote it. */
export interface PcapngInterface {
  /** `if_name`. */
  name: string;
  /** `if_description`. */
  description?: string;
  /** `shb_userappl`: the application that wrote the file. */
  application?: string;
  /** Largest frame kept whole (`snaplen`); 0 = no limit. */
  snapLength?: number;
}

/** One captured frame: when (µs since the epoch) and its bytes. */
export interface PcapngFrame {
  /** When the frame was seen, in microseconds. */
  readonly timestampMicros: number;
  /** The frame's bytes (Ethernet). */
  readonly data: Uint8Array;
}

/**
 * A pcapng file with one Ethernet interface: `frames` in order, and `dropped` counted in an
 * Interface Statistics Block (`isb_ifdrop`) when non-zero.
 *
 * @example
 * const file = writePcapng({ name: 'sim' }, [{ timestampMicros: 0, data: frame }]);
 * writeFileSync('capture.pcapng', file);
 */
export function writePcapng(iface: PcapngInterface, frames: readonly PcapngFrame[], dropped = 0): Uint8Array {
  const blocks: Uint8Array[] = [];
  const shb = new Uint8Array(16);
  const shbView = new DataView(shb.buffer);
  shbView.setUint32(0, BYTE_ORDER_MAGIC, true);
  shbView.setUint16(4, 1, true);
  shbView.setUint16(6, 0, true);
  shbView.setBigInt64(8, -1n, true); // section length unknown
  blocks.push(block(SHB, shb, iface.application ? [option(SHB_USERAPPL, text(iface.application))] : []));
  const idb = new Uint8Array(8);
  const idbView = new DataView(idb.buffer);
  idbView.setUint16(0, LINKTYPE_ETHERNET, true);
  idbView.setUint32(4, iface.snapLength ?? 0, true);
  blocks.push(
    block(IDB, idb, [
      option(IF_NAME, text(iface.name)),
      ...(iface.description ? [option(IF_DESCRIPTION, text(iface.description))] : []),
      option(IF_TSRESOL, Uint8Array.of(6)),
    ]),
  );
  let last = 0;
  for (const frame of frames) {
    const body = new Uint8Array(20 + frame.data.length);
    const view = new DataView(body.buffer);
    const ts = BigInt(Math.round(frame.timestampMicros));
    last = Math.max(last, frame.timestampMicros);
    view.setUint32(0, 0, true);
    view.setUint32(4, Number(ts >> 32n), true);
    view.setUint32(8, Number(ts & 0xffffffffn), true);
    view.setUint32(12, frame.data.length, true);
    view.setUint32(16, frame.data.length, true);
    body.set(frame.data, 20);
    blocks.push(block(EPB, body));
  }
  if (dropped > 0) {
    const isb = new Uint8Array(12);
    const view = new DataView(isb.buffer);
    const ts = BigInt(Math.round(last));
    view.setUint32(4, Number(ts >> 32n), true);
    view.setUint32(8, Number(ts & 0xffffffffn), true);
    const count = new Uint8Array(8);
    new DataView(count.buffer).setBigUint64(0, BigInt(dropped), true);
    blocks.push(block(ISB, isb, [option(ISB_IFDROP, count)]));
  }
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}
