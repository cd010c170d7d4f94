/**
 * Shutdown and half-close on connection-oriented providers: per direction, sticky, idempotent,
 * never a disconnect; `WSAESHUTDOWN` over end-of-data and `WSAEWOULDBLOCK`; `SD_RECEIVE` invisible
 * to the peer; receives pending before `SD_RECEIVE` still completing; half-close both ways with no
 * byte lost (Microsoft Learn: "shutdown function (winsock2.h)"; Wine's ws2_32 socket tests).
 * @module
 */

import { WSAEISCONN, WSAESHUTDOWN, WSAEWOULDBLOCK } from '../../../constants/error-codes';
import { FD_CLOSE, FD_READ } from '../../../constants/network-events';
import { FIONBIO, SD_BOTH, SD_RECEIVE, SD_SEND } from '../../../constants/socket-api';
import type { Ws2 } from '../../../dispatcher/ws2';
import type { SOCKET } from '../../../spi/wsp-types';
import { out } from '../../../types/out-cell';
import { letDeliveriesHappen } from '../bounded-wait';
import { bytePattern, firstDifference, numberedMessages, text, utf8 } from '../byte-patterns';
import { type ConformanceHarness, failsWith, SOCKADDR_STORAGE_SIZE, succeeds } from '../conformance-harness';
import { allOf } from '../provider-capabilities';
import { endOfData, isRefusedAfterPeerClose, outcomeOf, type SuiteTools } from '../suite-tools';

