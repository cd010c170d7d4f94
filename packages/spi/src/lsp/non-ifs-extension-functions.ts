/**
 * The extension functions of a non-IFS layer — the Microsoft sample's `nonifslsp/extension.cpp`.
 * The application's handles are the layer's, so the lower provider's functions cannot be handed
 * out as they are: the layer gives its own, which map every socket argument to the lower socket
 * (both sockets of `AcceptEx`), call the lower provider's function — loaded once per lower provider
 * with the lower `WSPIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER)` — and, for an overlapped call, run
 * the request through the layer's overlapped engine, so it completes on the layer's handle (the
 * listener's, for `AcceptEx`). A call without an `OVERLAPPED` goes straight to the lower function.
 *
 * The layer wraps `AcceptEx`, `ConnectEx`, `DisconnectEx`, `TransmitFile`, `WSARecvMsg` and
 * `WSASendMsg` (the sample leaves the last out); `GetAcceptExSockaddrs` takes no socket and is the
 * lower provider's. A lower function that cannot be loaded fails the call with `WSAEFAULT`, as in
 * the sample. Errors are the application's last error, as the functions' callers read them.
 * @module
 */

import { WSAEFAULT, WSAENOTSOCK } from '../constants/error-codes';
import {
  SIO_GET_EXTENSION_FUNCTION_POINTER,
  WSAID_ACCEPTEX,
  WSAID_CONNECTEX,
  WSAID_DISCONNECTEX,
  WSAID_TRANSMITFILE,
  WSAID_WSARECVMSG,
  WSAID_WSASENDMSG,
} from '../constants/mswsock';
import { STATUS_PENDING } from '../constants/ntstatus';
import { SOCKET_ERROR } from '../constants/socket-api';
import type {
  ExtensionFunction,
  LPFN_ACCEPTEX,
  LPFN_CONNECTEX,
  LPFN_DISCONNECTEX,
  LPFN_TRANSMITFILE,
  LPFN_WSARECVMSG,
  LPFN_WSASENDMSG,
} from '../spi/mswsock-types';
import { SIZEOF_POINTER } from '../spi/mswsock-types';
import type { LPWSAOVERLAPPED_COMPLETION_ROUTINE, SOCKET, WSAOVERLAPPED } from '../spi/wsp-types';
import type { GUID } from '../types/guid';
import { out } from '../types/out-cell';
import type { LayerInstance, LayerSocket } from './layer-instance';
import type { LayerRoute } from './layer-route';
import type { LowerIssue } from './non-ifs-overlapped';

/** The lower provider's functions, per route (the pointer belongs to the provider below). */
const lowerFunctions = new WeakMap<LayerRoute, Map<GUID, ExtensionFunction>>();

/** Thrown inside a wrapper: the error the application reads. */
class ExtensionFailure {
  constructor(readonly code: number) {}
}

function failWith(code: number): never {
  throw new ExtensionFailure(code);
}

/** The layer's functions, per layer instance (made on first use). */
const wrappers = new WeakMap<LayerInstance, Map<GUID, ExtensionFunction>>();

/** The layer's own function for `guid`, or undefined when the layer does not wrap it. */
export function layerExtensionFunction(layer: LayerInstance, guid: GUID): ExtensionFunction | undefined {
  let table = wrappers.get(layer);
  if (!table) {
    table = makeWrappers(layer);
    wrappers.set(layer, table);
  }
  return table.get(guid);
}

