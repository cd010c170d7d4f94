/**
 * `SOCKADDR_TP`, the `AF_ISO` address of the OSI provider: the wshisotp.h layout `sockaddrTp`
 * fills (selector, then the IP node and its port), what `tpEndpointOf` reads back and refuses, the
 * kit codec's Winsock errors, and the text form through `WSAAddressToStringW` /
 * `WSAStringToAddressW` of a real `Ws2` process.
 */
import {
  ISO_HIERARCHICAL,
  ISO_NON_HIERARCHICAL,
  SIZEOF_SOCKADDR_TP,
  type SOCKADDR_TP,
  sockaddrTp,
  tpAddressCodec,
  tpEndpointOf,
} from '@ws2spi/providers-osi';
import {
  AF_ISO,
  formatSockaddr,
  ISO_MAX_ADDR_LENGTH,
  nodeStreamNetwork,
  out,
  type SOCKADDR,
  SOCKET_ERROR,
  sockaddrIn,
  WSAEADDRNOTAVAIL,
  WSAEAFNOSUPPORT,
  WSAEFAULT,
  WSAEINVAL,
  type WSAPROTOCOL_INFOW,
} from '@ws2spi/spi';
import { type OsiProcess, startOsiProcess } from './support/osi-process';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** A SOCKADDR_TP with fields set by hand, as a C caller would fill one. */
function handMade(fields: Partial<SOCKADDR_TP> & { bytes?: number[] }): SOCKADDR_TP {
  const tp_addr = new Uint8Array(ISO_MAX_ADDR_LENGTH);
  tp_addr.set(fields.bytes ?? []);
  return {
    sa_family: AF_ISO,
    tp_addr_type: fields.tp_addr_type ?? ISO_HIERARCHICAL,
    tp_taddr_len: fields.tp_taddr_len ?? fields.bytes?.length ?? 0,
    tp_tsel_len: fields.tp_tsel_len ?? 0,
    tp_addr: fields.tp_addr ?? tp_addr,
  };
}

