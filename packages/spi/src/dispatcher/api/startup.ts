/**
 * Startup (ReactOS startup.c): `WSAStartup`, `WSACleanup`, and the per-"thread" last error.
 * @module
 */
import type { CatalogSnapshot } from '../../catalog/catalog-entry';
import { WSAEFAULT, WSANOTINITIALISED, WSASYSNOTREADY } from '../../constants/error-codes';
import { LOBYTE, WSADESCRIPTION_LEN } from '../../constants/socket-api';
import { filterSnapshotForApplication } from '../../lsp/application-lsp-filter';
import type { WSADATA } from '../../types/wsadata';
import { asCInt, isIntegerArgument } from '../argument-checks';
import { compareVersions, negotiateVersion, WINSOCK_HIGH_VERSION } from '../negotiate-version';
import { WsProcess } from '../ws-process';
import { Ws2Core } from '../ws2-core';

/** The startup calls of `Ws2`; installed on its prototype, never instantiated. */
export abstract class Ws2Startup extends Ws2Core {
  /**
   * `WSAStartup`: negotiates the version, fills `lpWSAData` (even on failure), and counts the
   * startup. The first startup takes the catalog snapshot. Returns the error code directly (0 on
   * success), as Windows does.
   */
  WSAStartup(wVersionRequested: number, lpWSAData: WSADATA | null): number {
    // A WORD: anything C could not pass negotiates like 0.x (WSAVERNOTSUPPORTED, reporting 2.2).
    const isWord =
      isIntegerArgument(wVersionRequested) && wVersionRequested >= 0 && wVersionRequested <= 0xffff;
    const { version, error } = negotiateVersion(isWord ? wVersionRequested : 0);
    if (!lpWSAData || typeof lpWSAData !== 'object' || !fillWsaData(lpWSAData, version)) {
      this.lastError.set(WSANOTINITIALISED);
      return error || WSAEFAULT;
    }
    if (error) return error;
    if (!this.current) {
      let snapshot: CatalogSnapshot;
      try {
        // The process sees only the LSPs its application permits (WSCSetApplicationCategory).
        snapshot = filterSnapshotForApplication(this.catalog.snapshot(), this.application);
      } catch (cause) {
        this.recordFailure({
          providerId: '',
          path: '',
          call: 'WSAStartup',
          reason: 'catalog unreadable',
          error: cause,
        });
        try {
          lpWSAData.szSystemStatus = `Catalog unreadable: ${(cause as Error).message}`;
        } catch {
          // Probed writable a moment ago; a setter that changed its mind only loses the detail.
        }
        return WSASYSNOTREADY;
      }
      this.current = new WsProcess(
        snapshot,
        version,
        this.loader,
        (process) => this.upcallTableForProvider(process),
        (f) => this.recordFailure(f),
      );
      // From now on the last error is kept per async flow (see LastErrorSlot).
      this.lastError.attach();
    } else if (compareVersions(version, this.current.version) < 0) {
      // The process version only ever goes down: legacy 1.x behaviour stays in force.
      this.current.version = version;
    }
    this.startupCount++;
    return 0;
  }

  /**
   * `WSACleanup`: undoes one `WSAStartup`. The last one invalidates every socket (later calls give
   * `WSAENOTSOCK`, even after a new `WSAStartup`), calls `WSPCleanup` once per started provider and
   * drops the catalog snapshot.
   */
  WSACleanup(): number {
    if (!this.current) return this.fail(WSANOTINITIALISED);
    this.startupCount--;
    if (this.startupCount === 0) {
      const process = this.current;
      this.current = undefined;
      process.cleanupProviders();
      // No async hook is left on for this process; the last one to clean up turns the storage off.
      this.lastError.detach();
    }
    return 0;
  }

  /**
   * `WSAGetLastError`: the last error of the calling async context (while no `Ws2` in the Node
   * process is started, of the process as one thread).
   */
  WSAGetLastError(): number {
    return this.lastError.get();
  }

  /** `WSASetLastError`: the value as C's `int iError` holds it (a number or BigInt truncated to 32 bits; anything else 0). */
  WSASetLastError(iError: number): void {
    this.lastError.set(asCInt(iError));
  }
}

/**
 * Fills `WSADATA` (even when the version is refused, as Windows does); false when the structure
 * cannot be written (frozen, a setter that throws): `WSAEFAULT`.
 */
function fillWsaData(data: WSADATA, version: number): boolean {
  try {
    data.wVersion = version;
    data.wHighVersion = WINSOCK_HIGH_VERSION;
    data.szDescription = 'WinSock 2.0'.slice(0, WSADESCRIPTION_LEN);
    data.szSystemStatus = 'Running';
    data.iMaxSockets = LOBYTE(version) === 1 ? 32767 : 0;
    data.iMaxUdpDg = LOBYTE(version) === 1 ? 65467 : 0;
    data.lpVendorInfo = null;
    return true;
  } catch {
    return false;
  }
}
