/**
 * Readiness as `select` and `WSAPoll` report it on connection-oriented sockets: a pending
 * connection makes the listener readable, a connected socket is writable, queued data and the end
 * of data make it readable, and an idle socket is reported as nothing ready; `WSAPoll` after the
 * peer's close or reset gives Windows' exact bits, and `FD_CLOSE` reaches an event object once.
 * @module
 */

import { FD_CLOSE, FD_READ } from '../../../constants/network-events';
import { POLLERR, POLLHUP, POLLRDNORM, POLLWRNORM, SD_SEND } from '../../../constants/socket-api';
import { SO_LINGER, SOL_SOCKET } from '../../../constants/socket-options';
import type { Ws2 } from '../../../dispatcher/ws2';
import type { fd_set, SOCKET, WSAPOLLFD } from '../../../spi/wsp-types';
import { letDeliveriesHappen, withinTimeout } from '../bounded-wait';
import { utf8 } from '../byte-patterns';
import { SOCKADDR_STORAGE_SIZE, succeeds } from '../conformance-harness';
import { allOf } from '../provider-capabilities';
import { endOfData, outcomeOf, type SuiteTools } from '../suite-tools';

/** Declares the select and WSAPoll tests. */
export function readinessSuite({ jest, expect, caps, test, h }: SuiteTools): void {
  /** `select` on one set, `waitMs` at most; the sockets reported ready. */
  async function selectOne(ws2: Ws2, which: 'read' | 'write', s: SOCKET, waitMs: number): Promise<SOCKET[]> {
    const set: fd_set = { fd_array: [s] };
    const tv = { tv_sec: Math.floor(waitMs / 1000), tv_usec: (waitMs % 1000) * 1000 };
    const rc = await withinTimeout(
      which === 'read' ? ws2.select(0, set, null, null, tv) : ws2.select(0, null, set, null, tv),
      waitMs + h().timeoutMs,
      'select',
    );
    expect(h().result(ws2, rc).error).toBe('NO_ERROR');
    expect(rc).toBe(set.fd_array.length);
    return set.fd_array;
  }

  /** `WSAPoll` on one socket, `waitMs` at most; its `revents` masked to the bits the suite checks. */
  async function pollOne(ws2: Ws2, s: SOCKET, events: number, waitMs: number): Promise<number> {
    const fds: WSAPOLLFD[] = [{ fd: s, events, revents: 0 }];
    const rc = await withinTimeout(ws2.WSAPoll(fds, 1, waitMs), waitMs + h().timeoutMs, 'WSAPoll');
    expect(h().result(ws2, rc).error).toBe('NO_ERROR');
    expect(rc).toBe(fds[0]!.revents ? 1 : 0);
    return fds[0]!.revents & (POLLRDNORM | POLLWRNORM | POLLHUP);
  }

  jest.describe('select and WSAPoll', () => {
    test(
      allOf(caps.connectionOriented, caps.requires('XP1_GRACEFUL_CLOSE')),
      'select: a pending connection makes the listener readable; data and the end of data make a socket readable; a connected socket is writable; an idle one is not readable',
      async () => {
        const { client, server } = h();
        const wait = h().timeoutMs;
        const { listener, target } = await h().listener();
        expect(await selectOne(server, 'read', listener, 0)).toEqual([]);
        const s = await h().open(client);
        const connecting = h().settled(client, client.connect(s, target, SOCKADDR_STORAGE_SIZE), 'connect');
        expect(await selectOne(server, 'read', listener, wait)).toEqual([listener]);
        const accepted = await h().acceptOne(listener);
        expect((await connecting).error).toBe('NO_ERROR');
        const a = accepted.outcome.rc;

        expect(await selectOne(client, 'write', s, wait)).toEqual([s]);
        expect(await selectOne(server, 'read', a, 0)).toEqual([]);
        await h().sendMessages(client, s, [utf8('x')]);
        expect(await selectOne(server, 'read', a, wait)).toEqual([a]);
        expect(outcomeOf(await h().recv(server, a))).toEqual(succeeds(1));
        expect(h().result(client, client.shutdown(s, SD_SEND))).toEqual(succeeds(0));
        expect(await selectOne(server, 'read', a, wait)).toEqual([a]);
        expect(outcomeOf(await h().recv(server, a))).toEqual(endOfData(caps));
      },
    );

    test(
      allOf(caps.connectionOriented, caps.requires('XP1_GRACEFUL_CLOSE')),
      "WSAPoll: POLLWRNORM when writable, POLLRDNORM when data is queued, POLLHUP after the peer's graceful close, 0 when nothing is ready",
      async () => {
        const { client, server } = h();
        const wait = h().timeoutMs;
        const pair = await h().connectedPair();
        expect(await pollOne(client, pair.client, POLLRDNORM, 0)).toBe(0);
        expect(await pollOne(client, pair.client, POLLRDNORM | POLLWRNORM, wait)).toBe(POLLWRNORM);
        await h().sendMessages(server, pair.server, [utf8('data')]);
        expect(await pollOne(client, pair.client, POLLRDNORM, wait)).toBe(POLLRDNORM);
        expect(outcomeOf(await h().recv(client, pair.client))).toEqual(succeeds(4));
        expect(h().result(server, server.shutdown(pair.server, SD_SEND))).toEqual(succeeds(0));
        expect((await pollOne(client, pair.client, POLLRDNORM, wait)) & POLLHUP).toBe(POLLHUP);
      },
    );

    test(
      allOf(caps.connectionOriented, caps.requires('XP1_GRACEFUL_CLOSE')),
      "WSAPoll after the peer's graceful close with data unread: POLLHUP together with POLLRDNORM, and POLLHUP alone for events 0",
      async () => {
        const { client, server, env } = h();
        const pair = await h().connectedPair();
        await h().sendMessages(server, pair.server, [utf8('unread')]);
        expect(server.closesocket(pair.server)).toBe(0);
        await h().waitReadable(client, pair.client);
        // The close follows the data: wait until the poll shows it.
        const deadline = Date.now() + h().timeoutMs;
        let revents = await pollOne(client, pair.client, POLLRDNORM, h().timeoutMs);
        while (!(revents & POLLHUP) && Date.now() < deadline) {
          await letDeliveriesHappen(env.settle, 1);
          revents = await pollOne(client, pair.client, POLLRDNORM, 0);
        }
        expect(revents).toBe(POLLHUP | POLLRDNORM);
        expect(await pollOne(client, pair.client, 0, 0)).toBe(POLLHUP);
      },
    );

    test(
      caps.connectionOriented,
      "WSAPoll after the peer's reset: POLLERR | POLLHUP | POLLWRNORM (asked for POLLRDNORM | POLLWRNORM)",
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const watch = h().watch(client, pair.client, FD_CLOSE);
        expect(server.setsockopt(pair.server, SOL_SOCKET, SO_LINGER, { l_onoff: 1, l_linger: 0 }, 4)).toBe(0);
        expect(server.closesocket(pair.server)).toBe(0);
        await watch.until(FD_CLOSE);
        const fds: WSAPOLLFD[] = [{ fd: pair.client, events: POLLRDNORM | POLLWRNORM, revents: 0 }];
        expect(await withinTimeout(client.WSAPoll(fds, 1, 0), h().timeoutMs, 'WSAPoll')).toBe(1);
        expect(fds[0]!.revents).toBe(POLLERR | POLLHUP | POLLWRNORM);
      },
    );

    test(
      allOf(caps.connectionOriented, caps.requires('XP1_GRACEFUL_CLOSE')),
      'FD_CLOSE is recorded once for event objects: WSAEventSelect again after FD_CLOSE does not record it again, while WSAAsyncSelect again posts it again',
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const first = h().watch(client, pair.client, FD_CLOSE);
        expect(server.closesocket(pair.server)).toBe(0);
        await first.until(FD_CLOSE);
        first.close();
        const again = h().watch(client, pair.client, FD_CLOSE | FD_READ);
        await letDeliveriesHappen(h().env.settle);
        again.poll();
        expect(again.log.filter((e) => e.startsWith('FD_CLOSE'))).toEqual([]);
        again.close();
        const posted: number[] = [];
        const window = { post: (_msg: number, _w: number, lParam: number) => posted.push(lParam & 0xffff) };
        for (let i = 0; i < 2; i++) {
          expect(client.WSAAsyncSelect(pair.client, window, 0x401, FD_CLOSE)).toBe(0);
          const deadline = Date.now() + h().timeoutMs;
          while (posted.length <= i && Date.now() < deadline) await letDeliveriesHappen(h().env.settle, 1);
        }
        expect(posted).toEqual([FD_CLOSE, FD_CLOSE]);
        expect(client.WSAAsyncSelect(pair.client, null, 0, 0)).toBe(0);
      },
    );

    test(caps.connectionOriented, 'WSAPoll: a pending connection makes the listener POLLRDNORM', async () => {
      const { client, server } = h();
      const { listener, target } = await h().listener();
      expect(await pollOne(server, listener, POLLRDNORM, 0)).toBe(0);
      const s = await h().open(client);
      const connecting = h().settled(client, client.connect(s, target, SOCKADDR_STORAGE_SIZE), 'connect');
      expect(await pollOne(server, listener, POLLRDNORM, h().timeoutMs)).toBe(POLLRDNORM);
      expect((await h().acceptOne(listener)).outcome.error).toBe('NO_ERROR');
      expect((await connecting).error).toBe('NO_ERROR');
    });
  });
}
