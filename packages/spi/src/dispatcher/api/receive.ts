/**
 * Receiving (ReactOS recv.c): `recv`, `WSARecv`, `recvfrom`, `WSARecvFrom`. `WSARecvDisconnect`,
 * which ReactOS keeps in recv.c too, is in `disconnect.ts` with its siblings.
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
  isIntegerArgument,
  isIntegerCell,
  isOptionalFunction,
  isOptionalLengthCell,
  isOptionalOverlapped,
  isOptionalWritableCell,
  isWellFormedWsabuf,
} from '../argument-checks';
import { type AsyncCall, Settled } from '../async-call';
import { MAIN_THREAD_ID, Ws2Core } from '../ws2-core';

/** The receive calls of `Ws2`; installed on its prototype, never instantiated. */
export abstract class Ws2Receive extends Ws2Core {
  /**
   * `recv`: bytes received (0 = the peer closed gracefully), or `SOCKET_ERROR`. A partial message
   * (`MSG_PARTIAL` back from the provider) is `WSAEMSGSIZE` here, as in ws2_32's `recv`.
   */
  recv(s: SOCKET, buf: Uint8Array, len: number, flags: number): Promise<number> {
    const call = this.takeCall();
    call.buffer.len = len;
    call.buffer.buf = buf;
    call.lpFlags.value = flags;
    const { lpBuffers, lpBytes, lpFlags } = call;
    return this.receiveBuffers(
      s,
      lpBuffers,
      1,
      lpBytes,
      lpFlags,
      null,
      null,
      call,
      Settled.BytesWholeMessage,
    );
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
      this.takeCall(),
      Settled.Result,
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
    const call = this.takeCall();
    call.buffer.len = len;
    call.buffer.buf = buf;
    call.lpFlags.value = flags;
    const { lpBuffers, lpBytes, lpFlags } = call;
    return this.receiveBuffersFrom(
      s,
      lpBuffers,
      1,
      lpBytes,
      lpFlags,
      from,
      fromlen,
      null,
      null,
      call,
      Settled.Bytes,
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
      this.takeCall(),
      Settled.Result,
    );
  }

  /**
   * `WSARecv` in the frame `call`; `settles` says what success gives (for `recv`, the bytes
   * received, and `WSAEMSGSIZE` for a partial message).
   */
  private receiveBuffers(
    s: SOCKET,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesRecvd: Out<number> | null,
    lpFlags: Out<number> | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
    call: AsyncCall,
    settles: Settled,
  ): Promise<number> {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.failAsync(socket, SOCKET_ERROR, call);
    const buffers = receiveArguments(
      call,
      lpBuffers,
      dwBufferCount,
      lpNumberOfBytesRecvd,
      lpFlags,
      lpOverlapped,
      lpCompletionRoutine,
    );
    if (typeof buffers === 'number') return this.failAsync(buffers, SOCKET_ERROR, call);
    this.enterAsync(socket, call);
    let pending: Promise<number>;
    try {
      pending = socket.provider.procTable.lpWSPRecv(
        s,
        buffers,
        dwBufferCount,
        lpNumberOfBytesRecvd,
        lpFlags,
        lpOverlapped,
        lpCompletionRoutine,
        MAIN_THREAD_ID,
        call.lpErrno,
      );
    } catch (error) {
      pending = Promise.reject(error);
    }
    return this.settle(socket, call, 'lpWSPRecv', pending, SOCKET_ERROR, settles);
  }

  /** `WSARecvFrom` in the frame `call`; `settles` says what success gives (the bytes, for `recvfrom`). */
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
    call: AsyncCall,
    settles: Settled,
  ): Promise<number> {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.failAsync(socket, SOCKET_ERROR, call);
    const buffers = receiveArguments(
      call,
      lpBuffers,
      dwBufferCount,
      lpNumberOfBytesRecvd,
      lpFlags,
      lpOverlapped,
      lpCompletionRoutine,
    );
    if (typeof buffers === 'number') return this.failAsync(buffers, SOCKET_ERROR, call);
    if (!isOptionalWritableCell(lpFrom) || !isOptionalLengthCell(lpFromlen)) {
      return this.failAsync(WSAEFAULT, SOCKET_ERROR, call);
    }
    this.enterAsync(socket, call);
    let pending: Promise<number>;
    try {
      pending = socket.provider.procTable.lpWSPRecvFrom(
        s,
        buffers,
        dwBufferCount,
        lpNumberOfBytesRecvd,
        lpFlags,
        lpFrom,
        lpFromlen,
        lpOverlapped,
        lpCompletionRoutine,
        MAIN_THREAD_ID,
        call.lpErrno,
      );
    } catch (error) {
      pending = Promise.reject(error);
    }
    return this.settle(socket, call, 'lpWSPRecvFrom', pending, SOCKET_ERROR, settles);
  }
}

/**
 * The argument checks of a receive (see `argument-checks.ts`): the buffers the provider is to fill —
 * the call frame's own for the one-buffer shorthands, a captured copy of the caller's array
 * otherwise — or the error: `WSAEFAULT` for a malformed buffer, count, out-cell, `lpFlags`,
 * `WSAOVERLAPPED` or completion routine, `WSAEINVAL` for shorthand flags no `DWORD` holds.
 */
function receiveArguments(
  call: AsyncCall,
  lpBuffers: WSABUF[],
  dwBufferCount: number,
  lpNumberOfBytes: Out<number> | null,
  lpFlags: Out<number> | null,
  lpOverlapped: WSAOVERLAPPED | null,
  lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
): WSABUF[] | number {
  let buffers: WSABUF[] | number;
  if (lpBuffers === call.lpBuffers) {
    if (!isWellFormedWsabuf(call.buffer)) return WSAEFAULT;
    // The shorthand's flags argument, in the frame's own cell.
    if (!isIntegerArgument(call.lpFlags.value)) return WSAEINVAL;
    buffers = lpBuffers;
  } else {
    buffers = captureBufferArray(lpBuffers, dwBufferCount);
    if (typeof buffers === 'number') return buffers;
    if (!isOptionalWritableCell(lpNumberOfBytes) || !isIntegerCell(lpFlags)) return WSAEFAULT;
  }
  if (lpOverlapped !== null && !isOptionalOverlapped(lpOverlapped)) return WSAEFAULT;
  if (lpCompletionRoutine !== null && !isOptionalFunction(lpCompletionRoutine)) return WSAEFAULT;
  return buffers;
}
