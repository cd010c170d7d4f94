/**
 * Receiving (ReactOS recv.c): `recv`, `WSARecv`, `recvfrom`, `WSARecvFrom`. `WSARecvDisconnect`,
 * which ReactOS keeps in recv.c too, is in `disconnect.ts` with its siblings.
 * @module
 */
import { SOCKET_ERROR } from '../../constants/socket-api';
import type { LPWSAOVERLAPPED_COMPLETION_ROUTINE, SOCKET, WSAOVERLAPPED } from '../../spi/wsp-types';
import { type Out, out } from '../../types/out-cell';
import type { SOCKADDR } from '../../types/sockaddr';
import type { WSABUF } from '../../types/wsabuf';
import { bufferArrayError, MAIN_THREAD_ID, Ws2Core } from '../ws2-core';

/** The receive calls of `Ws2`; installed on its prototype, never instantiated. */
export abstract class Ws2Receive extends Ws2Core {
  /**
   * `recv`: bytes received (0 = the peer closed gracefully), or `SOCKET_ERROR`. A partial message
   * (`MSG_PARTIAL` back from the provider) is `WSAEMSGSIZE` here, as in ws2_32's `recv`.
   */
  recv(s: SOCKET, buf: Uint8Array, len: number, flags: number): Promise<number> {
    const received = out(0);
    const lpFlags = out(flags);
    return this.receiveBuffers(s, [{ len, buf }], 1, received, lpFlags, null, null, received, lpFlags);
  }

  /** `WSARecv`. */
  WSARecv(
    s: SOCKET,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesRecvd: Out<number> | null,
    lpFlags: Out<number> | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  ): Promise<number> {
    return this.receiveBuffers(
      s,
      lpBuffers,
      dwBufferCount,
      lpNumberOfBytesRecvd,
      lpFlags,
      lpOverlapped,
      lpCompletionRoutine,
      null,
      null,
    );
  }

  /** `recvfrom`. */
  recvfrom(
    s: SOCKET,
    buf: Uint8Array,
    len: number,
    flags: number,
    from: Out<SOCKADDR | null> | null,
    fromlen: Out<number> | null,
  ): Promise<number> {
    const received = out(0);
    return this.receiveBuffersFrom(
      s,
      [{ len, buf }],
      1,
      received,
      out(flags),
      from,
      fromlen,
      null,
      null,
      received,
    );
  }

  /** `WSARecvFrom`. */
  WSARecvFrom(
    s: SOCKET,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesRecvd: Out<number> | null,
    lpFlags: Out<number> | null,
    lpFrom: Out<SOCKADDR | null> | null,
    lpFromlen: Out<number> | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  ): Promise<number> {
    return this.receiveBuffersFrom(
      s,
      lpBuffers,
      dwBufferCount,
      lpNumberOfBytesRecvd,
      lpFlags,
      lpFrom,
      lpFromlen,
      lpOverlapped,
      lpCompletionRoutine,
      null,
    );
  }

  /**
   * `WSARecv`; with `lpBytes` (`recv`), success gives the bytes received instead of 0, and with
   * `lpPartialFlags`, `MSG_PARTIAL` coming back is `WSAEMSGSIZE`.
   */
  private receiveBuffers(
    s: SOCKET,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesRecvd: Out<number> | null,
    lpFlags: Out<number> | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
    lpBytes: Out<number> | null,
    lpPartialFlags: Out<number> | null,
  ): Promise<number> {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.failAsync(socket);
    const argumentError = bufferArrayError(lpBuffers, dwBufferCount);
    if (argumentError !== 0) return this.failAsync(argumentError);
    const lpErrno = out(0);
    this.enterAsync(socket);
    let pending: Promise<number>;
    try {
      pending = socket.provider.procTable.lpWSPRecv(
        s,
        lpBuffers,
        dwBufferCount,
        lpNumberOfBytesRecvd,
        lpFlags,
        lpOverlapped,
        lpCompletionRoutine,
        MAIN_THREAD_ID,
        lpErrno,
      );
    } catch (error) {
      pending = Promise.reject(error);
    }
    return this.settle(socket, 'lpWSPRecv', pending, lpErrno, SOCKET_ERROR, lpBytes, lpPartialFlags);
  }

  /** `WSARecvFrom`; with `lpBytes` (`recvfrom`), success gives the bytes received instead of 0. */
  private receiveBuffersFrom(
    s: SOCKET,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesRecvd: Out<number> | null,
    lpFlags: Out<number> | null,
    lpFrom: Out<SOCKADDR | null> | null,
    lpFromlen: Out<number> | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
    lpBytes: Out<number> | null,
  ): Promise<number> {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.failAsync(socket);
    const argumentError = bufferArrayError(lpBuffers, dwBufferCount);
    if (argumentError !== 0) return this.failAsync(argumentError);
    const lpErrno = out(0);
    this.enterAsync(socket);
    let pending: Promise<number>;
    try {
      pending = socket.provider.procTable.lpWSPRecvFrom(
        s,
        lpBuffers,
        dwBufferCount,
        lpNumberOfBytesRecvd,
        lpFlags,
        lpFrom,
        lpFromlen,
        lpOverlapped,
        lpCompletionRoutine,
        MAIN_THREAD_ID,
        lpErrno,
      );
    } catch (error) {
      pending = Promise.reject(error);
    }
    return this.settle(socket, 'lpWSPRecvFrom', pending, lpErrno, SOCKET_ERROR, lpBytes);
  }
}
