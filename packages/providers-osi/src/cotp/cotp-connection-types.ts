/**
 * Options, events and indications of `CotpConnection`.
 * @module
 */

import type { CotpDecodeError, CotpDecodeErrorCode } from './cotp-decode-error';
import type { CotpClass } from './cotp-negotiation';
import type { CotpReferenceAllocator } from './cotp-reference-allocator';
import type { CotpTimers } from './cotp-timers';

/** Which end opened the transport connection (sent the CR). */
export type CotpRole = 'initiator' | 'responder';

/** The life of a connection. */
export type CotpState =
  /** Initiator before `connect()`. */
  | 'idle'
  /** Responder waiting for the CR. */
  | 'wait-cr'
  /** Initiator: CR sent, waiting for CC (the connect timer runs). */
  | 'wait-cc'
  /** Responder: CR received and indicated, waiting for `accept()` / `refuse()`. */
  | 'wait-user'
  | 'open'
  /** Class 2: DR sent, waiting for DC (the disconnect timer runs). */
  | 'closing'
  | 'closed';

/** What a connection runs with once open. */
export interface CotpConnectionInfo {
  /** The class the connection runs: 0 or 2. */
  protocolClass: CotpClass;
  /** Maximum TPDU size in octets, both directions (TPDU header included, TPKT header not). */
  maxTpduSize: number;
  /** Transport expedited data was negotiated (`C6` bit 1): `MSG_OOB` travels as ED. */
  expedited: boolean;
  /** Class 2 only: every ED waits for its EA. */
  expeditedAcknowledgement: boolean;
  /** False in class 0: its release is a TCP close with no DR, so no disconnect data (RFC 1006 §5). */
  disconnectDataSupported: boolean;
  /** This end's reference (SRC-REF of what it sends). */
  localReference: number;
  /** The peer's reference (0 if a class-0 peer sent none). */
  remoteReference: number;
  /** Calling TSAP selector from the CR (C1), if any. */
  callingTsap?: Uint8Array;
  /** Called TSAP selector from the CR (C2), if any. */
  calledTsap?: Uint8Array;
}

/** Initiator: the CC arrived and was acceptable (T-CONNECT.confirm). */
export interface CotpConnected extends CotpConnectionInfo {
  /** CC user data, ≤ 32 octets. */
  calleeData: Uint8Array;
}

/** Responder: a CR arrived (T-CONNECT.indication). Answer with `accept()` or `refuse()`. */
export interface CotpConnectIndication extends CotpConnectionInfo {
  /** CR user data, ≤ 32 octets. */
  callerData: Uint8Array;
}

/** The connection ended for a reason other than this end's `disconnect()` (T-DISCONNECT.indication). */
export interface CotpDisconnectIndication {
  /** `peer`: a DR or, in class 0, the peer's TCP close. `provider`: a TCP loss or a timeout. */
  initiatedBy: 'peer' | 'provider';
  /**
   * What ended it. `receive-timeout`: a TPKT that started arriving stopped half-way for longer
   * than `reassemblyTimeoutMs` (see `CotpConnectionOptions`).
   */
  kind: 'refused' | 'released' | 'transport-closed' | 'connect-timeout' | 'receive-timeout';
  /** The DR reason; undefined when no DR was received. */
  reason?: number;
  /** DR user data (≤ 64 octets); empty when none. */
  data: Uint8Array;
  /** The DR's `E0` additional clearing information, if any. */
  additionalInfo?: Uint8Array;
}

/** Codes of protocol errors found above the codec. */
export type CotpProtocolErrorCode =
  | CotpDecodeErrorCode
  /** A well-formed TPDU in a state where it is not allowed (DT before CC, DR in class-0 data phase …). */
  | 'UNEXPECTED_TPDU'
  /** A DST-REF that is not this connection's reference, or a class-2 CC with SRC-REF 0. */
  | 'MISMATCHED_REFERENCE'
  /** A CC that selects something the CR did not offer. */
  | 'NEGOTIATION_FAILED'
  /** An ED or EA that was not negotiated, or an EA acknowledging no outstanding ED. */
  | 'EXPEDITED_VIOLATION'
  /** The peer sent an ER: it found an error in what this end sent. */
  | 'PEER_REPORTED_ERROR'
  /** The TCP stream ended inside a TPKT. */
  | 'TRUNCATED_STREAM'
  /** A TSDU grew past `maxTsduSize` (a local resource limit, not a peer violation of X.224). */
  | 'TSDU_TOO_LARGE';

/** A protocol error; the connection has already reported it to the peer as X.224 prescribes and is closing. */
export interface CotpProtocolError {
  /** What went wrong. */
  code: CotpProtocolErrorCode;
  /** The details, for logs. */
  message: string;
  /** Stream offset (octets received before the faulty one), when the error is in received bytes. */
  streamOffset?: number;
  /** The codec's error, when decoding failed. */
  decodeError?: CotpDecodeError;
  /** For `PEER_REPORTED_ERROR`: the ER's reject cause and rejected header. */
  rejectCause?: number;
  /** For `PEER_REPORTED_ERROR`: the header the peer rejected, as its ER quoted it. */
  invalidTpdu?: Uint8Array;
  /** What was sent to the peer about it: an ER (class 0 / before class 2 is set up), a DR 0x85 (class 2), or nothing. */
  reported: 'ER' | 'DR' | 'nothing';
}

