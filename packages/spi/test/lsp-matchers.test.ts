/**
 * The Winsock jest matchers of `@ws2spi/spi/testing`: what passes, what fails, and that the failure
 * messages name the codes with their Windows symbols.
 */
import { beforeAll, describe, it } from '@jest/globals';
import {
  INVALID_SOCKET,
  SOCKET_ERROR,
  WSAECONNRESET,
  WSAENOPROTOOPT,
  WSAENOTCONN,
  WsaError,
} from '@ws2spi/spi';
import { describeWsaCode, registerWinsockMatchers, winsockMatchers } from '@ws2spi/spi/testing';

beforeAll(() => registerWinsockMatchers());

/** A stand-in for a Ws2 process whose last error is `code`. */
const lastError = (code: number) => ({ WSAGetLastError: () => code });

describe('toFailWith', () => {
  it('passes for SOCKET_ERROR, INVALID_SOCKET or FALSE with that last error', () => {
    expect(SOCKET_ERROR).toFailWith(lastError(WSAENOPROTOOPT), WSAENOPROTOOPT);
    expect(INVALID_SOCKET).toFailWith(lastError(WSAENOPROTOOPT), WSAENOPROTOOPT);
    expect(false).toFailWith(lastError(WSAENOPROTOOPT), WSAENOPROTOOPT);
    expect(SOCKET_ERROR).not.toFailWith(lastError(WSAENOTCONN), WSAENOPROTOOPT);
  });

  it('explains a success and a different code', () => {
    expect(() => expect(0).toFailWith(lastError(0), WSAENOPROTOOPT)).toThrow(
      'expected the call to fail with WSAENOPROTOOPT (10042), but it returned 0',
    );
    expect(() => expect(SOCKET_ERROR).toFailWith(lastError(WSAENOTCONN), WSAENOPROTOOPT)).toThrow(
      'expected the call to fail with WSAENOPROTOOPT (10042), but it failed with WSAENOTCONN (10057)',
    );
    expect(() => expect(SOCKET_ERROR).not.toFailWith(lastError(WSAENOPROTOOPT), WSAENOPROTOOPT)).toThrow(
      'expected the call not to fail with WSAENOPROTOOPT (10042), but it did',
    );
  });

  it('asks for an awaited result when given a Promise', () => {
    expect(() => expect(Promise.resolve(0)).toFailWith(lastError(0), WSAENOTCONN)).toThrow(
      'toFailWith received a Promise: await the call first',
    );
  });
});

describe('toSucceed', () => {
  it('passes for any non-failure result and names the error otherwise', () => {
    expect(0).toSucceed(lastError(0));
    expect(1234).toSucceed(lastError(0));
    expect(() => expect(SOCKET_ERROR).toSucceed(lastError(WSAENOTCONN))).toThrow(
      'expected the call to succeed, but it failed with WSAENOTCONN (10057)',
    );
  });
});

describe('toThrowWsaError', () => {
  const throwing = (code: number) => () => {
    throw new WsaError(code, 'boom');
  };

  it('passes for a function that throws a WsaError with the code', () => {
    expect(throwing(WSAENOPROTOOPT)).toThrowWsaError(WSAENOPROTOOPT);
    expect(throwing(WSAENOPROTOOPT)).not.toThrowWsaError(WSAECONNRESET);
  });

  it('awaits async functions and Promises, and works after .rejects', async () => {
    await expect(async () => Promise.reject(new WsaError(WSAECONNRESET))).toThrowWsaError(WSAECONNRESET);
    await expect(Promise.reject(new WsaError(WSAECONNRESET))).toThrowWsaError(WSAECONNRESET);
    await expect(Promise.reject(new WsaError(WSAECONNRESET))).rejects.toThrowWsaError(WSAECONNRESET);
  });

  it('explains what happened instead', async () => {
    expect(() => expect(throwing(WSAENOTCONN)).toThrowWsaError(WSAENOPROTOOPT)).toThrow(
      'expected a WsaError WSAENOPROTOOPT (10042), but got WsaError WSAENOTCONN (10057): [WSAENOTCONN] boom',
    );
    expect(() => expect(() => 1).toThrowWsaError(WSAENOPROTOOPT)).toThrow(
      'expected a WsaError WSAENOPROTOOPT (10042), but nothing was thrown',
    );
    expect(() =>
      expect(() => {
        throw new TypeError('not winsock');
      }).toThrowWsaError(WSAENOPROTOOPT),
    ).toThrow('expected a WsaError WSAENOPROTOOPT (10042), but got TypeError: not winsock');
    await expect(expect(Promise.resolve(1)).toThrowWsaError(WSAECONNRESET)).rejects.toThrow(
      'nothing was thrown',
    );
  });
});

describe('toBeWsaError', () => {
  it('checks a value', () => {
    expect(new WsaError(WSAECONNRESET)).toBeWsaError(WSAECONNRESET);
    expect(new Error('x')).not.toBeWsaError(WSAECONNRESET);
  });
});

describe('the exports', () => {
  it('names codes the Windows way, and offers the matchers for any expect.extend', () => {
    expect(describeWsaCode(WSAENOPROTOOPT)).toBe('WSAENOPROTOOPT (10042)');
    expect(Object.keys(winsockMatchers).sort()).toEqual([
      'toBeWsaError',
      'toFailWith',
      'toSucceed',
      'toThrowWsaError',
    ]);
  });
});
