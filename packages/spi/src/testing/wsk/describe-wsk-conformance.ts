/**
 * `describeWskConformance`: the documented rules of each WSK call on a connection-oriented
 * transport, as a WSK client on Windows relies on them — written from the wsk.h reference pages,
 * not from this implementation — run over any transport with the same setup as
 * `describeWskInterop`:
 *
 * - state rules: `WskConnect` only on a socket bound with `WskBind` (Windows does not bind
 *   implicitly), `WskBind` once, the address queries' `STATUS_INVALID_DEVICE_STATE`, the reserved
 *   `Flags`;
 * - `IoStatus.Information`: bytes sent and received, the socket `WskAccept` made;
 * - `WskSend` of exactly `Offset`/`Length` across an MDL chain;
 * - `WskReceive` with `WSK_FLAG_WAITALL`, `WSK_FLAG_DRAIN` (zero-length buffer only, not with
 *   WAITALL), zero length, and its precedence over `WskReceiveEvent`;
 * - receive indications accepted in part, not accepted, or kept until `WskRelease`;
 * - event inheritance through `WskAcceptEvent` only, `WskAccept`'s precedence, a rejected accept;
 * - `WskDisconnect` ordering with queued sends, the abortive form's rules, `WskCloseSocket`
 *   cancelling pending IRPs and resetting a connection not disconnected;
 * - every IRP completed exactly once, and nothing left open: no socket of the registration, and no
 *   socket, server or timer alive once both sides ended (`HandleWatch`).
 * @module
 */

import { SO_LINGER } from '../../constants/socket-options';
import { SOCK_RDM, SOCK_SEQPACKET } from '../../constants/socket-types';
import { isWsaError } from '../../errors/wsa-error';
import { Socket } from '../../socket/socket';
import { out } from '../../types/out-cell';
import type { SOCKADDR } from '../../types/sockaddr';
import { type IO_STATUS_BLOCK, IoCancelIrp, IRP, irpCompletion } from '../../wsk/irp';
import { mdlChain } from '../../wsk/mdl';
import {
  NT_SUCCESS,
  type NTSTATUS,
  STATUS_CANCELLED,
  STATUS_DATA_NOT_ACCEPTED,
  STATUS_INVALID_DEVICE_STATE,
  STATUS_INVALID_PARAMETER,
  STATUS_NOT_SUPPORTED,
  STATUS_PENDING,
  STATUS_REQUEST_NOT_ACCEPTED,
  STATUS_SUCCESS,
} from '../../wsk/ntstatus';
import { wskBuf } from '../../wsk/wsk-buf';
import type { WSK_DATA_INDICATION } from '../../wsk/wsk-client-dispatch';
import type { WSK_PROVIDER_CONNECTION_DISPATCH } from '../../wsk/wsk-connection-dispatch';
import {
  SIO_WSK_QUERY_IDEAL_SEND_BACKLOG,
  WSK_EVENT_ACCEPT,
  WSK_EVENT_DISCONNECT,
  WSK_EVENT_RECEIVE,
  WSK_FLAG_ABORTIVE,
  WSK_FLAG_AT_DISPATCH_LEVEL,
  WSK_FLAG_CONNECTION_SOCKET,
  WSK_FLAG_DRAIN,
  WSK_FLAG_LISTEN_SOCKET,
  WSK_FLAG_WAITALL,
  WskIoctl,
} from '../../wsk/wsk-constants';
import type { WSK_PROVIDER_LISTEN_DISPATCH } from '../../wsk/wsk-listen-dispatch';
import type { WSK_SOCKET } from '../../wsk/wsk-socket-types';
import { bytePattern, concatBytes, firstDifference, utf8 } from '../conformance/byte-patterns';
import { loadJestApi } from '../conformance/jest-api';
import type { WskInteropEnv, WskInteropSetup } from './describe-wsk-interop';
import { HandleWatch } from './handle-watch';
import { WskAcceptRecorder, WskConnectionRecorder, WskTestClient } from './wsk-test-client';

const WSAECONNABORTED = 10053;
const WSAECONNRESET = 10054;
const WSAEDISCON = 10101;

/**
 * Declares the WSK conformance suite (jest) for one connection-oriented transport.
 * @example
 * describeWskConformance({
 *   name: 'TCP over loopback', af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP, halfClose: true,
 *   start: () => { … as for describeWskInterop … },
 *   wskAddress: () => sockaddrIn('127.0.0.1', 0),
 *   winsockAddress: () => sockaddrIn('127.0.0.1', 0),
 * });
 */
