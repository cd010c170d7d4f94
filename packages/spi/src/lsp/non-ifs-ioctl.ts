/**
 * `WSPIoctl` of a non-IFS layer — what the Microsoft sample's `WSPIoctl` does with the ioctls a
 * layer must look at, on the handles it owns:
 *
 * - `SIO_GET_EXTENSION_FUNCTION_POINTER`: short or missing buffers (or no byte count) →
 *   `WSAEFAULT`; the functions the layer wraps are answered with its own
 *   (`non-ifs-extension-functions.ts`); `GetAcceptExSockaddrs`, which takes no socket, goes to the
 *   lower provider; any other GUID → `WSAEINVAL`, not forwarded. Overlapped, the answer also
 *   completes the request, as the base provider's does.
 * - `SIO_BSP_HANDLE` and `SIO_BSP_HANDLE_POLL` (the handles `WSASendMsg` and `WSAPoll` are sent
 *   to): the layer's own handle, since it handles those calls for its sockets.
 * - `SIO_EXT_POLL` (`WSAPoll` evaluated by the provider): the handles translated both ways.
 * - everything else — `SIO_BASE_HANDLE` (never intercepted: the base answers its own handle, which
 *   differs from the application's), `SIO_BSP_HANDLE_SELECT` (left to the lower layers, as in the
 *   sample), `FIONBIO`, … — goes down with the lower handle; an overlapped one through the layer's
 *   overlapped engine, so it completes on the layer's handle.
 * @module
 */

import { WSAEFAULT, WSAEINVAL } from '../constants/error-codes';
import {
  SIO_BSP_HANDLE,
  SIO_BSP_HANDLE_POLL,
  SIO_EXT_POLL,
  SIO_GET_EXTENSION_FUNCTION_POINTER,
  WSAID_GETACCEPTEXSOCKADDRS,
} from '../constants/mswsock';
import { SOCKET_ERROR } from '../constants/socket-api';
import { SIZEOF_POINTER, SIZEOF_SOCKET, type WSAPOLLDATA } from '../spi/mswsock-types';
import type { LPWSPIOCTL } from '../spi/wsp-proc-table';
import type { LPINT } from '../spi/wsp-types';
import { parseGuid } from '../types/guid';
import { out } from '../types/out-cell';
import type { LayerInstance, LayerSocket } from './layer-instance';
import { layerExtensionFunction } from './non-ifs-extension-functions';

function isOutCell(value: unknown): value is { value: unknown } {
  return typeof value === 'object' && value !== null && 'value' in value;
}

/**
 * `SIO_EXT_POLL` through the layer: the entries' handles are the layer's, so the request goes to
 * the provider below with its handles, and the answers come back on the layer's. Every socket
 * must be on the same route (one lower provider); otherwise `WSAEINVAL`, and `WSAPoll` falls back
 * to `select`.
 */
function extPoll(layer: LayerInstance, first: LayerSocket, input: unknown, lpErrno: LPINT): number {
  const data = input as WSAPOLLDATA | null;
  if (typeof data !== 'object' || data === null || !Array.isArray(data.fdArray)) {
    lpErrno.value = WSAEFAULT;
    return SOCKET_ERROR;
  }
  const count = Math.min(data.fds >>> 0, data.fdArray.length);
  const entries = data.fdArray.slice(0, count);
  const sockets = entries.map((pfd) => layer.lookup(pfd.fd, out(0)));
  if (sockets.some((socket) => !socket || socket.route.nextProvider !== first.route.nextProvider)) {
    lpErrno.value = WSAEINVAL;
    return SOCKET_ERROR;
  }
  const lower: WSAPOLLDATA = {
    result: 0,
    fds: count,
    timeout: data.timeout,
    fdArray: entries.map((pfd, i) => ({
      fd: (sockets[i] as LayerSocket).lower,
      events: pfd.events,
      revents: 0,
    })),
  };
  const rc = first.route.lower.lpWSPIoctl(
    first.lower,
    SIO_EXT_POLL,
    lower,
    0,
    null,
    0,
    out(0),
    null,
    null,
    null,
    lpErrno,
  );
  if (rc !== 0) return rc;
  entries.forEach((pfd, i) => {
    pfd.revents = lower.fdArray[i]!.revents;
  });
  data.result = lower.result;
  return 0;
}

