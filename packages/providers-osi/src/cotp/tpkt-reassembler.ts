import { type CotpDecodeError, cotpDecodeError } from './cotp-decode-error';
import { TPKT_HEADER_LENGTH, TPKT_MAX_LENGTH, TPKT_MIN_LENGTH, TPKT_VERSION } from './tpdu-codes';

/** What `TpktReassembler.next()` yields. */
export type TpktNext =
  /** One whole TPKT (header included), a fresh copy. */
  | {
      /** A frame. */
      kind: 'frame';
      /** The TPKT, header included. */
      frame: Uint8Array;
      /** Octets pushed before the frame's first octet. */
      streamOffset: number;
    }
  /** No whole frame is buffered; push more bytes. */
  | {
      /** No frame yet. */
      kind: 'need-more';
    }
  /** The stream is broken at `error.offset` (counted from the frame start); `streamOffset` counts from the first byte ever pushed. Sticky. */
  | {
      /** The stream is broken. */
      kind: 'error';
      /** What is wrong, and where in the frame. */
      error: CotpDecodeError;
      /** Octets pushed before the broken frame's first octet. */
      streamOffset: number;
      /** What arrived of the broken frame's 4-octet TPKT header: what an ER quotes of it. */
      head: Uint8Array;
    };

/**
 * Cuts a TCP byte stream into TPKT frames (RFC 1006 §6). Chunks may split a frame anywhere (even
 * inside the 4-octet header) or carry several frames; frames come out whole and in order, and no
 * byte is dropped or reordered.
 *
 * Memory is bounded by `maxFrameLength`: the length field is checked as soon as the header is
 * complete, so a frame longer than the bound is reported before any of its body is waited for.
 * Between `push` calls at most one partial frame (≤ the bound) is kept. Pull frames with `next()`
 * one at a time so the owner can change the bound between frames (after the CC, say).
 */
export class TpktReassembler {
  private readonly chunks: Uint8Array[] = [];
  /** Bytes of `chunks[0]` already consumed. */
  private headOffset = 0;
  private bufferedBytes = 0;
  private consumed = 0;
  private failure: { error: CotpDecodeError; streamOffset: number; head: Uint8Array } | undefined;
  private maxFrame: number;

  /** @param maxFrameLength largest acceptable TPKT length, header included (7…65535). */
  constructor(maxFrameLength: number = TPKT_MAX_LENGTH) {
    this.maxFrame = clampBound(maxFrameLength);
  }

  /** Largest acceptable TPKT length, header included. */
  get maxFrameLength(): number {
    return this.maxFrame;
  }

  /** Changes the bound, e.g. to the negotiated maximum TPDU size + 4. Applies to frames not yet returned. */
  set maxFrameLength(value: number) {
    this.maxFrame = clampBound(value);
  }

  /** Octets received but not yet returned as frames. */
  get buffered(): number {
    return this.bufferedBytes;
  }

  /** Octets returned as frames so far: the stream offset of the next frame. */
  get streamOffset(): number {
    return this.consumed;
  }

  /** True once a framing error was reported; every later `next()` reports it again. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /**
   * Appends a chunk of the stream. The chunk is not copied until frames are cut from it. After a
   * framing error the stream has no frame boundaries left, so further chunks are not kept.
   */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0 || this.failure) return;
    this.chunks.push(chunk);
    this.bufferedBytes += chunk.length;
  }

  /** The next whole frame, or why there is none. */
  next(): TpktNext {
    if (this.failure) return { kind: 'error', ...this.failure };
    if (this.bufferedBytes < TPKT_HEADER_LENGTH) {
      // A wrong version octet is reported as soon as it arrives, not when three more do.
      if (this.bufferedBytes > 0 && this.peek(0) !== TPKT_VERSION) return this.versionError();
      return { kind: 'need-more' };
    }
    if (this.peek(0) !== TPKT_VERSION) return this.versionError();
    const length = (this.peek(2) << 8) | this.peek(3);
    if (length < TPKT_MIN_LENGTH) {
      return this.fail(cotpDecodeError('TPKT_LENGTH_TOO_SMALL', 2, `TPKT length ${length} is below 7`));
    }
    if (length > this.maxFrame) {
      return this.fail(
        cotpDecodeError(
          'TPKT_TOO_LARGE',
          2,
          `TPKT length ${length} exceeds the negotiated maximum of ${this.maxFrame} (TPDU size + 4)`,
        ),
      );
    }
    if (this.bufferedBytes < length) return { kind: 'need-more' };
    const streamOffset = this.consumed;
    return { kind: 'frame', frame: this.take(length), streamOffset };
  }

  private versionError(): TpktNext {
    return this.fail(cotpDecodeError('BAD_TPKT_VERSION', 0, `TPKT version ${this.peek(0)}, expected 3`));
  }

  private fail(error: CotpDecodeError): TpktNext {
    const head = new Uint8Array(Math.min(this.bufferedBytes, TPKT_HEADER_LENGTH));
    for (let i = 0; i < head.length; i++) head[i] = this.peek(i);
    this.failure = { error, streamOffset: this.consumed + error.offset, head };
    this.chunks.length = 0;
    this.headOffset = 0;
    this.bufferedBytes = 0;
    return { kind: 'error', ...this.failure };
  }

  /** The byte `index` positions after the first unconsumed one; the caller checks it is buffered. */
  private peek(index: number): number {
    let i = index + this.headOffset;
    for (const chunk of this.chunks) {
      if (i < chunk.length) return chunk[i]!;
      i -= chunk.length;
    }
    throw new RangeError('peek past the buffered bytes');
  }

  private take(length: number): Uint8Array {
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const head = this.chunks[0]!;
      const available = head.length - this.headOffset;
      const n = Math.min(available, length - filled);
      out.set(head.subarray(this.headOffset, this.headOffset + n), filled);
      filled += n;
      if (n === available) {
        this.chunks.shift();
        this.headOffset = 0;
      } else this.headOffset += n;
    }
    this.bufferedBytes -= length;
    this.consumed += length;
    return out;
  }
}

function clampBound(value: number): number {
  if (!Number.isInteger(value) || value < TPKT_MIN_LENGTH || value > TPKT_MAX_LENGTH) {
    throw new RangeError(`TPKT bound ${value} is outside ${TPKT_MIN_LENGTH}…${TPKT_MAX_LENGTH}`);
  }
  return value;
}