export function describeWskConformance(setup: WskInteropSetup): void {
  const { describe, it, expect, beforeEach, afterEach } = loadJestApi();
  const timeout = setup.timeoutMs ?? 60_000;
  const fill = setup.fillBytes ?? 32 * 1024 * 1024;
  const maxMessage = setup.maxMessage ?? Number.POSITIVE_INFINITY;
  const reach = (bound: SOCKADDR): SOCKADDR => setup.reachable?.(bound) ?? bound;
  const messageOriented = setup.type === SOCK_SEQPACKET || setup.type === SOCK_RDM;
  /** What a Winsock peer's receive reports after a graceful close: 0, or `WSAEDISCON` on messages. */
  const gracefulEnd = messageOriented ? WSAEDISCON : 0;

  describe(`WSK conformance over ${setup.name}`, () => {
    let env: WskInteropEnv;
    let client: WskTestClient;
    let peers: Socket[];
    let watch: HandleWatch;
    /** How many times each IRP's completion routine ran. */
    let completions: Map<IRP, number>;

    beforeEach(async () => {
      watch = new HandleWatch();
      env = await setup.start();
      client = await WskTestClient.start(env.wsk);
      peers = [];
      completions = new Map();
    }, timeout);

    afterEach(async () => {
      for (const peer of peers) {
        try {
          peer.close();
        } catch {
          // already closed by the test
        }
      }
      await client.end();
      expect(env.wsk.openSockets(client.registration)).toBe(0);
      expect(env.wsk.verifier.violations).toEqual([]);
      expect([...completions.values()].filter((n) => n !== 1)).toEqual([]);
      await env.end();
      // Nothing the test made (socket, server, timer) outlives it.
      expect(await watch.settle()).toEqual([]);
    }, timeout);

    const conn = (s: WSK_SOCKET) => s.Dispatch as WSK_PROVIDER_CONNECTION_DISPATCH;
    const lis = (s: WSK_SOCKET) => s.Dispatch as WSK_PROVIDER_LISTEN_DISPATCH;

    /** Starts a request with a counted IRP: the returned status, and the final IoStatus. */
    const start = (call: (irp: IRP) => NTSTATUS) => {
      const irp = new IRP();
      const done = irpCompletion(irp).then((io) => {
        completions.set(irp, (completions.get(irp) ?? 0) + 1);
        return io;
      });
      const returned = call(irp);
      return { irp, returned, done };
    };
    /** Runs a request with a counted IRP and waits for it. */
    const run = async (call: (irp: IRP) => NTSTATUS): Promise<IO_STATUS_BLOCK & { returned: NTSTATUS }> => {
      const { returned, done } = start(call);
      const io = await done;
      if (returned !== STATUS_PENDING) expect(io.Status).toBe(returned);
      return { ...io, returned };
    };
    /** True once `promise` settled, after letting the transport run a while (turns, not time). */
    const settledAfterTurns = async (promise: Promise<unknown>, turns = 50): Promise<boolean> => {
      let settled = false;
      void promise.then(() => {
        settled = true;
      });
      for (let i = 0; i < turns && !settled; i++) await new Promise((r) => setImmediate(r));
      return settled;
    };

    const winsockSocket = async (): Promise<Socket> => {
      const s = await Socket.create(env.winsock, setup.af, setup.type, setup.protocol);
      peers.push(s);
      return s;
    };

    /** A Winsock listener. */
    const winsockListener = async (): Promise<Socket> => {
      const listener = await winsockSocket();
      await listener.bind(setup.winsockAddress());
      await listener.listen(4);
      return listener;
    };

    /** A fresh WSK connection socket (not bound). */
    const newConnectionSocket = async (recorder: WskConnectionRecorder | null = null) =>
      client.socket(
        setup.af,
        setup.type,
        setup.protocol,
        WSK_FLAG_CONNECTION_SOCKET,
        recorder?.dispatch ?? null,
        recorder,
      );

    /** A Winsock client connected to a WSK listener whose accepted sockets inherit `events`. */
    const winsockToWsk = async (events: number, prepare: (r: WskConnectionRecorder) => void = () => {}) => {
      const acceptor = new WskAcceptRecorder();
      acceptor.prepare = prepare;
      const listen = await client.listen(
        setup.af,
        setup.type,
        setup.protocol,
        setup.wskAddress(),
        acceptor,
        WSK_EVENT_ACCEPT | events,
      );
      const peer = await winsockSocket();
      await peer.connect(reach(await client.localAddress(listen)));
      const accepted = await acceptor.nth(0);
      return { listen, peer, socket: accepted.socket, recorder: accepted.recorder };
    };

    /** A WSK connection socket (`WskSocket`, `WskBind`, `WskConnect`) connected to a Winsock listener. */
    const wskToWinsock = async (recorder: WskConnectionRecorder | null = null) => {
      const listener = await winsockListener();
      const socket = await newConnectionSocket(recorder);
      expect((await run((irp) => conn(socket).WskBind(socket, setup.wskAddress(), 0, irp))).Status).toBe(
        STATUS_SUCCESS,
      );
      const [accepted, connected] = await Promise.all([
        listener.accept(),
        run((irp) => conn(socket).WskConnect(socket, reach(listener.localAddress()!), 0, irp)),
      ]);
      expect(connected.Status).toBe(STATUS_SUCCESS);
      peers.push(accepted.socket);
      return { peer: accepted.socket, socket };
    };

    const winsockSend = async (peer: Socket, bytes: Uint8Array): Promise<void> => {
      const step = Math.min(maxMessage, 64 * 1024);
      for (let at = 0; at < bytes.byteLength; at += step) {
        await peer.sendAll(bytes.subarray(at, Math.min(bytes.byteLength, at + step)));
      }
    };

    /** Reads until the end (`recv` 0, or an error code such as `WSAECONNRESET`). */
    const winsockReadToEnd = async (peer: Socket): Promise<{ data: Uint8Array; end: number }> => {
      const chunks: Uint8Array[] = [];
      for (;;) {
        let chunk: Uint8Array;
        try {
          chunk = await peer.recv(256 * 1024);
        } catch (error) {
          if (isWsaError(error)) return { data: concatBytes(chunks), end: error.code };
          throw error;
        }
        if (chunk.byteLength === 0) return { data: concatBytes(chunks), end: 0 };
        chunks.push(chunk.slice());
      }
    };

    /** Reads exactly `n` bytes. */
    const winsockReadExactly = async (peer: Socket, n: number): Promise<Uint8Array> => {
      const chunks: Uint8Array[] = [];
      let got = 0;
      while (got < n) {
        const chunk = await peer.recv(n - got);
        if (chunk.byteLength === 0) break;
        chunks.push(chunk.slice());
        got += chunk.byteLength;
      }
      return concatBytes(chunks);
    };

    const receiveInto = (socket: WSK_SOCKET, capacity: number, flags = 0) => {
      const buffer = new Uint8Array(capacity);
      const request = start((irp) => conn(socket).WskReceive(socket, wskBuf(buffer), flags, irp));
      return {
        ...request,
        bytes: request.done.then((io) =>
          buffer.slice(0, typeof io.Information === 'number' ? io.Information : 0),
        ),
      };
    };

    const text = (b: Uint8Array) => new TextDecoder().decode(b);

    describe('state rules of a connection socket', () => {
      it(
        'WskConnect on a socket that was never bound fails with STATUS_INVALID_DEVICE_STATE: WSK does not bind implicitly',
        async () => {
          const listener = await winsockListener();
          const socket = await newConnectionSocket();
          const result = await run((irp) =>
            conn(socket).WskConnect(socket, reach(listener.localAddress()!), 0, irp),
          );
          expect(result.Status).toBe(STATUS_INVALID_DEVICE_STATE);
          // Bound, it connects.
          expect((await run((irp) => conn(socket).WskBind(socket, setup.wskAddress(), 0, irp))).Status).toBe(
            STATUS_SUCCESS,
          );
          const [accepted, connected] = await Promise.all([
            listener.accept(),
            run((irp) => conn(socket).WskConnect(socket, reach(listener.localAddress()!), 0, irp)),
          ]);
          peers.push(accepted.socket);
          expect(connected.Status).toBe(STATUS_SUCCESS);
        },
        timeout,
      );

      it(
        'WskBind a second time fails, and the first binding stays',
        async () => {
          const socket = await newConnectionSocket();
          expect((await run((irp) => conn(socket).WskBind(socket, setup.wskAddress(), 0, irp))).Status).toBe(
            STATUS_SUCCESS,
          );
          const first = await client.localAddress(socket);
          const again = await run((irp) => conn(socket).WskBind(socket, setup.wskAddress(), 0, irp));
          expect(NT_SUCCESS(again.Status)).toBe(false);
          expect(await client.localAddress(socket)).toEqual(first);
        },
        timeout,
      );

      it(
        'WskGetLocalAddress before WskBind and WskGetRemoteAddress before WskConnect are STATUS_INVALID_DEVICE_STATE',
        async () => {
          const socket = await newConnectionSocket();
          const cell = out<SOCKADDR | null>(null);
          expect((await run((irp) => conn(socket).WskGetLocalAddress(socket, cell, irp))).Status).toBe(
            STATUS_INVALID_DEVICE_STATE,
          );
          expect((await run((irp) => conn(socket).WskGetRemoteAddress(socket, cell, irp))).Status).toBe(
            STATUS_INVALID_DEVICE_STATE,
          );
          await run((irp) => conn(socket).WskBind(socket, setup.wskAddress(), 0, irp));
          expect((await run((irp) => conn(socket).WskGetRemoteAddress(socket, cell, irp))).Status).toBe(
            STATUS_INVALID_DEVICE_STATE,
          );
          expect(cell.value).toBeNull();
        },
        timeout,
      );

      it(
        'the reserved Flags of WskBind and WskConnect must be 0 (STATUS_INVALID_PARAMETER)',
        async () => {
          const listener = await winsockListener();
          const socket = await newConnectionSocket();
          expect((await run((irp) => conn(socket).WskBind(socket, setup.wskAddress(), 1, irp))).Status).toBe(
            STATUS_INVALID_PARAMETER,
          );
          await run((irp) => conn(socket).WskBind(socket, setup.wskAddress(), 0, irp));
          expect(
            (await run((irp) => conn(socket).WskConnect(socket, reach(listener.localAddress()!), 1, irp)))
              .Status,
          ).toBe(STATUS_INVALID_PARAMETER);
        },
        timeout,
      );

      it(
        'WskSend, WskReceive and WskDisconnect on a socket never connected fail without throwing',
        async () => {
          const socket = await newConnectionSocket();
          await run((irp) => conn(socket).WskBind(socket, setup.wskAddress(), 0, irp));
          for (const call of [
            (irp: IRP) => conn(socket).WskSend(socket, wskBuf(utf8('x')), 0, irp),
            (irp: IRP) => conn(socket).WskReceive(socket, wskBuf(new Uint8Array(4)), 0, irp),
            (irp: IRP) => conn(socket).WskDisconnect(socket, null, 0, irp),
          ]) {
            const result = await run(call);
            expect(NT_SUCCESS(result.Status)).toBe(false);
            expect(result.Information).toBe(0);
          }
        },
        timeout,
      );

      it(
        'WskConnect on a connected socket fails and leaves the connection working',
        async () => {
          const { peer, socket } = await wskToWinsock();
          const target = reach(peer.localAddress()!);
          const again = await run((irp) => conn(socket).WskConnect(socket, target, 0, irp));
          expect(NT_SUCCESS(again.Status)).toBe(false);
          expect(
            (await run((irp) => conn(socket).WskSend(socket, wskBuf(utf8('still')), 0, irp))).Status,
          ).toBe(STATUS_SUCCESS);
          expect(text(await winsockReadExactly(peer, 5))).toBe('still');
        },
        timeout,
      );

      it(
        'WskGetRemoteAddress of a connected socket is the peer; WskAccept hands over the socket in Information and the remote address',
        async () => {
          const listen = await client.socket(setup.af, setup.type, setup.protocol, WSK_FLAG_LISTEN_SOCKET);
          await run((irp) => lis(listen).WskBind(listen, setup.wskAddress(), 0, irp));
          const peer = await winsockSocket();
          const remote = out<SOCKADDR | null>(null);
          const local = out<SOCKADDR | null>(null);
          const accepting = start((irp) => lis(listen).WskAccept(listen, 0, null, null, local, remote, irp));
          await peer.connect(reach(await client.localAddress(listen)));
          const accepted = await accepting.done;
          expect(accepted.Status).toBe(STATUS_SUCCESS);
          const socket = client.track(accepted.Information as WSK_SOCKET);
          expect(typeof socket).toBe('object');
          expect(remote.value).not.toBeNull();
          expect(local.value).not.toBeNull();
          const cell = out<SOCKADDR | null>(null);
          expect((await run((irp) => conn(socket).WskGetRemoteAddress(socket, cell, irp))).Status).toBe(
            STATUS_SUCCESS,
          );
          expect(cell.value).toEqual(remote.value);
        },
        timeout,
      );
    });

    describe('WskSend and WskReceive', () => {
      it(
        'WskSend completes with Information = the bytes sent, exactly Offset..Offset+Length of an MDL chain',
        async () => {
          const { peer, socket } = await wskToWinsock();
          const chain = mdlChain(utf8('##ab'), utf8('cde'), utf8('fg!!'));
          const result = await run((irp) =>
            conn(socket).WskSend(socket, { Mdl: chain, Offset: 2, Length: 7 }, 0, irp),
          );
          expect(result).toMatchObject({ Status: STATUS_SUCCESS, Information: 7 });
          const single = await run((irp) => conn(socket).WskSend(socket, wskBuf(utf8('XYZ')), 0, irp));
          expect(single).toMatchObject({ Status: STATUS_SUCCESS, Information: 3 });
          expect(text(await winsockReadExactly(peer, 10))).toBe('abcdefgXYZ');
        },
        timeout,
      );

      it(
        'WskReceive: Information = the bytes received; after the peer closes gracefully, STATUS_SUCCESS with 0',
        async () => {
          const { peer, socket } = await wskToWinsock();
          await winsockSend(peer, utf8('hello'));
          const first = receiveInto(socket, 64);
          expect((await first.done).Status).toBe(STATUS_SUCCESS);
          expect(text(await first.bytes)).toBe('hello');
          peer.shutdown(1 /* SD_SEND */);
          const end = await receiveInto(socket, 64).done;
          expect(end).toEqual({ Status: STATUS_SUCCESS, Information: 0 });
        },
        timeout,
      );

      if (messageOriented) {
        it(
          'WSK_FLAG_WAITALL is STATUS_NOT_SUPPORTED on a message-oriented transport (as MSG_WAITALL is WSAEOPNOTSUPP)',
          async () => {
            const { socket } = await wskToWinsock();
            expect((await receiveInto(socket, 10, WSK_FLAG_WAITALL).done).Status).toBe(STATUS_NOT_SUPPORTED);
          },
          timeout,
        );
      } else {
        it(
          'WSK_FLAG_WAITALL completes only when the buffer is full, gathering several arrivals',
          async () => {
            const { peer, socket } = await wskToWinsock();
            const receive = receiveInto(socket, 10, WSK_FLAG_WAITALL);
            await winsockSend(peer, utf8('12345'));
            expect(await settledAfterTurns(receive.done)).toBe(false);
            await winsockSend(peer, utf8('67890'));
            expect(await receive.done).toEqual({ Status: STATUS_SUCCESS, Information: 10 });
            expect(text(await receive.bytes)).toBe('1234567890');
          },
          timeout,
        );

        it(
          "WSK_FLAG_WAITALL completes short at the peer's graceful close, with what arrived",
          async () => {
            const { peer, socket } = await wskToWinsock();
            const receive = receiveInto(socket, 100, WSK_FLAG_WAITALL);
            await winsockSend(peer, utf8('only this'));
            peer.shutdown(1 /* SD_SEND */);
            expect(await receive.done).toEqual({ Status: STATUS_SUCCESS, Information: 9 });
            expect(text(await receive.bytes)).toBe('only this');
          },
          timeout,
        );

        it(
          "the Winsock peer's reset with SO_LINGER {1,0} fails a pending WSK_FLAG_WAITALL receive",
          async () => {
            const { peer, socket } = await wskToWinsock();
            const receive = receiveInto(socket, 100, WSK_FLAG_WAITALL);
            await winsockSend(peer, utf8('part'));
            peer.setOption(SO_LINGER, { l_onoff: 1, l_linger: 0 });
            peer.close();
            const result = await receive.done;
            expect(NT_SUCCESS(result.Status)).toBe(false);
          },
          timeout,
        );
      }

      it(
        'WSK_FLAG_DRAIN needs a zero-length buffer and excludes WSK_FLAG_WAITALL (STATUS_INVALID_PARAMETER)',
        async () => {
          const { socket } = await wskToWinsock();
          expect((await receiveInto(socket, 8, WSK_FLAG_DRAIN).done).Status).toBe(STATUS_INVALID_PARAMETER);
          expect((await receiveInto(socket, 0, WSK_FLAG_DRAIN | WSK_FLAG_WAITALL).done).Status).toBe(
            STATUS_INVALID_PARAMETER,
          );
        },
        timeout,
      );

      it(
        "WSK_FLAG_DRAIN discards what arrives and completes at the peer's graceful close",
        async () => {
          const { peer, socket } = await wskToWinsock();
          const drain = receiveInto(socket, 0, WSK_FLAG_DRAIN);
          await winsockSend(peer, bytePattern(100_000, 3));
          expect(await settledAfterTurns(drain.done)).toBe(false);
          peer.shutdown(1 /* SD_SEND */);
          expect(await drain.done).toEqual({ Status: STATUS_SUCCESS, Information: 0 });
        },
        timeout,
      );

      it(
        'a zero-length WskReceive waits for data (as a zero-byte receive does in Winsock), completes with 0 bytes and leaves the data',
        async () => {
          const { peer, socket } = await wskToWinsock();
          const zero = start((irp) =>
            conn(socket).WskReceive(socket, { Mdl: null, Offset: 0, Length: 0 }, 0, irp),
          );
          expect(zero.returned).toBe(STATUS_PENDING);
          expect(await settledAfterTurns(zero.done)).toBe(false);
          await winsockSend(peer, utf8('ready'));
          expect(await zero.done).toEqual({ Status: STATUS_SUCCESS, Information: 0 });
          expect(text(await receiveInto(socket, 16).bytes)).toBe('ready');
        },
        timeout,
      );

      it(
        'IoCancelIrp on a pending WskReceive completes it once with STATUS_CANCELLED and 0 bytes; the connection still works',
        async () => {
          const { peer, socket } = await wskToWinsock();
          const receive = receiveInto(socket, 16);
          expect(receive.returned).toBe(STATUS_PENDING);
          expect(receive.irp.PendingReturned).toBe(true);
          IoCancelIrp(receive.irp);
          expect(await receive.done).toEqual({ Status: STATUS_CANCELLED, Information: 0 });
          await winsockSend(peer, utf8('after'));
          const next = receiveInto(socket, 16);
          expect(text(await next.bytes)).toBe('after');
        },
        timeout,
      );

      it(
        'SIO_WSK_QUERY_IDEAL_SEND_BACKLOG answers a size (no IRP needed)',
        async () => {
          const { socket } = await wskToWinsock();
          const value = out<unknown>(null);
          const size = out(0);
          const status = conn(socket).WskControlSocket(
            socket,
            WskIoctl,
            SIO_WSK_QUERY_IDEAL_SEND_BACKLOG,
            0,
            0,
            null,
            8,
            value,
            size,
            null,
          );
          expect(status).toBe(STATUS_SUCCESS);
          expect(typeof value.value).toBe('number');
          expect(value.value as number).toBeGreaterThan(0);
        },
        timeout,
      );
    });

    describe('receive events', () => {
      it(
        'a pending WskReceive takes the data before WskReceiveEvent',
        async () => {
          const { peer, socket, recorder } = await winsockToWsk(WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT);
          const receive = receiveInto(socket, 64);
          await winsockSend(peer, utf8('to the IRP'));
          expect(text(await receive.bytes)).toBe('to the IRP');
          expect(recorder.eventsOf('receive')).toEqual([]);
        },
        timeout,
      );

      it(
        'indications from the transport carry WSK_FLAG_AT_DISPATCH_LEVEL',
        async () => {
          const { peer, recorder } = await winsockToWsk(WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT);
          await winsockSend(peer, utf8('flagged'));
          await recorder.until(() => recorder.received().byteLength >= 7);
          for (const event of recorder.eventsOf('receive'))
            expect(event.flags & WSK_FLAG_AT_DISPATCH_LEVEL).toBe(WSK_FLAG_AT_DISPATCH_LEVEL);
        },
        timeout,
      );

      it(
        'a partial accept stops indications until WskReceive, which gets the rest; then they resume',
        async () => {
          let partial = true;
          const { peer, socket, recorder } = await winsockToWsk(
            WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT,
            (r) => {
              r.onReceive = (indication, bytes, accepted) => {
                if (partial && bytes > 3) {
                  partial = false;
                  accepted.value = r.take(indication, 3);
                  return STATUS_SUCCESS;
                }
                r.take(indication);
                return STATUS_SUCCESS;
              };
            },
          );
          await winsockSend(peer, utf8('abcdefgh'));
          await recorder.until(() => recorder.received().byteLength >= 3);
          await winsockSend(peer, utf8('IJ'));
          // No indication while the rest waits for WskReceive.
          expect(await settledAfterTurns(recorder.until(() => recorder.eventsOf('receive').length > 1))).toBe(
            false,
          );
          // What was not accepted comes first, in order; then indications resume.
          const got = text(await receiveInto(socket, 64).bytes);
          expect(got.startsWith('defgh')).toBe(true);
          await recorder.until(() => recorder.received().byteLength - 3 + got.length >= 7);
          expect(`abc${got}${text(recorder.received().subarray(3))}`).toBe('abcdefghIJ');
        },
        timeout,
      );

      it(
        'STATUS_DATA_NOT_ACCEPTED leaves the data with WSK and stops indications; a zero-length WskReceive resumes them with it',
        async () => {
          let refuse = true;
          const { peer, socket, recorder } = await winsockToWsk(
            WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT,
            (r) => {
              r.onReceive = (indication) => {
                if (refuse) return STATUS_DATA_NOT_ACCEPTED;
                r.take(indication);
                return STATUS_SUCCESS;
              };
            },
          );
          await winsockSend(peer, utf8('kept'));
          await recorder.until(() => recorder.eventsOf('receive').length === 1);
          await winsockSend(peer, utf8('+more'));
          expect(await settledAfterTurns(recorder.until(() => recorder.eventsOf('receive').length > 1))).toBe(
            false,
          );
          refuse = false;
          const zero = await run((irp) =>
            conn(socket).WskReceive(socket, { Mdl: null, Offset: 0, Length: 0 }, 0, irp),
          );
          expect(zero.Status).toBe(STATUS_SUCCESS);
          await recorder.until(() => text(recorder.received()) === 'kept+more');
        },
        timeout,
      );

      it(
        'STATUS_PENDING keeps the indication until WskRelease; releasing a list twice or one never indicated is STATUS_INVALID_PARAMETER',
        async () => {
          const kept: WSK_DATA_INDICATION[] = [];
          const { peer, socket, recorder } = await winsockToWsk(
            WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT,
            (r) => {
              r.onReceive = (indication) => {
                if (!indication) return STATUS_SUCCESS;
                kept.push(indication);
                return STATUS_PENDING;
              };
            },
          );
          await winsockSend(peer, utf8('retained'));
          await recorder.until(() => kept.length > 0);
          const list = kept[0]!;
          const { Mdl, Offset, Length } = list.Buffer;
          expect(text(Mdl!.MappedSystemVa.slice(Offset, Offset + Length))).toBe('retained'.slice(0, Length));
          expect(conn(socket).WskRelease(socket, list)).toBe(STATUS_SUCCESS);
          expect(conn(socket).WskRelease(socket, list)).toBe(STATUS_INVALID_PARAMETER);
          const forged: WSK_DATA_INDICATION = { Next: null, Buffer: wskBuf(utf8('forged')) };
          expect(conn(socket).WskRelease(socket, forged)).toBe(STATUS_INVALID_PARAMETER);
          for (const other of kept.splice(1))
            expect(conn(socket).WskRelease(socket, other)).toBe(STATUS_SUCCESS);
        },
        timeout,
      );
    });

    describe('listening sockets', () => {
      it(
        'a socket accepted with WskAccept has every event disabled, even those the listener enabled for WskAcceptEvent',
        async () => {
          const recorder = new WskConnectionRecorder();
          const listen = await client.socket(setup.af, setup.type, setup.protocol, WSK_FLAG_LISTEN_SOCKET);
          await run((irp) => lis(listen).WskBind(listen, setup.wskAddress(), 0, irp));
          expect(client.enableEvents(listen, WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT)).toBe(STATUS_SUCCESS);
          const accepting = start((irp) =>
            lis(listen).WskAccept(listen, 0, recorder, recorder.dispatch, null, null, irp),
          );
          const peer = await winsockSocket();
          await peer.connect(reach(await client.localAddress(listen)));
          const accepted = await accepting.done;
          const socket = client.track(accepted.Information as WSK_SOCKET);
          await winsockSend(peer, utf8('quiet'));
          peer.shutdown(1 /* SD_SEND */);
          let got = '';
          while (got.length < 5) {
            const chunk = text(await receiveInto(socket, 64).bytes);
            if (chunk === '') break;
            got += chunk;
          }
          expect(got).toBe('quiet');
          expect(recorder.events).toEqual([]);
        },
        timeout,
      );

      it(
        'a pending WskAccept takes the connection before WskAcceptEvent',
        async () => {
          const acceptor = new WskAcceptRecorder();
          const listen = await client.listen(
            setup.af,
            setup.type,
            setup.protocol,
            setup.wskAddress(),
            acceptor,
            WSK_EVENT_ACCEPT,
          );
          const accepting = start((irp) => lis(listen).WskAccept(listen, 0, null, null, null, null, irp));
          const peer = await winsockSocket();
          await peer.connect(reach(await client.localAddress(listen)));
          const accepted = await accepting.done;
          expect(accepted.Status).toBe(STATUS_SUCCESS);
          client.track(accepted.Information as WSK_SOCKET);
          expect(acceptor.accepted).toEqual([]);
        },
        timeout,
      );

      it(
        'WskAcceptEvent answering STATUS_REQUEST_NOT_ACCEPTED: WSK closes the socket, the peer sees its connection end',
        async () => {
          const listen = await client.socket(setup.af, setup.type, setup.protocol, WSK_FLAG_LISTEN_SOCKET, {
            WskAcceptEvent: () => STATUS_REQUEST_NOT_ACCEPTED,
            WskInspectEvent: null,
            WskAbortEvent: null,
          });
          await run((irp) => lis(listen).WskBind(listen, setup.wskAddress(), 0, irp));
          expect(client.enableEvents(listen, WSK_EVENT_ACCEPT)).toBe(STATUS_SUCCESS);
          const peer = await winsockSocket();
          // The transport finished the handshake before WSK asked: the Winsock side connects, then
          // reads the end of the connection WSK closed — or, if the reset overtook its connect,
          // connect fails with it.
          let end: number;
          try {
            await peer.connect(reach(await client.localAddress(listen)));
            end = (await winsockReadToEnd(peer)).end;
          } catch (error) {
            if (!isWsaError(error)) throw error;
            end = error.code;
          }
          expect([0, WSAECONNRESET, 10101 /* WSAEDISCON */]).toContain(end);
          // WSK's own close of the rejected socket is not the client's to wait for or answer for.
          await client.close(listen);
          expect(env.wsk.verifier.violations).toEqual([]);
        },
        timeout,
      );
    });

    describe('WskDisconnect and WskCloseSocket', () => {
      it(
        'a graceful WskDisconnect with a final buffer sends after every queued WskSend, then the end; its IRP completes after',
        async () => {
          const { peer, socket } = await wskToWinsock();
          const sends = [utf8('one,'), utf8('two,'), bytePattern(200_000, 5)].map((bytes) =>
            start((irp) => conn(socket).WskSend(socket, wskBuf(bytes), 0, irp)),
          );
          const disconnect = start((irp) =>
            conn(socket).WskDisconnect(socket, wskBuf(utf8('final')), 0, irp),
          );
          const { data, end } = await winsockReadToEnd(peer);
          expect(end).toBe(gracefulEnd);
          const expected = concatBytes([utf8('one,'), utf8('two,'), bytePattern(200_000, 5), utf8('final')]);
          expect(firstDifference(data, expected)).toBeNull();
          for (const s of sends) expect((await s.done).Status).toBe(STATUS_SUCCESS);
          expect((await disconnect.done).Status).toBe(STATUS_SUCCESS);
          // Disconnected: no more sends.
          const late = await run((irp) => conn(socket).WskSend(socket, wskBuf(utf8('late')), 0, irp));
          expect(NT_SUCCESS(late.Status)).toBe(false);
        },
        timeout,
      );

      it(
        'WSK_FLAG_ABORTIVE with a buffer is STATUS_INVALID_PARAMETER (and a verifier violation); the connection is untouched',
        async () => {
          const { peer, socket } = await wskToWinsock();
          const result = await run((irp) =>
            conn(socket).WskDisconnect(socket, wskBuf(utf8('no')), WSK_FLAG_ABORTIVE, irp),
          );
          expect(result.Status).toBe(STATUS_INVALID_PARAMETER);
          expect(env.wsk.verifier.violations.map((v) => v.rule)).toEqual(['abortive-with-buffer']);
          env.wsk.verifier.clear();
          expect((await run((irp) => conn(socket).WskSend(socket, wskBuf(utf8('ok')), 0, irp))).Status).toBe(
            STATUS_SUCCESS,
          );
          expect(text(await winsockReadExactly(peer, 2))).toBe('ok');
        },
        timeout,
      );

      it(
        'an abortive WskDisconnect completes at once, fails the sends still pending, and resets the peer',
        async () => {
          const { peer, socket } = await wskToWinsock();
          // The peer reads nothing: sends until one stays pending (the transports' buffers full).
          const chunk = Math.min(1024 * 1024, maxMessage);
          let sentBytes = 0;
          let big: ReturnType<typeof start> | null = null;
          while (!big && sentBytes < 16 * fill) {
            const send = start((irp) =>
              conn(socket).WskSend(socket, wskBuf(bytePattern(chunk, sentBytes)), 0, irp),
            );
            sentBytes += chunk;
            if (!(await settledAfterTurns(send.done, 20))) big = send;
          }
          expect(big).not.toBeNull();
          const abort = await run((irp) => conn(socket).WskDisconnect(socket, null, WSK_FLAG_ABORTIVE, irp));
          expect(abort.Status).toBe(STATUS_SUCCESS);
          const sent = await big!.done;
          expect(NT_SUCCESS(sent.Status)).toBe(false);
          const { end, data } = await winsockReadToEnd(peer);
          // Cut short: never all the bytes and a graceful end. The peer reads a reset (ISO
          // transport's provider may call the lost data an abort); a Linux peer over TCP still reads
          // what its kernel had buffered before the RST and then, through Node, an end — the RST is
          // on the wire either way.
          expect(data.byteLength).toBeLessThan(sentBytes);
          if (end !== gracefulEnd) expect([WSAECONNRESET, WSAECONNABORTED]).toContain(end);
        },
        timeout,
      );

      it(
        'WskCloseSocket completes pending IRPs (STATUS_CANCELLED) before its own completes',
        async () => {
          const { socket } = await wskToWinsock();
          const order: string[] = [];
          const receive = receiveInto(socket, 16);
          void receive.done.then(() => order.push('receive'));
          const close = await client.close(socket).then((io) => {
            order.push('close');
            return io;
          });
          expect(close.Status).toBe(STATUS_SUCCESS);
          expect((await receive.done).Status).toBe(STATUS_CANCELLED);
          expect(order).toEqual(['receive', 'close']);
        },
        timeout,
      );

      it(
        'WskCloseSocket on a connection not disconnected is abortive: the peer reads WSAECONNRESET',
        async () => {
          const { peer, socket } = await wskToWinsock();
          expect((await client.close(socket)).Status).toBe(STATUS_SUCCESS);
          const { end } = await winsockReadToEnd(peer);
          expect(end).toBe(WSAECONNRESET);
        },
        timeout,
      );

      it(
        'WskCloseSocket after the connection is disconnected both ways does not reset it: the peer reads its end',
        async () => {
          const { peer, socket } = await wskToWinsock();
          peer.shutdown(1 /* SD_SEND */);
          expect((await receiveInto(socket, 8).done).Information).toBe(0);
          expect((await run((irp) => conn(socket).WskDisconnect(socket, null, 0, irp))).Status).toBe(
            STATUS_SUCCESS,
          );
          expect((await client.close(socket)).Status).toBe(STATUS_SUCCESS);
          const { end } = await winsockReadToEnd(peer);
          expect(end).toBe(gracefulEnd);
        },
        timeout,
      );

      it(
        'a socket used after WskCloseSocket: no exception, a failure status, and the verifier records socket-closed',
        async () => {
          const { socket } = await wskToWinsock();
          await client.close(socket);
          const after = await run((irp) => conn(socket).WskSend(socket, wskBuf(utf8('x')), 0, irp));
          expect(NT_SUCCESS(after.Status)).toBe(false);
          expect(env.wsk.verifier.violations.map((v) => v.rule)).toContain('socket-closed');
          env.wsk.verifier.clear();
        },
        timeout,
      );
    });
  });
}
