/**
 * I/O completion ports with the provider's sockets, and Windows' rules for which requests queue a
 * packet (as Wine's tests, run against Windows, observe them): a request that pends does, and
 * so does one that completes at once (unless the handle skips the port on success); one that fails
 * at once, `shutdown`, `WSASendDisconnect` and `WSARecvDisconnect` never do; an overlapped
 * `DisconnectEx` always does; a request whose event has its low bit set, or that has a completion
 * routine, completes without one. The three channels of a failure are kept apart: the packet's
 * Win32 error (`ERROR_NETNAME_DELETED` after a reset), `WSAGetOverlappedResult`'s Winsock error
 * (`WSAECONNRESET`), and the immediate return of the call.
 * @module
 */

import { WSA_IO_PENDING, WSAECONNRESET, WSAESHUTDOWN, wsaErrorName } from '../../../constants/error-codes';
import {
  SIO_BASE_HANDLE,
  SIO_GET_EXTENSION_FUNCTION_POINTER,
  WSAID_ACCEPTEX,
  WSAID_CONNECTEX,
  WSAID_DISCONNECTEX,
} from '../../../constants/mswsock';
import { STATUS_CONNECTION_RESET, STATUS_PENDING } from '../../../constants/ntstatus';
import { XP1_IFS_HANDLES } from '../../../constants/service-flags';
import { SD_RECEIVE, SD_SEND, SOCKET_ERROR } from '../../../constants/socket-api';
import { SO_LINGER, SOL_SOCKET } from '../../../constants/socket-options';
import {
  ERROR_ABANDONED_WAIT_0,
  ERROR_CONNECTION_ABORTED,
  ERROR_INVALID_PARAMETER,
  ERROR_NETNAME_DELETED,
  ERROR_NOT_SUPPORTED,
  FILE_SKIP_COMPLETION_PORT_ON_SUCCESS,
  WAIT_IO_COMPLETION,
  WAIT_TIMEOUT,
} from '../../../constants/win32-errors';
import type { OVERLAPPED_ENTRY } from '../../../dispatcher/io-completion-port';
import type { Ws2 } from '../../../dispatcher/ws2';
import { eventHandleWithLowBit } from '../../../spi/event-handle-low-bit';
import type { LPFN_ACCEPTEX, LPFN_CONNECTEX, LPFN_DISCONNECTEX } from '../../../spi/mswsock-types';
import type { SOCKET, WSAOVERLAPPED } from '../../../spi/wsp-types';
import { out } from '../../../types/out-cell';
import { letDeliveriesHappen, withinTimeout } from '../bounded-wait';
import { text, utf8 } from '../byte-patterns';
import { failsWith, SOCKADDR_STORAGE_SIZE, succeeds } from '../conformance-harness';
import { OverlappedTools } from '../overlapped-tools';
import { allOf } from '../provider-capabilities';
import type { SuiteTools } from '../suite-tools';

const SLOT = SOCKADDR_STORAGE_SIZE + 16;

