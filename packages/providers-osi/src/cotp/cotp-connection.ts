import { CotpCommandError } from './cotp-command-error';
import type {
  CotpCloseCause,
  CotpConnectIndication,
  CotpConnectionHandlers,
  CotpConnectionInfo,
  CotpConnectionOptions,
  CotpConnectRequest,
  CotpDisconnectIndication,
  CotpProtocolError,
  CotpRole,
  CotpState,
} from './cotp-connection-types';
import type { CotpDecodeError } from './cotp-decode-error';
import {
  type CotpAgreement,
  type CotpClass,
  type CotpProposal,
  checkConnectConfirm,
  negotiateAsResponder,
  proposalParameters,
} from './cotp-negotiation';
import { CotpReferenceAllocator } from './cotp-reference-allocator';
import { type CotpTimerHandle, type CotpTimers, createRealTimers } from './cotp-timers';
import type {
  CcTpdu,
  ConnectionParameters,
  CrTpdu,
  DataFormat,
  DrTpdu,
  DtTpdu,
  EaTpdu,
  EdTpdu,
  ProtocolClass,
  Tpdu,
} from './tpdu';
import {
  DisconnectReason,
  isValidDisconnectReason,
  LI_RESERVED,
  MAX_CONNECT_DATA,
  MAX_DISCONNECT_DATA,
  MAX_EXPEDITED_DATA,
  MAX_TPDU_SIZE,
  MAX_TSAP_LENGTH,
  MIN_TPDU_SIZE,
  NORMAL_SEQUENCE_MODULUS,
  RejectCause,
  TPKT_HEADER_LENGTH,
  TpduCode,
} from './tpdu-codes';
import { decodeTpkt } from './tpdu-decoder';
import { encodeTpkt } from './tpdu-encoder';
import { TpktReassembler } from './tpkt-reassembler';

/**
 * Largest TPKT accepted before the TPDU size is agreed: a DR with a 254-octet header and 64 octets
 * of user data (CR/CC carry at most 32).
 */
const PRE_NEGOTIATION_FRAME_LIMIT = TPKT_HEADER_LENGTH + 1 + (LI_RESERVED - 1) + MAX_DISCONNECT_DATA;
const DEFAULT_MAX_TPDU_SIZE = 8192;
const DEFAULT_MAX_TSDU_SIZE = 1 << 20;
const DEFAULT_MAX_SEND_QUEUE_BYTES = 1 << 20;
const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
const DEFAULT_DISCONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_REASSEMBLY_TIMEOUT_MS = 30_000;
const EMPTY = new Uint8Array(0);
/** DT header octets: class 0 `LI F0 EOT`; class 2 normal `LI F0 DST-REF EOT|NR`. */
const DT_HEADER = { class0: 3, normal: 5 } as const;

interface ResolvedOptions {
  preferredClass: CotpClass;
  allowClass0Fallback: boolean;
  acceptedClasses: readonly CotpClass[];
  maxTpduSize: number;
  expedited: boolean;
  expeditedAcknowledgement: boolean;
  maxTsduSize: number;
  maxSendQueueBytes: number;
  connectTimeoutMs: number;
  disconnectTimeoutMs: number;
  reassemblyTimeoutMs: number;
  nonDisruptiveDisconnect: boolean;
  acceptsCalledTsap: ((calledTsap: Uint8Array | undefined) => boolean) | undefined;
}

/** How a protocol error is answered on the wire. */
interface FailOptions {
  /** The frame that carried the error, to quote its header in an ER. */
  frame?: Uint8Array;
  /** What an ER quotes when there is no whole frame (the TPKT framing broke). */
  quote?: Uint8Array;
  /** False when the TPKT framing itself broke: nothing more can be read, so no DC can be waited for. */
  framingIntact: boolean;
  /** `close-only`: send nothing (class-0 CC rejection, a truncated stream, a local limit in class 0). */
  response?: 'auto' | 'close-only';
  /** Answer with this DR (to `drDstRef`) instead of ER, even before the connection is open (a bad class-2 CC). */
  drDstRef?: number;
  drReason?: number;
  /** ER reject cause and faulty octet (TPDU offset) when the error is not a decode error. */
  rejectCause?: number;
  faultyOctet?: number;
}

/**
 * One ISO transport connection over TCP (RFC 1006 class 0, RFC 2126 class 2), with no socket:
 * bytes from TCP go in through `receive`, bytes for TCP come out through the `send` option, and
 * the transport service primitives are methods (requests) and handlers (indications).
 *
 * - Class 2 (`0x21`): explicit release with DR/DC and up to 64 octets of disconnect data, no
 *   explicit flow control, references on every DT. Class 0: release is the TCP close.
 * - Connect data ≤ 32 octets each way; TSDUs of any size, segmented into DTs of the negotiated
 *   TPDU size and reassembled (bounded by `maxTsduSize`); expedited data (ED, optionally EA) when
 *   negotiated.
 * - Timers: a CC that never comes, a DC that never comes, a TPKT that stops half-way. All cleared
 *   on close.
 * - Strict on input: a framing or TPDU error is answered as X.224 prescribes (ER in class 0 and
 *   before class 2 is set up, DR 0x85 in class 2), reported by `onProtocolError`, and closes.
 *
 * Commands throw `CotpCommandError` before sending anything when refused. Handlers run
 * synchronously inside the call that caused them; calling commands from a handler is allowed.
 */
export class CotpConnection {
  /** Which end sent the CR. */
  readonly role: CotpRole;
  private stateValue: CotpState;
  private readonly sendBytes: (bytes: Uint8Array) => void;
  private handlers: Partial<CotpConnectionHandlers>;
  private readonly timers: CotpTimers;
  private readonly references: CotpReferenceAllocator;
  private readonly config: ResolvedOptions;
  private readonly reassembler = new TpktReassembler(PRE_NEGOTIATION_FRAME_LIMIT);
  private processing = false;
  private deferredTransportEnd: 'end' | 'reset' | undefined;

  private localRef = 0;
  private remoteRef = 0;
  private agreement: CotpAgreement | undefined;
  private tsaps: { callingTsap?: Uint8Array; calledTsap?: Uint8Array } = {};
  private offer:
    | (CotpProposal & { offeredTpduSize: number; fallbackTpduSize: number; sentPreferredSize: boolean })
    | undefined;
  private pending: { cr: CrTpdu; agreement: CotpAgreement; ccParameters: ConnectionParameters } | undefined;

