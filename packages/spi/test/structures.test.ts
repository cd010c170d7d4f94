/**
 * The structures and tables of winsock2.h / ws2spi.h as the package models them, checked against
 * ../shared/reference/winsock-spi.md parsed at test time: the 20 WSAPROTOCOL_INFOW fields and
 * their C layout (§1.1), the 30 WSPPROC_TABLE members (§2.1), the 15 WSPUPCALLTABLE members (§2.2);
 * and the helpers around them (missingProcTableMembers, WSABUF, GUID, MAKEWORD/LOBYTE/HIBYTE).
 */

import { describe, expect, it } from '@jest/globals';
import {
  cloneProtocolInfo,
  formatGuid,
  HIBYTE,
  isBaseEntry,
  isChainEntry,
  isGuid,
  isLayeredEntry,
  isValidWsabuf,
  LOBYTE,
  MAKEWORD,
  MAX_PROTOCOL_CHAIN,
  missingProcTableMembers,
  out,
  parseGuid,
  SIZEOF_WSAPROTOCOL_INFOW,
  type WSAPROTOCOL_INFOW,
  WSAPROTOCOL_INFOW_FIELDS,
  WSAPROTOCOL_LEN,
  type WSPPROC_TABLE,
  WSPPROC_TABLE_MEMBERS,
  WSPUPCALLTABLE_MEMBERS,
  wsabuf,
  wsabufBytes,
} from '@ws2spi/spi';
import { loadWinsockReference, numberedMembers, tableAfterHeading } from './support/winsock-reference';

const reference = loadWinsockReference();

