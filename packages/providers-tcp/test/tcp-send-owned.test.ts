/**
 * Sends that Node writes from the application's own buffer (`sendOwned`, for sends of 32 KiB and more): a blocking send
 * completes only once the buffer is no longer read, so whatever the application does with it
 * afterwards never reaches the wire; a non-blocking send copies; a send whose buffer is still lent
 * when the socket is closed fails `WSAEINTR` and resets the connection rather than hang or leave
 * Node reading memory the application got back.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  FIONBIO,
  isWsaError,
  out,
  SO_SNDBUF,
  SOCKET_ERROR,
  WSA_IO_PENDING,
  WSAECONNRESET,
  WSAEINTR,
  type WSAOVERLAPPED,
  type WsaError,
} from '@ws2spi/spi';
import { startTcpProcess, type TcpProcess } from './support/tcp-process';
import { closeAll, connectedPair, patternBytes, readToEnd, type TcpPair } from './support/winsock-steps';

const MiB = 1024 * 1024;
/**
 * More than loopback's kernel buffers hold at both ends (Linux autotunes them to at most 4 MiB to
 * send and 6 MiB to receive): a send this large cannot be taken at once.
 */
const LARGE = 16 * MiB;
/** Moving 16 MiB through jest's transformed code on a busy machine takes a while. */
const TIMEOUT_MS = 60_000;

let proc: TcpProcess;
let pair: TcpPair | undefined;

beforeEach(() => {
  proc = startTcpProcess();
});

afterEach(() => {
  closeAll(pair?.client, pair?.server, pair?.listener);
  pair = undefined;
  proc.end();
});

/** Lets Node run its I/O callbacks `turns` times. */
async function loopTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** The index of the first byte where `a` and `b` differ, or -1. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.byteLength !== b.byteLength) return Math.min(a.byteLength, b.byteLength);
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('TCP sends from the application buffer', () => {
  it(
    'a blocking send waits while its buffer is lent, and changing the buffer once it returns changes nothing sent',
    async () => {
      pair = await connectedPair(proc.ws2);
      const { client, server } = pair;
      const buffer = patternBytes(LARGE, 1);
      const expected = buffer.slice();
      let returned = false;
      const sending = client.send(buffer).then((n) => {
        returned = true;
        // The application reuses its buffer the moment send returns.
        buffer.fill(0xee);
        return n;
      });
      // Nobody reads: the kernel cannot hold 16 MiB, so the send is still waiting.
      await loopTurns(50);
      expect(returned).toBe(false);
      const reading = readToEnd(server);
      expect(await sending).toBe(LARGE);
      client.sendDisconnect();
      const received = await reading;
      expect(received.byteLength).toBe(LARGE);
      expect(firstDifference(received, expected)).toBe(-1);
    },
    TIMEOUT_MS,
  );

  it(
    'a non-blocking send copies: changing the buffer right after it returns changes nothing sent',
    async () => {
      pair = await connectedPair(proc.ws2);
      const { client, server } = pair;
      client.setNonBlocking(true);
      // A non-blocking send takes at most SO_SNDBUF bytes; make room for the whole buffer so the
      // large-send path (the one that could lend the buffer) is the one taken.
      client.setOption(SO_SNDBUF, 1024 * 1024);
      const buffer = patternBytes(256 * 1024, 2);
      const expected = buffer.slice();
      const n = await client.send(buffer);
      expect(n).toBe(buffer.byteLength);
      buffer.fill(0xee);
      client.setNonBlocking(false);
      client.sendDisconnect();
      const received = await readToEnd(server);
      expect(firstDifference(received, expected)).toBe(-1);
    },
    TIMEOUT_MS,
  );

  it(
    'an overlapped send pends while its buffer is lent and completes, with the byte count, once it is released',
    async () => {
      pair = await connectedPair(proc.ws2);
      const { client, server } = pair;
      const ws2 = proc.ws2;
      const buffer = patternBytes(LARGE, 3);
      const expected = buffer.slice();
      const overlapped: WSAOVERLAPPED = { Internal: 0, InternalHigh: 0, hEvent: ws2.WSACreateEvent() };
      const rc = await ws2.WSASend(
        client.handle,
        [{ len: LARGE, buf: buffer }],
        1,
        out(0),
        0,
        overlapped,
        null,
      );
      // Nobody reads yet: the request pends, as an overlapped WSASend does on Windows.
      expect([rc, ws2.WSAGetLastError()]).toEqual([SOCKET_ERROR, WSA_IO_PENDING]);
      const reading = readToEnd(server);
      const sent = out(0);
      expect(await ws2.WSAGetOverlappedResult(client.handle, overlapped, sent, true, out(0))).toBe(true);
      expect(sent.value).toBe(LARGE);
      buffer.fill(0xee);
      client.sendDisconnect();
      expect(firstDifference(await reading, expected)).toBe(-1);
    },
    TIMEOUT_MS,
  );

  it(
    'closing the socket while a send still lends its buffer fails the send WSAEINTR and resets the connection',
    async () => {
      pair = await connectedPair(proc.ws2);
      const { client, server } = pair;
      const sending = client.send(patternBytes(LARGE, 4)).then(
        () => 0,
        (e: unknown) => (isWsaError(e) ? (e as WsaError).code : -1),
      );
      await loopTurns(20);
      client.close();
      expect(await sending).toBe(WSAEINTR);
      // The peer gets what was on the wire, then the reset (or, where libuv reports an RST behind
      // unread bytes as the end, the end) — never all 16 MiB, and its reads end.
      let received = 0;
      let failure = 0;
      for (;;) {
        try {
          const data = await server.recv(MiB);
          if (data.byteLength === 0) break;
          received += data.byteLength;
        } catch (e) {
          failure = isWsaError(e) ? e.code : -1;
          break;
        }
      }
      expect([0, WSAECONNRESET]).toContain(failure);
      expect(received).toBeLessThan(LARGE);
    },
    TIMEOUT_MS,
  );

  it(
    'FIONBIO between sends: the lent and the copied bytes arrive in order',
    async () => {
      pair = await connectedPair(proc.ws2);
      const { client, server } = pair;
      const first = patternBytes(4 * MiB, 5);
      const second = patternBytes(64 * 1024, 6);
      const reading = readToEnd(server);
      expect(await client.send(first)).toBe(first.byteLength);
      client.setNonBlocking(true);
      let n = 0;
      while (n === 0) {
        try {
          n = await client.send(second);
        } catch {
          await loopTurns(1);
        }
      }
      expect(proc.ws2.ioctlsocket(client.handle, FIONBIO, out(0))).toBe(0);
      client.sendDisconnect();
      const received = await reading;
      expect(received.byteLength).toBe(first.byteLength + n);
      expect(firstDifference(received.subarray(0, first.byteLength), first)).toBe(-1);
      expect(firstDifference(received.subarray(first.byteLength), second.subarray(0, n))).toBe(-1);
    },
    TIMEOUT_MS,
  );
});