  private connectTimer: CotpTimerHandle | undefined;
  private disconnectTimer: CotpTimerHandle | undefined;
  /** Runs while a TPKT is partly received (see `reassemblyTimeoutMs`). */
  private reassemblyTimer: CotpTimerHandle | undefined;
  /** An octet arrived since the reassembly timer was (re)armed. */
  private receivedSinceArmed = false;
  /** The owner stopped reading TCP (`holdInput`): a stalled TPKT is ours, not the peer's. */
  private inputHeld = false;
  private closingBecause: 'user' | 'error' = 'user';

  private tsduParts: Uint8Array[] = [];
  private tsduLength = 0;
  private sendNr = 0;
  private edNr = 0;
  private outstandingEd: number | undefined;
  private queue: Array<{ bytes: Uint8Array; edNr?: number }> = [];
  private queuedBytes = 0;

  constructor(options: CotpConnectionOptions) {
    this.role = options.role;
    this.stateValue = options.role === 'initiator' ? 'idle' : 'wait-cr';
    this.sendBytes = options.send;
    this.handlers = { ...options.handlers };
    this.timers = options.timers ?? createRealTimers();
    this.references = options.references ?? new CotpReferenceAllocator();
    const maxTpduSize = options.maxTpduSize ?? DEFAULT_MAX_TPDU_SIZE;
    if (!Number.isInteger(maxTpduSize) || maxTpduSize < MIN_TPDU_SIZE || maxTpduSize > MAX_TPDU_SIZE) {
      throw new RangeError(`maxTpduSize ${maxTpduSize} is outside ${MIN_TPDU_SIZE}…${MAX_TPDU_SIZE}`);
    }
    const acceptedClasses = options.acceptedClasses ?? [2, 0];
    if (acceptedClasses.length === 0) throw new RangeError('acceptedClasses is empty');
    this.config = {
      preferredClass: options.preferredClass ?? 2,
      allowClass0Fallback: options.allowClass0Fallback ?? false,
      acceptedClasses,
      maxTpduSize,
      expedited: options.expedited ?? false,
      expeditedAcknowledgement: options.expeditedAcknowledgement ?? false,
      maxTsduSize: options.maxTsduSize ?? DEFAULT_MAX_TSDU_SIZE,
      maxSendQueueBytes: options.maxSendQueueBytes ?? DEFAULT_MAX_SEND_QUEUE_BYTES,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      disconnectTimeoutMs: options.disconnectTimeoutMs ?? DEFAULT_DISCONNECT_TIMEOUT_MS,
      reassemblyTimeoutMs: options.reassemblyTimeoutMs ?? DEFAULT_REASSEMBLY_TIMEOUT_MS,
      nonDisruptiveDisconnect: options.nonDisruptiveDisconnect ?? true,
      acceptsCalledTsap: options.acceptsCalledTsap,
    };
  }

  /** Where the connection is in its life. */
  get state(): CotpState {
    return this.stateValue;
  }

  /** True once `onClosed` has run. A method, not a narrowed field read: handlers may close the connection mid-loop. */
  isClosed(): boolean {
    return this.stateValue === 'closed';
  }

  /** What was agreed, once the CC was sent or received; undefined before. */
  get info(): CotpConnectionInfo | undefined {
    if (!this.agreement) return undefined;
    return this.describe(this.agreement);
  }

  /**
   * Responder, while a connect indication waits for `accept` / `refuse`: the class the CR prefers
   * (which may be one the negotiation moved away from).
   * It decides which DR reasons `refuse` may use (0–3 only for a class-0 CR), before `info` exists.
   */
  get requestedClass(): ProtocolClass | undefined {
    return this.pending?.cr.classOption.protocolClass;
  }

  /** This end's reference while it holds one (0 otherwise). */
  get localReference(): number {
    return this.localRef;
  }

  /** Replaces the event handlers (e.g. once the owning socket exists). */
  setHandlers(handlers: Partial<CotpConnectionHandlers>): void {
    this.handlers = { ...handlers };
  }

  // ---------------------------------------------------------------- requests

  /**
   * Initiator: T-CONNECT.request. Sends the CR (class 2 `0x21` or class 0, TSAPs, TPDU size, options,
   * connect data) and starts the connect timer. Models the CR half of `WSAConnect` with caller data.
   * @throws CotpCommandError INVALID_STATE, TSAP_TOO_LONG, CONNECT_DATA_TOO_LONG
   */
  connect(request: CotpConnectRequest = {}): void {
    this.guarded(() => {
      if (this.role !== 'initiator' || this.stateValue !== 'idle') {
        throw new CotpCommandError(
          'INVALID_STATE',
          `connect() in state ${this.stateValue} of a ${this.role}`,
        );
      }
      checkTsap('calling', request.callingTsap);
      checkTsap('called', request.calledTsap);
      const data = request.data ?? EMPTY;
      if (data.length > MAX_CONNECT_DATA) {
        throw new CotpCommandError(
          'CONNECT_DATA_TOO_LONG',
          `connect data is ${data.length} octets, at most 32`,
        );
      }
      const reference = this.references.allocate();
      if (reference === undefined) {
        throw new CotpCommandError(
          'INVALID_STATE',
          'all 65535 transport references of this endpoint are in use',
        );
      }
      const c = this.config;
      const proposal: CotpProposal = {
        preferredClass: c.preferredClass,
        allowClass0Fallback: c.allowClass0Fallback,
        maxTpduSize: c.maxTpduSize,
        expedited: c.expedited,
        expeditedAcknowledgement: c.expeditedAcknowledgement,
      };
      const offered = proposalParameters(proposal);
      this.offer = {
        ...proposal,
        offeredTpduSize: offered.offeredTpduSize,
        fallbackTpduSize: offered.fallbackTpduSize,
        sentPreferredSize: offered.parameters.preferredMaxTpduUnits !== undefined,
      };
      this.localRef = reference;
      this.tsaps = { callingTsap: request.callingTsap, calledTsap: request.calledTsap };
      const parameters: ConnectionParameters = {
        ...(request.callingTsap ? { callingTsap: request.callingTsap } : {}),
        ...(request.calledTsap ? { calledTsap: request.calledTsap } : {}),
        ...offered.parameters,
        ...(offered.alternativeClasses.length > 0 ? { alternativeClasses: offered.alternativeClasses } : {}),
      };
      const cr: CrTpdu = {
        type: 'CR',
        dstRef: 0,
        srcRef: reference,
        classOption: classOptionOf(c.preferredClass),
        parameters,
        userData: data,
      };
      // State first: the CC may come back synchronously through a back-to-back `send`.
      this.stateValue = 'wait-cc';
      this.connectTimer = this.timers.setTimeout(
        () => this.guarded(() => this.onConnectTimeout()),
        c.connectTimeoutMs,
      );
      this.sendTpdu(cr);
    });
  }

