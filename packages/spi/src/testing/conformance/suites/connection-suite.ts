/**
 * Connection establishment of connection-oriented providers: connect/accept with matching names,
 * data both ways, several callers on one listener, refusal, and the state errors of `listen`,
 * `accept` and a second `connect`.
 * @module
 */

import { WSAECONNREFUSED, WSAEINVAL, WSAEISCONN } from '../../../constants/error-codes';
import { INVALID_SOCKET } from '../../../constants/socket-api';
import { text, utf8 } from '../byte-patterns';
import { failsWith, SOCKADDR_STORAGE_SIZE } from '../conformance-harness';
import type { SuiteTools } from '../suite-tools';

/** Declares the connection tests. */
export function connectionSuite({ jest, expect, caps, test, h }: SuiteTools): void {
  jest.describe('connections', () => {
    test(
      caps.connectionOriented,
      "connect and accept: each side's names match the other's, and data flows both ways",
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        expect(h().peerName(client, pair.client)).toEqual(pair.target);
        expect(h().peerName(client, pair.client)).toEqual(h().localName(server, pair.server));
        expect(h().peerName(server, pair.server)).toEqual(h().localName(client, pair.client));
        expect(pair.acceptedFrom).toEqual(h().localName(client, pair.client));

        await h().sendAll(client, pair.client, utf8('ping'));
        expect(text(await h().recvExactly(server, pair.server, 4))).toBe('ping');
        await h().sendAll(server, pair.server, utf8('pong'));
        expect(text(await h().recvExactly(client, pair.client, 4))).toBe('pong');
      },
    );

    test(
      caps.connectionOriented,
      'one listener accepts several callers, each on its own connection',
      async () => {
        const { client, server } = h();
        const { listener, target } = await h().listener();
        const callers = [await h().open(client), await h().open(client), await h().open(client)];
        const connecting = callers.map((c) =>
          h().settled(client, client.connect(c, target, SOCKADDR_STORAGE_SIZE), 'connect'),
        );
        const accepted = [];
        for (let i = 0; i < callers.length; i++) accepted.push(await h().acceptOne(listener));
        expect((await Promise.all(connecting)).map((r) => r.error)).toEqual([
          'NO_ERROR',
          'NO_ERROR',
          'NO_ERROR',
        ]);
        expect(accepted.map((a) => a.outcome.error)).toEqual(['NO_ERROR', 'NO_ERROR', 'NO_ERROR']);
        // Each caller names itself; each accepted socket must hear exactly its own caller.
        for (const [i, c] of callers.entries()) await h().sendAll(client, c, utf8(`caller-${i}`));
        const byPeer = new Map<string, string>();
        for (const a of accepted) {
          const s = a.outcome.rc;
          byPeer.set(JSON.stringify(h().peerName(server, s)), text(await h().recvExactly(server, s, 8)));
        }
        expect(callers.map((c) => byPeer.get(JSON.stringify(h().localName(client, c))))).toEqual([
          'caller-0',
          'caller-1',
          'caller-2',
        ]);
      },
    );

    test(
      caps.connectionOriented,
      'connect to an address nobody listens on fails WSAECONNREFUSED',
      async () => {
        const { client, server } = h();
        const { listener, target } = await h().listener();
        expect(server.closesocket(listener)).toBe(0);
        const s = await h().open(client);
        const r = await h().settled(client, client.connect(s, target, SOCKADDR_STORAGE_SIZE), 'connect');
        expect(r).toEqual(failsWith(WSAECONNREFUSED));
      },
    );

    test(
      caps.connectionOriented,
      'listen before bind, and accept on a socket that is not listening, give WSAEINVAL',
      async () => {
        const { server } = h();
        const s = await h().open(server);
        expect(await h().settled(server, server.listen(s, 5), 'listen')).toEqual(failsWith(WSAEINVAL));
        await h().bind(server, s, h().env.addresses.serverBind());
        const accepted = await h().acceptOne(s);
        expect(accepted.outcome).toEqual({ ...failsWith(WSAEINVAL), rc: INVALID_SOCKET });
      },
    );

    test(
      caps.connectionOriented,
      'a connected socket refuses connect and listen with WSAEISCONN',
      async () => {
        const { client } = h();
        const pair = await h().connectedPair();
        expect(
          await h().settled(
            client,
            client.connect(pair.client, pair.target, SOCKADDR_STORAGE_SIZE),
            'connect',
          ),
        ).toEqual(failsWith(WSAEISCONN));
        expect(await h().settled(client, client.listen(pair.client, 5), 'listen')).toEqual(
          failsWith(WSAEISCONN),
        );
      },
    );
  });
}
