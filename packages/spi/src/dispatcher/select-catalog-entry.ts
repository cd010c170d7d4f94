import type { CatalogEntry } from '../catalog/catalog-entry';
import { AF_UNSPEC } from '../constants/address-families';
import { WSAEAFNOSUPPORT, WSAEINVAL, WSAEPROTONOSUPPORT, WSAESOCKTNOSUPPORT } from '../constants/error-codes';
import { PFL_MATCHES_PROTOCOL_ZERO } from '../constants/provider-flags';
import { isLayeredEntry, type WSAPROTOCOL_INFOW } from '../types/protocol-info';

/** The outcome of choosing a catalog entry for `socket` / `WSASocketW`. */
export type EntrySelection =
  | {
      /** The entry a socket gets. */
      entry: CatalogEntry;
      /** No error. */
      error?: undefined;
    }
  | {
      /** No entry. */
      entry?: undefined;
      /** Why: `WSAEAFNOSUPPORT`, `WSAESOCKTNOSUPPORT`, `WSAEPROTONOSUPPORT` or `WSAEINVAL`. */
      error: number;
    };

function familyMatches(info: WSAPROTOCOL_INFOW, af: number): boolean {
  return af === AF_UNSPEC || info.iAddressFamily === af;
}

function typeMatches(info: WSAPROTOCOL_INFOW, type: number): boolean {
  return type === 0 || info.iSocketType === type;
}

function protocolMatches(info: WSAPROTOCOL_INFOW, protocol: number): boolean {
  if (protocol === 0) return (info.dwProviderFlags & PFL_MATCHES_PROTOCOL_ZERO) !== 0;
  return protocol >= info.iProtocol && protocol <= info.iProtocol + info.iProtocolMaxOffset;
}

/** `AF_UNSPEC` with protocol 0: nothing to choose by. */
const UNDERSPECIFIED: EntrySelection = Object.freeze({ error: WSAEINVAL });

/** How many distinct queries one epoch's selection remembers before it starts afresh (bounded). */
const MAX_REMEMBERED_QUERIES = 512;

/**
 * The catalog-entry selection of one startup epoch (the `WSASocketW` search of ReactOS's
 * `WsTcGetEntryFromTriplet`, with Windows' error precedence). The snapshot never changes within an
 * epoch, so it is indexed once — the candidates (base and chain entries, in catalog order), where
 * each sits, and which families and types exist — and the answer to a query, which can then never
 * change either, is remembered: a repeated `socket(af, type, protocol)` costs the same with 10 or
 * 10,000 entries.
 */
export class CatalogSelection {
  private readonly candidates: readonly CatalogEntry[];
  /** `dwCatalogEntryId` → position among the candidates (for `startAfterId`). */
  private readonly positions = new Map<number, number>();
  private readonly types = new Set<number>();
  /** Address family → the socket types it offers. */
  private readonly familyTypes = new Map<number, Set<number>>();
  /** Address family → its first candidate (`WSAAddressToStringW` without protocol info). */
  private readonly firstOfFamily = new Map<number, CatalogEntry>();
  /** af → type → protocol → the selection (queries without `startAfterId`). */
  private readonly answers = new Map<number, Map<number, Map<number, EntrySelection>>>();
  private remembered = 0;

  constructor(entries: readonly CatalogEntry[]) {
    this.candidates = entries.filter((e) => !isLayeredEntry(e.info));
    this.candidates.forEach((entry, position) => {
      const { dwCatalogEntryId, iAddressFamily, iSocketType } = entry.info;
      this.positions.set(dwCatalogEntryId, position);
      this.types.add(iSocketType);
      let familyTypes = this.familyTypes.get(iAddressFamily);
      if (familyTypes === undefined) {
        familyTypes = new Set();
        this.familyTypes.set(iAddressFamily, familyTypes);
        this.firstOfFamily.set(iAddressFamily, entry);
      }
      familyTypes.add(iSocketType);
    });
  }

