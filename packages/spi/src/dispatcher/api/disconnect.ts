/**
 * Disconnect: `shutdown` (ReactOS sockctrl.c), `WSASendDisconnect` (send.c) and
 * `WSARecvDisconnect` (recv.c) — the application's face of a graceful close, each forwarded
 * unchanged to its own WSP function. (`DisconnectEx`, the mswsock sibling, is an extension
 * function obtained through `WSAIoctl`.)
 * @module
 */
import { WSAEFAULT } from '../../constants/error-codes';
import type { SOCKET } from '../../spi/wsp-types';
import type { WSABUF } from '../../types/wsabuf';
import { thrown } from '../async-call';
import { isOptionalWsabuf, Ws2Core } from '../ws2-core';

/** The disconnect calls of `Ws2`; installed on its prototype, never instantiated. */
export abstract class Ws2Disconnect extends Ws2Core {
  /** `shutdown(s, how)`: `SD_RECEIVE`, `SD_SEND` or `SD_BOTH`. Never blocks. */
  shutdown(s: SOCKET, how: number): number {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.fail(socket);
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
    if (!isOptionalWsabuf(lpOutboundDisconnectData)) return this.fail(WSAEFAULT);
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPSendDisconnect(s, lpOutboundDisconnectData, lpErrno);
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
    if (!isOptionalWsabuf(lpInboundDisconnectData)) return this.fail(WSAEFAULT);
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPRecvDisconnect(s, lpInboundDisconnectData, lpErrno);
    } catch (error) {
      rc = thrown(error);
    }
    return this.leave(socket, 'lpWSPRecvDisconnect', rc, lpErrno, true);
  }
}
