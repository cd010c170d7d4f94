/**
 * Wire constants of ISO transport over TCP: TPKT (RFC 1006 §6, RFC 2126 §4.3) and the COTP TPDUs
 * of X.224 / ISO 8073 in normal format. Values and names follow X.224 and the Wireshark 4.0.17
 * `packet-ositp.c` dissector.
 * @module
 */

/** TPKT version octet; RFC 1006 §6 fixes it at 3. */
export const TPKT_VERSION = 3;
/** Octets of the TPKT header: version, reserved, 16-bit length. */
export const TPKT_HEADER_LENGTH = 4;
/** Smallest TPKT: the header plus the 3-octet class-0 DT (`03 00 00 07 02 F0 80`). */
export const TPKT_MIN_LENGTH = 7;
/** Largest TPKT: its length field is 16 bits and counts the header. */
export const TPKT_MAX_LENGTH = 65535;
/** Largest TPDU a TPKT can carry (65535 − 4); also RFC 1006's default and maximum TPDU size. */
export const MAX_TPDU_SIZE = TPKT_MAX_LENGTH - TPKT_HEADER_LENGTH;
/** Smallest negotiable TPDU size (X.224 TPDU-size code 7). */
export const MIN_TPDU_SIZE = 128;
/** Registered TCP port of RFC 1006 / RFC 2126 (`iso-tsap`). */
export const ISO_TSAP_PORT = 102;

/** LI value reserved by X.224 13.2.1; a receiver must reject it. */
export const LI_RESERVED = 255;

/** TPDU codes: the high nibble of octet 2 (X.224 13.1, Wireshark `CR_TPDU` … `ER_TPDU`). */
export const TpduCode = {
  ED: 0x1,
  EA: 0x2,
  RJ: 0x5,
  AK: 0x6,
  ER: 0x7,
  DR: 0x8,
  DC: 0xc,
  CC: 0xd,
  CR: 0xe,
  DT: 0xf,
} as const;

/** Variable-part parameter codes (X.224 13.x; Wireshark's `packet-ositp.c` names). */
export const ParameterCode = {
  TPDU_SIZE: 0xc0,
  /** Calling TSAP-ID in CR/CC; the "invalid TPDU" parameter in ER. */
  CALLING_TSAP: 0xc1,
  INVALID_TPDU: 0xc1,
  CALLED_TSAP: 0xc2,
  CHECKSUM: 0xc3,
  VERSION: 0xc4,
  PROTECTION: 0xc5,
  ADDITIONAL_OPTIONS: 0xc6,
  ALTERNATIVE_CLASSES: 0xc7,
  ADDITIONAL_CLEARING_INFO: 0xe0,
  PREFERRED_MAX_TPDU_SIZE: 0xf0,
  ACK_TIME: 0x85,
  RESIDUAL_ERROR_RATE: 0x86,
  PRIORITY: 0x87,
  TRANSIT_DELAY: 0x88,
  THROUGHPUT: 0x89,
  SUBSEQUENCE_NUMBER: 0x8a,
  REASSIGNMENT_TIME: 0x8b,
  FLOW_CONTROL_CONFIRMATION: 0x8c,
  SELECTIVE_ACK: 0x8f,
  INACTIVITY_TIMER: 0xf2,
} as const;

/**
 * Class-option octet (CR/CC octet 7) bits. Bit 1 set means **non-use** of explicit flow control,
 * as X.224 and Wireshark read it (ISODE and osi-net invert it; we follow X.224). ITOT class 2 is
 * therefore `0x21`: class 2 in the high nibble, normal formats, no explicit flow control.
 */
export const ClassOptionBits = {
  NO_EXPLICIT_FLOW_CONTROL: 0x01,
  EXTENDED_FORMATS: 0x02,
} as const;

/** The class-option octet RFC 2126 §4.2.1 mandates for class 2 over TCP. */
export const CLASS2_OPTION_OCTET = 0x21;
/** The class-option octet of class 0. */
export const CLASS0_OPTION_OCTET = 0x00;