  /**
   * Responder: T-CONNECT.response. Sends the CC with the negotiated class, size and options and
   * `calleeData` (≤ 32 octets); the connection is open on return. The accept half of `WSAAccept`.
   * @throws CotpCommandError INVALID_STATE, CONNECT_DATA_TOO_LONG
   */
  accept(calleeData: Uint8Array = EMPTY): CotpConnectionInfo {
    return this.guarded(() => {
      const pending = this.pending;
      if (this.stateValue !== 'wait-user' || !pending) {
        throw new CotpCommandError('INVALID_STATE', `accept() in state ${this.stateValue}`);
      }
      if (calleeData.length > MAX_CONNECT_DATA) {
        throw new CotpCommandError(
          'CONNECT_DATA_TOO_LONG',
          `connect data is ${calleeData.length} octets, at most 32`,
        );
      }
      const cc: CcTpdu = {
        type: 'CC',
        dstRef: this.remoteRef,
        srcRef: this.localRef,
        classOption: classOptionOf(pending.agreement.protocolClass),
        parameters: pending.ccParameters,
        userData: calleeData,
      };
      this.pending = undefined;
      this.open(pending.agreement);
      this.sendTpdu(cc);
      return this.describe(pending.agreement);
    });
  }

  /**
   * Responder: T-DISCONNECT.request in answer to a connect indication — the DR that refuses the CR
   * (SRC-REF 0). A class-0 CR can only be refused with reasons 0–3 and no data. Models a `WSAAccept`
   * condition function returning `CF_REJECT`.
   * @throws CotpCommandError INVALID_STATE, INVALID_REASON, CLASS0_NO_DISCONNECT_DATA, DISCONNECT_DATA_TOO_LONG
   */
  refuse(reason: number, data: Uint8Array = EMPTY): void {
    this.guarded(() => {
      const pending = this.pending;
      if (this.stateValue !== 'wait-user' || !pending) {
        throw new CotpCommandError('INVALID_STATE', `refuse() in state ${this.stateValue}`);
      }
      const class0Cr = pending.cr.classOption.protocolClass === 0;
      if (!isValidDisconnectReason(reason) || (class0Cr && reason > DisconnectReason.ADDRESS_UNKNOWN)) {
        throw new CotpCommandError(
          'INVALID_REASON',
          `DR reason 0x${reason.toString(16)} is not valid${class0Cr ? ' for a class-0 CR (0–3)' : ''}`,
        );
      }
      if (class0Cr && data.length > 0) {
        throw new CotpCommandError('CLASS0_NO_DISCONNECT_DATA', 'a class-0 CR is refused without user data');
      }
      if (data.length > MAX_DISCONNECT_DATA) {
        throw new CotpCommandError(
          'DISCONNECT_DATA_TOO_LONG',
          `disconnect data is ${data.length} octets, at most 64`,
        );
      }
      this.pending = undefined;
      this.sendTpdu({ type: 'DR', dstRef: this.remoteRef, srcRef: 0, reason, userData: data });
      this.finish('refused');
    });
  }

  /**
   * T-DATA.request: sends one TSDU as DTs of the negotiated size, the last with EOT. Models `send`
   * / `WSASend` on a message-oriented socket.
   * @throws CotpCommandError NOT_CONNECTED, SHUT_DOWN, SEND_QUEUE_FULL
   */
  sendData(tsdu: Uint8Array): void {
    this.guarded(() => {
      const agreement = this.requireSendable();
      const format: DataFormat = agreement.protocolClass === 0 ? 'class0' : 'normal';
      const perDt = agreement.maxTpduSize - DT_HEADER[format];
      const segments = Math.max(1, Math.ceil(tsdu.length / perDt));
      this.checkQueueRoom(tsdu.length + segments * (DT_HEADER[format] + TPKT_HEADER_LENGTH));
      for (let i = 0; i < segments; i++) {
        const dt: DtTpdu = {
          type: 'DT',
          format,
          dstRef: format === 'normal' ? this.remoteRef : 0,
          nr: format === 'normal' ? this.nextSendNr() : 0,
          eot: i === segments - 1,
          userData: tsdu.subarray(i * perDt, Math.min(tsdu.length, (i + 1) * perDt)),
        };
        this.transmit(encodeTpkt(dt));
      }
    });
  }

  /**
   * T-EXPEDITED-DATA.request: 1…16 octets in one ED (the RFC 1006 form in class 0). With EA
   * negotiated, nothing more is sent until the peer's EA (RFC 2126 §4.2.2). Models `send(MSG_OOB)`.
   * @throws CotpCommandError NOT_CONNECTED, SHUT_DOWN, EXPEDITED_NOT_NEGOTIATED, EXPEDITED_DATA_SIZE, SEND_QUEUE_FULL
   */
  sendExpedited(data: Uint8Array): void {
    this.guarded(() => {
      const agreement = this.requireSendable();
      if (!agreement.expedited) {
        throw new CotpCommandError(
          'EXPEDITED_NOT_NEGOTIATED',
          'expedited data was not negotiated on this connection',
        );
      }
      if (data.length < 1 || data.length > MAX_EXPEDITED_DATA) {
        throw new CotpCommandError(
          'EXPEDITED_DATA_SIZE',
          `expedited data is ${data.length} octets, must be 1…16`,
        );
      }
      this.checkQueueRoom(data.length + 9);
      const class0 = agreement.protocolClass === 0;
      const nr = class0 ? 0 : this.edNr;
      if (!class0) this.edNr = (this.edNr + 1) % NORMAL_SEQUENCE_MODULUS;
      const ed: EdTpdu = {
        type: 'ED',
        format: class0 ? 'class0' : 'normal',
        dstRef: class0 ? 0 : this.remoteRef,
        nr,
        userData: data,
      };
      this.transmit(encodeTpkt(ed), agreement.expeditedAcknowledgement ? nr : undefined);
    });
  }

