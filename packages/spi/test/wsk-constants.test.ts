/**
 * The constants of `@ws2spi/spi/wsk`, checked against their sources:
 *  1. every WSK and NTSTATUS fact of the reference's WSK section (winsock-spi.md §5, parsed from the
 *     snapshot in test/fixtures/reference, as the Winsock constants test does) that the module
 *     exports;
 *  2. for values the reference does not state, a table copied from the headers (km/wsk.h,
 *     ntstatus.h, ws2def.h), each row naming its header.
 * Every numeric export of wsk-constants.ts and ntstatus.ts must be covered by one of the two.
 * Then the status tests (`NT_SUCCESS` …) and the transport-failure mapping both ways.
 */
import { describe, expect, it } from '@jest/globals';
import {
  NetworkError,
  ntStatusFromWsaError,
  WSAEACCES,
  WSAEADDRINUSE,
  WSAEADDRNOTAVAIL,
  WSAEAFNOSUPPORT,
  WSAECONNABORTED,
  WSAECONNREFUSED,
  WSAECONNRESET,
  WSAEDISCON,
  WSAEFAULT,
  WSAEHOSTUNREACH,
  WSAEINTR,
  WSAEINVAL,
  WSAEMSGSIZE,
  WSAENETDOWN,
  WSAENETRESET,
  WSAENETUNREACH,
  WSAENOBUFS,
  WSAENOPROTOOPT,
  WSAENOTCONN,
  WSAEOPNOTSUPP,
  WSAESHUTDOWN,
  WSAETIMEDOUT,
  WSAEWOULDBLOCK,
  WsaError,
} from '@ws2spi/spi';
import * as wsk from '@ws2spi/spi/wsk';
import * as statusModule from '../src/wsk/ntstatus';
import * as constantsModule from '../src/wsk/wsk-constants';
import { loadWinsockReference } from './support/winsock-reference';

const exported = wsk as unknown as Record<string, unknown>;
const reference = loadWinsockReference();
const wskFacts = reference.facts.filter((f) => f.section.startsWith('5') && f.anchor === undefined);

/** Values the reference does not state, from the headers. */
const HEADER_VALUES: Record<string, [number, string]> = {
  WSK_FLAG_BASIC_SOCKET: [0x0, 'wsk.h'],
  WSK_FLAG_LISTEN_SOCKET: [0x1, 'wsk.h'],
  WSK_FLAG_CONNECTION_SOCKET: [0x2, 'wsk.h'],
  WSK_FLAG_DATAGRAM_SOCKET: [0x4, 'wsk.h'],
  WSK_FLAG_STREAM_SOCKET: [0x8, 'wsk.h'],
  WSK_TRANSPORT_LIST_CHANGE: [3, 'wsk.h'],
  WSK_TDI_BEHAVIOR_BYPASS_TDI: [0x1, 'wsk.h'],
  WskSetOption: [0, 'wsk.h WSK_CONTROL_SOCKET_TYPE'],
  WskGetOption: [1, 'wsk.h WSK_CONTROL_SOCKET_TYPE'],
  WskIoctl: [2, 'wsk.h WSK_CONTROL_SOCKET_TYPE'],
  WskControlMax: [3, 'wsk.h WSK_CONTROL_SOCKET_TYPE'],
  WskInspectReject: [0, 'wsk.h WSK_INSPECT_ACTION'],
  WskInspectAccept: [1, 'wsk.h WSK_INSPECT_ACTION'],
  WskInspectPend: [2, 'wsk.h WSK_INSPECT_ACTION'],
  WskInspectMax: [3, 'wsk.h WSK_INSPECT_ACTION'],
  IOC_WS2: [0x08000000, 'ws2def.h'],
  IOC_WSK: [0x0f000000, 'ws2def.h (IOC_WS2 | 0x07000000)'],
  MSG_TRUNC: [0x0100, 'ws2def.h'],
  MSG_CTRUNC: [0x0200, 'ws2def.h'],
  MSG_BCAST: [0x0400, 'ws2def.h'],
  MSG_MCAST: [0x0800, 'ws2def.h'],
  STATUS_TIMEOUT: [0x00000102, 'ntstatus.h'],
  STATUS_BUFFER_OVERFLOW: [0x80000005, 'ntstatus.h'],
  STATUS_UNSUCCESSFUL: [0xc0000001, 'ntstatus.h'],
  STATUS_NOT_IMPLEMENTED: [0xc0000002, 'ntstatus.h'],
  STATUS_ACCESS_VIOLATION: [0xc0000005, 'ntstatus.h'],
  STATUS_INVALID_HANDLE: [0xc0000008, 'ntstatus.h'],
  STATUS_INVALID_DEVICE_REQUEST: [0xc0000010, 'ntstatus.h'],
  STATUS_MORE_PROCESSING_REQUIRED: [0xc0000016, 'ntstatus.h'],
  STATUS_ACCESS_DENIED: [0xc0000022, 'ntstatus.h'],
  STATUS_BUFFER_TOO_SMALL: [0xc0000023, 'ntstatus.h'],
  STATUS_PIPE_DISCONNECTED: [0xc00000b0, 'ntstatus.h'],
  STATUS_UNEXPECTED_NETWORK_ERROR: [0xc00000c4, 'ntstatus.h'],
  STATUS_INVALID_ADDRESS: [0xc0000141, 'ntstatus.h'],
  STATUS_INVALID_BUFFER_SIZE: [0xc0000206, 'ntstatus.h'],
  STATUS_INVALID_ADDRESS_COMPONENT: [0xc0000207, 'ntstatus.h'],
  STATUS_ADDRESS_ALREADY_EXISTS: [0xc000020a, 'ntstatus.h'],
  STATUS_ADDRESS_ALREADY_ASSOCIATED: [0xc0000238, 'ntstatus.h'],
  STATUS_ADDRESS_NOT_ASSOCIATED: [0xc0000239, 'ntstatus.h'],
  STATUS_PROTOCOL_UNREACHABLE: [0xc000023e, 'ntstatus.h'],
  STATUS_PORT_UNREACHABLE: [0xc000023f, 'ntstatus.h'],
  STATUS_REQUEST_ABORTED: [0xc0000240, 'ntstatus.h'],
};

