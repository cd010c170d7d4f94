/**
 * `describeWskInterop`: the WSK disconnect and interoperability suite every transport runs — TCP
 * and ISO transport over real loopback, the in-memory transport over SimNetwork, or a user's own —
 * each with its own setup. A WSK client (`WskTestClient`) and a Winsock application (`Socket` on a
 * `Ws2` process) talk over the same network, in both directions, and WSK talks to WSK:
 *
 * - the peer's graceful close gives exactly one `WskDisconnectEvent` without `WSK_FLAG_ABORTIVE`,
 *   after all its data; the WSK side can still send until it disconnects (where the transport has
 *   half-close);
 * - the peer's reset (`SO_LINGER {1, 0}` close, or `WskDisconnect` abortive) gives one with
 *   `WSK_FLAG_ABORTIVE`; afterwards sends and receives fail with `STATUS_FILE_FORCED_CLOSED`;
 * - `WskDisconnect` with a final buffer: the peer receives every byte, then the end; the IRP
 *   completes only after the transport finished; a pending graceful IRP completes when an abortive
 *   call or `WskCloseSocket` follows;
 * - every test ends with no verifier violation and nothing left open (`WskDeregister` returns).
 * @module
 */

import { SD_SEND } from '../../constants/socket-api';
import { SO_LINGER } from '../../constants/socket-options';
import type { Ws2 } from '../../dispatcher/ws2';
import { isWsaError } from '../../errors/wsa-error';
import { Socket } from '../../socket/socket';
import type { SOCKADDR } from '../../types/sockaddr';
import type { IO_STATUS_BLOCK } from '../../wsk/irp';
import {
  STATUS_CANCELLED,
  STATUS_CONNECTION_RESET,
  STATUS_FILE_FORCED_CLOSED,
  STATUS_GRACEFUL_DISCONNECT,
  STATUS_SUCCESS,
} from '../../wsk/ntstatus';
import {
  WSK_EVENT_ACCEPT,
  WSK_EVENT_DISCONNECT,
  WSK_EVENT_RECEIVE,
  WSK_FLAG_ABORTIVE,
} from '../../wsk/wsk-constants';
import type { WskSubsystem } from '../../wsk/wsk-registration';
import { bytePattern, concatBytes, firstDifference, utf8 } from '../conformance/byte-patterns';
import { loadJestApi } from '../conformance/jest-api';
import { WskAcceptRecorder, WskConnectionRecorder, WskTestClient } from './wsk-test-client';

/** A running pair of sides: a WSK subsystem with its provider, and a Winsock process. */
export interface WskInteropEnv {
  /** The WSK side: a subsystem with the transport's provider attached. */
  wsk: WskSubsystem;
  /** The Winsock side (in this process or, through `startProviderProcess`, in another). */
  winsock: Ws2;
  /** Ends the Winsock process and releases the networks. */
  end(): Promise<void> | void;
}

/** How one transport runs the suite. */
export interface WskInteropSetup {
  /** Shown in the suite's title. */
  name: string;
  /** The address family both sides open. */
  af: number;
  /** The socket type both sides open. */
  type: number;
  /** The protocol both sides open. */
  protocol: number;
  /** Starts both sides. */
  start(): Promise<WskInteropEnv> | WskInteropEnv;
  /** Where the WSK side binds (an ephemeral port). */
  wskAddress(): SOCKADDR;
  /** Where the Winsock side binds (an ephemeral port). */
  winsockAddress(): SOCKADDR;
  /** The address to connect to for a listener bound at `bound` (a wildcard turned into a host). */
  reachable?(bound: SOCKADDR): SOCKADDR;
  /** The transport keeps receiving after this end's graceful close (TCP); ISO transport's release ends both. */
  halfClose: boolean;
  /** Largest message a Winsock send carries (message-oriented transports); default unlimited. */
  maxMessage?: number;
  /** Bytes enough to fill the transport's buffers between the two sides (default 32 MiB). */
  fillBytes?: number;
  /** Per-test timeout (default 60 s). */
  timeoutMs?: number;
}

const ABORTIVE = (event: { flags: number }): boolean => (event.flags & WSK_FLAG_ABORTIVE) !== 0;

