/**
 * Every Windows constant the package exports, checked against its source:
 *  1. the facts of ../shared/reference/winsock-spi.md, parsed from the markdown at test time, so a
 *     constant and the reference can never drift apart silently;
 *  2. for values the reference does not state, a second table copied from the Windows headers
 *     (mingw-w64-headers/include, which mirror the SDK), each row naming its header.
 * Every numeric export of src/constants must be covered by one of the two.
 */

import { describe, expect, it } from '@jest/globals';
import * as spi from '@ws2spi/spi';
import * as constantsModule from '../src/constants';
import { mswsockCheckedNames } from './support/mswsock-reference';
import { loadWinsockReference, type ReferenceFact } from './support/winsock-reference';

const exported = spi as unknown as Record<string, unknown>;
const reference = loadWinsockReference();

/** A name with the `_SUFFIX` abbreviation of the reference resolved against the exports. */
function resolveName(fact: ReferenceFact): string | undefined {
  if (fact.anchor === undefined) return fact.name;
  // `_MULTIPOINT_C_ROOT` after `WSA_FLAG_OVERLAPPED` continues the `WSA_FLAG_` family: the one
  // exported name of that family that ends in the abbreviation.
  const family = fact.anchor.split('_').slice(0, 2).join('_');
  const candidates = Object.keys(exported).filter((n) => n.startsWith(`${family}_`) && n.endsWith(fact.name));
  return candidates.length === 1 ? candidates[0] : undefined;
}

const facts = reference.facts.map((f) => ({ ...f, resolved: resolveName(f) }));
const exportedFacts = facts.filter((f) => f.resolved !== undefined && f.resolved in exported);

/** The 32-bit two's-complement pattern, for values the reference writes as `~n`. */
const bits = (n: number): number => n >>> 0;

function section(prefix: string): typeof facts {
  return facts.filter((f) => f.section.startsWith(prefix));
}

// Families this package owns: a name of these families in the reference must be exported.
// WSK (§5), NTSTATUS and the constants of the MS sample, Linux DECnet, BSD TP4 and ATM are
// checked only once something exports them.
const requiredFamily =
  /^(WSA|XP1_|PFL_|LSP_|AF_|SOCK_|IPPROTO_|ISOPROTO_|ISO_|SD_|FD_|SOL_|PVD_|MAX_PROTOCOL_CHAIN$|BASE_PROTOCOL$|LAYERED_PROTOCOL$|SOCKET_ERROR$|INVALID_SOCKET$|FROM_PROTOCOL_INFO$|BIGENDIAN$|LITTLEENDIAN$|SECURITY_PROTOCOL_NONE$|NO_ERROR$|ProviderInfo)|^SO_(?!WSK_)/;

// The Winsock error codes of winsock2.h / psdk_inc/_wsa_errnos.h as offsets from WSABASEERR.
const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const WINSOCK_ERROR_CODES = [
  4,
  9,
  13,
  14,
  22,
  24,
  ...range(35, 71),
  91,
  92,
  93,
  ...range(101, 112),
  ...range(1001, 1004),
].map((o) => 10000 + o);