  /**
   * T-DISCONNECT.request. Class 2: a DR (`reason`, non-disruptive marker, `data` ≤ 64 octets) sent
   * after everything already queued, then waits for the DC (bounded by the disconnect timer).
   * Class 0: no DR exists for this; the connection closes and the owner ends TCP (FIN after pending
   * data). Models `WSASendDisconnect` with disconnect data. Before the connection is open it
   * refuses the CR (responder) or abandons the attempt without data (initiator).
   * @throws CotpCommandError NOT_CONNECTED, SHUT_DOWN, CLASS0_NO_DISCONNECT_DATA, DISCONNECT_DATA_TOO_LONG, INVALID_REASON
   */
  disconnect(reason: number = DisconnectReason.NORMAL, data: Uint8Array = EMPTY): void {
    this.guarded(() => {
      switch (this.stateValue) {
        case 'wait-user':
          this.refuse(reason, data);
          return;
        case 'wait-cc':
          // No reference of the peer yet, so no DR can be addressed: the attempt is abandoned by
          // closing TCP, which cannot carry data — refused rather than silently dropped.
          if (data.length > 0) {
            throw new CotpCommandError(
              'NOT_CONNECTED',
              'disconnect data before the CC: no DR can carry it yet',
            );
          }
          this.finish('aborted');
          return;
        case 'open':
          break;
        case 'closing':
          throw new CotpCommandError('SHUT_DOWN', 'disconnect already in progress');
        default:
          throw new CotpCommandError('NOT_CONNECTED', `disconnect() in state ${this.stateValue}`);
      }
      const agreement = this.agreement!;
      if (agreement.protocolClass === 0) {
        if (data.length > 0) {
          throw new CotpCommandError(
            'CLASS0_NO_DISCONNECT_DATA',
            'class 0 releases by closing TCP and has no DR to carry disconnect data (RFC 1006 §5)',
          );
        }
        this.finish('released');
        return;
      }
      if (data.length > MAX_DISCONNECT_DATA) {
        throw new CotpCommandError(
          'DISCONNECT_DATA_TOO_LONG',
          `disconnect data is ${data.length} octets, at most 64`,
        );
      }
      if (!isValidDisconnectReason(reason)) {
        throw new CotpCommandError(
          'INVALID_REASON',
          `DR reason 0x${reason.toString(16)} is not in the X.224 table`,
        );
      }
      const dr: DrTpdu = {
        type: 'DR',
        dstRef: this.remoteRef,
        srcRef: this.localRef,
        reason,
        ...(this.config.nonDisruptiveDisconnect ? { additionalInfo: Uint8Array.of(0x80) } : {}),
        userData: data,
      };
      this.enterClosing('user');
      this.transmit(encodeTpkt(dr));
    });
  }

  /** Closes now without sending anything (the owner resets or ends TCP). Models an abortive `closesocket`. Idempotent. */
  abort(): void {
    if (this.stateValue !== 'closed') this.finish('aborted');
  }

  // ---------------------------------------------------------------- transport input

  /** Feeds bytes received from TCP, split and coalesced in any way. Ignored once closed. */
  receive(chunk: Uint8Array): void {
    if (this.stateValue === 'closed') return;
    this.reassembler.push(chunk);
    this.receivedSinceArmed = true;
    // Bytes that arrive while a handler or command runs (a peer answering synchronously) wait for it to finish.
    if (this.processing) return;
    this.drainInput();
  }

  /**
   * The owner stops (`true`) or resumes (`false`) reading TCP — receive flow control. While input
   * is held, a partly received TPKT waits for the owner, not for the peer, so the reassembly
   * timer does not expire.
   */
  holdInput(held: boolean): void {
    this.inputHeld = held;
  }

  /** The peer ended its side of TCP (FIN). Class 0: the peer's T-DISCONNECT. Class 2: a transport loss. */
  transportEnded(): void {
    this.transportGone(false);
  }

  /** TCP was reset or failed. */
  transportReset(): void {
    this.transportGone(true);
  }

  /**
   * Runs a command with input deferred, so that a peer wired back to back (whose answer arrives
   * inside our `send`) never sees this connection half-way through a transition.
   */
  private guarded<T>(command: () => T): T {
    if (this.processing) return command();
    this.processing = true;
    let result: T;
    try {
      result = command();
    } finally {
      this.processing = false;
    }
    this.drainInput();
    return result;
  }

  /** Handles every whole frame buffered, then a deferred TCP end. */
  private drainInput(): void {
    this.processing = true;
    try {
      while (!this.isClosed()) {
        const next = this.reassembler.next();
        if (next.kind === 'need-more') break;
        if (next.kind === 'error') {
          this.fail(
            {
              code: next.error.code,
              message: next.error.message,
              streamOffset: next.streamOffset,
              decodeError: next.error,
            },
            {
              framingIntact: false,
              rejectCause: next.error.rejectCause,
              quote: framingQuote(next.head, next.error.offset),
            },
          );
          break;
        }
        this.handleFrame(next.frame, next.streamOffset);
      }
    } finally {
      this.processing = false;
    }
    this.watchPartialTpkt();
    const end = this.deferredTransportEnd;
    if (end !== undefined) {
      this.deferredTransportEnd = undefined;
      this.transportGone(end === 'reset');
    }
  }

  // ---------------------------------------------------------------- frame handling

  private handleFrame(frame: Uint8Array, streamOffset: number): void {
    const decoded = decodeTpkt(frame, { dataFormat: this.dataFormat() });
    if (!decoded.ok) {
      const error: CotpDecodeError = decoded.error;
      if (this.stateValue === 'closing') {
        this.report(
          {
            code: error.code,
            message: error.message,
            streamOffset: streamOffset + error.offset,
            decodeError: error,
          },
          'nothing',
        );
        this.finish('protocol-error');
        return;
      }
      // A CC the initiator cannot decode is still answered to its SRC-REF, when it got that far.
      if (this.stateValue === 'wait-cc') this.remoteRef = ccSourceReference(frame) ?? this.remoteRef;
      this.fail(
        {
          code: error.code,
          message: error.message,
          streamOffset: streamOffset + error.offset,
          decodeError: error,
        },
        {
          frame,
          framingIntact: true,
          rejectCause: error.rejectCause,
          faultyOctet: error.offset - TPKT_HEADER_LENGTH,
        },
      );
      return;
    }
    const tpdu = decoded.value;
    switch (this.stateValue) {
      case 'wait-cr':
        this.inWaitCr(tpdu, frame, streamOffset);
        return;
      case 'wait-cc':
        this.inWaitCc(tpdu, frame, streamOffset);
        return;
      case 'wait-user':
        this.inWaitUser(tpdu, frame, streamOffset);
        return;
      case 'open':
        this.inOpen(tpdu, frame, streamOffset);
        return;
      case 'closing':
        this.inClosing(tpdu);
        return;
      default:
        return;
    }
  }

