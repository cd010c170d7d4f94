/**
 * The per-epoch selection index gives exactly what a plain walk of the catalog gives — the same
 * entry, the same error by Windows' precedence, the same resumption after a declining provider —
 * for any catalog and any query, asked once or many times.
 */
import {
  AF_INET,
  AF_INET6,
  AF_ISO,
  AF_UNSPEC,
  type CatalogEntry,
  CatalogSelection,
  LAYERED_PROTOCOL,
  PFL_MATCHES_PROTOCOL_ZERO,
  SOCK_DGRAM,
  SOCK_RAW,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  selectCatalogEntry,
  WSAEAFNOSUPPORT,
  WSAEINVAL,
  WSAEPROTONOSUPPORT,
  WSAESOCKTNOSUPPORT,
  type WSAPROTOCOL_INFOW,
} from '@ws2spi/spi';
import fc from 'fast-check';
import { entry, protocolInfo } from './support/protocol-info';

/** The selection rules written as a plain walk over the catalog, with no index: the oracle. */
function walk(entries: readonly CatalogEntry[], af: number, type: number, protocol: number, after?: number) {
  if (af === AF_UNSPEC && protocol === 0) return WSAEINVAL;
  const family = (i: WSAPROTOCOL_INFOW) => af === AF_UNSPEC || i.iAddressFamily === af;
  const kind = (i: WSAPROTOCOL_INFOW) => type === 0 || i.iSocketType === type;
  const proto = (i: WSAPROTOCOL_INFOW) =>
    protocol === 0
      ? (i.dwProviderFlags & PFL_MATCHES_PROTOCOL_ZERO) !== 0
      : protocol >= i.iProtocol && protocol <= i.iProtocol + i.iProtocolMaxOffset;
  const candidates = entries.filter((e) => e.info.ProtocolChain.ChainLen !== LAYERED_PROTOCOL);
  let start = 0;
  if (after !== undefined) {
    const at = candidates.findIndex((e) => e.info.dwCatalogEntryId === after);
    start = at < 0 ? candidates.length : at + 1;
  }
  const hit = candidates.slice(start).find((e) => family(e.info) && kind(e.info) && proto(e.info));
  if (hit) return hit.info.dwCatalogEntryId;
  if (type !== 0 && !candidates.some((e) => e.info.iSocketType === type)) return WSAESOCKTNOSUPPORT;
  if (af !== AF_UNSPEC && !candidates.some((e) => e.info.iAddressFamily === af)) return WSAEAFNOSUPPORT;
  if (!candidates.some((e) => family(e.info) && kind(e.info))) return WSAESOCKTNOSUPPORT;
  return WSAEPROTONOSUPPORT;
}

const families = [AF_INET, AF_INET6, AF_ISO];
const types = [SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW];
const protocols = [0, 6, 17, 100, 103, 253];

const arbitraryInfo = fc.record({
  iAddressFamily: fc.constantFrom(...families),
  iSocketType: fc.constantFrom(...types),
  iProtocol: fc.constantFrom(...protocols.filter((p) => p !== 0)),
  iProtocolMaxOffset: fc.constantFrom(0, 0, 5),
  zero: fc.boolean(),
  layered: fc.boolean(),
});

const arbitraryCatalog = fc.array(arbitraryInfo, { maxLength: 12 }).map((infos) =>
  infos.map((i, n) =>
    entry(
      `p:${n}`,
      protocolInfo({
        dwCatalogEntryId: 1001 + n,
        iAddressFamily: i.iAddressFamily,
        iSocketType: i.iSocketType,
        iProtocol: i.iProtocol,
        iProtocolMaxOffset: i.iProtocolMaxOffset,
        dwProviderFlags: i.zero ? PFL_MATCHES_PROTOCOL_ZERO : 0,
        ...(i.layered ? { ProtocolChain: { ChainLen: LAYERED_PROTOCOL, ChainEntries: [] } } : {}),
      }),
    ),
  ),
);

const arbitraryQuery = fc.record({
  af: fc.constantFrom(AF_UNSPEC, ...families, 99),
  type: fc.constantFrom(0, ...types, 77),
  protocol: fc.constantFrom(...protocols, 104, 999),
  after: fc.option(fc.integer({ min: 1000, max: 1014 }), { nil: undefined }),
});

const answer = (r: { entry?: CatalogEntry; error?: number }) => r.entry?.info.dwCatalogEntryId ?? r.error;

describe('CatalogSelection (one per startup epoch)', () => {
  it('answers every query as the plain walk does, the first time and every time after', () => {
    fc.assert(
      fc.property(
        arbitraryCatalog,
        fc.array(arbitraryQuery, { minLength: 1, maxLength: 20 }),
        (catalog, queries) => {
          const index = new CatalogSelection(catalog);
          // Each query twice, interleaved with the others, so remembered answers are checked too.
          for (const q of [...queries, ...queries]) {
            const expected = walk(catalog, q.af, q.type, q.protocol, q.after);
            expect(answer(index.select(q.af, q.type, q.protocol, q.after))).toBe(expected);
            expect(answer(selectCatalogEntry(catalog, q.af, q.type, q.protocol, q.after))).toBe(expected);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays right past the number of queries it remembers', () => {
    const catalog = [0, 1, 2].map((n) =>
      entry(
        `p:${n}`,
        protocolInfo({ dwCatalogEntryId: 1001 + n, iProtocol: 1000 * n, iProtocolMaxOffset: 999 }),
      ),
    );
    const index = new CatalogSelection(catalog);
    for (let round = 0; round < 2; round++) {
      for (let protocol = 1; protocol < 3000; protocol += 3) {
        expect(answer(index.select(AF_INET, SOCK_STREAM, protocol))).toBe(1001 + Math.floor(protocol / 1000));
      }
    }
  });

  it('finds the first base entry of a family for the address-string calls', () => {
    const lsp = protocolInfo({
      dwCatalogEntryId: 1001,
      ProtocolChain: { ChainLen: LAYERED_PROTOCOL, ChainEntries: [] },
    });
    const base = protocolInfo({ dwCatalogEntryId: 1002 });
    const second = protocolInfo({ dwCatalogEntryId: 1003 });
    const index = new CatalogSelection([lsp, base, second].map((i) => entry('p', i)));
    expect(index.firstEntryOfFamily(AF_INET)?.info.dwCatalogEntryId).toBe(1002);
    expect(index.firstEntryOfFamily(AF_INET6)).toBeUndefined();
  });
});
