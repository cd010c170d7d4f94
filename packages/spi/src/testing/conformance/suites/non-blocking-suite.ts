/**
 * Non-blocking sockets (`FIONBIO`, or `WSAEventSelect`): `WSAEWOULDBLOCK` for a receive or accept
 * with nothing there; a non-blocking connect reported by `FD_CONNECT`, with `WSAEALREADY` while it
 * is pending and `WSAEISCONN` after; a failed one in `FD_CONNECT`, `SO_ERROR` and select's except
 * set; `FD_WRITE` again after a send that would have blocked.
 * @module
 */

import {
  WSAEALREADY,
  WSAECONNREFUSED,
  WSAEISCONN,
  WSAEWOULDBLOCK,
  wsaErrorName,
} from '../../../constants/error-codes';
import { FD_CONNECT, FD_WRITE } from '../../../constants/network-events';
import { FIONBIO, INVALID_SOCKET } from '../../../constants/socket-api';
import { SO_ERROR } from '../../../constants/socket-options';
import { out } from '../../../types/out-cell';
import { withinTimeout } from '../bounded-wait';
import { bytePattern } from '../byte-patterns';
import { failsWith, SOCKADDR_STORAGE_SIZE } from '../conformance-harness';
import { outcomeOf, type SuiteTools } from '../suite-tools';

/** The most a test sends while looking for back-pressure before it gives up. */
const BACK_PRESSURE_LIMIT = 64 * 1024 * 1024;

/** Declares the non-blocking tests. */
export function nonBlockingSuite({ jest, expect, caps, test, h }: SuiteTools): void {
  jest.describe('non-blocking sockets', () => {
    test(
      caps.connectionOriented,
      'recv with nothing queued and accept with nothing pending give WSAEWOULDBLOCK',
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        expect(client.ioctlsocket(pair.client, FIONBIO, out(1))).toBe(0);
        expect(outcomeOf(await h().recv(client, pair.client))).toEqual(failsWith(WSAEWOULDBLOCK));
        expect(server.ioctlsocket(pair.listener, FIONBIO, out(1))).toBe(0);
        const accepted = await h().acceptOne(pair.listener);
        expect(accepted.outcome).toEqual({ rc: INVALID_SOCKET, error: wsaErrorName(WSAEWOULDBLOCK) });
      },
    );

    test(
      caps.connectionOriented,
      'non-blocking connect: WSAEWOULDBLOCK, WSAEALREADY while pending, FD_CONNECT and FD_WRITE with no error, then WSAEISCONN',
      async () => {
        const { client } = h();
        const { listener, target } = await h().listener();
        const s = await h().open(client);
        const watch = h().watch(client, s, FD_CONNECT | FD_WRITE);
        const connect = () =>
          h().settled(client, client.connect(s, target, SOCKADDR_STORAGE_SIZE), 'connect');
        expect(await connect()).toEqual(failsWith(WSAEWOULDBLOCK));
        expect(await connect()).toEqual(failsWith(WSAEALREADY));
        // A provider with connect data completes the connection in WSPAccept.
        const accepting = h().acceptOne(listener);
        await watch.until(FD_CONNECT | FD_WRITE);
        expect(watch.log).toEqual(['FD_CONNECT:NO_ERROR', 'FD_WRITE:NO_ERROR']);
        expect((await accepting).outcome.error).toBe('NO_ERROR');
        expect(await connect()).toEqual(failsWith(WSAEISCONN));
      },
    );

    test(
      caps.connectionOriented,
      'a refused non-blocking connect is reported in FD_CONNECT, in select’s except set and in SO_ERROR (cleared once read)',
      async () => {
        const { client, server } = h();
        const { listener, target } = await h().listener();
        expect(server.closesocket(listener)).toBe(0);
        const s = await h().open(client);
        const watch = h().watch(client, s, FD_CONNECT);
        expect(
          await h().settled(client, client.connect(s, target, SOCKADDR_STORAGE_SIZE), 'connect'),
        ).toEqual(failsWith(WSAEWOULDBLOCK));
        await watch.until(FD_CONNECT);
        expect(watch.log).toEqual(['FD_CONNECT:WSAECONNREFUSED']);
        const except = { fd_array: [s] };
        const ready = await withinTimeout(
          client.select(0, null, null, except, { tv_sec: 0, tv_usec: 0 }),
          h().timeoutMs,
          'select',
        );
        expect({ ready, except: except.fd_array }).toEqual({ ready: 1, except: [s] });
        expect(Number(h().option(client, s, SO_ERROR))).toBe(WSAECONNREFUSED);
        expect(Number(h().option(client, s, SO_ERROR))).toBe(0);
      },
    );

    test(
      caps.connectionOriented,
      'a send that would block gives WSAEWOULDBLOCK, and FD_WRITE is signalled again once the peer has read',
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const watch = h().watch(client, pair.client, FD_WRITE);
        await watch.until(FD_WRITE);
        const chunkSize = caps.messageOriented
          ? Math.min(65536, h().maxMessageSize(client, pair.client))
          : 65536;
        const chunk = bytePattern(chunkSize, 5);
        let sent = 0;
        let blocked = false;
        while (!blocked && sent < BACK_PRESSURE_LIMIT) {
          const r = await h().settled(client, client.send(pair.client, chunk, chunk.byteLength, 0), 'send');
          if (r.error === wsaErrorName(WSAEWOULDBLOCK)) blocked = true;
          else if (r.rc === chunk.byteLength) sent += r.rc;
          else throw new Error(`send gave ${r.rc} (${r.error}) after ${sent} bytes`);
        }
        expect({ blocked, within: sent < BACK_PRESSURE_LIMIT }).toEqual({ blocked: true, within: true });
        if (caps.messageOriented)
          await h().recvMessages(server, pair.server, sent / chunkSize, chunkSize + 1);
        else await h().recvExactly(server, pair.server, sent);
        // FD_WRITE was recorded at connect; the blocked send re-enabled it, the drain records it again.
        await watch.untilAgain(FD_WRITE);
        expect(watch.log).toEqual(['FD_WRITE:NO_ERROR', 'FD_WRITE:NO_ERROR']);
      },
    );
  });
}
