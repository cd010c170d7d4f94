/**
 * The order Windows checks a call in, on real sockets of the provider: `WSAENOTSOCK` before any
 * argument error, argument errors (`WSAEFAULT` for a malformed buffer, `WSAEINVAL` for a bad `how`)
 * before state errors (`WSAENOTCONN`). `WSANOTINITIALISED`, the first step, is covered by the
 * lifetime tests (it needs the process cleaned up).
 * @module
 */

import { WSAEFAULT, WSAEINVAL, WSAENOTCONN, WSAENOTSOCK } from '../../../constants/error-codes';
import { FIONREAD, SD_BOTH, SD_RECEIVE, SD_SEND } from '../../../constants/socket-api';
import type { Ws2 } from '../../../dispatcher/ws2';
import type { SOCKET } from '../../../spi/wsp-types';
import { out } from '../../../types/out-cell';
import type { SOCKADDR } from '../../../types/sockaddr';
import type { WSABUF } from '../../../types/wsabuf';
import type { CallOutcome } from '../conformance-harness';
import { failsWith, SOCKADDR_STORAGE_SIZE } from '../conformance-harness';
import type { SuiteTools } from '../suite-tools';

/** A `WSABUF` whose `len` claims more than its buffer holds: C's bad pointer. */
function malformedBuffer(): WSABUF {
  return { len: 99, buf: new Uint8Array(1) };
}

/** `how` values Windows rejects with `WSAEINVAL` (Wine checks `how` before the connection state). */
const BAD_HOW = [0xdeadbeef, 3, -1];

/** Declares the check-order tests. */
export function checkOrderSuite({ jest, expect, caps, test, h }: SuiteTools): void {
  jest.describe('order of checks: WSAENOTSOCK → argument errors → state errors', () => {
    test(
      { runs: true },
      'a closed handle gives WSAENOTSOCK before a malformed buffer or a bad how',
      async () => {
        const { client } = h();
        const s = await h().open(client);
        expect(client.closesocket(s)).toBe(0);
        const outcomes = await everyCall(h().result.bind(h()), client, s, malformedBuffer(), 0xdeadbeef);
        expect(outcomes).toEqual(
          Object.fromEntries(Object.keys(outcomes).map((k) => [k, failsWith(WSAENOTSOCK)])),
        );
      },
    );

    test(
      { runs: true },
      'a malformed buffer gives WSAEFAULT and a bad how WSAEINVAL, before any state error',
      async () => {
        const { client } = h();
        const s = await h().open(client);
        const r = (rc: number): CallOutcome => h().result(client, rc);
        expect({
          WSASendDisconnect: r(client.WSASendDisconnect(s, malformedBuffer())),
          WSARecvDisconnect: r(client.WSARecvDisconnect(s, malformedBuffer())),
          WSASend: r(await client.WSASend(s, [malformedBuffer()], 1, out(0), 0, null, null)),
          WSARecv: r(await client.WSARecv(s, [malformedBuffer()], 1, out(0), out(0), null, null)),
        }).toEqual({
          WSASendDisconnect: failsWith(WSAEFAULT),
          WSARecvDisconnect: failsWith(WSAEFAULT),
          WSASend: failsWith(WSAEFAULT),
          WSARecv: failsWith(WSAEFAULT),
        });
        expect(BAD_HOW.map((how) => r(client.shutdown(s, how)))).toEqual(
          BAD_HOW.map(() => failsWith(WSAEINVAL)),
        );
      },
    );

    test(
      caps.connectionOriented,
      'a socket that is not connected gives WSAENOTCONN (new and listening sockets)',
      async () => {
        const { client, server } = h();
        const fresh = await h().open(client);
        const { listener } = await h().listener();
        for (const [ws2, s] of [
          [client, fresh],
          [server, listener],
        ] as const) {
          const r = (rc: number): CallOutcome => h().result(ws2, rc);
          const buf = new Uint8Array(4);
          expect({
            shutdown: [SD_RECEIVE, SD_SEND, SD_BOTH].map((how) => r(ws2.shutdown(s, how))),
            WSASendDisconnect: r(ws2.WSASendDisconnect(s, null)),
            WSARecvDisconnect: r(ws2.WSARecvDisconnect(s, null)),
            send: r(await ws2.send(s, buf, 4, 0)),
            recv: r(await ws2.recv(s, buf, 4, 0)),
            getpeername: r(ws2.getpeername(s, out<SOCKADDR | null>(null), out(SOCKADDR_STORAGE_SIZE))),
          }).toEqual({
            shutdown: [failsWith(WSAENOTCONN), failsWith(WSAENOTCONN), failsWith(WSAENOTCONN)],
            WSASendDisconnect: failsWith(WSAENOTCONN),
            WSARecvDisconnect: failsWith(WSAENOTCONN),
            send: failsWith(WSAENOTCONN),
            recv: failsWith(WSAENOTCONN),
            getpeername: failsWith(WSAENOTCONN),
          });
        }
      },
    );

    test({ runs: true }, 'getsockname on a socket that is not bound gives WSAEINVAL', async () => {
      const { client } = h();
      const s = await h().open(client);
      const rc = client.getsockname(s, out<SOCKADDR | null>(null), out(SOCKADDR_STORAGE_SIZE));
      expect(h().result(client, rc)).toEqual(failsWith(WSAEINVAL));
    });
  });
}

/** Every per-socket call with the given (bad) arguments, by name. */
async function everyCall(
  result: (ws2: Ws2, rc: number) => CallOutcome,
  ws2: Ws2,
  s: SOCKET,
  badBuffer: WSABUF,
  badHow: number,
): Promise<Record<string, CallOutcome>> {
  const r = (rc: number): CallOutcome => result(ws2, rc);
  const buf = new Uint8Array(4);
  return {
    shutdown: r(ws2.shutdown(s, badHow)),
    WSASendDisconnect: r(ws2.WSASendDisconnect(s, badBuffer)),
    WSARecvDisconnect: r(ws2.WSARecvDisconnect(s, badBuffer)),
    send: r(await ws2.send(s, buf, 4, 0)),
    recv: r(await ws2.recv(s, buf, 4, 0)),
    // ws2_32 looks the socket up before anything reads the buffers (ReactOS send.c, recv.c,
    // select.c, ioctl): a bad buffer or pointer on a bad handle is WSAENOTSOCK.
    sendBadLength: r(await ws2.send(s, buf, 99, 0)),
    recvBadLength: r(await ws2.recv(s, buf, 99, 0)),
    WSASend: r(await ws2.WSASend(s, [badBuffer], 1, out(0), 0, null, null)),
    WSARecv: r(await ws2.WSARecv(s, [badBuffer], 1, out(0), out(0), null, null)),
    ioctlsocketNullArgp: r(ws2.ioctlsocket(s, FIONREAD, null)),
    WSAEnumNetworkEventsNullRecord: r(ws2.WSAEnumNetworkEvents(s, null, null)),
    getsockname: r(ws2.getsockname(s, out<SOCKADDR | null>(null), out(SOCKADDR_STORAGE_SIZE))),
    getpeername: r(ws2.getpeername(s, out<SOCKADDR | null>(null), out(SOCKADDR_STORAGE_SIZE))),
    closesocket: r(ws2.closesocket(s)),
  };
}
