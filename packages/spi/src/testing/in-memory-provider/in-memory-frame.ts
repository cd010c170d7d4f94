/**
 * The in-memory provider's wire format: its own small framing over a byte stream, so that a TCP-like
 * `StreamNetwork` can carry what Winsock protocols beyond TCP carry — end-of-message marks
 * (`XP1_MESSAGE_ORIENTED`), connect and callee data (`XP1_CONNECT_DATA`), expedited data and
 * disconnect data (`XP1_DISCONNECT_DATA`).
 *
 * Every frame is `type (1 byte) | flags (1 byte) | length (4 bytes, big-endian) | payload`.
 * A connection starts with CONNECT (caller → callee) answered by ACCEPT or REFUSE; a graceful close
 * is DISCONNECT (with the disconnect data) followed by the stream's FIN.
 * @module
 */

/** Frame types. */
export const FrameType = {
  CONNECT: 1,
  ACCEPT: 2,
  REFUSE: 3,
  DATA: 4,
  EXPEDITED: 5,
  DISCONNECT: 6,
} as const;

/** A frame type value. */
export type FrameTypeValue = (typeof FrameType)[keyof typeof FrameType];

/** `DATA` flag: this piece ends a message. */
export const FRAME_END_OF_MESSAGE = 0x01;

/** Bytes before the payload. */
export const FRAME_HEADER_SIZE = 6;
/** Largest payload a frame may announce; anything larger is a protocol violation. */
export const MAX_FRAME_PAYLOAD = 16 * 1024 * 1024;

/** One decoded frame. */
export interface Frame {
  type: FrameTypeValue;
  flags: number;
  payload: Uint8Array;
}

/** Encodes a frame. */
export function encodeFrame(type: FrameTypeValue, payload: Uint8Array | null, flags = 0): Uint8Array {
  const body = payload ?? new Uint8Array(0);
  const out = new Uint8Array(FRAME_HEADER_SIZE + body.byteLength);
  out[0] = type;
  out[1] = flags;
  new DataView(out.buffer).setUint32(2, body.byteLength);
  out.set(body, FRAME_HEADER_SIZE);
  return out;
}

/** Thrown by the decoder on bytes that are not frames; the connection is then reset. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
}

/** Incremental decoder: feed bytes in any pieces, get whole frames. */
export class FrameDecoder {
  private pending = new Uint8Array(0);

  /** Decodes every whole frame in what has arrived so far; throws `FrameError` on garbage. */
  push(data: Uint8Array): Frame[] {
    const joined = new Uint8Array(this.pending.byteLength + data.byteLength);
    joined.set(this.pending, 0);
    joined.set(data, this.pending.byteLength);
    const frames: Frame[] = [];
    let at = 0;
    while (joined.byteLength - at >= FRAME_HEADER_SIZE) {
      const type = joined[at]!;
      if (type < FrameType.CONNECT || type > FrameType.DISCONNECT)
        throw new FrameError(`unknown frame type ${type}`);
      const length = new DataView(joined.buffer, joined.byteOffset + at + 2, 4).getUint32(0);
      if (length > MAX_FRAME_PAYLOAD) throw new FrameError(`frame of ${length} bytes is too large`);
      if (joined.byteLength - at - FRAME_HEADER_SIZE < length) break;
      const start = at + FRAME_HEADER_SIZE;
      frames.push({
        type: type as FrameTypeValue,
        flags: joined[at + 1]!,
        payload: joined.slice(start, start + length),
      });
      at = start + length;
    }
    this.pending = joined.slice(at);
    return frames;
  }
}
