/**
 * A small seeded pseudo-random generator (SplitMix32) for fault injection: the same seed gives the
 * same draws on every machine and every run, so a test that saw a fault can see it again. Each
 * toxic on each connection draws from a generator of its own (`SeededRandom.derive`), so adding a
 * connection or a toxic does not shift what the others draw.
 * @module
 */

/**
 * A deterministic generator of 32-bit values from a seed.
 *
 * @example
 * const random = new SeededRandom(7);
 * random.between(1, 6);   // the same roll on every run
 */
export class SeededRandom {
  private state: number;

  /** `seed` is any number (its low 32 bits are used) or a string (hashed). */
  constructor(seed: number | string) {
    this.state = typeof seed === 'string' ? hashString(seed) : seed >>> 0;
  }

  /**
   * A generator for one purpose, derived from `seed` and the parts naming the purpose (a toxic's
   * name, a connection's ordinal …): independent of every other purpose's.
   *
   * @example
   * const draws = SeededRandom.derive(42, 'latency_inbound', 3);
   * draws.between(-10, 10);   // the same on every run with seed 42
   */
  static derive(seed: number | string, ...parts: readonly (string | number)[]): SeededRandom {
    return new SeededRandom(hashString(`${String(seed)}\u0000${parts.join('\u0000')}`));
  }

  /** The next value in 0‥2³²−1. */
  nextUint32(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** The next value in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [min, max] (both included), uniformly. */
  between(min: number, max: number): number {
    const low = Math.ceil(Math.min(min, max));
    const high = Math.floor(Math.max(min, max));
    return low + Math.floor(this.next() * (high - low + 1));
  }
}

/** FNV-1a over the UTF-16 code units, then mixed: a 32-bit seed from text. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h >>> 0;
}
