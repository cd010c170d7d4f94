/**
 * `wsaErrorFromFailure` / `wsaCodeOfNetworkFailure`: the one mapping from a network's failures to
 * the `WsaError` a driver throws, shared by the TCP/IP and the OSI providers.
 */
import {
  NetworkError,
  WSAEADDRINUSE,
  WSAECONNREFUSED,
  WSAECONNRESET,
  WSAEINVAL,
  WSAENETDOWN,
  WsaError,
  wsaCodeOfNetworkFailure,
  wsaErrorFromFailure,
} from '@ws2spi/spi';

describe('wsaErrorFromFailure', () => {
  it('maps a NetworkError by its POSIX code, keeping the message and the original as cause', () => {
    const failure = new NetworkError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9');
    const error = wsaErrorFromFailure(failure);
    expect(error).toBeInstanceOf(WsaError);
    expect(error.code).toBe(WSAECONNREFUSED);
    expect(error.message).toContain('connect ECONNREFUSED 127.0.0.1:9');
    expect(error.cause).toBe(failure);
    expect(wsaErrorFromFailure(new NetworkError('EADDRINUSE')).code).toBe(WSAEADDRINUSE);
    // A send on a connection the peer reset is WSAECONNRESET on Windows, not a broken pipe.
    expect(wsaErrorFromFailure(new NetworkError('EPIPE')).code).toBe(WSAECONNRESET);
  });

  it('returns a WsaError unchanged', () => {
    const original = new WsaError(WSAEINVAL, 'already Winsock');
    expect(wsaErrorFromFailure(original)).toBe(original);
    expect(wsaCodeOfNetworkFailure(original)).toBe(WSAEINVAL);
  });

  it('makes anything the network did not classify WSAENETDOWN', () => {
    const thrown = new TypeError('socket exploded');
    const error = wsaErrorFromFailure(thrown);
    expect({ code: error.code, cause: error.cause }).toEqual({ code: WSAENETDOWN, cause: thrown });
    expect(error.message).toContain('socket exploded');
    expect(wsaErrorFromFailure('a string').code).toBe(WSAENETDOWN);
    expect(wsaCodeOfNetworkFailure(undefined)).toBe(WSAENETDOWN);
  });
});
