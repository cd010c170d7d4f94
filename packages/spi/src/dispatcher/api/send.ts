/**
 * Sending (ReactOS send.c): `send`, `WSASend`, `sendto`, `WSASendTo`. `WSASendDisconnect`, which
 * ReactOS keeps in send.c too, is in `disconnect.ts` with its siblings.
 * @module
 */

import { SOCKET_ERROR } from '../../constants/socket-api';
import type { LPWSAOVERLAPPED_COMPLETION_ROUTINE, SOCKET, WSAOVERLAPPED } from '../../spi/wsp-types';
import { type Out, out } from '../../types/out-cell';
import type { SOCKADDR } from '../../types/sockaddr';
import type { WSABUF } from '../../types/wsabuf';
import { bufferArrayError, MAIN_THREAD_ID, Ws2Core } from '../ws2-core';

/** The send calls of `Ws2`; installed on its prototype, never instantiated. */
export abstract class Ws2Send extends Ws2Core {
  /** `send`: bytes sent, or `SOCKET_ERROR`. */
  send(s: SOCKET, buf: Uint8Array, len: number, flags: number): Promise<number> {
    const sent = out(0);
    return this.sendBuffers(s, [{ len, buf }], 1, sent, flags, null, null, sent);
  }

  /** `WSASend`. */
  WSASend(
    s: SOCKET,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesSent: Out<number> | null,
    dwFlags: number,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  ): Promise<number> {
    return this.sendBuffers(
      s,
      lpBuffers,
      dwBufferCount,
      lpNumberOfBytesSent,
      dwFlags,
      lpOverlapped,
      lpCompletionRoutine,
      null,
    );
  }

  /** `sendto`. */
  sendto(
    s: SOCKET,
    buf: Uint8Array,
    len: number,
    flags: number,
    to: SOCKADDR | null,
    tolen: number,
  ): Promise<number> {
    const sent = out(0);
    return this.sendBuffersTo(s, [{ len, buf }], 1, sent, flags, to, tolen, null, null, sent);
  }

  /** `WSASendTo`. */
  WSASendTo(
    s: SOCKET,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesSent: Out<number> | null,
    dwFlags: number,
    lpTo: SOCKADDR | null,
    iTolen: number,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  ): Promise<number> {
    return this.sendBuffersTo(
      s,
      lpBuffers,
      dwBufferCount,
      lpNumberOfBytesSent,
      dwFlags,
      lpTo,
      iTolen,
      lpOverlapped,
      lpCompletionRoutine,
      null,
    );
  }

  /** `WSASend`; with `lpBytes` (`send`), success gives the bytes sent instead of 0. */
  private sendBuffers(
    s: SOCKET,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesSent: Out<number> | null,
    dwFlags: number,
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
      pending = socket.provider.procTable.lpWSPSend(
        s,
        lpBuffers,
        dwBufferCount,
        lpNumberOfBytesSent,
        dwFlags,
        lpOverlapped,
        lpCompletionRoutine,
        MAIN_THREAD_ID,
        lpErrno,
      );
    } catch (error) {
      pending = Promise.reject(error);
    }
    return this.settle(socket, 'lpWSPSend', pending, lpErrno, SOCKET_ERROR, lpBytes);
  }

  /** `WSASendTo`; with `lpBytes` (`sendto`), success gives the bytes sent instead of 0. */
  private sendBuffersTo(
    s: SOCKET,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesSent: Out<number> | null,
    dwFlags: number,
    lpTo: SOCKADDR | null,
    iTolen: number,
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
      pending = socket.provider.procTable.lpWSPSendTo(
        s,
        lpBuffers,
        dwBufferCount,
        lpNumberOfBytesSent,
        dwFlags,
        lpTo,
        iTolen,
        lpOverlapped,
        lpCompletionRoutine,
        MAIN_THREAD_ID,
        lpErrno,
      );
    } catch (error) {
      pending = Promise.reject(error);
    }
    return this.settle(socket, 'lpWSPSendTo', pending, lpErrno, SOCKET_ERROR, lpBytes);
  }
}
