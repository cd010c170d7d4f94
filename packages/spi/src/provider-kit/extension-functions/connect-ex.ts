/**
 * `ConnectEx` of the kit, as Windows answers it (Wine's test_connect, against Windows):
 * `Internal` becomes `STATUS_PENDING` first; not a socket → `WSAENOTSOCK`; a listening, unbound
 * (or otherwise not freshly bound) socket, or one an `AcceptEx` is pending into → `WSAEINVAL`; a
 * connected one → `WSAEISCONN`; a bad address → the address check's error (`WSAEFAULT` for a
 * short `namelen`); no `OVERLAPPED` → `ERROR_INVALID_PARAMETER`. Otherwise it pends and completes
 * on the socket's port with the bytes of `lpSendBuffer` it sent after connecting, or with the
 * connect's error (`WSAECONNREFUSED` → `ERROR_CONNECTION_REFUSED`); a refused socket may try again.
 * @module
 */

import {
  WSA_OPERATION_ABORTED,
  WSAEALREADY,
  WSAEFAULT,
  WSAEINVAL,
  WSAEISCONN,
  WSAENOTSOCK,
} from '../../constants/error-codes';
import { STATUS_PENDING } from '../../constants/ntstatus';
import { ERROR_INVALID_PARAMETER } from '../../constants/win32-errors';
import type { LPFN_CONNECTEX } from '../../spi/mswsock-types';
import type { WSAOVERLAPPED } from '../../spi/wsp-types';
import { fail } from '../kit-failure';
import type { KitSocket } from '../kit-socket';
import { pendRequest } from '../overlapped-io';
import type { ProviderInstance } from '../provider-instance';
import { StreamSocket } from '../stream-socket';
import { hasAcceptExPending } from './accept-ex';
import { boolCall } from './extension-call';

/** The `ConnectEx` of one provider instance. */
export function createConnectEx(instance: ProviderInstance): LPFN_CONNECTEX {
  return (s, name, namelen, lpSendBuffer, dwSendDataLength, lpdwBytesSent, lpOverlapped) =>
    boolCall(instance, () => {
      const ov = typeof lpOverlapped === 'object' && lpOverlapped !== null ? lpOverlapped : null;
      if (ov) ov.Internal = STATUS_PENDING;
      let socket: KitSocket;
      try {
        socket = instance.lookup(s);
      } catch {
        return fail(WSAENOTSOCK);
      }
      if (!(socket instanceof StreamSocket)) fail(WSAEINVAL);
      const state = socket.connectionState;
      if (state === 'connected') fail(WSAEISCONN);
      if (state === 'connecting') fail(WSAEALREADY);
      if (state !== 'bound' || hasAcceptExPending(socket)) fail(WSAEINVAL);
      if (!name) fail(WSAEFAULT);
      const bad = instance.driverFor(socket.info).checkAddress(name, namelen, 'connect');
      if (bad) fail(bad);
      const length = lpSendBuffer === null ? 0 : dwSendDataLength >>> 0;
      if (
        lpSendBuffer !== null &&
        (!(lpSendBuffer instanceof Uint8Array) || length > lpSendBuffer.byteLength)
      )
        fail(WSAEFAULT);
      if (lpdwBytesSent !== null && (typeof lpdwBytesSent !== 'object' || !('value' in lpdwBytesSent)))
        fail(WSAEFAULT);
      if (!ov) fail(ERROR_INVALID_PARAMETER);
      // The kit never keeps a caller's buffer: the bytes to send are copied now.
      const target = name;
      const data = lpSendBuffer ? lpSendBuffer.slice(0, length) : null;
      pendRequest(
        instance,
        {
          socket,
          handle: s,
          lpOverlapped: ov as WSAOVERLAPPED,
          lpCompletionRoutine: null,
          lpThreadId: null,
          abortCode: WSA_OPERATION_ABORTED,
        },
        async (request) => {
          await socket.connect(target, namelen, null, null, { onPending: () => request.pending() });
          let bytes = 0;
          if (data && data.byteLength > 0) {
            bytes = await socket.send([{ len: data.byteLength, buf: data }], 0, null, 0, true);
          }
          return { bytes, flags: 0, error: 0 };
        },
      );
    });
}
