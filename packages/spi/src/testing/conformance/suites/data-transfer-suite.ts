/**
 * Data transfer on connection-oriented providers: a large byte stream arrives whole and in order
 * (both directions at once), many messages keep their boundaries, an oversized message is not
 * lost, `MSG_PEEK` leaves data queued and `FIONREAD` counts what is queued.
 * @module
 */

import { WSAEMSGSIZE } from '../../../constants/error-codes';
import { MSG_PARTIAL, MSG_PEEK } from '../../../constants/socket-api';
import { out } from '../../../types/out-cell';
import { bytePattern, firstDifference, numberedMessages, text, utf8 } from '../byte-patterns';
import { failsWith, succeeds } from '../conformance-harness';
import { allOf } from '../provider-capabilities';
import { outcomeOf, type SuiteTools } from '../suite-tools';

/** Largest message the suite builds for the many-messages test. */
const LARGEST_TEST_MESSAGE = 4000;

/** Declares the data-transfer tests. */
export function dataTransferSuite({ jest, expect, caps, test, h, sizes }: SuiteTools): void {
  const mib = (sizes.largeTransferBytes / (1024 * 1024)).toString();
  jest.describe('data transfer', () => {
    test(caps.byteStream, `${mib} MiB arrives whole and in order, in both directions at once`, async () => {
      const { client, server } = h();
      const pair = await h().connectedPair();
      const up = bytePattern(sizes.largeTransferBytes, 1);
      const down = bytePattern(sizes.largeTransferBytes, 2);
      const [, , atServer, atClient] = await Promise.all([
        h().sendAll(client, pair.client, up),
        h().sendAll(server, pair.server, down),
        h().recvExactly(server, pair.server, up.byteLength),
        h().recvExactly(client, pair.client, down.byteLength),
      ]);
      expect(firstDifference(atServer, up)).toBeNull();
      expect(firstDifference(atClient, down)).toBeNull();
    });

    test(
      caps.byteStream,
      'a byte stream keeps no boundaries: one recv can return the bytes of several sends',
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        await h().sendAll(client, pair.client, utf8('abc'));
        await h().sendAll(client, pair.client, utf8('defg'));
        expect(await h().waitReadable(server, pair.server, 7)).toBe(7);
        const r = await h().recv(server, pair.server, 64);
        expect({ ...outcomeOf(r), data: text(r.data) }).toEqual({ ...succeeds(7), data: 'abcdefg' });
      },
    );

    test(
      caps.messageStream,
      `${sizes.messageCount} messages arrive whole, in order, one per recv, in both directions`,
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const max = Math.min(LARGEST_TEST_MESSAGE, h().maxMessageSize(client, pair.client));
        const up = numberedMessages(sizes.messageCount, max);
        const down = numberedMessages(sizes.messageCount, max).reverse();
        const [, , atServer, atClient] = await Promise.all([
          h().sendMessages(client, pair.client, up),
          h().sendMessages(server, pair.server, down),
          h().recvMessages(server, pair.server, up.length, max + 1),
          h().recvMessages(client, pair.client, down.length, max + 1),
        ]);
        const problems = [
          ...atServer.map(
            (m, i) =>
              firstDifference(m, up[i]!) && `client→server message ${i}: ${firstDifference(m, up[i]!)}`,
          ),
          ...atClient.map(
            (m, i) =>
              firstDifference(m, down[i]!) && `server→client message ${i}: ${firstDifference(m, down[i]!)}`,
          ),
        ].filter(Boolean);
        expect(problems).toEqual([]);
      },
    );

    test(
      allOf(caps.messageStream, caps.refuses('XP1_PARTIAL_MESSAGE')),
      'a message larger than the receive buffer fails WSAEMSGSIZE and is kept whole for a larger buffer',
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const message = bytePattern(100, 9);
        await h().sendMessages(server, pair.server, [message]);
        await h().waitReadable(client, pair.client, 1);
        const small = await h().recv(client, pair.client, 10);
        expect(outcomeOf(small)).toEqual(failsWith(WSAEMSGSIZE));
        const whole = await h().recv(client, pair.client, 200);
        expect(outcomeOf(whole)).toEqual(succeeds(100));
        expect(firstDifference(whole.data, message)).toBeNull();
      },
    );

    test(
      allOf(caps.messageStream, caps.requires('XP1_PARTIAL_MESSAGE')),
      'a message larger than the receive buffer arrives in parts flagged MSG_PARTIAL (WSARecv)',
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const message = bytePattern(100, 9);
        await h().sendMessages(server, pair.server, [message]);
        await h().waitReadable(client, pair.client, 1);
        const first = { len: 10, buf: new Uint8Array(10) };
        const got = out(0);
        const flags = out(0);
        expect(await client.WSARecv(pair.client, [first], 1, got, flags, null, null)).toBe(0);
        expect({ got: got.value, partial: (flags.value & MSG_PARTIAL) !== 0 }).toEqual({
          got: 10,
          partial: true,
        });
        const rest = { len: 200, buf: new Uint8Array(200) };
        flags.value = 0;
        expect(await client.WSARecv(pair.client, [rest], 1, got, flags, null, null)).toBe(0);
        expect({ got: got.value, partial: (flags.value & MSG_PARTIAL) !== 0 }).toEqual({
          got: 90,
          partial: false,
        });
        const joined = new Uint8Array(100);
        joined.set(first.buf, 0);
        joined.set(rest.buf.subarray(0, 90), 10);
        expect(firstDifference(joined, message)).toBeNull();
      },
    );

    test(caps.connectionOriented, 'MSG_PEEK returns queued data without consuming it', async () => {
      const { client, server } = h();
      const pair = await h().connectedPair();
      await h().sendMessages(server, pair.server, [utf8('peekaboo')]);
      await h().waitReadable(client, pair.client, 8);
      const peeked = await h().recv(client, pair.client, 64, MSG_PEEK);
      expect({ ...outcomeOf(peeked), data: text(peeked.data) }).toEqual({ ...succeeds(8), data: 'peekaboo' });
      expect(h().bytesReadable(client, pair.client)).toBe(8);
      const read = await h().recv(client, pair.client, 64);
      expect({ ...outcomeOf(read), data: text(read.data) }).toEqual({ ...succeeds(8), data: 'peekaboo' });
      expect(h().bytesReadable(client, pair.client)).toBe(0);
    });

    test(caps.byteStream, 'FIONREAD counts the bytes queued, and what a recv leaves', async () => {
      const { client, server } = h();
      const pair = await h().connectedPair();
      expect(h().bytesReadable(server, pair.server)).toBe(0);
      await h().sendAll(client, pair.client, bytePattern(100, 1));
      await h().sendAll(client, pair.client, bytePattern(200, 2));
      expect(await h().waitReadable(server, pair.server, 300)).toBe(300);
      expect(outcomeOf(await h().recv(server, pair.server, 50))).toEqual(succeeds(50));
      expect(h().bytesReadable(server, pair.server)).toBe(250);
    });

    test(caps.messageStream, 'FIONREAD reports a queued message, and 0 once it is read', async () => {
      const { client, server } = h();
      const pair = await h().connectedPair();
      expect(h().bytesReadable(server, pair.server)).toBe(0);
      await h().sendMessages(client, pair.client, [bytePattern(100, 1)]);
      // With one message queued, "the first message" and "all queued bytes" (MSDN's two readings) agree.
      expect(await h().waitReadable(server, pair.server, 1)).toBe(100);
      expect(outcomeOf(await h().recv(server, pair.server, 200))).toEqual(succeeds(100));
      expect(h().bytesReadable(server, pair.server)).toBe(0);
    });
  });
}
