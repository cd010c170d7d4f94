/**
 * The COTP decoder: one TPKT (RFC 1006 §6) and the TPDU in it (X.224 / ISO 8073 §13) into a `Tpdu`,
 * strict as a receiver should be — a TPKT version other than 3, a bad LI, a parameter that is
 * malformed, out of range or unknown outside a CR, user data beyond the service limits — each a
 * `CotpDecodeError` with its offset and the ER reject cause, never a throw.
 * @module
 */
import { type CotpDecodeResult, decodeFailure } from './cotp-decode-error';
import { verifyIsoChecksum } from './iso-checksum';
import type {
  ClassOption,
  ConnectionParameters,
  DataFormat,
  ProtocolClass,
  RawParameter,
  Tpdu,
} from './tpdu';
import {
  ClassOptionBits,
  LI_RESERVED,
  MAX_CONNECT_DATA,
  MAX_DISCONNECT_DATA,
  MAX_EXPEDITED_DATA,
  MAX_TPDU_SIZE_CODE,
  MIN_TPDU_SIZE_CODE,
  ParameterCode,
  TPKT_HEADER_LENGTH,
  TPKT_MIN_LENGTH,
  TPKT_VERSION,
  TpduCode,
} from './tpdu-codes';

/** How to read DT and ED headers, whose layout X.224 ties to the negotiated class. */
export interface TpduDecodeOptions {
  /**
   * `class0`: DT/ED have the 3-octet class-0 header (ED in its RFC 1006 form). `normal`: the
   * class 2–4 normal format with DST-REF. `auto` (default): infer from LI as Wireshark does
   * (2 → class 0, 7/11 → extended, rejected as unsupported, anything else → normal). A connection
   * passes the negotiated class's format.
   */
  dataFormat?: DataFormat | 'auto';
  /** Added to every error offset, so offsets can count from an enclosing TPKT. Default 0. */
  baseOffset?: number;
}

/**
 * Decodes one TPKT frame (exactly one TPKT: header and TPDU). Strict: version 3, length ≥ 7 and
 * equal to the frame's size, then the TPDU rules of `decodeTpdu`. The reserved octet is ignored
 * (RFC 2126 §6.10). Error offsets count from the version octet. Never throws.
 */
export function decodeTpkt(frame: Uint8Array, options: TpduDecodeOptions = {}): CotpDecodeResult<Tpdu> {
  const base = options.baseOffset ?? 0;
  if (frame.length < TPKT_HEADER_LENGTH) {
    return decodeFailure(
      'TPKT_TRUNCATED',
      base + frame.length,
      `TPKT header needs 4 octets, got ${frame.length}`,
    );
  }
  if (frame[0] !== TPKT_VERSION) {
    return decodeFailure('BAD_TPKT_VERSION', base, `TPKT version ${frame[0]}, expected 3`);
  }
  const length = readU16(frame, 2);
  if (length < TPKT_MIN_LENGTH) {
    return decodeFailure('TPKT_LENGTH_TOO_SMALL', base + 2, `TPKT length ${length} is below 7`);
  }
  if (length !== frame.length) {
    return decodeFailure(
      'TPKT_LENGTH_MISMATCH',
      base + 2,
      `TPKT length field says ${length} octets, the frame has ${frame.length}`,
    );
  }
  return decodeTpdu(frame.subarray(TPKT_HEADER_LENGTH), {
    ...options,
    baseOffset: base + TPKT_HEADER_LENGTH,
  });
}

/**
 * Decodes one TPDU (LI octet to the end of the user data; the user data runs to the end of
 * `tpdu`). Never throws: a malformed TPDU gives `{ ok: false, error }` naming the faulty octet.
 */
export function decodeTpdu(tpdu: Uint8Array, options: TpduDecodeOptions = {}): CotpDecodeResult<Tpdu> {
  return new TpduReader(tpdu, options.baseOffset ?? 0, options.dataFormat ?? 'auto').read();
}

/** Which parameter codes a TPDU type accepts besides the checksum; a CR accepts (and keeps) anything. */
const qosParameters = [
  ParameterCode.ACK_TIME,
  ParameterCode.RESIDUAL_ERROR_RATE,
  ParameterCode.PRIORITY,
  ParameterCode.TRANSIT_DELAY,
  ParameterCode.THROUGHPUT,
  ParameterCode.REASSIGNMENT_TIME,
  ParameterCode.INACTIVITY_TIMER,
];

