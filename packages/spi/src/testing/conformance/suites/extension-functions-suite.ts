/**
 * The extension functions of mswsock.h, got per socket with
 * `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)`, as Windows answers them (Wine's tests, run against
 * Windows, and the SDK's documentation): `AcceptEx` and
 * `GetAcceptExSockaddrs`, `ConnectEx`, `DisconnectEx` with and without `TF_REUSE_SOCKET`,
 * `TransmitFile` over a real file, `WSARecvMsg` / `WSASendMsg`, and the base-handle ioctls. Their
 * completions are observed through events and `WSAGetOverlappedResult` here; the completion-port
 * section checks the packets.
 * @module
 */

import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  WSA_IO_PENDING,
  WSA_OPERATION_ABORTED,
  WSAECONNREFUSED,
  WSAEFAULT,
  WSAEINVAL,
  WSAEISCONN,
  WSAEMSGSIZE,
  WSAENOTCONN,
  WSAENOTSOCK,
  WSAEOPNOTSUPP,
  WSAESHUTDOWN,
  wsaErrorName,
} from '../../../constants/error-codes';
import {
  MSG_TRUNC,
  SIO_BASE_HANDLE,
  SIO_BSP_HANDLE,
  SIO_BSP_HANDLE_POLL,
  SIO_BSP_HANDLE_SELECT,
  SIO_GET_EXTENSION_FUNCTION_POINTER,
  SO_UPDATE_ACCEPT_CONTEXT,
  SO_UPDATE_CONNECT_CONTEXT,
  TF_DISCONNECT,
  TF_REUSE_SOCKET,
  WSAID_ACCEPTEX,
  WSAID_CONNECTEX,
  WSAID_DISCONNECTEX,
  WSAID_GETACCEPTEXSOCKADDRS,
  WSAID_TRANSMITFILE,
  WSAID_WSARECVMSG,
  WSAID_WSASENDMSG,
} from '../../../constants/mswsock';
import { STATUS_PENDING } from '../../../constants/ntstatus';
import { INVALID_SOCKET, SD_SEND } from '../../../constants/socket-api';
import { SOL_SOCKET } from '../../../constants/socket-options';
import {
  ERROR_CONNECTION_REFUSED,
  ERROR_INSUFFICIENT_BUFFER,
  ERROR_INVALID_PARAMETER,
} from '../../../constants/win32-errors';
import type { Ws2 } from '../../../dispatcher/ws2';
import type {
  LPFN_ACCEPTEX,
  LPFN_CONNECTEX,
  LPFN_DISCONNECTEX,
  LPFN_GETACCEPTEXSOCKADDRS,
  LPFN_TRANSMITFILE,
  LPFN_WSARECVMSG,
  LPFN_WSASENDMSG,
  WSAMSG,
} from '../../../spi/mswsock-types';
import type { SOCKET } from '../../../spi/wsp-types';
import { out } from '../../../types/out-cell';
import type { SOCKADDR } from '../../../types/sockaddr';
import { withinTimeout } from '../bounded-wait';
import { bytePattern, firstDifference, text, utf8 } from '../byte-patterns';
import { failsWith, SOCKADDR_STORAGE_SIZE, succeeds } from '../conformance-harness';
import { OverlappedTools } from '../overlapped-tools';
import { allOf } from '../provider-capabilities';
import { endOfData, outcomeOf, type SuiteTools } from '../suite-tools';

/** An address slot of `AcceptEx`: `sizeof(SOCKADDR_STORAGE)` + 16, enough for any family. */
const SLOT = SOCKADDR_STORAGE_SIZE + 16;

/** Two socket addresses field by field (in any key order; byte arrays by content). */
function same(a: SOCKADDR | null | undefined, b: SOCKADDR | null | undefined): boolean {
  const canonical = (x: SOCKADDR | null | undefined): string =>
    JSON.stringify(
      x === null || x === undefined
        ? null
        : Object.keys(x)
            .sort()
            .map((k) => {
              const v = (x as unknown as Record<string, unknown>)[k];
              return [k, v instanceof Uint8Array ? [...v] : v];
            }),
    );
  return canonical(a) === canonical(b);
}

