/**
 * Names and options (ReactOS sockctrl.c and ioctl.c): `getsockname`, `getpeername`,
 * `getsockopt`, `setsockopt`, `ioctlsocket`, `WSAIoctl`.
 * @module
 */
import { WSAEFAULT } from '../../constants/error-codes';
import { FIONBIO, SOCKET_ERROR } from '../../constants/socket-api';
import type {
  LPWSAOVERLAPPED_COMPLETION_ROUTINE,
  SOCKET,
  SockOptValue,
  WSAOVERLAPPED,
} from '../../spi/wsp-types';
import { type Out, out } from '../../types/out-cell';
import type { SOCKADDR } from '../../types/sockaddr';
import { Ws2Core } from '../ws2-core';

/** The name and option calls of `Ws2`; installed on its prototype, never instantiated. */
export abstract class Ws2NamesAndOptions extends Ws2Core {
  /** `getsockname`. */
  getsockname(s: SOCKET, name: Out<SOCKADDR | null> | null, namelen: Out<number> | null): number {
    return this.callSync(s, 'lpWSPGetSockName', (t, errno) => t.lpWSPGetSockName(s, name, namelen, errno));
  }

  /** `getpeername`. */
  getpeername(s: SOCKET, name: Out<SOCKADDR | null> | null, namelen: Out<number> | null): number {
    return this.callSync(s, 'lpWSPGetPeerName', (t, errno) => t.lpWSPGetPeerName(s, name, namelen, errno));
  }

  /** `getsockopt` (`SO_PROTOCOL_INFOW`, `SO_LINGER`, `SO_ERROR`, `SO_TYPE`, `SO_MAX_MSG_SIZE`, …). */
  getsockopt(
    s: SOCKET,
    level: number,
    optname: number,
    optval: Out<SockOptValue | null> | null,
    optlen: Out<number> | null,
  ): number {
    return this.callSync(s, 'lpWSPGetSockOpt', (t, errno) =>
      t.lpWSPGetSockOpt(s, level, optname, optval, optlen, errno),
    );
  }

  /** `setsockopt`. */
  setsockopt(s: SOCKET, level: number, optname: number, optval: SockOptValue | null, optlen: number): number {
    return this.callSync(s, 'lpWSPSetSockOpt', (t, errno) =>
      t.lpWSPSetSockOpt(s, level, optname, optval, optlen, errno),
    );
  }

  /** `ioctlsocket` (`FIONBIO`, `FIONREAD`, `SIOCATMARK`): `argp` is in/out as the C `u_long *`. */
  ioctlsocket(s: SOCKET, cmd: number, argp: Out<number> | null): number {
    const valid = argp !== null && typeof argp === 'object';
    const outBuffer = out<unknown>(valid ? argp.value : 0);
    const rc = this.callSync(
      s,
      'lpWSPIoctl',
      (t, errno) =>
        t.lpWSPIoctl(s, cmd, outBuffer.value, 4, outBuffer, 4, out(0), null, null, this.threadId(), errno),
      { check: () => (valid ? 0 : WSAEFAULT) },
    );
    if (rc !== SOCKET_ERROR && cmd !== FIONBIO && valid) argp.value = Number(outBuffer.value);
    return rc;
  }

  /** `WSAIoctl`: passed to the provider's `WSPIoctl` as given. */
  WSAIoctl(
    s: SOCKET,
    dwIoControlCode: number,
    lpvInBuffer: unknown,
    cbInBuffer: number,
    lpvOutBuffer: Out<unknown> | null,
    cbOutBuffer: number,
    lpcbBytesReturned: Out<number> | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  ): number {
    return this.callSync(s, 'lpWSPIoctl', (t, errno) =>
      t.lpWSPIoctl(
        s,
        dwIoControlCode,
        lpvInBuffer,
        cbInBuffer,
        lpvOutBuffer,
        cbOutBuffer,
        lpcbBytesReturned,
        lpOverlapped,
        lpCompletionRoutine,
        this.threadId(),
        errno,
      ),
    );
  }
}
