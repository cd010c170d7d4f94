/**
 * Dispatcher behaviours found missing in review: each test failed before its fix.
 */
import { resolve } from 'node:path';
import {
  AF_INET,
  emptyWsaData,
  FROM_PROTOCOL_INFO,
  INVALID_SOCKET,
  IPPROTO_TCP,
  MAKEWORD,
  MSG_PARTIAL,
  out,
  POLLNVAL,
  POLLRDNORM,
  providerHost,
  SOCK_STREAM,
  SOCKET_ERROR,
  WSA_INVALID_HANDLE,
  WSA_INVALID_PARAMETER,
  WSA_WAIT_EVENT_0,
  WSAEAFNOSUPPORT,
  WSAEFAULT,
  WSAEINVAL,
  WSAEMSGSIZE,
  WSANOTINITIALISED,
  WSASYSCALLFAILURE,
  Ws2,
} from '@ws2spi/spi';
import { container } from 'tsyringe';
import * as moduleProvider from './fixtures/providers/module-provider';
import { entry, fixedCatalog, protocolInfo } from './support/protocol-info';
import { scriptedProvider } from './support/scripted-provider';
import { ws2With } from './support/ws2-process';

const info = protocolInfo({ dwCatalogEntryId: 1001, ProviderId: 'eeeeeeee-0000-0000-0000-00000000000e' });

async function started() {
  const p = scriptedProvider();
  const ws2 = ws2With([entry('p:e', info)], { 'p:e': p });
  const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  return { p, ws2, s };
}