  /** The first base or chain entry of an address family, in catalog order. */
  firstEntryOfFamily(af: number): CatalogEntry | undefined {
    return this.firstOfFamily.get(af);
  }

  /** See `selectCatalogEntry`. The result is shared: read it, do not change it. */
  select(af: number, type: number, protocol: number, startAfterId?: number): EntrySelection {
    if (af === AF_UNSPEC && protocol === 0) return UNDERSPECIFIED;
    if (startAfterId !== undefined) {
      const at = this.positions.get(startAfterId);
      return this.search(af, type, protocol, at === undefined ? this.candidates.length : at + 1);
    }
    let byType = this.answers.get(af);
    let byProtocol = byType?.get(type);
    const known = byProtocol?.get(protocol);
    if (known !== undefined) return known;
    const answer = Object.freeze(this.search(af, type, protocol, 0));
    if (this.remembered >= MAX_REMEMBERED_QUERIES) {
      this.answers.clear();
      this.remembered = 0;
      byType = undefined;
      byProtocol = undefined;
    }
    if (byType === undefined) {
      byType = new Map();
      this.answers.set(af, byType);
    }
    if (byProtocol === undefined) {
      byProtocol = new Map();
      byType.set(type, byProtocol);
    }
    byProtocol.set(protocol, answer);
    this.remembered++;
    return answer;
  }

  private search(af: number, type: number, protocol: number, start: number): EntrySelection {
    const candidates = this.candidates;
    for (let i = start; i < candidates.length; i++) {
      const info = candidates[i].info;
      if (familyMatches(info, af) && typeMatches(info, type) && protocolMatches(info, protocol)) {
        return { entry: candidates[i] };
      }
    }
    if (type !== 0 && !this.types.has(type)) return { error: WSAESOCKTNOSUPPORT };
    if (af !== AF_UNSPEC && !this.familyTypes.has(af)) return { error: WSAEAFNOSUPPORT };
    if (!this.offers(af, type)) return { error: WSAESOCKTNOSUPPORT };
    return { error: WSAEPROTONOSUPPORT };
  }

  /** True when some candidate matches the family and the type (wildcards included). */
  private offers(af: number, type: number): boolean {
    if (af === AF_UNSPEC) return type === 0 ? this.candidates.length > 0 : this.types.has(type);
    const familyTypes = this.familyTypes.get(af);
    return familyTypes !== undefined && (type === 0 || familyTypes.has(type));
  }
}

/**
 * Chooses the catalog entry for `(af, type, protocol)` the way `WSASocketW` does without
 * `lpProtocolInfo`: the first match in catalog order among base and chain entries (a layered,
 * ChainLen 0 entry is never a candidate, nor a partial match); `AF_UNSPEC` and type 0 are
 * wildcards; protocol 0 matches only entries with `PFL_MATCHES_PROTOCOL_ZERO`; a protocol matches
 * within `[iProtocol, iProtocol + iProtocolMaxOffset]`. `startAfterId` resumes the walk after that
 * entry (the retry when a provider's `WSPSocket` declines with `WSAEINPROGRESS`).
 *
 * When nothing matches, the error follows Windows' precedence rather than ReactOS's "last entry
 * examined": `AF_UNSPEC` with protocol 0 is `WSAEINVAL`; then a socket type that no entry offers is
 * `WSAESOCKTNOSUPPORT`; then an address family no entry offers is `WSAEAFNOSUPPORT`; then a type
 * the family does not offer is `WSAESOCKTNOSUPPORT`; anything else is `WSAEPROTONOSUPPORT`.
 *
 * This indexes `entries` for one query; a process selects through its epoch's `CatalogSelection`.
 */
export function selectCatalogEntry(
  entries: readonly CatalogEntry[],
  af: number,
  type: number,
  protocol: number,
  startAfterId?: number,
): EntrySelection {
  return new CatalogSelection(entries).select(af, type, protocol, startAfterId);
}
