/**
 * Model-based property test of the catalog (fast-check, bounded by run count, not time): random
 * sequences of `WSCInstallProvider`, `WSCDeinstallProvider`, `WSCWriteProviderOrder`,
 * `WSCUpdateProvider` and `resetEntries` — valid and invalid — run against a `Catalog` and a
 * plain model. After every step:
 *
 * - `WSCEnumProtocols` lists exactly the model's entries, in the model's order;
 * - catalog entry IDs are unique, each new one above every ID ever handed out (never reused);
 * - chains are valid: a base entry names itself, a layered entry nothing, a chain the IDs it was
 *   given, `ChainLen` of them;
 * - a refused call changes nothing (`serial` included) and returns the Windows code; a successful
 *   one moves `serial` by exactly one.
 *
 * It runs on the memory store and, fewer times, on the JSON file store. On failure fast-check
 * prints the seed and path; replay with `FC_SEED=<seed>`.
 */
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { Catalog } from '../src/catalog/catalog';
import { WSAEINVAL, WSANO_RECOVERY } from '../src/constants/error-codes';
import { NO_ERROR, SOCKET_ERROR } from '../src/constants/socket-api';
import { out } from '../src/types/out-cell';
import type { WSAPROTOCOL_INFOW } from '../src/types/protocol-info';
import { tcpInfo } from './fixtures/catalog/protocol-infos';

const GUIDS = [
  'aaaaaaaa-0000-4000-8000-000000000001',
  'bbbbbbbb-0000-4000-8000-000000000002',
  'cccccccc-0000-4000-8000-000000000003',
  'dddddddd-0000-4000-8000-000000000004',
];

interface ModelEntry {
  id: number;
  providerId: string;
  path: string;
  name: string;
  chain: number[];
}

interface Model {
  entries: ModelEntry[];
  /** Every ID handed out so far, removed or not. */
  handedOut: Set<number>;
  serial: number;
}

interface Real {
  catalog: Catalog;
}

/** An entry to install: a base, a layered (dummy) entry, or a chain over `ids`. */
type EntrySpec =
  | { kind: 'base'; name: string }
  | { kind: 'layered'; name: string }
  | { kind: 'chain'; name: string; ids: number[] };

function infoOf(spec: EntrySpec): WSAPROTOCOL_INFOW {
  if (spec.kind === 'base') return tcpInfo({ szProtocol: spec.name });
  if (spec.kind === 'layered')
    return tcpInfo({ szProtocol: spec.name, ProtocolChain: { ChainLen: 0, ChainEntries: [] } });
  return tcpInfo({
    szProtocol: spec.name,
    ProtocolChain: { ChainLen: spec.ids.length, ChainEntries: spec.ids },
  });
}

function chainOf(spec: EntrySpec, id: number): number[] {
  if (spec.kind === 'base') return [id];
  if (spec.kind === 'layered') return [];
  return spec.ids;
}

const entrySpec: fc.Arbitrary<EntrySpec> = fc.oneof(
  fc.record({ kind: fc.constant('base' as const), name: fc.string({ maxLength: 12 }) }),
  fc.record({ kind: fc.constant('layered' as const), name: fc.string({ maxLength: 12 }) }),
  fc.record({
    kind: fc.constant('chain' as const),
    name: fc.string({ maxLength: 12 }),
    // IDs of live, removed or never-issued entries: the catalog does not check them (as on Windows).
    ids: fc.array(fc.integer({ min: 1001, max: 1040 }), { minLength: 2, maxLength: 7 }),
  }),
);
const guid = fc.constantFrom(...GUIDS);

