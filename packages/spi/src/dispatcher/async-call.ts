/**
 * What a provider call comes to on its way back to the application: a throw turned into a value,
 * and the frame of an asynchronous call (`AsyncCall`) that the dispatcher reuses from call to call.
 * @module
 */
import { SOCKET_ERROR } from '../constants/socket-api';
import type { WspProcName } from '../spi/wsp-proc-table';
import type { Out } from '../types/out-cell';
import type { WSABUF } from '../types/wsabuf';
import type { ErrorCell } from './last-error';
import type { LoadedProvider } from './loaded-provider';

/** A provider call that threw instead of returning (allocated only then). */
export class ProviderThrew {
  constructor(readonly error: unknown) {}
}

/** What a synchronous provider call that threw `error` came to, for `leave`. */
export function thrown(error: unknown): unknown {
  return new ProviderThrew(error);
}

/** What settling an asynchronous call gives the caller. */
export const Settled = {
  /** The provider's result (0, or a socket for `WSPAccept`). */
  Result: 0,
  /** The byte count in the frame's `lpBytes` (`send`, `sendto`, `recvfrom`). */
  Bytes: 1,
  /** The byte count, and `WSAEMSGSIZE` when `MSG_PARTIAL` comes back in the frame's `lpFlags` (`recv`). */
  BytesWholeMessage: 2,
} as const;
export type Settled = (typeof Settled)[keyof typeof Settled];

/** No bytes: what an idle call frame's buffer points at, so it keeps none of the application's. */
const NO_BYTES = new Uint8Array(0);

/**
 * The frame of one asynchronous provider call, from `takeCall` until it settles: the `lpErrno` it
 * lends the provider; for the one-buffer shorthands (`send`, `recv`, `sendto`, `recvfrom`), the
 * `WSABUF` array and the out cells C builds on the stack; and what settling it means. Frames of
 * settled calls are kept for the next calls, so a call allocates none of this — nor the handlers
 * its promise settles through — unless many calls are in flight at once.
 */
export class AsyncCall {
  readonly lpErrno: Out<number> = { value: 0 };
  /** The one buffer of a shorthand call, and the array that holds it. */
  readonly buffer: WSABUF = { len: 0, buf: NO_BYTES };
  readonly lpBuffers: WSABUF[] = [this.buffer];
  readonly lpBytes: Out<number> = { value: 0 };
  readonly lpFlags: Out<number> = { value: 0 };
  provider: LoadedProvider | undefined = undefined;
  name: WspProcName = 'lpWSPSend';
  failValue: number = SOCKET_ERROR;
  settles: Settled = Settled.Result;
  /** The calling flow's last-error cell, claimed when the call was made. */
  cell: ErrorCell | undefined = undefined;
  readonly onFulfilled: (rc: unknown) => number;
  readonly onRejected: (error: unknown) => number;

  constructor(complete: (call: AsyncCall, rc: unknown) => number) {
    this.onFulfilled = (rc) => complete(this, rc);
    this.onRejected = (error) => complete(this, new ProviderThrew(error));
  }

  /** Forgets the settled call: the frame keeps nothing of the application's or the provider's. */
  clear(): void {
    this.buffer.buf = NO_BYTES;
    this.buffer.len = 0;
    this.provider = undefined;
    this.cell = undefined;
  }
}
