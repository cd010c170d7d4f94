import { WSAEFAULT, WSAEINVAL, WSAENOBUFS } from '../constants/error-codes';
import type { Out } from '../types/out-cell';
import { cloneProtocolInfo, SIZEOF_WSAPROTOCOL_INFOW, type WSAPROTOCOL_INFOW } from '../types/protocol-info';
import { isDword } from './catalog-entry-rules';
import { matchesProtocolFilter, readProtocolFilter } from './protocol-filter';
import { type ArgumentProblem, isArgumentProblem } from './provider-arguments';

/**
 * The enumeration both `WSCEnumProtocols` (the whole catalog) and `WSAEnumProtocolsW` (what an
 * application may see) perform over their entries: the NULL-terminated `lpiProtocols` filter, then
 * the all-or-nothing copy — `WSAENOBUFS` with the size needed (in `sizeof(WSAPROTOCOL_INFOW)` bytes)
 * written back when the buffer is too small, since neither can enumerate in pieces. The buffer
 * receives deep copies. Returns the count, or the problem.
 */
export function enumerateProtocols(
  infos: readonly WSAPROTOCOL_INFOW[],
  lpiProtocols: readonly number[] | null,
  lpProtocolBuffer: WSAPROTOCOL_INFOW[] | null,
  lpdwBufferLength: Out<number> | null,
): number | ArgumentProblem {
  if (lpdwBufferLength === null || lpdwBufferLength === undefined) {
    return { code: WSAEFAULT, reason: 'lpdwBufferLength is NULL' };
  }
  if (!isDword(lpdwBufferLength.value)) {
    return { code: WSAEINVAL, reason: `*lpdwBufferLength ${lpdwBufferLength.value} is not a size` };
  }
  if (lpProtocolBuffer !== null && !Array.isArray(lpProtocolBuffer)) {
    return { code: WSAEFAULT, reason: 'lpProtocolBuffer is not an array' };
  }
  const filter = readProtocolFilter(lpiProtocols);
  if (isArgumentProblem(filter)) return filter;
  const matching = infos.filter((info) => matchesProtocolFilter(filter, info));
  const needed = matching.length * SIZEOF_WSAPROTOCOL_INFOW;
  const available = lpProtocolBuffer ? lpdwBufferLength.value : 0;
  if (available < needed) {
    lpdwBufferLength.value = needed;
    return {
      code: WSAENOBUFS,
      reason: `${matching.length} entries need ${needed} bytes; the buffer has ${available}`,
    };
  }
  if (lpProtocolBuffer) {
    lpProtocolBuffer.length = 0;
    for (const info of matching) lpProtocolBuffer.push(cloneProtocolInfo(info));
  }
  return matching.length;
}
