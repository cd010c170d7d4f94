/**
 * WsaError: the one error class of the idiomatic face. Its code, Windows symbol and `[SYMBOL] …`
 * message, `cause`, `WsaError.from`, `isWsaError`, and `instanceof` across copies of the package
 * (a second class with the same registered-symbol brand) and across vm realms.
 */

import { runInNewContext } from 'node:vm';
import { describe, expect, it } from '@jest/globals';
import {
  isWsaError,
  WSAECONNRESET,
  WSAEDISCON,
  WSAENETDOWN,
  WSAENOPROTOOPT,
  WSAENOTCONN,
  WSASYSCALLFAILURE,
  WsaError,
  WsaErrorCodes,
  wsaErrorDescription,
  wsaErrorName,
} from '@ws2spi/spi';

// The brand WsaError checks; another copy of @ws2spi/spi (a second install, a bundled copy)
// registers the same symbol, which is the point of using Symbol.for.
const BRAND = Symbol.for('@ws2spi/WsaError');

/** What another copy of the package would construct: same brand, unrelated class. */
class WsaErrorFromAnotherCopy extends Error {
  readonly code: number;
  readonly symbol: string;
  constructor(code: number, message: string) {
    super(`[${wsaErrorName(code)}] ${message}`);
    this.name = 'WsaError';
    this.code = code;
    this.symbol = wsaErrorName(code);
    Object.defineProperty(this, BRAND, { value: true });
  }
}

describe('WsaError', () => {
  it('carries the code, the Windows symbol and a message prefixed with [SYMBOL]', () => {
    const e = new WsaError(WSAENOPROTOOPT);
    expect(e.code).toBe(10042);
    expect(e.symbol).toBe('WSAENOPROTOOPT');
    expect(e.name).toBe('WsaError');
    expect(e.rawMessage).toBe(wsaErrorDescription(WSAENOPROTOOPT));
    expect(e.message).toBe(`[WSAENOPROTOOPT] ${wsaErrorDescription(WSAENOPROTOOPT)}`);
    expect(e).toBeInstanceOf(Error);
    expect(e).toBeInstanceOf(WsaError);
    expect(String(e)).toBe(`WsaError: [WSAENOPROTOOPT] ${e.rawMessage}`);
    expect(e.stack).toContain('[WSAENOPROTOOPT]');
  });

  it('keeps a caller message after the prefix', () => {
    const e = new WsaError(WSAENOPROTOOPT, 'disconnect data is not supported by this protocol');
    expect(e.message).toBe('[WSAENOPROTOOPT] disconnect data is not supported by this protocol');
    expect(e.rawMessage).toBe('disconnect data is not supported by this protocol');
  });

  it.each(Object.entries(WsaErrorCodes))('prefixes the message of %s with its own name', (name, code) => {
    const e = new WsaError(code);
    expect(e.symbol).toBe(name);
    expect(e.message.startsWith(`[${name}] `)).toBe(true);
    expect(e.rawMessage.length).toBeGreaterThan(0);
  });

  it('keeps the number of a code Windows does not define, in the symbol and the message', () => {
    const e = new WsaError(12345);
    expect(e.code).toBe(12345);
    expect(e.symbol).toBe('WSA error 12345');
    expect(e.message).toBe('[WSA error 12345] WSA error 12345');
  });

  it('carries a cause', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const e = new WsaError(WSAECONNRESET, 'connection reset by peer', { cause: reset });
    expect(e.cause).toBe(reset);
    expect(new WsaError(WSAECONNRESET).cause).toBeUndefined();
  });
});

