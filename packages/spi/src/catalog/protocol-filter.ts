import { WSAEFAULT, WSAEINVAL } from '../constants/error-codes';
import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';
import { isInt32 } from './catalog-entry-rules';
import type { ArgumentProblem } from './provider-arguments';

/**
 * Reads the `lpiProtocols` filter of `WSCEnumProtocols` / `WSAEnumProtocols`: NULL means "every
 * entry"; otherwise a zero-terminated array of protocol numbers. An array without its 0 is a
 * `WSAEFAULT` (C would read past its end); a non-integer before the 0 is `WSAEINVAL`.
 */
export function readProtocolFilter(
  lpiProtocols: readonly number[] | null,
): number[] | null | ArgumentProblem {
  if (lpiProtocols === null || lpiProtocols === undefined) return null;
  if (!Array.isArray(lpiProtocols)) return { code: WSAEINVAL, reason: 'lpiProtocols is not an array' };
  const end = lpiProtocols.indexOf(0);
  if (end < 0) return { code: WSAEFAULT, reason: 'lpiProtocols is not terminated by 0' };
  const protocols = lpiProtocols.slice(0, end);
  const bad = protocols.findIndex((protocol) => !isInt32(protocol));
  if (bad >= 0) return { code: WSAEINVAL, reason: `lpiProtocols[${bad}] is not an int` };
  return protocols;
}

/**
 * True when an entry passes the filter: a protocol number in
 * `[iProtocol, iProtocol + iProtocolMaxOffset]`. As in ReactOS' `CheckProtocolMatch`, an entry whose
 * `iProtocol` is 0 (an LSP's dummy entry usually) matches no filter — only a NULL filter returns it.
 */
export function matchesProtocolFilter(filter: readonly number[] | null, info: WSAPROTOCOL_INFOW): boolean {
  if (filter === null) return true;
  if (info.iProtocol === 0) return false;
  return filter.some(
    (protocol) => protocol >= info.iProtocol && protocol <= info.iProtocol + info.iProtocolMaxOffset,
  );
}