/** Declares the completion-port tests. */
export function completionPortSuite({ jest, expect, caps, test, h }: SuiteTools): void {
  const tools = () => new OverlappedTools(h());
  const pendingError = wsaErrorName(WSA_IO_PENDING);

  /** An overlapped `WSARecv` of up to `size` bytes: its return, error and buffer. */
  async function recvOverlapped(ws2: Ws2, s: SOCKET, ov: WSAOVERLAPPED, size = 64) {
    const buf = new Uint8Array(size);
    const rc = await ws2.WSARecv(s, [{ len: size, buf }], 1, out(0), out(0), ov, null);
    return { rc, error: rc === 0 ? 'NO_ERROR' : wsaErrorName(ws2.WSAGetLastError()), buf };
  }

  /** True when the socket's handle is an IFS handle (`XP1_IFS_HANDLES` in its protocol info). */
  function isIfsHandle(ws2: Ws2, s: SOCKET): boolean {
    return (h().protocolInfo(ws2, s).dwServiceFlags1 & XP1_IFS_HANDLES) !== 0;
  }

  /** Nothing is queued on `port` (after letting deliveries happen). */
  async function expectEmpty(ws2: Ws2, port: Parameters<OverlappedTools['dequeue']>[1]): Promise<void> {
    await letDeliveriesHappen(h().env.settle);
    expect(await tools().dequeue(ws2, port, 0)).toEqual(
      expect.objectContaining({ ok: false, error: WAIT_TIMEOUT, overlapped: null }),
    );
  }

  jest.describe('I/O completion ports', () => {
    test(
      { runs: true },
      'a port: a poll of an empty port is WAIT_TIMEOUT with *lpOverlapped NULL; posted packets come back verbatim, first in first out, Internal 0; a socket cannot be associated twice; closing the port ends a wait with ERROR_ABANDONED_WAIT_0',
      async () => {
        const { client } = h();
        const port = tools().port(client);
        expect(await tools().dequeue(client, port, 0)).toEqual({
          ok: false,
          error: WAIT_TIMEOUT,
          bytes: -1,
          key: -1,
          overlapped: null,
        });
        const marker = { any: 'thing' };
        expect(client.PostQueuedCompletionStatus(port, 1, 'first', marker)).toBe(true);
        expect(client.PostQueuedCompletionStatus(port, 2, 'second', null)).toBe(true);
        const entries: OVERLAPPED_ENTRY[] = [];
        const removed = out(0);
        expect(await client.GetQueuedCompletionStatusEx(port, entries, 8, removed, 0, false)).toBe(true);
        expect(entries.slice(0, removed.value)).toEqual([
          { lpCompletionKey: 'first', lpOverlapped: marker, Internal: 0, dwNumberOfBytesTransferred: 1 },
          { lpCompletionKey: 'second', lpOverlapped: null, Internal: 0, dwNumberOfBytesTransferred: 2 },
        ]);
        const s = await h().open(client);
        tools().associate(client, s, port, 1);
        expect(client.CreateIoCompletionPort(s, tools().port(client), 2, 0)).toBeNull();
        expect(client.GetLastError()).toBe(ERROR_INVALID_PARAMETER);
        const other = tools().port(client);
        const waiting = tools().dequeue(client, other, h().timeoutMs);
        expect(client.CloseHandle(other)).toBe(true);
        expect(await waiting).toEqual(
          expect.objectContaining({ ok: false, error: ERROR_ABANDONED_WAIT_0, overlapped: null }),
        );
      },
    );

    test(
      caps.connectionOriented,
      'WSARecv on an associated socket: pending, then data → a packet (bytes, key, OVERLAPPED); completed at once → it returns 0 and still queues one; with FILE_SKIP_COMPLETION_PORT_ON_SUCCESS → none (on IFS handles); an event with its low bit set is set and nothing is queued',
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const port = tools().port(server);
        tools().associate(server, pair.server, port, 42);
        const ov = tools().plain();
        const r = await recvOverlapped(server, pair.server, ov);
        expect({ rc: r.rc, error: r.error, internal: ov.Internal }).toEqual({
          rc: SOCKET_ERROR,
          error: pendingError,
          internal: STATUS_PENDING,
        });
        await h().sendMessages(client, pair.client, [utf8('late')]);
        expect(await tools().dequeue(server, port)).toEqual({
          ok: true,
          error: 0,
          bytes: 4,
          key: 42,
          overlapped: ov,
        });
        expect({ internal: ov.Internal, high: ov.InternalHigh, data: text(r.buf.subarray(0, 4)) }).toEqual({
          internal: 0,
          high: 4,
          data: 'late',
        });

        // A request that completes at once returns 0 — but a non-IFS handle (a non-IFS layer on
        // top, which completes every request through its own engine, as the Microsoft sample does)
        // returns WSA_IO_PENDING — and either way a packet is queued.
        const ifs = isIfsHandle(server, pair.server);
        const atOnce = ifs ? { rc: 0, error: 'NO_ERROR' } : { rc: SOCKET_ERROR, error: pendingError };
        await h().sendMessages(client, pair.client, [utf8('now')]);
        await h().waitReadable(server, pair.server, 3);
        const at = tools().plain();
        const now = await recvOverlapped(server, pair.server, at);
        expect({ rc: now.rc, error: now.error }).toEqual(
          ifs || now.rc === 0 ? { rc: 0, error: 'NO_ERROR' } : atOnce,
        );
        expect(await tools().dequeue(server, port)).toEqual({
          ok: true,
          error: 0,
          bytes: 3,
          key: 42,
          overlapped: at,
        });

        // Skipping the port on success works only where every layer hands out IFS handles (MSDN
        // SetFileCompletionNotificationModes): elsewhere the packet still comes.
        expect(
          server.SetFileCompletionNotificationModes(pair.server, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS),
        ).toBe(true);
        await h().sendMessages(client, pair.client, [utf8('skip')]);
        await h().waitReadable(server, pair.server, 4);
        const skipped = tools().plain();
        const skip = await recvOverlapped(server, pair.server, skipped);
        if (ifs) {
          expect(skip.rc).toBe(0);
          await expectEmpty(server, port);
        } else {
          expect(await tools().dequeue(server, port)).toEqual({
            ok: true,
            error: 0,
            bytes: 4,
            key: 42,
            overlapped: skipped,
          });
        }

        const low = tools().overlapped(server);
        const event = low.hEvent;
        low.hEvent = eventHandleWithLowBit(event);
        const pendingLow = await recvOverlapped(server, pair.server, low);
        expect(pendingLow.error).toBe(pendingError);
        await h().sendMessages(client, pair.client, [utf8('evt')]);
        await tools().signalled(server, event);
        expect(low.InternalHigh).toBe(3);
        await expectEmpty(server, port);
      },
    );

    test(
      allOf(caps.connectionOriented, caps.requires('XP1_GRACEFUL_CLOSE')),
      'no packet for what fails at once (WSARecv after SD_RECEIVE: WSAESHUTDOWN), nor for shutdown, WSASendDisconnect or WSARecvDisconnect; an overlapped DisconnectEx queues one even in skip mode, with 0 bytes',
      async () => {
        const { client } = h();
        const pair = await h().connectedPair();
        const port = tools().port(client);
        tools().associate(client, pair.client, port, 7);
        expect(
          client.SetFileCompletionNotificationModes(pair.client, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS),
        ).toBe(true);
        expect(h().result(client, client.shutdown(pair.client, SD_RECEIVE))).toEqual(succeeds(0));
        const failed = tools().plain();
        failed.Internal = 0x1234;
        const r = await recvOverlapped(client, pair.client, failed);
        expect({ rc: r.rc, error: r.error, internal: failed.Internal }).toEqual({
          ...failsWith(WSAESHUTDOWN),
          internal: 0x1234,
        });
        expect(h().result(client, client.WSARecvDisconnect(pair.client, null))).toEqual(succeeds(0));
        expect(h().result(client, client.WSASendDisconnect(pair.client, null))).toEqual(succeeds(0));
        expect(h().result(client, client.shutdown(pair.client, SD_SEND))).toEqual(succeeds(0));
        await expectEmpty(client, port);
        const DisconnectEx = tools().extension<LPFN_DISCONNECTEX>(client, pair.client, WSAID_DISCONNECTEX);
        const dov = tools().plain();
        expect({
          rc: DisconnectEx(pair.client, dov, 0, 0),
          error: wsaErrorName(client.WSAGetLastError()),
        }).toEqual({ rc: false, error: pendingError });
        expect(await tools().dequeue(client, port)).toEqual({
          ok: true,
          error: 0,
          bytes: 0,
          key: 7,
          overlapped: dov,
        });
        expect(DisconnectEx(pair.client, null, 0, 0)).toBe(true);
        await expectEmpty(client, port);
      },
    );

    test(
      allOf(caps.byteStream, caps.requires('XP1_GRACEFUL_CLOSE')),
      "a WSARecv after the peer's graceful close completes at once with 0 bytes (pends, through a non-IFS layer), and queues a packet of 0 bytes",
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const port = tools().port(server);
        tools().associate(server, pair.server, port, 3);
        expect(client.shutdown(pair.client, SD_SEND)).toBe(0);
        expect((await h().recvWhenReady(server, pair.server)).rc).toBe(0);
        const ov = tools().plain();
        const r = await recvOverlapped(server, pair.server, ov);
        expect({ rc: r.rc, error: r.error }).toEqual(
          isIfsHandle(server, pair.server)
            ? { rc: 0, error: 'NO_ERROR' }
            : { rc: SOCKET_ERROR, error: pendingError },
        );
        expect(await tools().dequeue(server, port)).toEqual({
          ok: true,
          error: 0,
          bytes: 0,
          key: 3,
          overlapped: ov,
        });
      },
    );

    test(
      caps.connectionOriented,
      'a receive pending when the peer resets: the packet is FALSE with ERROR_NETNAME_DELETED and 0 bytes, Internal STATUS_CONNECTION_RESET, and WSAGetOverlappedResult says WSAECONNRESET',
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const port = tools().port(server);
        tools().associate(server, pair.server, port, 9);
        const ov = tools().plain();
        expect((await recvOverlapped(server, pair.server, ov)).error).toBe(pendingError);
        expect(client.setsockopt(pair.client, SOL_SOCKET, SO_LINGER, { l_onoff: 1, l_linger: 0 }, 4)).toBe(0);
        expect(client.closesocket(pair.client)).toBe(0);
        expect(await tools().dequeue(server, port)).toEqual({
          ok: false,
          error: ERROR_NETNAME_DELETED,
          bytes: 0,
          key: 9,
          overlapped: ov,
        });
        expect(ov.Internal).toBe(STATUS_CONNECTION_RESET);
        expect(await tools().result(server, pair.server, ov)).toEqual({
          ok: false,
          error: wsaErrorName(WSAECONNRESET),
          bytes: 0,
          flags: 0,
        });
      },
    );

    test(
      caps.connectionOriented,
      'closesocket with a receive pending completes it: one packet, FALSE with ERROR_CONNECTION_ABORTED, 0 bytes, the socket key',
      async () => {
        const { server } = h();
        const pair = await h().connectedPair();
        const port = tools().port(server);
        tools().associate(server, pair.server, port, 11);
        const ov = tools().plain();
        expect((await recvOverlapped(server, pair.server, ov)).error).toBe(pendingError);
        expect(server.closesocket(pair.server)).toBe(0);
        expect(await tools().dequeue(server, port)).toEqual({
          ok: false,
          error: ERROR_CONNECTION_ABORTED,
          bytes: 0,
          key: 11,
          overlapped: ov,
        });
        await expectEmpty(server, port);
      },
    );

    test(
      caps.connectionOriented,
      "AcceptEx completes on the listening socket's port with its key (not the accept socket's); ConnectEx on the connecting socket's, with the bytes it sent",
      async () => {
        const { client, server } = h();
        const { listener, target } = await h().listener();
        const port = tools().port(server);
        tools().associate(server, listener, port, 125);
        const accepted = await h().open(server);
        tools().associate(server, accepted, port, 236);
        const AcceptEx = tools().extension<LPFN_ACCEPTEX>(server, listener, WSAID_ACCEPTEX);
        const aov = tools().plain();
        expect(AcceptEx(listener, accepted, new Uint8Array(2 * SLOT), 0, SLOT, SLOT, out(0), aov)).toBe(
          false,
        );
        const s = await h().open(client);
        await h().bind(client, s, h().env.addresses.clientBind());
        const cport = server === client ? port : tools().port(client);
        tools().associate(client, s, cport, 77);
        const ConnectEx = tools().extension<LPFN_CONNECTEX>(client, s, WSAID_CONNECTEX);
        const cov = tools().plain();
        expect(ConnectEx(s, target, SOCKADDR_STORAGE_SIZE, utf8('abc'), 3, out(0), cov)).toBe(false);
        const seen = [await tools().dequeue(server, port)];
        seen.push(await tools().dequeue(client, cport));
        expect(seen).toEqual(
          expect.arrayContaining([
            { ok: true, error: 0, bytes: 0, key: 125, overlapped: aov },
            { ok: true, error: 0, bytes: 3, key: 77, overlapped: cov },
          ]),
        );
      },
    );

    test(
      caps.connectionOriented,
      'GetQueuedCompletionStatusEx takes several packets at once; a completion routine runs as an APC with (error, bytes, OVERLAPPED, flags), queues no packet, and ends an alertable wait with WAIT_IO_COMPLETION',
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const port = tools().port(server);
        tools().associate(server, pair.server, port, 5);
        const first = tools().plain();
        const second = tools().plain();
        expect((await recvOverlapped(server, pair.server, first, 1)).error).toBe(pendingError);
        expect((await recvOverlapped(server, pair.server, second, 1)).error).toBe(pendingError);
        await h().sendMessages(
          client,
          pair.client,
          caps.messageOriented ? [utf8('a'), utf8('b')] : [utf8('ab')],
        );
        const entries: OVERLAPPED_ENTRY[] = [];
        const removed = out(0);
        let total = 0;
        while (total < 2) {
          expect(
            await withinTimeout(
              server.GetQueuedCompletionStatusEx(port, entries, 4, removed, h().timeoutMs, false),
              h().timeoutMs * 2,
              'GQCSEx',
            ),
          ).toBe(true);
          total += removed.value;
        }
        expect(total).toBe(2);

        const calls: unknown[] = [];
        const routine = (error: number, bytes: number, ov: WSAOVERLAPPED, flags: number) => {
          calls.push([error, bytes, ov === third, flags]);
        };
        const third = tools().plain();
        const buf = new Uint8Array(8);
        const rc = await server.WSARecv(pair.server, [{ len: 8, buf }], 1, out(0), out(0), third, routine);
        expect({ rc, error: wsaErrorName(server.WSAGetLastError()) }).toEqual({
          rc: SOCKET_ERROR,
          error: pendingError,
        });
        const alertable = server.GetQueuedCompletionStatusEx(port, entries, 4, removed, h().timeoutMs, true);
        // Sent from a flow of its own: the waiting flow's last error is the wait's (client and
        // server may be one process, and a flow is a thread).
        await Promise.resolve().then(() => h().sendMessages(client, pair.client, [utf8('apc')]));
        expect(await withinTimeout(alertable, h().timeoutMs * 2, 'GQCSEx')).toBe(false);
        expect(server.GetLastError()).toBe(WAIT_IO_COMPLETION);
        expect(calls).toEqual([[0, 3, true, 0]]);
        await expectEmpty(server, port);
      },
    );

    test(
      caps.connectionOriented,
      'WSAIoctl on an associated socket: SIO_GET_EXTENSION_FUNCTION_POINTER overlapped succeeds at once and still queues a packet of 0 bytes (an unknown GUID queues none); SIO_BASE_HANDLE overlapped pends and completes FALSE with ERROR_NOT_SUPPORTED, the output unwritten',
      async () => {
        const { client } = h();
        const s = await h().open(client);
        const port = tools().port(client);
        tools().associate(client, s, port, 123);
        const ov = tools().plain();
        const fn = out<unknown>(null);
        const bytes = out(0);
        expect(
          client.WSAIoctl(s, SIO_GET_EXTENSION_FUNCTION_POINTER, WSAID_ACCEPTEX, 16, fn, 8, bytes, ov, null),
        ).toBe(0);
        expect({ fn: typeof fn.value, bytes: bytes.value }).toEqual({ fn: 'function', bytes: 8 });
        expect(await tools().dequeue(client, port)).toEqual({
          ok: true,
          error: 0,
          bytes: 0,
          key: 123,
          overlapped: ov,
        });
        const unknown = tools().plain();
        expect(
          client.WSAIoctl(
            s,
            SIO_GET_EXTENSION_FUNCTION_POINTER,
            '00000000-dead-beef-0000-000000000000',
            16,
            out(null),
            8,
            out(0),
            unknown,
            null,
          ),
        ).toBe(SOCKET_ERROR);
        await expectEmpty(client, port);
        const base = tools().plain();
        const handle = out<unknown>('unwritten');
        const rc = client.WSAIoctl(s, SIO_BASE_HANDLE, null, 0, handle, 8, out(0), base, null);
        expect({ rc, error: wsaErrorName(client.WSAGetLastError()) }).toEqual({
          rc: SOCKET_ERROR,
          error: pendingError,
        });
        expect(await tools().dequeue(client, port)).toEqual({
          ok: false,
          error: ERROR_NOT_SUPPORTED,
          bytes: 0,
          key: 123,
          overlapped: base,
        });
        expect(handle.value).toBe('unwritten');
      },
    );
  });
}
