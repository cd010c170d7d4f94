/**
 * Graceful and abortive close as the peer sees them, compared as whole `WSAEnumNetworkEvents`
 * sequences: a graceful close is data, then the end and FD_CLOSE with no error; an abortive close
 * (`SO_LINGER {1, 0}`) is `WSAECONNRESET` on recv and send and FD_CLOSE with `WSAECONNABORTED`,
 * with `SO_ERROR` still 0; a send after the peer closed succeeds once and the reset it provokes
 * reads as `WSAECONNABORTED` (Windows' behaviour, as Wine's ws2_32 socket tests pin it).
 *
 * FD_CLOSE's error is 0 for a graceful close on message-oriented protocols too: `WSAEDISCON` is what
 * their `recv` reports (MSDN recv), not an `FD_CLOSE` code (MSDN WSAEventSelect lists only resets).
 * @module
 */

import { WSAECONNABORTED, WSAECONNRESET, WSAENOTSOCK } from '../../../constants/error-codes';
import { FD_CLOSE, FD_READ, FD_WRITE } from '../../../constants/network-events';
import { SO_ERROR, SO_LINGER, SOL_SOCKET } from '../../../constants/socket-options';
import { letDeliveriesHappen } from '../bounded-wait';
import { text, utf8 } from '../byte-patterns';
import { failsWith, succeeds } from '../conformance-harness';
import { allOf } from '../provider-capabilities';
import { endOfData, isRefusedAfterPeerClose, outcomeOf, type SuiteTools } from '../suite-tools';

/** Declares the close tests. */
export function closeSuite({ jest, expect, caps, test, h }: SuiteTools): void {
  jest.describe('graceful and abortive close', () => {
    test(
      allOf(caps.connectionOriented, caps.requires('XP1_GRACEFUL_CLOSE')),
      `graceful closesocket: the peer's events are FD_WRITE, FD_READ, FD_CLOSE(0); it reads the data, then ${caps.messageOriented ? 'WSAEDISCON' : '0'}`,
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const watch = h().watch(server, pair.server, FD_READ | FD_WRITE | FD_CLOSE);
        await watch.until(FD_WRITE);
        await h().sendMessages(client, pair.client, [utf8('bye')]);
        expect(client.closesocket(pair.client)).toBe(0);
        await watch.until(FD_READ | FD_CLOSE);
        expect(watch.log).toEqual(['FD_WRITE:NO_ERROR', 'FD_READ:NO_ERROR', 'FD_CLOSE:NO_ERROR']);
        const r = await h().recv(server, pair.server, 64);
        expect({ ...outcomeOf(r), data: text(r.data) }).toEqual({ ...succeeds(3), data: 'bye' });
        expect(outcomeOf(await h().recv(server, pair.server, 64))).toEqual(endOfData(caps));
        expect(outcomeOf(await h().recv(server, pair.server, 64))).toEqual(endOfData(caps));
        watch.poll();
        // FD_CLOSE is recorded once; reading to the end records nothing more.
        expect(watch.log).toEqual(['FD_WRITE:NO_ERROR', 'FD_READ:NO_ERROR', 'FD_CLOSE:NO_ERROR']);
      },
    );

    test(
      caps.closeEndsBothDirections,
      `after the peer's graceful close, a send fails${caps.messageOriented ? ' WSAEDISCON' : ''} and recv still reports the end`,
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const watch = h().watch(client, pair.client, FD_CLOSE);
        expect(server.closesocket(pair.server)).toBe(0);
        await watch.until(FD_CLOSE);
        const late = utf8('too late');
        const r = h().result(client, await client.send(pair.client, late, late.byteLength, 0));
        expect({ refused: isRefusedAfterPeerClose(caps, r), ...r }).toEqual({ refused: true, ...r });
        expect(outcomeOf(await h().recv(client, pair.client))).toEqual(endOfData(caps));
      },
    );

    test(
      caps.resetAfterPeerClose,
      'a send to a peer that has closed succeeds once; the reset it provokes makes the next recv fail WSAECONNABORTED',
      async () => {
        const { client, server, env } = h();
        const pair = await h().connectedPair();
        const watch = h().watch(client, pair.client, FD_CLOSE);
        expect(server.closesocket(pair.server)).toBe(0);
        await watch.until(FD_CLOSE);
        expect(outcomeOf(await h().recv(client, pair.client))).toEqual(endOfData(caps));
        const late = utf8('too late');
        expect(h().result(client, await client.send(pair.client, late, late.byteLength, 0))).toEqual(
          succeeds(late.byteLength),
        );
        // Until the peer's reset arrives, recv keeps reporting the end; the first other answer counts.
        const deadline = Date.now() + h().timeoutMs;
        let after = outcomeOf(await h().recv(client, pair.client));
        while (JSON.stringify(after) === JSON.stringify(endOfData(caps)) && Date.now() < deadline) {
          await letDeliveriesHappen(env.settle, 1);
          after = outcomeOf(await h().recv(client, pair.client));
        }
        expect(after).toEqual(failsWith(WSAECONNABORTED));
      },
    );

    test(
      caps.connectionOriented,
      "abortive closesocket (SO_LINGER {1, 0}): the peer's events are FD_WRITE, FD_CLOSE(WSAECONNABORTED); recv and send give WSAECONNRESET; SO_ERROR stays 0",
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const watch = h().watch(server, pair.server, FD_READ | FD_WRITE | FD_CLOSE);
        await watch.until(FD_WRITE);
        const linger = { l_onoff: 1, l_linger: 0 };
        expect(h().result(client, client.setsockopt(pair.client, SOL_SOCKET, SO_LINGER, linger, 4))).toEqual(
          succeeds(0),
        );
        expect(client.closesocket(pair.client)).toBe(0);
        await watch.until(FD_CLOSE);
        expect(watch.log).toEqual(['FD_WRITE:NO_ERROR', 'FD_CLOSE:WSAECONNABORTED']);
        expect(outcomeOf(await h().recv(server, pair.server, 64))).toEqual(failsWith(WSAECONNRESET));
        const probe = utf8('anyone?');
        expect(h().result(server, await server.send(pair.server, probe, probe.byteLength, 0))).toEqual(
          failsWith(WSAECONNRESET),
        );
        expect(Number(h().option(server, pair.server, SO_ERROR))).toBe(0);
        // The closing side's handle is gone.
        expect(h().result(client, client.closesocket(pair.client))).toEqual(failsWith(WSAENOTSOCK));
      },
    );
  });
}