/** Additional-option-selection (`C6`) bits, RFC 2126 §6.6 (bit n = `1 << (n − 1)`). */
export const AdditionalOptionBits = {
  /** Bit 1: use of transport expedited data (classes 0 and 2). */
  EXPEDITED_DATA: 0x01,
  /** Bit 4: reverse-connection procedure for class-2 expedited data. Never selected here. */
  REVERSE_CONNECTION: 0x08,
  /** Bit 6: expedited data acknowledgement (EA) in class 2. */
  EXPEDITED_ACK: 0x20,
  /** Bit 7: non-blocking expedited data in class 2. Never selected here. */
  NON_BLOCKING_EXPEDITED: 0x40,
} as const;

/** DR reason codes (DR octet 7), X.224 13.5.3 as listed by Wireshark 4.0.17 and BANalyzer P_iso83. */
export const DisconnectReason = {
  NOT_SPECIFIED: 0x00,
  CONGESTION_AT_TSAP: 0x01,
  SESSION_ENTITY_NOT_ATTACHED: 0x02,
  ADDRESS_UNKNOWN: 0x03,
  NORMAL: 0x80,
  REMOTE_CONGESTION: 0x81,
  NEGOTIATION_FAILED: 0x82,
  DUPLICATE_SOURCE_REFERENCE: 0x83,
  MISMATCHED_REFERENCES: 0x84,
  PROTOCOL_ERROR: 0x85,
  REFERENCE_OVERFLOW: 0x87,
  CONNECTION_REFUSED: 0x88,
  HEADER_OR_PARAMETER_LENGTH_INVALID: 0x8a,
} as const;

/** A DR reason this stack puts on the wire (0x86 and 0x89 are unused and Wireshark will not dissect them). */
export type DisconnectReasonCode = (typeof DisconnectReason)[keyof typeof DisconnectReason];

const validReasons: ReadonlySet<number> = new Set(Object.values(DisconnectReason));

/** True for a DR reason in the X.224 table (0x00–0x03, 0x80–0x85, 0x87, 0x88, 0x8A). */
export function isValidDisconnectReason(reason: number): reason is DisconnectReasonCode {
  return validReasons.has(reason);
}

/** ER reject causes (ER octet 5), X.224 13.12.3. */
export const RejectCause = {
  NOT_SPECIFIED: 0,
  INVALID_PARAMETER_CODE: 1,
  INVALID_TPDU_TYPE: 2,
  INVALID_PARAMETER_VALUE: 3,
} as const;

/** An ER reject cause. */
export type RejectCauseCode = (typeof RejectCause)[keyof typeof RejectCause];

/** Connect user data limit in CR and CC (X.224 13.3.4/13.4.4; BSD `TP_MAX_CR_DATA`). */
export const MAX_CONNECT_DATA = 32;
/** Disconnect user data limit in DR (X.224 13.5.4; BSD `TP_MAX_DR_DATA`). */
export const MAX_DISCONNECT_DATA = 64;
/** Expedited data limit in ED (X.224 13.8; RFC 1006 §6). */
export const MAX_EXPEDITED_DATA = 16;
/** Largest TSAP selector accepted or sent; stacks cap it (Wireshark shows ≤ 32) and it keeps a CR within 128 octets. */
export const MAX_TSAP_LENGTH = 32;
/** Largest TPDU-size code (`C0`): 2^13 = 8192. */
export const MAX_TPDU_SIZE_CODE = 13;
/** Largest TPDU-size code in class 0: 2^11 = 2048. */
export const MAX_CLASS0_TPDU_SIZE_CODE = 11;
/** Smallest TPDU-size code: 2^7 = 128. */
export const MIN_TPDU_SIZE_CODE = 7;
/** Unit of the preferred-maximum-TPDU-size parameter (`F0`). */
export const PREFERRED_TPDU_SIZE_UNIT = 128;
/** Largest `F0` value usable over TPKT: 511 × 128 = 65408 ≤ 65531. */
export const MAX_PREFERRED_TPDU_UNITS = 511;
/** Modulus of TPDU-NR and ED-TPDU-NR in normal format. */
export const NORMAL_SEQUENCE_MODULUS = 128;
