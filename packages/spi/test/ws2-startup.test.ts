import {
  AF_INET,
  emptyWsaData,
  IPPROTO_TCP,
  MAKEWORD,
  SOCK_STREAM,
  SOCKET_ERROR,
  WSAEFAULT,
  WSAENOTSOCK,
  WSANOTINITIALISED,
  WSAVERNOTSUPPORTED,
} from '@ws2spi/spi';
import { entry, protocolInfo } from './support/protocol-info';
import { scriptedProvider } from './support/scripted-provider';
import { ws2With } from './support/ws2-process';

describe('WSAStartup version negotiation (ReactOS startup.c, Windows-confirmed)', () => {
  const cases: [string, number, number, number][] = [
    ['0.9 fails, reports 2.2', MAKEWORD(0, 9), WSAVERNOTSUPPORTED, MAKEWORD(2, 2)],
    ['1.0 kept', MAKEWORD(1, 0), 0, MAKEWORD(1, 0)],
    ['1.1 kept', MAKEWORD(1, 1), 0, MAKEWORD(1, 1)],
    ['1.5 becomes 1.1', MAKEWORD(1, 5), 0, MAKEWORD(1, 1)],
    ['2.0 kept', MAKEWORD(2, 0), 0, MAKEWORD(2, 0)],
    ['2.2 kept', MAKEWORD(2, 2), 0, MAKEWORD(2, 2)],
    ['2.9 becomes 2.2', MAKEWORD(2, 9), 0, MAKEWORD(2, 2)],
    ['3.0 becomes 2.2', MAKEWORD(3, 0), 0, MAKEWORD(2, 2)],
  ];
  it.each(cases)('%s', (_name, requested, error, version) => {
    const ws2 = ws2With([], {}, { start: false });
    const data = emptyWsaData();
    expect(ws2.WSAStartup(requested, data)).toBe(error);
    // WSADATA is filled even when the call fails.
    expect(data.wVersion).toBe(version);
    expect(data.wHighVersion).toBe(MAKEWORD(2, 2));
    expect(data.szDescription).toBe('WinSock 2.0');
    expect(ws2.startupReferences).toBe(error ? 0 : 1);
  });

  it('fills iMaxSockets/iMaxUdpDg only for version 1.x', () => {
    const ws2 = ws2With([], {}, { start: false });
    const v1 = emptyWsaData();
    ws2.WSAStartup(MAKEWORD(1, 1), v1);
    expect([v1.iMaxSockets, v1.iMaxUdpDg]).toEqual([32767, 65467]);
    const v2 = emptyWsaData();
    ws2.WSAStartup(MAKEWORD(2, 2), v2);
    expect([v2.iMaxSockets, v2.iMaxUdpDg]).toEqual([0, 0]);
  });

  it('a NULL WSADATA is WSAEFAULT (or WSAVERNOTSUPPORTED for a bad version) and does not start', () => {
    const ws2 = ws2With([], {}, { start: false });
    expect(ws2.WSAStartup(MAKEWORD(2, 2), null)).toBe(WSAEFAULT);
    expect(ws2.WSAStartup(MAKEWORD(0, 1), null)).toBe(WSAVERNOTSUPPORTED);
    expect(ws2.startupReferences).toBe(0);
    expect(ws2.WSAGetLastError()).toBe(WSANOTINITIALISED);
  });
});

describe('startup counting and invalidation', () => {
  const info = protocolInfo({ dwCatalogEntryId: 1001 });

  it('WSACleanup without WSAStartup is SOCKET_ERROR/WSANOTINITIALISED', () => {
    const ws2 = ws2With([], {}, { start: false });
    expect(ws2.WSACleanup()).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSANOTINITIALISED);
  });

  it('sockets survive until the last WSACleanup, then every handle is WSAENOTSOCK — even after a new WSAStartup', async () => {
    const p = scriptedProvider();
    const ws2 = ws2With([entry('test:p', info)], { 'test:p': p });
    expect(ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData())).toBe(0);
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    expect(ws2.WSACleanup()).toBe(0);
    expect(ws2.startupReferences).toBe(1);
    expect(ws2.shutdown(s, 1)).toBe(0);
    expect(ws2.WSACleanup()).toBe(0);
    expect(ws2.shutdown(s, 1)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSANOTINITIALISED);
    expect(ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData())).toBe(0);
    expect(ws2.shutdown(s, 1)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAENOTSOCK);
    expect(ws2.closesocket(s)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAENOTSOCK);
  });

  it('takes the catalog snapshot at the first WSAStartup only', () => {
    const entries = [entry('test:p', info)];
    const ws2 = ws2With(entries, {}, { start: false });
    ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData());
    const first = ws2.catalogSnapshot;
    ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData());
    expect(ws2.catalogSnapshot).toBe(first);
    ws2.WSACleanup();
    ws2.WSACleanup();
    expect(ws2.catalogSnapshot).toBeUndefined();
  });
});
