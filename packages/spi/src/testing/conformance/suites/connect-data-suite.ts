/**
 * Connect data and the `WSAAccept` condition function: caller data to the listener, callee data
 * back (`XP1_CONNECT_DATA`); `CF_REJECT` refusing the caller with `WSAECONNREFUSED`; a call into the
 * provider on the listening socket from inside the condition function getting `WSAEINPROGRESS`;
 * and, without the flag, caller data refused with `WSAEPROTONOSUPPORT`.
 * @module
 */

import {
  WSAECONNREFUSED,
  WSAECONNRESET,
  WSAEINPROGRESS,
  WSAEPROTONOSUPPORT,
  wsaErrorName,
} from '../../../constants/error-codes';
import { CF_ACCEPT, CF_REJECT, INVALID_SOCKET } from '../../../constants/socket-api';
import { SO_CONDITIONAL_ACCEPT, SOL_SOCKET } from '../../../constants/socket-options';
import type { LPCONDITIONPROC } from '../../../spi/wsp-proc-table';
import { out } from '../../../types/out-cell';
import type { SOCKADDR } from '../../../types/sockaddr';
import { wsabuf, wsabufBytes } from '../../../types/wsabuf';
import { text, utf8 } from '../byte-patterns';
import { type CallOutcome, failsWith, SOCKADDR_STORAGE_SIZE, succeeds } from '../conformance-harness';
import { allOf } from '../provider-capabilities';
import type { SuiteTools } from '../suite-tools';

/** What a condition function was shown. */
interface ConditionCall {
  callerFamily: number | null;
  callerData: string | null;
  calleeBuffer: 'none' | 'offered';
  callbackData: unknown;
}

