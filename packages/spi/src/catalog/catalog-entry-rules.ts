import { MAX_PROTOCOL_CHAIN, WSAPROTOCOL_LEN } from '../constants/socket-api';
import { isGuid } from '../types/guid';
import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';

/**
 * `MAX_PATH` (windef.h): the provider path of a catalog entry is stored, unexpanded, in a
 * `WCHAR[MAX_PATH]` (the `PackedCatalogItem` of the registry catalog), so it holds at most 259
 * characters and its NUL.
 */
export const MAX_PATH = 260;

/** The `DWORD` members of `WSAPROTOCOL_INFOW` (unsigned 32-bit in C). */
export const PROTOCOL_INFO_DWORD_FIELDS = [
  'dwServiceFlags1',
  'dwServiceFlags2',
  'dwServiceFlags3',
  'dwServiceFlags4',
  'dwProviderFlags',
  'dwMessageSize',
  'dwProviderReserved',
] as const satisfies readonly (keyof WSAPROTOCOL_INFOW)[];

/** The `int` members of `WSAPROTOCOL_INFOW` (signed 32-bit in C). */
export const PROTOCOL_INFO_INT_FIELDS = [
  'iVersion',
  'iAddressFamily',
  'iMaxSockAddr',
  'iMinSockAddr',
  'iSocketType',
  'iProtocol',
  'iProtocolMaxOffset',
  'iNetworkByteOrder',
  'iSecurityScheme',
] as const satisfies readonly (keyof WSAPROTOCOL_INFOW)[];

/** True for an integer a C `DWORD` can hold. */
export function isDword(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0xffffffff;
}

/** True for an integer a C `int` can hold. */
export function isInt32(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= -0x80000000 && (value as number) <= 0x7fffffff;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return value === null ? 'null' : 'an object';
  return String(value);
}

/**
 * What is wrong with a `WSAPROTOCOL_INFOW` as C would see it, or `undefined` when nothing is:
 * every DWORD/int member an integer in its C range, `ProtocolChain.ChainLen` in 0 … 7
 * (`MAX_PROTOCOL_CHAIN`), `ChainEntries` an array of at most 7 DWORDs holding at least `ChainLen`
 * IDs for a chain, and `szProtocol` a string of at most 255 (`WSAPROTOCOL_LEN`) UTF-16 units
 * without NUL (a C string ends at the first NUL).
 *
 * `ProviderId` and `dwCatalogEntryId` are checked only with `identity: true` (a stored entry):
 * `WSCInstallProvider` overwrites both, as Windows ignores them on input.
 */
export function describeProtocolInfoProblem(
  value: unknown,
  where: string,
  options: { identity: boolean },
): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `${where}: expected a WSAPROTOCOL_INFOW object, got ${show(value)}`;
  }
  const info = value as Record<string, unknown>;
  for (const field of PROTOCOL_INFO_DWORD_FIELDS) {
    if (!isDword(info[field])) {
      return `${where}.${field}: expected a DWORD (an integer 0 … 4294967295), got ${show(info[field])}`;
    }
  }
  for (const field of PROTOCOL_INFO_INT_FIELDS) {
    if (!isInt32(info[field])) {
      return `${where}.${field}: expected an int (an integer -2147483648 … 2147483647), got ${show(info[field])}`;
    }
  }
  if (options.identity) {
    if (!isGuid(info.ProviderId)) {
      return `${where}.ProviderId: expected a GUID in canonical form, got ${show(info.ProviderId)}`;
    }
    if (!isDword(info.dwCatalogEntryId)) {
      return `${where}.dwCatalogEntryId: expected a DWORD, got ${show(info.dwCatalogEntryId)}`;
    }
  }
  const chain = info.ProtocolChain as Record<string, unknown> | null | undefined;
  if (typeof chain !== 'object' || chain === null || Array.isArray(chain)) {
    return `${where}.ProtocolChain: expected a WSAPROTOCOLCHAIN object, got ${show(chain)}`;
  }
  const chainLen = chain.ChainLen;
  if (!Number.isInteger(chainLen) || (chainLen as number) < 0 || (chainLen as number) > MAX_PROTOCOL_CHAIN) {
    return `${where}.ProtocolChain.ChainLen: expected 0 … ${MAX_PROTOCOL_CHAIN} (MAX_PROTOCOL_CHAIN), got ${show(chainLen)}`;
  }
  const ids = chain.ChainEntries;
  if (!Array.isArray(ids) || ids.length > MAX_PROTOCOL_CHAIN) {
    return `${where}.ProtocolChain.ChainEntries: expected an array of at most ${MAX_PROTOCOL_CHAIN} catalog entry IDs, got ${Array.isArray(ids) ? `${ids.length} elements` : show(ids)}`;
  }
  const bad = ids.findIndex((id) => !isDword(id));
  if (bad >= 0) {
    return `${where}.ProtocolChain.ChainEntries[${bad}]: expected a catalog entry ID (a DWORD), got ${show(ids[bad])}`;
  }
  if ((chainLen as number) > 1 && ids.length < (chainLen as number)) {
    return `${where}.ProtocolChain: ChainLen is ${chainLen} but ChainEntries holds ${ids.length} IDs`;
  }
  const name = info.szProtocol;
  if (typeof name !== 'string') return `${where}.szProtocol: expected a string, got ${show(name)}`;
  if (name.length > WSAPROTOCOL_LEN) {
    return `${where}.szProtocol: ${name.length} characters, more than WSAPROTOCOL_LEN (${WSAPROTOCOL_LEN})`;
  }
  if (name.includes('\0')) return `${where}.szProtocol: contains a NUL character`;
  return undefined;
}

