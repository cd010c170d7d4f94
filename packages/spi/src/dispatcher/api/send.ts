/**
 * Sending (ReactOS send.c): `send`, `WSASend`, `sendto`, `WSASendTo`. `WSASendDisconnect`, which
 * ReactOS keeps in send.c too, is in `disconnect.ts` with its siblings.
 * @module
 */

import { SOCKET_ERROR } from '../../constants/socket-api';
import type { LPWSAOVERLAPPED_COMPLETION_ROUTINE, SOCKET, WSAOVERLAPPED } from '../../spi/wsp-types';
import type { Out } from '../../types/out-cell';
import type { SOCKADDR } from '../../types/sockaddr';
import type { WSABUF } from '../../types/wsabuf';
import { type AsyncCall, Settled } from '../async-call';
import { bufferArrayError, MAIN_THREAD_ID, Ws2Core } from '../ws2-core';

/** The send calls of `Ws2`; installed on its prototype, never instantiated. */
export abstract class Ws2Send extends Ws2Core {
  /** `send`: bytes sent, or `SOCKET_ERROR`. */
  send(s: SOCKET, buf: Uint8Array, len: number, flags: number): Promise<number> {
    const call = this.takeCall();
    call.buffer.len = len;
    call.buffer.buf = buf;
    return this.sendBuffers(s, call.lpBuffers, 1, call.lpBytes, flags, null, null, call, Settled.Bytes);
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
      this.takeCall(),
      Settled.Result,
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
    const call = this.takeCall();
    call.buffer.len = len;
    call.buffer.buf = buf;
    return this.sendBuffersTo(
      s,
      call.lpBuffers,
      1,
      call.lpBytes,
      flags,
      to,
      tolen,
      null,
      null,
      call,
      Settled.Bytes,
    );
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
      this.takeCall(),
      Settled.Result,
    );
  }

  /** `WSASend` in the frame `call`; `settles` says what success gives (the bytes sent, for `send`). */
  private sendBuffers(
    s: SOCKET,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesSent: Out<number> | null,
    dwFlags: number,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
    call: AsyncCall,
    settles: Settled,
  ): Promise<number> {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.failAsync(socket, SOCKET_ERROR, call);
    const argumentError = bufferArrayError(lpBuffers, dwBufferCount);
    if (argumentError !== 0) return this.failAsync(argumentError, SOCKET_ERROR, call);
    this.enterAsync(socket, call);
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
        call.lpErrno,
      );
    } catch (error) {
      pending = Promise.reject(error);
    }
    return this.settle(socket, call, 'lpWSPSend', pending, SOCKET_ERROR, settles);
  }

  /** `WSASendTo` in the frame `call`; `settles` says what success gives (the bytes sent, for `sendto`). */
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
    call: AsyncCall,
    settles: Settled,
  ): Promise<number> {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.failAsync(socket, SOCKET_ERROR, call);
    const argumentError = bufferArrayError(lpBuffers, dwBufferCount);
    if (argumentError !== 0) return this.failAsync(argumentError, SOCKET_ERROR, call);
    this.enterAsync(socket, call);
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
        call.lpErrno,
      );
    } catch (error) {
      pending = Promise.reject(error);
    }
    return this.settle(socket, call, 'lpWSPSendTo', pending, SOCKET_ERROR, settles);
  }
}