describe('WSK constants against the reference and the headers', () => {
  it('reads the WSK section of the reference (a parse that matched nothing would pass everything)', () => {
    expect(wskFacts.length).toBeGreaterThanOrEqual(60);
  });

  it.each(wskFacts.filter((f) => f.name in exported).map((f) => [f.name, f.value, f.line] as const))(
    '%s = %i (reference line %i)',
    (name, value) => {
      expect((exported[name] as number) >>> 0).toBe(value >>> 0);
    },
  );

  it.each(Object.entries(HEADER_VALUES).map(([name, [value, header]]) => [name, value, header] as const))(
    '%s = %i (%s)',
    (name, value) => {
      expect(exported[name]).toBe(value);
    },
  );

  it('covers every numeric export of wsk-constants.ts and ntstatus.ts', () => {
    const covered = new Set([...wskFacts.map((f) => f.name), ...Object.keys(HEADER_VALUES)]);
    const numeric = [...Object.entries(constantsModule), ...Object.entries(statusModule)]
      .filter(([, v]) => typeof v === 'number')
      .map(([k]) => k);
    expect(numeric.filter((name) => !covered.has(name))).toEqual([]);
  });

  it('states every reference WSK name the WSK tables need', () => {
    for (const name of [
      'WSK_EVENT_DISCONNECT',
      'WSK_EVENT_DISABLE',
      'WSK_FLAG_ABORTIVE',
      'WSK_FLAG_AT_DISPATCH_LEVEL',
      'SO_WSK_EVENT_CALLBACK',
      'STATUS_EVENT_PENDING',
      'STATUS_NOINTERFACE',
    ]) {
      expect(wskFacts.some((f) => f.name === name)).toBe(true);
      expect(name in exported).toBe(true);
    }
  });

  it('MAKE_WSK_VERSION packs major and minor as wsk.h does, and the macros take them apart', () => {
    expect(wsk.MAKE_WSK_VERSION(1, 0)).toBe(0x0100);
    expect(wsk.MAKE_WSK_VERSION(1, 0x1ff)).toBe(0x01ff);
    expect(wsk.WSK_MAJOR_VERSION(0x0102)).toBe(1);
    expect(wsk.WSK_MINOR_VERSION(0x0102)).toBe(2);
  });

  it('NPI_WSK_INTERFACE_ID is {2227E803-8D8B-11D4-ABAD-009027719E09}', () => {
    expect(wsk.NPI_WSK_INTERFACE_ID).toBe('2227e803-8d8b-11d4-abad-009027719e09');
  });
});

describe('NTSTATUS severities', () => {
  it('NT_SUCCESS holds for success and information, not for warnings and errors', () => {
    expect(wsk.NT_SUCCESS(wsk.STATUS_SUCCESS)).toBe(true);
    expect(wsk.NT_SUCCESS(wsk.STATUS_PENDING)).toBe(true);
    expect(wsk.NT_SUCCESS(wsk.STATUS_EVENT_PENDING)).toBe(true);
    expect(wsk.NT_INFORMATION(wsk.STATUS_EVENT_PENDING)).toBe(true);
    expect(wsk.NT_SUCCESS(wsk.STATUS_BUFFER_OVERFLOW)).toBe(false);
    expect(wsk.NT_WARNING(wsk.STATUS_BUFFER_OVERFLOW)).toBe(true);
    expect(wsk.NT_SUCCESS(wsk.STATUS_CONNECTION_RESET)).toBe(false);
    expect(wsk.NT_ERROR(wsk.STATUS_CONNECTION_RESET)).toBe(true);
  });

  it('names and prints statuses as Windows does', () => {
    expect(wsk.ntStatusName(wsk.STATUS_CONNECTION_RESET)).toBe('STATUS_CONNECTION_RESET');
    expect(wsk.ntStatusName(0xc0001234)).toBe('0xC0001234');
    expect(wsk.formatNtStatus(wsk.STATUS_INVALID_PARAMETER)).toBe('0xC000000D');
  });
});