describe('the reference parse (guards against a parse that silently matches nothing)', () => {
  it('extracts at least the known number of facts', () => {
    // 262 at the time of writing; a drop means the markdown changed shape under the parser.
    expect(facts.length).toBeGreaterThanOrEqual(250);
  });

  it('reads the whole §1.6 error table: every code 10004…10112 and 11001…11004, plus WSANO_ADDRESS', () => {
    const table = section('1.6').filter((f) => f.form === 'table');
    expect(table).toHaveLength(WINSOCK_ERROR_CODES.length + 1);
    expect([...new Set(table.map((f) => f.value))].sort((a, b) => a - b)).toEqual(WINSOCK_ERROR_CODES);
    expect(table.find((f) => f.name === 'WSANO_ADDRESS')?.value).toBe(11004);
  });

  it('reads the QoS range of §1.6 by its ends', () => {
    expect(reference.ranges).toEqual([
      expect.objectContaining({
        first: { name: 'WSA_QOS_RECEIVERS', value: 11005 },
        last: { name: 'WSA_QOS_RESERVED_PETYPE', value: 11031 },
      }),
    ]);
  });

  it.each([
    ['1.3', 'XP1_', 20],
    ['1.4', 'PFL_', 5],
    ['1.5', 'LSP_', 9],
  ])('reads the §%s table: %s × %i', (sec, prefix, count) => {
    const rows = section(sec).filter((f) => f.form === 'table' && f.name.startsWith(prefix));
    expect(rows).toHaveLength(count);
  });

  it('reads the address family line of §1.1', () => {
    const line = facts.filter((f) => f.form === 'address-family');
    expect(line.map((f) => f.name)).toEqual([
      'AF_UNSPEC',
      'AF_UNIX',
      'AF_INET',
      'AF_IPX',
      'AF_ISO',
      'AF_OSI',
      'AF_DECnet',
      'AF_APPLETALK',
      'AF_NETBIOS',
      'AF_ATM',
      'AF_INET6',
      'AF_IRDA',
      'AF_BTH',
    ]);
  });

  it('reads the "Related constants" of §1.1 and the chain facts of §1.2', () => {
    const byName = new Map(facts.map((f) => [f.name, f]));
    expect(byName.get('SO_PROTOCOL_INFOW')?.value).toBe(0x2005);
    expect(byName.get('SOL_SOCKET')?.value).toBe(0xffff);
    expect(byName.get('FROM_PROTOCOL_INFO')?.value).toBe(-1);
    expect(byName.get('INVALID_SOCKET')).toMatchObject({ value: -1, bitPattern: true });
    expect(byName.get('MAX_PROTOCOL_CHAIN')?.value).toBe(7);
    expect(byName.get('LAYERED_PROTOCOL')?.value).toBe(0);
    expect(byName.get('BASE_PROTOCOL')?.value).toBe(1);
  });

  it('reads the WSK tables of §5 (checked against the package once it exports them)', () => {
    expect(section('5.4').filter((f) => f.name.startsWith('WSK_EVENT_'))).toHaveLength(6);
    expect(section('5.5').filter((f) => f.name.startsWith('SIO_WSK_'))).toHaveLength(8);
    expect(section('5.6').filter((f) => f.name.startsWith('STATUS_')).length).toBeGreaterThanOrEqual(26);
  });

  it('states every name with one value only', () => {
    const seen = new Map<string, ReferenceFact>();
    const conflicts: string[] = [];
    for (const f of facts) {
      const before = seen.get(f.name);
      if (before && before.value !== f.value && f.anchor === undefined) {
        conflicts.push(`${f.name}: ${before.value} (line ${before.line}) vs ${f.value} (line ${f.line})`);
      }
      seen.set(f.name, f);
    }
    expect(conflicts).toEqual([]);
  });

  it('resolves every abbreviated WSA_FLAG_ name of §1.1 to exactly one export', () => {
    const abbreviated = facts.filter((f) => f.anchor?.startsWith('WSA_FLAG_'));
    expect(abbreviated.map((f) => f.resolved)).toEqual([
      'WSA_FLAG_MULTIPOINT_C_ROOT',
      'WSA_FLAG_MULTIPOINT_C_LEAF',
      'WSA_FLAG_MULTIPOINT_D_ROOT',
      'WSA_FLAG_MULTIPOINT_D_LEAF',
      'WSA_FLAG_ACCESS_SYSTEM_SECURITY',
      'WSA_FLAG_NO_HANDLE_INHERIT',
      'WSA_FLAG_REGISTERED_IO',
    ]);
  });
});

describe('constants against winsock-spi.md', () => {
  it.each(exportedFacts.map((f) => [f.resolved!, f.value, f.line, f] as const))(
    '%s = %d (winsock-spi.md:%i)',
    (name, value, _line, fact) => {
      const actual = exported[name];
      expect(typeof actual).toBe('number');
      if (fact.bitPattern) expect(bits(actual as number)).toBe(bits(value));
      else expect(actual).toBe(value);
    },
  );

  it('exports every reference constant of the families this package owns', () => {
    const missing = facts
      .filter((f) => requiredFamily.test(f.resolved ?? f.name) && !((f.resolved ?? f.name) in exported))
      .map((f) => `${f.resolved ?? `${f.anchor}…${f.name}`} (winsock-spi.md:${f.line})`);
    expect([...new Set(missing)]).toEqual([]);
  });
});

