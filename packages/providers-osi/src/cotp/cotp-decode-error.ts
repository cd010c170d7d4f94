import { RejectCause, type RejectCauseCode } from './tpdu-codes';

/** Why a TPKT or TPDU was rejected. Each code has one meaning; the message adds the details. */
export type CotpDecodeErrorCode =
  /** Fewer octets than a TPKT header, or than the length it announces. */
  | 'TPKT_TRUNCATED'
  /** TPKT version octet is not 3. */
  | 'BAD_TPKT_VERSION'
  /** TPKT length field below 7. */
  | 'TPKT_LENGTH_TOO_SMALL'
  /** The frame handed to the decoder is not exactly as long as its TPKT length field says. */
  | 'TPKT_LENGTH_MISMATCH'
  /** TPKT length above the negotiated maximum TPDU size + 4 (reported before its body is buffered). */
  | 'TPKT_TOO_LARGE'
  /** LI = 255, reserved by X.224 13.2.1. */
  | 'LI_RESERVED'
  /** LI points past the end of the TPDU (inconsistent with the TPKT length). */
  | 'LI_EXCEEDS_TPDU'
  /** LI shorter than the fixed part of this TPDU type, or not the fixed value the format needs. */
  | 'BAD_LI'
  /** TPDU code not defined by X.224. */
  | 'UNKNOWN_TPDU_CODE'
  /** A defined TPDU this stack does not run over TCP (AK, RJ, extended formats). */
  | 'UNSUPPORTED_TPDU'
  /** Low nibble of the code octet not 0 where it must be (credit in class 0, ROA, reserved bits). */
  | 'BAD_CODE_BITS'
  /** A reference field with a forbidden value (CR DST-REF ≠ 0). */
  | 'BAD_REFERENCE'
  /** Class-option octet names a class above 4. */
  | 'BAD_CLASS_OPTION'
  /** A parameter's code or length octet, or its value, runs past the end of the header. */
  | 'PARAMETER_OVERRUN'
  /** A parameter whose length is wrong for its code. */
  | 'BAD_PARAMETER_LENGTH'
  /** A parameter whose value is out of range. */
  | 'BAD_PARAMETER_VALUE'
  /** A parameter code not allowed in this TPDU type (only a CR may carry unknown parameters). */
  | 'UNKNOWN_PARAMETER'
  /** User data above the limit of this TPDU type (CR/CC 32, DR 64, ED 16). */
  | 'USER_DATA_TOO_LONG'
  /** User data in a TPDU that has none (DC, EA, ER), or an ED without any. */
  | 'BAD_USER_DATA_LENGTH'
  /** A sequence octet with forbidden bits (class-0 TPDU-NR ≠ 0, ED without EOT, bit 8 of EA's NR). */
  | 'BAD_SEQUENCE_OCTET'
  /** A `C3` checksum that does not verify. */
  | 'BAD_CHECKSUM';

/**
 * A TPKT or TPDU that failed strict decoding. `offset` is the octet that is wrong, counted from
 * the start of what was decoded (the TPKT's version octet for `decodeTpkt`, the LI octet for
 * `decodeTpdu` unless a base offset was given).
 */
export interface CotpDecodeError {
  /** What kind of error it is. */
  code: CotpDecodeErrorCode;
  /** The octet that is wrong, counted from the start of what was decoded. */
  offset: number;
  /** The details, ending with the offset. */
  message: string;
  /** The ER reject cause (X.224 13.12.3) that reports this error to the peer. */
  rejectCause: RejectCauseCode;
}

/** The result of a decode: never an exception. */
export type CotpDecodeResult<T> =
  | {
      /** Decoded. */
      ok: true;
      /** What was decoded. */
      value: T;
    }
  | {
      /** Refused. */
      ok: false;
      /** Why, and at which octet. */
      error: CotpDecodeError;
    };

const rejectCauseByCode: Readonly<Record<CotpDecodeErrorCode, RejectCauseCode>> = {
  TPKT_TRUNCATED: RejectCause.NOT_SPECIFIED,
  BAD_TPKT_VERSION: RejectCause.NOT_SPECIFIED,
  TPKT_LENGTH_TOO_SMALL: RejectCause.NOT_SPECIFIED,
  TPKT_LENGTH_MISMATCH: RejectCause.NOT_SPECIFIED,
  TPKT_TOO_LARGE: RejectCause.NOT_SPECIFIED,
  LI_RESERVED: RejectCause.INVALID_PARAMETER_VALUE,
  LI_EXCEEDS_TPDU: RejectCause.INVALID_PARAMETER_VALUE,
  BAD_LI: RejectCause.INVALID_PARAMETER_VALUE,
  UNKNOWN_TPDU_CODE: RejectCause.INVALID_TPDU_TYPE,
  UNSUPPORTED_TPDU: RejectCause.INVALID_TPDU_TYPE,
  BAD_CODE_BITS: RejectCause.INVALID_PARAMETER_VALUE,
  BAD_REFERENCE: RejectCause.INVALID_PARAMETER_VALUE,
  BAD_CLASS_OPTION: RejectCause.INVALID_PARAMETER_VALUE,
  PARAMETER_OVERRUN: RejectCause.INVALID_PARAMETER_VALUE,
  BAD_PARAMETER_LENGTH: RejectCause.INVALID_PARAMETER_VALUE,
  BAD_PARAMETER_VALUE: RejectCause.INVALID_PARAMETER_VALUE,
  UNKNOWN_PARAMETER: RejectCause.INVALID_PARAMETER_CODE,
  USER_DATA_TOO_LONG: RejectCause.NOT_SPECIFIED,
  BAD_USER_DATA_LENGTH: RejectCause.NOT_SPECIFIED,
  BAD_SEQUENCE_OCTET: RejectCause.INVALID_PARAMETER_VALUE,
  BAD_CHECKSUM: RejectCause.NOT_SPECIFIED,
};

/** Builds a `CotpDecodeError` with the ER reject cause that belongs to its code. */
export function cotpDecodeError(code: CotpDecodeErrorCode, offset: number, message: string): CotpDecodeError {
  return { code, offset, message: `${message} (at octet ${offset})`, rejectCause: rejectCauseByCode[code] };
}

/** Shorthand for a failed `CotpDecodeResult`. */
export function decodeFailure<T>(
  code: CotpDecodeErrorCode,
  offset: number,
  message: string,
): CotpDecodeResult<T> {
  return { ok: false, error: cotpDecodeError(code, offset, message) };
}
