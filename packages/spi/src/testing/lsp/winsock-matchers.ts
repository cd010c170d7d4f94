/**
 * Jest matchers for Winsock results, registered with `registerWinsockMatchers()`:
 *
 * - `expect(rc).toFailWith(ws2, WSAENOPROTOOPT)` — a C-shaped call returned its failure value
 *   (`SOCKET_ERROR`, `INVALID_SOCKET` or FALSE) and `ws2.WSAGetLastError()` is the code. Call it
 *   right after the (awaited) call, in the same async flow: the last error is per flow, as it is
 *   per thread on Windows.
 * - `expect(rc).toSucceed(ws2)` — the call did not fail; the message names the error if it did.
 * - `expect(() => socket.sendDisconnect(data)).toThrowWsaError(WSAENOPROTOOPT)` — the idiomatic
 *   face threw a `WsaError` with that code. Takes a function (sync or async), a Promise
 *   (`await expect(p).toThrowWsaError(code)`), or the rejection with `.rejects`.
 * - `expect(error).toBeWsaError(WSAECONNRESET)` — a value is a `WsaError` with that code.
 *
 * Codes are shown with their Windows names: `expected WSAENOPROTOOPT (10042), got WSAENOTCONN
 * (10057)`.
 *
 * Types, for both faces of jest's `expect`: the declarations below extend jest's global
 * `jest.Matchers` (from `@types/jest`), which types the global `expect`, and the `expect`
 * package's `Matchers` (with its asymmetric forms), which types the `expect` that
 * `@jest/globals` exports. The second needs the `expect` package where TypeScript resolves this
 * file's types from: it comes with jest, and with pnpm's strict layout add it to your own
 * `devDependencies` (an optional peer dependency of this package) — or use `skipLibCheck`.
 * At run time it is one `expect`: `registerWinsockMatchers()` extends it for both.
 * @module
 */

import { wsaErrorName } from '../../constants/error-codes';
import { INVALID_SOCKET, SOCKET_ERROR } from '../../constants/socket-api';
import { isWsaError } from '../../errors/wsa-error';

/** Anything with a per-flow last error: a `Ws2` process. */
export interface LastErrorSource {
  /** The calling flow's last error. */
  WSAGetLastError(): number;
}

/** What a custom matcher returns to jest. */
export interface WinsockMatcherResult {
  /** Whether the expectation holds. */
  pass: boolean;
  /** What jest prints when it does not (or, negated, when it does). */
  message: () => string;
}

/** The part of jest's matcher context these matchers read. */
interface MatcherContext {
  isNot?: boolean;
  promise?: string;
}

/**
 * `WSAENOPROTOOPT (10042)`.
 *
 * @example
 * describeWsaCode(10042);   // 'WSAENOPROTOOPT (10042)'
 */
export function describeWsaCode(code: number): string {
  return `${wsaErrorName(code)} (${code})`;
}

function isFailureValue(value: unknown): boolean {
  return value === SOCKET_ERROR || value === INVALID_SOCKET || value === false;
}

