import {
  AF_INET,
  AF_INET6,
  AF_ISO,
  AF_UNSPEC,
  FROM_PROTOCOL_INFO,
  INVALID_SOCKET,
  IPPROTO_TCP,
  IPPROTO_UDP,
  LAYERED_PROTOCOL,
  PFL_HIDDEN,
  PFL_MATCHES_PROTOCOL_ZERO,
  SOCK_DGRAM,
  SOCK_RAW,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  selectCatalogEntry,
  WSAEAFNOSUPPORT,
  WSAEINPROGRESS,
  WSAEINVAL,
  WSAEPROTONOSUPPORT,
  WSAESOCKTNOSUPPORT,
  type WSAPROTOCOL_INFOW,
} from '@ws2spi/spi';
import { entry, protocolInfo } from './support/protocol-info';
import { scriptedProvider } from './support/scripted-provider';
import { ws2With } from './support/ws2-process';

const tcp = protocolInfo({
  dwCatalogEntryId: 1001,
  dwProviderFlags: PFL_MATCHES_PROTOCOL_ZERO,
  szProtocol: 'tcp',
});
const tcpSecond = protocolInfo({
  dwCatalogEntryId: 1002,
  dwProviderFlags: PFL_MATCHES_PROTOCOL_ZERO,
  szProtocol: 'tcp-2',
});
const udp = protocolInfo({
  dwCatalogEntryId: 1003,
  iSocketType: SOCK_DGRAM,
  iProtocol: IPPROTO_UDP,
  dwProviderFlags: PFL_MATCHES_PROTOCOL_ZERO,
  szProtocol: 'udp',
});
const noZero = protocolInfo({
  dwCatalogEntryId: 1004,
  iAddressFamily: AF_INET6,
  szProtocol: 'tcp6 without protocol-zero',
});
const ranged = protocolInfo({
  dwCatalogEntryId: 1005,
  iAddressFamily: AF_ISO,
  iSocketType: SOCK_SEQPACKET,
  iProtocol: 100,
  iProtocolMaxOffset: 5,
  szProtocol: 'ranged 100..105',
});
const layered = protocolInfo({
  dwCatalogEntryId: 1006,
  iAddressFamily: AF_INET,
  iSocketType: SOCK_RAW,
  iProtocol: 99,
  dwProviderFlags: PFL_HIDDEN | PFL_MATCHES_PROTOCOL_ZERO,
  ProtocolChain: { ChainLen: LAYERED_PROTOCOL, ChainEntries: [] },
  szProtocol: 'lsp dummy',
});
const entries = [tcp, tcpSecond, udp, noZero, ranged, layered].map((i) => entry('test:p', i));

function chosen(af: number, type: number, protocol: number): string | number {
  const r = selectCatalogEntry(entries, af, type, protocol);
  return r.entry ? r.entry.info.szProtocol : r.error;
}

describe('catalog-entry selection (WSASocketW without lpProtocolInfo)', () => {
  it('takes the first match in catalog order', () =>
    expect(chosen(AF_INET, SOCK_STREAM, IPPROTO_TCP)).toBe('tcp'));
  it('treats AF_UNSPEC and type 0 as wildcards', () => {
    expect(chosen(AF_UNSPEC, 0, IPPROTO_UDP)).toBe('udp');
    expect(chosen(AF_INET, 0, IPPROTO_UDP)).toBe('udp');
    expect(chosen(AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP)).toBe('tcp');
  });
  it('matches protocol 0 only with PFL_MATCHES_PROTOCOL_ZERO', () => {
    expect(chosen(AF_INET, SOCK_DGRAM, 0)).toBe('udp');
    expect(chosen(AF_INET6, SOCK_STREAM, 0)).toBe(WSAEPROTONOSUPPORT);
    expect(chosen(AF_INET6, SOCK_STREAM, IPPROTO_TCP)).toBe('tcp6 without protocol-zero');
  });
  it('matches within [iProtocol, iProtocol + iProtocolMaxOffset]', () => {
    expect(chosen(AF_ISO, SOCK_SEQPACKET, 100)).toBe('ranged 100..105');
    expect(chosen(AF_ISO, SOCK_SEQPACKET, 105)).toBe('ranged 100..105');
    expect(chosen(AF_ISO, SOCK_SEQPACKET, 106)).toBe(WSAEPROTONOSUPPORT);
    expect(chosen(AF_ISO, SOCK_SEQPACKET, 99)).toBe(WSAEPROTONOSUPPORT);
  });
  it('never chooses a layered (ChainLen 0) entry, nor counts it as a partial match', () => {
    // Only the LSP dummy has SOCK_RAW / protocol 99: without it the type is unknown.
    expect(chosen(AF_INET, SOCK_RAW, 99)).toBe(WSAESOCKTNOSUPPORT);
    expect(chosen(AF_INET, SOCK_RAW, 0)).toBe(WSAESOCKTNOSUPPORT);
  });
  it('resumes after a given entry (the WSAEINPROGRESS retry)', () => {
    const r = selectCatalogEntry(entries, AF_INET, SOCK_STREAM, IPPROTO_TCP, 1001);
    expect(r.entry?.info.szProtocol).toBe('tcp-2');
    expect(selectCatalogEntry(entries, AF_INET, SOCK_STREAM, IPPROTO_TCP, 1002).error).toBe(
      WSAEPROTONOSUPPORT,
    );
  });
  describe("Windows' error precedence when nothing matches", () => {
    it('AF_UNSPEC with protocol 0 is WSAEINVAL', () =>
      expect(chosen(AF_UNSPEC, SOCK_STREAM, 0)).toBe(WSAEINVAL));
    it('an unknown type wins over an unknown family', () =>
      expect(chosen(77, 42, 0)).toBe(WSAESOCKTNOSUPPORT));
    it('then an unknown family is WSAEAFNOSUPPORT', () =>
      expect(chosen(77, SOCK_STREAM, IPPROTO_TCP)).toBe(WSAEAFNOSUPPORT));
    it('a type the family does not offer is WSAESOCKTNOSUPPORT', () =>
      expect(chosen(AF_ISO, SOCK_STREAM, IPPROTO_TCP)).toBe(WSAESOCKTNOSUPPORT));
    it('otherwise the protocol is WSAEPROTONOSUPPORT', () =>
      expect(chosen(AF_INET, SOCK_STREAM, 200)).toBe(WSAEPROTONOSUPPORT));
  });
});