  private inWaitCr(tpdu: Tpdu, frame: Uint8Array, streamOffset: number): void {
    if (tpdu.type === 'DC') return; // X.224: a DC for no connection is ignored.
    if (tpdu.type === 'DR') {
      // A DR for no connection is confirmed with SRC-REF 0 (X.224 class 2; osi-net, OpenSS7 action 22).
      if (tpdu.srcRef !== 0) this.sendTpdu({ type: 'DC', dstRef: tpdu.srcRef, srcRef: 0 });
      return;
    }
    if (tpdu.type !== 'CR') {
      this.unexpected(tpdu, frame, streamOffset);
      return;
    }
    const cr = tpdu;
    this.remoteRef = cr.srcRef;
    this.tsaps = { callingTsap: cr.parameters.callingTsap, calledTsap: cr.parameters.calledTsap };
    if (tsapTooLong(cr.parameters.callingTsap) || tsapTooLong(cr.parameters.calledTsap)) {
      // No user of this stack can be named by a TSAP over 32 octets (SOCKADDR_TP's tp_tsel_len), so
      // the CR is refused before any indication. Class 0 allows only reasons 0-3: "address
      // unknown"; a class-2 CR gets 0x8A, "header or parameter length invalid" (X.224's DR reasons).
      this.autoRefuse(
        cr.classOption.protocolClass === 0
          ? DisconnectReason.ADDRESS_UNKNOWN
          : DisconnectReason.HEADER_OR_PARAMETER_LENGTH_INVALID,
      );
      return;
    }
    const accepts = this.config.acceptsCalledTsap;
    if (accepts && !accepts(cr.parameters.calledTsap)) {
      this.autoRefuse(DisconnectReason.SESSION_ENTITY_NOT_ATTACHED);
      return;
    }
    const negotiation = negotiateAsResponder(cr, {
      acceptedClasses: this.config.acceptedClasses,
      maxTpduSize: this.config.maxTpduSize,
      expedited: this.config.expedited,
      expeditedAcknowledgement: this.config.expeditedAcknowledgement,
    });
    if (!negotiation.ok) {
      this.autoRefuse(negotiation.reason);
      return;
    }
    const class0Cr = cr.classOption.protocolClass === 0;
    if (negotiation.agreement.protocolClass === 2 && cr.srcRef === 0) {
      this.autoRefuse(DisconnectReason.MISMATCHED_REFERENCES);
      return;
    }
    const reference = this.references.allocate();
    if (reference === undefined) {
      this.autoRefuse(class0Cr ? DisconnectReason.CONGESTION_AT_TSAP : DisconnectReason.REFERENCE_OVERFLOW);
      return;
    }
    this.localRef = reference;
    this.pending = { cr, agreement: negotiation.agreement, ccParameters: negotiation.ccParameters };
    this.stateValue = 'wait-user';
    const indication: CotpConnectIndication = {
      ...this.describe(negotiation.agreement),
      callerData: cr.userData,
    };
    this.handlers.onConnectIndication?.(indication);
  }

  private inWaitCc(tpdu: Tpdu, frame: Uint8Array, streamOffset: number): void {
    const offer = this.offer!;
    switch (tpdu.type) {
      case 'CC': {
        this.remoteRef = tpdu.srcRef;
        if (tpdu.dstRef !== this.localRef) {
          this.fail(
            {
              code: 'MISMATCHED_REFERENCE',
              message: `CC DST-REF 0x${tpdu.dstRef.toString(16)} is not this CR's SRC-REF 0x${this.localRef.toString(16)}`,
              streamOffset: streamOffset + 6,
            },
            { frame, framingIntact: true, rejectCause: RejectCause.INVALID_PARAMETER_VALUE, faultyOctet: 3 },
          );
          return;
        }
        const check = checkConnectConfirm(tpdu, offer, offer);
        const selected = tpdu.classOption.protocolClass;
        if (!check.ok) {
          // ISO 8073: a class-2 CC is answered with DR; a class-0 CC by closing the network connection (RFC 2126 §7).
          this.fail(
            { code: 'NEGOTIATION_FAILED', message: check.message, streamOffset },
            selected === 2 && tpdu.srcRef !== 0
              ? { framingIntact: true, drDstRef: tpdu.srcRef, drReason: DisconnectReason.NEGOTIATION_FAILED }
              : { framingIntact: true, response: 'close-only' },
          );
          return;
        }
        if (check.agreement.protocolClass === 2 && tpdu.srcRef === 0) {
          this.fail(
            {
              code: 'MISMATCHED_REFERENCE',
              message: 'class-2 CC with SRC-REF 0',
              streamOffset: streamOffset + 8,
            },
            { framingIntact: true, response: 'close-only' },
          );
          return;
        }
        this.clearConnectTimer();
        this.open(check.agreement);
        this.handlers.onConnected?.({ ...this.describe(check.agreement), calleeData: tpdu.userData });
        return;
      }
      case 'DR':
        this.clearConnectTimer();
        // Confirm a class-2 refusal that names a reference: X.224's class-4 table sends a DC when the
        // DR's SRC-REF is not 0; for class 2 that is the conservative choice.
        if (offer.preferredClass === 2 && tpdu.srcRef !== 0) {
          this.sendTpdu({ type: 'DC', dstRef: tpdu.srcRef, srcRef: this.localRef });
        }
        this.indicateDisconnect({ initiatedBy: 'peer', kind: 'refused', ...drFields(tpdu) });
        this.finish('refused-by-peer');
        return;
      case 'ER':
        this.report(peerError(tpdu, streamOffset), 'nothing');
        this.finish('protocol-error');
        return;
      default:
        this.unexpected(tpdu, frame, streamOffset);
        return;
    }
  }

  private inWaitUser(tpdu: Tpdu, frame: Uint8Array, streamOffset: number): void {
    if (tpdu.type === 'DR') {
      // The initiator withdrew before the user answered (osi-net A6): DC with SRC-REF 0, as no CC told it ours.
      this.pending = undefined;
      if (tpdu.srcRef !== 0) this.sendTpdu({ type: 'DC', dstRef: tpdu.srcRef, srcRef: 0 });
      this.indicateDisconnect({ initiatedBy: 'peer', kind: 'released', ...drFields(tpdu) });
      this.finish('peer-released');
      return;
    }
    if (tpdu.type === 'ER') {
      this.report(peerError(tpdu, streamOffset), 'nothing');
      this.finish('protocol-error');
      return;
    }
    this.unexpected(tpdu, frame, streamOffset);
  }

  private inOpen(tpdu: Tpdu, frame: Uint8Array, streamOffset: number): void {
    const agreement = this.agreement!;
    const class2 = agreement.protocolClass === 2;
    if (class2 && 'dstRef' in tpdu && tpdu.type !== 'CR' && tpdu.dstRef !== this.localRef) {
      this.fail(
        {
          code: 'MISMATCHED_REFERENCE',
          message: `${tpdu.type} DST-REF 0x${tpdu.dstRef.toString(16)} is not this connection's 0x${this.localRef.toString(16)}`,
          streamOffset: streamOffset + 6,
        },
        { frame, framingIntact: true, rejectCause: RejectCause.INVALID_PARAMETER_VALUE, faultyOctet: 3 },
      );
      return;
    }
    switch (tpdu.type) {
      case 'DT':
        this.receiveDt(tpdu, streamOffset);
        return;
      case 'ED':
        this.receiveEd(tpdu, frame, streamOffset);
        return;
      case 'EA':
        this.receiveEa(tpdu, frame, streamOffset);
        return;
      case 'DR':
        if (!class2) break; // Class 0 has no DR in the data phase: protocol error (osi-net P5).
        this.sendTpdu({ type: 'DC', dstRef: tpdu.srcRef, srcRef: this.localRef });
        this.indicateDisconnect({ initiatedBy: 'peer', kind: 'released', ...drFields(tpdu) });
        this.finish('peer-released');
        return;
      case 'ER':
        if (class2) {
          // X.224 class 2: an ER is answered by releasing with DR.
          this.fail(peerError(tpdu, streamOffset), { framingIntact: true });
          return;
        }
        this.report(peerError(tpdu, streamOffset), 'nothing');
        this.finish('protocol-error');
        return;
      default:
        break;
    }
    this.unexpected(tpdu, frame, streamOffset);
  }

