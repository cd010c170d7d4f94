/**
 * Hands out the 16-bit transport connection references (SRC-REF) of one transport endpoint:
 * never 0 (X.224 reserves it for "no reference"), never one already held by a live connection.
 * References are handed out round-robin, so a reference just released is the last to be reused and
 * a late TPDU of a closed connection is unlikely to hit a new one.
 *
 * Share one allocator between every `CotpConnection` of an endpoint (a provider instance, say);
 * each connection releases its reference when it closes.
 */
export class CotpReferenceAllocator {
  private readonly inUse = new Set<number>();
  private last: number;

  /** @param first the first reference to try (1…65535); default 1. */
  constructor(first = 1) {
    if (!Number.isInteger(first) || first < 1 || first > 0xffff) {
      throw new RangeError(`first reference ${first} is outside 1…65535`);
    }
    this.last = first - 1;
  }

  /** References currently held. */
  get size(): number {
    return this.inUse.size;
  }

  /** A free reference, now held; `undefined` when all 65535 are held (DR reason 0x87, reference overflow). */
  allocate(): number | undefined {
    if (this.inUse.size >= 0xffff) return undefined;
    let candidate = this.last;
    do {
      candidate = candidate >= 0xffff ? 1 : candidate + 1;
    } while (this.inUse.has(candidate));
    this.inUse.add(candidate);
    this.last = candidate;
    return candidate;
  }

  /** Gives a reference back. Releasing one not held does nothing. */
  release(reference: number): void {
    this.inUse.delete(reference);
  }

  /** True while `reference` is held. */
  isInUse(reference: number): boolean {
    return this.inUse.has(reference);
  }
}
