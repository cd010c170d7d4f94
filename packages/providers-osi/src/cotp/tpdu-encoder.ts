/**
 * The COTP encoder: a `Tpdu` into its octets (X.224 / ISO 8073 §13, normal formats) and into a
 * TPKT (RFC 1006 §6), as the reference's test vectors lay them out.
 * @module
 */
import { CotpEncodeError } from './cotp-encode-error';
import { fillIsoChecksum } from './iso-checksum';
import type { ClassOption, ConnectionParameters, DataFormat, Tpdu } from './tpdu';
import {
  ClassOptionBits,
  LI_RESERVED,
  MAX_TPDU_SIZE,
  ParameterCode,
  TPKT_HEADER_LENGTH,
  TPKT_VERSION,
  TpduCode,
} from './tpdu-codes';

/**
 * Encodes one TPDU (LI octet to last user-data octet), normal format. Parameters of CR/CC go out
 * in the order C1, C2, C0, F0, C4, C5, C6, C7, others, then C3 last (the order of the reference's
 * test vectors). `F0` is written in at least two octets, as the vectors do.
 *
 * Limits of the service (32/64/16 octets of user data) are not enforced here, so that tests can
 * build over-long TPDUs; `CotpConnection` enforces them before encoding.
 * @throws CotpEncodeError when a field does not fit its wire encoding.
 */
export function encodeTpdu(tpdu: Tpdu): Uint8Array {
  return encodeTpduAfter(tpdu, 0);
}

/**
 * `encodeTpdu` into a buffer that keeps `headroom` octets free before the TPDU: the TPKT header
 * goes there, so a DT's user data is copied once, into the frame that goes on the wire.
 */
function encodeTpduAfter(tpdu: Tpdu, headroom: number): Uint8Array {
  const fixed: number[] = [];
  const params: number[] = [];
  let userData: Uint8Array = new Uint8Array(0);
  let class0Format = false;

  switch (tpdu.type) {
    case 'CR':
    case 'CC': {
      const code = tpdu.type === 'CR' ? TpduCode.CR : TpduCode.CC;
      const credit = tpdu.credit ?? 0;
      checkRange('credit', credit, 0, 15);
      if (tpdu.type === 'CR' && tpdu.dstRef !== 0) throw new CotpEncodeError('a CR carries DST-REF 0');
      fixed.push((code << 4) | credit, ...u16('DST-REF', tpdu.dstRef), ...u16('SRC-REF', tpdu.srcRef));
      fixed.push(encodeClassOption(tpdu.classOption));
      encodeConnectionParameters(params, tpdu.parameters, tpdu.type);
      userData = tpdu.userData;
      break;
    }
    case 'DR':
      fixed.push(TpduCode.DR << 4, ...u16('DST-REF', tpdu.dstRef), ...u16('SRC-REF', tpdu.srcRef));
      checkRange('reason', tpdu.reason, 0, 255);
      fixed.push(tpdu.reason);
      if (tpdu.additionalInfo)
        pushParameter(params, ParameterCode.ADDITIONAL_CLEARING_INFO, tpdu.additionalInfo);
      userData = tpdu.userData;
      break;
    case 'DC':
      fixed.push(TpduCode.DC << 4, ...u16('DST-REF', tpdu.dstRef), ...u16('SRC-REF', tpdu.srcRef));
      break;
    case 'DT':
      checkRange('TPDU-NR', tpdu.nr, 0, 127);
      if (tpdu.format === 'class0' && tpdu.nr !== 0) throw new CotpEncodeError('class-0 TPDU-NR is always 0');
      fixed.push(...dataHeader(TpduCode.DT, tpdu.format, tpdu.dstRef, (tpdu.eot ? 0x80 : 0) | tpdu.nr));
      class0Format = tpdu.format === 'class0';
      userData = tpdu.userData;
      break;
    case 'ED':
      checkRange('ED-TPDU-NR', tpdu.nr, 0, 127);
      if (tpdu.format === 'class0' && tpdu.nr !== 0) throw new CotpEncodeError('RFC 1006 ED carries NR 0');
      fixed.push(...dataHeader(TpduCode.ED, tpdu.format, tpdu.dstRef, 0x80 | tpdu.nr));
      class0Format = tpdu.format === 'class0';
      userData = tpdu.userData;
      break;
    case 'EA':
      checkRange('YR-EDTU-NR', tpdu.nr, 0, 127);
      fixed.push(TpduCode.EA << 4, ...u16('DST-REF', tpdu.dstRef), tpdu.nr);
      break;
    case 'ER':
      checkRange('reject cause', tpdu.rejectCause, 0, 255);
      fixed.push(TpduCode.ER << 4, ...u16('DST-REF', tpdu.dstRef), tpdu.rejectCause);
      if (tpdu.invalidTpdu) pushParameter(params, ParameterCode.INVALID_TPDU, tpdu.invalidTpdu);
      break;
  }

  let checksumIndex = -1;
  if (tpdu.checksum) {
    if (class0Format) {
      throw new CotpEncodeError('the class-0 DT/ED format has no room for a checksum');
    }
    checksumIndex = 1 + fixed.length + params.length + 2;
    params.push(ParameterCode.CHECKSUM, 2, 0, 0);
  }

  const li = fixed.length + params.length;
  if (li >= LI_RESERVED) throw new CotpEncodeError(`header of ${li} octets exceeds LI 254`);
  const total = 1 + li + userData.length;
  if (total > MAX_TPDU_SIZE) throw new CotpEncodeError(`TPDU of ${total} octets exceeds ${MAX_TPDU_SIZE}`);
  const frame = new Uint8Array(headroom + total);
  const out = headroom === 0 ? frame : frame.subarray(headroom);
  out[0] = li;
  out.set(fixed, 1);
  out.set(params, 1 + fixed.length);
  out.set(userData, 1 + li);
  if (checksumIndex >= 0) fillIsoChecksum(out, checksumIndex);
  return frame;
}

