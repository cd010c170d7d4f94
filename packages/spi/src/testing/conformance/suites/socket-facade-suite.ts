/**
 * A few of the same semantics through the idiomatic `Socket` face: async calls, failures thrown as
 * `WsaError` with the Windows code, `sendDisconnect`/`recvDisconnect`, connect data in `connect`
 * and `accept`, and datagrams with `sendTo`/`recvFrom`.
 * @module
 */

import { WSAEDISCON, WSAENOPROTOOPT, WSAENOTSOCK } from '../../../constants/error-codes';
import { isWsaError } from '../../../errors/wsa-error';
import { Socket } from '../../../socket/socket';
import type { SOCKADDR } from '../../../types/sockaddr';
import { withinTimeout } from '../bounded-wait';
import { text, utf8 } from '../byte-patterns';
import { allOf } from '../provider-capabilities';
import type { SuiteTools } from '../suite-tools';

/** Declares the `Socket` tests. */
export function socketFacadeSuite({ jest, expect, caps, test, h }: SuiteTools): void {
  /** The code of the `WsaError` that `run` throws (or rejects with); fails if it throws anything else. */
  async function codeOf(run: () => unknown): Promise<number | 'no error'> {
    try {
      await run();
      return 'no error';
    } catch (e) {
      if (!isWsaError(e)) throw e;
      expect(e.message.startsWith(`[${e.symbol}]`)).toBe(true);
      return e.code;
    }
  }

  /** A connected pair of `Socket`s (closed with the test). */
  async function socketPair(options: { callerData?: Uint8Array; calleeData?: Uint8Array } = {}) {
    const { client, server, env } = h();
    const open = async (ws2: typeof client) => {
      const { af, type, protocol, protocolInfo } = env.socket;
      const s = await Socket.create(ws2, af, type, protocol, protocolInfo ?? null);
      h().track(ws2, s.handle);
      return s;
    };
    const listener = await open(server);
    await listener.bind(env.addresses.serverBind());
    await listener.listen();
    const target = env.addresses.serverForClient(listener.localAddress() as SOCKADDR);
    const caller = await open(client);
    let seenCallerData = '';
    const [accepted, connected] = await withinTimeout(
      Promise.all([
        listener.accept(
          options.callerData || options.calleeData
            ? (request) => {
                seenCallerData = text(request.callerData);
                return { accept: true, calleeData: options.calleeData };
              }
            : undefined,
        ),
        caller.connect(target, { callerData: options.callerData }),
      ]),
      h().timeoutMs,
      'Socket.connect + Socket.accept',
    );
    h().track(server, accepted.socket.handle);
    return { caller, callee: accepted.socket, calleeData: text(connected.calleeData), seenCallerData };
  }

  /** `recv` until `n` bytes came (a byte stream may split them). */
  async function readText(s: Socket, n: number): Promise<string> {
    let got = '';
    while (got.length < n) {
      const chunk = await withinTimeout(s.recv(n - got.length), h().timeoutMs, 'Socket.recv');
      if (chunk.byteLength === 0) break;
      got += text(chunk);
    }
    return got;
  }

  jest.describe('the Socket face', () => {
    test(
      allOf(caps.connectionOriented, caps.requires('XP1_GRACEFUL_CLOSE')),
      `Socket: connect, accept, send and recv both ways; after sendDisconnect() the peer reads ${caps.messageOriented ? 'WsaError WSAEDISCON' : 'an empty array'}`,
      async () => {
        const { caller, callee } = await socketPair();
        await caller.sendAll(utf8('question'));
        expect(await readText(callee, 8)).toBe('question');
        await callee.sendAll(utf8('answer'));
        expect(await readText(caller, 6)).toBe('answer');
        caller.sendDisconnect();
        if (caps.messageOriented) expect(await codeOf(() => callee.recv())).toBe(WSAEDISCON);
        else expect((await withinTimeout(callee.recv(), h().timeoutMs, 'Socket.recv')).byteLength).toBe(0);
        callee.close();
        caller.close();
      },
    );

    test(
      { runs: true },
      'Socket: a failure throws WsaError with the Windows code (WSAENOTSOCK after close)',
      async () => {
        const { client, env } = h();
        const { af, type, protocol, protocolInfo } = env.socket;
        const s = await Socket.create(client, af, type, protocol, protocolInfo ?? null);
        s.close();
        expect(await codeOf(() => s.close())).toBe(WSAENOTSOCK);
        expect(await codeOf(() => s.recv())).toBe(WSAENOTSOCK);
        expect(await codeOf(() => s.localAddress())).toBe(WSAENOTSOCK);
      },
    );

    test(
      allOf(caps.connectionOriented, caps.requires('XP1_DISCONNECT_DATA')),
      'Socket: sendDisconnect(data) and recvDisconnect() carry disconnect data',
      async () => {
        const { caller, callee } = await socketPair();
        caller.sendDisconnect(utf8('farewell'));
        const end = await codeOf(async () => {
          const chunk = await withinTimeout(callee.recv(), h().timeoutMs, 'Socket.recv');
          if (chunk.byteLength !== 0)
            throw new Error(`expected the end of data, got ${chunk.byteLength} bytes`);
        });
        expect(end).toBe(caps.messageOriented ? WSAEDISCON : 'no error');
        expect(text(callee.recvDisconnect())).toBe('farewell');
      },
    );

    test(
      allOf(caps.connectionOriented, caps.refuses('XP1_DISCONNECT_DATA')),
      'Socket: sendDisconnect(data) throws WSAENOPROTOOPT and the socket keeps working',
      async () => {
        const { caller, callee } = await socketPair();
        expect(await codeOf(() => caller.sendDisconnect(utf8('farewell')))).toBe(WSAENOPROTOOPT);
        await caller.sendAll(utf8('still here'));
        expect(await readText(callee, 10)).toBe('still here');
      },
    );

    test(
      allOf(caps.connectionOriented, caps.requires('XP1_CONNECT_DATA')),
      'Socket: connect({ callerData }) and accept(condition) exchange connect data',
      async () => {
        const result = await socketPair({ callerData: utf8('hello'), calleeData: utf8('welcome') });
        expect({ seen: result.seenCallerData, callee: result.calleeData }).toEqual({
          seen: 'hello',
          callee: 'welcome',
        });
      },
    );

    test(caps.datagram, 'Socket: sendTo and recvFrom', async () => {
      const { client, server, env } = h();
      const { af, type, protocol, protocolInfo } = env.socket;
      const a = await Socket.create(server, af, type, protocol, protocolInfo ?? null);
      h().track(server, a.handle);
      await a.bind(env.addresses.serverBind());
      const b = await Socket.create(client, af, type, protocol, protocolInfo ?? null);
      h().track(client, b.handle);
      await b.bind(env.addresses.clientBind());
      await b.sendTo(utf8('datagram'), env.addresses.serverForClient(a.localAddress() as SOCKADDR));
      const got = await withinTimeout(a.recvFrom(), h().timeoutMs, 'Socket.recvFrom');
      expect({ data: text(got.data), from: got.from }).toEqual({ data: 'datagram', from: b.localAddress() });
    });
  });
}
