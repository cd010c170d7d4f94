import type { CatalogSnapshot } from '../catalog/catalog-entry';
import type { OverlappedRequest } from '../spi/overlapped-request';
import type { LPWSPSTARTUP } from '../spi/wsp-proc-table';
import type { LPINT, LPWSAOVERLAPPED_COMPLETION_ROUTINE, SOCKET, WSAOVERLAPPED } from '../spi/wsp-types';
import type { WSPUPCALLTABLE } from '../spi/wsp-upcall-table';

/**
 * What a provider DLL calls in its process directly, outside the upcall table: ws2_32's exports
 * (`WSASetLastError`, which an extension function such as `AcceptEx` sets its error with, and
 * `WPUCompleteOverlappedRequest`) and the I/O manager that completes an IFS provider's requests.
 */
export interface ProcessIoExports {
  /** `GetCurrentProcessId()` of the process (what `WSPDuplicateSocket` is asked to duplicate into). */
  readonly processId: number;
  /** `WSASetLastError` for the calling flow. */
  WSASetLastError(iError: number): void;
  /** `WSAGetLastError` of the calling flow. */
  WSAGetLastError(): number;
  /**
   * For an extension function that returns a Promise: claims the calling flow's last-error cell now
   * and returns the function that sets it when the call settles (where the caller reads it after
   * `await`).
   */
  claimLastError(): (iError: number) => void;
  /** `WPUCompleteOverlappedRequest` (ws2spi.h): a non-IFS provider completes a request on its handle. */
  WPUCompleteOverlappedRequest(
    s: SOCKET,
    lpOverlapped: WSAOVERLAPPED | null,
    dwError: number,
    cbTransferred: number,
    lpErrno: LPINT,
  ): number;
  /** The I/O manager: starts an overlapped request on an IFS socket (see `OverlappedRequest`). */
  startOverlappedRequest(
    s: SOCKET,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  ): OverlappedRequest;
}

/**
 * What a layered provider may ask of the process that started it, beyond the 15 upcalls: the
 * catalog as the process saw it at `WSAStartup` (for finding its own entries and the next layer)
 * and a synchronous loader for the next provider's `WSPStartup` — the `LoadLibrary` +
 * `GetProcAddress("WSPStartup")` an LSP does on Windows.
 */
export interface ProviderHost {
  /** The catalog as the process saw it at `WSAStartup`. */
  readonly snapshot: CatalogSnapshot;
  /** The `WSPStartup` at a catalog path, or undefined if it is neither registered nor loadable now. */
  loadProvider(path: string): LPWSPSTARTUP | undefined;
  /** The process's exports and I/O manager (absent in hosts made outside a `Ws2`). */
  readonly io?: ProcessIoExports;
}

// Keyed by the exact upcall-table object a provider received, so no process state is global:
// the entry lives exactly as long as the provider keeps that table.
const hosts = new WeakMap<WSPUPCALLTABLE, ProviderHost>();

/** Records the host behind an upcall table handed to a provider's `WSPStartup`. */
export function bindProviderHost(upcalls: WSPUPCALLTABLE, host: ProviderHost): WSPUPCALLTABLE {
  hosts.set(upcalls, host);
  return upcalls;
}

/**
 * The process behind the upcall table a provider received in `WSPStartup`. Every provider started
 * in one process epoch gets its own copy of the table but the same host object, and a layered
 * provider passes its table down to the next layer — so the host identifies the process: a
 * provider that keeps state per process keys it on the host.
 */
export function providerHost(UpcallTable: WSPUPCALLTABLE): ProviderHost | undefined {
  return hosts.get(UpcallTable);
}

// What providers report while a WSPStartup the dispatcher called is running, by the upcall table
// that startup was given (layers hand the same table down their chain).
const startupReports = new WeakMap<WSPUPCALLTABLE, string[]>();

/**
 * Tells the process that started this provider why its `WSPStartup` is failing — a broken chain,
 * a next layer that cannot be loaded. Windows has no such channel (an LSP logs, or says nothing);
 * here the reason becomes part of the `ProviderStartupError` the application's failed
 * `WSASocketW` gets as its cause. Outside a `WSPStartup` the dispatcher called, it does nothing.
 *
 * @example
 * if (!next) {
 *   reportStartupFailure(UpcallTable, `the next provider '${path}' cannot be loaded`);
 *   return WSAEPROVIDERFAILEDINIT;
 * }
 */
export function reportStartupFailure(UpcallTable: WSPUPCALLTABLE, reason: string): void {
  startupReports.get(UpcallTable)?.push(reason);
}

/**
 * Starts collecting what providers report with `reportStartupFailure` through `UpcallTable`;
 * the returned function stops and gives the reports, oldest first. The dispatcher's, around the
 * `WSPStartup` calls it makes.
 * @internal
 */
export function collectStartupReports(UpcallTable: WSPUPCALLTABLE): () => string[] {
  const reports: string[] = [];
  startupReports.set(UpcallTable, reports);
  return () => {
    startupReports.delete(UpcallTable);
    return reports;
  };
}