describe('transport failures as NTSTATUS', () => {
  const table: Array<[number, number]> = [
    [WSAECONNREFUSED, wsk.STATUS_CONNECTION_REFUSED],
    [WSAECONNRESET, wsk.STATUS_CONNECTION_RESET],
    [WSAECONNABORTED, wsk.STATUS_CONNECTION_ABORTED],
    [WSAENETRESET, wsk.STATUS_CONNECTION_RESET],
    [WSAETIMEDOUT, wsk.STATUS_IO_TIMEOUT],
    [WSAENETUNREACH, wsk.STATUS_NETWORK_UNREACHABLE],
    [WSAEHOSTUNREACH, wsk.STATUS_HOST_UNREACHABLE],
    [WSAENETDOWN, wsk.STATUS_UNEXPECTED_NETWORK_ERROR],
    [WSAEADDRINUSE, wsk.STATUS_ADDRESS_ALREADY_EXISTS],
    [WSAEADDRNOTAVAIL, wsk.STATUS_INVALID_ADDRESS_COMPONENT],
    [WSAEACCES, wsk.STATUS_ACCESS_DENIED],
    [WSAEMSGSIZE, wsk.STATUS_INVALID_BUFFER_SIZE],
    [WSAEDISCON, wsk.STATUS_GRACEFUL_DISCONNECT],
    [WSAESHUTDOWN, wsk.STATUS_PIPE_DISCONNECTED],
    [WSAENOTCONN, wsk.STATUS_INVALID_CONNECTION],
    [WSAEOPNOTSUPP, wsk.STATUS_NOT_SUPPORTED],
    [WSAENOPROTOOPT, wsk.STATUS_NOT_SUPPORTED],
    [WSAENOBUFS, wsk.STATUS_INSUFFICIENT_RESOURCES],
    [WSAEWOULDBLOCK, wsk.STATUS_DEVICE_NOT_READY],
    [WSAEINTR, wsk.STATUS_REQUEST_ABORTED],
    [WSAEINVAL, wsk.STATUS_INVALID_PARAMETER],
    [WSAEFAULT, wsk.STATUS_INVALID_PARAMETER],
    [WSAEAFNOSUPPORT, wsk.STATUS_INVALID_PARAMETER],
  ];

  it.each(table)('Winsock %i reaches WSK as %i', (code, status) => {
    expect(wsk.wskStatusFromWsaError(code)).toBe(status);
  });

  it('is the status an overlapped request completes with, but for the four rows a WSK call words its own way', () => {
    const own = new Set([WSAEMSGSIZE, WSAEFAULT, WSAEAFNOSUPPORT, WSAENOPROTOOPT]);
    for (let code = 10000; code < 10120; code++) {
      if (!own.has(code))
        expect([code, wsk.wskStatusFromWsaError(code)]).toEqual([code, ntStatusFromWsaError(code)]);
    }
    for (const code of own) expect(wsk.wskStatusFromWsaError(code)).not.toBe(ntStatusFromWsaError(code));
  });

  it("goes back to the same Winsock code through Windows' own mapping, except where Windows folds codes", () => {
    const folded = new Map<number, number>([
      [WSAENOPROTOOPT, WSAEOPNOTSUPP],
      [WSAENETRESET, WSAECONNRESET],
      [WSAEFAULT, WSAEINVAL],
      [WSAEAFNOSUPPORT, WSAEINVAL],
    ]);
    for (const [code] of table) {
      expect(wsk.wsaErrorFromWskStatus(wsk.wskStatusFromWsaError(code))).toBe(folded.get(code) ?? code);
    }
  });

  it('maps failures that are not Winsock errors: a NetworkError by its code, anything else as the network failing', () => {
    expect(wsk.ntStatusFromTransportFailure(new WsaError(WSAECONNREFUSED))).toBe(
      wsk.STATUS_CONNECTION_REFUSED,
    );
    expect(wsk.ntStatusFromTransportFailure(new NetworkError('ETIMEDOUT'))).toBe(wsk.STATUS_IO_TIMEOUT);
    expect(wsk.ntStatusFromTransportFailure(new Error('driver bug'))).toBe(
      wsk.STATUS_UNEXPECTED_NETWORK_ERROR,
    );
    expect(wsk.wskStatusFromWsaError(12345)).toBe(wsk.STATUS_UNSUCCESSFUL);
    expect(wsk.wsaErrorFromWskStatus(wsk.STATUS_SUCCESS)).toBe(0);
    expect(wsk.wsaErrorFromWskStatus(0xc0001234)).toBe(WSAENOBUFS);
  });
});
