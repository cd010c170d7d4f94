/**
 * Receiving (ReactOS recv.c): `recv`, `WSARecv`, `recvfrom`, `WSARecvFrom`. `WSARecvDisconnect`,
 * which ReactOS keeps in recv.c too, is in `disconnect.ts` with its siblings.
 * @module
 */
import { WSAEMSGSIZE } from '../../constants/error-codes';
import { MSG_PARTIAL, SOCKET_ERROR } from '../../constants/socket-api';
import type { LPWSAOVERLAPPED_COMPLETION_ROUTINE, SOCKET, WSAOVERLAPPED } from '../../spi/wsp-types';
import { type Out, out } from '../../types/out-cell';
import type { SOCKADDR } from '../../types/sockaddr';
import type { WSABUF } from '../../types/wsabuf';
import type { CallOutcome } from '../ws2-core';
import { Ws2Core } from '../ws2-core';

/** The receive calls of `Ws2`; installed on its prototype, never instantiated. */
export abstract class Ws2Receive extends Ws2Core {
  /**
   * `recv`: bytes received (0 = the peer closed gracefully), or `SOCKET_ERROR`. A partial message
   * (`MSG_PARTIAL` back from the provider) is `WSAEMSGSIZE` here, as in ws2_32's `recv`.
   */
  async recv(s: SOCKET, buf: Uint8Array, len: number, flags: number): Promise<number> {
    const cell = this.lastError.claim();
    const received = out(0);
    const lpFlags = out(flags);
    const outcome = await this.wsaRecv(s, [{ len, buf }], 1, received, lpFlags, null, null);
    if (outcome.failed) {
      cell.value = outcome.error;
      return SOCKET_ERROR;
    }
    if (lpFlags.value & MSG_PARTIAL) {
      cell.value = WSAEMSGSIZE;
      return SOCKET_ERROR;
    }
    return received.value;
  }

  /** `WSARecv`. */
  async WSARecv(
    s: SOCKET,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesRecvd: Out<number> | null,
    lpFlags: Out<number> | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  ): Promise<number> {
    const cell = this.lastError.claim();
    const outcome = await this.wsaRecv(
      s,
      lpBuffers,
      dwBufferCount,
      lpNumberOfBytesRecvd,
      lpFlags,
      lpOverlapped,
      lpCompletionRoutine,
    );
    if (outcome.failed) cell.value = outcome.error;
    return outcome.rc;
  }

  private wsaRecv(
    s: SOCKET,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesRecvd: Out<number> | null,
    lpFlags: Out<number> | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  ): Promise<CallOutcome> {
    return this.invokeAsync(
      s,
      'lpWSPRecv',
      (t, errno) =>
        t.lpWSPRecv(
          s,
          lpBuffers,
          dwBufferCount,
          lpNumberOfBytesRecvd,
          lpFlags,
          lpOverlapped,
          lpCompletionRoutine,
          this.threadId(),
          errno,
        ),
      { check: () => this.bufferArrayError(lpBuffers, dwBufferCount) },
    );
  }

  /** `recvfrom`. */
  async recvfrom(
    s: SOCKET,
    buf: Uint8Array,
    len: number,
    flags: number,
    from: Out<SOCKADDR | null> | null,
    fromlen: Out<number> | null,
  ): Promise<number> {
    const buffers = [{ len, buf }];
    const received = out(0);
    const rc = await this.WSARecvFrom(s, buffers, 1, received, out(flags), from, fromlen, null, null);
    return rc === SOCKET_ERROR ? SOCKET_ERROR : received.value;
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
    return this.callAsync(
      s,
      'lpWSPRecvFrom',
      (t, errno) =>
        t.lpWSPRecvFrom(
          s,
          lpBuffers,
          dwBufferCount,
          lpNumberOfBytesRecvd,
          lpFlags,
          lpFrom,
          lpFromlen,
          lpOverlapped,
          lpCompletionRoutine,
          this.threadId(),
          errno,
        ),
      { check: () => this.bufferArrayError(lpBuffers, dwBufferCount) },
    );
  }
}
