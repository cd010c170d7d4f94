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
  /** A connection request, with connect data. */
  CONNECT: 1,
  /** The answer to a CONNECT, with callee data. */
  ACCEPT: 2,
  /** A CONNECT refused: the caller's connect fails with `WSAECONNREFUSED`. */
  REFUSE: 3,
  /** Data (with `FRAME_END_OF_MESSAGE` on a message's last frame). */
  DATA: 4,
  /** Expedited (out-of-band) data. */
  EXPEDITED: 5,
  /** The graceful close of one direction, with disconnect data. */
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
  /** What the frame is (`FrameType`). */
  type: FrameTypeValue;
  /** Flag bits (`FRAME_END_OF_MESSAGE`). */
  flags: number;
  /** The frame's data. */
  payload: Uint8Array;
}

/**
 * Encodes a frame.
 *
 * @example
 * const bytes = encodeFrame(FrameType.DATA, new TextEncoder().encode('hi'), FRAME_END_OF_MESSAGE);
 */
export function encodeFrame(type: FrameTypeValue, payload: Uint8Array | null, flags = 0): Uint8Array {
  const body = payload ?? new Uint8Array(0);
  const out = new Uint8Array(FRAME_HEADER_SIZE + body.byteLength);
  out[0] = type;
  out[1] = flags;
  new DataView(out.buffer).setUint32(2, body.byteLength);
  out.set(body, FRAME_HEADER_SIZE);
  return out;
}

/**
 * Thrown by the decoder on bytes that are not frames; the connection is then reset.
 *
 * @example
 * try {
 *   decoder.push(bytes);
 * } catch (error) {
 *   if (error instanceof FrameError) connection.reset();
 * }
 */
export class FrameError extends Error {
  /** `'FrameError'`. */
  override readonly name = 'FrameError';
}

/**
 * Incremental decoder: feed bytes in any pieces, get whole frames. The pieces are kept in a list
 * until their frame is complete, so a frame spread over many pieces costs time linear in its size
 * (joining everything held on every push would copy a 1 MiB frame fed in 1 KiB pieces 512 times
 * over). Bytes kept across pushes are the decoder's own copies: a caller may reuse its buffer.
 *
 * @example
 * const decoder = new FrameDecoder();
 * for (const frame of decoder.push(chunk)) handle(frame.type, frame.payload);
 */
export class FrameDecoder {
  private chunks: Uint8Array[] = [];
  /** Index of the first chunk still held (consumed chunks before it are dropped in batches). */
  private head = 0;
  private buffered = 0;

  /** Decodes every whole frame in what has arrived so far; throws `FrameError` on garbage. */
  push(data: Uint8Array): Frame[] {
    if (data.byteLength > 0) {
      this.chunks.push(data);
      this.buffered += data.byteLength;
    }
    const frames: Frame[] = [];
    try {
      while (this.buffered >= FRAME_HEADER_SIZE) {
        const header = this.peek(FRAME_HEADER_SIZE);
        const type = header[0]!;
        if (type < FrameType.CONNECT || type > FrameType.DISCONNECT)
          throw new FrameError(`unknown frame type ${type}`);
        const length = new DataView(header.buffer, header.byteOffset + 2, 4).getUint32(0);
        if (length > MAX_FRAME_PAYLOAD) throw new FrameError(`frame of ${length} bytes is too large`);
        if (this.buffered - FRAME_HEADER_SIZE < length) break;
        this.take(FRAME_HEADER_SIZE);
        frames.push({ type: type as FrameTypeValue, flags: header[1]!, payload: this.take(length) });
      }
    } finally {
      // What stays of the caller's piece becomes ours; earlier pieces already are.
      const last = this.chunks.length - 1;
      if (data.byteLength > 0 && last >= this.head && this.chunks[last]!.buffer === data.buffer)
        this.chunks[last] = this.chunks[last]!.slice();
      if (this.head > 64 && this.head * 2 > this.chunks.length) {
        this.chunks = this.chunks.slice(this.head);
        this.head = 0;
      }
    }
    return frames;
  }

  /** The first `n` held bytes, without consuming them (a view when they lie in one chunk). */
  private peek(n: number): Uint8Array {
    const first = this.chunks[this.head]!;
    if (first.byteLength >= n) return first.subarray(0, n);
    const out = new Uint8Array(n);
    let filled = 0;
    for (let i = this.head; filled < n; i++) {
      const chunk = this.chunks[i]!;
      const count = Math.min(chunk.byteLength, n - filled);
      out.set(chunk.subarray(0, count), filled);
      filled += count;
    }
    return out;
  }

  /** Consumes the first `n` held bytes, returned as a fresh array. */
  private take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[this.head]!;
      const count = Math.min(chunk.byteLength, n - filled);
      out.set(count === chunk.byteLength ? chunk : chunk.subarray(0, count), filled);
      filled += count;
      if (count === chunk.byteLength) {
        this.chunks[this.head] = EMPTY;
        this.head++;
      } else {
        this.chunks[this.head] = chunk.subarray(count);
      }
    }
    this.buffered -= n;
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    }
    return out;
  }
}

const EMPTY = new Uint8Array(0);
