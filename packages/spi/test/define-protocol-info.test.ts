/**
 * `defineProtocolInfo`: a `WSAPROTOCOL_INFOW` from five fields, with Windows' base-entry values for
 * the other fifteen; any field may be given; an entry C could not hold, a field that does not
 * exist, or fields that contradict each other in Winsock's terms are a `WsaError` (`WSAEINVAL`)
 * that names what is wrong. What it returns installs in a catalog as it is.
 */
import { describe, expect, it } from '@jest/globals';
import {
  AF_INET,
  AF_INET6,
  AF_ISO,
  BASE_PROTOCOL,
  BIGENDIAN,
  Catalog,
  defineProtocolInfo,
  GUID_NULL,
  IPPROTO_TCP,
  IPPROTO_UDP,
  ISOPROTO_TP4,
  isWsaError,
  LAYERED_PROTOCOL,
  out,
  PFL_HIDDEN,
  PFL_MATCHES_PROTOCOL_ZERO,
  type ProtocolInfoDefinition,
  SECURITY_PROTOCOL_NONE,
  SOCK_DGRAM,
  SOCK_RAW,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  WSAEINVAL,
  WSAPROTOCOL_INFOW_FIELDS,
  XP1_CONNECT_DATA,
  XP1_CONNECTIONLESS,
  XP1_DISCONNECT_DATA,
  XP1_EXPEDITED_DATA,
  XP1_GRACEFUL_CLOSE,
  XP1_GUARANTEED_DELIVERY,
  XP1_GUARANTEED_ORDER,
  XP1_IFS_HANDLES,
  XP1_MESSAGE_ORIENTED,
  XP1_PSEUDO_STREAM,
  XP1_UNI_RECV,
  XP1_UNI_SEND,
} from '@ws2spi/spi';

const TCP_FLAGS =
  XP1_IFS_HANDLES | XP1_GRACEFUL_CLOSE | XP1_EXPEDITED_DATA | XP1_GUARANTEED_ORDER | XP1_GUARANTEED_DELIVERY;
const tcp: ProtocolInfoDefinition = {
  szProtocol: 'My TCP/IP',
  iAddressFamily: AF_INET,
  iSocketType: SOCK_STREAM,
  iProtocol: IPPROTO_TCP,
  dwServiceFlags1: TCP_FLAGS,
};

/** The WSAEINVAL message `defineProtocolInfo` throws for `definition`. */
function refusal(definition: unknown): string {
  try {
    defineProtocolInfo(definition as ProtocolInfoDefinition);
  } catch (error) {
    if (isWsaError(error, WSAEINVAL)) return error.rawMessage;
    throw error;
  }
  throw new Error('defineProtocolInfo accepted it');
}

