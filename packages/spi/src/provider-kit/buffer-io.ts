/**
 * Gather and scatter over `WSABUF` arrays, and the "bad pointer" checks Winsock reports as
 * `WSAEFAULT`: a missing buffer array, a count larger than the array, a malformed `WSABUF`, a
 * missing out-cell.
 * @module
 */

import { WSAEFAULT } from '../constants/error-codes';
import type { Out } from '../types/out-cell';
import { isValidWsabuf, type WSABUF } from '../types/wsabuf';
import { fail } from './kit-failure';

/** True for an out-cell `{ value }`. */
export function isOut(value: unknown): value is Out<unknown> {
  return typeof value === 'object' && value !== null && 'value' in value;
}

/** The first `count` buffers (the array itself when that is all of it), or `WSAEFAULT` when the array or one of them is malformed. */
export function requireBuffers(buffers: WSABUF[] | null, count: number): WSABUF[] {
  if (!Array.isArray(buffers) || !Number.isInteger(count) || count < 0 || count > buffers.length)
    fail(WSAEFAULT);
  for (let i = 0; i < count; i++) if (!isValidWsabuf(buffers[i])) fail(WSAEFAULT);
  return count === buffers.length ? buffers : buffers.slice(0, count);
}

/** An optional `WSABUF` (connect or disconnect data): null stays null, a malformed one is `WSAEFAULT`. */
export function optionalBuffer(buffer: WSABUF | null | undefined): WSABUF | null {
  if (buffer === null || buffer === undefined) return null;
  if (!isValidWsabuf(buffer)) fail(WSAEFAULT);
  return buffer;
}

/** Total capacity of a scatter list. */
export function capacityOf(buffers: readonly WSABUF[]): number {
  let total = 0;
  for (const b of buffers) total += b.len;
  return total;
}

/** The bytes of a gather list, concatenated (copied, so later changes by the caller do not reach the wire). */
export function gather(buffers: readonly WSABUF[]): Uint8Array {
  const out = new Uint8Array(capacityOf(buffers));
  let at = 0;
  for (const b of buffers) {
    out.set(b.buf.subarray(0, b.len), at);
    at += b.len;
  }
  return out;
}

/** Copies `data` into the scatter list in order; returns the number of bytes written. */
export function scatter(data: Uint8Array, buffers: readonly WSABUF[]): number {
  let at = 0;
  for (const b of buffers) {
    if (at >= data.byteLength) break;
    const n = Math.min(b.len, data.byteLength - at);
    b.buf.set(data.subarray(at, at + n), 0);
    at += n;
  }
  return at;
}