  private inClosing(tpdu: Tpdu): void {
    const cause: CotpCloseCause = this.closingBecause === 'user' ? 'released' : 'protocol-error';
    switch (tpdu.type) {
      case 'DC':
      case 'DR': // A DR collision: closed, no DC, no indication (osi-net CLOSING/DR).
      case 'ER':
        this.finish(cause);
        return;
      case 'EA':
        // The DR may be queued behind an ED awaiting this EA.
        if (this.outstandingEd !== undefined && tpdu.nr === this.outstandingEd) {
          this.outstandingEd = undefined;
          this.flushQueue();
        }
        return;
      case 'DT':
        // Data the peer sent before it saw our DR: delivered, not dropped (a local choice; X.224 would discard).
        if (this.closingBecause === 'user' && tpdu.dstRef === this.localRef) this.receiveDt(tpdu, undefined);
        return;
      case 'ED':
        if (this.closingBecause === 'user' && tpdu.dstRef === this.localRef && this.agreement?.expedited) {
          this.handlers.onExpedited?.(tpdu.userData);
        }
        return;
      default:
        return;
    }
  }

  private receiveDt(dt: DtTpdu, streamOffset: number | undefined): void {
    this.tsduLength += dt.userData.length;
    if (this.tsduLength > this.config.maxTsduSize) {
      const message = `TSDU exceeds the ${this.config.maxTsduSize}-octet reassembly limit`;
      if (this.stateValue === 'closing') {
        this.report({ code: 'TSDU_TOO_LARGE', message }, 'nothing');
        this.finish('protocol-error');
        return;
      }
      this.fail(
        { code: 'TSDU_TOO_LARGE', message, ...(streamOffset !== undefined ? { streamOffset } : {}) },
        this.agreement?.protocolClass === 2
          ? { framingIntact: true, drReason: DisconnectReason.NOT_SPECIFIED }
          : { framingIntact: true, response: 'close-only' },
      );
      return;
    }
    this.tsduParts.push(dt.userData);
    if (!dt.eot) return;
    const parts = this.tsduParts;
    const tsdu = parts.length === 1 ? parts[0]! : concat(parts, this.tsduLength);
    this.tsduParts = [];
    this.tsduLength = 0;
    this.handlers.onData?.(tsdu);
  }

  private receiveEd(ed: EdTpdu, frame: Uint8Array, streamOffset: number): void {
    const agreement = this.agreement!;
    if (!agreement.expedited) {
      this.fail(
        {
          code: 'EXPEDITED_VIOLATION',
          message: 'ED received but expedited data was not negotiated',
          streamOffset,
        },
        { frame, framingIntact: true, rejectCause: RejectCause.INVALID_TPDU_TYPE, faultyOctet: 1 },
      );
      return;
    }
    if (agreement.expeditedAcknowledgement) this.sendTpdu({ type: 'EA', dstRef: this.remoteRef, nr: ed.nr });
    this.handlers.onExpedited?.(ed.userData);
  }

  private receiveEa(ea: EaTpdu, frame: Uint8Array, streamOffset: number): void {
    if (
      !this.agreement!.expeditedAcknowledgement ||
      this.outstandingEd === undefined ||
      ea.nr !== this.outstandingEd
    ) {
      this.fail(
        {
          code: 'EXPEDITED_VIOLATION',
          message: `EA ${ea.nr} acknowledges no outstanding ED (outstanding: ${this.outstandingEd ?? 'none'})`,
          streamOffset,
        },
        { frame, framingIntact: true, rejectCause: RejectCause.INVALID_TPDU_TYPE, faultyOctet: 1 },
      );
      return;
    }
    this.outstandingEd = undefined;
    const hadQueue = this.queue.length > 0;
    this.flushQueue();
    if (hadQueue && this.queue.length === 0 && this.stateValue === 'open')
      this.handlers.onSendQueueDrained?.();
  }

  private unexpected(tpdu: Tpdu, frame: Uint8Array, streamOffset: number): void {
    this.fail(
      {
        code: 'UNEXPECTED_TPDU',
        message: `${tpdu.type} is not allowed in state ${this.stateValue}${this.agreement ? ` (class ${this.agreement.protocolClass})` : ''}`,
        streamOffset: streamOffset + TPKT_HEADER_LENGTH + 1,
      },
      { frame, framingIntact: true, rejectCause: RejectCause.INVALID_TPDU_TYPE, faultyOctet: 1 },
    );
  }

  // ---------------------------------------------------------------- errors, timers, close

  /**
   * Reports a protocol error to the peer and the user, then closes (or, in class 2 with intact
   * framing, waits for the DC of the DR it sent).
   */
  private fail(error: Omit<CotpProtocolError, 'reported'>, options: FailOptions): void {
    if (this.stateValue === 'closed') return;
    if (this.stateValue === 'closing') {
      this.report(error, 'nothing');
      this.finish('protocol-error');
      return;
    }
    const drDstRef =
      options.drDstRef ??
      (this.stateValue === 'open' && this.agreement?.protocolClass === 2 ? this.remoteRef : undefined);
    if (options.response === 'close-only') {
      this.report(error, 'nothing');
      this.finish('protocol-error');
      return;
    }
    if (drDstRef !== undefined) {
      // Disruptive: whatever waits behind an unacknowledged ED is dropped.
      this.queue = [];
      this.queuedBytes = 0;
      this.outstandingEd = undefined;
      this.sendTpdu({
        type: 'DR',
        dstRef: drDstRef,
        srcRef: this.localRef,
        reason: options.drReason ?? DisconnectReason.PROTOCOL_ERROR,
        userData: EMPTY,
      });
      this.remoteRef = drDstRef;
      if (options.framingIntact) {
        this.clearConnectTimer();
        this.enterClosing('error');
        this.report(error, 'DR');
      } else {
        this.report(error, 'DR');
        this.finish('protocol-error');
      }
      return;
    }
    this.sendTpdu({
      type: 'ER',
      dstRef: this.remoteRef,
      rejectCause: options.rejectCause ?? RejectCause.NOT_SPECIFIED,
      ...(options.quote ? { invalidTpdu: options.quote } : erQuote(options.frame, options.faultyOctet)),
    });
    this.report(error, 'ER');
    this.finish('protocol-error');
  }

