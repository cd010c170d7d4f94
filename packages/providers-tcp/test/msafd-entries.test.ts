/**
 * The catalog face of the provider: the four `MSAFD Tcpip` entries against what Windows' catalog
 * shows (`netsh winsock show catalog`, msinfo32), their installation, and how the dispatcher
 * selects them (protocol 0 through `PFL_MATCHES_PROTOCOL_ZERO`).
 */

import {
  createTcpProvider,
  installTcpProviders,
  MSAFD_TCPIP_PROVIDER_ID,
  TCP_PROVIDER_PATH,
  tcpProtocolInfos,
} from '@ws2spi/providers-tcp';
import {
  AF_INET,
  AF_INET6,
  BIGENDIAN,
  Catalog,
  emptyWsaData,
  INVALID_SOCKET,
  IPPROTO_TCP,
  IPPROTO_UDP,
  installDefaultCatalog,
  MAKEWORD,
  nodeDatagramNetwork,
  nodeStreamNetwork,
  out,
  PFL_MATCHES_PROTOCOL_ZERO,
  registerProvider,
  SECURITY_PROTOCOL_NONE,
  SO_PROTOCOL_INFOW,
  SOCK_DGRAM,
  SOCK_RAW,
  SOCK_STREAM,
  Socket,
  WSAESOCKTNOSUPPORT,
  WSANO_RECOVERY,
  type WSAPROTOCOL_INFOW,
  Ws2,
  XP1_CONNECTIONLESS,
  XP1_DISCONNECT_DATA,
  XP1_MESSAGE_ORIENTED,
  XP1_SUPPORT_BROADCAST,
  XP1_SUPPORT_MULTIPOINT,
} from '@ws2spi/spi';
import { container as rootContainer } from 'tsyringe';
import { startTcpProcess } from './support/tcp-process';
import { closeAll, errorOf } from './support/winsock-steps';

/** What `netsh winsock show catalog` prints for the entries (Windows 10/11), field by field. */
const windowsCatalog = [
  { name: 'MSAFD Tcpip [TCP/IP]', af: 2, min: 16, max: 16, type: 1, protocol: 6, flags: 0x20066, message: 0 },
  {
    name: 'MSAFD Tcpip [UDP/IP]',
    af: 2,
    min: 16,
    max: 16,
    type: 2,
    protocol: 17,
    flags: 0x20609,
    message: 65527,
  },
  {
    name: 'MSAFD Tcpip [TCP/IPv6]',
    af: 23,
    min: 28,
    max: 28,
    type: 1,
    protocol: 6,
    flags: 0x20066,
    message: 0,
  },
  {
    name: 'MSAFD Tcpip [UDP/IPv6]',
    af: 23,
    min: 28,
    max: 28,
    type: 2,
    protocol: 17,
    flags: 0x20609,
    message: 65527,
  },
];

describe('tcpProtocolInfos', () => {
  it('are the four MSAFD Tcpip entries with Windows’ names, flags, sizes and protocol numbers', () => {
    const infos = tcpProtocolInfos();
    expect(
      infos.map((i) => ({
        name: i.szProtocol,
        af: i.iAddressFamily,
        min: i.iMinSockAddr,
        max: i.iMaxSockAddr,
        type: i.iSocketType,
        protocol: i.iProtocol,
        flags: i.dwServiceFlags1,
        message: i.dwMessageSize,
      })),
    ).toEqual(windowsCatalog);
    for (const i of infos) {
      expect(i.ProviderId).toBe('e70f1aa0-ab8b-11cf-8ca3-00805f48a192');
      expect(i.iVersion).toBe(2);
      expect(i.iNetworkByteOrder).toBe(BIGENDIAN);
      expect(i.iSecurityScheme).toBe(SECURITY_PROTOCOL_NONE);
      expect(i.dwProviderFlags & PFL_MATCHES_PROTOCOL_ZERO).toBe(PFL_MATCHES_PROTOCOL_ZERO);
      expect(i.iProtocolMaxOffset).toBe(0);
      expect(i.ProtocolChain.ChainLen).toBe(1);
      // TCP/IP carries no disconnect data, so WSASendDisconnect with data is WSAENOPROTOOPT.
      expect(i.dwServiceFlags1 & XP1_DISCONNECT_DATA).toBe(0);
    }
    const udp = infos.filter((i) => i.iSocketType === SOCK_DGRAM);
    const udpFlags =
      XP1_CONNECTIONLESS | XP1_MESSAGE_ORIENTED | XP1_SUPPORT_BROADCAST | XP1_SUPPORT_MULTIPOINT;
    for (const i of udp) expect(i.dwServiceFlags1 & udpFlags).toBe(udpFlags);
  });

  it('returns fresh objects each time, and takes another ProviderId', () => {
    const a = tcpProtocolInfos();
    a[0]!.szProtocol = 'changed';
    a[0]!.ProtocolChain.ChainEntries.push(99);
    const b = tcpProtocolInfos();
    expect(b[0]!.szProtocol).toBe('MSAFD Tcpip [TCP/IP]');
    expect(b[0]!.ProtocolChain.ChainEntries).toEqual([]);
    const guid = '11111111-2222-3333-4444-555555555555';
    expect(tcpProtocolInfos(guid).every((i) => i.ProviderId === guid)).toBe(true);
  });
});

