/**
 * Connectionless providers (`XP1_CONNECTIONLESS`): `sendto`/`recvfrom` with the source address,
 * boundaries kept, `connect` setting the default peer and filtering receives, `WSAENOTCONN` for a
 * send without a peer, `WSAEINVAL` for a receive on an unbound socket, shutdown without connect,
 * truncation with `WSAEMSGSIZE`, `MSG_PEEK`, `FIONREAD`, readiness and `FD_READ`
 * (Windows' UDP rules, as Wine's ws2_32 socket tests pin them).
 * @module
 */

import {
  WSAEINVAL,
  WSAEMSGSIZE,
  WSAENOTCONN,
  WSAEOPNOTSUPP,
  WSAESHUTDOWN,
  WSAEWOULDBLOCK,
  wsaErrorName,
} from '../../../constants/error-codes';
import { FD_READ } from '../../../constants/network-events';
import {
  FIONBIO,
  INVALID_SOCKET,
  MSG_PEEK,
  POLLRDNORM,
  SD_BOTH,
  SD_RECEIVE,
  SD_SEND,
} from '../../../constants/socket-api';
import type { Ws2 } from '../../../dispatcher/ws2';
import type { SOCKET, WSAPOLLFD } from '../../../spi/wsp-types';
import { out } from '../../../types/out-cell';
import type { SOCKADDR } from '../../../types/sockaddr';
import { withinTimeout } from '../bounded-wait';
import { bytePattern, firstDifference, numberedMessages, text, utf8 } from '../byte-patterns';
import { type CallOutcome, failsWith, SOCKADDR_STORAGE_SIZE, succeeds } from '../conformance-harness';
import type { SuiteTools } from '../suite-tools';

/** Largest datagram the boundary test sends: small enough that the whole batch fits a 64 KiB buffer. */
const LARGEST_TEST_DATAGRAM = 1000;

