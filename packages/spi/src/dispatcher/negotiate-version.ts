import { WSAVERNOTSUPPORTED } from '../constants/error-codes';
import { HIBYTE, LOBYTE, MAKEWORD } from '../constants/socket-api';

/** The highest Winsock version this dispatcher implements: 2.2. */
export const WINSOCK_HIGH_VERSION = MAKEWORD(2, 2);

/**
 * `WSAStartup` version negotiation (ReactOS startup.c, confirmed against Windows by its apitest):
 * 0.x fails with `WSAVERNOTSUPPORTED` (reporting 2.2); 1.0 and 1.1 are kept; 1.x above 1.1 becomes
 * 1.1; 2.0–2.2 are kept; 2.x above 2.2 and 3.x and up become 2.2.
 */
export function negotiateVersion(requested: number): {
  /** The version to use (`WSADATA.wVersion`). */
  version: number;
  /** 0, or `WSAVERNOTSUPPORTED` when no version this dispatcher speaks suits the caller. */
  error: number;
} {
  const major = LOBYTE(requested);
  const minor = HIBYTE(requested);
  if (major === 0) return { version: WINSOCK_HIGH_VERSION, error: WSAVERNOTSUPPORTED };
  if (major === 1) return { version: MAKEWORD(1, Math.min(minor, 1)), error: 0 };
  if (major === 2) return { version: MAKEWORD(2, Math.min(minor, 2)), error: 0 };
  return { version: WINSOCK_HIGH_VERSION, error: 0 };
}

/** Orders two version words (major first). */
export function compareVersions(a: number, b: number): number {
  return LOBYTE(a) - LOBYTE(b) || HIBYTE(a) - HIBYTE(b);
}