/** Why the connection closed. */
export type CotpCloseCause =
  /** This end's `disconnect()` completed (DC received, DR collision, or class-0 TCP close). */
  | 'released'
  /** This end's class-2 `disconnect()` got no DC in time. */
  | 'disconnect-timeout'
  /** The peer disconnected (DR answered with DC; class-0 TCP close). */
  | 'peer-released'
  /** This end refused the CR (`refuse()`, or automatically: unknown TSAP, no common class, no reference). */
  | 'refused'
  /** The peer refused this end's CR. */
  | 'refused-by-peer'
  /** No CC in time. */
  | 'connect-timeout'
  /** A TPKT that started arriving stopped half-way for longer than `reassemblyTimeoutMs`. */
  | 'receive-timeout'
  | 'protocol-error'
  /** The TCP connection ended or failed outside the release procedure. */
  | 'transport-closed'
  /** `abort()`. */
  | 'aborted';

/** The events of a connection. All optional; each runs synchronously inside the call that caused it. */
export interface CotpConnectionHandlers {
  /** Initiator: CC accepted. */
  onConnected(connected: CotpConnected): void;
  /** Responder: CR received; call `accept()` or `refuse()` (now or later). */
  onConnectIndication(indication: CotpConnectIndication): void;
  /** A whole TSDU (all DTs up to EOT). */
  onData(tsdu: Uint8Array): void;
  /** An ED's data (1…16 octets). */
  onExpedited(data: Uint8Array): void;
  /** The peer or the provider ended the connection (not this end's `disconnect()`). */
  onDisconnect(indication: CotpDisconnectIndication): void;
  /** A protocol error; the peer was told (ER or DR 0x85) and the connection is closing. */
  onProtocolError(error: CotpProtocolError): void;
  /** The send queue emptied after an EA (for back-pressure after `SEND_QUEUE_FULL`). */
  onSendQueueDrained(): void;
  /**
   * Final event, exactly once: every timer is cleared and the reference released. Release the
   * TCP connection now: end it gracefully (everything `send` was given goes out first), or reset
   * it for `aborted` if the caller wants an abortive close.
   */
  onClosed(closed: { cause: CotpCloseCause }): void;
}

/** How to build a `CotpConnection`. */
export interface CotpConnectionOptions {
  /** `initiator` (sends the CR: `connect()`) or `responder` (waits for one). */
  role: CotpRole;
  /** Writes bytes (whole TPKTs) to the TCP connection, in order. Must not throw. */
  send(bytes: Uint8Array): void;
  /** The events (any may be set later with `setHandlers`). */
  handlers?: Partial<CotpConnectionHandlers>;
  /** Default: Node's timers. */
  timers?: CotpTimers;
  /** The endpoint's reference allocator; default: a private one. */
  references?: CotpReferenceAllocator;
  /** Initiator: the class asked for. Default 2. */
  preferredClass?: CotpClass;
  /** Initiator, class 2: offer class 0 as the alternative (losing disconnect data if chosen). Default false. */
  allowClass0Fallback?: boolean;
  /** Responder: the classes it runs, in no particular order (the CR's order decides). Default [2, 0]. */
  acceptedClasses?: readonly CotpClass[];
  /** Largest TPDU this end accepts, 128…65531. Default 8192. */
  maxTpduSize?: number;
  /** Initiator: ask for expedited data; responder: grant it if asked. Default false. */
  expedited?: boolean;
  /** Class 2: ask for / grant EA acknowledgement of each ED (RFC 2126 §4.2.2). Default false. */
  expeditedAcknowledgement?: boolean;
  /** Largest TSDU reassembled on receipt; a longer one aborts the connection. Default 1 MiB. */
  maxTsduSize?: number;
  /** Largest number of octets held while an ED awaits its EA. Default 1 MiB. */
  maxSendQueueBytes?: number;
  /** Initiator: how long to wait for the CC. Default 30 s. */
  connectTimeoutMs?: number;
  /** Class 2: how long to wait for the DC after a DR. Default 10 s. */
  disconnectTimeoutMs?: number;
  /**
   * How long a TPKT whose first octets arrived may go without another octet. X.224 gives classes
   * 0 and 2 no inactivity timer (the `F2` inactivity timer is a class-4 parameter), and
   * RFC 2126 §6.1 leaves liveness to TCP keepalive, so a peer that stops in the middle of a TPDU
   * would hold the connection forever: this local timer bounds it. On expiry the connection closes with
   * `receive-timeout` (class 2 open: after a DR with reason 0x00, "not specified"; class 0: the TCP
   * close only). Detected between one and two periods after the last octet; not counted while the
   * owner holds input (`holdInput`). Default 30 s.
   */
  reassemblyTimeoutMs?: number;
  /** Class 2: mark this end's DR non-disruptive (`E0 01 80`, RFC 2126 §4.2.3). Default true. */
  nonDisruptiveDisconnect?: boolean;
  /**
   * Responder: whether a CR's called TSAP is served here. A CR for one that is not is refused with
   * reason 0x02 (session entity not attached to TSAP) before any indication. Default: all accepted.
   */
  acceptsCalledTsap?(calledTsap: Uint8Array | undefined): boolean;
}

/** Initiator: the T-CONNECT.request. */
export interface CotpConnectRequest {
  /** This end's TSAP selector (`C1` of the CR), if any. */
  callingTsap?: Uint8Array;
  /** The peer's TSAP selector (`C2` of the CR), if any. */
  calledTsap?: Uint8Array;
  /** CR user data, ≤ 32 octets. */
  data?: Uint8Array;
}