/** Wraps an encoded TPDU in a TPKT header (RFC 1006 §6: version 3, reserved 0, length incl. header). */
export function wrapTpkt(tpdu: Uint8Array): Uint8Array {
  const length = TPKT_HEADER_LENGTH + tpdu.length;
  if (tpdu.length < 3 || length > 0xffff) throw new CotpEncodeError(`TPKT length ${length} out of range`);
  const out = new Uint8Array(length);
  out[0] = TPKT_VERSION;
  out[1] = 0;
  out[2] = length >> 8;
  out[3] = length & 0xff;
  out.set(tpdu, TPKT_HEADER_LENGTH);
  return out;
}

/** Encodes a TPDU inside its TPKT: the exact bytes to write to the TCP connection. */
export function encodeTpkt(tpdu: Tpdu): Uint8Array {
  const frame = encodeTpduAfter(tpdu, TPKT_HEADER_LENGTH);
  const length = frame.length;
  if (length > 0xffff) throw new CotpEncodeError(`TPKT length ${length} out of range`);
  frame[0] = TPKT_VERSION;
  frame[1] = 0;
  frame[2] = length >> 8;
  frame[3] = length & 0xff;
  return frame;
}

/** Encodes the class-option octet: class in the high nibble, bit 2 extended formats, bit 1 no explicit flow control. */
export function encodeClassOption(option: ClassOption): number {
  checkRange('protocol class', option.protocolClass, 0, 4);
  return (
    (option.protocolClass << 4) |
    (option.extendedFormats ? ClassOptionBits.EXTENDED_FORMATS : 0) |
    (option.noExplicitFlowControl ? ClassOptionBits.NO_EXPLICIT_FLOW_CONTROL : 0)
  );
}

function encodeConnectionParameters(out: number[], p: ConnectionParameters, type: 'CR' | 'CC'): void {
  if (p.callingTsap) pushParameter(out, ParameterCode.CALLING_TSAP, p.callingTsap);
  if (p.calledTsap) pushParameter(out, ParameterCode.CALLED_TSAP, p.calledTsap);
  if (p.tpduSizeCode !== undefined) {
    checkRange('TPDU-size code', p.tpduSizeCode, 7, 13);
    pushParameter(out, ParameterCode.TPDU_SIZE, [p.tpduSizeCode]);
  }
  if (p.preferredMaxTpduUnits !== undefined) {
    checkRange('preferred max TPDU units', p.preferredMaxTpduUnits, 1, 0xffffffff);
    pushParameter(out, ParameterCode.PREFERRED_MAX_TPDU_SIZE, bigEndian(p.preferredMaxTpduUnits, 2));
  }
  if (p.version !== undefined) {
    checkRange('version', p.version, 0, 255);
    pushParameter(out, ParameterCode.VERSION, [p.version]);
  }
  if (p.protection) pushParameter(out, ParameterCode.PROTECTION, p.protection);
  if (p.additionalOptions !== undefined) {
    checkRange('additional options', p.additionalOptions, 0, 255);
    pushParameter(out, ParameterCode.ADDITIONAL_OPTIONS, [p.additionalOptions]);
  }
  if (p.alternativeClasses && p.alternativeClasses.length > 0) {
    if (type === 'CC') throw new CotpEncodeError('alternative classes belong to a CR');
    const classes = p.alternativeClasses.map((c) => {
      checkRange('alternative class', c, 0, 4);
      return c << 4;
    });
    pushParameter(out, ParameterCode.ALTERNATIVE_CLASSES, classes);
  }
  for (const other of p.otherParameters ?? []) {
    checkRange('parameter code', other.code, 0, 255);
    if (other.code === ParameterCode.CHECKSUM) throw new CotpEncodeError('use `checksum: true` for C3');
    pushParameter(out, other.code, other.value);
  }
}

function dataHeader(code: number, format: DataFormat, dstRef: number, sequenceOctet: number): number[] {
  if (format === 'class0') return [code << 4, sequenceOctet];
  return [code << 4, ...u16('DST-REF', dstRef), sequenceOctet];
}

function pushParameter(out: number[], code: number, value: ArrayLike<number>): void {
  if (value.length > 255)
    throw new CotpEncodeError(`parameter 0x${code.toString(16)} longer than 255 octets`);
  out.push(code, value.length);
  for (let i = 0; i < value.length; i++) out.push(value[i]!);
}

function u16(name: string, value: number): [number, number] {
  checkRange(name, value, 0, 0xffff);
  return [value >> 8, value & 0xff];
}

function bigEndian(value: number, minOctets: number): number[] {
  const octets: number[] = [];
  let rest = value;
  while (rest > 0 || octets.length < minOctets) {
    octets.unshift(rest % 256);
    rest = Math.floor(rest / 256);
  }
  return octets;
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new CotpEncodeError(`${name} ${value} is outside ${min}…${max}`);
  }
}
