import {
  WSASYSCALLFAILURE,
  type WsaErrorCode,
  wsaErrorDescription,
  wsaErrorName,
} from '../constants/error-codes';

const brand = Symbol.for('@ws2spi/WsaError');

/**
 * The one error class of the idiomatic face: a Winsock failure with its numeric `code`
 * (`WSAENOPROTOOPT` = 10042 …), its Windows `symbol`, and a message that starts with the symbol in
 * brackets — `[WSAENOPROTOOPT] …` — because developer tools often show only the message.
 *
 * `instanceof` works across copies of this package and across jest's vm realms: it checks a
 * registered-symbol brand, not the prototype chain. Prefer `isWsaError(e, code)` in tests.
 */
export class WsaError extends Error {
  /** The Winsock error code, e.g. 10042. */
  readonly code: number;
  /** The Windows name of `code`, e.g. `'WSAENOPROTOOPT'`. */
  readonly symbol: string;
  /** The message without the `[SYMBOL]` prefix. */
  readonly rawMessage: string;
  /** `'WsaError'` (`'CatalogStoreError'` … for subclasses that set their own). */
  override readonly name = 'WsaError';

  constructor(code: WsaErrorCode | number, message?: string, options?: { cause?: unknown }) {
    const symbol = wsaErrorName(code);
    const raw = message ?? wsaErrorDescription(code);
    super(`[${symbol}] ${raw}`, options);
    this.code = code;
    this.symbol = symbol;
    this.rawMessage = raw;
    Object.setPrototypeOf(this, new.target.prototype);
    Object.defineProperty(this, brand, { value: true });
  }

  /** Wraps anything thrown as a `WsaError`: a `WsaError` is returned as is, anything else becomes `code` with it as `cause`. */
  static from(reason: unknown, code: WsaErrorCode | number = WSASYSCALLFAILURE): WsaError {
    if (isWsaError(reason)) return reason;
    const message = reason instanceof Error ? reason.message : String(reason);
    return new WsaError(code, message, { cause: reason });
  }

  /** `instanceof WsaError` holds for a `WsaError` of any copy of this package (a brand, not the prototype chain). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

/** True when `e` is a `WsaError` (of any copy of this package), and, if `code` is given, has that code. */
export function isWsaError(e: unknown, code?: number): e is WsaError {
  if (typeof e !== 'object' || e === null || (e as Record<symbol, unknown>)[brand] !== true) return false;
  return code === undefined || (e as WsaError).code === code;
}
