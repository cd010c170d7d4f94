import { CotpEncodeError } from '../src/cotp/cotp-encode-error';
import { fillIsoChecksum, verifyIsoChecksum } from '../src/cotp/iso-checksum';
import type { Tpdu } from '../src/cotp/tpdu';
import { decodeTpdu, decodeTpkt } from '../src/cotp/tpdu-decoder';
import { encodeTpdu, encodeTpkt, wrapTpkt } from '../src/cotp/tpdu-encoder';
import { ascii, fromHex, sequenceBytes, toHex } from './fixtures/hex';
import { SeededPrng } from './fixtures/seeded-prng';

const class2 = { protocolClass: 2, extendedFormats: false, noExplicitFlowControl: true } as const;
const class0 = { protocolClass: 0, extendedFormats: false, noExplicitFlowControl: false } as const;
const tsap1 = fromHex('0001');
const tsap2 = fromHex('0002');

/** The test vectors of reference/osi-transport.md §6.5 with the TPDU each one encodes. */
const vectors: Array<{ name: string; hex: string; tpdu: Tpdu }> = [
  {
    name: 'cr_class2',
    hex: '030000231ee00000000121c1020001c2020002c0010bf0020040c40101c60101c70100',
    tpdu: {
      type: 'CR',
      credit: 0,
      dstRef: 0,
      srcRef: 0x0001,
      classOption: class2,
      parameters: {
        callingTsap: tsap1,
        calledTsap: tsap2,
        tpduSizeCode: 11,
        preferredMaxTpduUnits: 64,
        version: 1,
        additionalOptions: 1,
        alternativeClasses: [0],
      },
      userData: new Uint8Array(0),
    },
  },
  {
    name: 'cc_class2',
    hex: '0300001914d00001432121c1020001c2020002c0010bc60101',
    tpdu: {
      type: 'CC',
      credit: 0,
      dstRef: 0x0001,
      srcRef: 0x4321,
      classOption: class2,
      parameters: { callingTsap: tsap1, calledTsap: tsap2, tpduSizeCode: 11, additionalOptions: 1 },
      userData: new Uint8Array(0),
    },
  },
  {
    name: 'dt_class2',
    hex: '0300000b04f04321804142',
    tpdu: { type: 'DT', format: 'normal', dstRef: 0x4321, nr: 0, eot: true, userData: ascii('AB') },
  },
  {
    name: 'dr_class2_ud8',
    hex: '03000013068043210001804259452d386f6374',
    tpdu: { type: 'DR', dstRef: 0x4321, srcRef: 0x0001, reason: 0x80, userData: ascii('BYE-8oct') },
  },
  {
    name: 'dr_class2_info_ud8',
    hex: '030000180b804321000180e0037768794259452d386f6374',
    tpdu: {
      type: 'DR',
      dstRef: 0x4321,
      srcRef: 0x0001,
      reason: 0x80,
      additionalInfo: ascii('why'),
      userData: ascii('BYE-8oct'),
    },
  },
  { name: 'dc', hex: '0300000a05c000014321', tpdu: { type: 'DC', dstRef: 0x0001, srcRef: 0x4321 } },
  {
    name: 'cr_class0',
    hex: '0300001611e00000000100c1020001c2020002c0010b',
    tpdu: {
      type: 'CR',
      credit: 0,
      dstRef: 0,
      srcRef: 0x0001,
      classOption: class0,
      parameters: { callingTsap: tsap1, calledTsap: tsap2, tpduSizeCode: 11 },
      userData: new Uint8Array(0),
    },
  },
  {
    name: 'dt_class0',
    hex: '0300000902f0804142',
    tpdu: { type: 'DT', format: 'class0', dstRef: 0, nr: 0, eot: true, userData: ascii('AB') },
  },
  {
    name: 'dr_class0_refuse',
    hex: '0300000b06800001000002',
    tpdu: { type: 'DR', dstRef: 0x0001, srcRef: 0, reason: 0x02, userData: new Uint8Array(0) },
  },
];

describe('COTP codec: reference test vectors (osi-transport.md §6.5)', () => {
  it.each(vectors)('encodes $name byte for byte', ({ hex, tpdu }) => {
    expect(toHex(encodeTpkt(tpdu))).toBe(hex);
  });

  it.each(vectors)('decodes $name to the TPDU it encodes', ({ hex, tpdu }) => {
    const result = decodeTpkt(fromHex(hex));
    expect(result).toEqual({ ok: true, value: tpdu });
  });
});

