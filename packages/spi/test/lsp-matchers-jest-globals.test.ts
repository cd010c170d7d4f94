/**
 * The Winsock matchers through the `expect` that `@jest/globals` exports — typed by the `expect`
 * package, which `winsock-matchers.ts` extends (this file type-checks only if it does) — and the
 * same registration serving the global `expect`.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { SOCKET_ERROR, WSAECONNRESET, WSAENOPROTOOPT, WsaError } from '@ws2spi/spi';
import { registerWinsockMatchers } from '@ws2spi/spi/testing';

beforeAll(() => registerWinsockMatchers());

const lastError = (code: number) => ({ WSAGetLastError: () => code });

describe("@jest/globals' expect", () => {
  it('has every Winsock matcher, with .not, .resolves and .rejects', async () => {
    expect(SOCKET_ERROR).toFailWith(lastError(WSAENOPROTOOPT), WSAENOPROTOOPT);
    expect(0).toSucceed(lastError(0));
    expect(SOCKET_ERROR).not.toSucceed(lastError(WSAECONNRESET));
    expect(() => {
      throw new WsaError(WSAECONNRESET, 'reset');
    }).toThrowWsaError(WSAECONNRESET);
    await expect(Promise.reject(new WsaError(WSAECONNRESET, 'reset'))).rejects.toBeWsaError(WSAECONNRESET);
    await expect(Promise.resolve(0)).resolves.toSucceed(lastError(0));
    expect(new WsaError(WSAENOPROTOOPT, 'x')).not.toBeWsaError(WSAECONNRESET);
  });

  it('is the object the global expect is: one registration serves both', () => {
    const globalExpect = (globalThis as unknown as { expect: jest.Expect }).expect;
    expect(globalExpect).toBe(expect);
    globalExpect(SOCKET_ERROR).toFailWith(lastError(WSAENOPROTOOPT), WSAENOPROTOOPT);
  });

  it('fails with the Windows names in the message', () => {
    expect(() => expect(SOCKET_ERROR).toFailWith(lastError(WSAECONNRESET), WSAENOPROTOOPT)).toThrow(
      'expected the call to fail with WSAENOPROTOOPT (10042), but it failed with WSAECONNRESET (10054)',
    );
  });
});
