/**
 * The calling convention of the kit's extension functions. They are called by the application
 * directly (not through the dispatcher), so they find their socket in the provider instance
 * themselves, report errors with the process's `WSASetLastError` (as mswsock's functions do), and
 * never let an exception out.
 * @module
 */

import { providerHost } from '../../dispatcher/provider-host';
import { codeOf } from '../kit-failure';
import type { ProviderInstance } from '../provider-instance';

/** The last-error face of the process an instance serves (nothing to set when driven without one). */
export interface ExtensionLastError {
  set(code: number): void;
  /** For a call that returns a Promise: the setter of the calling flow's cell, claimed now. */
  claim(): (code: number) => void;
}

/** The last error of the process `instance` serves. */
export function lastErrorOf(instance: ProviderInstance): ExtensionLastError {
  const io = providerHost(instance.upcalls)?.io;
  return {
    set: (code) => io?.WSASetLastError(code),
    claim: () => io?.claimLastError() ?? (() => {}),
  };
}

/**
 * A BOOL extension function: TRUE when `body` returns, FALSE with the error it threw as the last
 * error (`ERROR_IO_PENDING` for a request that pended).
 */
export function boolCall(instance: ProviderInstance, body: () => void): boolean {
  try {
    body();
    return true;
  } catch (e) {
    lastErrorOf(instance).set(codeOf(e));
    return false;
  }
}

/**
 * An extension function that can block (`TransmitFile`): the last-error cell is claimed when the
 * call is made, and written when it settles.
 */
export async function asyncCall<T>(
  instance: ProviderInstance,
  failure: T,
  body: () => Promise<T>,
): Promise<T> {
  const setError = lastErrorOf(instance).claim();
  try {
    return await body();
  } catch (e) {
    setError(codeOf(e));
    return failure;
  }
}