interface Parameter {
  code: number;
  value: Uint8Array;
  /** Offset of the code octet within the TPDU. */
  at: number;
}

type Failure = CotpDecodeResult<never> & { ok: false };

class TpduReader {
  private readonly li: number;

  constructor(
    private readonly b: Uint8Array,
    private readonly base: number,
    private readonly dataFormat: DataFormat | 'auto',
  ) {
    this.li = b.length > 0 ? b[0]! : 0;
  }

  read(): CotpDecodeResult<Tpdu> {
    const { b, li } = this;
    if (b.length === 0) return this.fail('LI_EXCEEDS_TPDU', 0, 'empty TPDU: no LI octet');
    if (li === LI_RESERVED) return this.fail('LI_RESERVED', 0, 'LI 255 is reserved');
    if (li + 1 > b.length) {
      return this.fail('LI_EXCEEDS_TPDU', 0, `LI ${li} needs ${li + 1} octets, the TPDU has ${b.length}`);
    }
    if (li < 1) return this.fail('BAD_LI', 0, 'LI 0 leaves no room for the TPDU code');
    const code = b[1]! >> 4;
    switch (code) {
      case TpduCode.CR:
      case TpduCode.CC:
        return this.readConnect(code === TpduCode.CR ? 'CR' : 'CC');
      case TpduCode.DR:
        return this.readDr();
      case TpduCode.DC:
        return this.readDc();
      case TpduCode.DT:
      case TpduCode.ED:
        return this.readData(code === TpduCode.DT ? 'DT' : 'ED');
      case TpduCode.EA:
        return this.readEa();
      case TpduCode.ER:
        return this.readEr();
      case TpduCode.AK:
      case TpduCode.RJ:
        return this.fail(
          'UNSUPPORTED_TPDU',
          1,
          `${code === TpduCode.AK ? 'AK' : 'RJ'} TPDU is not used over TCP (no explicit flow control, no class 1/3/4)`,
        );
      default:
        return this.fail(
          'UNKNOWN_TPDU_CODE',
          1,
          `unknown TPDU code 0x${b[1]!.toString(16).padStart(2, '0')}`,
        );
    }
  }

