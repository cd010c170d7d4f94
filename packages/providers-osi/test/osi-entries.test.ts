/**
 * The catalog face of the OSI provider: the TP2 and TP0 entries, their installation (alone and in
 * the default catalog), how the dispatcher selects them (protocol 0 through
 * `PFL_MATCHES_PROTOCOL_ZERO`, `ISOPROTO_TP` refused), and the package's own real-TCP `WSPStartup`
 * found through the entries' path.
 */
import {
  createOsiProvider,
  installOsiProviders,
  OSI_MAX_TSDU_SIZE,
  OSI_PROVIDER_ID,
  OSI_PROVIDER_PATH,
  osiProtocolInfos,
  SIZEOF_SOCKADDR_TP,
  sockaddrTp,
} from '@ws2spi/providers-osi';
import {
  AF_ISO,
  BIGENDIAN,
  Catalog,
  ISOPROTO_TP,
  ISOPROTO_TP0,
  ISOPROTO_TP2,
  installDefaultCatalog,
  nodeStreamNetwork,
  PFL_MATCHES_PROTOCOL_ZERO,
  SECURITY_PROTOCOL_NONE,
  SO_MAX_MSG_SIZE,
  SO_PROTOCOL_INFOW,
  SOCK_SEQPACKET,
  SOCK_STREAM,
  Socket,
  WSAEDISCON,
  WSAENOPROTOOPT,
  WSAEPROTONOSUPPORT,
  WSAESOCKTNOSUPPORT,
  WSANO_RECOVERY,
  type WSAPROTOCOL_INFOW,
  XP1_CONNECT_DATA,
  XP1_DISCONNECT_DATA,
  XP1_EXPEDITED_DATA,
  XP1_GRACEFUL_CLOSE,
  XP1_GUARANTEED_DELIVERY,
  XP1_GUARANTEED_ORDER,
  XP1_MESSAGE_ORIENTED,
} from '@ws2spi/spi';
import { type OsiProcess, startOsiProcess } from './support/osi-process';
import { errorOf, SocketBag, text, utf8 } from './support/osi-steps';

const TP2_FLAGS =
  XP1_CONNECT_DATA |
  XP1_DISCONNECT_DATA |
  XP1_GRACEFUL_CLOSE |
  XP1_MESSAGE_ORIENTED |
  XP1_GUARANTEED_DELIVERY |
  XP1_GUARANTEED_ORDER |
  XP1_EXPEDITED_DATA;

describe('osiProtocolInfos', () => {
  it('are AF_ISO SOCK_SEQPACKET entries for class 2 (with disconnect data) and class 0 (without)', () => {
    const [tp2, tp0] = osiProtocolInfos();
    const shape = (e: WSAPROTOCOL_INFOW) => ({
      af: e.iAddressFamily,
      type: e.iSocketType,
      protocol: e.iProtocol,
      maxOffset: e.iProtocolMaxOffset,
      flags: `0x${e.dwServiceFlags1.toString(16)}`,
      providerFlags: e.dwProviderFlags,
      sockaddr: [e.iMinSockAddr, e.iMaxSockAddr],
      message: e.dwMessageSize,
      chain: e.ProtocolChain.ChainLen,
      order: e.iNetworkByteOrder,
      security: e.iSecurityScheme,
      provider: e.ProviderId,
    });
    const common = {
      af: AF_ISO,
      type: SOCK_SEQPACKET,
      maxOffset: 0,
      sockaddr: [SIZEOF_SOCKADDR_TP, SIZEOF_SOCKADDR_TP],
      message: OSI_MAX_TSDU_SIZE,
      chain: 1,
      order: BIGENDIAN,
      security: SECURITY_PROTOCOL_NONE,
      provider: OSI_PROVIDER_ID,
    };
    expect([shape(tp2!), shape(tp0!)]).toEqual([
      { ...common, protocol: ISOPROTO_TP2, flags: '0x1ee', providerFlags: PFL_MATCHES_PROTOCOL_ZERO },
      { ...common, protocol: ISOPROTO_TP0, flags: '0xee', providerFlags: 0 },
    ]);
    expect(tp2!.dwServiceFlags1).toBe(TP2_FLAGS);
    expect(tp0!.dwServiceFlags1).toBe(TP2_FLAGS & ~XP1_DISCONNECT_DATA);
  });

  it('returns fresh objects, under the ProviderId asked for', () => {
    const a = osiProtocolInfos('0f0e0d0c-0b0a-4908-8706-050403020100');
    const b = osiProtocolInfos();
    expect(a[0]).not.toBe(b[0]);
    expect(a.map((e) => e.ProviderId)).toEqual([
      '0f0e0d0c-0b0a-4908-8706-050403020100',
      '0f0e0d0c-0b0a-4908-8706-050403020100',
    ]);
  });
});