/** Declares the shutdown and half-close tests. */
export function shutdownSuite({ jest, expect, caps, test, h, sizes }: SuiteTools): void {
  const graceful = allOf(caps.connectionOriented, caps.requires('XP1_GRACEFUL_CLOSE'));

  /** Sends a bulk payload (1 MiB, or many messages) from one side and checks the other receives all of it, then the end. */
  async function transferThenDisconnect(
    from: { ws2: Ws2; s: SOCKET },
    to: { ws2: Ws2; s: SOCKET },
    seed: number,
  ): Promise<void> {
    const harness: ConformanceHarness = h();
    if (caps.messageOriented) {
      const max = Math.min(4000, harness.maxMessageSize(from.ws2, from.s));
      const messages = numberedMessages(sizes.messageCount, max);
      const [, received] = await Promise.all([
        harness.sendMessages(from.ws2, from.s, messages),
        harness.recvMessages(to.ws2, to.s, messages.length, max + 1),
      ]);
      expect(harness.result(from.ws2, from.ws2.WSASendDisconnect(from.s, null))).toEqual(succeeds(0));
      expect(received.map((m, i) => firstDifference(m, messages[i]!)).filter(Boolean)).toEqual([]);
    } else {
      const payload = bytePattern(sizes.largeTransferBytes, seed);
      const [, received] = await Promise.all([
        harness.sendAll(from.ws2, from.s, payload).then(() => {
          // Everything is handed to the provider: the FIN (or DR) must follow all of it.
          expect(harness.result(from.ws2, from.ws2.WSASendDisconnect(from.s, null))).toEqual(succeeds(0));
        }),
        harness.recvExactly(to.ws2, to.s, payload.byteLength),
      ]);
      expect(firstDifference(received, payload)).toBeNull();
    }
    expect(outcomeOf(await harness.recvWhenReady(to.ws2, to.s))).toEqual(endOfData(caps));
    // The end is sticky: asking again gives the same answer.
    expect(outcomeOf(await harness.recvWhenReady(to.ws2, to.s))).toEqual(endOfData(caps));
    const probe = utf8('x');
    expect(h().result(from.ws2, await from.ws2.send(from.s, probe, 1, 0))).toEqual(failsWith(WSAESHUTDOWN));
  }

  jest.describe('shutdown and half-close', () => {
    test(
      caps.halfClose,
      `half-close both ways loses nothing: ${caps.messageOriented ? `${sizes.messageCount} messages` : `${sizes.largeTransferBytes} bytes`} then WSASendDisconnect(NULL), the peer reads all then the end, and the half-closed side still receives`,
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const c = { ws2: client, s: pair.client };
        const a = { ws2: server, s: pair.server };
        await transferThenDisconnect(c, a, 3);
        // The client can no longer send, but the server's direction is still open.
        await transferThenDisconnect(a, c, 4);
      },
    );

    test(
      caps.closeEndsBothDirections,
      `without half-close the graceful close ends both directions: the peer reads ${caps.messageOriented ? `${sizes.messageCount} messages` : `${sizes.largeTransferBytes} bytes`}, then the end, and can no longer send`,
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        await transferThenDisconnect({ ws2: client, s: pair.client }, { ws2: server, s: pair.server }, 3);
        const probe = utf8('reply');
        const r = h().result(server, await server.send(pair.server, probe, probe.byteLength, 0));
        expect({ refused: isRefusedAfterPeerClose(caps, r), ...r }).toEqual({ refused: true, ...r });
      },
    );

    test(
      graceful,
      'shutdown is per direction, sticky and idempotent, and the socket stays allocated until closesocket',
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const local = h().localName(client, pair.client);
        const peer = h().peerName(client, pair.client);
        const r = (rc: number) => h().result(client, rc);
        const one = utf8('x');

        expect([r(client.shutdown(pair.client, SD_SEND)), r(client.shutdown(pair.client, SD_SEND))]).toEqual([
          succeeds(0),
          succeeds(0),
        ]);
        expect([
          r(await client.send(pair.client, one, 1, 0)),
          r(await client.send(pair.client, one, 1, 0)),
        ]).toEqual([failsWith(WSAESHUTDOWN), failsWith(WSAESHUTDOWN)]);
        expect(outcomeOf(await h().recvWhenReady(server, pair.server))).toEqual(endOfData(caps));

        if (caps.halfClose.runs) {
          // The receiving direction is untouched by SD_SEND.
          await h().sendMessages(server, pair.server, [utf8('pong')]);
          const pong = await h().recvWhenReady(client, pair.client);
          expect({ ...outcomeOf(pong), data: text(pong.data) }).toEqual({ ...succeeds(4), data: 'pong' });
        } else {
          const refused = h().result(server, await server.send(pair.server, one, 1, 0));
          expect({ refused: isRefusedAfterPeerClose(caps, refused), ...refused }).toEqual({
            refused: true,
            ...refused,
          });
        }

        expect([
          r(client.shutdown(pair.client, SD_RECEIVE)),
          r(client.shutdown(pair.client, SD_RECEIVE)),
        ]).toEqual([succeeds(0), succeeds(0)]);
        expect(outcomeOf(await h().recv(client, pair.client))).toEqual(failsWith(WSAESHUTDOWN));
        expect(r(client.shutdown(pair.client, SD_BOTH))).toEqual(succeeds(0));
        expect(outcomeOf(await h().recv(client, pair.client))).toEqual(failsWith(WSAESHUTDOWN));
        expect(r(await client.send(pair.client, one, 1, 0))).toEqual(failsWith(WSAESHUTDOWN));

        // Still allocated and still connected as far as the names go.
        expect(h().localName(client, pair.client)).toEqual(local);
        expect(h().peerName(client, pair.client)).toEqual(peer);
        expect(
          await h().settled(
            client,
            client.connect(pair.client, pair.target, SOCKADDR_STORAGE_SIZE),
            'connect',
          ),
        ).toEqual(failsWith(WSAEISCONN));
        expect(r(client.closesocket(pair.client))).toEqual(succeeds(0));
      },
    );

    test(graceful, 'WSAESHUTDOWN wins over WSAEWOULDBLOCK and over the end of data', async () => {
      const { client, server } = h();
      const pair = await h().connectedPair();
      // Non-blocking, nothing queued: WSAEWOULDBLOCK until SD_RECEIVE, then WSAESHUTDOWN.
      expect(server.ioctlsocket(pair.server, FIONBIO, out(1))).toBe(0);
      expect(outcomeOf(await h().recv(server, pair.server))).toEqual(failsWith(WSAEWOULDBLOCK));
      expect(h().result(server, server.shutdown(pair.server, SD_RECEIVE))).toEqual(succeeds(0));
      expect(outcomeOf(await h().recv(server, pair.server))).toEqual(failsWith(WSAESHUTDOWN));

      // The peer's FIN has arrived (FD_CLOSE): after SD_RECEIVE the end of data reads as WSAESHUTDOWN.
      const watch = h().watch(client, pair.client, FD_CLOSE);
      expect(h().result(server, server.shutdown(pair.server, SD_SEND))).toEqual(succeeds(0));
      await watch.until(FD_CLOSE);
      expect(h().result(client, client.shutdown(pair.client, SD_RECEIVE))).toEqual(succeeds(0));
      expect(outcomeOf(await h().recv(client, pair.client))).toEqual(failsWith(WSAESHUTDOWN));
    });

    test(
      caps.connectionOriented,
      'SD_RECEIVE sends nothing: the peer sees no FD_CLOSE, and the receive-shut side still sends',
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const watch = h().watch(server, pair.server, FD_READ | FD_CLOSE);
        expect(h().result(client, client.shutdown(pair.client, SD_RECEIVE))).toEqual(succeeds(0));
        await h().sendMessages(client, pair.client, [utf8('after-sd-receive')]);
        await watch.until(FD_READ);
        expect(watch.log).toEqual(['FD_READ:NO_ERROR']);
        const r = await h().recvWhenReady(server, pair.server);
        expect({ ...outcomeOf(r), data: text(r.data) }).toEqual({
          ...succeeds(16),
          data: 'after-sd-receive',
        });
        // No FIN travelled: the server's receive would block rather than report the end.
        expect(outcomeOf(await h().recv(server, pair.server))).toEqual(failsWith(WSAEWOULDBLOCK));
        watch.poll();
        expect(watch.log).toEqual(['FD_READ:NO_ERROR']);
      },
    );

    test(
      caps.connectionOriented,
      'a receive pending before SD_RECEIVE still completes with the data that arrives',
      async () => {
        const { client, server, env } = h();
        const pair = await h().connectedPair();
        const pending = h().recv(client, pair.client, 64);
        await letDeliveriesHappen(env.settle);
        expect(h().result(client, client.shutdown(pair.client, SD_RECEIVE))).toEqual(succeeds(0));
        await h().sendMessages(server, pair.server, [utf8('late data')]);
        const r = await pending;
        expect({ ...outcomeOf(r), data: text(r.data) }).toEqual({ ...succeeds(9), data: 'late data' });
        expect(outcomeOf(await h().recv(client, pair.client))).toEqual(failsWith(WSAESHUTDOWN));
      },
    );

    test(
      graceful,
      'a pending receive completes with the end of data when the peer shuts down sending',
      async () => {
        const { client, server, env } = h();
        const pair = await h().connectedPair();
        const pending = h().recv(client, pair.client, 64);
        await letDeliveriesHappen(env.settle);
        expect(h().result(server, server.shutdown(pair.server, SD_SEND))).toEqual(succeeds(0));
        expect(outcomeOf(await pending)).toEqual(endOfData(caps));
      },
    );

    test(
      graceful,
      'SD_BOTH is graceful: the peer reads its data, then the end, and FD_CLOSE carries no error',
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const watch = h().watch(server, pair.server, FD_CLOSE);
        await h().sendMessages(client, pair.client, [utf8('last words')]);
        expect(h().result(client, client.shutdown(pair.client, SD_BOTH))).toEqual(succeeds(0));
        await watch.until(FD_CLOSE);
        expect(watch.log).toEqual(['FD_CLOSE:NO_ERROR']);
        const r = await h().recvWhenReady(server, pair.server);
        expect({ ...outcomeOf(r), data: text(r.data) }).toEqual({ ...succeeds(10), data: 'last words' });
        expect(outcomeOf(await h().recvWhenReady(server, pair.server))).toEqual(endOfData(caps));
      },
    );
  });
}
