/**
 * The WSK verifier: what Driver Verifier checks of a WSK client, recorded instead of bugchecking.
 * Each violation keeps the call, the rule and the stack where it was found; tests assert there were
 * none (`verifier.violations`), and strict mode throws `WskVerifierError` at the violation.
 *
 * A violation found on the transport's own path (a callback that returned a promise, say) throws
 * there in strict mode: an uncaught exception, which is as loud as the bugcheck it stands for.
 * @module
 */

/** The contract rules the verifier checks. */
export type WskVerifierRule =
  | 'callback-status'
  | 'callback-threw'
  | 'dispatch-level-wait'
  | 'irql-too-high'
  | 'completion-routine-status'
  | 'events-before-ready'
  | 'socket-closed'
  | 'abortive-with-buffer'
  | 'irp-completed-twice'
  | 'irp-reused-while-pending'
  | 'irp-not-reinitialized'
  | 'call-after-deregister'
  | 'sockets-open-at-deregister'
  | 'npi-release-unbalanced';

/** What each rule means. */
export const WSK_VERIFIER_RULES: Readonly<Record<WskVerifierRule, string>> = {
  'callback-status':
    'an event callback returned a status its contract does not allow (only STATUS_SUCCESS from WskDisconnectEvent, WskSendBacklogEvent, WskAbortEvent and WskClientEvent; SUCCESS, PENDING or DATA_NOT_ACCEPTED from the receive events; SUCCESS or REQUEST_NOT_ACCEPTED from WskAcceptEvent), or a BytesAccepted beyond what was indicated',
  'callback-threw': 'an event callback or completion routine threw (in the kernel, a bugcheck)',
  'dispatch-level-wait':
    'a callback or completion routine running at DISPATCH_LEVEL returned a promise: it waited where nothing may wait',
  'irql-too-high':
    'a call that requires PASSIVE_LEVEL (WskRegister, WskDeregister, WskCaptureProviderNPI with a wait) was made at DISPATCH_LEVEL',
  'completion-routine-status':
    'the completion routine of an IRP the client allocated did not return STATUS_MORE_PROCESSING_REQUIRED',
  'events-before-ready':
    'SO_WSK_EVENT_CALLBACK enabled events on a connection socket that is not connected, or a listen or datagram socket that is not bound',
  'socket-closed': 'a socket was used after WskCloseSocket',
  'abortive-with-buffer': 'WskDisconnect with WSK_FLAG_ABORTIVE was given a buffer (it must be NULL)',
  'irp-completed-twice': 'an IRP was completed when it was not pending (completed twice)',
  'irp-reused-while-pending': 'an IRP still pending in one request was passed to another',
  'irp-not-reinitialized': 'a completed IRP was passed to a WSK function without IoReuseIrp first',
  'call-after-deregister': 'WSK was called through a registration after WskDeregister',
  'sockets-open-at-deregister': 'WskDeregister was called while sockets of the registration were still open',
  'npi-release-unbalanced': 'WskReleaseProviderNPI was called without a matching WskCaptureProviderNPI',
};

/** One recorded violation. */
export interface WskViolation {
  /** The rule broken. */
  rule: WskVerifierRule;
  /** The WSK function, callback or IRP routine involved (`WskSend`, `WskReceiveEvent`, `IoCompleteRequest` …). */
  call: string;
  /** What happened, in words. */
  message: string;
  /** Where it was found. */
  stack: string;
}

/** Thrown at a violation in strict mode. */
export class WskVerifierError extends Error {
  /** `'WskVerifierError'`. */
  override readonly name = 'WskVerifierError';
  /** The violation found. */
  readonly violation: WskViolation;

  /** @param violation the violation found */
  constructor(violation: WskViolation) {
    super(`[${violation.rule}] ${violation.call}: ${violation.message}`);
    this.violation = violation;
  }
}

/** How a verifier behaves. */
export interface WskVerifierOptions {
  /** Throw `WskVerifierError` at each violation instead of only recording it. Default false. */
  strict?: boolean;
  /** Keep at most this many violations (the oldest go first). Default 1000. */
  limit?: number;
}

/** Records WSK contract violations (see `WSK_VERIFIER_RULES`). */
export class WskVerifier {
  /** Throw at each violation. */
  strict: boolean;
  private readonly limit: number;
  private readonly recorded: WskViolation[] = [];

  constructor(options: WskVerifierOptions = {}) {
    this.strict = options.strict ?? false;
    this.limit = Math.max(1, options.limit ?? 1000);
  }

  /** The violations recorded so far, oldest first. */
  get violations(): readonly WskViolation[] {
    return this.recorded;
  }

  /** The violations of one rule. */
  violationsOf(rule: WskVerifierRule): WskViolation[] {
    return this.recorded.filter((v) => v.rule === rule);
  }

  /** Forgets the recorded violations and returns them. */
  clear(): WskViolation[] {
    return this.recorded.splice(0);
  }

  /**
   * Records a violation (and throws it in strict mode).
   * @throws WskVerifierError in strict mode.
   */
  report(rule: WskVerifierRule, call: string, message: string): void {
    const violation: WskViolation = {
      rule,
      call,
      message,
      stack: new Error(message).stack ?? '',
    };
    this.recorded.push(violation);
    if (this.recorded.length > this.limit) this.recorded.shift();
    if (this.strict) throw new WskVerifierError(violation);
  }
}
