import {
  IPPROTO_TCP,
  IPPROTO_UDP,
  LAYERED_PROTOCOL,
  out,
  PFL_HIDDEN,
  SIZEOF_WSAPROTOCOL_INFOW,
  SOCK_DGRAM,
  SOCKET_ERROR,
  WSAEFAULT,
  WSAENOBUFS,
  WSANOTINITIALISED,
  type WSAPROTOCOL_INFOW,
} from '@ws2spi/spi';
import { entry, protocolInfo } from './support/protocol-info';
import { ws2With } from './support/ws2-process';

const tcp = protocolInfo({ dwCatalogEntryId: 1001, szProtocol: 'tcp' });
const udp = protocolInfo({
  dwCatalogEntryId: 1002,
  iSocketType: SOCK_DGRAM,
  iProtocol: IPPROTO_UDP,
  szProtocol: 'udp',
});
const hidden = protocolInfo({ dwCatalogEntryId: 1003, dwProviderFlags: PFL_HIDDEN, szProtocol: 'hidden' });
const dummy = protocolInfo({
  dwCatalogEntryId: 1004,
  ProtocolChain: { ChainLen: LAYERED_PROTOCOL, ChainEntries: [] },
  szProtocol: 'layered dummy',
});
const chain = protocolInfo({
  dwCatalogEntryId: 1005,
  ProtocolChain: { ChainLen: 2, ChainEntries: [1004, 1001] },
  szProtocol: 'lsp over tcp',
});
const ranged = protocolInfo({
  dwCatalogEntryId: 1006,
  iProtocol: 40,
  iProtocolMaxOffset: 10,
  szProtocol: 'ranged',
});

function started() {
  return ws2With(
    [chain, tcp, udp, hidden, dummy, ranged].map((i) => entry('p', i)),
    {},
  );
}

describe('WSAEnumProtocolsW', () => {
  it('lists base and chain entries in catalog order, without PFL_HIDDEN or layered (ChainLen 0) entries', () => {
    const ws2 = started();
    const length = out(10 * SIZEOF_WSAPROTOCOL_INFOW);
    const buffer: WSAPROTOCOL_INFOW[] = [];
    expect(ws2.WSAEnumProtocolsW(null, buffer, length)).toBe(4);
    expect(buffer.map((i) => i.szProtocol)).toEqual(['lsp over tcp', 'tcp', 'udp', 'ranged']);
  });

  it('fails with WSAENOBUFS and the size needed when the buffer is too small, then succeeds with that size', () => {
    const ws2 = started();
    const length = out(SIZEOF_WSAPROTOCOL_INFOW);
    const buffer: WSAPROTOCOL_INFOW[] = [];
    expect(ws2.WSAEnumProtocolsW(null, buffer, length)).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSAENOBUFS);
    expect(length.value).toBe(4 * SIZEOF_WSAPROTOCOL_INFOW);
    expect(buffer).toEqual([]);
    expect(ws2.WSAEnumProtocolsW(null, null, out(0))).toBe(SOCKET_ERROR);
    expect(ws2.WSAEnumProtocolsW(null, buffer, length)).toBe(4);
  });

  it('filters by a NULL-terminated protocol list, honouring iProtocolMaxOffset', () => {
    const ws2 = started();
    const buffer: WSAPROTOCOL_INFOW[] = [];
    expect(
      ws2.WSAEnumProtocolsW([IPPROTO_UDP, 45, 0, IPPROTO_TCP], buffer, out(10 * SIZEOF_WSAPROTOCOL_INFOW)),
    ).toBe(2);
    // IPPROTO_TCP comes after the terminating 0, so it is not part of the filter.
    expect(buffer.map((i) => i.szProtocol)).toEqual(['udp', 'ranged']);
  });

  it('hands out copies: changing them does not change the process snapshot', () => {
    const ws2 = started();
    const buffer: WSAPROTOCOL_INFOW[] = [];
    ws2.WSAEnumProtocolsW(null, buffer, out(10 * SIZEOF_WSAPROTOCOL_INFOW));
    buffer[1].szProtocol = 'tampered';
    buffer[1].ProtocolChain.ChainEntries.push(9999);
    const again: WSAPROTOCOL_INFOW[] = [];
    ws2.WSAEnumProtocolsW(null, again, out(10 * SIZEOF_WSAPROTOCOL_INFOW));
    expect(again[1].szProtocol).toBe('tcp');
    expect(again[1].ProtocolChain.ChainEntries).toEqual([1001]);
  });

  it('needs WSAStartup, and a length cell', () => {
    const ws2 = ws2With([entry('p', tcp)], {}, { start: false });
    expect(ws2.WSAEnumProtocolsW(null, [], out(0))).toBe(SOCKET_ERROR);
    expect(ws2.WSAGetLastError()).toBe(WSANOTINITIALISED);
    const live = started();
    expect(live.WSAEnumProtocolsW(null, [], null)).toBe(SOCKET_ERROR);
    expect(live.WSAGetLastError()).toBe(WSAEFAULT);
  });
});
