/**
 * Test payloads that reveal loss, duplication and reordering, and comparisons that report where
 * two byte arrays first differ instead of printing a megabyte of diff.
 * @module
 */

/** `length` bytes that differ from any shifted copy of themselves; `seed` tells payloads apart. */
export function bytePattern(length: number, seed = 0): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 131 + (i >>> 8) * 7 + seed * 29 + 17) & 0xff;
  return bytes;
}

/** UTF-8 bytes of `text`. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** `bytes` as UTF-8 text (for readable assertions on short payloads). */
export function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** Null when `actual` equals `expected`, otherwise where and how they first differ. */
export function firstDifference(actual: Uint8Array, expected: Uint8Array): string | null {
  const n = Math.min(actual.byteLength, expected.byteLength);
  for (let i = 0; i < n; i++) {
    if (actual[i] !== expected[i]) return `byte ${i} is ${actual[i]}, expected ${expected[i]}`;
  }
  if (actual.byteLength !== expected.byteLength) {
    return `length is ${actual.byteLength}, expected ${expected.byteLength}`;
  }
  return null;
}

/** Concatenation of `chunks`. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const all = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return all;
}

/**
 * `count` distinct messages of varied sizes between 1 and `maxSize` bytes, each starting with its
 * index so a lost, duplicated or reordered message is named in the failure.
 */
export function numberedMessages(count: number, maxSize: number): Uint8Array[] {
  const messages: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const size = Math.max(8, 1 + ((i * 977 + 13) % Math.max(1, maxSize)));
    const m = bytePattern(Math.min(size, maxSize), i);
    const header = utf8(`#${i};`);
    m.set(header.subarray(0, Math.min(header.byteLength, m.byteLength)), 0);
    messages.push(m);
  }
  return messages;
}