describe('WsaError.from', () => {
  it('returns a WsaError as it is', () => {
    const e = new WsaError(WSAENOTCONN);
    expect(WsaError.from(e)).toBe(e);
    expect(WsaError.from(e, WSAENETDOWN)).toBe(e);
  });

  it('wraps an Error as WSASYSCALLFAILURE by default, keeping its message and the error as cause', () => {
    const boom = new Error('provider exploded');
    const e = WsaError.from(boom);
    expect(e).toBeInstanceOf(WsaError);
    expect(e.code).toBe(WSASYSCALLFAILURE);
    expect(e.message).toBe('[WSASYSCALLFAILURE] provider exploded');
    expect(e.cause).toBe(boom);
  });

  it('wraps anything else with the code it is given, keeping the thrown value as cause', () => {
    const e = WsaError.from('network cable unplugged', WSAENETDOWN);
    expect(e.code).toBe(WSAENETDOWN);
    expect(e.message).toBe('[WSAENETDOWN] network cable unplugged');
    expect(e.cause).toBe('network cable unplugged');

    const fromUndefined = WsaError.from(undefined);
    expect(fromUndefined.code).toBe(WSASYSCALLFAILURE);
    expect(fromUndefined.cause).toBeUndefined();
    expect(fromUndefined.message).toBe('[WSASYSCALLFAILURE] undefined');
  });

  it('returns a WsaError of another copy of the package as it is, not wrapped', () => {
    const foreign = new WsaErrorFromAnotherCopy(WSAEDISCON, 'graceful close');
    expect(WsaError.from(foreign)).toBe(foreign);
  });
});

describe('isWsaError', () => {
  const e = new WsaError(WSAENOPROTOOPT);

  it('recognises a WsaError without a code, and with its own code only', () => {
    expect(isWsaError(e)).toBe(true);
    expect(isWsaError(e, WSAENOPROTOOPT)).toBe(true);
    expect(isWsaError(e, WSAENOTCONN)).toBe(false);
  });

  it('rejects everything without the brand, even when it looks like one', () => {
    const lookalike = Object.assign(new Error('[WSAENOPROTOOPT] x'), { code: 10042, name: 'WsaError' });
    for (const value of [lookalike, { code: 10042 }, new Error('x'), null, undefined, 10042, 'WsaError']) {
      expect(isWsaError(value)).toBe(false);
      expect(isWsaError(value, 10042)).toBe(false);
      expect(value instanceof WsaError).toBe(false);
    }
  });

  it('rejects an object whose brand is present but not true', () => {
    const fake = Object.defineProperty(new Error('x'), BRAND, { value: 'yes' });
    expect(isWsaError(fake)).toBe(false);
    expect(fake instanceof WsaError).toBe(false);
  });
});

describe('instanceof across copies and realms', () => {
  it('holds for an error made by another copy of the class (same Symbol.for brand)', () => {
    const foreign = new WsaErrorFromAnotherCopy(WSAEDISCON, 'graceful close');
    expect(foreign instanceof WsaError).toBe(true);
    expect(isWsaError(foreign)).toBe(true);
    expect(isWsaError(foreign, WSAEDISCON)).toBe(true);
    expect(isWsaError(foreign, WSAENOTCONN)).toBe(false);
    // And the other way round nothing is claimed: the brand is one-way proof of origin.
    expect(new WsaError(WSAEDISCON) instanceof WsaErrorFromAnotherCopy).toBe(false);
  });

  it('holds for an error created in another vm realm, where prototype chains differ', () => {
    // jest runs each test file in its own vm context; a plain prototype-chain instanceof would
    // fail here, the registered-symbol brand does not (the symbol registry spans realms).
    const foreign = runInNewContext(`
      const e = new Error('[WSAENOTCONN] not connected');
      Object.defineProperty(e, Symbol.for('@ws2spi/WsaError'), { value: true });
      e.code = 10057;
      e;
    `) as unknown;
    expect(foreign instanceof Error).toBe(false);
    expect(foreign instanceof WsaError).toBe(true);
    expect(isWsaError(foreign, WSAENOTCONN)).toBe(true);
  });
});

describe('wsaErrorName of numbers Windows does not define', () => {
  it.each([
    [0, 'NO_ERROR'],
    [1, 'WSA error 1'],
    [9999, 'WSA error 9999'],
    [10000, 'WSA error 10000'],
    [10001, 'WSA error 10001'],
    [10113, 'WSA error 10113'],
    [11032, 'WSA error 11032'],
    [-1, 'WSA error -1'],
  ])('%d → %s', (code, name) => {
    expect(wsaErrorName(code)).toBe(name);
  });

  it('still names the codes that are defined', () => {
    expect(wsaErrorName(10042)).toBe('WSAENOPROTOOPT');
    expect(wsaErrorName(997)).toBe('WSA_IO_PENDING');
  });
});
