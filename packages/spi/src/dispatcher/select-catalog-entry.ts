import type { CatalogEntry } from '../catalog/catalog-entry';
import { AF_UNSPEC } from '../constants/address-families';
import { WSAEAFNOSUPPORT, WSAEINVAL, WSAEPROTONOSUPPORT, WSAESOCKTNOSUPPORT } from '../constants/error-codes';
import { PFL_MATCHES_PROTOCOL_ZERO } from '../constants/provider-flags';
import { isLayeredEntry, type WSAPROTOCOL_INFOW } from '../types/protocol-info';

/** The outcome of choosing a catalog entry for `socket` / `WSASocketW`. */
export type EntrySelection =
  | { entry: CatalogEntry; error?: undefined }
  | { entry?: undefined; error: number };

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
 */
export function selectCatalogEntry(
  entries: readonly CatalogEntry[],
  af: number,
  type: number,
  protocol: number,
  startAfterId?: number,
): EntrySelection {
  if (af === AF_UNSPEC && protocol === 0) return { error: WSAEINVAL };
  const candidates = entries.filter((e) => !isLayeredEntry(e.info));
  let start = 0;
  if (startAfterId !== undefined) {
    const at = candidates.findIndex((e) => e.info.dwCatalogEntryId === startAfterId);
    start = at < 0 ? candidates.length : at + 1;
  }
  for (let i = start; i < candidates.length; i++) {
    const { info } = candidates[i];
    if (familyMatches(info, af) && typeMatches(info, type) && protocolMatches(info, protocol)) {
      return { entry: candidates[i] };
    }
  }
  if (type !== 0 && !candidates.some((e) => e.info.iSocketType === type))
    return { error: WSAESOCKTNOSUPPORT };
  if (af !== AF_UNSPEC && !candidates.some((e) => e.info.iAddressFamily === af))
    return { error: WSAEAFNOSUPPORT };
  if (!candidates.some((e) => familyMatches(e.info, af) && typeMatches(e.info, type))) {
    return { error: WSAESOCKTNOSUPPORT };
  }
  return { error: WSAEPROTONOSUPPORT };
}