describe('review fixes', () => {
  it('recv reports a partial message (MSG_PARTIAL from the provider) as WSAEMSGSIZE in WSAGetLastError', async () => {
    const { p, ws2, s } = await started();
    p.overrides.lpWSPRecv = async (_s, _b, _c, received, flags) => {
      received!.value = 4;
      flags!.value = MSG_PARTIAL;
      return 0;
    };
    expect(await ws2.recv(s, new Uint8Array(4), 4, 0)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAEMSGSIZE);
  });

  it('a WSACleanup while a provider module is still loading starts nothing (no WSPStartup without its WSPCleanup)', async () => {
    const before = moduleProvider.instance.startups.length;
    const ws2 = new Ws2({
      catalog: fixedCatalog([entry(resolve(__dirname, 'fixtures/providers/module-provider.ts'), info)]),
      container: container.createChildContainer(),
    });
    ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData());
    const pending = ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ws2.WSACleanup();
    expect(await pending).toBe(INVALID_SOCKET);
    expect(ws2.WSAGetLastError()).toBe(WSANOTINITIALISED);
    expect(moduleProvider.instance.startups.length).toBe(before);
  });

  it('an upcall table from an ended epoch answers WSANOTINITIALISED even after a new WSAStartup', async () => {
    const { p, ws2 } = await started();
    const oldUpcalls = p.upcalls!;
    ws2.WSACleanup();
    ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData());
    await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    const errno = out(0);
    expect(oldUpcalls.lpWPUCreateSocketHandle(1001, {}, errno)).toBe(INVALID_SOCKET);
    expect(errno.value).toBe(WSANOTINITIALISED);
    // The new epoch's providers share one host, distinct from the old one.
    expect(providerHost(p.upcalls!)).not.toBe(providerHost(oldUpcalls));
  });

  it('WSAAccept: a provider that returns SOCKET_ERROR or an unclaimed handle as the new socket breaks the contract', async () => {
    const { p, ws2, s } = await started();
    p.overrides.lpWSPAccept = async () => 4242;
    expect(await ws2.accept(s, null, null)).toBe(INVALID_SOCKET);
    expect(ws2.WSAGetLastError()).toBe(WSASYSCALLFAILURE);
    expect(ws2.providerFailures.at(-1)?.reason).toMatch(/without claiming it/);
    p.overrides.lpWSPAccept = async () => SOCKET_ERROR;
    expect(await ws2.accept(s, null, null)).toBe(INVALID_SOCKET);
    expect(ws2.WSAGetLastError()).toBe(WSASYSCALLFAILURE);
  });

  it('WSASocketW with lpProtocolInfo takes open arguments from the caller’s struct, and fails WSAEAFNOSUPPORT when it has none', async () => {
    const { ws2 } = await started();
    const forged = {
      ...ws2.catalogSnapshot!.entries[0].info,
      iAddressFamily: -1,
      iSocketType: -1,
      iProtocol: -1,
    };
    expect(await ws2.WSASocketW(0, 0, IPPROTO_TCP, forged, 0, 0)).toBe(INVALID_SOCKET);
    expect(ws2.WSAGetLastError()).toBe(WSAEAFNOSUPPORT);
    expect(await ws2.WSASocketW(FROM_PROTOCOL_INFO, SOCK_STREAM, IPPROTO_TCP, forged, 0, 0)).toBe(
      INVALID_SOCKET,
    );
    expect(ws2.WSAGetLastError()).toBe(WSAEAFNOSUPPORT);
    expect(await ws2.WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, forged, 0, 0)).not.toBe(INVALID_SOCKET);
  });

  it('WSAPoll reports ready sockets next to invalid handles, and counts both', async () => {
    const { p, ws2, s } = await started();
    p.overrides.lpWSPSelect = async (_n, readfds, writefds, exceptfds) => {
      writefds!.fd_array = [];
      exceptfds!.fd_array = [];
      return readfds!.fd_array.length;
    };
    p.overrides.lpWSPIoctl = (_s, _code, _in, _cb, outBuffer) => {
      outBuffer!.value = 3; // three bytes readable: data, not a hang-up
      return 0;
    };
    const fds = [
      { fd: s, events: POLLRDNORM, revents: 0 },
      { fd: 987654, events: POLLRDNORM, revents: 0 },
    ];
    expect(await ws2.WSAPoll(fds, 2, 1000)).toBe(2);
    expect(fds.map((f) => f.revents)).toEqual([POLLRDNORM, POLLNVAL]);
  });

  it('WSAPoll and WSAWaitForMultipleEvents reject timeouts that are not whole milliseconds', async () => {
    const { ws2, s } = await started();
    expect(await ws2.WSAPoll([{ fd: s, events: POLLRDNORM, revents: 0 }], 1, Number.NaN)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAEINVAL);
    const ev = ws2.WSACreateEvent()!;
    expect(await ws2.WSAWaitForMultipleEvents(1, [ev], false, Number.NaN, false)).toBe(0xffffffff);
    expect(ws2.WSAGetLastError()).toBe(WSA_INVALID_PARAMETER);
  });

  it('WSAWaitForMultipleEvents with a timeout beyond 2^31 ms waits on one timer instead of spinning', async () => {
    const { ws2 } = await started();
    const ev = ws2.WSACreateEvent()!;
    const spy = jest.spyOn(global, 'setTimeout');
    setTimeout(() => ws2.WSASetEvent(ev), 20);
    const calls = spy.mock.calls.length;
    expect(await ws2.WSAWaitForMultipleEvents(1, [ev], false, 0xfffffffe, false)).toBe(WSA_WAIT_EVENT_0);
    expect(spy.mock.calls.length - calls).toBeLessThanOrEqual(2);
    spy.mockRestore();
  });

  it('select with every set empty is WSAEINVAL; a malformed set is WSAEFAULT', async () => {
    const { ws2 } = await started();
    expect(await ws2.select(0, { fd_array: [] }, null, null, { tv_sec: 0, tv_usec: 0 })).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAEINVAL);
    expect(await ws2.select(0, { fd_array: 5 } as never, null, null, null)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAEFAULT);
  });

  it('WSAAddressToStringW with a NULL address is WSAEFAULT', async () => {
    const { ws2 } = await started();
    expect(await ws2.WSAAddressToStringW(null, 16, null, out(''), out(64))).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAEFAULT);
  });
});

describe('event objects belong to the application', () => {
  it('the last WSACleanup leaves them usable; closing one while it is waited on fails the wait with WSA_INVALID_HANDLE', async () => {
    const { ws2 } = await started();
    const ev = ws2.WSACreateEvent()!;
    ws2.WSACleanup();
    expect(ws2.WSASetEvent(ev)).toBe(true);
    expect(await ws2.WSAWaitForMultipleEvents(1, [ev], false, 0, false)).toBe(WSA_WAIT_EVENT_0);
    expect(ws2.WSAResetEvent(ev)).toBe(true);
    setTimeout(() => ws2.WSACloseEvent(ev), 5);
    expect(await ws2.WSAWaitForMultipleEvents(1, [ev], false, 5000, false)).toBe(0xffffffff);
    expect(ws2.WSAGetLastError()).toBe(WSA_INVALID_HANDLE);
  });
});
