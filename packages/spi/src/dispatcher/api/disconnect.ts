/**
 * Disconnect: `shutdown` (ReactOS sockctrl.c), `WSASendDisconnect` (send.c) and
 * `WSARecvDisconnect` (recv.c) — the application's face of a graceful close, each forwarded
 * unchanged to its own WSP function. (`DisconnectEx`, the mswsock sibling, is an extension
 * function obtained through `WSAIoctl`.)
 * @module
 */
import { WSAEFAULT, WSAEINVAL } from '../../constants/error-codes';
import type { SOCKET } from '../../spi/wsp-types';
import type { WSABUF } from '../../types/wsabuf';
import { captureOptionalWsabuf, isIntegerArgument, isOptionalWritableWsabuf } from '../argument-checks';
import { thrown } from '../async-call';
import { Ws2Core } from '../ws2-core';

/** The disconnect calls of `Ws2`; installed on its prototype, never instantiated. */
export abstract class Ws2Disconnect extends Ws2Core {
  /** `shutdown(s, how)`: `SD_RECEIVE`, `SD_SEND` or `SD_BOTH`. Never blocks. */
  shutdown(s: SOCKET, how: number): number {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.fail(socket);
    if (!isIntegerArgument(how)) return this.fail(WSAEINVAL);
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPShutdown(s, how, lpErrno);
    } catch (error) {
      rc = thrown(error);
    }
    return this.leave(socket, 'lpWSPShutdown', rc, lpErrno);
  }

  /**
   * `WSASendDisconnect`: goes to `WSPSendDisconnect` unchanged (never rewritten as a shutdown), so
   * the provider decides: disconnect data on a protocol without `XP1_DISCONNECT_DATA` is
   * `WSAENOPROTOOPT`. Never blocks.
   */
  WSASendDisconnect(s: SOCKET, lpOutboundDisconnectData: WSABUF | null): number {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.fail(socket);
    // NULL costs nothing here; data is captured as plain bytes the provider reads once.
    const data = lpOutboundDisconnectData === null ? null : captureOptionalWsabuf(lpOutboundDisconnectData);
    if (typeof data === 'number') return this.fail(data);
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPSendDisconnect(s, data, lpErrno);
    } catch (error) {
      rc = thrown(error);
    }
    return this.leave(socket, 'lpWSPSendDisconnect', rc, lpErrno);
  }

  /**
   * `WSARecvDisconnect`: goes to `WSPRecvDisconnect`; the peer's disconnect data is copied into the
   * buffer and `len` set to its size (`WSAEFAULT` if it does not fit). Never blocks. Like ws2_32, it
   * does not turn an error-less failure into `WSASYSCALLFAILURE`.
   */
  WSARecvDisconnect(s: SOCKET, lpInboundDisconnectData: WSABUF | null): number {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.fail(socket);
    if (!isOptionalWritableWsabuf(lpInboundDisconnectData)) return this.fail(WSAEFAULT);
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPRecvDisconnect(s, lpInboundDisconnectData ?? null, lpErrno);
    } catch (error) {
      rc = thrown(error);
    }
    return this.leave(socket, 'lpWSPRecvDisconnect', rc, lpErrno, true);
  }
}