  private report(error: Omit<CotpProtocolError, 'reported'>, reported: CotpProtocolError['reported']): void {
    this.handlers.onProtocolError?.({ ...error, reported });
  }

  private autoRefuse(reason: number): void {
    this.sendTpdu({ type: 'DR', dstRef: this.remoteRef, srcRef: 0, reason, userData: EMPTY });
    this.finish('refused');
  }

  private transportGone(abortive: boolean): void {
    const state = this.stateValue;
    if (state === 'closed') return;
    if (this.processing) {
      // Handled after the bytes before it, once the running command or handler returns.
      this.deferredTransportEnd = abortive || this.deferredTransportEnd === 'reset' ? 'reset' : 'end';
      return;
    }
    if (!abortive && this.reassembler.buffered > 0 && !this.reassembler.failed) {
      this.report(
        {
          code: 'TRUNCATED_STREAM',
          message: `TCP ended inside a TPKT (${this.reassembler.buffered} octets of it received)`,
          streamOffset: this.reassembler.streamOffset,
        },
        'nothing',
      );
      this.finish('protocol-error');
      return;
    }
    switch (state) {
      case 'open':
        if (this.agreement!.protocolClass === 0 && !abortive) {
          this.indicateDisconnect({ initiatedBy: 'peer', kind: 'released', data: EMPTY });
          this.finish('peer-released');
          return;
        }
        this.indicateDisconnect({ initiatedBy: 'provider', kind: 'transport-closed', data: EMPTY });
        break;
      case 'wait-cc':
      case 'wait-user':
        this.indicateDisconnect({ initiatedBy: 'provider', kind: 'transport-closed', data: EMPTY });
        break;
      default:
        break;
    }
    this.finish('transport-closed');
  }

  private onConnectTimeout(): void {
    this.connectTimer = undefined;
    if (this.stateValue !== 'wait-cc') return;
    this.indicateDisconnect({ initiatedBy: 'provider', kind: 'connect-timeout', data: EMPTY });
    this.finish('connect-timeout');
  }

  /** Arms the reassembly timer while a TPKT is partly received, and clears it at a frame boundary. */
  private watchPartialTpkt(): void {
    const partial = this.stateValue !== 'closed' && this.reassembler.buffered > 0 && !this.reassembler.failed;
    if (!partial) {
      this.clearReassemblyTimer();
      return;
    }
    if (this.reassemblyTimer !== undefined) return;
    this.receivedSinceArmed = false;
    this.reassemblyTimer = this.timers.setTimeout(
      () => this.onReassemblyTimer(),
      this.config.reassemblyTimeoutMs,
    );
  }

  private onReassemblyTimer(): void {
    this.reassemblyTimer = undefined;
    // Octets came in the last period, or the owner is not reading: keep waiting.
    if (this.receivedSinceArmed || this.inputHeld) {
      this.watchPartialTpkt();
      return;
    }
    if (this.stateValue === 'closed' || this.reassembler.buffered === 0) return;
    this.guarded(() => this.onReceiveTimeout());
  }

  /** A TPKT stopped half-way: the peer is gone or stuck; end the connection (see `reassemblyTimeoutMs`). */
  private onReceiveTimeout(): void {
    const timedOut: CotpDisconnectIndication = {
      initiatedBy: 'provider',
      kind: 'receive-timeout',
      data: EMPTY,
    };
    switch (this.stateValue) {
      case 'wait-cc':
        // No CC in time, as far as the caller can tell.
        this.clearConnectTimer();
        this.indicateDisconnect({ ...timedOut, kind: 'connect-timeout' });
        this.finish('connect-timeout');
        return;
      case 'wait-user':
        // Refuse the waiting CR (reason 0: valid for both classes), as no CC gave the peer our reference.
        this.pending = undefined;
        this.sendTpdu({
          type: 'DR',
          dstRef: this.remoteRef,
          srcRef: 0,
          reason: DisconnectReason.NOT_SPECIFIED,
          userData: EMPTY,
        });
        this.indicateDisconnect(timedOut);
        break;
      case 'open':
        // Class 2: tell the peer, though no DC can be read through the stuck TPKT. Class 0 has no DR here.
        if (this.agreement!.protocolClass === 2) {
          this.sendTpdu({
            type: 'DR',
            dstRef: this.remoteRef,
            srcRef: this.localRef,
            reason: DisconnectReason.NOT_SPECIFIED,
            userData: EMPTY,
          });
        }
        this.indicateDisconnect(timedOut);
        break;
      case 'closing':
        // The disconnect timer ends this state.
        return;
      default:
        break;
    }
    this.finish('receive-timeout');
  }

  private clearReassemblyTimer(): void {
    if (this.reassemblyTimer !== undefined) {
      this.timers.clearTimeout(this.reassemblyTimer);
      this.reassemblyTimer = undefined;
    }
  }

  private enterClosing(because: 'user' | 'error'): void {
    this.stateValue = 'closing';
    this.closingBecause = because;
    this.disconnectTimer = this.timers.setTimeout(() => {
      this.disconnectTimer = undefined;
      if (this.stateValue === 'closing') {
        this.guarded(() =>
          this.finish(this.closingBecause === 'user' ? 'disconnect-timeout' : 'protocol-error'),
        );
      }
    }, this.config.disconnectTimeoutMs);
  }

  private clearConnectTimer(): void {
    if (this.connectTimer !== undefined) {
      this.timers.clearTimeout(this.connectTimer);
      this.connectTimer = undefined;
    }
  }

  private finish(cause: CotpCloseCause): void {
    if (this.stateValue === 'closed') return;
    this.stateValue = 'closed';
    this.clearConnectTimer();
    this.clearReassemblyTimer();
    if (this.disconnectTimer !== undefined) {
      this.timers.clearTimeout(this.disconnectTimer);
      this.disconnectTimer = undefined;
    }
    if (this.localRef !== 0) this.references.release(this.localRef);
    this.pending = undefined;
    this.queue = [];
    this.queuedBytes = 0;
    this.tsduParts = [];
    this.tsduLength = 0;
    this.handlers.onClosed?.({ cause });
  }

  private indicateDisconnect(indication: CotpDisconnectIndication): void {
    this.handlers.onDisconnect?.(indication);
  }