// The names the issue requires, whatever the parse finds: each must be exported and equal the
// reference value (or, for values the reference leaves out, the header table below).
const REQUIRED_NAMES = [
  'SOL_SOCKET',
  'SO_PROTOCOL_INFOW',
  'SO_LINGER',
  'SO_ERROR',
  'SO_TYPE',
  'SO_MAX_MSG_SIZE',
  'FROM_PROTOCOL_INFO',
  'MAX_PROTOCOL_CHAIN',
  'BASE_PROTOCOL',
  'LAYERED_PROTOCOL',
  'SOCKET_ERROR',
  'INVALID_SOCKET',
  'SD_RECEIVE',
  'SD_SEND',
  'SD_BOTH',
  'SOCK_STREAM',
  'SOCK_DGRAM',
  'SOCK_RAW',
  'SOCK_RDM',
  'SOCK_SEQPACKET',
  'AF_INET',
  'AF_INET6',
  'AF_ISO',
  'IPPROTO_TCP',
  'IPPROTO_UDP',
  'FD_READ',
  'FD_READ_BIT',
  'FD_CLOSE',
  'FD_CLOSE_BIT',
  'XP1_DISCONNECT_DATA',
  'XP1_IFS_HANDLES',
  'PFL_HIDDEN',
  'PFL_MATCHES_PROTOCOL_ZERO',
  'LSP_SYSTEM',
  'WSAENOPROTOOPT',
  'WSAEDISCON',
  'WSAEREFUSED',
  'WSANO_DATA',
];

/**
 * Values the reference does not state, copied from the Windows headers as mingw-w64 ships them
 * (mingw-w64-headers/include/winsock2.h — the SDK keeps the same values in ws2def.h —,
 * wshisotp.h, and winnt.h/winbase.h for the wait results that winsock2.h aliases).
 */
const IOC_OUT = 0x40000000;
const IOC_IN = 0x80000000;
const IOCPARM_MASK = 0x7f;
const SIZEOF_U_LONG = 4;
const ch = (c: string): number => c.charCodeAt(0);
/** `_IOR(x,y,t)` of winsock2.h. */
const _IOR = (x: string, y: number): number =>
  bits(IOC_OUT | ((SIZEOF_U_LONG & IOCPARM_MASK) << 16) | (ch(x) << 8) | y);
/** `_IOW(x,y,t)` of winsock2.h. */
const _IOW = (x: string, y: number): number =>
  bits(IOC_IN | ((SIZEOF_U_LONG & IOCPARM_MASK) << 16) | (ch(x) << 8) | y);

