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
  /** ED: Expedited Data. */
  ED: 0x1,
  /** EA: Expedited data Acknowledgement (class 2 with the option). */
  EA: 0x2,
  /** RJ: Reject (classes 1, 3, 4; refused here). */
  RJ: 0x5,
  /** AK: Data Acknowledgement (classes 1–4 with explicit flow control; refused here). */
  AK: 0x6,
  /** ER: TPDU Error: the reply to a TPDU that cannot be processed. */
  ER: 0x7,
  /** DR: Disconnect Request, with a reason and up to 64 octets of user data. */
  DR: 0x8,
  /** DC: Disconnect Confirm, the answer to a DR in class 2. */
  DC: 0xc,
  /** CC: Connect Confirm, with up to 32 octets of user data. */
  CC: 0xd,
  /** CR: Connection Request, with up to 32 octets of user data. */
  CR: 0xe,
  /** DT: Data; the last DT of a TSDU carries EOT. */
  DT: 0xf,
} as const;

/** Variable-part parameter codes (X.224 13.x; Wireshark's `packet-ositp.c` names). */
export const ParameterCode = {
  /** `C0`: TPDU size, as a code k for 2^k octets. */
  TPDU_SIZE: 0xc0,
  /** Calling TSAP-ID in CR/CC; the "invalid TPDU" parameter in ER. */
  CALLING_TSAP: 0xc1,
  /** `C1` in an ER: the octets of the TPDU that was refused, up to the faulty one. */
  INVALID_TPDU: 0xc1,
  /** `C2`: called TSAP-ID in a CR, responding TSAP-ID in a CC. */
  CALLED_TSAP: 0xc2,
  /** `C3`: checksum (class 4; verified when present). */
  CHECKSUM: 0xc3,
  /** `C4`: protocol version number. */
  VERSION: 0xc4,
  /** `C5`: protection parameters (user defined). */
  PROTECTION: 0xc5,
  /** `C6`: additional option selection (`AdditionalOptionBits`). */
  ADDITIONAL_OPTIONS: 0xc6,
  /** `C7`: alternative protocol classes a CR offers. */
  ALTERNATIVE_CLASSES: 0xc7,
  /** `E0`: additional clearing information of a DR (`80`: RFC 2126 non-disruptive). */
  ADDITIONAL_CLEARING_INFO: 0xe0,
  /** `F0`: preferred maximum TPDU size, in units of 128 octets. */
  PREFERRED_MAX_TPDU_SIZE: 0xf0,
  /** `85`: acknowledgement time (class 4). */
  ACK_TIME: 0x85,
  /** `86`: residual error rate (quality of service). */
  RESIDUAL_ERROR_RATE: 0x86,
  /** `87`: priority (quality of service). */
  PRIORITY: 0x87,
  /** `88`: transit delay (quality of service). */
  TRANSIT_DELAY: 0x88,
  /** `89`: throughput (quality of service). */
  THROUGHPUT: 0x89,
  /** `8A`: subsequence number (class 4 AK). */
  SUBSEQUENCE_NUMBER: 0x8a,
  /** `8B`: reassignment time (classes 1 and 3). */
  REASSIGNMENT_TIME: 0x8b,
  /** `8C`: flow control confirmation (class 4 AK). */
  FLOW_CONTROL_CONFIRMATION: 0x8c,
  /** `8F`: selective acknowledgement (class 4). */
  SELECTIVE_ACK: 0x8f,
  /** `F2`: inactivity timer (class 4). */
  INACTIVITY_TIMER: 0xf2,
} as const;

/**
 * Class-option octet (CR/CC octet 7) bits. Bit 1 set means **non-use** of explicit flow control,
 * as X.224 and Wireshark read it (ISODE and osi-net invert it; we follow X.224). ITOT class 2 is
 * therefore `0x21`: class 2 in the high nibble, normal formats, no explicit flow control.
 */
export const ClassOptionBits = {
  /** Bit 1: explicit flow control is **not** used (class 2). */
  NO_EXPLICIT_FLOW_CONTROL: 0x01,
  /** Bit 2: extended formats (31-bit sequence numbers); never used here. */
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
  /** 0x00: reason not specified. */
  NOT_SPECIFIED: 0x00,
  /** 0x01: congestion at the TSAP. */
  CONGESTION_AT_TSAP: 0x01,
  /** 0x02: session entity not attached to the TSAP. */
  SESSION_ENTITY_NOT_ATTACHED: 0x02,
  /** 0x03: address unknown. */
  ADDRESS_UNKNOWN: 0x03,
  /** 0x80: normal disconnect initiated by the session entity (what `WSASendDisconnect` sends). */
  NORMAL: 0x80,
  /** 0x81: remote transport entity congestion at connect time. */
  REMOTE_CONGESTION: 0x81,
  /** 0x82: connection negotiation failed. */
  NEGOTIATION_FAILED: 0x82,
  /** 0x83: duplicate source reference detected for the same pair of NSAPs. */
  DUPLICATE_SOURCE_REFERENCE: 0x83,
  /** 0x84: mismatched references. */
  MISMATCHED_REFERENCES: 0x84,
  /** 0x85: protocol error. */
  PROTOCOL_ERROR: 0x85,
  /** 0x87: reference overflow. */
  REFERENCE_OVERFLOW: 0x87,
  /** 0x88: connection request refused on this network connection. */
  CONNECTION_REFUSED: 0x88,
  /** 0x8A: header or parameter length invalid. */
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
  /** 0: reason not specified. */
  NOT_SPECIFIED: 0,
  /** 1: invalid parameter code. */
  INVALID_PARAMETER_CODE: 1,
  /** 2: invalid TPDU type. */
  INVALID_TPDU_TYPE: 2,
  /** 3: invalid parameter value. */
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
