/**
 * Names and options (ReactOS sockctrl.c and ioctl.c): `getsockname`, `getpeername`,
 * `getsockopt`, `setsockopt`, `ioctlsocket`, `WSAIoctl`.
 * @module
 */
import { WSAEFAULT, WSAEINVAL } from '../../constants/error-codes';
import { FIONBIO, SOCKET_ERROR } from '../../constants/socket-api';
import type {
  LPWSAOVERLAPPED_COMPLETION_ROUTINE,
  SOCKET,
  SockOptValue,
  WSAOVERLAPPED,
} from '../../spi/wsp-types';
import { type Out, out } from '../../types/out-cell';
import type { SOCKADDR } from '../../types/sockaddr';
import {
  captureOptionValue,
  isIntegerArgument,
  isIntegerCell,
  isLengthArgument,
  isLengthCell,
  isOptionalFunction,
  isOptionalOverlapped,
  isOptionalWritableCell,
  isWritableCell,
  UNREADABLE,
} from '../argument-checks';
import { thrown } from '../async-call';
import { MAIN_THREAD_ID, Ws2Core } from '../ws2-core';

/** The name and option calls of `Ws2`; installed on its prototype, never instantiated. */
export abstract class Ws2NamesAndOptions extends Ws2Core {
  /** `getsockname`. */
  getsockname(s: SOCKET, name: Out<SOCKADDR | null> | null, namelen: Out<number> | null): number {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.fail(socket);
    if (!isWritableCell(name) || !isLengthCell(namelen)) return this.fail(WSAEFAULT);
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPGetSockName(s, name, namelen, lpErrno);
    } catch (error) {
      rc = thrown(error);
    }
    return this.leave(socket, 'lpWSPGetSockName', rc, lpErrno);
  }

  /** `getpeername`. */
  getpeername(s: SOCKET, name: Out<SOCKADDR | null> | null, namelen: Out<number> | null): number {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.fail(socket);
    if (!isWritableCell(name) || !isLengthCell(namelen)) return this.fail(WSAEFAULT);
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPGetPeerName(s, name, namelen, lpErrno);
    } catch (error) {
      rc = thrown(error);
    }
    return this.leave(socket, 'lpWSPGetPeerName', rc, lpErrno);
  }

  /** `getsockopt` (`SO_PROTOCOL_INFOW`, `SO_LINGER`, `SO_ERROR`, `SO_TYPE`, `SO_MAX_MSG_SIZE`, …). */
  getsockopt(
    s: SOCKET,
    level: number,
    optname: number,
    optval: Out<SockOptValue | null> | null,
    optlen: Out<number> | null,
  ): number {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.fail(socket);
    if (!isIntegerArgument(level) || !isIntegerArgument(optname)) return this.fail(WSAEINVAL);
    if (!isWritableCell(optval) || !isLengthCell(optlen)) return this.fail(WSAEFAULT);
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPGetSockOpt(s, level, optname, optval, optlen, lpErrno);
    } catch (error) {
      rc = thrown(error);
    }
    return this.leave(socket, 'lpWSPGetSockOpt', rc, lpErrno);
  }

  /** `setsockopt`. */
  setsockopt(s: SOCKET, level: number, optname: number, optval: SockOptValue | null, optlen: number): number {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.fail(socket);
    if (!isIntegerArgument(level) || !isIntegerArgument(optname)) return this.fail(WSAEINVAL);
    const value = captureOptionValue(optval);
    if (value === UNREADABLE || !isLengthArgument(optlen)) return this.fail(WSAEFAULT);
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPSetSockOpt(
        s,
        level,
        optname,
        value as SockOptValue | null,
        optlen,
        lpErrno,
      );
    } catch (error) {
      rc = thrown(error);
    }
    return this.leave(socket, 'lpWSPSetSockOpt', rc, lpErrno);
  }

  /** `ioctlsocket` (`FIONBIO`, `FIONREAD`, `SIOCATMARK`): `argp` is in/out as the C `u_long *`. */
  ioctlsocket(s: SOCKET, cmd: number, argp: Out<number> | null): number {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.fail(socket);
    if (!isIntegerArgument(cmd)) return this.fail(WSAEINVAL);
    if (!isIntegerCell(argp)) return this.fail(WSAEFAULT);
    const outBuffer = out<unknown>((argp as Out<number>).value);
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPIoctl(
        s,
        cmd,
        outBuffer.value,
        4,
        outBuffer,
        4,
        out(0),
        null,
        null,
        MAIN_THREAD_ID,
        lpErrno,
      );
    } catch (error) {
      rc = thrown(error);
    }
    const result = this.leave(socket, 'lpWSPIoctl', rc, lpErrno);
    if (result !== SOCKET_ERROR && cmd !== FIONBIO) {
      const value = outBuffer.value;
      try {
        (argp as Out<number>).value = typeof value === 'number' ? value : Number(value);
      } catch {
        // The cell was probed, but a setter may change its mind: the result cannot be written.
        return this.fail(WSAEFAULT);
      }
    }
    return result;
  }

  /** `WSAIoctl`: passed to the provider's `WSPIoctl` as given. */
  WSAIoctl(
    s: SOCKET,
    dwIoControlCode: number,
    lpvInBuffer: unknown,
    cbInBuffer: number,
    lpvOutBuffer: Out<unknown> | null,
    cbOutBuffer: number,
    lpcbBytesReturned: Out<number> | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  ): number {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.fail(socket);
    if (!isIntegerArgument(dwIoControlCode)) return this.fail(WSAEINVAL);
    if (
      !isLengthArgument(cbInBuffer) ||
      !isLengthArgument(cbOutBuffer) ||
      !isOptionalWritableCell(lpvOutBuffer) ||
      !isOptionalWritableCell(lpcbBytesReturned) ||
      !isOptionalOverlapped(lpOverlapped) ||
      !isOptionalFunction(lpCompletionRoutine)
    ) {
      return this.fail(WSAEFAULT);
    }
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPIoctl(
        s,
        dwIoControlCode,
        lpvInBuffer,
        cbInBuffer,
        lpvOutBuffer,
        cbOutBuffer,
        lpcbBytesReturned,
        lpOverlapped,
        lpCompletionRoutine,
        MAIN_THREAD_ID,
        lpErrno,
      );
    } catch (error) {
      rc = thrown(error);
    }
    return this.leave(socket, 'lpWSPIoctl', rc, lpErrno);
  }
}