describe('defineProtocolInfo: five fields, Windows’ values for the rest', () => {
  it('fills a base entry as Windows’ MSAFD entries have it, all 20 fields in declaration order', () => {
    const info = defineProtocolInfo(tcp);
    expect(Object.keys(info)).toEqual([...WSAPROTOCOL_INFOW_FIELDS]);
    expect(info).toEqual({
      dwServiceFlags1: 0x20066,
      dwServiceFlags2: 0,
      dwServiceFlags3: 0,
      dwServiceFlags4: 0,
      dwProviderFlags: 0,
      ProviderId: GUID_NULL,
      dwCatalogEntryId: 0,
      ProtocolChain: { ChainLen: BASE_PROTOCOL, ChainEntries: [] },
      iVersion: 2,
      iAddressFamily: AF_INET,
      iMaxSockAddr: 16,
      iMinSockAddr: 16,
      iSocketType: SOCK_STREAM,
      iProtocol: IPPROTO_TCP,
      iProtocolMaxOffset: 0,
      iNetworkByteOrder: BIGENDIAN,
      iSecurityScheme: SECURITY_PROTOCOL_NONE,
      dwMessageSize: 0,
      dwProviderReserved: 0,
      szProtocol: 'My TCP/IP',
    });
  });

  it('sizes addresses by family (AF_INET6: 28) and keeps every field given', () => {
    const udp6 = defineProtocolInfo({
      szProtocol: 'My UDP/IPv6',
      iAddressFamily: AF_INET6,
      iSocketType: SOCK_DGRAM,
      iProtocol: IPPROTO_UDP,
      dwServiceFlags1: XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED,
      dwMessageSize: 65527,
      dwProviderFlags: PFL_MATCHES_PROTOCOL_ZERO,
      ProviderId: '{E70F1AA0-AB8B-11CF-8CA3-00805F48A192}',
      iProtocolMaxOffset: 3,
      dwProviderReserved: 7,
    });
    expect(udp6).toMatchObject({
      iMinSockAddr: 28,
      iMaxSockAddr: 28,
      dwMessageSize: 65527,
      dwProviderFlags: PFL_MATCHES_PROTOCOL_ZERO,
      ProviderId: 'e70f1aa0-ab8b-11cf-8ca3-00805f48a192', // canonical, as the catalog keeps GUIDs
      iProtocolMaxOffset: 3,
      dwProviderReserved: 7,
    });
  });

  it('defines an entry of any family that says its address size', () => {
    const tp4 = defineProtocolInfo({
      szProtocol: 'My ISO TP4',
      iAddressFamily: AF_ISO,
      iSocketType: SOCK_SEQPACKET,
      iProtocol: ISOPROTO_TP4,
      dwServiceFlags1:
        XP1_MESSAGE_ORIENTED | XP1_GUARANTEED_DELIVERY | XP1_CONNECT_DATA | XP1_DISCONNECT_DATA,
      dwMessageSize: 0xffffffff,
      iMinSockAddr: 72,
      iMaxSockAddr: 72,
    });
    expect([tp4.iMinSockAddr, tp4.iMaxSockAddr, tp4.dwMessageSize]).toEqual([72, 72, 0xffffffff]);
  });

  it('defines a layered entry when given its chain, and copies the chain', () => {
    const chain = { ChainLen: LAYERED_PROTOCOL, ChainEntries: [] as number[] };
    const dummy = defineProtocolInfo({ ...tcp, dwProviderFlags: PFL_HIDDEN, ProtocolChain: chain });
    expect(dummy.ProtocolChain).toEqual(chain);
    expect(dummy.ProtocolChain).not.toBe(chain);
    dummy.ProtocolChain.ChainEntries.push(1001);
    expect(chain.ChainEntries).toEqual([]);
  });

  it('returns a new object every call', () => {
    const a = defineProtocolInfo(tcp);
    const b = defineProtocolInfo(tcp);
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    expect(a.ProtocolChain).not.toBe(b.ProtocolChain);
  });

  it('installs as it is: WSCInstallProvider takes it and WSAEnumProtocols shows it', () => {
    const catalog = new Catalog();
    const providerId = '11111111-2222-4333-8444-555555555555';
    const infos = [
      defineProtocolInfo(tcp),
      defineProtocolInfo({ ...tcp, szProtocol: 'My TCP/IPv6', iAddressFamily: AF_INET6 }),
    ];
    const lpErrno = out(0);
    expect(catalog.WSCInstallProvider(providerId, 'my-provider', infos, infos.length, lpErrno)).toBe(0);
    expect(
      catalog
        .entries()
        .map(({ info }) => [info.szProtocol, info.ProviderId, info.iMaxSockAddr, info.dwCatalogEntryId]),
    ).toEqual([
      ['My TCP/IP', providerId, 16, 1001],
      ['My TCP/IPv6', providerId, 28, 1002],
    ]);
  });
});

