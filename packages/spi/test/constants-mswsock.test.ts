/**
 * The constants of the extension functions, completion ports and overlapped results — IOCTL codes,
 * extension-function GUIDs, TF_/TP_ flags, the mswsock SO_ options, Win32 errors, wait results and
 * NTSTATUS values — against their sources: the facts of ../shared/reference/mswsock-iocp.md
 * (parsed at test time; the copy in test/fixtures/reference stands in when it is not there), the
 * ioctl macros of winsock2.h recomputed, and, for values that reference does not state, a table
 * copied from the Windows headers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import * as spi from '@ws2spi/spi';
import {
  guidRows,
  ioctlRows,
  loadMswsockReference,
  MSWSOCK_HEADER_VALUES,
  sharedMswsockReferencePath,
  snapshotMswsockReferencePath,
} from './support/mswsock-reference';

const exported = spi as unknown as Record<string, unknown>;
const reference = loadMswsockReference();
const bits = (n: number): number => n >>> 0;

/** The families this file owns: a name of these in the reference must be exported. */
const owned =
  /^(SIO_|TF_|TP_|DE_|SO_(UPDATE|CONNECT_TIME|OPENTYPE|SYNCHRONOUS|MAXDG|MAXPATHDG)|FILE_SKIP_(COMPLETION|SET_EVENT)|ERROR_|WAIT_TIMEOUT|STATUS_|WSS_|IOC_|INFINITE$|MSG_(TRUNC|CTRUNC|BCAST|MCAST|PARTIAL)$)/;

describe('the mswsock-iocp.md parse', () => {
  it('reads the IOCTL table of §1.1, the GUID table of §1.2, and the error and status lists of §1.4', () => {
    expect(ioctlRows().length).toBeGreaterThanOrEqual(10);
    expect(guidRows().size).toBeGreaterThanOrEqual(9);
    const names = new Set(reference.facts.map((f) => f.name));
    for (const name of [
      'ERROR_NETNAME_DELETED',
      'WAIT_TIMEOUT',
      'STATUS_CONNECTION_RESET',
      'TF_REUSE_SOCKET',
      'IOC_WS2',
    ]) {
      expect(names.has(name)).toBe(true);
    }
  });

  (existsSync(sharedMswsockReferencePath()) ? it : it.skip)(
    `${existsSync(sharedMswsockReferencePath()) ? '' : '[skipped: no shared reference beside the repository to compare with] '}the snapshot in test/fixtures/reference is identical to the shared reference`,
    () => {
      expect(readFileSync(snapshotMswsockReferencePath(), 'utf8')).toBe(
        readFileSync(sharedMswsockReferencePath(), 'utf8'),
      );
    },
  );
});

describe('constants against mswsock-iocp.md', () => {
  const facts = reference.facts.filter((f) => f.name in exported && typeof exported[f.name] === 'number');

  it.each(facts.map((f) => [f.name, f.value, f.line, f] as const))(
    '%s = %d (mswsock-iocp.md:%i)',
    (name, value) => {
      expect(bits(exported[name] as number)).toBe(bits(value));
    },
  );

  it('exports every constant of the families it owns that the reference names', () => {
    const missing = [...new Set(reference.facts.map((f) => f.name))].filter(
      (name) => owned.test(name) && !(name in exported) && name !== 'FILE_SKIP_SET_USER_EVENT_ON_FAST_IO',
    );
    expect(missing).toEqual([]);
  });

  it.each(ioctlRows().map((r) => [r.name, r.value, r.macro] as const))(
    '%s = 0x%s, which is %s',
    (name, value, macro) => {
      expect(bits(exported[name] as number)).toBe(bits(value));
      const m = /^(_WSAIO[RW]*)\(IOC_WS2,\s*(\d+)\)$/.exec(macro);
      expect(m).not.toBeNull();
      const fn = exported[m![1]!] as (x: number, y: number) => number;
      expect(fn(spi.IOC_WS2, Number(m![2]))).toBe(bits(value));
    },
  );

  it.each([...guidRows()].map(([name, guid]) => [name, guid] as const))('%s = %s', (name, guid) => {
    expect(exported[name]).toBe(guid);
  });

  it('every exported WSAID_ GUID is in the reference table', () => {
    const names = Object.keys(exported).filter((n) => n.startsWith('WSAID_'));
    expect(names.filter((n) => !guidRows().has(n))).toEqual([]);
  });
});

describe('constants the reference does not state, against the Windows headers', () => {
  it.each(MSWSOCK_HEADER_VALUES)('%s = %d (%s)', (name, value) => {
    expect(exported[name]).toBe(value);
  });
});

describe('one status, three channels (§1.4)', () => {
  // status → [GetQueuedCompletionStatus's Win32 error, WSAGetOverlappedResult's Winsock error]
  const table: Array<[string, number, number]> = [
    ['STATUS_CONNECTION_RESET', spi.ERROR_NETNAME_DELETED, spi.WSAECONNRESET],
    ['STATUS_CANCELLED', spi.ERROR_OPERATION_ABORTED, spi.WSA_OPERATION_ABORTED],
    ['STATUS_CONNECTION_ABORTED', spi.ERROR_CONNECTION_ABORTED, spi.WSAECONNABORTED],
    ['STATUS_LOCAL_DISCONNECT', spi.ERROR_NETNAME_DELETED, spi.WSAECONNABORTED],
    ['STATUS_CONNECTION_REFUSED', spi.ERROR_CONNECTION_REFUSED, spi.WSAECONNREFUSED],
    ['STATUS_BUFFER_TOO_SMALL', spi.ERROR_INSUFFICIENT_BUFFER, spi.WSAEFAULT],
    ['STATUS_BUFFER_OVERFLOW', spi.ERROR_MORE_DATA, spi.WSAEMSGSIZE],
    ['STATUS_NOT_SUPPORTED', spi.ERROR_NOT_SUPPORTED, spi.WSAEOPNOTSUPP],
    ['STATUS_PENDING', spi.ERROR_IO_PENDING, spi.WSA_IO_INCOMPLETE],
  ];
  it.each(table)('%s → GetLastError %d, WSAGetLastError %d', (status, win32, wsa) => {
    const value = exported[status] as number;
    expect(spi.win32ErrorFromNtStatus(value)).toBe(win32);
    expect(spi.wsaErrorFromNtStatus(value)).toBe(wsa);
  });

  it('a status with no row is WSAEINVAL for WSAGetOverlappedResult, as on Windows', () => {
    expect(spi.wsaErrorFromNtStatus(0xc0001234)).toBe(spi.WSAEINVAL);
    expect(spi.wsaErrorFromNtStatus(spi.STATUS_SUCCESS)).toBe(0);
  });

  it("a provider's Winsock error becomes the status whose channels give it back", () => {
    for (const code of [
      spi.WSAECONNRESET,
      spi.WSAECONNABORTED,
      spi.WSA_OPERATION_ABORTED,
      spi.WSAECONNREFUSED,
      spi.WSAEMSGSIZE,
      spi.WSAEOPNOTSUPP,
    ]) {
      expect(spi.wsaErrorFromNtStatus(spi.ntStatusFromWsaError(code))).toBe(code);
    }
    expect(spi.ntStatusFromWsaError(0)).toBe(spi.STATUS_SUCCESS);
    expect(spi.NT_SUCCESS(spi.STATUS_BUFFER_OVERFLOW)).toBe(false);
    expect(spi.NT_SUCCESS(spi.STATUS_PENDING)).toBe(true);
  });
});