function describeThrown(error: unknown): string {
  if (isWsaError(error)) return `WsaError ${describeWsaCode(error.code)}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function checkThrown(error: unknown, code: number, threw: boolean): WinsockMatcherResult {
  const pass = threw && isWsaError(error, code);
  return {
    pass,
    message: () =>
      pass
        ? `expected not to throw a WsaError ${describeWsaCode(code)}, but it did`
        : threw
          ? `expected a WsaError ${describeWsaCode(code)}, but got ${describeThrown(error)}`
          : `expected a WsaError ${describeWsaCode(code)}, but nothing was thrown`,
  };
}

/**
 * The matchers, for `expect.extend`.
 *
 * @example
 * expect.extend(winsockMatchers);   // what registerWinsockMatchers() does
 */
export const winsockMatchers = {
  /**
   * The C result is a failure (`SOCKET_ERROR`, `INVALID_SOCKET`, `FALSE`) and `ws2.WSAGetLastError()` is `code`.
   */
  toFailWith(
    this: MatcherContext,
    received: unknown,
    ws2: LastErrorSource,
    code: number,
  ): WinsockMatcherResult {
    if (isThenable(received)) {
      return { pass: false, message: () => 'toFailWith received a Promise: await the call first' };
    }
    const failed = isFailureValue(received);
    const actual = ws2.WSAGetLastError();
    const pass = failed && actual === code;
    return {
      pass,
      message: () => {
        if (pass) return `expected the call not to fail with ${describeWsaCode(code)}, but it did`;
        if (!failed)
          return `expected the call to fail with ${describeWsaCode(code)}, but it returned ${String(received)}`;
        return `expected the call to fail with ${describeWsaCode(code)}, but it failed with ${describeWsaCode(actual)}`;
      },
    };
  },

  /** The C result is not a failure; otherwise the message names `ws2.WSAGetLastError()`. */
  toSucceed(this: MatcherContext, received: unknown, ws2: LastErrorSource): WinsockMatcherResult {
    if (isThenable(received)) {
      return { pass: false, message: () => 'toSucceed received a Promise: await the call first' };
    }
    const pass = !isFailureValue(received);
    return {
      pass,
      message: () =>
        pass
          ? `expected the call to fail, but it returned ${String(received)}`
          : `expected the call to succeed, but it failed with ${describeWsaCode(ws2.WSAGetLastError())}`,
    };
  },

  /** A function throws, or a promise rejects with, a `WsaError` of `code`. */
  toThrowWsaError(
    this: MatcherContext,
    received: unknown,
    code: number,
  ): WinsockMatcherResult | Promise<WinsockMatcherResult> {
    // With `.rejects`, jest hands over the rejection itself.
    if (this.promise === 'rejects') return checkThrown(received, code, true);
    if (isThenable(received)) {
      return Promise.resolve(received).then(
        () => checkThrown(undefined, code, false),
        (error: unknown) => checkThrown(error, code, true),
      );
    }
    if (typeof received !== 'function') {
      return { pass: false, message: () => 'toThrowWsaError expects a function or a Promise' };
    }
    let result: unknown;
    try {
      result = (received as () => unknown)();
    } catch (error) {
      return checkThrown(error, code, true);
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        () => checkThrown(undefined, code, false),
        (error: unknown) => checkThrown(error, code, true),
      );
    }
    return checkThrown(undefined, code, false);
  },

  /** The value is a `WsaError` of `code`. */
  toBeWsaError(this: MatcherContext, received: unknown, code: number): WinsockMatcherResult {
    return checkThrown(received, code, true);
  },
};

/**
 * Registers the Winsock matchers with jest's `expect` (or the `expect` given). Call it once per
 * test file, at the top level or in a `beforeAll`; then the global `expect` and the one from
 * `@jest/globals` have them (they are one object).
 *
 * @example
 * import { beforeAll, expect, it } from '@jest/globals';
 * beforeAll(() => registerWinsockMatchers());
 * it('refuses disconnect data on TCP', () => {
 *   expect(ws2.WSASendDisconnect(s, wsabuf(Uint8Array.of(1)))).toFailWith(ws2, WSAENOPROTOOPT);
 * });
 */
export function registerWinsockMatchers(expect?: { extend(matchers: Record<string, unknown>): void }): void {
  // Loaded here, not at import time: @jest/globals throws outside a jest run.
  const target = expect ?? (require('@jest/globals') as typeof import('@jest/globals')).expect;
  target.extend(winsockMatchers as unknown as Record<string, never>);
}

declare module 'expect' {
  interface Matchers<R extends void | Promise<void>, T = unknown> {
    /** The C-shaped call failed (`SOCKET_ERROR` / `INVALID_SOCKET` / FALSE) and `ws2.WSAGetLastError()` is `code`. */
    toFailWith(ws2: LastErrorSource, code: number): R;
    /** The C-shaped call did not fail. */
    toSucceed(ws2: LastErrorSource): R;
    /** The function (or Promise) threw (rejected with) a `WsaError` with `code`. */
    toThrowWsaError(code: number): R;
    /** The value is a `WsaError` with `code`. */
    toBeWsaError(code: number): R;
  }
}

declare global {
  namespace jest {
    interface Matchers<R, T = {}> {
      /** The C-shaped call failed (`SOCKET_ERROR` / `INVALID_SOCKET` / FALSE) and `ws2.WSAGetLastError()` is `code`. */
      toFailWith(ws2: LastErrorSource, code: number): R;
      /** The C-shaped call did not fail. */
      toSucceed(ws2: LastErrorSource): R;
      /** The function (or Promise) threw (rejected with) a `WsaError` with `code`. */
      toThrowWsaError(code: number): R;
      /** The value is a `WsaError` with `code`. */
      toBeWsaError(code: number): R;
    }
  }
}
