/**
 * Socket lifetime: after `closesocket` every call on the handle gives `WSAENOTSOCK`; the last
 * `WSACleanup` invalidates every socket — `WSANOTINITIALISED` until the next `WSAStartup`, then
 * `WSAENOTSOCK` for the old handles — resets their connections (the peer's `FD_CLOSE` carries
 * `WSAECONNABORTED`), and new sockets work again (Microsoft Learn: "WSACleanup function (winsock2.h)").
 * @module
 */

import { WSAENOTSOCK, WSANOTINITIALISED } from '../../../constants/error-codes';
import { FD_CLOSE, FD_READ } from '../../../constants/network-events';
import { FIONREAD, MAKEWORD, SD_SEND } from '../../../constants/socket-api';
import { SO_TYPE, SOL_SOCKET } from '../../../constants/socket-options';
import type { Ws2 } from '../../../dispatcher/ws2';
import type { SOCKET, SockOptValue } from '../../../spi/wsp-types';
import { out } from '../../../types/out-cell';
import type { SOCKADDR } from '../../../types/sockaddr';
import { emptyWsaData } from '../../../types/wsadata';
import { utf8 } from '../byte-patterns';
import { type CallOutcome, failsWith, SOCKADDR_STORAGE_SIZE, succeeds } from '../conformance-harness';
import type { SuiteTools } from '../suite-tools';

/** Every kind of per-socket call once, by name. */
async function callsOn(ws2: Ws2, s: SOCKET, peer: SOCKADDR, r: (rc: number) => CallOutcome) {
  const buf = new Uint8Array(4);
  return {
    getsockname: r(ws2.getsockname(s, out<SOCKADDR | null>(null), out(SOCKADDR_STORAGE_SIZE))),
    getpeername: r(ws2.getpeername(s, out<SOCKADDR | null>(null), out(SOCKADDR_STORAGE_SIZE))),
    getsockopt: r(ws2.getsockopt(s, SOL_SOCKET, SO_TYPE, out<SockOptValue | null>(null), out(4))),
    ioctlsocket: r(ws2.ioctlsocket(s, FIONREAD, out(0))),
    shutdown: r(ws2.shutdown(s, SD_SEND)),
    WSASendDisconnect: r(ws2.WSASendDisconnect(s, null)),
    WSAEventSelect: r(ws2.WSAEventSelect(s, null, 0)),
    send: r(await ws2.send(s, buf, 4, 0)),
    recv: r(await ws2.recv(s, buf, 4, 0)),
    bind: r(await ws2.bind(s, peer, SOCKADDR_STORAGE_SIZE)),
    connect: r(await ws2.connect(s, peer, SOCKADDR_STORAGE_SIZE)),
    closesocket: r(ws2.closesocket(s)),
  };
}

/** Declares the lifetime tests. */
export function lifetimeSuite({ jest, expect, caps, test, h }: SuiteTools): void {
  /** A socket in use: connected, or a bound datagram socket; and an address to aim calls at. */
  async function socketInUse(): Promise<{ s: SOCKET; peer: SOCKADDR; serverSide: SOCKET }> {
    if (caps.connectionless) {
      const pair = await h().datagramPair();
      return { s: pair.client, peer: pair.serverAddress, serverSide: pair.server };
    }
    const pair = await h().connectedPair();
    return { s: pair.client, peer: pair.target, serverSide: pair.server };
  }

  jest.describe('socket lifetime', () => {
    test({ runs: true }, 'after closesocket every call on the handle gives WSAENOTSOCK', async () => {
      const { client } = h();
      const { s, peer } = await socketInUse();
      expect(h().result(client, client.closesocket(s))).toEqual(succeeds(0));
      const outcomes = await callsOn(client, s, peer, (rc) => h().result(client, rc));
      expect(outcomes).toEqual(
        Object.fromEntries(Object.keys(outcomes).map((k) => [k, failsWith(WSAENOTSOCK)])),
      );
    });

    test(
      { runs: true },
      'the last WSACleanup invalidates every socket: WSANOTINITIALISED until WSAStartup, WSAENOTSOCK after, and new sockets work',
      async () => {
        const { client, server } = h();
        const { s, peer, serverSide } = await socketInUse();
        const separate = client !== server;
        const watch =
          separate && !caps.connectionless ? h().watch(server, serverSide, FD_READ | FD_CLOSE) : null;
        const references = client.startupReferences;
        expect(references).toBeGreaterThanOrEqual(1);
        for (let i = 0; i < references; i++) expect(client.WSACleanup()).toBe(0);
        const r = (rc: number): CallOutcome => h().result(client, rc);
        const before = await callsOn(client, s, peer, r);
        expect(before).toEqual(
          Object.fromEntries(Object.keys(before).map((k) => [k, failsWith(WSANOTINITIALISED)])),
        );
        expect(r(client.WSACleanup())).toEqual(failsWith(WSANOTINITIALISED));
        for (let i = 0; i < references; i++)
          expect(client.WSAStartup(MAKEWORD(2, 2), emptyWsaData())).toBe(0);
        const after = await callsOn(client, s, peer, r);
        expect(after).toEqual(Object.fromEntries(Object.keys(after).map((k) => [k, failsWith(WSAENOTSOCK)])));

        // The connection did not outlive the process's sockets: they are reset, as if closed
        // with SO_LINGER {1, 0} (MSDN WSACleanup), so the peer sees an abortive close — FD_CLOSE
        // with WSAECONNABORTED, as after any reset.
        if (watch) {
          await watch.until(FD_CLOSE);
          expect(watch.log.filter((e) => e.startsWith('FD_CLOSE'))).toEqual(['FD_CLOSE:WSAECONNABORTED']);
        }

        // The process works again with the catalog it snapshots now.
        if (caps.connectionless) {
          const fresh = await h().open(client);
          await h().bind(client, fresh, h().env.addresses.clientBind());
          const sent = await client.sendto(fresh, utf8('again'), 5, 0, peer, SOCKADDR_STORAGE_SIZE);
          expect(h().result(client, sent)).toEqual(succeeds(5));
        } else {
          const again = await h().connectedPair();
          await h().sendMessages(client, again.client, [utf8('again')]);
          expect(await h().waitReadable(server, again.server, 5)).toBe(5);
        }
      },
    );
  });
}