const HEADER_VALUES: ReadonlyArray<readonly [name: string, value: number, header: string]> = [
  // winsock2.h: address families not in the reference line (AF_IPX is AF_NS, AF_OSI is AF_ISO).
  ['AF_IMPLINK', 3, 'winsock2.h'],
  ['AF_PUP', 4, 'winsock2.h'],
  ['AF_CHAOS', 5, 'winsock2.h'],
  ['AF_NS', 6, 'winsock2.h'],
  ['AF_ECMA', 8, 'winsock2.h'],
  ['AF_DATAKIT', 9, 'winsock2.h'],
  ['AF_CCITT', 10, 'winsock2.h'],
  ['AF_SNA', 11, 'winsock2.h'],
  ['AF_DLI', 13, 'winsock2.h'],
  ['AF_LAT', 14, 'winsock2.h'],
  ['AF_HYLINK', 15, 'winsock2.h'],
  ['AF_VOICEVIEW', 18, 'winsock2.h'],
  ['AF_FIREFOX', 19, 'winsock2.h'],
  ['AF_UNKNOWN1', 20, 'winsock2.h'],
  ['AF_BAN', 21, 'winsock2.h'],
  ['AF_CLUSTER', 24, 'winsock2.h'],
  ['AF_12844', 25, 'winsock2.h'],
  ['AF_NETDES', 28, 'winsock2.h'],
  // winsock2.h: `#define PF_x AF_x`.
  ['PF_UNSPEC', 0, 'winsock2.h'],
  ['PF_INET', 2, 'winsock2.h'],
  ['PF_ISO', 7, 'winsock2.h'],
  ['PF_OSI', 7, 'winsock2.h'],
  ['PF_INET6', 23, 'winsock2.h'],
  // winsock2.h (SDK: ws2def.h) IPPROTO_*.
  ['IPPROTO_IP', 0, 'winsock2.h'],
  ['IPPROTO_HOPOPTS', 0, 'winsock2.h'],
  ['IPPROTO_ICMP', 1, 'winsock2.h'],
  ['IPPROTO_IGMP', 2, 'winsock2.h'],
  ['IPPROTO_GGP', 3, 'winsock2.h'],
  ['IPPROTO_IPV4', 4, 'winsock2.h'],
  ['IPPROTO_ST', 5, 'winsock2.h'],
  ['IPPROTO_TCP', 6, 'winsock2.h'],
  ['IPPROTO_CBT', 7, 'winsock2.h'],
  ['IPPROTO_EGP', 8, 'winsock2.h'],
  ['IPPROTO_IGP', 9, 'winsock2.h'],
  ['IPPROTO_PUP', 12, 'winsock2.h'],
  ['IPPROTO_UDP', 17, 'winsock2.h'],
  ['IPPROTO_IDP', 22, 'winsock2.h'],
  ['IPPROTO_RDP', 27, 'winsock2.h'],
  ['IPPROTO_IPV6', 41, 'winsock2.h'],
  ['IPPROTO_ROUTING', 43, 'winsock2.h'],
  ['IPPROTO_FRAGMENT', 44, 'winsock2.h'],
  ['IPPROTO_ESP', 50, 'winsock2.h'],
  ['IPPROTO_AH', 51, 'winsock2.h'],
  ['IPPROTO_ICMPV6', 58, 'winsock2.h'],
  ['IPPROTO_NONE', 59, 'winsock2.h'],
  ['IPPROTO_DSTOPTS', 60, 'winsock2.h'],
  ['IPPROTO_ND', 77, 'winsock2.h'],
  ['IPPROTO_ICLFXBM', 78, 'winsock2.h'],
  ['IPPROTO_PIM', 103, 'winsock2.h'],
  ['IPPROTO_PGM', 113, 'winsock2.h'],
  ['IPPROTO_L2TP', 115, 'winsock2.h'],
  ['IPPROTO_SCTP', 132, 'winsock2.h'],
  ['IPPROTO_RAW', 255, 'winsock2.h'],
  ['IPPROTO_MAX', 256, 'winsock2.h'],
  // wshisotp.h.
  ['ISOPROTO_TP0', 25, 'wshisotp.h'],
  ['ISOPROTO_TP1', 26, 'wshisotp.h'],
  ['ISOPROTO_TP2', 27, 'wshisotp.h'],
  ['ISOPROTO_TP3', 28, 'wshisotp.h'],
  ['ISOPROTO_TP', 29, 'wshisotp.h (= ISOPROTO_TP4)'],
  ['ISOPROTO_CLTP', 30, 'wshisotp.h'],
  ['ISOPROTO_CLNP', 31, 'wshisotp.h'],
  ['ISOPROTO_X25', 32, 'wshisotp.h'],
  // winsock2.h socket options.
  ['SO_DEBUG', 0x0001, 'winsock2.h'],
  ['SO_ACCEPTCONN', 0x0002, 'winsock2.h'],
  ['SO_REUSEADDR', 0x0004, 'winsock2.h'],
  ['SO_KEEPALIVE', 0x0008, 'winsock2.h'],
  ['SO_DONTROUTE', 0x0010, 'winsock2.h'],
  ['SO_BROADCAST', 0x0020, 'winsock2.h'],
  ['SO_USELOOPBACK', 0x0040, 'winsock2.h'],
  ['SO_LINGER', 0x0080, 'winsock2.h'],
  ['SO_OOBINLINE', 0x0100, 'winsock2.h'],
  ['SO_DONTLINGER', ~0x0080, 'winsock2.h: (int)(~SO_LINGER)'],
  ['SO_EXCLUSIVEADDRUSE', ~0x0004, 'winsock2.h: ((int)(~SO_REUSEADDR))'],
  ['SO_SNDBUF', 0x1001, 'winsock2.h'],
  ['SO_RCVBUF', 0x1002, 'winsock2.h'],
  ['SO_SNDLOWAT', 0x1003, 'winsock2.h'],
  ['SO_RCVLOWAT', 0x1004, 'winsock2.h'],
  ['SO_SNDTIMEO', 0x1005, 'winsock2.h'],
  ['SO_RCVTIMEO', 0x1006, 'winsock2.h'],
  ['SO_ERROR', 0x1007, 'winsock2.h'],
  ['SO_TYPE', 0x1008, 'winsock2.h'],
  ['SO_GROUP_ID', 0x2001, 'winsock2.h'],
  ['SO_GROUP_PRIORITY', 0x2002, 'winsock2.h'],
  ['SO_CONDITIONAL_ACCEPT', 0x3002, 'winsock2.h'],
  ['TCP_NODELAY', 0x0001, 'winsock2.h'],
  // winsock2.h network events: `FD_x (1 << FD_x_BIT)`.
  ['FD_READ_BIT', 0, 'winsock2.h'],
  ['FD_WRITE_BIT', 1, 'winsock2.h'],
  ['FD_OOB_BIT', 2, 'winsock2.h'],
  ['FD_ACCEPT_BIT', 3, 'winsock2.h'],
  ['FD_CONNECT_BIT', 4, 'winsock2.h'],
  ['FD_CLOSE_BIT', 5, 'winsock2.h'],
  ['FD_QOS_BIT', 6, 'winsock2.h'],
  ['FD_GROUP_QOS_BIT', 7, 'winsock2.h'],
  ['FD_ROUTING_INTERFACE_CHANGE_BIT', 8, 'winsock2.h'],
  ['FD_ADDRESS_LIST_CHANGE_BIT', 9, 'winsock2.h'],
  ['FD_MAX_EVENTS', 10, 'winsock2.h'],
  ['FD_READ', 1 << 0, 'winsock2.h'],
  ['FD_WRITE', 1 << 1, 'winsock2.h'],
  ['FD_OOB', 1 << 2, 'winsock2.h'],
  ['FD_ACCEPT', 1 << 3, 'winsock2.h'],
  ['FD_CONNECT', 1 << 4, 'winsock2.h'],
  ['FD_CLOSE', 1 << 5, 'winsock2.h'],
  ['FD_QOS', 1 << 6, 'winsock2.h'],
  ['FD_GROUP_QOS', 1 << 7, 'winsock2.h'],
  ['FD_ROUTING_INTERFACE_CHANGE', 1 << 8, 'winsock2.h'],
  ['FD_ADDRESS_LIST_CHANGE', 1 << 9, 'winsock2.h'],
  ['FD_ALL_EVENTS', (1 << 10) - 1, 'winsock2.h'],
  ['FD_SETSIZE', 64, 'winsock2.h (psdk_inc/_fd_types.h)'],
  // winsock2.h ioctl codes, computed with the header's own _IOR/_IOW macros (sizeof(u_long) = 4).
  ['FIONBIO', _IOW('f', 126), "winsock2.h: _IOW('f',126,u_long)"],
  ['FIONREAD', _IOR('f', 127), "winsock2.h: _IOR('f',127,u_long)"],
  ['SIOCATMARK', _IOR('s', 7), "winsock2.h: _IOR('s',7,u_long)"],
  // winsock2.h message flags.
  ['MSG_OOB', 0x1, 'winsock2.h'],
  ['MSG_PEEK', 0x2, 'winsock2.h'],
  ['MSG_DONTROUTE', 0x4, 'winsock2.h'],
  ['MSG_WAITALL', 0x8, 'winsock2.h'],
  ['MSG_INTERRUPT', 0x10, 'winsock2.h'],
  ['MSG_PUSH_IMMEDIATE', 0x20, 'winsock2.h'],
  ['MSG_PARTIAL', 0x8000, 'winsock2.h'],
  ['MSG_MAXIOVLEN', 16, 'winsock2.h'],
  ['SOMAXCONN', 0x7fffffff, 'winsock2.h'],
  ['CF_ACCEPT', 0x0000, 'winsock2.h'],
  ['CF_REJECT', 0x0001, 'winsock2.h'],
  ['CF_DEFER', 0x0002, 'winsock2.h'],
  // winsock2.h WSAPoll bits.
  ['POLLRDNORM', 0x0100, 'winsock2.h'],
  ['POLLRDBAND', 0x0200, 'winsock2.h'],
  ['POLLIN', 0x0100 | 0x0200, 'winsock2.h: (POLLRDNORM | POLLRDBAND)'],
  ['POLLPRI', 0x0400, 'winsock2.h'],
  ['POLLWRNORM', 0x0010, 'winsock2.h'],
  ['POLLOUT', 0x0010, 'winsock2.h: (POLLWRNORM)'],
  ['POLLWRBAND', 0x0020, 'winsock2.h'],
  ['POLLERR', 0x0001, 'winsock2.h'],
  ['POLLHUP', 0x0002, 'winsock2.h'],
  ['POLLNVAL', 0x0004, 'winsock2.h'],
  // winsock2.h aliases of winnt.h/winbase.h wait values.
  ['WSA_MAXIMUM_WAIT_EVENTS', 64, 'winsock2.h: MAXIMUM_WAIT_OBJECTS (winnt.h)'],
  ['WSA_WAIT_EVENT_0', 0, 'winsock2.h: WAIT_OBJECT_0 (winbase.h)'],
  ['WSA_WAIT_IO_COMPLETION', 0xc0, 'winsock2.h: WAIT_IO_COMPLETION = STATUS_USER_APC (winbase.h)'],
  ['WSA_WAIT_TIMEOUT', 258, 'winsock2.h: WAIT_TIMEOUT (winbase.h)'],
  ['WSA_WAIT_FAILED', 0xffffffff, 'winsock2.h: WAIT_FAILED (winbase.h)'],
  ['WSA_INFINITE', 0xffffffff, 'winsock2.h: INFINITE (winbase.h)'],
  // winsock2.h (psdk_inc/_wsadata.h) WSADATA text sizes.
  ['WSADESCRIPTION_LEN', 256, 'winsock2.h'],
  ['WSASYS_STATUS_LEN', 128, 'winsock2.h'],
  // `(SOCKET)(~0)`: SOCKET is unsigned, and the package keeps handles in 32 bits.
  ['INVALID_SOCKET', 0xffffffff, 'winsock2.h: (SOCKET)(~0)'],
  // The QoS errors, which the reference gives only as the range 11005 … 11031
  // (winsock2.h, psdk_inc/_wsa_errnos.h: `(WSABASEERR + 1005)` …).
  ...(
    [
      'WSA_QOS_RECEIVERS',
      'WSA_QOS_SENDERS',
      'WSA_QOS_NO_SENDERS',
      'WSA_QOS_NO_RECEIVERS',
      'WSA_QOS_REQUEST_CONFIRMED',
      'WSA_QOS_ADMISSION_FAILURE',
      'WSA_QOS_POLICY_FAILURE',
      'WSA_QOS_BAD_STYLE',
      'WSA_QOS_BAD_OBJECT',
      'WSA_QOS_TRAFFIC_CTRL_ERROR',
      'WSA_QOS_GENERIC_ERROR',
      'WSA_QOS_ESERVICETYPE',
      'WSA_QOS_EFLOWSPEC',
      'WSA_QOS_EPROVSPECBUF',
      'WSA_QOS_EFILTERSTYLE',
      'WSA_QOS_EFILTERTYPE',
      'WSA_QOS_EFILTERCOUNT',
      'WSA_QOS_EOBJLENGTH',
      'WSA_QOS_EFLOWCOUNT',
      'WSA_QOS_EUNKOWNPSOBJ',
      'WSA_QOS_EPOLICYOBJ',
      'WSA_QOS_EFLOWDESC',
      'WSA_QOS_EPSFLOWSPEC',
      'WSA_QOS_EPSFILTERSPEC',
      'WSA_QOS_ESDMODEOBJ',
      'WSA_QOS_ESHAPERATEOBJ',
      'WSA_QOS_RESERVED_PETYPE',
    ] as const
  ).map((name, i) => [name, 11005 + i, `winsock2.h: (WSABASEERR + ${1005 + i})`] as const),
];