  private readConnect(type: 'CR' | 'CC'): CotpDecodeResult<Tpdu> {
    const { b, li } = this;
    if (li < 6) return this.fail('BAD_LI', 0, `${type} needs LI ≥ 6, got ${li}`);
    const dstRef = readU16(b, 2);
    const srcRef = readU16(b, 4);
    if (type === 'CR' && dstRef !== 0)
      return this.fail('BAD_REFERENCE', 2, `CR DST-REF must be 0, got ${dstRef}`);
    const classOctet = b[6]!;
    const protocolClass = classOctet >> 4;
    if (protocolClass > 4)
      return this.fail('BAD_CLASS_OPTION', 6, `protocol class ${protocolClass} does not exist`);
    const credit = b[1]! & 0x0f;
    if (protocolClass === 0 && credit !== 0) {
      return this.fail('BAD_CODE_BITS', 1, `class-0 ${type} must carry CDT 0, got ${credit} (RFC 2126 §6.5)`);
    }
    const classOption: ClassOption = {
      protocolClass: protocolClass as ProtocolClass,
      extendedFormats: (classOctet & ClassOptionBits.EXTENDED_FORMATS) !== 0,
      noExplicitFlowControl: (classOctet & ClassOptionBits.NO_EXPLICIT_FLOW_CONTROL) !== 0,
    };
    const parsed = this.readParameters(7);
    if (!parsed.ok) return parsed;
    const parameters: ConnectionParameters = {};
    const others: RawParameter[] = [];
    let checksum = false;
    for (const p of parsed.value) {
      const v = p.value;
      switch (p.code) {
        case ParameterCode.CALLING_TSAP:
          parameters.callingTsap = v;
          break;
        case ParameterCode.CALLED_TSAP:
          parameters.calledTsap = v;
          break;
        case ParameterCode.TPDU_SIZE: {
          if (v.length !== 1) return this.badLength(p, 'TPDU size', '1');
          const k = v[0]!;
          if (k < MIN_TPDU_SIZE_CODE || k > MAX_TPDU_SIZE_CODE) {
            return this.fail('BAD_PARAMETER_VALUE', p.at + 2, `TPDU-size code ${k} is outside 7…13`);
          }
          parameters.tpduSizeCode = k;
          break;
        }
        case ParameterCode.PREFERRED_MAX_TPDU_SIZE: {
          if (v.length < 1 || v.length > 4) return this.badLength(p, 'preferred maximum TPDU size', '1…4');
          const units = v.reduce((acc, octet) => acc * 256 + octet, 0);
          if (units === 0) return this.fail('BAD_PARAMETER_VALUE', p.at + 2, 'preferred maximum TPDU size 0');
          parameters.preferredMaxTpduUnits = units;
          break;
        }
        case ParameterCode.VERSION:
          if (v.length !== 1) return this.badLength(p, 'version number', '1');
          parameters.version = v[0]!;
          break;
        case ParameterCode.PROTECTION:
          parameters.protection = v;
          break;
        case ParameterCode.ADDITIONAL_OPTIONS:
          if (v.length !== 1) return this.badLength(p, 'additional option selection', '1');
          parameters.additionalOptions = v[0]!;
          break;
        case ParameterCode.ALTERNATIVE_CLASSES: {
          if (type === 'CC') return this.unknownParameter(p, type);
          if (v.length === 0) return this.badLength(p, 'alternative protocol classes', '≥ 1');
          const classes: ProtocolClass[] = [];
          for (let i = 0; i < v.length; i++) {
            const c = v[i]! >> 4;
            if (c > 4)
              return this.fail('BAD_PARAMETER_VALUE', p.at + 2 + i, `alternative class ${c} does not exist`);
            classes.push(c as ProtocolClass);
          }
          parameters.alternativeClasses = classes;
          break;
        }
        case ParameterCode.CHECKSUM: {
          const bad = this.checkChecksum(p);
          if (bad) return bad;
          checksum = true;
          break;
        }
        default:
          // X.224 13.2.3: a CR receiver ignores parameters it does not know; a CC must not carry them.
          if (type === 'CC' && !qosParameters.includes(p.code as never))
            return this.unknownParameter(p, type);
          others.push({ code: p.code, value: v });
      }
    }
    if (others.length > 0) parameters.otherParameters = others;
    const userData = this.userData(MAX_CONNECT_DATA, type);
    if (!userData.ok) return userData;
    const base = { classOption, parameters, userData: userData.value, ...(checksum ? { checksum } : {}) };
    if (type === 'CR') return { ok: true, value: { type, credit, dstRef: 0, srcRef, ...base } };
    return { ok: true, value: { type, credit, dstRef, srcRef, ...base } };
  }

  private readDr(): CotpDecodeResult<Tpdu> {
    const { b, li } = this;
    if (li < 6) return this.fail('BAD_LI', 0, `DR needs LI ≥ 6, got ${li}`);
    const bits = this.zeroLowNibble('DR');
    if (bits) return bits;
    const parsed = this.readParameters(7);
    if (!parsed.ok) return parsed;
    let additionalInfo: Uint8Array | undefined;
    let checksum = false;
    for (const p of parsed.value) {
      if (p.code === ParameterCode.ADDITIONAL_CLEARING_INFO) additionalInfo = p.value;
      else if (p.code === ParameterCode.CHECKSUM) {
        const bad = this.checkChecksum(p);
        if (bad) return bad;
        checksum = true;
      } else return this.unknownParameter(p, 'DR');
    }
    const userData = this.userData(MAX_DISCONNECT_DATA, 'DR');
    if (!userData.ok) return userData;
    return {
      ok: true,
      value: {
        type: 'DR',
        dstRef: readU16(b, 2),
        srcRef: readU16(b, 4),
        reason: b[6]!,
        ...(additionalInfo ? { additionalInfo } : {}),
        userData: userData.value,
        ...(checksum ? { checksum } : {}),
      },
    };
  }

  private readDc(): CotpDecodeResult<Tpdu> {
    const { b, li } = this;
    if (li < 5) return this.fail('BAD_LI', 0, `DC needs LI ≥ 5, got ${li}`);
    const bits = this.zeroLowNibble('DC');
    if (bits) return bits;
    const checksum = this.checksumOnly(6, 'DC');
    if (!checksum.ok) return checksum;
    const none = this.noUserData('DC');
    if (none) return none;
    return {
      ok: true,
      value: {
        type: 'DC',
        dstRef: readU16(b, 2),
        srcRef: readU16(b, 4),
        ...(checksum.value ? { checksum: true } : {}),
      },
    };
  }

