import {
  WSASYSCALLFAILURE,
  type WsaErrorCode,
  wsaErrorDescription,
  wsaErrorName,
} from '../constants/error-codes';

const brand = Symbol.for('@ws2spi/WsaError');

/**
 * Where a Winsock call failed, as Node's `net` errors say it (`syscall`, `address`, `port`): the
 * call, the socket, its addresses, and the cause. Every member is optional; a `WsaError` built
 * with a `call` and no message writes its message from them.
 */
export interface WsaErrorOptions {
  /**
   * What made the call fail underneath, when something did: the provider module's load error
   * (`ProviderLoadError`), why a layered chain could not start (`ProviderStartupError`), a Node
   * error.
   */
  cause?: unknown;
  /** The Winsock function that failed, as the application called it: `'connect'`, `'WSASendDisconnect'`. */
  call?: string;
  /** The socket handle the call was made on. */
  socket?: number;
  /** The socket's local address as text (`127.0.0.1:49152`, `[::1]:80`), or the one `bind` was asked for. */
  localAddress?: string;
  /** The peer's address as text, or the one the call was addressed to (`connect`, `sendto`). */
  remoteAddress?: string;
}

/**
 * The message of a failed call, in Node's `net` form after the `[SYMBOL]` prefix: the call, then
 * the address it concerned — the remote one when there is one, with the local one after it —
 * or, for a socket without addresses, its handle.
 *
 * @example
 * describeFailedCall({ call: 'connect', remoteAddress: '127.0.0.1:8080' });   // 'connect 127.0.0.1:8080'
 * describeFailedCall({ call: 'recv', socket: 7, remoteAddress: '10.0.0.2:80', localAddress: '10.0.0.1:49152' });
 * // 'recv 10.0.0.2:80 - Local (10.0.0.1:49152)'
 * describeFailedCall({ call: 'listen', socket: 7 });   // 'listen on socket 7'
 */
export function describeFailedCall(context: WsaErrorOptions): string {
  const call = context.call ?? 'a Winsock call';
  const { localAddress: local, remoteAddress: remote } = context;
  if (remote !== undefined)
    return local !== undefined ? `${call} ${remote} - Local (${local})` : `${call} ${remote}`;
  if (local !== undefined) return `${call} ${local}`;
  return context.socket !== undefined ? `${call} on socket ${context.socket}` : call;
}

/**
 * The one error class of the idiomatic face: a Winsock failure with its numeric `code`
 * (`WSAENOPROTOOPT` = 10042 …), its Windows `symbol`, and a message that starts with the symbol in
 * brackets — `[WSAENOPROTOOPT] …` — because developer tools often show only the message.
 *
 * Like Node's `net` errors, an error of a socket call says where it happened: the `call`, the
 * `socket`, its `localAddress` and `remoteAddress` (`[WSAECONNREFUSED] connect 127.0.0.1:8080`),
 * and a `cause` when something underneath explains it — for `WSAEPROVIDERFAILEDINIT`, why the
 * provider module could not be loaded or why its layered chain could not start.
 *
 * `instanceof` works across copies of this package and across jest's vm realms: it checks a
 * registered-symbol brand, not the prototype chain. Prefer `isWsaError(e, code)` in tests.
 *
 * @example
 * try {
 *   await socket.connect(sockaddrIn('127.0.0.1', 8080));
 * } catch (error) {
 *   if (isWsaError(error, WSAECONNREFUSED)) console.log(error.message);   // [WSAECONNREFUSED] connect 127.0.0.1:8080
 * }
 */
export class WsaError extends Error {
  /** The Winsock error code, e.g. 10042. */
  readonly code: number;
  /** The Windows name of `code`, e.g. `'WSAENOPROTOOPT'`. */
  readonly symbol: string;
  /** The message without the `[SYMBOL]` prefix. */
  readonly rawMessage: string;
  /** The Winsock function that failed (`'connect'`, `'WSASendDisconnect'`), when known. */
  readonly call: string | undefined;
  /** The socket handle the call was made on, when there was one. */
  readonly socket: number | undefined;
  /** The socket's local address as text (`127.0.0.1:49152`), when it had one. */
  readonly localAddress: string | undefined;
  /** The peer's address as text, or the one the call was addressed to, when there was one. */
  readonly remoteAddress: string | undefined;
  /** `'WsaError'` (`'CatalogStoreError'` … for subclasses that set their own). */
  override readonly name = 'WsaError';

  /**
   * @param code the Winsock error code.
   * @param message what happened; without one, the message is written from `options.call` and
   *   the addresses (`connect 127.0.0.1:8080`), or is the code's description.
   * @param options where the call failed, and its cause.
   */
  constructor(code: WsaErrorCode | number, message?: string, options?: WsaErrorOptions) {
    const symbol = wsaErrorName(code);
    const raw =
      message ?? (options?.call !== undefined ? describeFailedCall(options) : wsaErrorDescription(code));
    super(`[${symbol}] ${raw}`, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.code = code;
    this.symbol = symbol;
    this.rawMessage = raw;
    this.call = options?.call;
    this.socket = options?.socket;
    this.localAddress = options?.localAddress;
    this.remoteAddress = options?.remoteAddress;
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