describe('SOCKADDR_TP layout', () => {
  it('is 72 octets: four u_shorts and ISO_MAX_ADDR_LENGTH (64) address octets', () => {
    expect(SIZEOF_SOCKADDR_TP).toBe(72);
    expect(sockaddrTp('S', '127.0.0.1').tp_addr.byteLength).toBe(ISO_MAX_ADDR_LENGTH);
  });

  it('holds the selector, then the IPv4 node and the port big-endian (ISO_SET_TP_ADDR)', () => {
    const a = sockaddrTp('SRV', '192.0.2.7', 10102);
    expect({
      family: a.sa_family,
      type: a.tp_addr_type,
      tselLen: a.tp_tsel_len,
      taddrLen: a.tp_taddr_len,
      used: hex(a.tp_addr.subarray(0, a.tp_taddr_len)),
      rest: a.tp_addr.subarray(a.tp_taddr_len).every((b) => b === 0),
    }).toEqual({
      family: AF_ISO,
      type: ISO_HIERARCHICAL,
      tselLen: 3,
      taddrLen: 3 + 4 + 2,
      used: `${hex(new TextEncoder().encode('SRV'))}c0000207${(10102).toString(16).padStart(4, '0')}`,
      rest: true,
    });
  });

  it('writes an IPv6 node as 16 octets, and takes a binary selector as is', () => {
    const a = sockaddrTp(Uint8Array.of(0x00, 0x01), '2001:db8::1', 102);
    expect(hex(a.tp_addr.subarray(0, a.tp_taddr_len))).toBe(`0001${'20010db8000000000000000000000001'}0066`);
  });

  it('reads back what it wrote, with canonical addresses', () => {
    expect(tpEndpointOf(sockaddrTp('conformance', '::FFFF:10.0.0.1', 0))).toEqual({
      tsel: new TextEncoder().encode('conformance'),
      address: '::ffff:10.0.0.1',
      family: 6,
      port: 0,
    });
    expect(tpEndpointOf(sockaddrTp('', '0:0::1', 65535))).toEqual({
      tsel: new Uint8Array(0),
      address: '::1',
      family: 6,
      port: 65535,
    });
  });

  it('a node without a port means RFC 1006 port 102 (4 or 16 node octets)', () => {
    const v4 = handMade({ tp_tsel_len: 1, bytes: [0x41, 127, 0, 0, 1] });
    expect(tpEndpointOf(v4)).toEqual({
      tsel: Uint8Array.of(0x41),
      address: '127.0.0.1',
      family: 4,
      port: 102,
    });
    const v6 = handMade({ tp_tsel_len: 0, bytes: [...new Array(15).fill(0), 1] });
    expect(tpEndpointOf(v6)).toEqual({ tsel: new Uint8Array(0), address: '::1', family: 6, port: 102 });
  });

  it.each<[string, SOCKADDR, string]>([
    ['a node of 5 octets', handMade({ tp_tsel_len: 0, bytes: [127, 0, 0, 1, 0] }), 'malformed'],
    ['no node at all', handMade({ tp_tsel_len: 2, bytes: [1, 2] }), 'malformed'],
    ['a selector over 32 octets', handMade({ tp_tsel_len: 33, tp_taddr_len: 39 }), 'malformed'],
    ['tp_taddr_len over 52', handMade({ tp_tsel_len: 32, tp_taddr_len: 53 }), 'malformed'],
    ['tp_tsel_len past tp_taddr_len', handMade({ tp_tsel_len: 8, tp_taddr_len: 6 }), 'malformed'],
    [
      'tp_addr shorter than tp_taddr_len',
      handMade({ tp_taddr_len: 6, tp_addr: new Uint8Array(4) }),
      'malformed',
    ],
    ['an unknown tp_addr_type', handMade({ tp_addr_type: 7, bytes: [127, 0, 0, 1] }), 'malformed'],
    ['another family', sockaddrIn('127.0.0.1', 102), 'malformed'],
    [
      'ISO_NON_HIERARCHICAL',
      handMade({ tp_addr_type: ISO_NON_HIERARCHICAL, bytes: [127, 0, 0, 1] }),
      'non-hierarchical',
    ],
  ])('refuses %s', (_name, address, problem) => {
    expect(tpEndpointOf(address)).toBe(problem);
  });

  it('sockaddrTp refuses what cannot be an address', () => {
    expect(() => sockaddrTp('x'.repeat(33), '127.0.0.1')).toThrow(RangeError);
    expect(() => sockaddrTp('x', 'localhost')).toThrow(RangeError);
    expect(() => sockaddrTp('x', '127.0.0.1', 65536)).toThrow(RangeError);
  });
});

describe('the AF_ISO codec (what bind, connect and accept check)', () => {
  const codec = tpAddressCodec();
  const good = sockaddrTp('S', '127.0.0.1', 102);

  it('needs the whole SOCKADDR_TP: namelen below 72 is WSAEFAULT', () => {
    expect(codec.checkAddress(good, 71, 'connect')).toBe(WSAEFAULT);
    expect(codec.checkAddress(good, 72, 'connect')).toBe(0);
    expect(codec.checkAddress(good, 128, 'bind')).toBe(0);
  });

  it('another family is WSAEAFNOSUPPORT, a malformed address WSAEFAULT, a non-hierarchical one WSAEADDRNOTAVAIL', () => {
    expect(codec.checkAddress(sockaddrIn('127.0.0.1', 102), 128, 'connect')).toBe(WSAEAFNOSUPPORT);
    expect(codec.checkAddress(handMade({ bytes: [127, 0, 0] }), 128, 'connect')).toBe(WSAEFAULT);
    expect(
      codec.checkAddress(
        handMade({ tp_addr_type: ISO_NON_HIERARCHICAL, bytes: [127, 0, 0, 1] }),
        128,
        'bind',
      ),
    ).toBe(WSAEADDRNOTAVAIL);
  });

  it('a wildcard node or port 0 may be bound, never connected to', () => {
    for (const a of [
      sockaddrTp('S', '0.0.0.0', 102),
      sockaddrTp('S', '::', 102),
      sockaddrTp('S', '127.0.0.1', 0),
    ]) {
      expect([codec.checkAddress(a, 72, 'bind'), codec.checkAddress(a, 72, 'connect')]).toEqual([
        0,
        WSAEADDRNOTAVAIL,
      ]);
    }
  });

  it('two addresses are the same endpoint when selector, IP and port are', () => {
    expect(codec.sameAddress(good, sockaddrTp('S', '127.0.0.1', 102))).toBe(true);
    expect(codec.sameAddress(sockaddrTp('S', '::1', 7), sockaddrTp('S', '0::1', 7))).toBe(true);
    expect(codec.sameAddress(good, sockaddrTp('T', '127.0.0.1', 102))).toBe(false);
    expect(codec.sameAddress(good, sockaddrTp('S', '127.0.0.1', 103))).toBe(false);
  });
});