describe('constants the reference does not state, against the Windows headers', () => {
  it.each(HEADER_VALUES)('%s = %d (%s)', (name, value) => {
    expect(exported[name]).toBe(value);
  });

  it('agrees with the reference wherever both state a value', () => {
    const disagreements = HEADER_VALUES.flatMap(([name, value]) =>
      facts
        .filter((f) => f.resolved === name)
        .filter((f) => (f.bitPattern ? bits(f.value) !== bits(value) : f.value !== value))
        .map((f) => `${name}: header ${value}, winsock-spi.md:${f.line} ${f.value}`),
    );
    expect(disagreements).toEqual([]);
  });
});

describe('coverage', () => {
  it('checks every numeric constant of src/constants against the reference or a header row', () => {
    const checked = new Set([
      ...exportedFacts.map((f) => f.resolved!),
      ...HEADER_VALUES.map(([n]) => n),
      // Checked against mswsock-iocp.md and the headers in constants-mswsock.test.ts.
      ...mswsockCheckedNames(),
    ]);
    const unchecked = Object.entries(constantsModule)
      .filter(([, v]) => typeof v === 'number')
      .map(([name]) => name)
      .filter((name) => !checked.has(name));
    // A new constant needs a source: a winsock-spi.md or mswsock-iocp.md fact, or a header row.
    expect(unchecked).toEqual([]);
  });

  it('exports the names the issue requires, each checked by the reference or the headers', () => {
    const checked = new Set([...exportedFacts.map((f) => f.resolved!), ...HEADER_VALUES.map(([n]) => n)]);
    expect(REQUIRED_NAMES.filter((n) => typeof exported[n] !== 'number')).toEqual([]);
    expect(REQUIRED_NAMES.filter((n) => !checked.has(n))).toEqual([]);
    expect(spi.AF_INET6).toBe(23);
  });

  it('exports every XP1_*, PFL_*, LSP_*, AF_*, SOCK_*, SD_* of the reference', () => {
    for (const prefix of ['XP1_', 'PFL_', 'LSP_', 'AF_', 'SOCK_', 'SD_']) {
      const names = [...new Set(facts.filter((f) => f.name.startsWith(prefix)).map((f) => f.name))];
      expect(names.length).toBeGreaterThan(0);
      expect(names.filter((n) => typeof exported[n] !== 'number')).toEqual([]);
    }
  });
});