describe('installOsiProviders', () => {
  it('installs both entries under the package path and returns their IDs; a second install fails WSANO_RECOVERY', () => {
    const catalog = new Catalog();
    const ids = installOsiProviders(catalog);
    expect(ids).toEqual([1001, 1002]);
    expect(catalog.entries().map((e) => [e.info.dwCatalogEntryId, e.path, e.info.iProtocol])).toEqual([
      [1001, OSI_PROVIDER_PATH, ISOPROTO_TP2],
      [1002, OSI_PROVIDER_PATH, ISOPROTO_TP0],
    ]);
    expect(() => installOsiProviders(catalog)).toThrow(expect.objectContaining({ code: WSANO_RECOVERY }));
  });

  it('is part of the default catalog', async () => {
    const catalog = new Catalog();
    const result = await installDefaultCatalog(catalog);
    expect(result.installed.map((p) => p.module)).toContain('@ws2spi/providers-osi');
    expect(
      catalog
        .entries()
        .filter((e) => e.info.ProviderId === OSI_PROVIDER_ID)
        .map((e) => e.info.iProtocol),
    ).toEqual([ISOPROTO_TP2, ISOPROTO_TP0]);
  });
});

describe('selection', () => {
  let proc: OsiProcess;
  beforeEach(() => {
    proc = startOsiProcess({ streams: nodeStreamNetwork() });
  });
  afterEach(() => proc.end());

  async function chosen(protocol: number, type = SOCK_SEQPACKET): Promise<string | number> {
    try {
      const s = await Socket.create(proc.ws2, AF_ISO, type, protocol);
      const info = s.getOption(SO_PROTOCOL_INFOW) as WSAPROTOCOL_INFOW;
      s.close();
      return info.szProtocol;
    } catch (error) {
      return (error as { code: number }).code;
    }
  }

  it('protocol 0 picks TP2; ISOPROTO_TP2 and ISOPROTO_TP0 pick their entries; ISOPROTO_TP (class 4) and SOCK_STREAM are refused', async () => {
    const [tp2, tp0] = osiProtocolInfos();
    expect(await chosen(0)).toBe(tp2!.szProtocol);
    expect(await chosen(ISOPROTO_TP2)).toBe(tp2!.szProtocol);
    expect(await chosen(ISOPROTO_TP0)).toBe(tp0!.szProtocol);
    expect(await chosen(ISOPROTO_TP)).toBe(WSAEPROTONOSUPPORT);
    expect(await chosen(0, SOCK_STREAM)).toBe(WSAESOCKTNOSUPPORT);
  });

  it('SO_MAX_MSG_SIZE is the largest TSDU', async () => {
    const s = await Socket.create(proc.ws2, AF_ISO, SOCK_SEQPACKET, 0);
    expect(s.getOption(SO_MAX_MSG_SIZE)).toBe(OSI_MAX_TSDU_SIZE);
    s.close();
  });
});

describe('createOsiProvider', () => {
  it('refuses a TPDU size outside 128…65531 and timeouts that are not positive', () => {
    const streams = nodeStreamNetwork();
    expect(() => createOsiProvider({ streams, maxTpduSize: 127 })).toThrow(RangeError);
    expect(() => createOsiProvider({ streams, maxTpduSize: 65532 })).toThrow(RangeError);
    expect(() => createOsiProvider({ streams, disconnectTimeoutMs: 0 })).toThrow(RangeError);
    expect(() => createOsiProvider({ streams, connectTimeoutMs: Number.NaN })).toThrow(RangeError);
  });
});

describe("the package's WSPStartup (real TCP), found through the catalog path", () => {
  let proc: OsiProcess | undefined;
  let bag: SocketBag | undefined;
  afterEach(() => {
    bag?.closeAll();
    proc?.end();
  });

  it('serves TP2 and TP0 sockets over loopback: connect data, a message each way, disconnect data', async () => {
    proc = startOsiProcess();
    bag = new SocketBag(proc.ws2);
    for (const protocolClass of [2, 0] as const) {
      const listener = await bag.open(protocolClass);
      await listener.bind(sockaddrTp(`PKG-${protocolClass}`, '127.0.0.1', 0));
      await listener.listen(1);
      const client = await bag.open(protocolClass);
      const [accepted, connected] = await Promise.all([
        listener.accept((r) => ({ accept: text(r.callerData) === 'hi', calleeData: utf8('ho') })),
        client.connect(listener.localAddress()!, { callerData: utf8('hi') }),
      ]);
      const server = bag.adopt(accepted.socket);
      expect(text(connected.calleeData)).toBe('ho');
      await client.send(utf8(`class ${protocolClass}`));
      expect(text(await server.recv())).toBe(`class ${protocolClass}`);
      if (protocolClass === 2) {
        client.sendDisconnect(utf8('bye'));
        expect(await errorOf(server.recv())).toBe(WSAEDISCON);
        expect(text(server.recvDisconnect())).toBe('bye');
      } else {
        expect(await errorOf(() => client.sendDisconnect(utf8('bye')))).toBe(WSAENOPROTOOPT);
      }
    }
  });
});