function checkInvariants(model: Model, real: Real): void {
  const length = out(0);
  const lpErrno = out(0);
  const buffer: WSAPROTOCOL_INFOW[] = [];
  real.catalog.WSCEnumProtocols(null, null, length, lpErrno);
  const count = real.catalog.WSCEnumProtocols(null, buffer, length, lpErrno);
  expect(count).toBe(model.entries.length);
  expect(
    buffer.map((info) => ({
      id: info.dwCatalogEntryId,
      providerId: info.ProviderId,
      name: info.szProtocol,
      chain: info.ProtocolChain.ChainEntries.slice(0, info.ProtocolChain.ChainLen),
      chainLen: info.ProtocolChain.ChainLen,
    })),
  ).toEqual(
    model.entries.map((e) => ({
      id: e.id,
      providerId: e.providerId,
      name: e.name,
      chain: e.chain,
      chainLen: e.chain.length,
    })),
  );
  const ids = buffer.map((info) => info.dwCatalogEntryId);
  expect(new Set(ids).size).toBe(ids.length);
  for (const info of buffer) {
    const { ChainLen, ChainEntries } = info.ProtocolChain;
    if (ChainLen === 1) expect(ChainEntries).toEqual([info.dwCatalogEntryId]);
    else expect(ChainEntries).toHaveLength(ChainLen);
  }
  for (const e of model.entries) {
    const found = out('');
    expect(real.catalog.WSCGetProviderPath(e.providerId, found, out(300), out(0))).toBe(0);
  }
  expect(real.catalog.serial).toBe(model.serial);
}

class Install implements fc.Command<Model, Real> {
  constructor(
    readonly providerId: string,
    readonly specs: EntrySpec[],
  ) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const lpErrno = out(0);
    const infos = this.specs.map(infoOf);
    const result = real.catalog.WSCInstallProvider(this.providerId, 'path', infos, infos.length, lpErrno);
    if (model.entries.some((e) => e.providerId === this.providerId)) {
      expect([result, lpErrno.value]).toEqual([SOCKET_ERROR, WSANO_RECOVERY]);
    } else {
      expect(result).toBe(0);
      const highest = Math.max(1000, ...model.handedOut);
      const added = real.catalog.entries().slice(-infos.length);
      added.forEach(({ info }, i) => {
        // New IDs: consecutive, above every ID ever handed out.
        expect(info.dwCatalogEntryId).toBe(highest + 1 + i);
        const spec = this.specs[i]!;
        model.entries.push({
          id: info.dwCatalogEntryId,
          providerId: this.providerId,
          path: 'path',
          name: spec.name,
          chain: chainOf(spec, info.dwCatalogEntryId),
        });
        model.handedOut.add(info.dwCatalogEntryId);
      });
      model.serial++;
    }
    checkInvariants(model, real);
  }
  toString(): string {
    return `install(${this.providerId.slice(0, 2)}, ${this.specs.map((s) => s.kind).join('+')})`;
  }
}

class Deinstall implements fc.Command<Model, Real> {
  constructor(readonly providerId: string) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const lpErrno = out(0);
    const result = real.catalog.WSCDeinstallProvider(this.providerId, lpErrno);
    if (model.entries.some((e) => e.providerId === this.providerId)) {
      expect(result).toBe(0);
      model.entries = model.entries.filter((e) => e.providerId !== this.providerId);
      model.serial++;
    } else {
      expect([result, lpErrno.value]).toEqual([SOCKET_ERROR, WSAEINVAL]);
    }
    checkInvariants(model, real);
  }
  toString(): string {
    return `deinstall(${this.providerId.slice(0, 2)})`;
  }
}

/** A reordering: `keys` shuffle the current IDs; `spoil` makes the list invalid in one of three ways. */
class WriteOrder implements fc.Command<Model, Real> {
  constructor(
    readonly keys: number[],
    readonly spoil: 'none' | 'drop' | 'duplicate' | 'unknown',
  ) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const shuffled = model.entries
      .map((e, i) => ({ e, key: this.keys[i % Math.max(1, this.keys.length)]! + i / 1000 }))
      .sort((a, b) => a.key - b.key)
      .map(({ e }) => e);
    let ids = shuffled.map((e) => e.id);
    if (this.spoil === 'drop') ids = ids.slice(1);
    if (this.spoil === 'duplicate' && ids.length > 0) ids = [...ids.slice(1), ids[ids.length - 1]!];
    if (this.spoil === 'unknown') ids = [...ids.slice(1), 999];
    // Spoiling a very short list may leave it a permutation all the same.
    const valid =
      ids.length === model.entries.length &&
      new Set(ids).size === ids.length &&
      ids.every((id) => model.entries.some((e) => e.id === id));
    const result = real.catalog.WSCWriteProviderOrder(ids, ids.length);
    if (valid) {
      expect(result).toBe(NO_ERROR);
      model.entries = shuffled;
      model.serial++;
    } else {
      expect(result).toBe(WSAEINVAL);
    }
    checkInvariants(model, real);
  }
  toString(): string {
    return `order(${this.spoil})`;
  }
}