describe('WsaErrorCodes and wsaErrorName', () => {
  const codes = Object.entries(spi.WsaErrorCodes) as [string, number][];

  it('exports every error code of the reference table, in WsaErrorCodes and by name', () => {
    const table = section('1.6').filter((f) => f.form === 'table' && f.name !== 'WSANO_ADDRESS');
    for (const f of table) {
      expect([f.name, (spi.WsaErrorCodes as Record<string, number>)[f.name]]).toEqual([f.name, f.value]);
      expect([f.name, exported[f.name]]).toEqual([f.name, f.value]);
    }
  });

  it('has exactly one WSA_QOS_* name for every code of the QoS range 11005…11031', () => {
    const [qos] = reference.ranges;
    const inRange = codes.filter(([, v]) => v >= qos!.first.value && v <= qos!.last.value);
    expect(inRange.map(([, v]) => v).sort((a, b) => a - b)).toEqual(range(qos!.first.value, qos!.last.value));
    expect(inRange.every(([n]) => n.startsWith('WSA_QOS_'))).toBe(true);
    expect(spi.WsaErrorCodes.WSA_QOS_RECEIVERS).toBe(qos!.first.value);
    expect(spi.WsaErrorCodes.WSA_QOS_RESERVED_PETYPE).toBe(qos!.last.value);
  });

  it('exports every WsaErrorCodes member by name too, with the same value', () => {
    expect(codes.filter(([name, v]) => exported[name] !== v).map(([name]) => name)).toEqual([]);
  });

  it('maps every code back to its name', () => {
    expect(codes.filter(([name, v]) => spi.wsaErrorName(v) !== name).map(([name]) => name)).toEqual([]);
    for (const [, v] of codes) expect(spi.isWsaErrorCode(v)).toBe(true);
  });

  it('has no two names for one value (Windows defines no such alias inside WsaErrorCodes)', () => {
    // The one Windows alias in this range, WSANO_ADDRESS = WSANO_DATA, is a separate export.
    const byValue = new Map<number, string[]>();
    for (const [name, v] of codes) byValue.set(v, [...(byValue.get(v) ?? []), name]);
    expect([...byValue.values()].filter((names) => names.length > 1)).toEqual([]);
    expect(spi.WSANO_ADDRESS).toBe(spi.WSANO_DATA);
    expect(spi.wsaErrorName(spi.WSANO_ADDRESS)).toBe('WSANO_DATA');
  });

  it('names 0 NO_ERROR and keeps unknown numbers in the name', () => {
    expect(spi.wsaErrorName(0)).toBe('NO_ERROR');
    expect(spi.wsaErrorName(12345)).toBe('WSA error 12345');
    expect(spi.isWsaErrorCode(12345)).toBe(false);
    expect(spi.isWsaErrorCode('10042')).toBe(false);
  });

  it('describes the codes that matter for disconnects in the words of the Windows message table', () => {
    expect(spi.wsaErrorDescription(spi.WSAENOPROTOOPT)).toMatch(/unsupported option/);
    expect(spi.wsaErrorDescription(spi.WSAEDISCON)).toMatch(/graceful shutdown/);
    // A code without a description falls back to its name, never to an empty string.
    expect(spi.wsaErrorDescription(spi.WSAEREMOTE)).toBe('WSAEREMOTE');
  });
});

