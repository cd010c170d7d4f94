/**
 * The extension functions as the system DLLs export them directly: mswsock.dll's `AcceptEx`,
 * `GetAcceptExSockaddrs` and `TransmitFile`, and ws2_32's `WSASendMsg` (Vista and later). Each
 * asks the provider of the socket it is given for its function —
 * `WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)` through the socket's `WSPIoctl`, so a layered
 * provider's own function is the one called — and calls it. Applications that follow Microsoft's
 * advice, and every other extension function (`ConnectEx`, `DisconnectEx`, `WSARecvMsg`), get the
 * pointer with `WSAIoctl` themselves, per socket.
 * @module
 */

import { WSASYSCALLFAILURE } from '../../constants/error-codes';
import {
  SIO_GET_EXTENSION_FUNCTION_POINTER,
  WSAID_ACCEPTEX,
  WSAID_TRANSMITFILE,
  WSAID_WSASENDMSG,
} from '../../constants/mswsock';
import { GetAcceptExSockaddrs as kitGetAcceptExSockaddrs } from '../../provider-kit/extension-functions/get-accept-ex-sockaddrs';
import {
  type ExtensionFunction,
  type FILE_HANDLE,
  type LPFN_ACCEPTEX,
  type LPFN_TRANSMITFILE,
  type LPFN_WSASENDMSG,
  SIZEOF_POINTER,
  type TRANSMIT_FILE_BUFFERS,
  type WSAMSG,
} from '../../spi/mswsock-types';
import type { LPWSAOVERLAPPED_COMPLETION_ROUTINE, SOCKET, WSAOVERLAPPED } from '../../spi/wsp-types';
import type { GUID } from '../../types/guid';
import { type Out, out } from '../../types/out-cell';
import type { SOCKADDR } from '../../types/sockaddr';
import { thrown } from '../async-call';
import { MAIN_THREAD_ID, Ws2Core } from '../ws2-core';

/** The directly exported extension functions of `Ws2`; installed on its prototype, never instantiated. */
export abstract class Ws2ExtensionFunctions extends Ws2Core {
  /** `AcceptEx` (mswsock.dll): the listening socket's provider's `AcceptEx`. */
  AcceptEx(
    sListenSocket: SOCKET,
    sAcceptSocket: SOCKET,
    lpOutputBuffer: Uint8Array | null,
    dwReceiveDataLength: number,
    dwLocalAddressLength: number,
    dwRemoteAddressLength: number,
    lpdwBytesReceived: Out<number> | null,
    lpOverlapped: WSAOVERLAPPED | null,
  ): boolean {
    const fn = this.extensionOf<LPFN_ACCEPTEX>(sListenSocket, WSAID_ACCEPTEX);
    if (typeof fn === 'number') return this.failBool(fn);
    return fn(
      sListenSocket,
      sAcceptSocket,
      lpOutputBuffer,
      dwReceiveDataLength,
      dwLocalAddressLength,
      dwRemoteAddressLength,
      lpdwBytesReceived,
      lpOverlapped,
    );
  }

  /** `GetAcceptExSockaddrs` (mswsock.dll): the addresses in an `AcceptEx` buffer of a kit provider. */
  GetAcceptExSockaddrs(
    lpOutputBuffer: Uint8Array,
    dwReceiveDataLength: number,
    dwLocalAddressLength: number,
    dwRemoteAddressLength: number,
    LocalSockaddr: Out<SOCKADDR | null>,
    LocalSockaddrLength: Out<number>,
    RemoteSockaddr: Out<SOCKADDR | null>,
    RemoteSockaddrLength: Out<number>,
  ): void {
    kitGetAcceptExSockaddrs(
      lpOutputBuffer,
      dwReceiveDataLength,
      dwLocalAddressLength,
      dwRemoteAddressLength,
      LocalSockaddr,
      LocalSockaddrLength,
      RemoteSockaddr,
      RemoteSockaddrLength,
    );
  }

  /** `TransmitFile` (mswsock.dll): the socket's provider's `TransmitFile`. */
  TransmitFile(
    hSocket: SOCKET,
    hFile: FILE_HANDLE | null,
    nNumberOfBytesToWrite: number,
    nNumberOfBytesPerSend: number,
    lpOverlapped: WSAOVERLAPPED | null,
    lpTransmitBuffers: TRANSMIT_FILE_BUFFERS | null,
    dwReserved: number,
  ): Promise<boolean> {
    const fn = this.extensionOf<LPFN_TRANSMITFILE>(hSocket, WSAID_TRANSMITFILE);
    if (typeof fn === 'number') return Promise.resolve(this.failBool(fn));
    return fn(
      hSocket,
      hFile,
      nNumberOfBytesToWrite,
      nNumberOfBytesPerSend,
      lpOverlapped,
      lpTransmitBuffers,
      dwReserved,
    );
  }

  /** `WSASendMsg` (ws2_32, Vista and later): the socket's provider's `WSASendMsg`. */
  WSASendMsg(
    s: SOCKET,
    lpMsg: WSAMSG | null,
    dwFlags: number,
    lpNumberOfBytesSent: Out<number> | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  ): Promise<number> {
    const fn = this.extensionOf<LPFN_WSASENDMSG>(s, WSAID_WSASENDMSG);
    if (typeof fn === 'number') return this.failAsync(fn);
    return fn(s, lpMsg, dwFlags, lpNumberOfBytesSent, lpOverlapped, lpCompletionRoutine);
  }

  /**
   * The extension function `guid` of the provider that owns `s` (its `WSPIoctl`, without touching
   * the last error), or the error: `WSANOTINITIALISED`, `WSAENOTSOCK`, the provider's refusal.
   */
  private extensionOf<F extends ExtensionFunction>(s: SOCKET, guid: GUID): F | number {
    const socket = this.route(s);
    if (typeof socket === 'number') return socket;
    const pointer = out<unknown>(null);
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPIoctl(
        s,
        SIO_GET_EXTENSION_FUNCTION_POINTER,
        guid,
        16,
        pointer,
        SIZEOF_POINTER,
        out(0),
        null,
        null,
        MAIN_THREAD_ID,
        lpErrno,
      );
    } catch (error) {
      rc = thrown(error);
    }
    const error = lpErrno.value;
    if (!this.leaveQuietly(socket, 'lpWSPIoctl', rc, lpErrno)) return error || WSASYSCALLFAILURE;
    return typeof pointer.value === 'function' ? (pointer.value as F) : WSASYSCALLFAILURE;
  }
}