/**
 * The entry as the catalog stores it: exactly the 20 members (anything else the caller's object
 * carried is dropped, as copying a C struct drops nothing but adds nothing), the given `ProviderId`
 * and `dwCatalogEntryId`, and a normalised chain — a base entry's `ChainEntries` is `[its own ID]`
 * (Windows leaves garbage there; we store the one meaningful value), a layered entry's is empty, a
 * chain keeps its first `ChainLen` IDs. Only call it on an info `describeProtocolInfoProblem` passed.
 */
export function toStoredProtocolInfo(
  info: WSAPROTOCOL_INFOW,
  providerId: string,
  catalogEntryId: number,
): WSAPROTOCOL_INFOW {
  const chainLen = info.ProtocolChain.ChainLen;
  const chainEntries =
    chainLen === 0
      ? []
      : chainLen === 1
        ? [catalogEntryId]
        : info.ProtocolChain.ChainEntries.slice(0, chainLen);
  return {
    dwServiceFlags1: info.dwServiceFlags1,
    dwServiceFlags2: info.dwServiceFlags2,
    dwServiceFlags3: info.dwServiceFlags3,
    dwServiceFlags4: info.dwServiceFlags4,
    dwProviderFlags: info.dwProviderFlags,
    ProviderId: providerId,
    dwCatalogEntryId: catalogEntryId,
    ProtocolChain: { ChainLen: chainLen, ChainEntries: chainEntries },
    iVersion: info.iVersion,
    iAddressFamily: info.iAddressFamily,
    iMaxSockAddr: info.iMaxSockAddr,
    iMinSockAddr: info.iMinSockAddr,
    iSocketType: info.iSocketType,
    iProtocol: info.iProtocol,
    iProtocolMaxOffset: info.iProtocolMaxOffset,
    iNetworkByteOrder: info.iNetworkByteOrder,
    iSecurityScheme: info.iSecurityScheme,
    dwMessageSize: info.dwMessageSize,
    dwProviderReserved: info.dwProviderReserved,
    szProtocol: info.szProtocol,
  };
}

/**
 * What is wrong with a provider path, or `undefined`: it must be a non-empty string without NUL of
 * at most `MAX_PATH` − 1 (259) UTF-16 units, as Windows stores it (unexpanded: `%VAR%` strings
 * count as written), whether it names a module specifier, a file or a registered name.
 */
export function describeProviderPathProblem(value: unknown, where: string): string | undefined {
  if (typeof value !== 'string') return `${where}: expected a provider path string, got ${show(value)}`;
  if (value.length === 0) return `${where}: the provider path is empty`;
  if (value.length >= MAX_PATH) {
    return `${where}: the provider path has ${value.length} characters, more than MAX_PATH − 1 (${MAX_PATH - 1})`;
  }
  if (value.includes('\0')) return `${where}: the provider path contains a NUL character`;
  return undefined;
}