describe('COTP codec: round trips of every TPDU type', () => {
  const samples: Tpdu[] = [
    {
      type: 'CR',
      credit: 0,
      dstRef: 0,
      srcRef: 0xbeef,
      classOption: class2,
      parameters: {
        callingTsap: ascii('calling-tsap'),
        calledTsap: ascii('called'),
        tpduSizeCode: 13,
        preferredMaxTpduUnits: 511,
        protection: fromHex('0102'),
        additionalOptions: 0x21,
        alternativeClasses: [0],
        otherParameters: [{ code: 0x87, value: fromHex('0001') }],
      },
      userData: sequenceBytes(32),
    },
    {
      type: 'CC',
      credit: 0,
      dstRef: 0xbeef,
      srcRef: 0x0102,
      classOption: class2,
      parameters: { calledTsap: ascii('called'), preferredMaxTpduUnits: 64, additionalOptions: 0 },
      userData: sequenceBytes(32, 100),
    },
    {
      type: 'CC',
      credit: 0,
      dstRef: 0xbeef,
      srcRef: 0x0102,
      classOption: class0,
      parameters: { tpduSizeCode: 7 },
      userData: new Uint8Array(0),
    },
    {
      type: 'DR',
      dstRef: 1,
      srcRef: 2,
      reason: 0x80,
      additionalInfo: fromHex('80'),
      userData: sequenceBytes(64),
    },
    { type: 'DR', dstRef: 1, srcRef: 0, reason: 0x03, userData: new Uint8Array(0) },
    { type: 'DC', dstRef: 0xffff, srcRef: 0x8000 },
    { type: 'DT', format: 'normal', dstRef: 7, nr: 127, eot: false, userData: sequenceBytes(300) },
    { type: 'DT', format: 'class0', dstRef: 0, nr: 0, eot: false, userData: new Uint8Array(0) },
    { type: 'ED', format: 'normal', dstRef: 7, nr: 5, userData: sequenceBytes(16) },
    { type: 'ED', format: 'class0', dstRef: 0, nr: 0, userData: sequenceBytes(1) },
    { type: 'EA', dstRef: 7, nr: 5 },
    { type: 'ER', dstRef: 7, rejectCause: 2, invalidTpdu: fromHex('0455') },
    { type: 'ER', dstRef: 0, rejectCause: 0 },
  ];

  it.each(samples.map((tpdu) => [`${tpdu.type}${'format' in tpdu ? ` ${tpdu.format}` : ''}`, tpdu] as const))(
    '%s: decode(encode(x)) = x',
    (_name, tpdu) => {
      const bytes = encodeTpkt(tpdu);
      expect(decodeTpkt(bytes)).toEqual({ ok: true, value: tpdu });
      // And re-encoding the decoded TPDU gives the same bytes.
      const again = decodeTpkt(bytes);
      if (!again.ok) throw new Error(again.error.message);
      expect(toHex(encodeTpkt(again.value))).toBe(toHex(bytes));
    },
  );

  it('decodes the class-0 and normal DT layouts by the negotiated format, not only by LI', () => {
    const class0Dt = fromHex('02f080' + '4142');
    expect(decodeTpdu(class0Dt, { dataFormat: 'class0' })).toMatchObject({
      ok: true,
      value: { format: 'class0' },
    });
    // The same bytes read as normal format are too short for DST-REF.
    expect(decodeTpdu(class0Dt, { dataFormat: 'normal' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_LI' },
    });
    const normalDt = fromHex('04f0432180');
    expect(decodeTpdu(normalDt, { dataFormat: 'class0' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_LI', offset: 0 },
    });
  });

  it('keeps unknown parameters of a CR (X.224 13.2.3: ignored, not an error)', () => {
    const cr = fromHex('0a e0 0000 0001 21 99 02 abcd');
    const result = decodeTpdu(cr);
    expect(result).toMatchObject({
      ok: true,
      value: { type: 'CR', parameters: { otherParameters: [{ code: 0x99, value: fromHex('abcd') }] } },
    });
  });

  it('lets the last of a repeated parameter win', () => {
    const cr = fromHex('0c e0 0000 0001 21 c0 01 07 c0 01 0a');
    expect(decodeTpdu(cr)).toMatchObject({ ok: true, value: { parameters: { tpduSizeCode: 10 } } });
  });

  it('reads a 1-octet and a 4-octet F0', () => {
    expect(decodeTpdu(fromHex('09 e0 0000 0001 21 f0 01 40'))).toMatchObject({
      ok: true,
      value: { parameters: { preferredMaxTpduUnits: 64 } },
    });
    expect(decodeTpdu(fromHex('0c e0 0000 0001 21 f0 04 000001ff'))).toMatchObject({
      ok: true,
      value: { parameters: { preferredMaxTpduUnits: 511 } },
    });
  });

  it('decodes a CC that states both C0 and F0 (a CR echoed back); whether it fits is for the negotiation', () => {
    expect(decodeTpdu(fromHex('0d d0 0001 0002 21 c0 01 0b f0 02 0040'))).toEqual({
      ok: true,
      value: {
        type: 'CC',
        credit: 0,
        dstRef: 1,
        srcRef: 2,
        classOption: { protocolClass: 2, extendedFormats: false, noExplicitFlowControl: true },
        parameters: { tpduSizeCode: 11, preferredMaxTpduUnits: 64 },
        userData: new Uint8Array(0),
      },
    });
  });

  it('reads the class-option bits as X.224 and Wireshark do (0x21 = class 2, no explicit flow control)', () => {
    const result = decodeTpdu(fromHex('06 e0 0000 0001 23'));
    expect(result).toMatchObject({
      ok: true,
      value: { classOption: { protocolClass: 2, extendedFormats: true, noExplicitFlowControl: true } },
    });
  });

  it('refuses to encode what the wire cannot carry', () => {
    expect(() => encodeTpdu({ type: 'DC', dstRef: 0x10000, srcRef: 1 })).toThrow(CotpEncodeError);
    expect(() =>
      encodeTpdu({
        type: 'DT',
        format: 'class0',
        dstRef: 0,
        nr: 0,
        eot: true,
        userData: new Uint8Array(1),
        checksum: true,
      }),
    ).toThrow(/no room for a checksum/);
    expect(() =>
      encodeTpdu({ type: 'ER', dstRef: 0, rejectCause: 0, invalidTpdu: new Uint8Array(256) }),
    ).toThrow(/longer than 255/);
    expect(() => wrapTpkt(new Uint8Array(65532))).toThrow(CotpEncodeError);
  });
});

describe('ISO 8073 checksum (C3)', () => {
  it('fills a checksum that verifies, for random TPDUs, and any flipped octet breaks it', () => {
    const prng = new SeededPrng(0xc3c3);
    for (let round = 0; round < 200; round++) {
      const length = 6 + prng.int(200);
      const tpdu = prng.bytes(length);
      const position = prng.int(length - 1);
      fillIsoChecksum(tpdu, position);
      expect(verifyIsoChecksum(tpdu)).toBe(true);
      const flip = prng.int(length);
      tpdu[flip] = (tpdu[flip]! + 1 + prng.int(254)) & 0xff;
      // Changing one octet by a non-multiple of 255 always breaks the first sum.
      expect(verifyIsoChecksum(tpdu)).toBe(false);
    }
  });

  it('encodes C3 last in the header, and decode verifies it', () => {
    const tpdu: Tpdu = {
      type: 'DR',
      dstRef: 1,
      srcRef: 2,
      reason: 0x80,
      userData: ascii('bye'),
      checksum: true,
    };
    const bytes = encodeTpdu(tpdu);
    expect(toHex(bytes.subarray(0, 9))).toBe('0a800001000280c302');
    expect(decodeTpdu(bytes)).toEqual({ ok: true, value: tpdu });
    const corrupted = bytes.slice();
    corrupted[corrupted.length - 1] ^= 0x01;
    expect(decodeTpdu(corrupted)).toMatchObject({ ok: false, error: { code: 'BAD_CHECKSUM', offset: 9 } });
  });

  it('verifies a checksum in a normal-format DT (LI 8)', () => {
    const tpdu: Tpdu = {
      type: 'DT',
      format: 'normal',
      dstRef: 9,
      nr: 3,
      eot: true,
      userData: ascii('x'),
      checksum: true,
    };
    const bytes = encodeTpdu(tpdu);
    expect(bytes[0]).toBe(8);
    expect(decodeTpdu(bytes)).toEqual({ ok: true, value: tpdu });
  });
});
