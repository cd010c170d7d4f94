/**
 * The sim's port table: the reuse rules of `bind` without `SO_REUSEADDR` (same family and port
 * conflict when either address is the wildcard or both are the same; the families are separate),
 * exact-address-beats-wildcard lookup, and deterministic ephemeral ports (in order, skipping ports
 * held by either family, wrapping, `EADDRINUSE` when exhausted) — pinned against the plain linear
 * table it replaced, on random operation sequences.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { SimPortTable } from '../src/testing/sim-network/sim-port-table';
import { NetworkError } from '../src/transport/stream-network';

/** The linear table the indexed one replaced: the oracle for every rule. */
class LinearPortTable {
  private readonly bindings: { family: 4 | 6; address: string; port: number; owner: number }[] = [];
  private nextEphemeral: number;
  constructor(private readonly range: { first: number; last: number }) {
    this.nextEphemeral = range.first;
  }
  bind(family: 4 | 6, address: string, port: number, owner: number) {
    const chosen = port === 0 ? this.allocate() : port;
    const wild = (a: string) => a === '0.0.0.0' || a === '::';
    const conflict = this.bindings.find(
      (b) =>
        b.family === family &&
        b.port === chosen &&
        (b.address === address || wild(b.address) || wild(address)),
    );
    if (conflict) throw new NetworkError('EADDRINUSE', `conflict with ${conflict.owner}`);
    const binding = { family, address, port: chosen, owner };
    this.bindings.push(binding);
    return binding;
  }
  release(binding: object) {
    const i = this.bindings.indexOf(binding as never);
    if (i >= 0) this.bindings.splice(i, 1);
  }
  lookup(family: 4 | 6, address: string, port: number) {
    let wildcard: (typeof this.bindings)[number] | undefined;
    for (const b of this.bindings) {
      if (b.family !== family || b.port !== port) continue;
      if (b.address === address) return b;
      if (b.address === '0.0.0.0' || b.address === '::') wildcard ??= b;
    }
    return wildcard;
  }
  clear() {
    this.bindings.length = 0;
  }
  private allocate(): number {
    const { first, last } = this.range;
    for (let tried = 0; tried < last - first + 1; tried++) {
      const candidate = this.nextEphemeral;
      this.nextEphemeral = candidate === last ? first : candidate + 1;
      if (!this.bindings.some((b) => b.port === candidate)) return candidate;
    }
    throw new NetworkError('EADDRINUSE', 'exhausted');
  }
}

const RANGE = { first: 49995, last: 50003 };
const ADDRESSES = { 4: ['0.0.0.0', '10.0.0.1', '127.0.0.1'], 6: ['::', 'fd00::1', '::1'] } as const;
const PORTS = [0, 0, 0, 0, 80, 49995, 49999, 50001, 50003];

type Op =
  | { kind: 'bind'; family: 4 | 6; address: number; port: number }
  | { kind: 'release'; index: number }
  | { kind: 'lookup'; family: 4 | 6; address: number; port: number }
  | { kind: 'clear' };

const family = fc.constantFrom<4 | 6>(4, 6);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 14,
    arbitrary: fc.record({
      kind: fc.constant('bind' as const),
      family,
      address: fc.nat(2),
      port: fc.constantFrom(...PORTS),
    }),
  },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('release' as const), index: fc.nat(60) }) },
  {
    weight: 7,
    arbitrary: fc.record({
      kind: fc.constant('lookup' as const),
      family,
      address: fc.nat(2),
      port: fc.constantFrom(...PORTS),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

describe('SimPortTable', () => {
  it('answers every operation as the linear table did (random sequences)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const indexed = new SimPortTable<number>('TCP', RANGE);
        const linear = new LinearPortTable(RANGE);
        const live: { indexed: ReturnType<typeof indexed.bind>; linear: ReturnType<typeof linear.bind> }[] =
          [];
        let owner = 0;
        for (const o of ops) {
          if (o.kind === 'bind') {
            const address = ADDRESSES[o.family][o.address]!;
            owner++;
            const a = attempt(() => indexed.bind(o.family, address, o.port, owner));
            const b = attempt(() => linear.bind(o.family, address, o.port, owner));
            expect(a.error === undefined).toBe(b.error === undefined);
            if (a.value && b.value) {
              expect(a.value.port).toBe(b.value.port);
              live.push({ indexed: a.value, linear: b.value });
            }
          } else if (o.kind === 'release' && live.length > 0) {
            const [pair] = live.splice(o.index % live.length, 1);
            indexed.release(pair!.indexed);
            indexed.release(pair!.indexed); // idempotent
            linear.release(pair!.linear);
          } else if (o.kind === 'lookup') {
            const address = ADDRESSES[o.family][o.address]!;
            expect(indexed.lookup(o.family, address, o.port)?.owner).toBe(
              linear.lookup(o.family, address, o.port)?.owner,
            );
          } else if (o.kind === 'clear') {
            indexed.clear();
            linear.clear();
            live.length = 0;
          }
        }
      }),
      { numRuns: 300, seed: 13 },
    );
  });

  it('hands out ephemeral ports in order, skips held ones of either family, wraps, and says when none is left', () => {
    const table = new SimPortTable<string>('UDP', { first: 100, last: 103 });
    table.bind(6, '::', 101, 'v6 holds 101');
    expect(table.bind(4, '10.0.0.1', 0, 'a').port).toBe(100);
    expect(table.bind(4, '10.0.0.1', 0, 'b').port).toBe(102);
    const c = table.bind(4, '10.0.0.1', 0, 'c');
    expect(c.port).toBe(103);
    table.release(c);
    // The next search starts after 103, wraps to 100 … and finds 103 again.
    expect(table.bind(4, '10.0.0.1', 0, 'd').port).toBe(103);
    expect(() => table.bind(4, '10.0.0.1', 0, 'e')).toThrow('UDP: no free ephemeral port in 100..103');
  });

  it('finds a free port past long runs of held ones (whole words skipped)', () => {
    const table = new SimPortTable<number>('TCP', { first: 1024, last: 65535 });
    for (let i = 0; i < 20_000; i++) table.bind(4, '10.0.0.1', 0, i);
    const gap = table.bind(4, '10.0.0.1', 0, -1);
    expect(gap.port).toBe(1024 + 20_000);
    expect(table.lookup(4, '10.0.0.1', 5000)?.owner).toBe(5000 - 1024);
  });

  it('keeps the reuse rules: wildcard and same-address conflicts, families apart, exact beats wildcard', () => {
    const table = new SimPortTable<string>('TCP', { first: 49152, last: 65535 });
    table.bind(4, '0.0.0.0', 80, 'any');
    expect(() => table.bind(4, '10.0.0.1', 80, 'x')).toThrow('TCP 10.0.0.1:80 is in use (by 0.0.0.0:80)');
    const v6 = table.bind(6, 'fd00::1', 80, 'v6');
    expect(() => table.bind(6, '::', 80, 'y')).toThrow('TCP [::]:80 is in use (by [fd00::1]:80)');
    table.bind(4, '10.0.0.1', 81, 'exact');
    table.bind(4, '127.0.0.1', 81, 'loop');
    expect(table.lookup(4, '127.0.0.1', 81)?.owner).toBe('loop');
    expect(table.lookup(4, '10.0.0.2', 80)?.owner).toBe('any');
    table.release(v6);
    expect(table.bind(6, '::', 80, 'now free').owner).toBe('now free');
  });
});

function attempt<T>(f: () => T): { value?: T; error?: unknown } {
  try {
    return { value: f() };
  } catch (error) {
    expect(error).toBeInstanceOf(NetworkError);
    return { error };
  }
}
