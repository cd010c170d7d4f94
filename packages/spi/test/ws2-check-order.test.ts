import {
  AF_INET,
  CF_ACCEPT,
  emptyWsaData,
  INVALID_SOCKET,
  IPPROTO_TCP,
  MAKEWORD,
  SOCK_STREAM,
  SOCKET_ERROR,
  WSAEFAULT,
  WSAEINPROGRESS,
  WSAENOTCONN,
  WSAENOTSOCK,
  WSANOTINITIALISED,
  wsabuf,
} from '@ws2spi/spi';
import { entry, protocolInfo } from './support/protocol-info';
import { scriptedProvider } from './support/scripted-provider';
import { ws2With } from './support/ws2-process';

const info = protocolInfo({ dwCatalogEntryId: 1001 });

function setup(start = true) {
  const p = scriptedProvider();
  // The provider's own state check: every data call on this provider is "not connected".
  p.overrides.lpWSPSendDisconnect = (_s, _d, errno) => {
    errno.value = WSAENOTCONN;
    return SOCKET_ERROR;
  };
  const ws2 = ws2With([entry('p:a', info)], { 'p:a': p }, { start });
  return { p, ws2 };
}

describe('check order: WSANOTINITIALISED → WSAENOTSOCK → argument errors → state errors', () => {
  it('WSANOTINITIALISED wins over a bad handle and a bad buffer', () => {
    const { ws2 } = setup(false);
    expect(ws2.WSASendDisconnect(12345, { len: 99, buf: new Uint8Array(1) })).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSANOTINITIALISED);
  });

  it('WSAENOTSOCK wins over a bad buffer', () => {
    const { ws2 } = setup();
    expect(ws2.WSASendDisconnect(12345, { len: 99, buf: new Uint8Array(1) })).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAENOTSOCK);
  });

  it('a malformed buffer (WSAEFAULT) wins over the state error, and the provider is not called', async () => {
    const { p, ws2 } = setup();
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    expect(ws2.WSASendDisconnect(s, { len: 99, buf: new Uint8Array(1) })).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAEFAULT);
    expect(p.names()).toEqual(['lpWSPSocket']);
    expect(ws2.WSASendDisconnect(s, wsabuf(new Uint8Array(1)))).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAENOTCONN);
  });

  it('async calls follow the same order', async () => {
    const { ws2 } = setup(false);
    expect(await ws2.recv(1, new Uint8Array(1), 1, 0)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSANOTINITIALISED);
    ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData());
    expect(await ws2.recv(1, new Uint8Array(1), 1, 0)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAENOTSOCK);
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    expect(await ws2.recv(s, new Uint8Array(1), 2, 0)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAEFAULT);
  });
});

describe('last error is per async execution context', () => {
  it('two concurrent flows never see each other’s error', async () => {
    const { p, ws2 } = setup();
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    // recv completes late with WSAENOTCONN; meanwhile the other flow fails with WSAENOTSOCK.
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    p.overrides.lpWSPRecv = async (_s, _b, _c, _n, _f, _o, _r, _t, errno) => {
      await gate;
      errno.value = WSAENOTCONN;
      return SOCKET_ERROR;
    };
    const flowA = (async () => {
      const rc = await ws2.recv(s, new Uint8Array(4), 4, 0);
      await new Promise((r) => setTimeout(r, 5));
      return [rc, ws2.WSAGetLastError()];
    })();
    const flowB = (async () => {
      await Promise.resolve();
      const rc = ws2.closesocket(999999);
      release();
      await new Promise((r) => setTimeout(r, 10));
      return [rc, ws2.WSAGetLastError()];
    })();
    expect(await flowA).toEqual([SOCKET_ERROR, WSAENOTCONN]);
    expect(await flowB).toEqual([SOCKET_ERROR, WSAENOTSOCK]);
  });

  it('WSASetLastError sets only the calling context', async () => {
    const { ws2 } = setup();
    ws2.WSASetLastError(7);
    await Promise.all([
      (async () => {
        ws2.WSASetLastError(1);
        await new Promise((r) => setTimeout(r, 2));
        expect(ws2.WSAGetLastError()).toBe(1);
      })(),
      (async () => {
        await Promise.resolve();
        ws2.WSASetLastError(2);
        await new Promise((r) => setTimeout(r, 1));
        expect(ws2.WSAGetLastError()).toBe(2);
      })(),
    ]);
  });
});