/**
 * Declares the suite (jest) for one transport: a WSK client and a Winsock application, each
 * listening and each connecting, data both ways, graceful and abortive disconnects both ways.
 * @example
 * describeWskInterop({
 *   name: 'TCP over loopback',
 *   af: AF_INET, type: SOCK_STREAM, protocol: IPPROTO_TCP, halfClose: true,
 *   start: () => {
 *     const provider = createWskProvider({ transports: tcpWskTransports() });
 *     const proc = startTcpProcess(); // a Ws2 with the TCP provider, in a child process
 *     return {
 *       wsk: new WskSubsystem({ provider }),
 *       winsock: proc.ws2,
 *       end: () => { proc.end(); provider.dispose(); },
 *     };
 *   },
 *   wskAddress: () => sockaddrIn('127.0.0.1', 0),
 *   winsockAddress: () => sockaddrIn('127.0.0.1', 0),
 * });
 */
export function describeWskInterop(setup: WskInteropSetup): void {
  const jest = loadJestApi();
  const { describe, it, expect, beforeEach, afterEach } = jest;
  const timeout = setup.timeoutMs ?? 60_000;
  const fill = setup.fillBytes ?? 32 * 1024 * 1024;
  const maxMessage = setup.maxMessage ?? Number.POSITIVE_INFINITY;
  const reach = (bound: SOCKADDR): SOCKADDR => setup.reachable?.(bound) ?? bound;

  describe(`WSK ⇄ Winsock over ${setup.name}`, () => {
    let env: WskInteropEnv;
    let client: WskTestClient;
    let peers: Socket[];

    beforeEach(async () => {
      env = await setup.start();
      client = await WskTestClient.start(env.wsk);
      peers = [];
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
      await env.end();
    }, timeout);

    const winsockSocket = async (): Promise<Socket> => {
      const s = await Socket.create(env.winsock, setup.af, setup.type, setup.protocol);
      peers.push(s);
      return s;
    };

    /** A Winsock client connected to a WSK listener whose accepted sockets inherit `events`. */
    const winsockToWsk = async (events: number) => {
      const acceptor = new WskAcceptRecorder();
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
      client.track(accepted.socket);
      return { listen, peer, socket: accepted.socket, recorder: accepted.recorder };
    };

    /** A WSK connection socket connected to a Winsock listener. */
    const wskToWinsock = async (recorder: WskConnectionRecorder | null) => {
      const listener = await winsockSocket();
      await listener.bind(setup.winsockAddress());
      await listener.listen(4);
      const [accepted, socket] = await Promise.all([
        listener.accept(),
        client.connect(
          setup.type,
          setup.protocol,
          setup.wskAddress(),
          reach(listener.localAddress()!),
          recorder,
        ),
      ]);
      peers.push(accepted.socket);
      return { listener, peer: accepted.socket, socket };
    };

    /** Sends `bytes` from Winsock, in messages where the transport keeps them. */
    const winsockSend = async (peer: Socket, bytes: Uint8Array): Promise<void> => {
      for (let at = 0; at < bytes.byteLength; at += Math.min(maxMessage, 64 * 1024)) {
        await peer.sendAll(
          bytes.subarray(at, Math.min(bytes.byteLength, at + Math.min(maxMessage, 64 * 1024))),
        );
      }
    };

    /** Reads until the end (`recv` 0, or `WSAEDISCON` after a message-oriented release). */
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

    const expectSameBytes = (actual: Uint8Array, expected: Uint8Array): void => {
      expect(firstDifference(actual, expected)).toBeNull();
    };

    it(
      "the Winsock peer's graceful close gives one WskDisconnectEvent without WSK_FLAG_ABORTIVE, after all its data",
      async () => {
        const { peer, recorder } = await winsockToWsk(WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT);
        const payload = bytePattern(300_000, 7);
        await winsockSend(peer, payload);
        peer.shutdown(SD_SEND);
        await recorder.untilDisconnected();
        expectSameBytes(recorder.received(), payload);
        const disconnects = recorder.disconnects();
        expect(disconnects).toHaveLength(1);
        expect(ABORTIVE(disconnects[0]!)).toBe(false);
        // Every receive indication came before it.
        expect(recorder.events[recorder.events.length - 1]!.kind).toBe('disconnect');
      },
      timeout,
    );

    it(
      'after the graceful event the WSK side still sends until it disconnects (where the transport has half-close)',
      async () => {
        const { peer, socket, recorder } = await winsockToWsk(WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT);
        await winsockSend(peer, utf8('request'));
        peer.shutdown(SD_SEND);
        await recorder.untilDisconnected();
        const reply = await client.send(socket, utf8('reply after your close'));
        if (setup.halfClose) {
          expect(reply).toEqual({ Status: STATUS_SUCCESS, Information: 22 });
          const disconnected = await client.disconnect(socket, null);
          expect(disconnected.Status).toBe(STATUS_SUCCESS);
          const { data, end } = await winsockReadToEnd(peer);
          expect(new TextDecoder().decode(data)).toBe('reply after your close');
          expect(end).toBe(0);
        } else {
          // The peer's release ended both directions: the send reports that it was released.
          expect(reply.Status).toBe(STATUS_GRACEFUL_DISCONNECT);
          expect((await client.disconnect(socket, null)).Status).toBe(STATUS_SUCCESS);
        }
        // Still exactly one disconnect event once everything is over.
        expect((await client.close(socket)).Status).toBe(STATUS_SUCCESS);
        expect(recorder.disconnects()).toHaveLength(1);
      },
      timeout,
    );

    it(
      "the Winsock peer's reset (SO_LINGER {1, 0}) gives one WskDisconnectEvent with WSK_FLAG_ABORTIVE; then sends and receives fail",
      async () => {
        const { peer, socket, recorder } = await winsockToWsk(WSK_EVENT_DISCONNECT);
        const pending = client.receive(socket, 1024);
        peer.setOption(SO_LINGER, { l_onoff: 1, l_linger: 0 });
        peer.close();
        await recorder.untilDisconnected();
        const disconnects = recorder.disconnects();
        expect(disconnects).toHaveLength(1);
        expect(ABORTIVE(disconnects[0]!)).toBe(true);
        expect((await pending).Status).toBe(STATUS_CONNECTION_RESET);
        expect((await client.send(socket, utf8('x'))).Status).toBe(STATUS_FILE_FORCED_CLOSED);
        expect((await client.receive(socket, 16)).Status).toBe(STATUS_FILE_FORCED_CLOSED);
        expect((await client.disconnect(socket, null)).Status).toBe(STATUS_FILE_FORCED_CLOSED);
      },
      timeout,
    );

    it(
      'WskDisconnect with WSK_FLAG_ABORTIVE resets: the Winsock peer reads WSAECONNRESET',
      async () => {
        const { peer, socket } = await winsockToWsk(0);
        expect((await client.disconnect(socket, null, WSK_FLAG_ABORTIVE)).Status).toBe(STATUS_SUCCESS);
        const { end } = await winsockReadToEnd(peer);
        expect(end).toBe(10054 /* WSAECONNRESET */);
      },
      timeout,
    );

    it(
      'WSK to WSK: an abortive WskDisconnect gives the peer WSK_FLAG_ABORTIVE, a graceful one a graceful event after the final buffer',
      async () => {
        for (const abortive of [true, false]) {
          const acceptor = new WskAcceptRecorder();
          const listen = await client.listen(
            setup.af,
            setup.type,
            setup.protocol,
            setup.wskAddress(),
            acceptor,
            WSK_EVENT_ACCEPT | WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT,
          );
          const caller = new WskConnectionRecorder();
          const socket = await client.connect(
            setup.type,
            setup.protocol,
            setup.wskAddress(),
            reach(await client.localAddress(listen)),
            caller,
          );
          const accepted = await acceptor.nth(0);
          client.track(accepted.socket);
          if (abortive) {
            expect((await client.disconnect(socket, null, WSK_FLAG_ABORTIVE)).Status).toBe(STATUS_SUCCESS);
          } else {
            expect((await client.disconnect(socket, utf8('last words'))).Status).toBe(STATUS_SUCCESS);
          }
          await accepted.recorder.untilDisconnected();
          const [event] = accepted.recorder.disconnects();
          expect(ABORTIVE(event!)).toBe(abortive);
          if (!abortive) expect(new TextDecoder().decode(accepted.recorder.received())).toBe('last words');
          await client.close(socket);
          await client.close(accepted.socket);
          await client.close(listen);
          expect(accepted.recorder.disconnects()).toHaveLength(1);
        }
      },
      timeout,
    );

    it(
      'WskDisconnect with a final buffer: the Winsock peer receives every byte, then the end; the IRP completes only after the transport finished',
      async () => {
        const { peer, socket } = await wskToWinsock(null);
        const body = bytePattern(fill, 3);
        const final = utf8('final buffer');
        const sends: Array<Promise<IO_STATUS_BLOCK>> = [];
        const chunk = Math.min(maxMessage, 256 * 1024);
        for (let at = 0; at < body.byteLength; at += chunk) {
          sends.push(client.send(socket, body.subarray(at, Math.min(body.byteLength, at + chunk))));
        }
        let finished = false;
        const disconnected = client.disconnect(socket, final).then((r) => {
          finished = true;
          return r;
        });
        // The peer has not read: the transport cannot have finished, however long it is given.
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(finished).toBe(false);
        const { data, end } = await winsockReadToEnd(peer);
        expectSameBytes(data, concatBytes([body, final]));
        expect(end === 0 || end === 10101 /* WSAEDISCON, a message-oriented release */).toBe(true);
        expect((await disconnected).Status).toBe(STATUS_SUCCESS);
        for (const send of await Promise.all(sends)) expect(send.Status).toBe(STATUS_SUCCESS);
      },
      timeout,
    );

    for (const follow of ['an abortive WskDisconnect', 'WskCloseSocket'] as const) {
      it(
        `a pending graceful WskDisconnect completes when ${follow} follows`,
        async () => {
          const { peer, socket } = await wskToWinsock(null);
          const sends: Array<Promise<IO_STATUS_BLOCK>> = [];
          const body = bytePattern(fill, 5);
          const chunk = Math.min(maxMessage, 256 * 1024);
          for (let at = 0; at < body.byteLength; at += chunk) {
            sends.push(client.send(socket, body.subarray(at, Math.min(body.byteLength, at + chunk))));
          }
          const final = utf8('never delivered whole');
          const graceful = client.disconnect(socket, final);
          await new Promise((resolve) => setTimeout(resolve, 50));
          const second =
            follow === 'WskCloseSocket'
              ? await client.close(socket)
              : await client.disconnect(socket, null, WSK_FLAG_ABORTIVE);
          expect(second.Status).toBe(STATUS_SUCCESS);
          const first = await graceful;
          expect(first.Status).toBe(STATUS_CANCELLED);
          for (const send of await Promise.all(sends)) {
            expect([STATUS_SUCCESS, STATUS_CANCELLED]).toContain(send.Status);
          }
          // The Winsock side never gets the whole stream: the reset dropped what was still queued.
          // It reads a reset (WSAECONNRESET, or WSAECONNABORTED where the RST cut a TPDU in half)
          // or — where the RST overtook data its kernel still held, a limit of Node's TCP — an
          // early end.
          const { data, end } = await winsockReadToEnd(peer);
          expect(data.byteLength).toBeLessThan(body.byteLength + final.byteLength);
          expect([0, 10053 /* WSAECONNABORTED */, 10054 /* WSAECONNRESET */]).toContain(end);
        },
        timeout,
      );
    }

    it(
      "WSK client to Winsock server: data both ways, and the server's graceful close is a graceful WskDisconnectEvent",
      async () => {
        const recorder = new WskConnectionRecorder();
        const { peer, socket } = await wskToWinsock(recorder);
        expect(client.enableEvents(socket, WSK_EVENT_RECEIVE | WSK_EVENT_DISCONNECT)).toBe(STATUS_SUCCESS);
        expect((await client.send(socket, utf8('hello winsock'))).Status).toBe(STATUS_SUCCESS);
        expect(new TextDecoder().decode(await peer.recv(64))).toBe('hello winsock');
        const answer = bytePattern(100_000, 11);
        await winsockSend(peer, answer);
        peer.shutdown(SD_SEND);
        await recorder.untilDisconnected();
        expectSameBytes(recorder.received(), answer);
        expect(recorder.disconnects().map(ABORTIVE)).toEqual([false]);
        expect((await client.disconnect(socket, null)).Status).toBe(STATUS_SUCCESS);
      },
      timeout,
    );

    it(
      'a WskReceive posted before the data arrives completes with it; the graceful end is STATUS_SUCCESS with 0 bytes',
      async () => {
        const { peer, socket } = await winsockToWsk(0);
        const first = client.receive(socket, 64);
        await winsockSend(peer, utf8('posted first'));
        const got = await first;
        expect(got.Status).toBe(STATUS_SUCCESS);
        expect(new TextDecoder().decode(got.data)).toBe('posted first');
        peer.shutdown(SD_SEND);
        const end = await client.receive(socket, 64);
        expect(end).toEqual({ Status: STATUS_SUCCESS, data: new Uint8Array(0) });
      },
      timeout,
    );
  });
}