describe('name tables of the constants', () => {
  const check = (table: Record<string, number>, prefix: string) => {
    const fromReference = [...new Set(facts.filter((f) => f.name.startsWith(prefix)).map((f) => f.name))];
    expect(Object.keys(table).sort()).toEqual(fromReference.sort());
    for (const [name, v] of Object.entries(table)) expect([name, v]).toEqual([name, exported[name]]);
  };

  it('SERVICE_FLAGS holds every XP1_* flag, in bit order', () => {
    check(spi.SERVICE_FLAGS, 'XP1_');
    const values = Object.values(spi.SERVICE_FLAGS);
    expect(values).toEqual([...values].sort((a, b) => a - b));
  });

  it('PROVIDER_FLAGS holds every PFL_* flag, in bit order', () => {
    check(spi.PROVIDER_FLAGS, 'PFL_');
    const values = Object.values(spi.PROVIDER_FLAGS);
    expect(values).toEqual([...values].sort((a, b) => a - b));
  });

  it('LSP_CATEGORIES holds every LSP_* category', () => {
    check(spi.LSP_CATEGORIES, 'LSP_');
  });

  it('NETWORK_EVENTS holds every FD_* event, in bit order', () => {
    const fdEvents = HEADER_VALUES.filter(
      ([n]) =>
        /^FD_[A-Z_]+$/.test(n) &&
        !n.endsWith('_BIT') &&
        !['FD_MAX_EVENTS', 'FD_ALL_EVENTS', 'FD_SETSIZE'].includes(n),
    );
    expect(Object.entries(spi.NETWORK_EVENTS)).toEqual(fdEvents.map(([n, v]) => [n, v]));
  });

  it('addressFamilyName and socketTypeName give names whose exports have that value', () => {
    for (const af of [spi.AF_UNSPEC, spi.AF_INET, spi.AF_INET6, spi.AF_ISO, spi.AF_BTH]) {
      expect(exported[spi.addressFamilyName(af)]).toBe(af);
    }
    expect(spi.addressFamilyName(23)).toBe('AF_INET6');
    expect(spi.addressFamilyName(99)).toBe('AF 99');
    for (const type of [spi.SOCK_STREAM, spi.SOCK_DGRAM, spi.SOCK_RAW, spi.SOCK_RDM, spi.SOCK_SEQPACKET]) {
      expect(exported[spi.socketTypeName(type)]).toBe(type);
    }
    expect(spi.socketTypeName(99)).toBe('type 99');
  });
});
