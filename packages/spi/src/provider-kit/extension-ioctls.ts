/**
 * The `WSPIoctl` codes of a base provider beyond `FIONBIO`/`FIONREAD`/`SIOCATMARK`, with the
 * results Windows gives on a socket without LSPs (Wine's test_get_extension_func and
 * test_base_handle, against Windows):
 *
 * - `SIO_GET_EXTENSION_FUNCTION_POINTER`: the GUID in, the function out (`*lpcbBytesReturned` =
 *   `sizeof(void *)`). No byte count, a short input or output buffer → `WSAEFAULT`; an unknown GUID
 *   → `WSAEINVAL`, nothing written and nothing completed. Overlapped, it succeeds at once *and*
 *   completes the request: a port packet with 0 bytes, or the routine with error 0 and 0 bytes.
 * - `SIO_BASE_HANDLE`, `SIO_BSP_HANDLE`, `SIO_BSP_HANDLE_SELECT`, `SIO_BSP_HANDLE_POLL`: a base
 *   provider is the bottom of the chain, so each answers the socket itself. A short output →
 *   `WSAEFAULT`; overlapped without a byte count → `WSAEFAULT`; `SIO_BSP_HANDLE_POLL` overlapped →
 *   `WSAEFAULT`. The others overlapped pend and complete with `WSAEOPNOTSUPP` (`ERROR_NOT_SUPPORTED`
 *   on the port), the output unwritten.
 * - `SIO_EXT_POLL`: `WSAPoll` for the provider's sockets (see `extPoll`).
 * @module
 */

import { WSA_OPERATION_ABORTED, WSAEFAULT, WSAEINVAL, WSAEOPNOTSUPP } from '../constants/error-codes';
import {
  SIO_BASE_HANDLE,
  SIO_BSP_HANDLE,
  SIO_BSP_HANDLE_POLL,
  SIO_BSP_HANDLE_SELECT,
  SIO_EXT_POLL,
  SIO_GET_EXTENSION_FUNCTION_POINTER,
} from '../constants/mswsock';
import { POLLNVAL, POLLRDNORM, POLLWRNORM } from '../constants/socket-api';
import { SIZEOF_POINTER, SIZEOF_SOCKET, type WSAPOLLDATA } from '../spi/mswsock-types';
import type {
  LPWSAOVERLAPPED_COMPLETION_ROUTINE,
  SOCKET,
  WSAOVERLAPPED,
  WSATHREADID,
} from '../spi/wsp-types';
import type { Out } from '../types/out-cell';
import { isOut } from './buffer-io';
import { extensionFunction } from './extension-functions/extension-function-table';
import { fail } from './kit-failure';
import type { KitSocket } from './kit-socket';
import { beginRequest, type OverlappedCall, pendRequest } from './overlapped-io';
import type { ProviderInstance } from './provider-instance';
import { StreamSocket } from './stream-socket';

/** `sizeof(GUID)`. */
const SIZEOF_GUID = 16;

const BASE_HANDLE_CODES = new Set([
  SIO_BASE_HANDLE,
  SIO_BSP_HANDLE,
  SIO_BSP_HANDLE_SELECT,
  SIO_BSP_HANDLE_POLL,
]);

/** The arguments of one `WSPIoctl` call. */
export interface IoctlCall {
  readonly s: SOCKET;
  readonly socket: KitSocket;
  readonly code: number;
  readonly lpvInBuffer: unknown;
  readonly cbInBuffer: number;
  readonly lpvOutBuffer: Out<unknown> | null;
  readonly cbOutBuffer: number;
  readonly lpcbBytesReturned: Out<number> | null;
  readonly lpOverlapped: WSAOVERLAPPED | null;
  readonly lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null;
  readonly lpThreadId: WSATHREADID | null;
}

/** True for the codes `extensionIoctl` answers. */
export function isExtensionIoctl(code: number): boolean {
  return code === SIO_GET_EXTENSION_FUNCTION_POINTER || code === SIO_EXT_POLL || BASE_HANDLE_CODES.has(code);
}

/**
 * `SIO_EXT_POLL`: `WSAPoll` evaluated by the provider, which knows what `select` cannot tell (the
 * peer's close behind unread data, a reset). Each entry's `revents` is set now (no waiting: the
 * dispatcher waits with `WSPSelect`); a handle that is not one of this provider's live sockets is
 * `POLLNVAL`.
 */
function extPoll(instance: ProviderInstance, call: IoctlCall): number {
  const data = call.lpvInBuffer as WSAPOLLDATA | null;
  if (typeof data !== 'object' || data === null || !Array.isArray(data.fdArray)) fail(WSAEFAULT);
  const count = Math.min(data.fds >>> 0, data.fdArray.length);
  let ready = 0;
  for (let i = 0; i < count; i++) {
    const pfd = data.fdArray[i]!;
    let socket: KitSocket | undefined;
    try {
      socket = instance.lookup(pfd.fd);
    } catch {
      socket = undefined;
    }
    if (!socket) pfd.revents = POLLNVAL;
    else if (socket instanceof StreamSocket) pfd.revents = socket.pollEvents(pfd.events);
    else {
      const readiness = socket.readiness();
      pfd.revents =
        (readiness.readable ? pfd.events & POLLRDNORM : 0) |
        (readiness.writable ? pfd.events & POLLWRNORM : 0);
    }
    if (pfd.revents) ready++;
  }
  data.result = ready;
  if (isOut(call.lpcbBytesReturned)) call.lpcbBytesReturned.value = 0;
  return 0;
}

/** Answers one of the codes above: 0 (or a thrown Winsock error, `WSA_IO_PENDING` included). */
export function extensionIoctl(instance: ProviderInstance, call: IoctlCall): number {
  if (call.code === SIO_EXT_POLL) return extPoll(instance, call);
  const overlapped = typeof call.lpOverlapped === 'object' && call.lpOverlapped !== null;
  const request: OverlappedCall = {
    socket: call.socket,
    handle: call.s,
    lpOverlapped: overlapped ? call.lpOverlapped : null,
    lpCompletionRoutine: call.lpCompletionRoutine,
    lpThreadId: call.lpThreadId,
    abortCode: WSA_OPERATION_ABORTED,
  };
  if (call.code === SIO_GET_EXTENSION_FUNCTION_POINTER) {
    if (!isOut(call.lpcbBytesReturned)) fail(WSAEFAULT);
    if (typeof call.lpvInBuffer !== 'string' || call.cbInBuffer < SIZEOF_GUID) fail(WSAEFAULT);
    if (!isOut(call.lpvOutBuffer) || call.cbOutBuffer < SIZEOF_POINTER) fail(WSAEFAULT);
    const fn = extensionFunction(instance, call.lpvInBuffer);
    if (!fn) fail(WSAEINVAL);
    call.lpvOutBuffer.value = fn;
    call.lpcbBytesReturned.value = SIZEOF_POINTER;
    if (overlapped) beginRequest(instance, request).complete({ bytes: 0, flags: 0, error: 0 }, true);
    return 0;
  }
  if (!isOut(call.lpvOutBuffer) || call.cbOutBuffer < SIZEOF_SOCKET) fail(WSAEFAULT);
  if (overlapped) {
    if (!isOut(call.lpcbBytesReturned) || call.code === SIO_BSP_HANDLE_POLL) fail(WSAEFAULT);
    pendRequest(instance, request, async () => fail(WSAEOPNOTSUPP));
  }
  call.lpvOutBuffer.value = call.s;
  if (isOut(call.lpcbBytesReturned)) call.lpcbBytesReturned.value = SIZEOF_SOCKET;
  return 0;
}
