/**
 * Walking a protocol chain from the top layer to the base in both conventions of winsock-spi.md
 * §1.2 NOTE (`[dummyA, dummyB, base]` and the sample's `[dummyA, chainB, base]`), and the problems
 * that stop a walk.
 */
import { describe, expect, it } from '@jest/globals';
import { type CatalogEntry, entryLookup, type WSAPROTOCOL_INFOW, walkProtocolChain } from '@ws2spi/spi';
import { protocolInfo } from './support/protocol-info';

function entry(id: number, chain: number[], name = `entry ${id}`): CatalogEntry {
  const ChainLen = chain.length === 1 && chain[0] === id ? 1 : chain.length;
  const info: WSAPROTOCOL_INFOW = protocolInfo({
    dwCatalogEntryId: id,
    ProtocolChain: { ChainLen, ChainEntries: ChainLen === 0 ? [] : chain },
    szProtocol: name,
  });
  return { path: `p${id}`, info, lspCategories: 0 };
}

const base = entry(1001, [1001], 'base');
const dummyA = entry(1002, [], 'A');
const dummyB = entry(1003, [], 'B');
const chainB = entry(1004, [1003, 1001], 'B over base');

function walk(chain: number[], entries: CatalogEntry[]) {
  const top = entry(2000, chain);
  return walkProtocolChain(top.info, entryLookup(entries));
}

describe('walkProtocolChain', () => {
  it('walks the Vista convention: every element above the base is a layered entry', () => {
    const walked = walk([1002, 1003, 1001], [base, dummyA, dummyB]);
    expect(walked).toEqual({
      layers: [
        { layered: dummyA, entryId: 1002 },
        { layered: dummyB, entryId: 1003 },
      ],
      base,
    });
  });

  it('walks the pre-Vista convention: a chain entry below the top stands for its own chain', () => {
    const walked = walk([1002, 1004, 1001], [base, dummyA, dummyB, chainB]);
    expect(walked).toEqual({
      layers: [
        { layered: dummyA, entryId: 1002 },
        { layered: dummyB, entryId: 1004 },
      ],
      base,
    });
  });

  it('follows pre-Vista references several levels deep', () => {
    const dummyC = entry(1005, [], 'C');
    const chainC = entry(1006, [1005, 1004, 1001], 'C over B over base');
    const walked = walk([1002, 1006, 1001], [base, dummyA, dummyB, chainB, dummyC, chainC]);
    expect(walked).toMatchObject({
      layers: [
        { layered: dummyA, entryId: 1002 },
        { layered: dummyC, entryId: 1006 },
        { layered: dummyB, entryId: 1004 },
      ],
      base,
    });
  });

  it.each([
    [
      'orphaned',
      [1009, 1001],
      0,
      1009,
      "ChainEntries[0] = 1009 is not in the catalog (the LSP's layered entry was removed)",
    ],
    ['missing-entry', [1002, 1009, 1001], 1, 1009, 'ChainEntries[1] = 1009 is not in the catalog'],
    [
      'missing-entry',
      [1002, 1009],
      1,
      1009,
      'ChainEntries[1] = 1009 (the base provider) is not in the catalog',
    ],
    [
      'top-not-layered',
      [1004, 1001],
      0,
      1004,
      'ChainEntries[0] = 1004 "B over base" is not a layered (ChainLen 0) entry',
    ],
    [
      'base-in-middle',
      [1002, 1001, 1001],
      1,
      1001,
      'ChainEntries[1] = 1001 "base" is a base entry above the bottom of the chain',
    ],
    ['bottom-not-base', [1002, 1003], 1, 1003, 'ChainEntries[1] = 1003 "B" is not a base (ChainLen 1) entry'],
  ])('reports %s for %j', (kind, chain, index, id, reason) => {
    expect(walk(chain as number[], [base, dummyA, dummyB, chainB])).toEqual({ kind, index, id, reason });
  });

  it('reports a problem below a pre-Vista reference at the reference, naming it', () => {
    const brokenB = entry(1004, [1003, 1099], 'B over gone');
    expect(walk([1002, 1004, 1001], [base, dummyA, dummyB, brokenB])).toEqual({
      kind: 'missing-entry',
      index: 1,
      id: 1099,
      reason:
        'via chain entry 1004 "B over gone": ChainEntries[1] = 1099 (the base provider) is not in the catalog',
    });
  });

  it('stops on chain entries that reference each other in a cycle', () => {
    const loopX = entry(1010, [1002, 1011, 1001], 'x');
    const loopY = entry(1011, [1003, 1010, 1001], 'y');
    expect(walk([1002, 1010, 1001], [base, dummyA, dummyB, loopX, loopY])).toMatchObject({
      kind: 'malformed',
    });
  });

  it('refuses an entry that is not a chain', () => {
    expect(walkProtocolChain(base.info, entryLookup([base]))).toMatchObject({ kind: 'malformed', id: 1001 });
  });
});