/** Declares the extension-function tests. */
export function extensionFunctionsSuite({ jest, expect, caps, test, h }: SuiteTools): void {
  const tools = () => new OverlappedTools(h());
  const lastError = (ws2: Ws2) => wsaErrorName(ws2.WSAGetLastError());
  const pending = { rc: false, error: wsaErrorName(WSA_IO_PENDING) };

  /** A listener, its target, and the server's AcceptEx. */
  async function acceptExSetup() {
    const { listener, target } = await h().listener();
    const AcceptEx = tools().extension<LPFN_ACCEPTEX>(h().server, listener, WSAID_ACCEPTEX);
    return { listener, target, AcceptEx };
  }

  /** A client socket bound to the client's address, and its ConnectEx. */
  async function boundClient() {
    const s = await h().open(h().client);
    await h().bind(h().client, s, h().env.addresses.clientBind());
    const ConnectEx = tools().extension<LPFN_CONNECTEX>(h().client, s, WSAID_CONNECTEX);
    return { s, ConnectEx };
  }

  jest.describe('extension functions (SIO_GET_EXTENSION_FUNCTION_POINTER)', () => {
    test(
      caps.connectionOriented,
      'every Microsoft extension function by its GUID, sizeof(void *) bytes returned; an unknown GUID is WSAEINVAL, short buffers and a missing byte count WSAEFAULT',
      async () => {
        const { client } = h();
        const s = await h().open(client);
        const guids = [
          WSAID_ACCEPTEX,
          WSAID_CONNECTEX,
          WSAID_DISCONNECTEX,
          WSAID_GETACCEPTEXSOCKADDRS,
          WSAID_TRANSMITFILE,
          WSAID_WSARECVMSG,
          WSAID_WSASENDMSG,
        ];
        const answers = guids.map((guid) => {
          const fn = out<unknown>(null);
          const bytes = out(0);
          const rc = client.WSAIoctl(
            s,
            SIO_GET_EXTENSION_FUNCTION_POINTER,
            guid,
            16,
            fn,
            8,
            bytes,
            null,
            null,
          );
          return { rc, type: typeof fn.value, bytes: bytes.value };
        });
        expect(answers).toEqual(guids.map(() => ({ rc: 0, type: 'function', bytes: 8 })));
        const ioctl = (guid: unknown, cbIn: number, fn: unknown, cbOut: number, bytes: unknown) =>
          h().result(
            client,
            client.WSAIoctl(
              s,
              SIO_GET_EXTENSION_FUNCTION_POINTER,
              guid,
              cbIn,
              fn as never,
              cbOut,
              bytes as never,
              null,
              null,
            ),
          );
        const unknown = '00000000-dead-beef-0000-000000000000';
        expect(ioctl(unknown, 16, out(null), 8, out(0))).toEqual(failsWith(WSAEINVAL));
        expect(ioctl(WSAID_ACCEPTEX, 16, out(null), 4, out(0))).toEqual(failsWith(WSAEFAULT));
        expect(ioctl(WSAID_ACCEPTEX, 8, out(null), 8, out(0))).toEqual(failsWith(WSAEFAULT));
        expect(ioctl(WSAID_ACCEPTEX, 16, null, 8, out(0))).toEqual(failsWith(WSAEFAULT));
        expect(ioctl(WSAID_ACCEPTEX, 16, out(null), 8, null)).toEqual(failsWith(WSAEFAULT));
      },
    );

    test(
      caps.connectionOriented,
      'AcceptEx with a receive length and ConnectEx with a send buffer pend, then complete: the accept with the bytes received, ConnectEx with the bytes sent; GetAcceptExSockaddrs and the update-context options give both ends',
      async () => {
        const { client, server } = h();
        const { listener, target, AcceptEx } = await acceptExSetup();
        const accepted = await h().open(server);
        const buffer = new Uint8Array(16 + 2 * SLOT);
        const aov = tools().overlapped(server);
        expect({
          rc: AcceptEx(listener, accepted, buffer, 16, SLOT, SLOT, out(0), aov),
          error: lastError(server),
        }).toEqual(pending);
        expect(aov.Internal).toBe(STATUS_PENDING);
        const { s, ConnectEx } = await boundClient();
        const cov = tools().overlapped(client);
        const hello = utf8('hello');
        expect({
          rc: ConnectEx(s, target, SOCKADDR_STORAGE_SIZE, hello, 5, out(0), cov),
          error: lastError(client),
        }).toEqual(pending);
        expect(await tools().result(client, s, cov)).toEqual({
          ok: true,
          error: 'NO_ERROR',
          bytes: 5,
          flags: 0,
        });
        expect(await tools().result(server, listener, aov)).toEqual({
          ok: true,
          error: 'NO_ERROR',
          bytes: 5,
          flags: 0,
        });
        expect(text(buffer.subarray(0, 5))).toBe('hello');

        expect(
          h().result(server, server.setsockopt(accepted, SOL_SOCKET, SO_UPDATE_ACCEPT_CONTEXT, listener, 8)),
        ).toEqual(succeeds(0));
        expect(
          h().result(client, client.setsockopt(s, SOL_SOCKET, SO_UPDATE_CONNECT_CONTEXT, null, 0)),
        ).toEqual(succeeds(0));
        const GetAcceptExSockaddrs = tools().extension<LPFN_GETACCEPTEXSOCKADDRS>(
          server,
          listener,
          WSAID_GETACCEPTEXSOCKADDRS,
        );
        const local = out<SOCKADDR | null>(null);
        const remote = out<SOCKADDR | null>(null);
        const localLength = out(0);
        const remoteLength = out(0);
        GetAcceptExSockaddrs(buffer, 16, SLOT, SLOT, local, localLength, remote, remoteLength);
        expect({
          local: same(local.value, h().localName(server, accepted)),
          remote: same(remote.value, h().peerName(server, accepted)),
          clientSeesServer: same(h().peerName(client, s), local.value),
          serverSeesClient: same(h().localName(client, s), remote.value),
          lengthsPositive: localLength.value > 0 && remoteLength.value > 0,
        }).toEqual({
          local: true,
          remote: true,
          clientSeesServer: true,
          serverSeesClient: true,
          lengthsPositive: true,
        });

        // The connection carries data both ways.
        await h().sendMessages(server, accepted, [utf8('back')]);
        const r = await h().recvWhenReady(client, s);
        expect({ ...outcomeOf(r), data: text(r.data) }).toEqual({ ...succeeds(4), data: 'back' });
      },
    );

    test(
      caps.connectionOriented,
      "AcceptEx's checks: Internal is STATUS_PENDING even when it fails at once; a listener not listening, a bound accept socket, a second AcceptEx into the same socket → WSAEINVAL; a remote slot of 0 → WSAEFAULT; no OVERLAPPED → ERROR_INVALID_PARAMETER; connect on the socket being accepted into → WSAEINVAL",
      async () => {
        const { server } = h();
        const { listener, target, AcceptEx } = await acceptExSetup();
        const accepted = await h().open(server);
        const buffer = new Uint8Array(2 * SLOT);
        const run = (
          l: SOCKET,
          a: SOCKET,
          remote: number,
          ov: ReturnType<OverlappedTools['plain']> | null,
        ) => {
          const rc = AcceptEx(l, a, buffer, 0, SLOT, remote, out(0), ov);
          return { rc, error: lastError(server), internal: ov?.Internal };
        };
        const notListening = await h().open(server);
        expect(run(notListening, accepted, SLOT, tools().plain())).toEqual({
          rc: false,
          error: 'WSAEINVAL',
          internal: STATUS_PENDING,
        });
        expect(run(listener, INVALID_SOCKET, SLOT, tools().plain())).toEqual({
          rc: false,
          error: 'WSAENOTSOCK',
          internal: STATUS_PENDING,
        });
        expect(run(listener, accepted, 0, tools().plain())).toEqual({
          rc: false,
          error: 'WSAEFAULT',
          internal: STATUS_PENDING,
        });
        expect(run(listener, accepted, SLOT, null)).toEqual({
          rc: false,
          error: wsaErrorName(ERROR_INVALID_PARAMETER),
          internal: undefined,
        });
        const bound = await h().open(server);
        await h().bind(server, bound, h().env.addresses.serverBind());
        expect(run(listener, bound, SLOT, tools().plain())).toEqual({
          rc: false,
          error: 'WSAEINVAL',
          internal: STATUS_PENDING,
        });
        const ov = tools().overlapped(server);
        expect(run(listener, accepted, SLOT, ov)).toEqual({
          rc: false,
          error: wsaErrorName(WSA_IO_PENDING),
          internal: STATUS_PENDING,
        });
        expect(run(listener, accepted, SLOT, tools().plain()).error).toBe('WSAEINVAL');
        expect(h().result(server, await server.connect(accepted, target, SOCKADDR_STORAGE_SIZE))).toEqual(
          failsWith(WSAEINVAL),
        );
        // Closing the listener cancels the pending AcceptEx: ERROR_OPERATION_ABORTED.
        expect(server.closesocket(listener)).toBe(0);
        await tools().signalled(server, ov.hEvent);
        expect(await server.GetOverlappedResult(listener, ov, out(0), false)).toBe(false);
        expect(server.GetLastError()).toBe(WSA_OPERATION_ABORTED);
      },
    );

    test(
      caps.connectionOriented,
      'AcceptEx with address slots too small fails with ERROR_INSUFFICIENT_BUFFER when the connection arrives, and the connection stays queued for accept(); closing the accept socket aborts another AcceptEx with WSA_OPERATION_ABORTED',
      async () => {
        const { client, server } = h();
        const { listener, target, AcceptEx } = await acceptExSetup();
        const accepted = await h().open(server);
        const small = tools().overlapped(server);
        expect(AcceptEx(listener, accepted, new Uint8Array(64), 0, 20, 20, out(0), small)).toBe(false);
        const c = await h().open(client);
        const connecting = h().settled(client, client.connect(c, target, SOCKADDR_STORAGE_SIZE), 'connect');
        await tools().signalled(server, small.hEvent);
        const done = out(0);
        expect(await server.GetOverlappedResult(listener, small, done, false)).toBe(false);
        expect(server.GetLastError()).toBe(ERROR_INSUFFICIENT_BUFFER);
        const queued = await h().acceptOne(listener);
        expect(queued.outcome.error).toBe('NO_ERROR');
        expect((await connecting).error).toBe('NO_ERROR');

        const other = await h().open(server);
        const ov = tools().overlapped(server);
        expect(AcceptEx(listener, other, new Uint8Array(2 * SLOT), 0, SLOT, SLOT, out(0), ov)).toBe(false);
        expect(server.closesocket(other)).toBe(0);
        await tools().signalled(server, ov.hEvent);
        expect(await server.GetOverlappedResult(listener, ov, done, false)).toBe(false);
        expect(server.GetLastError()).toBe(WSA_OPERATION_ABORTED);
        expect(await tools().result(server, listener, ov)).toEqual({
          ok: false,
          error: wsaErrorName(WSA_OPERATION_ABORTED),
          bytes: 0,
          flags: 0,
        });
      },
    );

    test(
      caps.connectionOriented,
      "ConnectEx's checks: an unbound socket → WSAEINVAL, no OVERLAPPED → ERROR_INVALID_PARAMETER, a connected socket → WSAEISCONN; with nobody listening it completes with WSAECONNREFUSED (ERROR_CONNECTION_REFUSED) and the socket may connect again",
      async () => {
        const { client } = h();
        // An address where nobody listens: a listener's, once it is closed.
        const gone = await h().listener();
        h().server.closesocket(gone.listener);
        const unbound = await h().open(client);
        const ConnectEx = tools().extension<LPFN_CONNECTEX>(client, unbound, WSAID_CONNECTEX);
        const run = (s: SOCKET, target: SOCKADDR, ov: ReturnType<OverlappedTools['plain']> | null) => ({
          rc: ConnectEx(s, target, SOCKADDR_STORAGE_SIZE, null, 0, out(0), ov),
          error: lastError(client),
        });
        expect(run(unbound, gone.target, tools().plain())).toEqual({ rc: false, error: 'WSAEINVAL' });
        const { s } = await boundClient();
        expect(run(s, gone.target, null)).toEqual({
          rc: false,
          error: wsaErrorName(ERROR_INVALID_PARAMETER),
        });
        const refused = tools().overlapped(client);
        expect(run(s, gone.target, refused)).toEqual(pending);
        expect(await tools().result(client, s, refused)).toEqual({
          ok: false,
          error: wsaErrorName(WSAECONNREFUSED),
          bytes: 0,
          flags: 0,
        });
        expect(await client.GetOverlappedResult(s, refused, out(0), false)).toBe(false);
        expect(client.GetLastError()).toBe(ERROR_CONNECTION_REFUSED);
        const { listener, target } = await h().listener();
        const accepting = h().acceptOne(listener);
        const again = tools().overlapped(client);
        expect(run(s, target, again)).toEqual(pending);
        expect(await tools().result(client, s, again)).toEqual({
          ok: true,
          error: 'NO_ERROR',
          bytes: 0,
          flags: 0,
        });
        expect((await accepting).outcome.error).toBe('NO_ERROR');
        expect(run(s, target, tools().plain())).toEqual({ rc: false, error: wsaErrorName(WSAEISCONN) });
      },
    );

    test(
      allOf(caps.connectionOriented, caps.requires('XP1_GRACEFUL_CLOSE')),
      `DisconnectEx overlapped pends and completes with 0 bytes; then connect → WSAEISCONN, send → WSAESHUTDOWN, the peer reads ${caps.messageOriented ? 'WSAEDISCON' : '0'}, the names stay readable, and a second DisconnectEx (synchronous) is TRUE with the last error 0`,
      async () => {
        const { client, server } = h();
        const pair = await h().connectedPair();
        const DisconnectEx = tools().extension<LPFN_DISCONNECTEX>(client, pair.client, WSAID_DISCONNECTEX);
        const ov = tools().overlapped(client);
        expect({ rc: DisconnectEx(pair.client, ov, 0, 0), error: lastError(client) }).toEqual(pending);
        await tools().signalled(client, ov.hEvent);
        expect(await tools().result(client, pair.client, ov)).toEqual({
          ok: true,
          error: 'NO_ERROR',
          bytes: 0,
          flags: 0,
        });
        expect(
          h().result(client, await client.connect(pair.client, pair.target, SOCKADDR_STORAGE_SIZE)),
        ).toEqual(failsWith(WSAEISCONN));
        const one = utf8('x');
        expect(h().result(client, await client.send(pair.client, one, 1, 0))).toEqual(
          failsWith(WSAESHUTDOWN),
        );
        expect(outcomeOf(await h().recvWhenReady(server, pair.server))).toEqual(endOfData(caps));
        h().localName(client, pair.client);
        h().peerName(client, pair.client);
        client.WSASetLastError(12345);
        expect({ rc: DisconnectEx(pair.client, null, 0, 0), error: client.WSAGetLastError() }).toEqual({
          rc: true,
          error: 0,
        });
        if (caps.halfClose.runs) {
          // flags 0 is SD_SEND: the other direction still works.
          await h().sendMessages(server, pair.server, [utf8('late')]);
          const r = await h().recvWhenReady(client, pair.client);
          expect({ ...outcomeOf(r), data: text(r.data) }).toEqual({ ...succeeds(4), data: 'late' });
        }
      },
    );

    test(
      caps.connectionOriented,
      "DisconnectEx's checks: not a socket → WSAENOTSOCK; flags other than TF_REUSE_SOCKET, or dwReserved not 0 → WSAEINVAL; an unconnected socket → WSAENOTCONN",
      async () => {
        const { client } = h();
        const s = await h().open(client);
        const DisconnectEx = tools().extension<LPFN_DISCONNECTEX>(client, s, WSAID_DISCONNECTEX);
        const run = (socket: SOCKET, flags: number, reserved: number) => {
          const ov = tools().plain();
          return {
            rc: DisconnectEx(socket, ov, flags, reserved),
            error: lastError(client),
            internal: ov.Internal,
          };
        };
        expect(run(INVALID_SOCKET, 0, 0)).toEqual({
          rc: false,
          error: wsaErrorName(WSAENOTSOCK),
          internal: STATUS_PENDING,
        });
        expect(run(s, 0x80, 0).error).toBe(wsaErrorName(WSAEINVAL));
        expect(run(s, 0, 1).error).toBe(wsaErrorName(WSAEINVAL));
        expect(run(s, 0, 0).error).toBe(wsaErrorName(WSAENOTCONN));
      },
    );

    test(
      allOf(caps.connectionOriented, caps.requires('XP1_GRACEFUL_CLOSE')),
      'DisconnectEx(TF_REUSE_SOCKET): the accepted socket takes the next connection with AcceptEx, the connecting socket connects again with ConnectEx, and data flows on both new connections',
      async () => {
        const { client, server } = h();
        const { listener, target, AcceptEx } = await acceptExSetup();
        const accepted = await h().open(server);
        const { s, ConnectEx } = await boundClient();
        const DisconnectEx = tools().extension<LPFN_DISCONNECTEX>(client, s, WSAID_DISCONNECTEX);
        const ServerDisconnectEx = tools().extension<LPFN_DISCONNECTEX>(server, accepted, WSAID_DISCONNECTEX);
        for (let round = 0; round < 2; round++) {
          const aov = tools().overlapped(server);
          expect(AcceptEx(listener, accepted, new Uint8Array(2 * SLOT), 0, SLOT, SLOT, out(0), aov)).toBe(
            false,
          );
          const cov = tools().overlapped(client);
          expect(ConnectEx(s, target, SOCKADDR_STORAGE_SIZE, null, 0, out(0), cov)).toBe(false);
          expect((await tools().result(client, s, cov)).error).toBe('NO_ERROR');
          expect((await tools().result(server, listener, aov)).error).toBe('NO_ERROR');
          const message = utf8(`round ${round}`);
          await h().sendMessages(client, s, [message]);
          const r = await h().recvWhenReady(server, accepted);
          expect({ ...outcomeOf(r), data: text(r.data) }).toEqual({
            ...succeeds(message.byteLength),
            data: `round ${round}`,
          });
          const dov = tools().overlapped(client);
          expect(DisconnectEx(s, dov, TF_REUSE_SOCKET, 0)).toBe(false);
          expect((await tools().result(client, s, dov)).error).toBe('NO_ERROR');
          const sov = tools().overlapped(server);
          expect(ServerDisconnectEx(accepted, sov, TF_REUSE_SOCKET, 0)).toBe(false);
          expect((await tools().result(server, accepted, sov)).error).toBe('NO_ERROR');
        }
      },
    );

    test(
      caps.byteStream,
      'TransmitFile sends the head, a real file and the tail; TF_DISCONNECT then ends the stream; overlapped, OVERLAPPED.Offset chooses where the file starts',
      async () => {
        const { client, server } = h();
        const dir = mkdtempSync(join(tmpdir(), 'ws2spi-transmitfile-'));
        h().onDispose(() => rmSync(dir, { recursive: true, force: true }));
        const path = join(dir, 'payload.bin');
        const content = bytePattern(200_000, 9);
        writeFileSync(path, content);
        const fd = openSync(path, 'r');
        h().onDispose(() => closeSync(fd));
        const pair = await h().connectedPair();
        const TransmitFile = tools().extension<LPFN_TRANSMITFILE>(client, pair.client, WSAID_TRANSMITFILE);
        const head = utf8('HEAD');
        const tail = utf8('TAIL');
        const ov = tools().overlapped(client);
        ov.Offset = 100_000;
        const started = TransmitFile(
          pair.client,
          fd,
          0,
          0,
          ov,
          { Head: head, HeadLength: 4, Tail: tail, TailLength: 4 },
          0,
        );
        expect({ rc: await started, error: lastError(client) }).toEqual(pending);
        const first = await h().recvExactly(server, pair.server, 4 + 100_000 + 4);
        expect(await tools().result(client, pair.client, ov)).toEqual({
          ok: true,
          error: 'NO_ERROR',
          bytes: 100_008,
          flags: 0,
        });
        expect(
          firstDifference(first, new Uint8Array([...head, ...content.subarray(100_000), ...tail])),
        ).toBeNull();
        // Without an OVERLAPPED the file's own position is used (the start), and the call blocks
        // until everything is sent: the peer reads meanwhile.
        const [sent, second] = await Promise.all([
          TransmitFile(pair.client, fd, 0, 4096, null, null, TF_DISCONNECT),
          h().recvExactly(server, pair.server, content.byteLength),
        ]);
        expect(sent).toBe(true);
        expect(firstDifference(second, content)).toBeNull();
        expect(outcomeOf(await h().recvWhenReady(server, pair.server))).toEqual(endOfData(caps));
      },
    );

    test(
      caps.connectionOriented,
      "TransmitFile's checks: an unconnected socket → WSAENOTCONN (before the flags: TF_REUSE_SOCKET alone too); TF_REUSE_SOCKET without TF_DISCONNECT → WSAEINVAL; after SD_SEND → WSAESHUTDOWN",
      async () => {
        const { client } = h();
        const s = await h().open(client);
        const TransmitFile = tools().extension<LPFN_TRANSMITFILE>(client, s, WSAID_TRANSMITFILE);
        const run = async (socket: SOCKET, flags: number) => ({
          rc: await TransmitFile(socket, null, 0, 0, null, null, flags),
          error: lastError(client),
        });
        expect(await run(s, TF_REUSE_SOCKET)).toEqual({ rc: false, error: 'WSAENOTCONN' });
        const pair = await h().connectedPair();
        expect(await run(pair.client, TF_REUSE_SOCKET)).toEqual({ rc: false, error: 'WSAEINVAL' });
        expect(client.shutdown(pair.client, SD_SEND)).toBe(0);
        expect(await run(pair.client, 0)).toEqual({ rc: false, error: 'WSAESHUTDOWN' });
      },
    );

    test(
      caps.connectionOriented,
      'WSARecvMsg and WSASendMsg are for datagram sockets: on a stream socket WSARecvMsg is WSAEOPNOTSUPP and WSASendMsg WSAEINVAL; without a message both are WSAEFAULT',
      async () => {
        const { client } = h();
        const pair = await h().connectedPair();
        const WSARecvMsg = tools().extension<LPFN_WSARECVMSG>(client, pair.client, WSAID_WSARECVMSG);
        const WSASendMsg = tools().extension<LPFN_WSASENDMSG>(client, pair.client, WSAID_WSASENDMSG);
        const msg = (): WSAMSG => ({
          name: null,
          namelen: 0,
          lpBuffers: [{ len: 4, buf: new Uint8Array(4) }],
          dwBufferCount: 1,
          Control: { len: 0, buf: new Uint8Array(0) },
          dwFlags: 0,
        });
        const result = async (call: Promise<number>) => h().result(client, await call);
        expect(await result(WSARecvMsg(pair.client, msg(), out(0), null, null))).toEqual(
          failsWith(WSAEOPNOTSUPP),
        );
        expect(await result(WSASendMsg(pair.client, msg(), 0, out(0), null, null))).toEqual(
          failsWith(WSAEINVAL),
        );
        expect(await result(WSARecvMsg(pair.client, null, out(0), null, null))).toEqual(failsWith(WSAEFAULT));
        expect(await result(WSASendMsg(pair.client, null, 0, out(0), null, null))).toEqual(
          failsWith(WSAEFAULT),
        );
      },
    );

    test(
      caps.datagram,
      'WSASendMsg sends to lpMsg.name; WSARecvMsg reports the source in lpMsg.name, and a datagram cut to the buffer with MSG_TRUNC and WSAEMSGSIZE',
      async () => {
        const { client, server } = h();
        const pair = await h().datagramPair();
        const WSASendMsg = tools().extension<LPFN_WSASENDMSG>(client, pair.client, WSAID_WSASENDMSG);
        const WSARecvMsg = tools().extension<LPFN_WSARECVMSG>(server, pair.server, WSAID_WSARECVMSG);
        const payload = utf8('datagram!');
        const sent = out(0);
        const sendMsg: WSAMSG = {
          name: pair.serverAddress,
          namelen: SOCKADDR_STORAGE_SIZE,
          lpBuffers: [{ len: payload.byteLength, buf: payload }],
          dwBufferCount: 1,
          Control: { len: 0, buf: new Uint8Array(0) },
          dwFlags: 0,
        };
        expect(h().result(client, await WSASendMsg(pair.client, sendMsg, 0, sent, null, null))).toEqual(
          succeeds(0),
        );
        expect(sent.value).toBe(payload.byteLength);
        const buf = new Uint8Array(4);
        const recvMsg: WSAMSG = {
          name: { sa_family: 0 },
          namelen: SOCKADDR_STORAGE_SIZE,
          lpBuffers: [{ len: 4, buf }],
          dwBufferCount: 1,
          Control: { len: 0, buf: new Uint8Array(0) },
          dwFlags: 0,
        };
        const got = out(0);
        const rc = await withinTimeout(
          WSARecvMsg(pair.server, recvMsg, got, null, null),
          h().timeoutMs,
          'WSARecvMsg',
        );
        expect({
          ...h().result(server, rc),
          got: got.value,
          flags: recvMsg.dwFlags & MSG_TRUNC,
          data: text(buf),
        }).toEqual({
          ...failsWith(WSAEMSGSIZE),
          got: 4,
          flags: MSG_TRUNC,
          data: 'data',
        });
        expect(same(recvMsg.name, pair.clientAddress)).toBe(true);
      },
    );

    test(
      { runs: true },
      'the base-handle ioctls (SIO_BASE_HANDLE, SIO_BSP_HANDLE, SIO_BSP_HANDLE_SELECT, SIO_BSP_HANDLE_POLL) answer a socket, sizeof(SOCKET) bytes; a short output is WSAEFAULT, and so is SIO_BSP_HANDLE_POLL overlapped',
      async () => {
        const { client } = h();
        const s = await h().open(client);
        const codes = [SIO_BASE_HANDLE, SIO_BSP_HANDLE, SIO_BSP_HANDLE_SELECT, SIO_BSP_HANDLE_POLL];
        const answers = codes.map((code) => {
          const handle = out<unknown>(null);
          const bytes = out(0);
          const rc = client.WSAIoctl(s, code, null, 0, handle, 8, bytes, null, null);
          return { rc, type: typeof handle.value, bytes: bytes.value };
        });
        expect(answers).toEqual(codes.map(() => ({ rc: 0, type: 'number', bytes: 8 })));
        expect(
          h().result(client, client.WSAIoctl(s, SIO_BASE_HANDLE, null, 0, out(null), 4, out(0), null, null)),
        ).toEqual(failsWith(WSAEFAULT));
        expect(
          h().result(
            client,
            client.WSAIoctl(s, SIO_BSP_HANDLE_POLL, null, 0, out(null), 8, out(0), tools().plain(), null),
          ),
        ).toEqual(failsWith(WSAEFAULT));
      },
    );
  });
}