/** Declares the connect-data and condition-function tests. */
export function connectDataSuite({ jest, expect, caps, test, h }: SuiteTools): void {
  /** The listener of the running test's `acceptWith` calls (one per test). */
  let current: { test: object; listener: number; target: SOCKADDR } | undefined;

  /** The running test's listener, made on first use (with `SO_CONDITIONAL_ACCEPT` when asked). */
  async function listenerFor(conditional: boolean): Promise<{ listener: number; target: SOCKADDR }> {
    if (current?.test === h()) return current;
    const { server } = h();
    const { listener, target } = await h().listener();
    if (conditional) {
      // Without it TCP completes the connection before the condition runs; with it, the caller waits.
      const rc = server.setsockopt(listener, SOL_SOCKET, SO_CONDITIONAL_ACCEPT, 1, 4);
      expect(h().result(server, rc)).toEqual(succeeds(0));
    }
    current = { test: h(), listener, target };
    return current;
  }

  /** After a rejection, the same listener still accepts the next caller, and data flows. */
  async function expectListenerStillAccepts(seen: ConditionCall[]): Promise<void> {
    const accepted = await acceptWith(recordingCondition(seen, CF_ACCEPT), null);
    expect({ connect: accepted.connect.error, accept: accepted.accept.error }).toEqual({
      connect: 'NO_ERROR',
      accept: 'NO_ERROR',
    });
    const { client, server } = h();
    await h().sendMessages(server, accepted.accept.rc, [utf8('accepted')]);
    expect(text((await h().recvWhenReady(client, accepted.caller)).data)).toBe('accepted');
  }

  /** Runs `WSAAccept` with `condition` alongside `WSAConnect` with the given caller data. */
  async function acceptWith(
    condition: LPCONDITIONPROC,
    callerData: Uint8Array | null,
    conditional = true,
  ): Promise<{
    connect: CallOutcome;
    accept: CallOutcome;
    callee: { len: number; data: string };
    caller: number;
    family: number;
  }> {
    const { client, server } = h();
    const { listener, target } = await listenerFor(conditional);
    const s = await h().open(client);
    const callee = wsabuf(64);
    const accepting = h().settled(
      server,
      server.WSAAccept(listener, out<SOCKADDR | null>(null), out(SOCKADDR_STORAGE_SIZE), condition, 0x5eed),
      'WSAAccept',
    );
    const connecting = h().settled(
      client,
      client.WSAConnect(
        s,
        target,
        SOCKADDR_STORAGE_SIZE,
        callerData ? wsabuf(callerData) : null,
        callee,
        null,
        null,
      ),
      'WSAConnect',
    );
    const [accept, connect] = await Promise.all([accepting, connecting]);
    if (accept.rc !== INVALID_SOCKET) h().track(server, accept.rc);
    return {
      connect,
      accept,
      callee: { len: callee.len, data: text(wsabufBytes(callee)) },
      caller: s,
      family: h().protocolInfo(client, s).iAddressFamily,
    };
  }

  /** A condition function that records what it saw and answers `answer` with `calleeData`. */
  function recordingCondition(
    seen: ConditionCall[],
    answer: number,
    calleeData?: Uint8Array,
  ): LPCONDITIONPROC {
    return (callerId, callerData, _sqos, _gqos, _calleeId, lpCalleeData, _g, dwCallbackData) => {
      seen.push({
        callerFamily: callerId ? (callerId.buf as SOCKADDR).sa_family : null,
        callerData: callerData && callerData.len > 0 ? text(wsabufBytes(callerData)) : null,
        calleeBuffer: lpCalleeData && lpCalleeData.len > 0 ? 'offered' : 'none',
        callbackData: dwCallbackData,
      });
      if (calleeData && lpCalleeData) {
        lpCalleeData.buf.set(calleeData, 0);
        lpCalleeData.len = calleeData.byteLength;
      }
      return answer;
    };
  }

  jest.describe('connect data and the accept condition', () => {
    test(
      allOf(caps.connectionOriented, caps.requires('XP1_CONNECT_DATA')),
      'WSAConnect carries caller data to the condition function, and its callee data comes back',
      async () => {
        const seen: ConditionCall[] = [];
        const result = await acceptWith(
          recordingCondition(seen, CF_ACCEPT, utf8('welcome')),
          utf8('hello there'),
        );
        expect({ connect: result.connect.error, accept: result.accept.error }).toEqual({
          connect: 'NO_ERROR',
          accept: 'NO_ERROR',
        });
        expect(seen).toEqual([
          {
            callerFamily: result.family,
            callerData: 'hello there',
            calleeBuffer: 'offered',
            callbackData: 0x5eed,
          },
        ]);
        expect(result.callee).toEqual({ len: 7, data: 'welcome' });
      },
    );

    test(
      caps.conditionalAccept,
      'with SO_CONDITIONAL_ACCEPT, a condition answering CF_REJECT refuses the caller with WSAECONNREFUSED, and the listener keeps accepting',
      async () => {
        const seen: ConditionCall[] = [];
        const rejected = await acceptWith(recordingCondition(seen, CF_REJECT), null);
        expect({ connect: rejected.connect, accept: rejected.accept }).toEqual({
          connect: failsWith(WSAECONNREFUSED),
          accept: { rc: INVALID_SOCKET, error: wsaErrorName(WSAECONNREFUSED) },
        });
        expect(seen.length).toBe(1);
        await expectListenerStillAccepts(seen);
      },
    );

    test(
      allOf(caps.connectionOriented, caps.refuses('XP1_CONNECT_DATA')),
      'without SO_CONDITIONAL_ACCEPT, CF_REJECT resets the connection the caller already has (WSAECONNRESET), and the listener keeps accepting',
      async () => {
        const { client } = h();
        const seen: ConditionCall[] = [];
        const rejected = await acceptWith(recordingCondition(seen, CF_REJECT), null, false);
        expect(rejected.accept).toEqual({ rc: INVALID_SOCKET, error: wsaErrorName(WSAECONNREFUSED) });
        // The stack completed the connection before the condition ran (TCP's SYN-ACK), so the
        // rejection can only reset it. The caller sees the reset on its first recv — or already in
        // connect, when the reset overtakes the completion on its way to the application.
        const seenByCaller =
          rejected.connect.rc === 0
            ? await h()
                .recvWhenReady(client, rejected.caller)
                .then((r) => ({ rc: r.rc, error: r.error }))
            : rejected.connect;
        expect(seenByCaller).toEqual(failsWith(WSAECONNRESET));
        await expectListenerStillAccepts(seen);
      },
    );

    test(
      caps.connectionOriented,
      'a call into the provider on the listening socket from inside the condition function gets WSAEINPROGRESS',
      async () => {
        const { server } = h();
        let inside: CallOutcome | undefined;
        let listenerHandle = INVALID_SOCKET;
        const condition: LPCONDITIONPROC = () => {
          const rc = server.getsockname(
            listenerHandle,
            out<SOCKADDR | null>(null),
            out(SOCKADDR_STORAGE_SIZE),
          );
          inside = h().result(server, rc);
          return CF_ACCEPT;
        };
        const { listener, target } = await h().listener();
        listenerHandle = listener;
        const s = await h().open(h().client);
        const [accept, connect] = await Promise.all([
          h().settled(server, server.WSAAccept(listener, null, null, condition, 0), 'WSAAccept'),
          h().settled(h().client, h().client.connect(s, target, SOCKADDR_STORAGE_SIZE), 'connect'),
        ]);
        if (accept.rc !== INVALID_SOCKET) h().track(server, accept.rc);
        expect({ inside, accept: accept.error, connect: connect.error }).toEqual({
          inside: failsWith(WSAEINPROGRESS),
          accept: 'NO_ERROR',
          connect: 'NO_ERROR',
        });
      },
    );

    test(
      allOf(caps.connectionOriented, caps.refuses('XP1_CONNECT_DATA')),
      'WSAConnect with caller data fails WSAEPROTONOSUPPORT, and the socket can still connect without it',
      async () => {
        const { client } = h();
        const { listener, target } = await h().listener();
        const s = await h().open(client);
        const refused = await h().settled(
          client,
          client.WSAConnect(s, target, SOCKADDR_STORAGE_SIZE, wsabuf(utf8('hello')), null, null, null),
          'WSAConnect',
        );
        expect(refused).toEqual(failsWith(WSAEPROTONOSUPPORT));
        const seen: ConditionCall[] = [];
        const [accept, connect] = await Promise.all([
          h().settled(
            h().server,
            h().server.WSAAccept(listener, null, null, recordingCondition(seen, CF_ACCEPT), 7),
            'WSAAccept',
          ),
          h().settled(
            client,
            client.WSAConnect(s, target, SOCKADDR_STORAGE_SIZE, null, wsabuf(16), null, null),
            'WSAConnect',
          ),
        ]);
        if (accept.rc !== INVALID_SOCKET) h().track(h().server, accept.rc);
        expect({ accept: accept.error, connect: connect.error }).toEqual({
          accept: 'NO_ERROR',
          connect: 'NO_ERROR',
        });
        expect(
          seen.map((c) => ({
            callerData: c.callerData,
            calleeBuffer: c.calleeBuffer,
            callbackData: c.callbackData,
          })),
        ).toEqual([{ callerData: null, calleeBuffer: 'none', callbackData: 7 }]);
      },
    );
  });
}
