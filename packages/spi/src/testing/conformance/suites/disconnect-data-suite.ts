/**
 * Disconnect data (`XP1_DISCONNECT_DATA`): `WSASendDisconnect` carries data to the peer after
 * everything sent before it; the peer sees FD_CLOSE and the end of data first, then
 * `WSARecvDisconnect` returns the data (`WSAEFAULT`, data kept, when the buffer is too small).
 * Without the flag: `WSAENOPROTOOPT`, and nothing is sent or shut (Microsoft Learn:
 * "WSASendDisconnect function (winsock2.h)").
 * @module
 */

import { WSAEFAULT, WSAENOPROTOOPT, WSAESHUTDOWN } from '../../../constants/error-codes';
import { FD_CLOSE, FD_READ } from '../../../constants/network-events';
import { SD_SEND } from '../../../constants/socket-api';
import { type WSABUF, wsabuf } from '../../../types/wsabuf';
import { firstDifference, text, utf8 } from '../byte-patterns';
import { failsWith, succeeds } from '../conformance-harness';
import { allOf } from '../provider-capabilities';
import { endOfData, outcomeOf, type SuiteTools } from '../suite-tools';

/** 16 octets: within every protocol's disconnect-data limit (DECnet 16, ISO transport 64). */
const DISCONNECT_DATA = utf8('so long, thanks!');

/** Declares the disconnect-data tests. */
export function disconnectDataSuite({ jest, expect, caps, test, h }: SuiteTools): void {
  const carries = allOf(caps.connectionOriented, caps.requires('XP1_DISCONNECT_DATA'));
  const refuses = allOf(caps.connectionOriented, caps.refuses('XP1_DISCONNECT_DATA'));

  jest.describe('disconnect data', () => {
    test(
      carries,
      "WSASendDisconnect's data reaches the peer after the data sent before it: FD_CLOSE(0), the end, then WSARecvDisconnect returns it",
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const watch = h().watch(server, pair.server, FD_READ | FD_CLOSE);
        await h().sendMessages(client, pair.client, [utf8('one'), utf8('two'), utf8('three')]);
        expect(
          h().result(client, client.WSASendDisconnect(pair.client, wsabuf(DISCONNECT_DATA.slice()))),
        ).toEqual(succeeds(0));
        await watch.until(FD_CLOSE);
        expect(watch.log.filter((e) => e.startsWith('FD_CLOSE'))).toEqual(['FD_CLOSE:NO_ERROR']);
        const received: string[] = [];
        for (;;) {
          const r = await h().recvWhenReady(server, pair.server, 64);
          if (r.rc <= 0) {
            expect(outcomeOf(r)).toEqual(endOfData(caps));
            break;
          }
          received.push(text(r.data));
        }
        expect(caps.messageOriented ? received : [received.join('')]).toEqual(
          caps.messageOriented ? ['one', 'two', 'three'] : ['onetwothree'],
        );
        const inbound: WSABUF = wsabuf(64);
        expect(h().result(server, server.WSARecvDisconnect(pair.server, inbound))).toEqual(succeeds(0));
        expect(inbound.len).toBe(DISCONNECT_DATA.byteLength);
        expect(firstDifference(inbound.buf.subarray(0, inbound.len), DISCONNECT_DATA)).toBeNull();
        // WSARecvDisconnect is shutdown(SD_RECEIVE) plus the data; WSASendDisconnect shut the client's sending.
        expect(outcomeOf(await h().recv(server, pair.server))).toEqual(failsWith(WSAESHUTDOWN));
        const probe = utf8('x');
        expect(h().result(client, await client.send(pair.client, probe, 1, 0))).toEqual(
          failsWith(WSAESHUTDOWN),
        );
        if (caps.halfClose.runs) {
          // The other direction is still open.
          await h().sendMessages(server, pair.server, [utf8('reply')]);
          const reply = await h().recvWhenReady(client, pair.client);
          expect(text(reply.data)).toBe('reply');
        }
      },
    );

    test(
      carries,
      'a WSARecvDisconnect buffer too small for the disconnect data fails WSAEFAULT and keeps the data for a retry',
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const watch = h().watch(server, pair.server, FD_CLOSE);
        expect(
          h().result(client, client.WSASendDisconnect(pair.client, wsabuf(DISCONNECT_DATA.slice()))),
        ).toEqual(succeeds(0));
        await watch.until(FD_CLOSE);
        const small = { len: 4, buf: new Uint8Array(4) };
        expect(h().result(server, server.WSARecvDisconnect(pair.server, small))).toEqual(
          failsWith(WSAEFAULT),
        );
        // A failed call changes nothing: receiving is not shut, the end of data still reads as such.
        expect(outcomeOf(await h().recvWhenReady(server, pair.server))).toEqual(endOfData(caps));
        const retry = wsabuf(64);
        expect(h().result(server, server.WSARecvDisconnect(pair.server, retry))).toEqual(succeeds(0));
        expect(firstDifference(retry.buf.subarray(0, retry.len), DISCONNECT_DATA)).toBeNull();
      },
    );

    test(
      refuses,
      'WSASendDisconnect with data fails WSAENOPROTOOPT: nothing is sent or shut, and WSASendDisconnect(NULL) still closes gracefully',
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const watch = h().watch(server, pair.server, FD_READ | FD_CLOSE);
        expect(
          h().result(client, client.WSASendDisconnect(pair.client, wsabuf(DISCONNECT_DATA.slice()))),
        ).toEqual(failsWith(WSAENOPROTOOPT));
        // Still open client → server: the data arrives and no FD_CLOSE came before it.
        await h().sendMessages(client, pair.client, [utf8('still open')]);
        await watch.until(FD_READ);
        expect(watch.log).toEqual(['FD_READ:NO_ERROR']);
        expect(text((await h().recvWhenReady(server, pair.server)).data)).toBe('still open');
        // Still open server → client.
        await h().sendMessages(server, pair.server, [utf8('reply')]);
        expect(text((await h().recvWhenReady(client, pair.client)).data)).toBe('reply');
        // Without data it is shutdown(SD_SEND).
        expect(h().result(client, client.WSASendDisconnect(pair.client, null))).toEqual(succeeds(0));
        await watch.until(FD_CLOSE);
        expect(watch.log).toEqual(['FD_READ:NO_ERROR', 'FD_CLOSE:NO_ERROR']);
        expect(outcomeOf(await h().recvWhenReady(server, pair.server))).toEqual(endOfData(caps));
      },
    );

    test(
      refuses,
      'WSARecvDisconnect with a buffer reports no disconnect data (len 0) and shuts receiving, or refuses with WSAENOPROTOOPT and shuts nothing',
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const watch = h().watch(client, pair.client, FD_CLOSE);
        expect(h().result(server, server.shutdown(pair.server, SD_SEND))).toEqual(succeeds(0));
        await watch.until(FD_CLOSE);
        const inbound = wsabuf(64);
        const outcome = h().result(client, client.WSARecvDisconnect(pair.client, inbound));
        const after = outcomeOf(await h().recv(client, pair.client));
        // MSDN allows either answer for a protocol without disconnect data; each must be coherent.
        expect([
          { outcome: succeeds(0), len: 0, recvAfter: failsWith(WSAESHUTDOWN) },
          { outcome: failsWith(WSAENOPROTOOPT), len: 64, recvAfter: endOfData(caps) },
        ]).toContainEqual({ outcome, len: inbound.len, recvAfter: after });
      },
    );
  });
}
