/**
 * Memory descriptor lists. In Windows an `MDL` describes locked pages of a buffer and `Next` chains
 * several into a scatter/gather list; here an MDL is a view of a `Uint8Array` (the bytes it
 * describes, `ByteCount` of them) and `Next` chains them the same way. WSK reads and writes the
 * caller's memory through the views, never through copies made at the call.
 * @module
 */

import { isInspectable } from './argument-guard';
import type { IRP } from './irp';

/** `MDL`: one piece of a buffer chain. */
export interface MDL {
  /** The next piece of the chain, or null. */
  Next: MDL | null;
  /** The memory described (what `MmGetSystemAddressForMdlSafe` returns), `ByteCount` bytes long. */
  readonly MappedSystemVa: Uint8Array;
  /** Bytes described. */
  readonly ByteCount: number;
}

/**
 * `IoAllocateMdl`: an MDL describing the first `Length` bytes of `VirtualAddress`. With
 * `SecondaryBuffer` and an `Irp`, it is appended to the chain at `Irp.MdlAddress`; without
 * `SecondaryBuffer`, it becomes `Irp.MdlAddress`. Returns null (allocation failure, as Windows
 * does) when the arguments do not describe memory: a non-`Uint8Array`, or a length that is not an
 * integer within the array.
 */
export function IoAllocateMdl(
  VirtualAddress: Uint8Array,
  Length: number,
  SecondaryBuffer = false,
  _ChargeQuota = false,
  Irp: IRP | null = null,
): MDL | null {
  if (!(VirtualAddress instanceof Uint8Array)) return null;
  if (!Number.isInteger(Length) || Length < 0 || Length > VirtualAddress.byteLength) return null;
  const mdl: MDL = { Next: null, MappedSystemVa: VirtualAddress.subarray(0, Length), ByteCount: Length };
  if (Irp) {
    if (!SecondaryBuffer || !Irp.MdlAddress) Irp.MdlAddress = mdl;
    else {
      let last = Irp.MdlAddress;
      while (last.Next) last = last.Next;
      last.Next = mdl;
    }
  }
  return mdl;
}

/** `IoFreeMdl`: nothing to release here (the garbage collector owns memory); unlinks it from its chain's view. */
export function IoFreeMdl(Mdl: MDL): void {
  Mdl.Next = null;
}

/** `MmBuildMdlForNonPagedPool`: memory here is always resident; a no-op kept for code written to the C shape. */
export function MmBuildMdlForNonPagedPool(_MemoryDescriptorList: MDL): void {}

/** `MmGetMdlByteCount`. */
export function MmGetMdlByteCount(Mdl: MDL): number {
  return Mdl.ByteCount;
}

/** `MmGetSystemAddressForMdlSafe`: the bytes the MDL describes. */
export function MmGetSystemAddressForMdlSafe(Mdl: MDL, _Priority = 0): Uint8Array {
  return Mdl.MappedSystemVa;
}

/** True for an object shaped like an `MDL` whose view and count agree (never a proxy). */
export function isMdl(value: unknown): value is MDL {
  if (!isInspectable(value)) return false;
  const mdl = value as MDL;
  return (
    mdl.MappedSystemVa instanceof Uint8Array &&
    Number.isInteger(mdl.ByteCount) &&
    mdl.ByteCount >= 0 &&
    mdl.ByteCount <= mdl.MappedSystemVa.byteLength &&
    (mdl.Next === null || mdl.Next === undefined || typeof mdl.Next === 'object')
  );
}

/**
 * An MDL chain over `pieces`, in order: the usual way to describe a buffer (or a scatter/gather
 * list) to WSK from TypeScript.
 */
export function mdlChain(...pieces: Uint8Array[]): MDL | null {
  let head: MDL | null = null;
  let tail: MDL | null = null;
  for (const piece of pieces) {
    const mdl: MDL = { Next: null, MappedSystemVa: piece, ByteCount: piece.byteLength };
    if (tail) tail.Next = mdl;
    else head = mdl;
    tail = mdl;
  }
  return head;
}