describe('installTcpProviders', () => {
  it('installs the four entries under one ProviderId and the package path, with new IDs in order', () => {
    const catalog = new Catalog();
    expect(installTcpProviders(catalog)).toEqual([1001, 1002, 1003, 1004]);
    const entries = catalog.entries();
    expect(
      entries.map((e) => [e.info.dwCatalogEntryId, e.path, e.info.szProtocol, e.info.ProviderId]),
    ).toEqual([
      [1001, TCP_PROVIDER_PATH, 'MSAFD Tcpip [TCP/IP]', MSAFD_TCPIP_PROVIDER_ID],
      [1002, TCP_PROVIDER_PATH, 'MSAFD Tcpip [UDP/IP]', MSAFD_TCPIP_PROVIDER_ID],
      [1003, TCP_PROVIDER_PATH, 'MSAFD Tcpip [TCP/IPv6]', MSAFD_TCPIP_PROVIDER_ID],
      [1004, TCP_PROVIDER_PATH, 'MSAFD Tcpip [UDP/IPv6]', MSAFD_TCPIP_PROVIDER_ID],
    ]);
    // A base entry's chain names itself.
    expect(entries.map((e) => e.info.ProtocolChain.ChainEntries[0])).toEqual([1001, 1002, 1003, 1004]);
  });

  it('a second install of the same ProviderId fails with the catalog’s WSANO_RECOVERY and changes nothing', async () => {
    const catalog = new Catalog();
    installTcpProviders(catalog);
    const serial = catalog.serial;
    expect(await errorOf(() => installTcpProviders(catalog))).toBe(WSANO_RECOVERY);
    expect(catalog.serial).toBe(serial);
    expect(catalog.entries()).toHaveLength(4);
  });

  it('takes another path and ProviderId (a registered provider, two providers side by side)', () => {
    const catalog = new Catalog();
    installTcpProviders(catalog);
    const guid = '11111111-2222-3333-4444-555555555555';
    expect(installTcpProviders(catalog, { path: 'sim-tcp', providerId: guid })).toEqual([
      1005, 1006, 1007, 1008,
    ]);
    expect(catalog.entries().filter((e) => e.path === 'sim-tcp' && e.info.ProviderId === guid)).toHaveLength(
      4,
    );
  });

  it('is what the default catalog calls', async () => {
    const catalog = new Catalog();
    const result = await installDefaultCatalog(catalog, [
      { module: '@ws2spi/providers-tcp', install: 'installTcpProviders' },
    ]);
    expect(result.failed).toEqual([]);
    expect(result.unavailable).toEqual([]);
    expect(catalog.entries().map((e) => e.info.szProtocol)).toEqual(windowsCatalog.map((w) => w.name));
  });
});

describe('selection by the dispatcher', () => {
  it('WSAEnumProtocolsW lists the four entries', () => {
    const proc = startTcpProcess({ streams: nodeStreamNetwork(), datagrams: nodeDatagramNetwork() });
    try {
      const size = out(0);
      const buffer: WSAPROTOCOL_INFOW[] = [];
      expect(proc.ws2.WSAEnumProtocolsW(null, null, size)).toBe(-1);
      expect(proc.ws2.WSAEnumProtocolsW(null, buffer, out(size.value))).toBe(4);
      expect(buffer.map((i) => i.szProtocol)).toEqual(windowsCatalog.map((w) => w.name));
    } finally {
      proc.end();
    }
  });

  it.each([
    [AF_INET, SOCK_STREAM, 0, 'MSAFD Tcpip [TCP/IP]'],
    [AF_INET, SOCK_STREAM, IPPROTO_TCP, 'MSAFD Tcpip [TCP/IP]'],
    [AF_INET, SOCK_DGRAM, 0, 'MSAFD Tcpip [UDP/IP]'],
    [AF_INET, 0, IPPROTO_UDP, 'MSAFD Tcpip [UDP/IP]'],
    [AF_INET6, SOCK_STREAM, 0, 'MSAFD Tcpip [TCP/IPv6]'],
    [AF_INET6, SOCK_DGRAM, IPPROTO_UDP, 'MSAFD Tcpip [UDP/IPv6]'],
  ])('socket(%i, %i, %i) is served by %s (SO_PROTOCOL_INFOW)', async (af, type, protocol, name) => {
    const proc = startTcpProcess({ streams: nodeStreamNetwork(), datagrams: nodeDatagramNetwork() });
    let s: Socket | undefined;
    try {
      s = await Socket.create(proc.ws2, af, type, protocol);
      expect((s.getOption(SO_PROTOCOL_INFOW) as WSAPROTOCOL_INFOW).szProtocol).toBe(name);
    } finally {
      closeAll(s);
      proc.end();
    }
  });
});

describe('entries the provider does not serve', () => {
  it('a SOCK_RAW entry installed under the provider’s path: socket() fails WSAESOCKTNOSUPPORT, no socket is made', async () => {
    const catalog = new Catalog();
    const container = rootContainer.createChildContainer();
    registerProvider(
      container,
      'test:tcp',
      createTcpProvider({ streams: nodeStreamNetwork(), datagrams: nodeDatagramNetwork() }).WSPStartup,
    );
    const raw = {
      ...tcpProtocolInfos()[0]!,
      szProtocol: 'MSAFD Tcpip [RAW/IP]',
      iSocketType: SOCK_RAW,
      iProtocol: 0,
    };
    expect(catalog.WSCInstallProvider(MSAFD_TCPIP_PROVIDER_ID, 'test:tcp', [raw], 1, out(0))).toBe(0);
    const ws2 = new Ws2({ catalog, container });
    ws2.WSAStartup(MAKEWORD(2, 2), emptyWsaData());
    try {
      expect(await ws2.socket(AF_INET, SOCK_RAW, 0)).toBe(INVALID_SOCKET);
      expect(ws2.WSAGetLastError()).toBe(WSAESOCKTNOSUPPORT);
    } finally {
      ws2.WSACleanup();
    }
  });
});