  private readData(type: 'DT' | 'ED'): CotpDecodeResult<Tpdu> {
    const { b, li } = this;
    if ((b[1]! & 0x0f) !== 0) {
      const what = type === 'DT' ? 'DT ROA bit (class 1 only) or reserved bits' : 'ED reserved bits';
      return this.fail('BAD_CODE_BITS', 1, `${what} set in code octet 0x${b[1]!.toString(16)}`);
    }
    let format: DataFormat;
    if (this.dataFormat === 'auto') {
      if (li === 7 || li === 11) {
        return this.fail(
          'UNSUPPORTED_TPDU',
          0,
          `${type} with LI ${li} is the extended format, not supported`,
        );
      }
      format = li === 2 ? 'class0' : 'normal';
    } else format = this.dataFormat;

    let dstRef = 0;
    let sequenceOctet: number;
    let sequenceAt: number;
    let checksum = false;
    if (format === 'class0') {
      if (li !== 2) return this.fail('BAD_LI', 0, `class-0 ${type} has LI 2, got ${li}`);
      sequenceAt = 2;
      sequenceOctet = b[2]!;
      if ((sequenceOctet & 0x7f) !== 0) {
        return this.fail('BAD_SEQUENCE_OCTET', 2, `class-0 ${type} TPDU-NR must be 0 (RFC 2126 §6.5)`);
      }
    } else {
      if (li < 4) return this.fail('BAD_LI', 0, `normal-format ${type} needs LI ≥ 4, got ${li}`);
      dstRef = readU16(b, 2);
      sequenceAt = 4;
      sequenceOctet = b[4]!;
      const parsed = this.checksumOnly(5, type);
      if (!parsed.ok) return parsed;
      checksum = parsed.value;
    }
    const eot = (sequenceOctet & 0x80) !== 0;
    const nr = sequenceOctet & 0x7f;
    const userData = b.subarray(li + 1);
    const extra = checksum ? { checksum } : {};
    if (type === 'DT') return { ok: true, value: { type, format, dstRef, nr, eot, userData, ...extra } };
    if (!eot) return this.fail('BAD_SEQUENCE_OCTET', sequenceAt, 'ED must have EOT set');
    if (userData.length === 0)
      return this.fail('BAD_USER_DATA_LENGTH', li + 1, 'ED carries 1…16 octets, got 0');
    if (userData.length > MAX_EXPEDITED_DATA) {
      return this.fail(
        'USER_DATA_TOO_LONG',
        li + 1 + MAX_EXPEDITED_DATA,
        `ED carries at most 16 octets, got ${userData.length}`,
      );
    }
    return { ok: true, value: { type, format, dstRef, nr, userData, ...extra } };
  }

  private readEa(): CotpDecodeResult<Tpdu> {
    const { b, li } = this;
    if (this.dataFormat === 'auto' && li === 7) {
      return this.fail('UNSUPPORTED_TPDU', 0, 'EA with LI 7 is the extended format, not supported');
    }
    if (li < 4) return this.fail('BAD_LI', 0, `EA needs LI ≥ 4, got ${li}`);
    const bits = this.zeroLowNibble('EA');
    if (bits) return bits;
    const nrOctet = b[4]!;
    if ((nrOctet & 0x80) !== 0)
      return this.fail('BAD_SEQUENCE_OCTET', 4, 'bit 8 of a normal-format EA NR is 0');
    const checksum = this.checksumOnly(5, 'EA');
    if (!checksum.ok) return checksum;
    const none = this.noUserData('EA');
    if (none) return none;
    return {
      ok: true,
      value: {
        type: 'EA',
        dstRef: readU16(b, 2),
        nr: nrOctet,
        ...(checksum.value ? { checksum: true } : {}),
      },
    };
  }

