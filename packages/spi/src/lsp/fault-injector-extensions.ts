/**
 * Faults in the extension functions a fault-injecting layer hands out: a rule names extension
 * functions (`'AcceptEx'`, `'ConnectEx'` …) and the Winsock error they fail with — at once, after N
 * calls (counted per socket, the first socket argument), at most N times. A failed call returns
 * what the function returns on failure (FALSE or `SOCKET_ERROR`, a Promise of it for the functions
 * that can block) with the error as the application's last error; the lower function is not
 * called and nothing completes. Also here: the `refuseBaseHandle` option — `SIO_BASE_HANDLE`
 * fails with `WSAEFAULT` and `SIO_BSP_HANDLE_SELECT` answers the layer's own handle, as the
 * Komodia-based LSPs seen in the field do (libraries must fall back to `SIO_BSP_HANDLE_POLL`).
 * @module
 */

import { WSAEFAULT } from '../constants/error-codes';
import { SIO_BASE_HANDLE, SIO_BSP_HANDLE_SELECT } from '../constants/mswsock';
import { SOCKET_ERROR } from '../constants/socket-api';
import { SIZEOF_SOCKET } from '../spi/mswsock-types';
import type { LPWSPIOCTL } from '../spi/wsp-proc-table';
import type { SOCKET } from '../spi/wsp-types';
import type { AnyExtensionFunction, LayerContext } from './define-layered-provider';
import {
  EXTENSION_CALL_SHAPES,
  type ExtensionFunctionName,
  isExtensionFunctionName,
} from './extension-call-shapes';

/** One fault in the extension functions. */
export interface ExtensionFaultRule {
  /** The functions it applies to. */
  calls: ExtensionFunctionName | readonly ExtensionFunctionName[];
  /** The Winsock error they fail with. */
  error: number;
  /** Let this many matching calls through first (per socket). Default 0. */
  afterCalls?: number;
  /** Fail at most this many times in all. Default: no limit. */
  times?: number;
}

/** A fault injected into an extension function, as `FaultInjector.injected` records it. */
export interface InjectedExtensionFault {
  /** The call failed at once, without reaching the lower provider's function. */
  readonly kind: 'fail';
  /** The extension function that failed (`'AcceptEx'`, `'ConnectEx'` …). */
  readonly call: ExtensionFunctionName;
  /**
   * The call's first socket argument (`sListenSocket` for `AcceptEx`), by which calls are counted;
   * undefined for `GetAcceptExSockaddrs`, which takes none.
   */
  readonly socket: SOCKET | undefined;
  /** The Winsock error the call failed with, left as the application's last error. */
  readonly error: number;
}

/** Checks the rules when the injector is made: unknown names are a programming error. */
export function checkExtensionRules(rules: readonly ExtensionFaultRule[]): void {
  for (const rule of rules) {
    const calls = typeof rule.calls === 'string' ? [rule.calls] : rule.calls;
    for (const call of calls) {
      if (!isExtensionFunctionName(call))
        throw new TypeError(`fault rule: '${call}' is not an extension function`);
    }
  }
}

/** The `aroundExtension` of a fault injector with `rules`; what it does is appended to `injected`. */
export function extensionFaults(
  rules: readonly ExtensionFaultRule[],
  injected: InjectedExtensionFault[],
): (name: ExtensionFunctionName, next: AnyExtensionFunction, layer: LayerContext) => AnyExtensionFunction {
  const seen = new Map<ExtensionFaultRule, Map<SOCKET | 'none', number>>();
  const failed = new Map<ExtensionFaultRule, number>();
  return (name, next, layer) => {
    const shape = EXTENSION_CALL_SHAPES[name];
    return (...args: unknown[]) => {
      const socket = shape.socketArgs.length > 0 ? (args[shape.socketArgs[0]!] as SOCKET) : undefined;
      for (const rule of rules) {
        const calls = typeof rule.calls === 'string' ? [rule.calls] : rule.calls;
        if (!calls.includes(name)) continue;
        if (rule.times !== undefined && (failed.get(rule) ?? 0) >= rule.times) continue;
        const counts = seen.get(rule) ?? new Map<SOCKET | 'none', number>();
        seen.set(rule, counts);
        const key = socket ?? 'none';
        const n = counts.get(key) ?? 0;
        counts.set(key, n + 1);
        if (n < (rule.afterCalls ?? 0)) continue;
        failed.set(rule, (failed.get(rule) ?? 0) + 1);
        injected.push({ kind: 'fail', call: name, socket, error: rule.error });
        if (shape.async) {
          const setError = layer.host.io?.claimLastError();
          setError?.(rule.error);
          return Promise.resolve(shape.failure);
        }
        layer.host.io?.WSASetLastError(rule.error);
        return shape.failure;
      }
      return next(...args);
    };
  };
}

/**
 * The `WSPIoctl` of a layer that refuses `SIO_BASE_HANDLE` (`WSAEFAULT`) and answers
 * `SIO_BSP_HANDLE_SELECT` with the socket it was given; everything else goes to `next`.
 */
export function refusingBaseHandle(next: LPWSPIOCTL): LPWSPIOCTL {
  return (s, code, inBuffer, cbIn, outBuffer, cbOut, bytes, ov, routine, thread, lpErrno) => {
    const c = code >>> 0;
    if (c === SIO_BASE_HANDLE) {
      lpErrno.value = WSAEFAULT;
      return SOCKET_ERROR;
    }
    if (c === SIO_BSP_HANDLE_SELECT && outBuffer && typeof outBuffer === 'object' && cbOut >= SIZEOF_SOCKET) {
      outBuffer.value = s;
      if (bytes && typeof bytes === 'object') bytes.value = SIZEOF_SOCKET;
      return 0;
    }
    return next(s, code, inBuffer, cbIn, outBuffer, cbOut, bytes, ov, routine, thread, lpErrno);
  };
}