  // ---------------------------------------------------------------- output

  private open(agreement: CotpAgreement): void {
    this.agreement = agreement;
    this.stateValue = 'open';
    this.reassembler.maxFrameLength =
      TPKT_HEADER_LENGTH + (agreement.receiveTpduSize ?? agreement.maxTpduSize);
  }

  private requireSendable(): CotpAgreement {
    if (this.stateValue === 'open') return this.agreement!;
    if (this.stateValue === 'closing' && this.closingBecause === 'user') {
      throw new CotpCommandError('SHUT_DOWN', 'the local disconnect has started; no more data can be sent');
    }
    throw new CotpCommandError('NOT_CONNECTED', `no open connection (state ${this.stateValue})`);
  }

  private checkQueueRoom(bytes: number): void {
    const blocked = this.outstandingEd !== undefined || this.queue.length > 0;
    if (blocked && this.queuedBytes + bytes > this.config.maxSendQueueBytes) {
      throw new CotpCommandError(
        'SEND_QUEUE_FULL',
        `an ED awaits its EA and ${this.queuedBytes} octets are queued (limit ${this.config.maxSendQueueBytes})`,
      );
    }
  }

  /** Sends now, or queues behind an ED that awaits its EA (RFC 2126 §4.2.2: nothing is sent until it comes). */
  private transmit(bytes: Uint8Array, awaitsEaNr?: number): void {
    if (this.outstandingEd !== undefined || this.queue.length > 0) {
      this.queue.push(awaitsEaNr === undefined ? { bytes } : { bytes, edNr: awaitsEaNr });
      this.queuedBytes += bytes.length;
      return;
    }
    if (awaitsEaNr !== undefined) this.outstandingEd = awaitsEaNr;
    this.sendBytes(bytes);
  }

  private flushQueue(): void {
    while (this.queue.length > 0 && this.outstandingEd === undefined) {
      const item = this.queue.shift()!;
      this.queuedBytes -= item.bytes.length;
      if (item.edNr !== undefined) this.outstandingEd = item.edNr;
      this.sendBytes(item.bytes);
    }
  }

  private sendTpdu(tpdu: Tpdu): void {
    this.sendBytes(encodeTpkt(tpdu));
  }

  private nextSendNr(): number {
    const nr = this.sendNr;
    this.sendNr = (this.sendNr + 1) % NORMAL_SEQUENCE_MODULUS;
    return nr;
  }

  private dataFormat(): DataFormat | 'auto' {
    if (!this.agreement) return 'auto';
    return this.agreement.protocolClass === 0 ? 'class0' : 'normal';
  }

  private describe(agreement: CotpAgreement): CotpConnectionInfo {
    return {
      protocolClass: agreement.protocolClass,
      maxTpduSize: agreement.maxTpduSize,
      expedited: agreement.expedited,
      expeditedAcknowledgement: agreement.expeditedAcknowledgement,
      disconnectDataSupported: agreement.protocolClass === 2,
      localReference: this.localRef,
      remoteReference: this.remoteRef,
      ...(this.tsaps.callingTsap ? { callingTsap: this.tsaps.callingTsap } : {}),
      ...(this.tsaps.calledTsap ? { calledTsap: this.tsaps.calledTsap } : {}),
    };
  }
}

function classOptionOf(protocolClass: CotpClass): CrTpdu['classOption'] {
  // Class 2 for ITOT is 0x21: normal formats, non-use of explicit flow control (RFC 2126 §4.2.1).
  return { protocolClass, extendedFormats: false, noExplicitFlowControl: protocolClass === 2 };
}

/** A TSAP-ID longer than this stack names (32 octets). */
function tsapTooLong(tsap: Uint8Array | undefined): boolean {
  return tsap !== undefined && tsap.length > MAX_TSAP_LENGTH;
}

function checkTsap(which: string, tsap: Uint8Array | undefined): void {
  if (tsap && tsap.length > MAX_TSAP_LENGTH) {
    throw new CotpCommandError(
      'TSAP_TOO_LONG',
      `${which} TSAP is ${tsap.length} octets, at most ${MAX_TSAP_LENGTH}`,
    );
  }
}

function drFields(dr: DrTpdu): Pick<CotpDisconnectIndication, 'reason' | 'data' | 'additionalInfo'> {
  return {
    reason: dr.reason,
    data: dr.userData,
    ...(dr.additionalInfo ? { additionalInfo: dr.additionalInfo } : {}),
  };
}

function peerError(er: Tpdu & { type: 'ER' }, streamOffset: number): Omit<CotpProtocolError, 'reported'> {
  return {
    code: 'PEER_REPORTED_ERROR',
    message: `the peer rejected a TPDU (ER reject cause ${er.rejectCause})`,
    streamOffset,
    rejectCause: er.rejectCause,
    ...(er.invalidTpdu ? { invalidTpdu: er.invalidTpdu } : {}),
  };
}

/**
 * The ER's invalid-TPDU parameter: "the bit pattern of the rejected TPDU header up to and including
 * the octet that caused the rejection" (X.224 13.12.4). None when the fault is in the TPKT framing.
 */
function erQuote(
  frame: Uint8Array | undefined,
  faultyOctet: number | undefined,
): { invalidTpdu?: Uint8Array } {
  if (!frame || faultyOctet === undefined || faultyOctet < 0) return {};
  const tpdu = frame.subarray(TPKT_HEADER_LENGTH);
  if (tpdu.length === 0) return {};
  const li = tpdu[0]!;
  const headerEnd = li === LI_RESERVED ? 1 : Math.min(tpdu.length, li + 1);
  const end = Math.max(1, Math.min(faultyOctet + 1, headerEnd));
  return { invalidTpdu: tpdu.slice(0, end) };
}

/**
 * What an ER quotes when the TPKT framing itself broke: the frame's octets up to the faulty field
 * (the version octet, or the whole 16-bit length). X.224 makes the invalid-TPDU parameter
 * mandatory in class 0, and the broken TPKT is all there is of the rejected unit.
 */
function framingQuote(head: Uint8Array, faultyOctet: number): Uint8Array | undefined {
  const end = faultyOctet === 0 ? 1 : TPKT_HEADER_LENGTH;
  return head.length > 0 ? head.slice(0, Math.min(end, head.length)) : undefined;
}

/** The SRC-REF of a frame holding a CC whose fixed part arrived (TPDU octets 5–6), or undefined. */
function ccSourceReference(frame: Uint8Array): number | undefined {
  const tpdu = frame.subarray(TPKT_HEADER_LENGTH);
  if (tpdu.length < 6 || tpdu[1]! >> 4 !== TpduCode.CC) return undefined;
  return (tpdu[4]! << 8) | tpdu[5]!;
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