  private readEr(): CotpDecodeResult<Tpdu> {
    const { b, li } = this;
    if (li < 4) return this.fail('BAD_LI', 0, `ER needs LI ≥ 4, got ${li}`);
    const bits = this.zeroLowNibble('ER');
    if (bits) return bits;
    const rejectCause = b[4]!;
    if (rejectCause > 3)
      return this.fail('BAD_PARAMETER_VALUE', 4, `ER reject cause ${rejectCause} is not 0…3`);
    const parsed = this.readParameters(5);
    if (!parsed.ok) return parsed;
    let invalidTpdu: Uint8Array | undefined;
    let checksum = false;
    for (const p of parsed.value) {
      if (p.code === ParameterCode.INVALID_TPDU) invalidTpdu = p.value;
      else if (p.code === ParameterCode.CHECKSUM) {
        const bad = this.checkChecksum(p);
        if (bad) return bad;
        checksum = true;
      } else return this.unknownParameter(p, 'ER');
    }
    const none = this.noUserData('ER');
    if (none) return none;
    return {
      ok: true,
      value: {
        type: 'ER',
        dstRef: readU16(b, 2),
        rejectCause,
        ...(invalidTpdu ? { invalidTpdu } : {}),
        ...(checksum ? { checksum } : {}),
      },
    };
  }

  /** Splits the variable part `[start, LI]` into parameters, checking each stays inside the header. */
  private readParameters(start: number): CotpDecodeResult<Parameter[]> {
    const { b } = this;
    const end = this.li + 1;
    const out: Parameter[] = [];
    let i = start;
    while (i < end) {
      if (i + 2 > end) return this.fail('PARAMETER_OVERRUN', i, 'parameter code without a length octet');
      const length = b[i + 1]!;
      if (i + 2 + length > end) {
        return this.fail(
          'PARAMETER_OVERRUN',
          i + 1,
          `parameter 0x${b[i]!.toString(16)} of ${length} octets runs past the header (LI ${this.li})`,
        );
      }
      out.push({ code: b[i]!, value: b.subarray(i + 2, i + 2 + length), at: i });
      i += 2 + length;
    }
    return { ok: true, value: out };
  }

  /** The variable part of a TPDU that may carry only a checksum; true when one was there (and verified). */
  private checksumOnly(start: number, type: string): CotpDecodeResult<boolean> {
    const parsed = this.readParameters(start);
    if (!parsed.ok) return parsed;
    let checksum = false;
    for (const p of parsed.value) {
      if (p.code !== ParameterCode.CHECKSUM) return this.unknownParameter(p, type);
      const bad = this.checkChecksum(p);
      if (bad) return bad;
      checksum = true;
    }
    return { ok: true, value: checksum };
  }

  private checkChecksum(p: Parameter): Failure | undefined {
    if (p.value.length !== 2) return this.badLength(p, 'checksum', '2');
    if (!verifyIsoChecksum(this.b))
      return this.fail('BAD_CHECKSUM', p.at + 2, 'TPDU checksum does not verify');
    return undefined;
  }

  private userData(limit: number, type: string): CotpDecodeResult<Uint8Array> {
    const data = this.b.subarray(this.li + 1);
    if (data.length > limit) {
      return this.fail(
        'USER_DATA_TOO_LONG',
        this.li + 1 + limit,
        `${type} carries at most ${limit} octets of user data, got ${data.length}`,
      );
    }
    return { ok: true, value: data };
  }

  private noUserData(type: string): Failure | undefined {
    const extra = this.b.length - (this.li + 1);
    if (extra === 0) return undefined;
    return this.fail(
      'BAD_USER_DATA_LENGTH',
      this.li + 1,
      `${type} carries no user data, got ${extra} octets`,
    );
  }

  private zeroLowNibble(type: string): Failure | undefined {
    const octet = this.b[1]!;
    if ((octet & 0x0f) === 0) return undefined;
    return this.fail('BAD_CODE_BITS', 1, `${type} code octet 0x${octet.toString(16)} has its low bits set`);
  }

  private unknownParameter(p: Parameter, type: string): Failure {
    return this.fail(
      'UNKNOWN_PARAMETER',
      p.at,
      `parameter 0x${p.code.toString(16)} is not allowed in ${type}`,
    );
  }

  private badLength(p: Parameter, name: string, expected: string): Failure {
    return this.fail(
      'BAD_PARAMETER_LENGTH',
      p.at + 1,
      `${name} (0x${p.code.toString(16)}) has length ${p.value.length}, expected ${expected}`,
    );
  }

  private fail(code: Parameters<typeof decodeFailure>[0], offset: number, message: string): Failure {
    return decodeFailure(code, this.base + offset, message) as Failure;
  }
}

function readU16(b: Uint8Array, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}
