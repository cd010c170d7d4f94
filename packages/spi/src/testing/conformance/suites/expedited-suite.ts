/**
 * Expedited (out-of-band) data, `XP1_EXPEDITED_DATA`: `MSG_OOB` data is signalled with `FD_OOB`
 * and read with `recv(MSG_OOB)` apart from normal data; without the capability both directions
 * refuse `MSG_OOB` with `WSAEOPNOTSUPP` and the connection carries on.
 * @module
 */

import { WSAEOPNOTSUPP } from '../../../constants/error-codes';
import { FD_OOB, FD_READ } from '../../../constants/network-events';
import { MSG_OOB } from '../../../constants/socket-api';
import { text, utf8 } from '../byte-patterns';
import { failsWith, succeeds } from '../conformance-harness';
import { allOf } from '../provider-capabilities';
import { outcomeOf, type SuiteTools } from '../suite-tools';

/** Declares the expedited-data tests. */
export function expeditedSuite({ jest, expect, caps, test, h }: SuiteTools): void {
  jest.describe('expedited data (MSG_OOB)', () => {
    test(
      allOf(caps.connectionOriented, caps.requires('XP1_EXPEDITED_DATA')),
      'MSG_OOB data is signalled with FD_OOB and read with recv(MSG_OOB), apart from normal data',
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const watch = h().watch(server, pair.server, FD_OOB | FD_READ);
        await h().sendMessages(client, pair.client, [utf8('normal')]);
        const urgent = utf8('!');
        expect(h().result(client, await client.send(pair.client, urgent, 1, MSG_OOB))).toEqual(succeeds(1));
        await watch.until(FD_OOB | FD_READ);
        const oob = await h().recvWhenReady(server, pair.server, 16, MSG_OOB);
        expect({ ...outcomeOf(oob), data: text(oob.data) }).toEqual({ ...succeeds(1), data: '!' });
        await h().waitReadable(server, pair.server, 6);
        const normal = await h().recv(server, pair.server, 64);
        expect({ ...outcomeOf(normal), data: text(normal.data) }).toEqual({ ...succeeds(6), data: 'normal' });
      },
    );

    test(
      allOf(caps.connectionOriented, caps.refuses('XP1_EXPEDITED_DATA')),
      'send and recv with MSG_OOB give WSAEOPNOTSUPP, and the connection keeps working',
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const urgent = utf8('!');
        expect(h().result(client, await client.send(pair.client, urgent, 1, MSG_OOB))).toEqual(
          failsWith(WSAEOPNOTSUPP),
        );
        expect(outcomeOf(await h().recv(server, pair.server, 16, MSG_OOB))).toEqual(failsWith(WSAEOPNOTSUPP));
        await h().sendMessages(client, pair.client, [utf8('fine')]);
        expect(text((await h().recvWhenReady(server, pair.server)).data)).toBe('fine');
      },
    );
  });
}
