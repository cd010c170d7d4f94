import { WSAEFAULT, WSAEINVAL } from '../constants/error-codes';
import { isGuid } from '../types/guid';
import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';
import { describeProtocolInfoProblem, describeProviderPathProblem, isDword } from './catalog-entry-rules';

/** A refused argument: the Winsock code the call fails with, and why (for messages and tests). */
export interface ArgumentProblem {
  code: number;
  reason: string;
}

/** True when `value` is an `ArgumentProblem` rather than a result. */
export function isArgumentProblem(value: unknown): value is ArgumentProblem {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    'code' in value &&
    'reason' in value
  );
}

/**
 * Checks `lpProviderId` as ws2_32 would: a missing GUID is a bad pointer (`WSAEFAULT`); anything
 * that is not a canonical GUID string is an invalid argument (`WSAEINVAL`).
 */
export function checkProviderId(lpProviderId: unknown): ArgumentProblem | undefined {
  if (lpProviderId === null || lpProviderId === undefined) {
    return { code: WSAEFAULT, reason: 'lpProviderId is NULL' };
  }
  if (!isGuid(lpProviderId)) {
    return {
      code: WSAEINVAL,
      reason: `lpProviderId ${JSON.stringify(lpProviderId)} is not a canonical GUID`,
    };
  }
  return undefined;
}

/**
 * The argument checks shared by `WSCInstallProvider` and `WSCUpdateProvider`, in order:
 * - `lpProviderId`: see `checkProviderId`;
 * - `lpszProviderDllPath`: NULL → `WSAEFAULT`; empty or containing NUL → `WSAEINVAL`;
 * - `lpProtocolInfoList`: NULL → `WSAEINVAL` (the documentation says it "must not be NULL": an
 *   invalid argument rather than an unreadable one);
 * - `dwNumberOfEntries`: not a DWORD or 0 → `WSAEINVAL`; more than the list holds → `WSAEFAULT`
 *   (C would read past the end of the array);
 * - each of the first `dwNumberOfEntries` elements: missing → `WSAEFAULT`, malformed
 *   (`describeProtocolInfoProblem`) → `WSAEINVAL`.
 */
export function checkProviderArguments(
  lpProviderId: unknown,
  lpszProviderDllPath: unknown,
  lpProtocolInfoList: readonly WSAPROTOCOL_INFOW[] | null,
  dwNumberOfEntries: number,
): ArgumentProblem | undefined {
  const idProblem = checkProviderId(lpProviderId);
  if (idProblem) return idProblem;
  if (lpszProviderDllPath === null || lpszProviderDllPath === undefined) {
    return { code: WSAEFAULT, reason: 'lpszProviderDllPath is NULL' };
  }
  const pathProblem = describeProviderPathProblem(lpszProviderDllPath, 'lpszProviderDllPath');
  if (pathProblem) return { code: WSAEINVAL, reason: pathProblem };
  if (lpProtocolInfoList === null || lpProtocolInfoList === undefined) {
    return { code: WSAEINVAL, reason: 'lpProtocolInfoList is NULL' };
  }
  if (!Array.isArray(lpProtocolInfoList)) {
    return { code: WSAEINVAL, reason: 'lpProtocolInfoList is not an array of WSAPROTOCOL_INFOW' };
  }
  if (!isDword(dwNumberOfEntries) || dwNumberOfEntries === 0) {
    return { code: WSAEINVAL, reason: `dwNumberOfEntries ${dwNumberOfEntries} is not a positive count` };
  }
  if (dwNumberOfEntries > lpProtocolInfoList.length) {
    return {
      code: WSAEFAULT,
      reason: `dwNumberOfEntries ${dwNumberOfEntries} exceeds the ${lpProtocolInfoList.length} entries of lpProtocolInfoList`,
    };
  }
  for (let i = 0; i < dwNumberOfEntries; i++) {
    const info: unknown = lpProtocolInfoList[i];
    if (info === null || info === undefined) {
      return { code: WSAEFAULT, reason: `lpProtocolInfoList[${i}] is missing` };
    }
    const problem = describeProtocolInfoProblem(info, `lpProtocolInfoList[${i}]`, { identity: false });
    if (problem) return { code: WSAEINVAL, reason: problem };
  }
  return undefined;
}