describe('WSASocketW through the dispatcher', () => {
  function setup() {
    const a = scriptedProvider();
    const b = scriptedProvider();
    const infoA = protocolInfo({ ...tcp, ProviderId: 'aaaaaaaa-0000-0000-0000-000000000001' });
    const infoB = protocolInfo({ ...tcpSecond, ProviderId: 'bbbbbbbb-0000-0000-0000-000000000002' });
    const infoUdp = protocolInfo({ ...udp, ProviderId: 'bbbbbbbb-0000-0000-0000-000000000002' });
    const ws2 = ws2With([entry('p:a', infoA), entry('p:b', infoB), entry('p:b', infoUdp)], {
      'p:a': a,
      'p:b': b,
    });
    return { ws2, a, b };
  }

  it('moves on to the next matching entry when WSPSocket declines with WSAEINPROGRESS', async () => {
    const { ws2, a, b } = setup();
    a.overrides.lpWSPSocket = (_af, _t, _p, _i, _g, _f, errno) => {
      errno.value = WSAEINPROGRESS;
      return INVALID_SOCKET;
    };
    const s = await ws2.socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    expect(s).not.toBe(INVALID_SOCKET);
    expect(a.names()).toEqual(['lpWSPSocket']);
    expect(b.names()).toEqual(['lpWSPSocket']);
    expect(b.sockets.has(s)).toBe(true);
  });

  it('passes the selected entry protocol info to WSPSocket and routes later calls by the claim', async () => {
    const { ws2, b } = setup();
    const s = await ws2.socket(AF_INET, SOCK_DGRAM, 0);
    const call = b.calls.find((c) => c.name === 'lpWSPSocket')!;
    expect((call.args[3] as WSAPROTOCOL_INFOW).dwCatalogEntryId).toBe(1003);
    expect(ws2.shutdown(s, 1)).toBe(0);
    expect(b.names()).toEqual(['lpWSPSocket', 'lpWSPShutdown']);
  });

  it('with lpProtocolInfo selects by catalog ID; FROM_PROTOCOL_INFO and 0 take the fields from it; non-zero overrides', async () => {
    const { ws2, a, b } = setup();
    const udpInfo = ws2.catalogSnapshot!.entries[2].info;
    await ws2.WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, udpInfo, 0, 0);
    expect(b.calls[0].args.slice(0, 3)).toEqual([AF_INET, SOCK_DGRAM, IPPROTO_UDP]);
    await ws2.WSASocketW(0, SOCK_STREAM, IPPROTO_TCP, udpInfo, 0, 0);
    expect(b.calls[1].args.slice(0, 3)).toEqual([AF_INET, SOCK_STREAM, IPPROTO_TCP]);
    expect(a.calls).toEqual([]);
  });

  it('an lpProtocolInfo naming no entry, or a layered one, is WSAEINVAL', async () => {
    const { ws2 } = setup();
    expect(
      await ws2.WSASocketW(AF_INET, SOCK_STREAM, 0, protocolInfo({ dwCatalogEntryId: 4242 }), 0, 0),
    ).toBe(INVALID_SOCKET);
    expect(ws2.WSAGetLastError()).toBe(WSAEINVAL);
  });

  it('reports the selection error through WSAGetLastError', async () => {
    const { ws2 } = setup();
    expect(await ws2.socket(AF_INET, SOCK_SEQPACKET, 0)).toBe(INVALID_SOCKET);
    expect(ws2.WSAGetLastError()).toBe(WSAESOCKTNOSUPPORT);
    expect(await ws2.socket(AF_UNSPEC, SOCK_STREAM, 0)).toBe(INVALID_SOCKET);
    expect(ws2.WSAGetLastError()).toBe(WSAEINVAL);
  });
});
