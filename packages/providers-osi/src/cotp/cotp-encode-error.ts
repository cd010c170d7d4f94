/**
 * Thrown by `encodeTpdu` when a field cannot be put on the wire (a reference above 0xFFFF, a
 * header above 254 octets, a checksum asked for in the 3-octet class-0 format …). It signals a bug
 * in the caller: `CotpConnection` checks every user-supplied limit first and reports a
 * `CotpCommandError` instead, so this never reaches a Winsock caller.
 */
export class CotpEncodeError extends RangeError {
  /** `'CotpEncodeError'`. */
  override readonly name = 'CotpEncodeError';

  constructor(message: string) {
    super(message);
    Object.setPrototypeOf(this, new.target.prototype);
  }
}
