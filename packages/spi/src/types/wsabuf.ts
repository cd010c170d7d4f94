/**
 * `WSABUF` (winsock2.h): a length and a buffer. `len` is the number of bytes the caller offers
 * (to send) or accepts (to receive); the callee never reads or writes past `len`, nor past
 * `buf.byteLength`.
 */
export interface WSABUF {
  /** How many octets of `buf` are in use (or may be filled). */
  len: number;
  /** The octets. */
  buf: Uint8Array;
}

/** A `WSABUF` over `bytes` (all of it), or over a new zeroed buffer of `size` bytes. */
export function wsabuf(bytesOrSize: Uint8Array | number): WSABUF {
  const buf = typeof bytesOrSize === 'number' ? new Uint8Array(bytesOrSize) : bytesOrSize;
  return { len: buf.byteLength, buf };
}

/** The bytes a `WSABUF` offers: `buf[0 .. min(len, buf.byteLength))`. */
export function wsabufBytes(b: WSABUF): Uint8Array {
  return b.buf.subarray(0, Math.max(0, Math.min(b.len, b.buf.byteLength)));
}

/**
 * True when a `WSABUF` is well formed: a Uint8Array and a non-negative integer length that does
 * not exceed it. A malformed one is Winsock's "bad pointer" case, `WSAEFAULT`.
 */
export function isValidWsabuf(b: unknown): b is WSABUF {
  if (typeof b !== 'object' || b === null) return false;
  const { len, buf } = b as WSABUF;
  return buf instanceof Uint8Array && Number.isInteger(len) && len >= 0 && len <= buf.byteLength;
}