describe('WSAAddressToStringW / WSAStringToAddressW for AF_ISO', () => {
  let proc: OsiProcess;
  let tp2: WSAPROTOCOL_INFOW;

  beforeEach(() => {
    proc = startOsiProcess({ streams: nodeStreamNetwork() });
    tp2 = proc.catalog.entries()[0]!.info;
  });
  afterEach(() => proc.end());

  async function toText(address: SOCKADDR, length = SIZEOF_SOCKADDR_TP): Promise<string | number> {
    const text = out('');
    const size = out(256);
    const rc = await proc.ws2.WSAAddressToStringW(address, length, tp2, text, size);
    return rc === SOCKET_ERROR ? proc.ws2.WSAGetLastError() : text.value;
  }

  async function fromText(text: string): Promise<SOCKADDR | number> {
    const address = out<SOCKADDR | null>(null);
    const rc = await proc.ws2.WSAStringToAddressW(text, AF_ISO, tp2, address, out(SIZEOF_SOCKADDR_TP));
    return rc === SOCKET_ERROR ? proc.ws2.WSAGetLastError() : address.value!;
  }

  it.each<[string, SOCKADDR_TP]>([
    ['"SRV"/Internet=127.0.0.1+102', sockaddrTp('SRV', '127.0.0.1', 102)],
    ["'0001'H/Internet=[::1]+10102", sockaddrTp(Uint8Array.of(0, 1), '::1', 10102)],
    ["'22'H/Internet=10.0.0.2+7", sockaddrTp('"', '10.0.0.2', 7)],
    ['Internet=10.0.0.2+102', sockaddrTp('', '10.0.0.2', 102)],
  ])('%s both ways', async (text, address) => {
    expect(await toText(address)).toBe(text);
    expect(tpEndpointOf((await fromText(text)) as SOCKADDR)).toEqual(tpEndpointOf(address));
    // The text a WsaError's message gives the address (formatSockaddr of @ws2spi/spi) is this one.
    expect(formatSockaddr(address)).toBe(text);
  });

  it('formatSockaddr writes a node without a port with port 102, as WSAAddressToStringW does', async () => {
    const noPort = handMade({ tp_taddr_len: 7, tp_tsel_len: 3, bytes: [0x41, 0x42, 0x43, 10, 0, 0, 2] });
    expect(formatSockaddr(noPort)).toBe('"ABC"/Internet=10.0.0.2+102');
    expect(await toText(noPort)).toBe(formatSockaddr(noPort));
  });

  it('reads hex in either case, and a missing port as 102 (RFC 1277)', async () => {
    expect(tpEndpointOf((await fromText("'beef'h/Internet=192.0.2.1")) as SOCKADDR)).toEqual({
      tsel: Uint8Array.of(0xbe, 0xef),
      address: '192.0.2.1',
      family: 4,
      port: 102,
    });
  });

  it.each([
    'SRV/Internet=127.0.0.1+102',
    '"SRV"/Internet=localhost+102',
    '"SRV"/Internet=127.0.0.1+65536',
    "'123'H/Internet=127.0.0.1",
    `"${'x'.repeat(33)}"/Internet=127.0.0.1`,
    '"SRV"/Internet=::1+102',
    '127.0.0.1:102',
  ])('refuses %j with WSAEINVAL', async (text) => {
    expect(await fromText(text)).toBe(WSAEINVAL);
  });

  it('WSAAddressToStringW needs the whole SOCKADDR_TP (WSAEFAULT) and a usable one (WSAEINVAL)', async () => {
    expect(await toText(sockaddrTp('S', '127.0.0.1'), 71)).toBe(WSAEFAULT);
    expect(await toText(handMade({ bytes: [1, 2, 3] }))).toBe(WSAEINVAL);
  });
});
