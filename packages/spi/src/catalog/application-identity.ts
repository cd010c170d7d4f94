import { WSAEFAULT, WSAEINVAL } from '../constants/error-codes';
import { isDword } from './catalog-entry-rules';
import type { ArgumentProblem } from './provider-arguments';

/** An application as `WSCSetApplicationCategory` identifies it: executable path plus command line. */
export interface ApplicationIdentity {
  path: string;
  extra: string;
}

/**
 * Reads the `Path, PathLength, Extra, ExtraLength` quadruple of `WSCSetApplicationCategory` /
 * `WSCGetApplicationCategory`. Lengths are in characters without the terminating NUL, and only
 * that many characters are used, as C reads them. `Path` NULL, or a length beyond its string, is
 * `WSAEFAULT`; an empty path, a non-integer length or a NUL inside is `WSAEINVAL`. A NULL `Extra`
 * (with length 0) is the same as an empty one: "no command line to tell instances apart".
 * Paths are compared exactly (no case folding, no `%VAR%` expansion).
 */
export function readApplicationIdentity(
  Path: string | null,
  PathLength: number,
  Extra: string | null,
  ExtraLength: number,
): ApplicationIdentity | ArgumentProblem {
  if (Path === null || Path === undefined) return { code: WSAEFAULT, reason: 'Path is NULL' };
  if (typeof Path !== 'string') return { code: WSAEINVAL, reason: 'Path is not a string' };
  if (!isDword(PathLength) || PathLength === 0) {
    return { code: WSAEINVAL, reason: `PathLength ${PathLength} is not a positive length` };
  }
  if (PathLength > Path.length) {
    return {
      code: WSAEFAULT,
      reason: `PathLength ${PathLength} exceeds the ${Path.length} characters of Path`,
    };
  }
  if (!isDword(ExtraLength)) return { code: WSAEINVAL, reason: `ExtraLength ${ExtraLength} is not a length` };
  if (Extra === null || Extra === undefined) {
    if (ExtraLength !== 0) return { code: WSAEFAULT, reason: 'Extra is NULL but ExtraLength is not 0' };
  } else if (typeof Extra !== 'string') {
    return { code: WSAEINVAL, reason: 'Extra is not a string' };
  } else if (ExtraLength > Extra.length) {
    return {
      code: WSAEFAULT,
      reason: `ExtraLength ${ExtraLength} exceeds the ${Extra.length} characters of Extra`,
    };
  }
  const path = Path.slice(0, PathLength);
  const extra = (Extra ?? '').slice(0, ExtraLength);
  if (path.includes('\0') || extra.includes('\0'))
    return { code: WSAEINVAL, reason: 'Path or Extra contains NUL' };
  return { path, extra };
}
