/**
 * `DisconnectEx` of the kit: the mswsock sibling of `WSASendDisconnect`. The sending side is shut
 * (`WSPSendDisconnect` without data: TCP's FIN, ISO transport's DR, which its peer reads as
 * `WSAEDISCON`), and the socket stays what `SD_SEND` leaves — still connected (`connect` →
 * `WSAEISCONN`), `send` → `WSAESHUTDOWN`, the receiving side open where the protocol half-closes,
 * its names readable — and a second call succeeds again (Wine's test_DisconnectEx, against
 * Windows). With `TF_REUSE_SOCKET` the connection is then given up and the socket can be handed to
 * `AcceptEx` (an accepted socket) or `ConnectEx` (a connected one) again.
 *
 * Checks, in order: `Internal` becomes `STATUS_PENDING` (with an `OVERLAPPED`); not a socket →
 * `WSAENOTSOCK`; flags other than `TF_REUSE_SOCKET`, or `dwReserved` not 0 → `WSAEINVAL`; a
 * datagram socket → `WSAEOPNOTSUPP`; not connected → `WSAENOTCONN`. Overlapped it always pends
 * (FALSE, `ERROR_IO_PENDING`) and completes with 0 bytes — on the completion port even in
 * `FILE_SKIP_COMPLETION_PORT_ON_SUCCESS` mode; without an `OVERLAPPED` it returns TRUE with the
 * last error 0.
 * @module
 */

import {
  WSA_OPERATION_ABORTED,
  WSAEINVAL,
  WSAENOTCONN,
  WSAENOTSOCK,
  WSAEOPNOTSUPP,
} from '../../constants/error-codes';
import { TF_REUSE_SOCKET } from '../../constants/mswsock';
import { STATUS_PENDING } from '../../constants/ntstatus';
import type { LPFN_DISCONNECTEX } from '../../spi/mswsock-types';
import { fail } from '../kit-failure';
import type { KitSocket } from '../kit-socket';
import { pendRequest } from '../overlapped-io';
import type { ProviderInstance } from '../provider-instance';
import { StreamSocket } from '../stream-socket';
import { boolCall, lastErrorOf } from './extension-call';

/** The `DisconnectEx` of one provider instance. */
export function createDisconnectEx(instance: ProviderInstance): LPFN_DISCONNECTEX {
  return (s, lpOverlapped, dwFlags, dwReserved) =>
    boolCall(instance, () => {
      const ov = typeof lpOverlapped === 'object' && lpOverlapped !== null ? lpOverlapped : null;
      if (ov) ov.Internal = STATUS_PENDING;
      let socket: KitSocket;
      try {
        socket = instance.lookup(s);
      } catch {
        return fail(WSAENOTSOCK);
      }
      if ((dwFlags >>> 0) & ~TF_REUSE_SOCKET || dwReserved !== 0) fail(WSAEINVAL);
      if (!(socket instanceof StreamSocket)) return fail(WSAEOPNOTSUPP);
      if (socket.connectionState !== 'connected') fail(WSAENOTCONN);
      const stream = socket;
      const disconnect = (): void => {
        stream.sendDisconnect(null);
        if (dwFlags & TF_REUSE_SOCKET) stream.resetForReuse();
      };
      if (!ov) {
        disconnect();
        lastErrorOf(instance).set(0);
        return;
      }
      disconnect();
      pendRequest(
        instance,
        {
          socket: stream,
          handle: s,
          lpOverlapped: ov,
          lpCompletionRoutine: null,
          lpThreadId: null,
          abortCode: WSA_OPERATION_ABORTED,
        },
        async () => ({ bytes: 0, flags: 0, error: 0 }),
      );
    });
}
