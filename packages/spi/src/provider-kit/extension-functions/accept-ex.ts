/**
 * `AcceptEx` of the kit, with the order of checks and the results Windows shows (Wine's
 * test_AcceptEx, run against Windows):
 *
 * - `Internal` becomes `STATUS_PENDING` before anything is checked, so every immediate failure
 *   leaves 0x103 behind;
 * - a listener that is not a socket → `WSAENOTSOCK`; not listening → `WSAEINVAL`; an accept socket
 *   that is not a socket → `WSAENOTSOCK`; no output buffer or a remote slot of 0 → `WSAEFAULT`;
 *   no `OVERLAPPED` → `ERROR_INVALID_PARAMETER`; an accept socket that is not an unbound,
 *   unconnected stream socket of this provider, or already has an `AcceptEx` pending →
 *   `WSAEINVAL`;
 * - otherwise the request pends (FALSE, `ERROR_IO_PENDING`) on the listener: its completion goes to
 *   the listener's completion port with the listener's key;
 * - an address slot too small for the transport's address plus 16 (a local slot may be 0) fails
 *   the request with `WSAEFAULT` (`ERROR_INSUFFICIENT_BUFFER`) when a connection arrives, and
 *   the connection stays queued for a later accept;
 * - with `dwReceiveDataLength` 0 the request completes when a connection is accepted; otherwise
 *   once data has arrived too (or the peer closed: 0 bytes);
 * - closing either socket while it pends completes it with `WSA_OPERATION_ABORTED`.
 * @module
 */

import { WSA_OPERATION_ABORTED, WSAEFAULT, WSAEINVAL, WSAENOTSOCK } from '../../constants/error-codes';
import { STATUS_PENDING } from '../../constants/ntstatus';
import { ERROR_INVALID_PARAMETER } from '../../constants/win32-errors';
import { ACCEPTEX_ADDRESS_SLACK, type LPFN_ACCEPTEX } from '../../spi/mswsock-types';
import type { SOCKET, WSAOVERLAPPED } from '../../spi/wsp-types';
import { fail } from '../kit-failure';
import type { KitSocket } from '../kit-socket';
import { pendRequest } from '../overlapped-io';
import type { ProviderInstance } from '../provider-instance';
import { StreamSocket } from '../stream-socket';
import { writeAddressSlot } from './accept-ex-address-slots';
import { boolCall } from './extension-call';

/** Accept sockets with an `AcceptEx` pending, and the listener each waits on. */
const pendingInto = new WeakMap<KitSocket, StreamSocket>();

/**
 * A socket was closed: an `AcceptEx` pending into it is aborted (its listener is woken to see it).
 * Called by the provider instance for every `WSPCloseSocket`.
 */
export function acceptSocketClosed(socket: KitSocket): void {
  pendingInto.get(socket)?.notify();
}

/** True while an `AcceptEx` is pending into `socket` (which `connect` and `ConnectEx` refuse). */
export function hasAcceptExPending(socket: KitSocket): boolean {
  return pendingInto.has(socket);
}

function lookupOr(instance: ProviderInstance, s: SOCKET): KitSocket {
  try {
    return instance.lookup(s);
  } catch {
    return fail(WSAENOTSOCK);
  }
}

/** The `AcceptEx` of one provider instance. */
export function createAcceptEx(instance: ProviderInstance): LPFN_ACCEPTEX {
  return (
    sListenSocket,
    sAcceptSocket,
    lpOutputBuffer,
    dwReceiveDataLength,
    dwLocalAddressLength,
    dwRemoteAddressLength,
    lpdwBytesReceived,
    lpOverlapped,
  ) =>
    boolCall(instance, () => {
      const ov = typeof lpOverlapped === 'object' && lpOverlapped !== null ? lpOverlapped : null;
      if (ov) ov.Internal = STATUS_PENDING;
      const listener = lookupOr(instance, sListenSocket);
      if (!(listener instanceof StreamSocket) || !listener.listening) fail(WSAEINVAL);
      const into = lookupOr(instance, sAcceptSocket);
      const receive = dwReceiveDataLength >>> 0;
      const local = dwLocalAddressLength >>> 0;
      const remote = dwRemoteAddressLength >>> 0;
      if (!(lpOutputBuffer instanceof Uint8Array) || remote === 0) fail(WSAEFAULT);
      if (receive + local + remote > lpOutputBuffer.byteLength) fail(WSAEFAULT);
      if (
        lpdwBytesReceived !== null &&
        (typeof lpdwBytesReceived !== 'object' || !('value' in lpdwBytesReceived))
      )
        fail(WSAEFAULT);
      if (!ov) fail(ERROR_INVALID_PARAMETER);
      if (!(into instanceof StreamSocket) || into.connectionState !== 'unbound' || pendingInto.has(into))
        fail(WSAEINVAL);
      const buffer = lpOutputBuffer;
      const addressLength = instance.driverFor(listener.info).sockaddrLength;
      const fits = (slot: number) => slot >= addressLength + ACCEPTEX_ADDRESS_SLACK;
      pendingInto.set(into, listener);
      pendRequest(
        instance,
        {
          socket: listener,
          handle: sListenSocket,
          lpOverlapped: ov as WSAOVERLAPPED,
          lpCompletionRoutine: null,
          lpThreadId: null,
          abortCode: WSA_OPERATION_ABORTED,
        },
        async (request) => {
          try {
            const link = await listener.takeNextConnection(
              () => request.pending(),
              (waiting) => {
                if (into.closed) fail(WSA_OPERATION_ABORTED);
                if (waiting && ((local !== 0 && !fits(local)) || !fits(remote))) fail(WSAEFAULT);
              },
            );
            if (into.closed) {
              link.reset();
              fail(WSA_OPERATION_ABORTED);
            }
            into.adoptAccepted(link);
            if (local !== 0) writeAddressSlot(buffer, receive, link.local, addressLength);
            writeAddressSlot(buffer, receive + local, link.remote, addressLength);
            let bytes = 0;
            if (receive > 0) {
              const got = await into.receive([{ len: receive, buf: buffer }], 0, false, true);
              bytes = got.bytes;
            }
            return { bytes, flags: 0, error: 0 };
          } catch (e) {
            if (into.closed) fail(WSA_OPERATION_ABORTED);
            throw e;
          } finally {
            pendingInto.delete(into);
          }
        },
      );
    });
}