function makeWrappers(layer: LayerInstance): Map<GUID, ExtensionFunction> {
  const io = () => layer.host.io;
  const setLastError = (code: number): void => io()?.WSASetLastError(code);
  const lastError = (): number => io()?.WSAGetLastError() ?? 0;

  const socketOf = (s: SOCKET): LayerSocket => layer.lookup(s, out(0)) ?? failWith(WSAENOTSOCK);

  /** The lower provider's function for `guid` on `socket`'s route, loaded once. */
  function lower<F extends ExtensionFunction>(socket: LayerSocket, guid: GUID): F {
    let table = lowerFunctions.get(socket.route);
    if (!table) {
      table = new Map();
      lowerFunctions.set(socket.route, table);
    }
    let fn = table.get(guid);
    if (!fn) {
      const pointer = out<unknown>(null);
      const rc = socket.route.lower.lpWSPIoctl(
        socket.lower,
        SIO_GET_EXTENSION_FUNCTION_POINTER,
        guid,
        16,
        pointer,
        SIZEOF_POINTER,
        out(0),
        null,
        null,
        null,
        out(0),
      );
      if (rc !== 0 || typeof pointer.value !== 'function') failWith(WSAEFAULT);
      fn = pointer.value as ExtensionFunction;
      table.set(guid, fn);
    }
    return fn as F;
  }

  /** A BOOL lower call's outcome, with the error it left. */
  const outcome = (ok: boolean): LowerIssue =>
    ok ? { failed: false, error: 0 } : { failed: true, error: lastError() };

  /** Runs a BOOL wrapper: FALSE with the error as the last error, TRUE otherwise. */
  function boolWrapper(body: () => boolean): boolean {
    try {
      return body();
    } catch (e) {
      if (e instanceof ExtensionFailure) {
        setLastError(e.code);
        return false;
      }
      throw e;
    }
  }

  /** Completes through the engine: the lower call gets the layer's own OVERLAPPED. */
  function overlappedBool(
    socket: LayerSocket,
    lpOverlapped: WSAOVERLAPPED,
    issue: (lowerOverlapped: WSAOVERLAPPED) => boolean,
  ): boolean {
    const errno = out(0);
    layer.overlapped.forwardSync(
      socket,
      { lpOverlapped, lpCompletionRoutine: null, lpThreadId: null },
      errno,
      (ov) => outcome(issue(ov)),
    );
    return failWith(errno.value);
  }

  const isOverlapped = (ov: WSAOVERLAPPED | null): ov is WSAOVERLAPPED =>
    typeof ov === 'object' && ov !== null;

  const AcceptEx: LPFN_ACCEPTEX = (
    sListen,
    sAccept,
    buffer,
    receive,
    local,
    remote,
    lpdwBytes,
    lpOverlapped,
  ) =>
    boolWrapper(() => {
      if (isOverlapped(lpOverlapped)) lpOverlapped.Internal = STATUS_PENDING;
      const listener = socketOf(sListen);
      const into = socketOf(sAccept);
      const fn = lower<LPFN_ACCEPTEX>(listener, WSAID_ACCEPTEX);
      if (!isOverlapped(lpOverlapped)) {
        return fn(listener.lower, into.lower, buffer, receive, local, remote, lpdwBytes, lpOverlapped);
      }
      return overlappedBool(listener, lpOverlapped, (ov) =>
        fn(listener.lower, into.lower, buffer, receive, local, remote, out(0), ov),
      );
    });

  const ConnectEx: LPFN_CONNECTEX = (s, name, namelen, buffer, length, lpdwBytesSent, lpOverlapped) =>
    boolWrapper(() => {
      if (isOverlapped(lpOverlapped)) lpOverlapped.Internal = STATUS_PENDING;
      const socket = socketOf(s);
      const fn = lower<LPFN_CONNECTEX>(socket, WSAID_CONNECTEX);
      if (!isOverlapped(lpOverlapped))
        return fn(socket.lower, name, namelen, buffer, length, lpdwBytesSent, lpOverlapped);
      return overlappedBool(socket, lpOverlapped, (ov) =>
        fn(socket.lower, name, namelen, buffer, length, out(0), ov),
      );
    });

  const DisconnectEx: LPFN_DISCONNECTEX = (s, lpOverlapped, dwFlags, dwReserved) =>
    boolWrapper(() => {
      if (isOverlapped(lpOverlapped)) lpOverlapped.Internal = STATUS_PENDING;
      const socket = socketOf(s);
      const fn = lower<LPFN_DISCONNECTEX>(socket, WSAID_DISCONNECTEX);
      if (!isOverlapped(lpOverlapped)) return fn(socket.lower, lpOverlapped, dwFlags, dwReserved);
      return overlappedBool(socket, lpOverlapped, (ov) => fn(socket.lower, ov, dwFlags, dwReserved));
    });

  const TransmitFile: LPFN_TRANSMITFILE = async (
    s,
    hFile,
    toWrite,
    perSend,
    lpOverlapped,
    buffers,
    flags,
  ) => {
    const setError = io()?.claimLastError() ?? (() => {});
    try {
      const socket = socketOf(s);
      const fn = lower<LPFN_TRANSMITFILE>(socket, WSAID_TRANSMITFILE);
      if (!isOverlapped(lpOverlapped)) {
        const ok = await fn(socket.lower, hFile, toWrite, perSend, lpOverlapped, buffers, flags);
        if (!ok) setError(lastError());
        return ok;
      }
      const errno = out(0);
      await layer.overlapped.forward(
        socket,
        { lpOverlapped, lpCompletionRoutine: null, lpThreadId: null },
        errno,
        async (ov) => {
          // The file offset travels with the request.
          ov.Offset = lpOverlapped.Offset;
          ov.OffsetHigh = lpOverlapped.OffsetHigh;
          return outcome(await fn(socket.lower, hFile, toWrite, perSend, ov, buffers, flags));
        },
      );
      setError(errno.value);
      return false;
    } catch (e) {
      if (e instanceof ExtensionFailure) {
        setError(e.code);
        return false;
      }
      throw e;
    }
  };

  /** An int extension function (`WSARecvMsg`, `WSASendMsg`) through the layer. */
  async function intCall(
    s: SOCKET,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
    direct: (socket: LayerSocket) => Promise<number>,
    issue: (socket: LayerSocket, ov: WSAOVERLAPPED) => Promise<number>,
  ): Promise<number> {
    const setError = io()?.claimLastError() ?? (() => {});
    try {
      const socket = socketOf(s);
      if (!isOverlapped(lpOverlapped)) {
        const rc = await direct(socket);
        if (rc === SOCKET_ERROR) setError(lastError());
        return rc;
      }
      const errno = out(0);
      await layer.overlapped.forward(
        socket,
        { lpOverlapped, lpCompletionRoutine, lpThreadId: null },
        errno,
        async (ov) => {
          const rc = await issue(socket, ov);
          return rc === SOCKET_ERROR ? { failed: true, error: lastError() } : { failed: false, error: 0 };
        },
      );
      setError(errno.value);
      return SOCKET_ERROR;
    } catch (e) {
      if (e instanceof ExtensionFailure) {
        setError(e.code);
        return SOCKET_ERROR;
      }
      throw e;
    }
  }

  const WSARecvMsg: LPFN_WSARECVMSG = (s, lpMsg, lpdwBytes, lpOverlapped, lpCompletionRoutine) =>
    intCall(
      s,
      lpOverlapped,
      lpCompletionRoutine,
      (socket) =>
        lower<LPFN_WSARECVMSG>(socket, WSAID_WSARECVMSG)(socket.lower, lpMsg, lpdwBytes, null, null),
      (socket, ov) => lower<LPFN_WSARECVMSG>(socket, WSAID_WSARECVMSG)(socket.lower, lpMsg, out(0), ov, null),
    );

  const WSASendMsg: LPFN_WSASENDMSG = (s, lpMsg, dwFlags, lpBytes, lpOverlapped, lpCompletionRoutine) =>
    intCall(
      s,
      lpOverlapped,
      lpCompletionRoutine,
      (socket) =>
        lower<LPFN_WSASENDMSG>(socket, WSAID_WSASENDMSG)(socket.lower, lpMsg, dwFlags, lpBytes, null, null),
      (socket, ov) =>
        lower<LPFN_WSASENDMSG>(socket, WSAID_WSASENDMSG)(socket.lower, lpMsg, dwFlags, out(0), ov, null),
    );

  return new Map<GUID, ExtensionFunction>([
    [WSAID_ACCEPTEX, AcceptEx],
    [WSAID_CONNECTEX, ConnectEx],
    [WSAID_DISCONNECTEX, DisconnectEx],
    [WSAID_TRANSMITFILE, TransmitFile],
    [WSAID_WSARECVMSG, WSARecvMsg],
    [WSAID_WSASENDMSG, WSASendMsg],
  ]);
}
