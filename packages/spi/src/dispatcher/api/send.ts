/**
 * Sending (ReactOS send.c): `send`, `WSASend`, `sendto`, `WSASendTo`. `WSASendDisconnect`, which
 * ReactOS keeps in send.c too, is in `disconnect.ts` with its siblings.
 * @module
 */

import { WSAEFAULT, WSAEINVAL } from '../../constants/error-codes';
import { SOCKET_ERROR } from '../../constants/socket-api';
import type { LPWSAOVERLAPPED_COMPLETION_ROUTINE, SOCKET, WSAOVERLAPPED } from '../../spi/wsp-types';
import type { Out } from '../../types/out-cell';
import type { SOCKADDR } from '../../types/sockaddr';
import type { WSABUF } from '../../types/wsabuf';
import {
  captureBufferArray,
  captureOptionalSockaddr,
  isIntegerArgument,
  isLengthArgument,
  isOptionalFunction,
  isOptionalOverlapped,
  isOptionalWritableCell,
  isWellFormedWsabuf,
} from '../argument-checks';
import { type AsyncCall, Settled } from '../async-call';
import { MAIN_THREAD_ID, Ws2Core } from '../ws2-core';

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
    const buffers = sendArguments(
      call,
      lpBuffers,
      dwBufferCount,
      lpNumberOfBytesSent,
      dwFlags,
      lpOverlapped,
      lpCompletionRoutine,
    );
    if (typeof buffers === 'number') return this.failAsync(buffers, SOCKET_ERROR, call);
    this.enterAsync(socket, call);
    let pending: Promise<number>;
    try {
      pending = socket.provider.procTable.lpWSPSend(
        s,
        buffers,
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
    const buffers = sendArguments(
      call,
      lpBuffers,
      dwBufferCount,
      lpNumberOfBytesSent,
      dwFlags,
      lpOverlapped,
      lpCompletionRoutine,
    );
    if (typeof buffers === 'number') return this.failAsync(buffers, SOCKET_ERROR, call);
    const to = captureOptionalSockaddr(lpTo);
    if (typeof to === 'number') return this.failAsync(to, SOCKET_ERROR, call);
    if (!isLengthArgument(iTolen)) return this.failAsync(WSAEFAULT, SOCKET_ERROR, call);
    this.enterAsync(socket, call);
    let pending: Promise<number>;
    try {
      pending = socket.provider.procTable.lpWSPSendTo(
        s,
        buffers,
        dwBufferCount,
        lpNumberOfBytesSent,
        dwFlags,
        to,
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

/**
 * The argument checks of a send (see `argument-checks.ts`): the buffers the provider is to send —
 * the call frame's own for the one-buffer shorthands, a captured copy of the caller's array
 * otherwise — or the error: `WSAEFAULT` for a malformed buffer, count, out-cell, `WSAOVERLAPPED` or
 * completion routine, `WSAEINVAL` for flags no `DWORD` holds.
 */
function sendArguments(
  call: AsyncCall,
  lpBuffers: WSABUF[],
  dwBufferCount: number,
  lpNumberOfBytes: Out<number> | null,
  dwFlags: number,
  lpOverlapped: WSAOVERLAPPED | null,
  lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
): WSABUF[] | number {
  let buffers: WSABUF[] | number;
  if (lpBuffers === call.lpBuffers) {
    buffers = isWellFormedWsabuf(call.buffer) ? lpBuffers : WSAEFAULT;
  } else {
    buffers = captureBufferArray(lpBuffers, dwBufferCount);
    if (typeof buffers === 'number') return buffers;
    if (!isOptionalWritableCell(lpNumberOfBytes)) return WSAEFAULT;
  }
  if (typeof buffers === 'number') return buffers;
  if (!isIntegerArgument(dwFlags)) return WSAEINVAL;
  if (lpOverlapped !== null && !isOptionalOverlapped(lpOverlapped)) return WSAEFAULT;
  if (lpCompletionRoutine !== null && !isOptionalFunction(lpCompletionRoutine)) return WSAEFAULT;
  return buffers;
}
