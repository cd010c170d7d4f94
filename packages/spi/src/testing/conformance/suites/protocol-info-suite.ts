/**
 * The provider's identity as applications see it: `SO_PROTOCOL_INFOW`, `WSAEnumProtocolsW`,
 * `SO_TYPE`, `SO_MAX_MSG_SIZE`, `SO_LINGER` and `SO_ERROR` on a new socket.
 * @module
 */

import { WSAEMSGSIZE, WSAENOBUFS } from '../../../constants/error-codes';
import { SO_ERROR, SO_LINGER, SO_TYPE, SOL_SOCKET } from '../../../constants/socket-options';
import type { LINGER } from '../../../spi/wsp-types';
import { out } from '../../../types/out-cell';
import { SIZEOF_WSAPROTOCOL_INFOW, type WSAPROTOCOL_INFOW } from '../../../types/protocol-info';
import { bytePattern } from '../byte-patterns';
import { failsWith, SOCKADDR_STORAGE_SIZE, succeeds } from '../conformance-harness';
import type { Gate } from '../provider-capabilities';
import type { SuiteTools } from '../suite-tools';

/** Messages larger than this are not built just to provoke `WSAEMSGSIZE`. */
const LARGEST_OVERSIZED_PROBE = 16 * 1024 * 1024;

function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

/** Declares the protocol-info and socket-option tests. */
export function protocolInfoSuite({ jest, expect, caps, test, h }: SuiteTools): void {
  jest.describe('protocol info and socket options', () => {
    test(
      { runs: true },
      'SO_PROTOCOL_INFOW reports the declared service flags and the family, type and protocol opened',
      async () => {
        const { client, env } = h();
        const s = await h().open(client);
        const info = h().protocolInfo(client, s);
        const { af, type, protocol } = env.socket;
        expect({
          dwServiceFlags1: hex(info.dwServiceFlags1),
          iAddressFamily: af > 0 ? info.iAddressFamily : af,
          iSocketType: type > 0 ? info.iSocketType : type,
          protocolInRange:
            protocol <= 0 ||
            (protocol >= info.iProtocol && protocol <= info.iProtocol + info.iProtocolMaxOffset),
        }).toEqual({
          dwServiceFlags1: hex(caps.serviceFlags),
          iAddressFamily: af,
          iSocketType: type,
          protocolInRange: true,
        });
        expect(info.ProtocolChain.ChainLen).toBeGreaterThanOrEqual(1);
      },
    );

    test(
      { runs: true },
      "WSAEnumProtocolsW lists the provider's entry, after WSAENOBUFS with the size needed",
      async () => {
        const { client } = h();
        const s = await h().open(client);
        const mine = h().protocolInfo(client, s);
        const needed = out(0);
        expect(h().result(client, client.WSAEnumProtocolsW(null, null, needed))).toEqual(
          failsWith(WSAENOBUFS),
        );
        expect(needed.value).toBeGreaterThanOrEqual(SIZEOF_WSAPROTOCOL_INFOW);
        expect(needed.value % SIZEOF_WSAPROTOCOL_INFOW).toBe(0);
        const entries: WSAPROTOCOL_INFOW[] = [];
        const n = client.WSAEnumProtocolsW(null, entries, needed);
        expect(n).toBe(needed.value / SIZEOF_WSAPROTOCOL_INFOW);
        const listed = entries.find((e) => e.dwCatalogEntryId === mine.dwCatalogEntryId);
        expect(
          listed && {
            id: listed.dwCatalogEntryId,
            flags: hex(listed.dwServiceFlags1),
            name: listed.szProtocol,
          },
        ).toEqual({
          id: mine.dwCatalogEntryId,
          flags: hex(caps.serviceFlags),
          name: mine.szProtocol,
        });
        if (mine.iProtocol !== 0) {
          const filtered: WSAPROTOCOL_INFOW[] = [];
          const room = out(needed.value);
          expect(client.WSAEnumProtocolsW([mine.iProtocol, 0], filtered, room)).toBeGreaterThanOrEqual(1);
          expect(filtered.map((e) => e.dwCatalogEntryId)).toContain(mine.dwCatalogEntryId);
        }
      },
    );

    test({ runs: true }, 'SO_TYPE is the socket type of the entry, and SO_ERROR starts at 0', async () => {
      const { client } = h();
      const s = await h().open(client);
      const info = h().protocolInfo(client, s);
      expect(Number(h().option(client, s, SO_TYPE))).toBe(info.iSocketType);
      expect(Number(h().option(client, s, SO_ERROR))).toBe(0);
    });

    const messageGate: Gate =
      caps.connectionless || caps.messageOriented
        ? { runs: true }
        : {
            runs: false,
            reason: 'provider lacks XP1_MESSAGE_ORIENTED (SO_MAX_MSG_SIZE means nothing on a byte stream)',
          };
    test(
      messageGate,
      'SO_MAX_MSG_SIZE is positive and a larger message is refused with WSAEMSGSIZE',
      async () => {
        const { client } = h();
        let s: number;
        let send: (data: Uint8Array) => Promise<number>;
        if (caps.connectionless) {
          const pair = await h().datagramPair();
          s = pair.client;
          send = (data) =>
            client.sendto(s, data, data.byteLength, 0, pair.serverAddress, SOCKADDR_STORAGE_SIZE);
        } else {
          const pair = await h().connectedPair();
          s = pair.client;
          send = (data) => client.send(s, data, data.byteLength, 0);
        }
        const max = h().maxMessageSize(client, s);
        expect(max).toBeGreaterThan(0);
        if (max < LARGEST_OVERSIZED_PROBE) {
          const rc = await send(bytePattern(max + 1));
          expect(h().result(client, rc)).toEqual(failsWith(WSAEMSGSIZE));
        }
        const fits = Math.min(max, 1024);
        expect(h().result(client, await send(bytePattern(fits)))).toEqual(succeeds(fits));
      },
    );

    test(
      caps.connectionOriented,
      'SO_LINGER starts off and keeps what setsockopt sets ({1, 0} and {1, 5})',
      async () => {
        const { client } = h();
        const s = await h().open(client);
        expect((h().option(client, s, SO_LINGER) as LINGER).l_onoff).toBe(0);
        for (const linger of [
          { l_onoff: 1, l_linger: 0 },
          { l_onoff: 1, l_linger: 5 },
        ]) {
          expect(h().result(client, client.setsockopt(s, SOL_SOCKET, SO_LINGER, linger, 4))).toEqual(
            succeeds(0),
          );
          const read = h().option(client, s, SO_LINGER) as LINGER;
          expect({ l_onoff: read.l_onoff ? 1 : 0, l_linger: read.l_linger }).toEqual(linger);
        }
      },
    );
  });
}
