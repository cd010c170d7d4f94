import type { CotpDecodeErrorCode } from '../src/cotp/cotp-decode-error';
import { decodeTpdu, decodeTpkt } from '../src/cotp/tpdu-decoder';
import { fromHex, sequenceBytes, toHex } from './fixtures/hex';
import { SeededPrng } from './fixtures/seeded-prng';

/** Wraps a TPDU given in hex in a TPKT whose length field is right. */
function tpkt(tpduHex: string): string {
  const tpdu = fromHex(tpduHex);
  const length = tpdu.length + 4;
  return `0300${length.toString(16).padStart(4, '0')}${toHex(tpdu)}`;
}

const data = (n: number) => toHex(sequenceBytes(n));

/** Each strictness case: the frame, the error code, and the offset (from the TPKT version octet) of the faulty octet. */
const cases: Array<[string, string, CotpDecodeErrorCode, number]> = [
  ['TPKT version 2', '0200000b04f04321804142', 'BAD_TPKT_VERSION', 0],
  ['TPKT length 6 (< 7)', '0300000602f080', 'TPKT_LENGTH_TOO_SMALL', 2],
  ['TPKT length 12 for 11 octets', '0300000c04f04321804142', 'TPKT_LENGTH_MISMATCH', 2],
  ['TPKT length 10 for 11 octets', '0300000a04f04321804142', 'TPKT_LENGTH_MISMATCH', 2],
  ['TPKT header cut after 2 octets', '0300', 'TPKT_TRUNCATED', 2],
  ['LI 255', tpkt('fff0804142'), 'LI_RESERVED', 4],
  ['LI 5 in a 5-octet TPDU (inconsistent with the TPKT length)', tpkt('05f0804142'), 'LI_EXCEEDS_TPDU', 4],
  ['CR with LI 5', tpkt('05e000000001'), 'BAD_LI', 4],
  ['DC with LI 4', tpkt('04c0000143'), 'BAD_LI', 4],
  ['unknown TPDU code 0x30', tpkt('023080'), 'UNKNOWN_TPDU_CODE', 5],
  ['unknown TPDU code 0x90', tpkt('06900001000200'), 'UNKNOWN_TPDU_CODE', 5],
  ['AK (no explicit flow control in ITOT)', tpkt('0461432105'), 'UNSUPPORTED_TPDU', 5],
  ['RJ', tpkt('0450432105'), 'UNSUPPORTED_TPDU', 5],
  ['extended-format DT (LI 7)', tpkt('07f0432180000000'), 'UNSUPPORTED_TPDU', 4],
  ['DT with the class-1 ROA bit', tpkt('02f1804142'), 'BAD_CODE_BITS', 5],
  ['class-0 CR with credit 1 (RFC 2126 §6.5)', tpkt('06e10000000100'), 'BAD_CODE_BITS', 5],
  ['DR with low code bits', tpkt('068143210001' + '80'), 'BAD_CODE_BITS', 5],
  ['CR with DST-REF ≠ 0', tpkt('06e00001000121'), 'BAD_REFERENCE', 6],
  ['CR naming class 5', tpkt('06e00000000151'), 'BAD_CLASS_OPTION', 10],
  ['parameter code without length', tpkt('07e00000000121c1'), 'PARAMETER_OVERRUN', 11],
  ['parameter longer than the header', tpkt('09e00000000121c1050001'), 'PARAMETER_OVERRUN', 12],
  ['C0 of 2 octets', tpkt('0ae00000000121c0020b0b'), 'BAD_PARAMETER_LENGTH', 12],
  ['C0 = 14 (16384)', tpkt('09e00000000121c0010e'), 'BAD_PARAMETER_VALUE', 13],
  ['C0 = 6 (64)', tpkt('09e00000000121c00106'), 'BAD_PARAMETER_VALUE', 13],
  ['F0 of 5 octets', tpkt('0de00000000121f0050000000040'), 'BAD_PARAMETER_LENGTH', 12],
  ['F0 = 0', tpkt('0ae00000000121f0020000'), 'BAD_PARAMETER_VALUE', 13],
  ['C6 of 2 octets', tpkt('0ae00000000121c6020001'), 'BAD_PARAMETER_LENGTH', 12],
  ['C7 naming class 6', tpkt('09e00000000121c70160'), 'BAD_PARAMETER_VALUE', 13],
  ['C3 of 1 octet', tpkt('09e00000000121c30100'), 'BAD_PARAMETER_LENGTH', 12],
  ['unknown parameter 0x99 in a DR', tpkt('09800001000280990100'), 'UNKNOWN_PARAMETER', 11],
  ['C1 (TSAP) in a DR', tpkt('098000010002 80c10100'.replace(' ', '')), 'UNKNOWN_PARAMETER', 11],
  ['C7 in a CC', tpkt('09d00001000221c70100'), 'UNKNOWN_PARAMETER', 11],
  ['E0 in a CC', tpkt('09d00001000221e00180'), 'UNKNOWN_PARAMETER', 11],
  ['E0 in a normal DT', tpkt('08f0000180e0028080'), 'UNKNOWN_PARAMETER', 9],
  ['parameter in a DC', tpkt('08c000010002e00180'), 'UNKNOWN_PARAMETER', 10],
  ['CR with 33 octets of user data', tpkt(`06e00000000121${data(33)}`), 'USER_DATA_TOO_LONG', 4 + 7 + 32],
  ['CC with 33 octets of user data', tpkt(`06d00001000221${data(33)}`), 'USER_DATA_TOO_LONG', 4 + 7 + 32],
  ['DR with 65 octets of user data', tpkt(`06800001000280${data(65)}`), 'USER_DATA_TOO_LONG', 4 + 7 + 64],
  ['ED with 17 octets', tpkt(`04100001 80${data(17)}`.replace(' ', '')), 'USER_DATA_TOO_LONG', 4 + 5 + 16],
  ['ED with no data', tpkt('0410000180'), 'BAD_USER_DATA_LENGTH', 9],
  ['RFC 1006 ED with no data', tpkt('021080'), 'BAD_USER_DATA_LENGTH', 7],
  ['DC with user data', tpkt('05c00001000241'), 'BAD_USER_DATA_LENGTH', 10],
  ['EA with user data', tpkt('042000010541'), 'BAD_USER_DATA_LENGTH', 9],
  ['ER with user data', tpkt('047000010241'), 'BAD_USER_DATA_LENGTH', 9],
  ['class-0 DT with TPDU-NR 1', tpkt('02f0814142'), 'BAD_SEQUENCE_OCTET', 6],
  ['class-2 ED without EOT', tpkt('041000010541'), 'BAD_SEQUENCE_OCTET', 8],
  ['RFC 1006 ED without EOT', tpkt('02100041'), 'BAD_SEQUENCE_OCTET', 6],
  ['EA with bit 8 of its NR set', tpkt('0420000185'), 'BAD_SEQUENCE_OCTET', 8],
  ['ER reject cause 4', tpkt('0470000104'), 'BAD_PARAMETER_VALUE', 8],
];

