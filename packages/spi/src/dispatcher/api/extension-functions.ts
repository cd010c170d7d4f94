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

import { WSAEFAULT, WSAEINVAL, WSASYSCALLFAILURE } from '../../constants/error-codes';
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
import type { WSABUF } from '../../types/wsabuf';
import {
  captureBufferArray,
  captureOptionalSockaddr,
  captureOptionalWsabuf,
  isIntegerArgument,
  isLengthArgument,
  isOptionalFunction,
  isOptionalOverlapped,
  isOptionalWritableCell,
} from '../argument-checks';
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
    if (
      (lpOutputBuffer !== null &&
        !(ArrayBuffer.isView(lpOutputBuffer) && lpOutputBuffer instanceof Uint8Array)) ||
      !isLengthArgument(dwReceiveDataLength) ||
      !isLengthArgument(dwLocalAddressLength) ||
      !isLengthArgument(dwRemoteAddressLength) ||
      !isOptionalWritableCell(lpdwBytesReceived) ||
      !isOptionalOverlapped(lpOverlapped)
    ) {
      return this.failBool(WSAEFAULT);
    }
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
    // A void function: Windows has no way to report a bad buffer here (it would fault). Nothing is
    // written then, and no exception reaches the caller.
    try {
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
    } catch {
      // Hostile arguments (see above).
    }
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
    if (
      !isIntegerArgument(nNumberOfBytesToWrite) ||
      !isIntegerArgument(nNumberOfBytesPerSend) ||
      !isIntegerArgument(dwReserved)
    ) {
      return Promise.resolve(this.failBool(WSAEINVAL));
    }
    const buffers = captureTransmitBuffers(lpTransmitBuffers);
    if (buffers === undefined || !isOptionalOverlapped(lpOverlapped)) {
      return Promise.resolve(this.failBool(WSAEFAULT));
    }
    return fn(
      hSocket,
      hFile,
      nNumberOfBytesToWrite,
      nNumberOfBytesPerSend,
      lpOverlapped,
      buffers,
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
    if (!isIntegerArgument(dwFlags)) return this.failAsync(WSAEINVAL);
    const msg = captureSendMessage(lpMsg);
    if (
      msg === undefined ||
      !isOptionalWritableCell(lpNumberOfBytesSent) ||
      !isOptionalOverlapped(lpOverlapped) ||
      !isOptionalFunction(lpCompletionRoutine)
    ) {
      return this.failAsync(WSAEFAULT);
    }
    return fn(s, msg, dwFlags, lpNumberOfBytesSent, lpOverlapped, lpCompletionRoutine);
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

/**
 * `TRANSMIT_FILE_BUFFERS` as plain data, each field read once: null for NULL, undefined
 * (`WSAEFAULT`) when it cannot be read or a `Head`/`Tail` is no byte array.
 */
function captureTransmitBuffers(b: TRANSMIT_FILE_BUFFERS | null): TRANSMIT_FILE_BUFFERS | null | undefined {
  if (b === null || b === undefined) return null;
  if (typeof b !== 'object') return undefined;
  try {
    const { Head, HeadLength, Tail, TailLength } = b;
    const bytes = (v: unknown): boolean => v === null || v === undefined || ArrayBuffer.isView(v);
    if (!bytes(Head) || !bytes(Tail)) return undefined;
    return { Head: Head ?? null, HeadLength, Tail: Tail ?? null, TailLength };
  } catch {
    return undefined;
  }
}

/**
 * The `WSAMSG` of `WSASendMsg` as plain data (an input: the address, the buffers and the control
 * data captured as a send captures them): null for NULL, which the provider refuses
 * (`WSAEFAULT`); undefined (`WSAEFAULT` here) when it cannot be read or holds a malformed buffer.
 */
function captureSendMessage(msg: WSAMSG | null): WSAMSG | null | undefined {
  if (msg === null || msg === undefined) return null;
  if (typeof msg !== 'object') return undefined;
  try {
    const { name, namelen, lpBuffers, dwBufferCount, Control, dwFlags } = msg;
    const address = captureOptionalSockaddr(name);
    const buffers = captureBufferArray(lpBuffers, dwBufferCount);
    // No control data: a NULL buffer of length 0, as C passes it.
    const control = Control === null || Control === undefined ? null : captureOptionalControl(Control);
    if (typeof address === 'number' || typeof buffers === 'number' || control === undefined) return undefined;
    if (!isLengthArgument(namelen) || !isIntegerArgument(dwFlags)) return undefined;
    return {
      ...msg,
      name: address,
      namelen,
      lpBuffers: buffers,
      dwBufferCount,
      Control: control ?? { len: 0, buf: new Uint8Array(0) },
      dwFlags,
    };
  } catch {
    return undefined;
  }
}

/** A `WSAMSG.Control` read once: a `WSABUF`, or a NULL `buf` with `len` 0; undefined when malformed. */
function captureOptionalControl(control: unknown): WSABUF | null | undefined {
  const captured = captureOptionalWsabuf(control);
  if (typeof captured !== 'number') return captured;
  try {
    const { len, buf } = control as { len: unknown; buf: unknown };
    return len === 0 && (buf === null || buf === undefined) ? null : undefined;
  } catch {
    return undefined;
  }
}