describe('defineProtocolInfo refuses, naming what is wrong (WSAEINVAL)', () => {
  it('a field WSAPROTOCOL_INFOW does not have (a typo)', () => {
    expect(refusal({ ...tcp, dwServiceFlag1: 1 })).toBe(
      'defineProtocolInfo: dwServiceFlag1 is not a WSAPROTOCOL_INFOW field',
    );
    expect(refusal(null)).toMatch(/expected an object/);
  });

  it('a value C could not hold: a DWORD, an int, a name too long, a chain too long, a GUID', () => {
    expect(refusal({ ...tcp, dwServiceFlags1: -1 })).toMatch(
      /^defineProtocolInfo\.dwServiceFlags1: expected a DWORD/,
    );
    expect(refusal({ ...tcp, iProtocol: 2 ** 31 })).toMatch(
      /^defineProtocolInfo\.iProtocol: expected an int/,
    );
    expect(refusal({ ...tcp, iProtocol: undefined })).toMatch(
      /^defineProtocolInfo\.iProtocol: expected an int/,
    );
    expect(refusal({ ...tcp, szProtocol: 'x'.repeat(256) })).toMatch(/more than WSAPROTOCOL_LEN \(255\)/);
    expect(refusal({ ...tcp, ProtocolChain: { ChainLen: 8, ChainEntries: [] } })).toMatch(
      /ChainLen: expected 0 … 7/,
    );
    expect(refusal({ ...tcp, ProviderId: 'not-a-guid' })).toBe(
      'defineProtocolInfo: ProviderId not-a-guid is not a GUID',
    );
  });

  it('an address family without a default size, unless the sizes are given; sizes out of order', () => {
    expect(refusal({ ...tcp, iAddressFamily: AF_ISO })).toMatch(
      /address family 7 has no default address size: give iMinSockAddr and iMaxSockAddr/,
    );
    expect(refusal({ ...tcp, iMinSockAddr: 28, iMaxSockAddr: 16 })).toMatch(/need 0 < min <= max/);
    expect(refusal({ ...tcp, iMinSockAddr: 0 })).toMatch(/need 0 < min <= max/);
  });

  it.each<[string, Partial<ProtocolInfoDefinition>, RegExp]>([
    ['flags no XP1_* defines', { dwServiceFlags1: TCP_FLAGS | 0x100000 }, /no XP1_\* flag defines: 0x100000/],
    ['flags no PFL_* defines', { dwProviderFlags: 0x20 }, /no PFL_\* flag defines: 0x20/],
    ['an empty name', { szProtocol: '' }, /szProtocol is empty/],
    [
      'AF_UNSPEC',
      { iAddressFamily: 0, iMinSockAddr: 16, iMaxSockAddr: 16 },
      /iAddressFamily 0 is no address family/,
    ],
    ['no socket type', { iSocketType: 0 }, /iSocketType 0 is no socket type/],
    ['FROM_PROTOCOL_INFO as the protocol', { iProtocol: -1 }, /FROM_PROTOCOL_INFO/],
    ['a negative protocol range', { iProtocolMaxOffset: -1 }, /iProtocolMaxOffset -1 is negative/],
    [
      'both directions of XP1_UNI_*',
      { dwServiceFlags1: TCP_FLAGS | XP1_UNI_SEND | XP1_UNI_RECV },
      /at most one/,
    ],
    ['XP1_PSEUDO_STREAM alone', { dwServiceFlags1: TCP_FLAGS | XP1_PSEUDO_STREAM }, /XP1_PSEUDO_STREAM/],
    [
      'a connectionless stream',
      { dwServiceFlags1: XP1_CONNECTIONLESS | XP1_IFS_HANDLES },
      /SOCK_STREAM with XP1_CONNECTIONLESS/,
    ],
    [
      'a message-oriented stream',
      { dwServiceFlags1: TCP_FLAGS | XP1_MESSAGE_ORIENTED, dwMessageSize: 1 },
      /SOCK_STREAM with XP1_MESSAGE_ORIENTED/,
    ],
    [
      'a datagram socket with a connection',
      { iSocketType: SOCK_DGRAM, dwServiceFlags1: XP1_MESSAGE_ORIENTED, dwMessageSize: 1 },
      /SOCK_DGRAM without XP1_CONNECTIONLESS/,
    ],
    [
      'a sequenced-packet socket without boundaries',
      { iSocketType: SOCK_SEQPACKET },
      /message socket type .* without XP1_MESSAGE_ORIENTED/,
    ],
    [
      'disconnect data without a connection',
      {
        iSocketType: SOCK_RAW,
        dwServiceFlags1: XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED | XP1_DISCONNECT_DATA,
        dwMessageSize: 1,
      },
      /there is no connection/,
    ],
    [
      'a message-oriented entry of message size 0 (which means a stream)',
      { iSocketType: SOCK_SEQPACKET, dwServiceFlags1: XP1_MESSAGE_ORIENTED },
      /dwMessageSize 0 \(0 means stream-oriented\)/,
    ],
    [
      'a stream with a message size',
      { dwMessageSize: 1500 },
      /dwMessageSize 1500 on a stream-oriented entry/,
    ],
  ])('%s', (_name, change, message) => {
    expect(refusal({ ...tcp, ...change })).toMatch(message);
    expect(refusal({ ...tcp, ...change })).toMatch(/^defineProtocolInfo\("[^"]*"\): /);
  });
});