class Update implements fc.Command<Model, Real> {
  constructor(
    readonly providerId: string,
    readonly specs: EntrySpec[],
  ) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const lpErrno = out(0);
    const infos = this.specs.map(infoOf);
    const result = real.catalog.WSCUpdateProvider(this.providerId, 'updated', infos, infos.length, lpErrno);
    const owned = model.entries.filter((e) => e.providerId === this.providerId);
    if (owned.length === 0 || owned.length !== infos.length) {
      expect([result, lpErrno.value]).toEqual([SOCKET_ERROR, WSAEINVAL]);
    } else {
      expect(result).toBe(0);
      owned.forEach((entry, k) => {
        const spec = this.specs[k]!;
        entry.path = 'updated';
        entry.name = spec.name;
        entry.chain = chainOf(spec, entry.id);
      });
      model.serial++;
    }
    checkInvariants(model, real);
  }
  toString(): string {
    return `update(${this.providerId.slice(0, 2)}, ${this.specs.length})`;
  }
}

/** `catalog reset`'s bulk replacement, with `count` fresh base entries under the first GUID. */
class ResetEntries implements fc.Command<Model, Real> {
  constructor(readonly count: number) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    const staging = new Catalog();
    if (this.count > 0) {
      const infos = Array.from({ length: this.count }, (_, i) => tcpInfo({ szProtocol: `default ${i}` }));
      staging.WSCInstallProvider(GUIDS[0]!, 'default', infos, infos.length, out(0));
    }
    const highest = Math.max(1000, ...model.handedOut);
    const ids = real.catalog.resetEntries(staging.entries());
    expect(ids).toEqual(Array.from({ length: this.count }, (_, i) => highest + 1 + i));
    model.entries = ids.map((id, i) => ({
      id,
      providerId: GUIDS[0]!,
      path: 'default',
      name: `default ${i}`,
      chain: [id],
    }));
    for (const id of ids) model.handedOut.add(id);
    model.serial++;
    checkInvariants(model, real);
  }
  toString(): string {
    return `reset(${this.count})`;
  }
}

const commands = [
  fc
    .tuple(guid, fc.array(entrySpec, { minLength: 1, maxLength: 3 }))
    .map(([g, specs]) => new Install(g, specs)),
  guid.map((g) => new Deinstall(g)),
  fc
    .tuple(
      fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 8 }),
      fc.constantFrom(
        'none' as const,
        'none' as const,
        'drop' as const,
        'duplicate' as const,
        'unknown' as const,
      ),
    )
    .map(([keys, spoil]) => new WriteOrder(keys, spoil)),
  fc
    .tuple(guid, fc.array(entrySpec, { minLength: 1, maxLength: 3 }))
    .map(([g, specs]) => new Update(g, specs)),
  fc.integer({ min: 0, max: 3 }).map((n) => new ResetEntries(n)),
];

function runs(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FC_SEED;
  return seed === undefined ? { numRuns } : { numRuns, seed: Number(seed) };
}

function property(makeCatalog: () => { catalog: Catalog; dispose(): void }) {
  return fc.property(fc.commands(commands, { maxCommands: 30 }), (cmds) => {
    const { catalog, dispose } = makeCatalog();
    try {
      const model: Model = { entries: [], handedOut: new Set(), serial: catalog.serial };
      fc.modelRun(() => ({ model, real: { catalog } }), cmds);
    } finally {
      dispose();
    }
  });
}

describe('catalog model property', () => {
  it('memory store: enumeration equals the model, IDs unique and increasing, chains valid, refusals change nothing', () => {
    fc.assert(
      property(() => ({ catalog: new Catalog(), dispose: () => undefined })),
      runs(150),
    );
  });

  it('JSON file store: the same, through real files', () => {
    fc.assert(
      property(() => {
        const dir = fs.mkdtempSync(path.join(tmpdir(), 'ws2spi-catalog-prop-'));
        return {
          catalog: Catalog.openFile(path.join(dir, 'catalog.json')),
          dispose: () => fs.rmSync(dir, { recursive: true, force: true }),
        };
      }),
      runs(15),
    );
  });
});
