/**
 * `WSASendMsg` of the kit (datagram sockets): a send of `lpMsg.lpBuffers` to `lpMsg.name` (or the
 * connected peer when it is NULL); `lpMsg.dwFlags` is ignored, `dwFlags` takes what a datagram send
 * takes. Checks (Wine's tests, against Windows): not a socket → `WSAENOTSOCK`; no message, bad
 * buffers, or no byte count on a call without an `OVERLAPPED` → `WSAEFAULT`; a stream socket →
 * `WSAEINVAL`. Like `sendto`, a send on an unbound socket binds it.
 * @module
 */

import { WSA_OPERATION_ABORTED, WSAEFAULT, WSAEINVAL, WSAENOTSOCK } from '../../constants/error-codes';
import { SOCKET_ERROR } from '../../constants/socket-api';
import type { LPFN_WSASENDMSG } from '../../spi/mswsock-types';
import { isOut, requireBuffers } from '../buffer-io';
import { DatagramSocket } from '../datagram-socket';
import { fail } from '../kit-failure';
import type { KitSocket } from '../kit-socket';
import { runOverlapped } from '../overlapped-io';
import type { ProviderInstance } from '../provider-instance';
import { currentThread } from './current-thread';
import { asyncCall } from './extension-call';

/** The `WSASendMsg` of one provider instance. */
export function createWsaSendMsg(instance: ProviderInstance): LPFN_WSASENDMSG {
  return (s, lpMsg, dwFlags, lpNumberOfBytesSent, lpOverlapped, lpCompletionRoutine) =>
    asyncCall(instance, SOCKET_ERROR, async () => {
      let socket: KitSocket;
      try {
        socket = instance.lookup(s);
      } catch {
        return fail(WSAENOTSOCK);
      }
      if (typeof lpMsg !== 'object' || lpMsg === null) fail(WSAEFAULT);
      if (!(socket instanceof DatagramSocket)) fail(WSAEINVAL);
      const buffers = requireBuffers(lpMsg.lpBuffers, lpMsg.dwBufferCount);
      const ov = typeof lpOverlapped === 'object' && lpOverlapped !== null ? lpOverlapped : null;
      if (!isOut(lpNumberOfBytesSent) && !ov) fail(WSAEFAULT);
      const datagrams = socket;
      const to = lpMsg.name;
      const tolen = lpMsg.namelen;
      const blocking = !socket.nonBlocking || ov !== null;
      const r = await runOverlapped(
        instance,
        {
          socket,
          handle: s,
          lpOverlapped: ov,
          lpCompletionRoutine,
          lpThreadId: lpCompletionRoutine ? currentThread(instance) : null,
          abortCode: WSA_OPERATION_ABORTED,
        },
        // A datagram send never waits for the network: it completes at once.
        async () => ({
          bytes: await datagrams.send(buffers, dwFlags, to, tolen, blocking),
          flags: 0,
          error: 0,
        }),
      );
      if (isOut(lpNumberOfBytesSent)) lpNumberOfBytesSent.value = r.bytes;
      return 0;
    });
}
