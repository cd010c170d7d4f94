/**
 * `WSK_BUF` { `Mdl`, `Offset`, `Length` }: `Length` bytes of an MDL chain starting `Offset` bytes
 * into its first MDL (the offset must lie within that first MDL, as wsk.h requires). WSK checks a
 * caller's `WSK_BUF` once, then gathers from it (sends) or scatters into it (receives).
 * @module
 */

import { isInspectable, readGuarded } from './argument-guard';
import { isMdl, type MDL, mdlChain } from './mdl';

/** `WSK_BUF`. */
export interface WSK_BUF {
  /** The first MDL of the chain that holds the bytes. */
  Mdl: MDL | null;
  /** Where the bytes start in the first MDL. */
  Offset: number;
  /** How many bytes, across the chain. */
  Length: number;
}

/** Longest chain walked; a longer one (or a loop) is a malformed buffer. */
const MAX_CHAIN = 4096;

/** A `WSK_BUF` over `bytes` (or a scatter/gather list of pieces): `Offset` 0, `Length` all of them. */
export function wskBuf(...pieces: Uint8Array[]): WSK_BUF {
  let length = 0;
  for (const p of pieces) length += p.byteLength;
  return { Mdl: mdlChain(...pieces), Offset: 0, Length: length };
}

/**
 * True when `buffer` is a well-formed `WSK_BUF`: `Offset` within the first MDL, at least
 * `Length` bytes in the chain after it, a chain of MDLs without loops. A zero-length buffer may
 * have no MDL. A buffer or MDL that is a proxy, or whose fields throw when read, is malformed.
 */
export function isValidWskBuf(buffer: unknown): buffer is WSK_BUF {
  return readGuarded(() => checkWskBuf(buffer), false);
}

function checkWskBuf(buffer: unknown): buffer is WSK_BUF {
  if (!isInspectable(buffer)) return false;
  const { Mdl, Offset, Length } = buffer as WSK_BUF;
  if (!Number.isInteger(Offset) || Offset < 0 || !Number.isInteger(Length) || Length < 0) return false;
  if (Mdl === null || Mdl === undefined) return Length === 0 && Offset === 0;
  if (!isMdl(Mdl)) return false;
  if (Length === 0) return Offset <= Mdl.ByteCount;
  if (Offset >= Mdl.ByteCount) return false;
  let available = Mdl.ByteCount - Offset;
  let mdl: MDL | null = Mdl.Next ?? null;
  let steps = 1;
  while (available < Length && mdl) {
    if (!isMdl(mdl) || ++steps > MAX_CHAIN) return false;
    available += mdl.ByteCount;
    mdl = mdl.Next ?? null;
  }
  return available >= Length;
}

/**
 * The bytes a valid `WSK_BUF` describes. One MDL's worth is a view of the caller's memory (no
 * copy); a range spanning several MDLs is gathered into a new array.
 */
export function gatherWskBuf(buffer: WSK_BUF): Uint8Array {
  const { Length } = buffer;
  let mdl = buffer.Mdl;
  if (!mdl || Length === 0) return new Uint8Array(0);
  let offset = buffer.Offset;
  if (mdl.ByteCount - offset >= Length) return mdl.MappedSystemVa.subarray(offset, offset + Length);
  const out = new Uint8Array(Length);
  let at = 0;
  while (mdl && at < Length) {
    const n = Math.min(mdl.ByteCount - offset, Length - at);
    out.set(mdl.MappedSystemVa.subarray(offset, offset + n), at);
    at += n;
    offset = 0;
    mdl = mdl.Next;
  }
  return out;
}

/**
 * Copies `data` into a valid `WSK_BUF`, starting `skip` bytes into the range it describes; writes
 * at most what fits and returns the count.
 */
export function scatterIntoWskBuf(data: Uint8Array, buffer: WSK_BUF, skip: number): number {
  let room = buffer.Length - skip;
  if (room <= 0 || data.byteLength === 0) return 0;
  let mdl = buffer.Mdl;
  let offset = buffer.Offset + skip;
  // Find the MDL where writing starts.
  while (mdl && offset >= mdl.ByteCount) {
    offset -= mdl.ByteCount;
    mdl = mdl.Next;
  }
  let written = 0;
  while (mdl && written < data.byteLength && room > 0) {
    const n = Math.min(mdl.ByteCount - offset, data.byteLength - written, room);
    mdl.MappedSystemVa.set(data.subarray(written, written + n), offset);
    written += n;
    room -= n;
    offset = 0;
    mdl = mdl.Next;
  }
  return written;
}
