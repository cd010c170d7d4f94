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
import { Ws2Core } from '../ws2-core';

/** The send calls of `Ws2`; installed on its prototype, never instantiated. */
export abstract class Ws2Send extends Ws2Core {
  /** `send`: bytes sent, or `SOCKET_ERROR`. */
  async send(s: SOCKET, buf: Uint8Array, len: number, flags: number): Promise<number> {
    const buffers = [{ len, buf }];
    const sent = out(0);
    const rc = await this.WSASend(s, buffers, 1, sent, flags, null, null);
    return rc === SOCKET_ERROR ? SOCKET_ERROR : sent.value;
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
    return this.callAsync(
      s,
      'lpWSPSend',
      (t, errno) =>
        t.lpWSPSend(
          s,
          lpBuffers,
          dwBufferCount,
          lpNumberOfBytesSent,
          dwFlags,
          lpOverlapped,
          lpCompletionRoutine,
          this.threadId(),
          errno,
        ),
      { check: () => this.bufferArrayError(lpBuffers, dwBufferCount) },
    );
  }

  /** `sendto`. */
  async sendto(
    s: SOCKET,
    buf: Uint8Array,
    len: number,
    flags: number,
    to: SOCKADDR | null,
    tolen: number,
  ): Promise<number> {
    const buffers = [{ len, buf }];
    const sent = out(0);
    const rc = await this.WSASendTo(s, buffers, 1, sent, flags, to, tolen, null, null);
    return rc === SOCKET_ERROR ? SOCKET_ERROR : sent.value;
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
    return this.callAsync(
      s,
      'lpWSPSendTo',
      (t, errno) =>
        t.lpWSPSendTo(
          s,
          lpBuffers,
          dwBufferCount,
          lpNumberOfBytesSent,
          dwFlags,
          lpTo,
          iTolen,
          lpOverlapped,
          lpCompletionRoutine,
          this.threadId(),
          errno,
        ),
      { check: () => this.bufferArrayError(lpBuffers, dwBufferCount) },
    );
  }
}