/** Declares the datagram tests. */
export function datagramSuite({ jest, expect, caps, test, h, sizes }: SuiteTools): void {
  const datagram = caps.datagram;

  /** One `recvfrom`, bounded: its outcome, the bytes and the source address. */
  async function recvFrom(
    ws2: Ws2,
    s: SOCKET,
    max = 2048,
    flags = 0,
  ): Promise<CallOutcome & { data: string; bytes: Uint8Array; from: SOCKADDR | null }> {
    const buf = new Uint8Array(max);
    const from = out<SOCKADDR | null>(null);
    const r = await h().settled(
      ws2,
      ws2.recvfrom(s, buf, max, flags, from, out(SOCKADDR_STORAGE_SIZE)),
      'recvfrom',
    );
    const n = r.rc > 0 ? r.rc : r.error === wsaErrorName(WSAEMSGSIZE) ? max : 0;
    return { ...r, data: text(buf.subarray(0, n)), bytes: buf.slice(0, n), from: from.value };
  }

  async function sendTo(ws2: Ws2, s: SOCKET, data: Uint8Array, to: SOCKADDR): Promise<CallOutcome> {
    return h().settled(ws2, ws2.sendto(s, data, data.byteLength, 0, to, SOCKADDR_STORAGE_SIZE), 'sendto');
  }

  jest.describe('datagrams', () => {
    test(datagram, "sendto and recvfrom carry the data and the sender's address, both ways", async () => {
      const { client, server } = h();
      const pair = await h().datagramPair();
      expect(await sendTo(client, pair.client, utf8('hello'), pair.serverAddress)).toEqual(succeeds(5));
      const atServer = await recvFrom(server, pair.server);
      expect({ rc: atServer.rc, data: atServer.data, from: atServer.from }).toEqual({
        rc: 5,
        data: 'hello',
        from: pair.clientAddress,
      });
      expect(await sendTo(server, pair.server, utf8('world!'), atServer.from!)).toEqual(succeeds(6));
      const atClient = await recvFrom(client, pair.client);
      expect({ rc: atClient.rc, data: atClient.data, from: atClient.from }).toEqual({
        rc: 6,
        data: 'world!',
        from: pair.serverAddress,
      });
    });

    test(
      datagram,
      `boundaries are kept: ${sizes.datagramCount} queued datagrams are received one per recvfrom, each whole`,
      async () => {
        const { client, server } = h();
        const pair = await h().datagramPair();
        const max = Math.min(LARGEST_TEST_DATAGRAM, h().maxMessageSize(client, pair.client));
        const sent = numberedMessages(sizes.datagramCount, max);
        for (const m of sent)
          expect(await sendTo(client, pair.client, m, pair.serverAddress)).toEqual(succeeds(m.byteLength));
        const received: Uint8Array[] = [];
        for (let i = 0; i < sent.length; i++) {
          const r = await recvFrom(server, pair.server, max + 1);
          expect(r.error).toBe('NO_ERROR');
          received.push(r.bytes);
        }
        // Datagrams may be reordered; each must arrive whole and exactly once.
        const key = (m: Uint8Array) => text(m.subarray(0, m.indexOf(0x3b) + 1));
        const byKey = new Map(received.map((m) => [key(m), m]));
        expect(byKey.size).toBe(sent.length);
        expect(
          sent.map((m) => firstDifference(byKey.get(key(m)) ?? new Uint8Array(0), m)).filter(Boolean),
        ).toEqual([]);
      },
    );

    test(
      datagram,
      'connect sets the default peer: send and recv work, getpeername answers, datagrams from others are not received',
      async () => {
        const { client, server } = h();
        const pair = await h().datagramPair();
        const stranger = await h().open(server);
        await h().bind(server, stranger, h().env.addresses.serverBind());
        expect(
          await h().settled(
            client,
            client.connect(pair.client, pair.serverAddress, SOCKADDR_STORAGE_SIZE),
            'connect',
          ),
        ).toEqual(succeeds(0));
        expect(h().peerName(client, pair.client)).toEqual(pair.serverAddress);
        const hi = utf8('hi');
        expect(h().result(client, await client.send(pair.client, hi, 2, 0))).toEqual(succeeds(2));
        const atServer = await recvFrom(server, pair.server);
        expect({ data: atServer.data, from: atServer.from }).toEqual({
          data: 'hi',
          from: pair.clientAddress,
        });
        // The stranger writes first; only the peer's datagram may reach the connected socket.
        expect(await sendTo(server, stranger, utf8('intruder'), pair.clientAddress)).toEqual(succeeds(8));
        expect(await sendTo(server, pair.server, utf8('peer'), pair.clientAddress)).toEqual(succeeds(4));
        const got = await h().recv(client, pair.client, 64);
        expect({ rc: got.rc, data: text(got.data) }).toEqual({ rc: 4, data: 'peer' });
        expect(client.ioctlsocket(pair.client, FIONBIO, out(1))).toBe(0);
        const nothingMore = await h().recv(client, pair.client);
        expect({ rc: nothingMore.rc, error: nothingMore.error }).toEqual(failsWith(WSAEWOULDBLOCK));
      },
    );

    test(
      datagram,
      'send without a default peer gives WSAENOTCONN, recv on an unbound socket WSAEINVAL, getpeername WSAENOTCONN',
      async () => {
        const { client } = h();
        const unbound = await h().open(client);
        const buf = new Uint8Array(8);
        expect(h().result(client, await client.recv(unbound, buf, 8, 0))).toEqual(failsWith(WSAEINVAL));
        expect(h().result(client, await client.send(unbound, buf, 8, 0))).toEqual(failsWith(WSAENOTCONN));
        const pair = await h().datagramPair();
        expect(h().result(client, await client.send(pair.client, buf, 8, 0))).toEqual(failsWith(WSAENOTCONN));
        expect(
          h().result(
            client,
            client.getpeername(pair.client, out<SOCKADDR | null>(null), out(SOCKADDR_STORAGE_SIZE)),
          ),
        ).toEqual(failsWith(WSAENOTCONN));
      },
    );

    test(
      datagram,
      'shutdown needs no connect; then sendto gives WSAESHUTDOWN (SD_SEND) and recvfrom WSAESHUTDOWN even with a datagram queued (SD_RECEIVE)',
      async () => {
        const { client, server } = h();
        const pair = await h().datagramPair();
        expect(await sendTo(client, pair.client, utf8('queued'), pair.serverAddress)).toEqual(succeeds(6));
        await h().waitReadable(server, pair.server, 1);
        const r = (ws2: Ws2, rc: number) => h().result(ws2, rc);
        expect([
          r(server, server.shutdown(pair.server, SD_RECEIVE)),
          r(server, server.shutdown(pair.server, SD_RECEIVE)),
        ]).toEqual([succeeds(0), succeeds(0)]);
        const afterReceive = await recvFrom(server, pair.server);
        expect({ rc: afterReceive.rc, error: afterReceive.error }).toEqual(failsWith(WSAESHUTDOWN));
        // SD_RECEIVE leaves sending alone.
        expect(await sendTo(server, pair.server, utf8('reply'), pair.clientAddress)).toEqual(succeeds(5));
        expect((await recvFrom(client, pair.client)).data).toBe('reply');

        expect(r(client, client.shutdown(pair.client, SD_SEND))).toEqual(succeeds(0));
        expect(await sendTo(client, pair.client, utf8('late'), pair.serverAddress)).toEqual(
          failsWith(WSAESHUTDOWN),
        );
        expect(r(client, client.shutdown(pair.client, SD_BOTH))).toEqual(succeeds(0));
        expect(r(client, client.shutdown(pair.client, 0xdeadbeef))).toEqual(failsWith(WSAEINVAL));
      },
    );

    test(
      datagram,
      'a datagram larger than the buffer fails WSAEMSGSIZE with its first bytes; the rest is discarded',
      async () => {
        const { client, server } = h();
        const pair = await h().datagramPair();
        const big = bytePattern(100, 4);
        expect(await sendTo(client, pair.client, big, pair.serverAddress)).toEqual(succeeds(100));
        expect(await sendTo(client, pair.client, utf8('next!'), pair.serverAddress)).toEqual(succeeds(5));
        const truncated = await recvFrom(server, pair.server, 10);
        expect({ rc: truncated.rc, error: truncated.error }).toEqual(failsWith(WSAEMSGSIZE));
        expect(firstDifference(truncated.bytes, big.subarray(0, 10))).toBeNull();
        const next = await recvFrom(server, pair.server, 64);
        expect({ rc: next.rc, data: next.data }).toEqual({ rc: 5, data: 'next!' });
      },
    );

    test(datagram, 'MSG_PEEK leaves the datagram queued, and FIONREAD reports its size', async () => {
      const { client, server } = h();
      const pair = await h().datagramPair();
      expect(await sendTo(client, pair.client, utf8('peekaboo'), pair.serverAddress)).toEqual(succeeds(8));
      expect(await h().waitReadable(server, pair.server, 1)).toBe(8);
      const peeked = await recvFrom(server, pair.server, 64, MSG_PEEK);
      expect({ rc: peeked.rc, data: peeked.data, from: peeked.from }).toEqual({
        rc: 8,
        data: 'peekaboo',
        from: pair.clientAddress,
      });
      expect(h().bytesReadable(server, pair.server)).toBe(8);
      const read = await recvFrom(server, pair.server, 64);
      expect({ rc: read.rc, data: read.data }).toEqual({ rc: 8, data: 'peekaboo' });
      expect(h().bytesReadable(server, pair.server)).toBe(0);
    });

    test(
      datagram,
      'a queued datagram is reported by FD_READ, select and WSAPoll; recvfrom on an empty non-blocking socket gives WSAEWOULDBLOCK',
      async () => {
        const { client, server } = h();
        const pair = await h().datagramPair();
        const watch = h().watch(server, pair.server, FD_READ);
        const empty = await recvFrom(server, pair.server);
        expect({ rc: empty.rc, error: empty.error }).toEqual(failsWith(WSAEWOULDBLOCK));
        const fds: WSAPOLLFD[] = [{ fd: pair.server, events: POLLRDNORM, revents: 0 }];
        expect(await withinTimeout(server.WSAPoll(fds, 1, 0), h().timeoutMs, 'WSAPoll')).toBe(0);
        expect(await sendTo(client, pair.client, utf8('ding'), pair.serverAddress)).toEqual(succeeds(4));
        await watch.until(FD_READ);
        expect(watch.log).toEqual(['FD_READ:NO_ERROR']);
        const set = { fd_array: [pair.server] };
        expect(
          await withinTimeout(
            server.select(0, set, null, null, { tv_sec: 0, tv_usec: 0 }),
            h().timeoutMs,
            'select',
          ),
        ).toBe(1);
        expect(await withinTimeout(server.WSAPoll(fds, 1, 0), h().timeoutMs, 'WSAPoll')).toBe(1);
        expect(fds[0]!.revents & POLLRDNORM).toBe(POLLRDNORM);
        expect((await recvFrom(server, pair.server)).data).toBe('ding');
      },
    );

    test(datagram, 'listen and accept give WSAEOPNOTSUPP on a datagram socket', async () => {
      const { server } = h();
      const pair = await h().datagramPair();
      expect(await h().settled(server, server.listen(pair.server, 5), 'listen')).toEqual(
        failsWith(WSAEOPNOTSUPP),
      );
      const accepted = await h().acceptOne(pair.server);
      expect(accepted.outcome).toEqual({ rc: INVALID_SOCKET, error: wsaErrorName(WSAEOPNOTSUPP) });
    });
  });
}
