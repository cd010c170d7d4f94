/**
 * Why a `CotpConnection` command was refused. A refused command has sent nothing and changed
 * nothing. The intended Winsock mapping is in the package README.
 */
export type CotpCommandErrorCode =
  /** The command does not apply in the current state (accept without an indication, connect twice …). → WSAEINVAL */
  | 'INVALID_STATE'
  /** Data transfer or disconnect before the connection is open, or after it closed. → WSAENOTCONN */
  | 'NOT_CONNECTED'
  /** Send after the local disconnect started. → WSAESHUTDOWN */
  | 'SHUT_DOWN'
  /** Connect (CR/CC) user data above 32 octets. → WSAEMSGSIZE */
  | 'CONNECT_DATA_TOO_LONG'
  /** Disconnect (DR) user data above 64 octets. → WSAEMSGSIZE */
  | 'DISCONNECT_DATA_TOO_LONG'
  /** Disconnect data on a class-0 connection, whose release is a TCP close with no DR. → WSAENOPROTOOPT */
  | 'CLASS0_NO_DISCONNECT_DATA'
  /** Expedited data on a connection that did not negotiate it. → WSAEOPNOTSUPP */
  | 'EXPEDITED_NOT_NEGOTIATED'
  /** Expedited data not 1…16 octets. → WSAEMSGSIZE */
  | 'EXPEDITED_DATA_SIZE'
  /** The send queue (held while an ED awaits its EA) is full. → WSAEWOULDBLOCK */
  | 'SEND_QUEUE_FULL'
  /** A DR reason outside the X.224 table. → WSAEINVAL */
  | 'INVALID_REASON'
  /** A TSAP selector above 32 octets. → WSAEINVAL */
  | 'TSAP_TOO_LONG';

/** A refused `CotpConnection` command. Thrown synchronously, before anything is sent. */
export class CotpCommandError extends Error {
  /** `'CotpCommandError'`. */
  override readonly name = 'CotpCommandError';

  constructor(
    /** Why the command was refused; the package README maps each code to its Winsock error. */
    readonly code: CotpCommandErrorCode,
    message: string,
  ) {
    super(`[${code}] ${message}`);
    Object.setPrototypeOf(this, new.target.prototype);
  }
}

/** True when `value` is a `CotpCommandError`, optionally with the given code. */
export function isCotpCommandError(value: unknown, code?: CotpCommandErrorCode): value is CotpCommandError {
  return value instanceof CotpCommandError && (code === undefined || value.code === code);
}
