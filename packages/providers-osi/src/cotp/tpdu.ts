/**
 * The decoded form of the COTP TPDUs this stack speaks: CR, CC, DR, DC, DT, ED, EA and ER in
 * normal (not extended) format. `encodeTpdu` takes these shapes and `decodeTpdu` returns them.
 * @module
 */

/** An X.224 transport protocol class. Only 0 and 2 are run by `CotpConnection`; 1, 3 and 4 can appear in a peer's CR. */
export type ProtocolClass = 0 | 1 | 2 | 3 | 4;

/** Class-option octet of CR/CC (octet 7), decoded. */
export interface ClassOption {
  /** The class (high nibble of the octet). */
  protocolClass: ProtocolClass;
  /** Bit 2: extended formats (classes 2–4). Never used by this stack. */
  extendedFormats: boolean;
  /** Bit 1: **non-use** of explicit flow control in class 2 (X.224, Wireshark). Set in ITOT class 2. */
  noExplicitFlowControl: boolean;
}

/** A variable-part parameter kept as it was on the wire. */
export interface RawParameter {
  /** The parameter code octet. */
  code: number;
  /** The parameter's value octets. */
  value: Uint8Array;
}

/**
 * Variable-part parameters of CR and CC (X.224 13.3.4, 13.4.4). Absent fields were absent on the
 * wire. When a parameter repeats, the last occurrence wins (X.224 as read by osi-net).
 */
export interface ConnectionParameters {
  /** `C1`: calling TSAP-ID (the initiator's TSAP selector). */
  callingTsap?: Uint8Array;
  /** `C2`: called TSAP-ID in a CR, responding TSAP-ID in a CC. */
  calledTsap?: Uint8Array;
  /** `C0`: TPDU-size code k, the size being 2^k octets (7…13). */
  tpduSizeCode?: number;
  /** `F0`: preferred maximum TPDU size in units of 128 octets. */
  preferredMaxTpduUnits?: number;
  /** `C4`: protocol version number (1). */
  version?: number;
  /** `C5`: protection parameters, user defined. */
  protection?: Uint8Array;
  /** `C6`: additional option selection bits (`AdditionalOptionBits`). */
  additionalOptions?: number;
  /** `C7`: alternative protocol classes (CR only), in wire order. */
  alternativeClasses?: ProtocolClass[];
  /**
   * Recognised quality-of-service and class-4 parameters (`85`…`8B`, `F2`) kept raw, and in a CR
   * also unknown parameters, which X.224 13.2.3 says a CR receiver ignores.
   */
  otherParameters?: RawParameter[];
}

/** Fields every decoded TPDU has. */
export interface TpduBase {
  /**
   * A `C3` checksum parameter. On decode: true when one was present (it was verified). On encode:
   * true to compute and append one. Checksums belong to class 4; a class-0/2 stack only verifies them.
   */
  checksum?: boolean;
}

/** CR: Connect Request (code `E`). */
export interface CrTpdu extends TpduBase {
  /** A CR. */
  type: 'CR';
  /** CDT nibble; 0 in class 0 and in class 2 without explicit flow control. */
  credit?: number;
  /** Always 0 in a CR. */
  dstRef: 0;
  /** SRC-REF: the initiator's reference for the connection. */
  srcRef: number;
  /** The preferred class and its options (octet 7). */
  classOption: ClassOption;
  /** The variable part: TSAPs, TPDU size, version, options, alternative classes. */
  parameters: ConnectionParameters;
  /** ≤ 32 octets. */
  userData: Uint8Array;
}

/** CC: Connect Confirm (code `D`). */
export interface CcTpdu extends TpduBase {
  /** A CC. */
  type: 'CC';
  /** CDT nibble; 0 in class 0 and in class 2 without explicit flow control. */
  credit?: number;
  /** The CR's SRC-REF. */
  dstRef: number;
  /** SRC-REF: the responder's reference for the connection. */
  srcRef: number;
  /** The class the responder selected, and its options. */
  classOption: ClassOption;
  /** The variable part the responder answers with. */
  parameters: ConnectionParameters;
  /** ≤ 32 octets. */
  userData: Uint8Array;
}

/** DR: Disconnect Request (code `8`). */
export interface DrTpdu extends TpduBase {
  /** A DR. */
  type: 'DR';
  /** DST-REF: the peer's reference for the connection. */
  dstRef: number;
  /** 0 when no reference is assigned (refusal of a CR). */
  srcRef: number;
  /** `DisconnectReason`. Decoding accepts any octet; the connection only sends table values. */
  reason: number;
  /** `E0`: additional clearing information; `[0x80]` marks an RFC 2126 non-disruptive disconnect. */
  additionalInfo?: Uint8Array;
  /** ≤ 64 octets. */
  userData: Uint8Array;
}

/** DC: Disconnect Confirm (code `C`). Carries no user data. */
export interface DcTpdu extends TpduBase {
  /** A DC. */
  type: 'DC';
  /** DST-REF: the reference of the DR's sender. */
  dstRef: number;
  /** SRC-REF: this end's reference. */
  srcRef: number;
}

/**
 * Layout of DT and ED: `class0` is the 3-octet header of class 0/1 (`LI=2`, no reference; for ED,
 * the RFC 1006 variant), `normal` is the class 2–4 normal format with DST-REF (`LI=4`).
 */
export type DataFormat = 'class0' | 'normal';

/** DT: Data (code `F`). */
export interface DtTpdu extends TpduBase {
  /** A DT. */
  type: 'DT';
  /** The 3-octet class-0 header or the class-2 normal format. */
  format: DataFormat;
  /** DST-REF; 0 and not on the wire in the class-0 format. */
  dstRef: number;
  /** TPDU-NR, 0…127; always 0 in class 0 (RFC 2126 §6.5). */
  nr: number;
  /** End of TSDU. */
  eot: boolean;
  /** The data: a TSDU, or a piece of one (EOT on the last). */
  userData: Uint8Array;
}

/** ED: Expedited Data (code `1`). EOT is always set on the wire. */
export interface EdTpdu extends TpduBase {
  /** An ED. */
  type: 'ED';
  /** The RFC 1006 class-0 variant or the class-2 normal format. */
  format: DataFormat;
  /** DST-REF; 0 in the class-0 variant. */
  dstRef: number;
  /** ED-TPDU-NR, 0…127; 0 in the RFC 1006 class-0 variant. */
  nr: number;
  /** 1…16 octets. */
  userData: Uint8Array;
}

/** EA: Expedited Data Acknowledgement (code `2`). */
export interface EaTpdu extends TpduBase {
  /** An EA. */
  type: 'EA';
  /** DST-REF: the reference of the ED's sender. */
  dstRef: number;
  /** YR-EDTU-NR: the ED-TPDU-NR being acknowledged. */
  nr: number;
}

/** ER: TPDU Error (code `7`). */
export interface ErTpdu extends TpduBase {
  /** An ER. */
  type: 'ER';
  /** DST-REF: the reference of the refused TPDU's sender (0 when unknown). */
  dstRef: number;
  /** `RejectCause` 0…3. */
  rejectCause: number;
  /** `C1`: the rejected TPDU's header up to and including the faulty octet. */
  invalidTpdu?: Uint8Array;
}

/** Any TPDU this codec encodes and decodes. */
export type Tpdu = CrTpdu | CcTpdu | DrTpdu | DcTpdu | DtTpdu | EdTpdu | EaTpdu | ErTpdu;

/** The `type` tag of a `Tpdu`. */
export type TpduType = Tpdu['type'];