/** The `WSPIoctl` of a non-IFS layer over `layer`. */
export function nonIfsIoctl(layer: LayerInstance): LPWSPIOCTL {
  return (
    s,
    dwIoControlCode,
    lpvInBuffer,
    cbInBuffer,
    lpvOutBuffer,
    cbOutBuffer,
    lpcbBytesReturned,
    lpOverlapped,
    lpCompletionRoutine,
    lpThreadId,
    lpErrno,
  ) => {
    const socket = layer.lookup(s, lpErrno);
    if (!socket) return SOCKET_ERROR;
    const code = dwIoControlCode >>> 0;
    const overlapped = typeof lpOverlapped === 'object' && lpOverlapped !== null;
    const completeAtOnce = (): void => {
      if (overlapped) layer.host.io?.WPUCompleteOverlappedRequest(s, lpOverlapped, 0, 0, out(0));
    };
    if (code === SIO_GET_EXTENSION_FUNCTION_POINTER) {
      const guid = typeof lpvInBuffer === 'string' ? parseGuid(lpvInBuffer) : undefined;
      if (
        !isOutCell(lpcbBytesReturned) ||
        guid === undefined ||
        cbInBuffer < 16 ||
        !isOutCell(lpvOutBuffer) ||
        cbOutBuffer < SIZEOF_POINTER
      ) {
        lpErrno.value = WSAEFAULT;
        return SOCKET_ERROR;
      }
      if (guid !== WSAID_GETACCEPTEXSOCKADDRS) {
        const fn = layerExtensionFunction(layer, guid);
        if (!fn) {
          lpErrno.value = WSAEINVAL;
          return SOCKET_ERROR;
        }
        lpvOutBuffer.value = fn;
        lpcbBytesReturned.value = SIZEOF_POINTER;
        completeAtOnce();
        return 0;
      }
      const rc = socket.route.lower.lpWSPIoctl(
        socket.lower,
        code,
        lpvInBuffer,
        cbInBuffer,
        lpvOutBuffer,
        cbOutBuffer,
        lpcbBytesReturned,
        null,
        null,
        lpThreadId,
        lpErrno,
      );
      if (rc === 0) completeAtOnce();
      return rc;
    }
    if (code === SIO_EXT_POLL) return extPoll(layer, socket, lpvInBuffer, lpErrno);
    if (code === SIO_BSP_HANDLE || code === SIO_BSP_HANDLE_POLL) {
      if (
        !isOutCell(lpvOutBuffer) ||
        cbOutBuffer < SIZEOF_SOCKET ||
        (overlapped && (code === SIO_BSP_HANDLE_POLL || !isOutCell(lpcbBytesReturned)))
      ) {
        lpErrno.value = WSAEFAULT;
        return SOCKET_ERROR;
      }
      lpvOutBuffer.value = s;
      if (isOutCell(lpcbBytesReturned)) lpcbBytesReturned.value = SIZEOF_SOCKET;
      completeAtOnce();
      return 0;
    }
    if (!overlapped) {
      return socket.route.lower.lpWSPIoctl(
        socket.lower,
        code,
        lpvInBuffer,
        cbInBuffer,
        lpvOutBuffer,
        cbOutBuffer,
        lpcbBytesReturned,
        null,
        lpCompletionRoutine,
        lpThreadId,
        lpErrno,
      );
    }
    return layer.overlapped.forwardSync(
      socket,
      { lpOverlapped, lpCompletionRoutine, lpThreadId },
      lpErrno,
      (ov) => {
        const errno = out(0);
        const rc = socket.route.lower.lpWSPIoctl(
          socket.lower,
          code,
          lpvInBuffer,
          cbInBuffer,
          lpvOutBuffer,
          cbOutBuffer,
          out(0),
          ov,
          null,
          lpThreadId,
          errno,
        );
        return rc === SOCKET_ERROR ? { failed: true, error: errno.value } : { failed: false, error: 0 };
      },
    );
  };
}
