/**
 * Socket duplication (ReactOS dupsock.c): `WSADuplicateSocketW`, which describes a socket for
 * another process, and `GetCurrentProcessId`, the ID another process duplicates into this one
 * with. The target opens the duplicate with `WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
 * FROM_PROTOCOL_INFO, &info, 0, flags)` (0 for the three arguments works too). Targets are the
 * `Ws2` processes of this Node process and the child processes registered with
 * `registerChildProcess`.
 * @module
 */
import { WSAEFAULT, WSAEINVAL } from '../../constants/error-codes';
import type { SOCKET } from '../../spi/wsp-types';
import type { Out } from '../../types/out-cell';
import type { WSAPROTOCOL_INFOW } from '../../types/protocol-info';
import { isIntegerArgument, isWritableCell } from '../argument-checks';
import { thrown } from '../async-call';
import { findProcess } from '../process-directory';
import { Ws2Core } from '../ws2-core';

/** The socket-duplication calls of `Ws2`; installed on its prototype, never instantiated. */
export abstract class Ws2DuplicateSocket extends Ws2Core {
  /**
   * `WSADuplicateSocketW`: fills `lpProtocolInfo` with what process `dwProcessId` opens a new
   * descriptor of `s` with — the same socket, sharing its connection and state; closing one
   * descriptor leaves the other open. Checked in the order Windows shows: the socket
   * (`WSANOTINITIALISED`, `WSAENOTSOCK`), then the process (`WSAEINVAL` when there is no such
   * process), then the pointer (`WSAEFAULT`); then the provider's `WSPDuplicateSocket`.
   */
  WSADuplicateSocketW(
    s: SOCKET,
    dwProcessId: number,
    lpProtocolInfo: Out<WSAPROTOCOL_INFOW | null> | null,
  ): number {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.fail(socket);
    if (!isIntegerArgument(dwProcessId) || findProcess(dwProcessId) === undefined)
      return this.fail(WSAEINVAL);
    if (!isWritableCell(lpProtocolInfo)) return this.fail(WSAEFAULT);
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPDuplicateSocket(
        s,
        dwProcessId,
        lpProtocolInfo as Out<WSAPROTOCOL_INFOW | null>,
        lpErrno,
      );
    } catch (error) {
      rc = thrown(error);
    }
    return this.leave(socket, 'lpWSPDuplicateSocket', rc, lpErrno);
  }

  /** `GetCurrentProcessId`: this process's ID, for `WSADuplicateSocketW` in another process. */
  GetCurrentProcessId(): number {
    return this.processId;
  }
}