describe('re-entrancy: a call into the provider from its own callback on the same socket is WSAEINPROGRESS', () => {
  it('from a WSAAccept condition function', async () => {
    const { p, ws2 } = setup();
    const listening = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    const other = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    const seen: [number, number][] = [];
    p.overrides.lpWSPAccept = async (_s, _a, _l, condition, data, errno) => {
      await Promise.resolve();
      // The provider calls the condition function synchronously, inside its own call.
      condition!(null, null, null, null, null, null, { value: 0 }, data);
      errno.value = WSAENOTCONN;
      return INVALID_SOCKET;
    };
    await ws2.WSAAccept(
      listening,
      null,
      null,
      () => {
        seen.push([ws2.shutdown(listening, 1), ws2.WSAGetLastError()]);
        seen.push([ws2.shutdown(other, 1), 0]);
        return CF_ACCEPT;
      },
      0,
    );
    expect(seen).toEqual([
      [SOCKET_ERROR, WSAEINPROGRESS],
      [0, 0],
    ]);
    // Outside the provider's call, the same socket is usable again.
    expect(ws2.shutdown(listening, 1)).toBe(0);
  });
});

describe('argument checks come after the handle lookup in every call shape', () => {
  it('a closed handle is WSAENOTSOCK even with malformed arguments', async () => {
    const { ws2 } = setup();
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    expect(ws2.closesocket(s)).toBe(0);
    const bad = [{ len: 9, buf: new Uint8Array(1) }];
    // Each call's own result and error, so one wrong code cannot hide behind a later right one.
    const outcome = async (rc: number | Promise<number>) => [await rc, ws2.WSAGetLastError()];
    const results = [
      await outcome(ws2.WSASend(s, bad, 1, null, 0, null, null)),
      await outcome(ws2.WSARecv(s, bad, 1, null, null, null, null)),
      await outcome(ws2.WSASendTo(s, bad, 1, null, 0, null, 0, null, null)),
      await outcome(ws2.WSARecvFrom(s, bad, 1, null, null, null, null, null, null)),
      await outcome(ws2.send(s, new Uint8Array(1), 9, 0)),
      await outcome(ws2.recv(s, new Uint8Array(1), 9, 0)),
      await outcome(ws2.WSAConnect(s, null, 0, bad[0], null, null, null)),
      await outcome(ws2.ioctlsocket(s, 0x4004667f, null)),
      await outcome(ws2.WSAEnumNetworkEvents(s, null, null)),
      await outcome(ws2.WSAEventSelect(s, { id: 0, signalled: false }, 0)),
      await outcome(ws2.WSARecvDisconnect(s, bad[0])),
    ];
    expect(results).toEqual(new Array(results.length).fill([SOCKET_ERROR, WSAENOTSOCK]));
    expect(await ws2.WSAAccept(s, null, null, 'not a function' as never, 0)).toBe(INVALID_SOCKET);
    expect(ws2.WSAGetLastError()).toBe(WSAENOTSOCK);
  });

  it('on a live handle the same malformed arguments are WSAEFAULT, and the provider is not called', async () => {
    const { p, ws2 } = setup();
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    const bad = [{ len: 9, buf: new Uint8Array(1) }];
    expect(await ws2.WSASend(s, bad, 1, null, 0, null, null)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAEFAULT);
    expect(await ws2.recv(s, new Uint8Array(1), 9, 0)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAEFAULT);
    expect(ws2.ioctlsocket(s, 0x4004667f, null)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAEFAULT);
    expect(p.names()).toEqual(['lpWSPSocket']);
  });
});
