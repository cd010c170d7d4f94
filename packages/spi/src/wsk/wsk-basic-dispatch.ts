/**
 * `WSK_PROVIDER_BASIC_DISPATCH` { `WskControlSocket`, `WskCloseSocket` }: the two functions every
 * socket category has, first in each category's table (C's anonymous `Basic` member, flattened as
 * the C form of the header lays it out).
 * @module
 */

import type { Out } from '../types/out-cell';
import type { IRP } from './irp';
import { type NTSTATUS, STATUS_INVALID_PARAMETER } from './ntstatus';
import { isOutCell } from './wsk-sockaddr';
import { WskSocketObject, withSocket } from './wsk-socket';
import type { WSK_SOCKET } from './wsk-socket-types';

/**
 * `PFN_WSK_CONTROL_SOCKET`: sets or gets a socket option, or runs an IOCTL. `InputBuffer` is the
 * value (a number for integer options, a `WSK_EVENT_CALLBACK_CONTROL` for `SO_WSK_EVENT_CALLBACK`,
 * a `SOCKADDR` for `SIO_WSK_SET_REMOTE_ADDRESS`); output goes to `OutputBuffer.value` and its size
 * to `OutputSizeReturned` (no IRP) or `Irp.IoStatus.Information`.
 */
export type PFN_WSK_CONTROL_SOCKET = (
  Socket: WSK_SOCKET,
  RequestType: number,
  ControlCode: number,
  Level: number,
  InputSize: number,
  InputBuffer: unknown,
  OutputSize: number,
  OutputBuffer: Out<unknown> | null,
  OutputSizeReturned: Out<number> | null,
  Irp: IRP | null,
) => NTSTATUS;

/** `PFN_WSK_CLOSE_SOCKET`: closes the socket; pending IRPs are cancelled. */
export type PFN_WSK_CLOSE_SOCKET = (Socket: WSK_SOCKET, Irp: IRP) => NTSTATUS;

/** `WSK_PROVIDER_BASIC_DISPATCH`. */
export interface WSK_PROVIDER_BASIC_DISPATCH {
  /**
   * Sets or gets a socket option, or issues an I/O control (`SO_WSK_EVENT_CALLBACK` among them).
   */
  WskControlSocket: PFN_WSK_CONTROL_SOCKET;
  /**
   * Closes the socket: pending IRPs complete with `STATUS_CANCELLED`, the socket object is gone
   * once the IRP completes.
   */
  WskCloseSocket: PFN_WSK_CLOSE_SOCKET;
}

const isSize = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0;

/** `WskControlSocket`, for every category. */
export const WskControlSocket: PFN_WSK_CONTROL_SOCKET = (
  Socket,
  RequestType,
  ControlCode,
  Level,
  InputSize,
  InputBuffer,
  OutputSize,
  OutputBuffer,
  OutputSizeReturned,
  Irp,
) =>
  withSocket(Socket, WskSocketObject, 'WskControlSocket', Irp, false, (socket, irp) => {
    const valid =
      typeof RequestType === 'number' &&
      typeof ControlCode === 'number' &&
      typeof Level === 'number' &&
      isSize(InputSize) &&
      isSize(OutputSize) &&
      (OutputBuffer === null || OutputBuffer === undefined || isOutCell(OutputBuffer)) &&
      (OutputSizeReturned === null || OutputSizeReturned === undefined || isOutCell(OutputSizeReturned));
    if (!valid) return socket.finish(irp, STATUS_INVALID_PARAMETER);
    return socket.controlSocket(
      { RequestType, ControlCode: ControlCode >>> 0, Level, InputSize, InputBuffer, OutputSize },
      OutputBuffer ?? null,
      OutputSizeReturned ?? null,
      irp,
    );
  });

/** `WskCloseSocket`, for every category. */
export const WskCloseSocket: PFN_WSK_CLOSE_SOCKET = (Socket, Irp) =>
  withSocket(Socket, WskSocketObject, 'WskCloseSocket', Irp, true, (socket, irp) => socket.closeSocket(irp!));

/** The table of basic sockets. */
export const basicDispatch: WSK_PROVIDER_BASIC_DISPATCH = Object.freeze({ WskControlSocket, WskCloseSocket });
