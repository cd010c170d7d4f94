/**
 * Re-entrancy: a call into a provider on a socket, made from inside that provider's own call on the
 * same socket — by the provider itself, or by an application callback it makes, like a `WSAAccept`
 * condition function — is refused with `WSAEINPROGRESS`. What runs later (an APC, a timer the
 * callback set) is not inside the call, and a call that threw or rejected leaves nothing marked.
 */
import {
  AF_INET,
  CF_ACCEPT,
  INVALID_SOCKET,
  IPPROTO_TCP,
  out,
  SOCK_STREAM,
  SOCKET_ERROR,
  WSAEINPROGRESS,
  WSAENOTCONN,
  WSASYSCALLFAILURE,
  type Ws2,
} from '@ws2spi/spi';
import { entry, protocolInfo } from './support/protocol-info';
import { type ScriptedProvider, scriptedProvider } from './support/scripted-provider';
import { ws2With } from './support/ws2-process';

const info = protocolInfo({ dwCatalogEntryId: 1001 });

let ws2: Ws2;
let p: ScriptedProvider;
let s: number;
let other: number;

beforeEach(async () => {
  p = scriptedProvider();
  ws2 = ws2With([entry('p:a', info)], { 'p:a': p });
  s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  other = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
});
afterEach(() => {
  while (ws2.startupReferences > 0) ws2.WSACleanup();
});

/** `getsockname` on `socket`: its result and the last error. */
function nameOf(socket: number): [number, number] {
  const rc = ws2.getsockname(socket, out(null), out(128));
  return [rc, rc === SOCKET_ERROR ? ws2.WSAGetLastError() : 0];
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('a provider calling the API from inside its own call', () => {
  it('synchronous call: refused on the same socket, allowed on another, and free again afterwards', () => {
    const seen: [number, number][] = [];
    p.overrides.lpWSPShutdown = () => {
      seen.push(nameOf(s), nameOf(other));
      // The re-entrancy refusal comes before argument checks, after the handle lookup.
      seen.push([ws2.WSASendDisconnect(s, { len: 5, buf: new Uint8Array(1) }), ws2.WSAGetLastError()]);
      return 0;
    };
    expect(ws2.shutdown(s, 1)).toBe(0);
    expect(seen).toEqual([
      [SOCKET_ERROR, WSAEINPROGRESS],
      [0, 0],
      [SOCKET_ERROR, WSAEINPROGRESS],
    ]);
    expect(nameOf(s)).toEqual([0, 0]);
  });

  it('asynchronous call: refused during its synchronous part only', async () => {
    const seen: [number, number][] = [];
    p.overrides.lpWSPSend = async () => {
      seen.push(nameOf(s));
      await tick();
      // After its first await the provider runs from the event loop, not inside the caller's call.
      seen.push(nameOf(s));
      return 0;
    };
    expect(await ws2.send(s, new Uint8Array(1), 1, 0)).toBe(0);
    expect(seen).toEqual([
      [SOCKET_ERROR, WSAEINPROGRESS],
      [0, 0],
    ]);
  });

  it('select: every socket in the sets is inside the provider’s synchronous WSPSelect', async () => {
    const seen: [number, number][] = [];
    p.overrides.lpWSPSelect = async () => {
      seen.push(nameOf(other));
      return 0;
    };
    expect(await ws2.select(0, { fd_array: [s] }, { fd_array: [other] }, null, null)).toBe(0);
    expect(seen).toEqual([[SOCKET_ERROR, WSAEINPROGRESS]]);
    expect(nameOf(other)).toEqual([0, 0]);
  });

  it('a call that throws, or rejects, leaves the socket usable', async () => {
    p.overrides.lpWSPShutdown = () => {
      throw new Error('provider bug');
    };
    p.overrides.lpWSPSend = async () => {
      throw new Error('provider bug');
    };
    p.overrides.lpWSPRecv = () => {
      throw new Error('provider bug, before returning a promise');
    };
    expect(ws2.shutdown(s, 1)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSASYSCALLFAILURE);
    expect(await ws2.send(s, new Uint8Array(1), 1, 0)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSASYSCALLFAILURE);
    expect(await ws2.recv(s, new Uint8Array(1), 1, 0)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSASYSCALLFAILURE);
    expect(nameOf(s)).toEqual([0, 0]);
    expect(ws2.providerFailures.map((f) => [f.call, f.reason])).toEqual([
      ['lpWSPShutdown', 'threw'],
      ['lpWSPSend', 'threw or rejected'],
      ['lpWSPRecv', 'threw or rejected'],
    ]);
  });
});

describe('application callbacks', () => {
  it('the WSAAccept condition function is inside the call; a timer it sets is not', async () => {
    const seen: [string, number, number][] = [];
    let later: Promise<void> | undefined;
    p.overrides.lpWSPAccept = async (_s, _a, _l, condition, data, lpErrno) => {
      await tick();
      condition?.(null, null, null, null, null, null, { value: 0 }, data);
      lpErrno.value = WSAENOTCONN;
      return INVALID_SOCKET;
    };
    const rc = await ws2.WSAAccept(
      s,
      null,
      null,
      () => {
        seen.push(['condition', ...nameOf(s)]);
        later = new Promise((resolve) =>
          setTimeout(() => {
            seen.push(['timer', ...nameOf(s)]);
            resolve();
          }, 1),
        );
        return CF_ACCEPT;
      },
      0,
    );
    expect([rc, ws2.WSAGetLastError()]).toEqual([INVALID_SOCKET, WSAENOTCONN]);
    await later;
    expect(seen).toEqual([
      ['condition', SOCKET_ERROR, WSAEINPROGRESS],
      ['timer', 0, 0],
    ]);
  });

  it('an APC queued by the provider runs later, outside the call, even while it is pending', async () => {
    const seen: [number, number][] = [];
    let finish!: () => void;
    p.overrides.lpWSPRecv = (_s, _b, _n, _r, _f, _o, _c, lpThreadId) => {
      p.upcalls?.lpWPUQueueApc(lpThreadId as never, () => seen.push(nameOf(s)), 0, out(0));
      return new Promise((resolve) => {
        finish = () => resolve(0);
      });
    };
    const pending = ws2.recv(s, new Uint8Array(1), 1, 0);
    await tick();
    await tick();
    expect(seen).toEqual([[0, 0]]);
    finish();
    expect(await pending).toBe(0);
  });
});
