/**
 * `WSARecvMsg` of the kit (datagram sockets): a receive that reports the source address in
 * `lpMsg.name` and the output flags in `lpMsg.dwFlags` — `MSG_TRUNC` for a datagram cut to the
 * buffers (the call then fails `WSAEMSGSIZE` with the bytes that fit). No control data is produced
 * (`Control.len` comes back 0). Checks: not a socket → `WSAENOTSOCK`; no message → `WSAEFAULT`; a
 * stream socket, or input flags other than `MSG_PEEK` → `WSAEOPNOTSUPP`; a NULL `name` with a
 * `namelen`, a NULL `Control.buf` with a `Control.len`, bad buffers, or no byte count on a call
 * without an `OVERLAPPED` → `WSAEFAULT`; an unbound socket → `WSAEINVAL`.
 * @module
 */

import {
  WSA_OPERATION_ABORTED,
  WSAEFAULT,
  WSAEMSGSIZE,
  WSAENOTSOCK,
  WSAEOPNOTSUPP,
} from '../../constants/error-codes';
import { MSG_TRUNC } from '../../constants/mswsock';
import { MSG_PEEK, SOCKET_ERROR } from '../../constants/socket-api';
import type { LPFN_WSARECVMSG } from '../../spi/mswsock-types';
import { isOut, requireBuffers } from '../buffer-io';
import { DatagramSocket } from '../datagram-socket';
import { fail } from '../kit-failure';
import type { KitSocket } from '../kit-socket';
import { runOverlapped } from '../overlapped-io';
import type { ProviderInstance } from '../provider-instance';
import { currentThread } from './current-thread';
import { asyncCall } from './extension-call';

/** The `WSARecvMsg` of one provider instance. */
export function createWsaRecvMsg(instance: ProviderInstance): LPFN_WSARECVMSG {
  return (s, lpMsg, lpdwNumberOfBytesRecvd, lpOverlapped, lpCompletionRoutine) =>
    asyncCall(instance, SOCKET_ERROR, async () => {
      let socket: KitSocket;
      try {
        socket = instance.lookup(s);
      } catch {
        return fail(WSAENOTSOCK);
      }
      if (typeof lpMsg !== 'object' || lpMsg === null) fail(WSAEFAULT);
      if (!(socket instanceof DatagramSocket)) fail(WSAEOPNOTSUPP);
      const flags = lpMsg.dwFlags >>> 0;
      if (flags & ~MSG_PEEK) fail(WSAEOPNOTSUPP);
      if (lpMsg.name === null && lpMsg.namelen !== 0) fail(WSAEFAULT);
      const control = lpMsg.Control;
      if (!control || typeof control !== 'object' || (control.buf == null && control.len !== 0))
        fail(WSAEFAULT);
      const buffers = requireBuffers(lpMsg.lpBuffers, lpMsg.dwBufferCount);
      const ov = typeof lpOverlapped === 'object' && lpOverlapped !== null ? lpOverlapped : null;
      if (!isOut(lpdwNumberOfBytesRecvd) && !ov) fail(WSAEFAULT);
      const length = instance.driverFor(socket.info).sockaddrLength;
      if (lpMsg.name !== null && lpMsg.namelen < length) fail(WSAEFAULT);
      const msg = lpMsg;
      const datagrams = socket;
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
        async (onPending) => {
          const got = await datagrams.receive(buffers, flags, true, blocking, onPending);
          if (msg.name !== null && got.from) {
            msg.name = got.from;
            msg.namelen = length;
          }
          msg.Control.len = 0;
          const outFlags = got.flags | (got.error === WSAEMSGSIZE ? MSG_TRUNC : 0);
          msg.dwFlags = outFlags;
          return { bytes: got.bytes, flags: outFlags, error: got.error };
        },
      );
      if (isOut(lpdwNumberOfBytesRecvd)) lpdwNumberOfBytesRecvd.value = r.bytes;
      if (r.error) fail(r.error);
      return 0;
    });
}