describe('COTP decode errors: strict on input, typed, with the offset of the faulty octet', () => {
  it.each(cases)('%s (%s) → %s at octet %i', (_name, hex, code, offset) => {
    const result = decodeTpkt(fromHex(hex));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.offset).toBe(offset);
    expect(result.error.message).toContain(`at octet ${offset}`);
  });

  it('counts offsets from the LI octet when decoding a bare TPDU', () => {
    const result = decodeTpdu(fromHex('09800001000280990100'));
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_PARAMETER', offset: 7 } });
  });

  it('maps each error to the ER reject cause X.224 13.12.3 defines', () => {
    const cause = (hex: string) => {
      const r = decodeTpkt(fromHex(hex));
      if (r.ok) throw new Error('expected an error');
      return r.error.rejectCause;
    };
    expect(cause(tpkt('023080'))).toBe(2); // invalid TPDU type
    expect(cause(tpkt('09800001000280990100'))).toBe(1); // invalid parameter code
    expect(cause(tpkt('09e00000000121c0010e'))).toBe(3); // invalid parameter value
    expect(cause(tpkt(`06800001000280${data(65)}`))).toBe(0); // not specified
  });

  it('accepts what the strict rules allow at their limits', () => {
    expect(decodeTpkt(fromHex(tpkt(`06e00000000121${data(32)}`))).ok).toBe(true);
    expect(decodeTpkt(fromHex(tpkt(`06800001000280${data(64)}`))).ok).toBe(true);
    expect(decodeTpkt(fromHex(tpkt(`0410000180${data(16)}`))).ok).toBe(true);
    // The reserved TPKT octet is ignored on input (RFC 2126 §6.10).
    expect(decodeTpkt(fromHex('03ff000902f0804142')).ok).toBe(true);
    // A DR reason outside the table is passed up, not rejected: the receiver decides.
    expect(decodeTpkt(fromHex(tpkt('06800001000286')))).toMatchObject({ ok: true, value: { reason: 0x86 } });
  });

  it('never throws, whatever the bytes (seeded fuzz of random and mutated frames)', () => {
    const prng = new SeededPrng(20240605);
    const seeds = cases.map(([, hex]) => fromHex(hex));
    for (let i = 0; i < 5000; i++) {
      let frame: Uint8Array;
      if (i % 2 === 0) {
        frame = prng.bytes(prng.int(80));
      } else {
        frame = seeds[prng.int(seeds.length)]!.slice();
        for (let m = 0; m < 3 && frame.length > 0; m++) frame[prng.int(frame.length)] = prng.int(256);
      }
      const formats = ['auto', 'class0', 'normal'] as const;
      const dataFormat = formats[prng.int(3)]!;
      expect(() => decodeTpkt(frame, { dataFormat })).not.toThrow();
      const result = decodeTpdu(frame, { dataFormat });
      if (!result.ok) {
        expect(result.error.offset).toBeGreaterThanOrEqual(0);
        expect(result.error.offset).toBeLessThanOrEqual(Math.max(frame.length, 1) + 64);
      }
    }
  });
});