describe('WSAPROTOCOL_INFOW (§1.1)', () => {
  const rows = tableAfterHeading(reference, '1.1').map((cells) => ({
    index: Number(cells[0]),
    field: cells[1]!,
    type: cells[2]!,
    offset: Number.parseInt(cells[3]!, 10),
  }));

  it('the reference table lists 20 numbered fields (guard against an empty parse)', () => {
    expect(rows.map((r) => r.index)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('WSAPROTOCOL_INFOW_FIELDS has all 20 fields in the order of winsock2.h', () => {
    expect(WSAPROTOCOL_INFOW_FIELDS).toHaveLength(20);
    expect([...WSAPROTOCOL_INFOW_FIELDS]).toEqual(rows.map((r) => r.field));
  });

  it('SIZEOF_WSAPROTOCOL_INFOW is the C size: the fields laid out from their types reach 628', () => {
    // Sizes from the C types, with the package's own constants where a type depends on one.
    const sizeOf = (type: string): number => {
      if (type === 'DWORD' || type === 'int') return 4;
      if (type === 'GUID') return 16;
      if (type === 'WSAPROTOCOLCHAIN') return 4 + 4 * MAX_PROTOCOL_CHAIN; // int ChainLen; DWORD ChainEntries[7]
      if (type.startsWith('WCHAR[')) return 2 * (WSAPROTOCOL_LEN + 1);
      throw new Error(`unknown C type ${type}`);
    };
    let offset = 0;
    for (const row of rows) {
      expect([row.field, offset]).toEqual([row.field, row.offset]);
      offset += sizeOf(row.type);
    }
    expect(offset).toBe(SIZEOF_WSAPROTOCOL_INFOW);
    const stated = /Total size: \*\*(\d+) bytes\*\*/.exec(reference.lines.join('\n'));
    expect(Number(stated?.[1])).toBe(SIZEOF_WSAPROTOCOL_INFOW);
  });

  const info = (chainLen: number, entries: number[] = []): WSAPROTOCOL_INFOW => ({
    dwServiceFlags1: 0x20066,
    dwServiceFlags2: 0,
    dwServiceFlags3: 0,
    dwServiceFlags4: 0,
    dwProviderFlags: 0x8,
    ProviderId: 'e70f1aa0-ab8b-11cf-8ca3-00805f48a192',
    dwCatalogEntryId: 1001,
    ProtocolChain: { ChainLen: chainLen, ChainEntries: entries },
    iVersion: 2,
    iAddressFamily: 2,
    iMaxSockAddr: 16,
    iMinSockAddr: 16,
    iSocketType: 1,
    iProtocol: 6,
    iProtocolMaxOffset: 0,
    iNetworkByteOrder: 0,
    iSecurityScheme: 0,
    dwMessageSize: 0,
    dwProviderReserved: 0,
    szProtocol: 'MSAFD Tcpip [TCP/IP]',
  });

  it('a value built from the interface has exactly the 20 fields', () => {
    expect(Object.keys(info(1))).toEqual([...WSAPROTOCOL_INFOW_FIELDS]);
  });

  it('cloneProtocolInfo is deep: the chain of the copy is not the chain of the original', () => {
    const original = info(3, [1031, 1015, 1004]);
    const copy = cloneProtocolInfo(original);
    expect(copy).toEqual(original);
    copy.ProtocolChain.ChainEntries[0] = 9999;
    copy.ProtocolChain.ChainLen = 1;
    copy.szProtocol = 'changed';
    expect(original.ProtocolChain).toEqual({ ChainLen: 3, ChainEntries: [1031, 1015, 1004] });
    expect(original.szProtocol).toBe('MSAFD Tcpip [TCP/IP]');
  });

  it.each([
    [0, 'layered'],
    [1, 'base'],
    [2, 'chain'],
    [MAX_PROTOCOL_CHAIN, 'chain'],
    [MAX_PROTOCOL_CHAIN + 1, 'none'],
    [-1, 'none'],
  ])('ChainLen %i is a %s entry (§1.2)', (chainLen, kind) => {
    const entry = info(chainLen);
    expect([isLayeredEntry(entry), isBaseEntry(entry), isChainEntry(entry)]).toEqual([
      kind === 'layered',
      kind === 'base',
      kind === 'chain',
    ]);
  });
});

describe('WSPPROC_TABLE (§2.1)', () => {
  const fromReference = numberedMembers(tableAfterHeading(reference, '2.1'));

  it('WSPPROC_TABLE_MEMBERS has the 30 members in the order of ws2spi.h', () => {
    expect(fromReference).toHaveLength(30);
    expect([...WSPPROC_TABLE_MEMBERS]).toEqual(fromReference);
  });

  const complete = (): Record<string, unknown> =>
    Object.fromEntries(WSPPROC_TABLE_MEMBERS.map((name) => [name, () => 0]));

  it('missingProcTableMembers is empty for a complete table', () => {
    expect(missingProcTableMembers(complete() as Partial<WSPPROC_TABLE>)).toEqual([]);
  });

  it('missingProcTableMembers lists every member of an empty, null or undefined table, in order', () => {
    expect(missingProcTableMembers({})).toEqual(fromReference);
    expect(missingProcTableMembers(null)).toEqual(fromReference);
    expect(missingProcTableMembers(undefined)).toEqual(fromReference);
  });

  it('missingProcTableMembers reports absent and non-function members, in Windows order', () => {
    const table = complete();
    delete table.lpWSPStringToAddress;
    delete table.lpWSPSendDisconnect;
    table.lpWSPRecvDisconnect = null;
    table.lpWSPAccept = 'not a function';
    expect(missingProcTableMembers(table as Partial<WSPPROC_TABLE>)).toEqual([
      'lpWSPAccept',
      'lpWSPRecvDisconnect',
      'lpWSPSendDisconnect',
      'lpWSPStringToAddress',
    ]);
  });

  it('missingProcTableMembers ignores members that are not in the table', () => {
    const table = { ...complete(), lpWSPExtra: 42 };
    expect(missingProcTableMembers(table as Partial<WSPPROC_TABLE>)).toEqual([]);
  });
});

describe('WSPUPCALLTABLE (§2.2)', () => {
  it('WSPUPCALLTABLE_MEMBERS has the 15 members in the order of ws2spi.h', () => {
    const fromReference = numberedMembers(tableAfterHeading(reference, '2.2'));
    expect(fromReference).toHaveLength(15);
    expect([...WSPUPCALLTABLE_MEMBERS]).toEqual(fromReference);
  });
});

describe('WSABUF helpers', () => {
  it('wsabuf(size) offers a new zeroed buffer of that size', () => {
    const b = wsabuf(8);
    expect(b.len).toBe(8);
    expect(b.buf).toEqual(new Uint8Array(8));
    expect(wsabuf(0)).toEqual({ len: 0, buf: new Uint8Array(0) });
  });

  it('wsabuf(bytes) offers all of those bytes without copying them', () => {
    const bytes = Uint8Array.of(1, 2, 3);
    const b = wsabuf(bytes);
    expect(b.len).toBe(3);
    expect(b.buf).toBe(bytes);
  });

  it('wsabufBytes is the first len bytes, sharing memory, clamped to the buffer', () => {
    const bytes = Uint8Array.of(1, 2, 3, 4, 5);
    const view = wsabufBytes({ len: 3, buf: bytes });
    expect([...view]).toEqual([1, 2, 3]);
    view[0] = 9;
    expect(bytes[0]).toBe(9);
    expect([...wsabufBytes({ len: 99, buf: bytes })]).toEqual([9, 2, 3, 4, 5]);
    expect(wsabufBytes({ len: -1, buf: bytes })).toHaveLength(0);
    expect(wsabufBytes({ len: 0, buf: bytes })).toHaveLength(0);
  });

  it('isValidWsabuf accepts a Uint8Array (Buffer too) and an integer len within it', () => {
    expect(isValidWsabuf({ len: 0, buf: new Uint8Array(0) })).toBe(true);
    expect(isValidWsabuf({ len: 2, buf: new Uint8Array(4) })).toBe(true);
    expect(isValidWsabuf({ len: 4, buf: new Uint8Array(4) })).toBe(true);
    expect(isValidWsabuf({ len: 3, buf: Buffer.from('abc') })).toBe(true);
  });

  it.each([
    ['len beyond the buffer', { len: 5, buf: new Uint8Array(4) }],
    ['negative len', { len: -1, buf: new Uint8Array(4) }],
    ['fractional len', { len: 1.5, buf: new Uint8Array(4) }],
    ['NaN len', { len: Number.NaN, buf: new Uint8Array(4) }],
    ['missing len', { buf: new Uint8Array(4) }],
    ['array instead of bytes', { len: 1, buf: [1] }],
    ['ArrayBuffer instead of bytes', { len: 1, buf: new ArrayBuffer(1) }],
    ['null', null],
    ['a number', 4],
  ])('isValidWsabuf rejects %s (Winsock: WSAEFAULT)', (_label, value) => {
    expect(isValidWsabuf(value)).toBe(false);
  });
});

describe('GUIDs', () => {
  const canonical = 'e70f1aa0-ab8b-11cf-8ca3-00805f48a192';

  it('parseGuid reads the Windows form (braces, upper case) and the canonical form', () => {
    expect(parseGuid('{E70F1AA0-AB8B-11CF-8CA3-00805F48A192}')).toBe(canonical);
    expect(parseGuid(canonical)).toBe(canonical);
    expect(parseGuid('  E70F1AA0-AB8B-11CF-8CA3-00805F48A192\n')).toBe(canonical);
  });

  it.each([
    [''],
    ['{}'],
    ['{E70F1AA0-AB8B-11CF-8CA3-00805F48A192'],
    ['E70F1AA0-AB8B-11CF-8CA3-00805F48A192}'],
    ['e70f1aa0ab8b11cf8ca300805f48a192'],
    ['e70f1aa0-ab8b-11cf-8ca3-00805f48a19'],
    ['e70f1aa0-ab8b-11cf-8ca3-00805f48a1921'],
    ['g70f1aa0-ab8b-11cf-8ca3-00805f48a192'],
    ['{{e70f1aa0-ab8b-11cf-8ca3-00805f48a192}}'],
  ])('parseGuid rejects %j', (text) => {
    expect(parseGuid(text)).toBeUndefined();
  });

  it('formatGuid prints it as netsh does, and parseGuid reads that back', () => {
    expect(formatGuid(canonical)).toBe('{E70F1AA0-AB8B-11CF-8CA3-00805F48A192}');
    expect(parseGuid(formatGuid(canonical))).toBe(canonical);
  });

  it('isGuid accepts only the canonical form', () => {
    expect(isGuid(canonical)).toBe(true);
    expect(isGuid(canonical.toUpperCase())).toBe(false);
    expect(isGuid(`{${canonical}}`)).toBe(false);
    expect(isGuid(42)).toBe(false);
    expect(isGuid(undefined)).toBe(false);
  });
});

describe('MAKEWORD / LOBYTE / HIBYTE (version words, §2.3)', () => {
  it('MAKEWORD(2,2) is 0x0202 and MAKEWORD(major, minor) puts major in the low byte', () => {
    expect(MAKEWORD(2, 2)).toBe(0x0202);
    expect(MAKEWORD(2, 1)).toBe(0x0102);
    expect(MAKEWORD(1, 0)).toBe(0x0001);
    expect(LOBYTE(MAKEWORD(2, 1))).toBe(2);
    expect(HIBYTE(MAKEWORD(2, 1))).toBe(1);
  });

  it('matches the winsock2.h macro for every byte pair, and LOBYTE/HIBYTE invert it', () => {
    // #define MAKEWORD(low,high) ((WORD)(((BYTE)(low)) | ((WORD)((BYTE)(high))) << 8))
    let mismatches = 0;
    for (let low = 0; low < 256; low++) {
      for (let high = 0; high < 256; high++) {
        const w = MAKEWORD(low, high);
        if (w !== (low | (high << 8)) || LOBYTE(w) !== low || HIBYTE(w) !== high) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
  });

  it('truncates like the C casts: (BYTE) on the inputs, (WORD) on the result', () => {
    expect(MAKEWORD(0x1ff, 0x102)).toBe(0x02ff);
    expect(MAKEWORD(-1, 0)).toBe(0x00ff);
    expect(LOBYTE(0x12345)).toBe(0x45);
    expect(HIBYTE(0x12345)).toBe(0x23);
  });
});

describe('out-parameter cells', () => {
  it('out(initial) is a fresh { value } cell each time', () => {
    const a = out(0);
    const b = out(0);
    a.value = 10042;
    expect(a).toEqual({ value: 10042 });
    expect(b).toEqual({ value: 0 });
  });
});
