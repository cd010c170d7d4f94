/**
 * The non-IFS pass-through: all 30 WSP functions of a layer that gives the layer above handles of
 * its own (`WPUCreateSocketHandle`), maps each to the lower provider's handle through
 * `WPUQuerySocketHandleContext`, and releases it with `WPUCloseSocketHandle` when the socket is
 * closed — the Microsoft sample's `nonifslsp/spi.cpp`. Overlapped calls go through the layer's
 * own overlapped engine (`non-ifs-overlapped.ts`) and complete on the layer's handle; the
 * extension functions are the layer's own (`non-ifs-ioctl.ts`, `non-ifs-extension-functions.ts`).
 *
 * Every call translates handles on the way down and, where handles come back (`WSPAccept`,
 * `WSPJoinLeaf`, `WSPSelect`'s sets, `WSPAsyncSelect`'s messages), on the way up. Everything else
 * — buffers, flags, disconnect data, `how` — is passed unchanged and the lower result and
 * `lpErrno` come back as they are, so the base provider decides what is supported (as the sample's
 * `nonifslsp` forwards them).
 * @module
 */

import { WSAEINVAL, WSAENOTSOCK } from '../constants/error-codes';
import { SO_UPDATE_ACCEPT_CONTEXT } from '../constants/mswsock';
import { INVALID_SOCKET, SOCKET_ERROR, WSA_FLAG_OVERLAPPED } from '../constants/socket-api';
import { SO_PROTOCOL_INFOW, SOL_SOCKET } from '../constants/socket-options';
import type { WSPPROC_TABLE } from '../spi/wsp-proc-table';
import type { fd_set, LPINT, SOCKET, WSAOVERLAPPED } from '../spi/wsp-types';
import { type Out, out } from '../types/out-cell';
import { cloneProtocolInfo, type WSAPROTOCOL_INFOW } from '../types/protocol-info';
import { expectedChainPosition } from './chain-position-hint';
import type { LayerInstance, LayerSocket } from './layer-instance';
import { nonIfsIoctl } from './non-ifs-ioctl';
import type { LowerIssue } from './non-ifs-overlapped';

/** True for a caller's `OVERLAPPED` (an overlapped call goes through the layer's engine). */
function isOverlapped(ov: WSAOVERLAPPED | null): ov is WSAOVERLAPPED {
  return typeof ov === 'object' && ov !== null;
}

/** A lower call's outcome for the engine: its result and, on failure, its `lpErrno`. */
async function lowerIssue(call: (errno: Out<number>) => Promise<number>): Promise<LowerIssue> {
  const errno = out(0);
  const rc = await call(errno);
  return rc === SOCKET_ERROR ? { failed: true, error: errno.value } : { failed: false, error: 0 };
}

/** Builds the 30-member table of a non-IFS layer over `layer`'s routes. */
export function nonIfsPassThrough(layer: LayerInstance): WSPPROC_TABLE {
  /** Runs `body` with the socket behind `s`, or fails with `WSAENOTSOCK`. */
  function withSocket<T>(s: SOCKET, lpErrno: LPINT, failure: T, body: (socket: LayerSocket) => T): T {
    const socket = layer.lookup(s, lpErrno);
    return socket ? body(socket) : failure;
  }
  function withSocketAsync<T>(
    s: SOCKET,
    lpErrno: LPINT,
    failure: T,
    body: (socket: LayerSocket) => Promise<T>,
  ): Promise<T> {
    const socket = layer.lookup(s, lpErrno);
    return socket ? body(socket) : Promise.resolve(failure);
  }
  /** The route for a call that names a protocol (no socket): `WSPSocket`, `WSPAddressToString` … */
  function routeFor(info: WSAPROTOCOL_INFOW | null, lpErrno: LPINT) {
    const resolved = layer.resolve(info, expectedChainPosition(info));
    if (typeof resolved === 'number') {
      lpErrno.value = resolved;
      return undefined;
    }
    return resolved;
  }
  /** Lower handles for one `fd_set`, collecting the layer's sockets behind them in `sockets`. */
  function lowerSet(set: fd_set | null, lpErrno: LPINT, sockets: LayerSocket[]): fd_set | null | undefined {
    if (set === null) return null;
    const lower: SOCKET[] = [];
    for (const s of set.fd_array) {
      const socket = layer.lookup(s, lpErrno);
      if (!socket) return undefined;
      sockets.push(socket);
      lower.push(socket.lower);
    }
    return { fd_array: lower };
  }
  function upperSet(set: fd_set | null, lower: fd_set | null): void {
    if (!set || !lower) return;
    set.fd_array = lower.fd_array.flatMap((l) => {
      const socket = layer.byLowerHandle(l);
      return socket ? [socket.handle] : [];
    });
  }

  return {
    lpWSPAccept: (s, addr, addrlen, lpfnCondition, dwCallbackData, lpErrno) =>
      withSocketAsync(s, lpErrno, INVALID_SOCKET, async (socket) => {
        const accepted = await socket.route.lower.lpWSPAccept(
          socket.lower,
          addr,
          addrlen,
          lpfnCondition,
          dwCallbackData,
          lpErrno,
        );
        if (accepted === INVALID_SOCKET) return INVALID_SOCKET;
        return layer.adopt(accepted, socket.route, socket.info, socket.catalogEntryId, lpErrno);
      }),

    lpWSPAddressToString: (
      lpsaAddress,
      dwAddressLength,
      lpProtocolInfo,
      lpszAddressString,
      lpdwLength,
      lpErrno,
    ) => {
      const resolved = routeFor(lpProtocolInfo, lpErrno);
      if (!resolved) return SOCKET_ERROR;
      return resolved.route.lower.lpWSPAddressToString(
        lpsaAddress,
        dwAddressLength,
        resolved.route.infoForNext(lpProtocolInfo ?? layer.protocolInfo),
        lpszAddressString,
        lpdwLength,
        lpErrno,
      );
    },

    lpWSPAsyncSelect: (s, hWnd, wMsg, lEvent, lpErrno) =>
      withSocket(s, lpErrno, SOCKET_ERROR, (socket) =>
        socket.route.lower.lpWSPAsyncSelect(
          socket.lower,
          hWnd ? layer.proxyWindow(hWnd, socket) : null,
          wMsg,
          lEvent,
          lpErrno,
        ),
      ),

    lpWSPBind: (s, name, namelen, lpErrno) =>
      withSocketAsync(s, lpErrno, SOCKET_ERROR, (socket) =>
        socket.route.lower.lpWSPBind(socket.lower, name, namelen, lpErrno),
      ),

    lpWSPCancelBlockingCall: (lpErrno) => layer.startup.route.lower.lpWSPCancelBlockingCall(lpErrno),

    lpWSPCleanup: (lpErrno) => layer.cleanup(lpErrno),

    lpWSPCloseSocket: (s, lpErrno) =>
      withSocket(s, lpErrno, SOCKET_ERROR, (socket) => {
        const rc = socket.route.lower.lpWSPCloseSocket(socket.lower, lpErrno);
        // Another failure (WSAEINPROGRESS …) leaves the socket open for a retry; WSAENOTSOCK says
        // the lower socket is already gone, and keeping the handle would leave the application
        // one it can never close.
        if (rc === SOCKET_ERROR && lpErrno.value !== WSAENOTSOCK) return SOCKET_ERROR;
        // The handle stays until the requests in flight on it have completed (non-ifs-overlapped.ts).
        layer.releaseWhenIdle(socket);
        return rc === SOCKET_ERROR ? SOCKET_ERROR : 0;
      }),

    lpWSPConnect: (s, name, namelen, lpCallerData, lpCalleeData, lpSQOS, lpGQOS, lpErrno) =>
      withSocketAsync(s, lpErrno, SOCKET_ERROR, (socket) =>
        socket.route.lower.lpWSPConnect(
          socket.lower,
          name,
          namelen,
          lpCallerData,
          lpCalleeData,
          lpSQOS,
          lpGQOS,
          lpErrno,
        ),
      ),

    lpWSPDuplicateSocket: (s, dwProcessId, lpProtocolInfo, lpErrno) =>
      withSocket(s, lpErrno, SOCKET_ERROR, (socket) => {
        const rc = socket.route.lower.lpWSPDuplicateSocket(
          socket.lower,
          dwProcessId,
          lpProtocolInfo,
          lpErrno,
        );
        // The duplicate must be made through this chain in the other process, not the base alone.
        if (rc === 0 && lpProtocolInfo?.value) {
          lpProtocolInfo.value = {
            ...cloneProtocolInfo(socket.info),
            dwProviderReserved: lpProtocolInfo.value.dwProviderReserved,
          };
        }
        return rc;
      }),

    lpWSPEnumNetworkEvents: (s, hEventObject, lpNetworkEvents, lpErrno) =>
      withSocket(s, lpErrno, SOCKET_ERROR, (socket) =>
        socket.route.lower.lpWSPEnumNetworkEvents(socket.lower, hEventObject, lpNetworkEvents, lpErrno),
      ),

    lpWSPEventSelect: (s, hEventObject, lNetworkEvents, lpErrno) =>
      withSocket(s, lpErrno, SOCKET_ERROR, (socket) =>
        socket.route.lower.lpWSPEventSelect(socket.lower, hEventObject, lNetworkEvents, lpErrno),
      ),

    lpWSPGetOverlappedResult: (s, lpOverlapped, lpcbTransfer, fWait, lpdwFlags, lpErrno) =>
      withSocketAsync(s, lpErrno, false, async (socket) => {
        // A request that went through the layer is the layer's to report.
        if (lpOverlapped && typeof lpOverlapped === 'object' && lpcbTransfer && lpdwFlags) {
          const mine = await layer.overlapped.result(lpOverlapped, lpcbTransfer, fWait, lpdwFlags, lpErrno);
          if (mine !== undefined) return mine;
        }
        return socket.route.lower.lpWSPGetOverlappedResult(
          socket.lower,
          lpOverlapped,
          lpcbTransfer,
          fWait,
          lpdwFlags,
          lpErrno,
        );
      }),

    lpWSPGetPeerName: (s, name, namelen, lpErrno) =>
      withSocket(s, lpErrno, SOCKET_ERROR, (socket) =>
        socket.route.lower.lpWSPGetPeerName(socket.lower, name, namelen, lpErrno),
      ),

    lpWSPGetSockName: (s, name, namelen, lpErrno) =>
      withSocket(s, lpErrno, SOCKET_ERROR, (socket) =>
        socket.route.lower.lpWSPGetSockName(socket.lower, name, namelen, lpErrno),
      ),

    lpWSPGetSockOpt: (s, level, optname, optval, optlen, lpErrno) =>
      withSocket(s, lpErrno, SOCKET_ERROR, (socket) => {
        const rc = socket.route.lower.lpWSPGetSockOpt(socket.lower, level, optname, optval, optlen, lpErrno);
        // The lower provider describes itself; the socket the application holds is this chain's.
        if (rc === 0 && level === SOL_SOCKET && optname === SO_PROTOCOL_INFOW && optval) {
          optval.value = cloneProtocolInfo(socket.info);
        }
        return rc;
      }),

    lpWSPGetQOSByName: (s, lpQOSName, lpQOS, lpErrno) =>
      withSocket(s, lpErrno, false, (socket) =>
        socket.route.lower.lpWSPGetQOSByName(socket.lower, lpQOSName, lpQOS, lpErrno),
      ),

    lpWSPIoctl: nonIfsIoctl(layer),

    lpWSPJoinLeaf: (s, name, namelen, lpCallerData, lpCalleeData, lpSQOS, lpGQOS, dwFlags, lpErrno) =>
      withSocketAsync(s, lpErrno, INVALID_SOCKET, async (socket) => {
        const joined = await socket.route.lower.lpWSPJoinLeaf(
          socket.lower,
          name,
          namelen,
          lpCallerData,
          lpCalleeData,
          lpSQOS,
          lpGQOS,
          dwFlags,
          lpErrno,
        );
        if (joined === INVALID_SOCKET) return INVALID_SOCKET;
        if (joined === socket.lower) return socket.handle;
        return layer.adopt(joined, socket.route, socket.info, socket.catalogEntryId, lpErrno);
      }),

    lpWSPListen: (s, backlog, lpErrno) =>
      withSocketAsync(s, lpErrno, SOCKET_ERROR, (socket) =>
        socket.route.lower.lpWSPListen(socket.lower, backlog, lpErrno),
      ),

    lpWSPRecv: (
      s,
      lpBuffers,
      dwBufferCount,
      lpNumberOfBytesRecvd,
      lpFlags,
      lpOverlapped,
      lpCompletionRoutine,
      lpThreadId,
      lpErrno,
    ) =>
      withSocketAsync(s, lpErrno, SOCKET_ERROR, (socket) =>
        isOverlapped(lpOverlapped)
          ? layer.overlapped.forward(
              socket,
              { lpOverlapped, lpCompletionRoutine, lpThreadId },
              lpErrno,
              (ov) =>
                lowerIssue((errno) =>
                  socket.route.lower.lpWSPRecv(
                    socket.lower,
                    lpBuffers,
                    dwBufferCount,
                    out(0),
                    lpFlags,
                    ov,
                    null,
                    lpThreadId,
                    errno,
                  ),
                ),
            )
          : socket.route.lower.lpWSPRecv(
              socket.lower,
              lpBuffers,
              dwBufferCount,
              lpNumberOfBytesRecvd,
              lpFlags,
              lpOverlapped,
              lpCompletionRoutine,
              lpThreadId,
              lpErrno,
            ),
      ),

    lpWSPRecvDisconnect: (s, lpInboundDisconnectData, lpErrno) =>
      withSocket(s, lpErrno, SOCKET_ERROR, (socket) =>
        socket.route.lower.lpWSPRecvDisconnect(socket.lower, lpInboundDisconnectData, lpErrno),
      ),

    lpWSPRecvFrom: (
      s,
      lpBuffers,
      dwBufferCount,
      lpNumberOfBytesRecvd,
      lpFlags,
      lpFrom,
      lpFromlen,
      lpOverlapped,
      lpCompletionRoutine,
      lpThreadId,
      lpErrno,
    ) =>
      withSocketAsync(s, lpErrno, SOCKET_ERROR, (socket) =>
        isOverlapped(lpOverlapped)
          ? layer.overlapped.forward(
              socket,
              { lpOverlapped, lpCompletionRoutine, lpThreadId },
              lpErrno,
              (ov) =>
                lowerIssue((errno) =>
                  socket.route.lower.lpWSPRecvFrom(
                    socket.lower,
                    lpBuffers,
                    dwBufferCount,
                    out(0),
                    lpFlags,
                    lpFrom,
                    lpFromlen,
                    ov,
                    null,
                    lpThreadId,
                    errno,
                  ),
                ),
            )
          : socket.route.lower.lpWSPRecvFrom(
              socket.lower,
              lpBuffers,
              dwBufferCount,
              lpNumberOfBytesRecvd,
              lpFlags,
              lpFrom,
              lpFromlen,
              lpOverlapped,
              lpCompletionRoutine,
              lpThreadId,
              lpErrno,
            ),
      ),

    lpWSPSelect: async (nfds, readfds, writefds, exceptfds, timeout, lpErrno) => {
      const sockets: LayerSocket[] = [];
      const lowerRead = lowerSet(readfds, lpErrno, sockets);
      const lowerWrite = lowerRead === undefined ? undefined : lowerSet(writefds, lpErrno, sockets);
      const lowerExcept = lowerWrite === undefined ? undefined : lowerSet(exceptfds, lpErrno, sockets);
      if (lowerRead === undefined || lowerWrite === undefined || lowerExcept === undefined) {
        lpErrno.value = WSAENOTSOCK;
        return SOCKET_ERROR;
      }
      const route = sockets[0]?.route ?? layer.startup.route;
      // One WSPSelect call goes to one lower provider. Sockets of different chains may be mixed
      // when the next provider is the same module (a TCP and a UDP chain over one base): its
      // per-process state knows all of them, whichever startup's table the call goes through.
      if (sockets.some((socket) => socket.route.nextProvider !== route.nextProvider)) {
        lpErrno.value = WSAEINVAL;
        return SOCKET_ERROR;
      }
      const rc = await route.lower.lpWSPSelect(nfds, lowerRead, lowerWrite, lowerExcept, timeout, lpErrno);
      if (rc === SOCKET_ERROR) return SOCKET_ERROR;
      upperSet(readfds, lowerRead);
      upperSet(writefds, lowerWrite);
      upperSet(exceptfds, lowerExcept);
      return rc;
    },

    lpWSPSend: (
      s,
      lpBuffers,
      dwBufferCount,
      lpNumberOfBytesSent,
      dwFlags,
      lpOverlapped,
      lpCompletionRoutine,
      lpThreadId,
      lpErrno,
    ) =>
      withSocketAsync(s, lpErrno, SOCKET_ERROR, (socket) =>
        isOverlapped(lpOverlapped)
          ? layer.overlapped.forward(
              socket,
              { lpOverlapped, lpCompletionRoutine, lpThreadId },
              lpErrno,
              (ov) =>
                lowerIssue((errno) =>
                  socket.route.lower.lpWSPSend(
                    socket.lower,
                    lpBuffers,
                    dwBufferCount,
                    out(0),
                    dwFlags,
                    ov,
                    null,
                    lpThreadId,
                    errno,
                  ),
                ),
            )
          : socket.route.lower.lpWSPSend(
              socket.lower,
              lpBuffers,
              dwBufferCount,
              lpNumberOfBytesSent,
              dwFlags,
              lpOverlapped,
              lpCompletionRoutine,
              lpThreadId,
              lpErrno,
            ),
      ),

    lpWSPSendDisconnect: (s, lpOutboundDisconnectData, lpErrno) =>
      withSocket(s, lpErrno, SOCKET_ERROR, (socket) =>
        socket.route.lower.lpWSPSendDisconnect(socket.lower, lpOutboundDisconnectData, lpErrno),
      ),

    lpWSPSendTo: (
      s,
      lpBuffers,
      dwBufferCount,
      lpNumberOfBytesSent,
      dwFlags,
      lpTo,
      iTolen,
      lpOverlapped,
      lpCompletionRoutine,
      lpThreadId,
      lpErrno,
    ) =>
      withSocketAsync(s, lpErrno, SOCKET_ERROR, (socket) =>
        isOverlapped(lpOverlapped)
          ? layer.overlapped.forward(
              socket,
              { lpOverlapped, lpCompletionRoutine, lpThreadId },
              lpErrno,
              (ov) =>
                lowerIssue((errno) =>
                  socket.route.lower.lpWSPSendTo(
                    socket.lower,
                    lpBuffers,
                    dwBufferCount,
                    out(0),
                    dwFlags,
                    lpTo,
                    iTolen,
                    ov,
                    null,
                    lpThreadId,
                    errno,
                  ),
                ),
            )
          : socket.route.lower.lpWSPSendTo(
              socket.lower,
              lpBuffers,
              dwBufferCount,
              lpNumberOfBytesSent,
              dwFlags,
              lpTo,
              iTolen,
              lpOverlapped,
              lpCompletionRoutine,
              lpThreadId,
              lpErrno,
            ),
      ),

    lpWSPSetSockOpt: (s, level, optname, optval, optlen, lpErrno) =>
      withSocket(s, lpErrno, SOCKET_ERROR, (socket) => {
        let value = optval;
        if (level === SOL_SOCKET && optname === SO_UPDATE_ACCEPT_CONTEXT && typeof optval === 'number') {
          // The value is a socket — the listener, by the application's handle: the provider below
          // knows it by the layer's lower handle (the sample translates it too).
          const listener = layer.lookup(optval, lpErrno);
          if (!listener) return SOCKET_ERROR;
          value = listener.lower;
        }
        return socket.route.lower.lpWSPSetSockOpt(socket.lower, level, optname, value, optlen, lpErrno);
      }),

    lpWSPShutdown: (s, how, lpErrno) =>
      withSocket(s, lpErrno, SOCKET_ERROR, (socket) =>
        socket.route.lower.lpWSPShutdown(socket.lower, how, lpErrno),
      ),

    lpWSPSocket: (af, type, protocol, lpProtocolInfo, g, dwFlags, lpErrno) => {
      const resolved = routeFor(lpProtocolInfo, lpErrno);
      if (!resolved) return INVALID_SOCKET;
      const info = lpProtocolInfo ?? layer.protocolInfo;
      // The sample always asks for an overlapped lower socket: the layer may use it either way.
      const lower = resolved.route.lower.lpWSPSocket(
        af,
        type,
        protocol,
        resolved.route.infoForNext(info),
        g,
        dwFlags | WSA_FLAG_OVERLAPPED,
        lpErrno,
      );
      if (lower === INVALID_SOCKET) return INVALID_SOCKET;
      return layer.adopt(lower, resolved.route, info, resolved.claimId, lpErrno);
    },

    lpWSPStringToAddress: (
      AddressString,
      AddressFamily,
      lpProtocolInfo,
      lpAddress,
      lpAddressLength,
      lpErrno,
    ) => {
      const resolved = routeFor(lpProtocolInfo, lpErrno);
      if (!resolved) return SOCKET_ERROR;
      return resolved.route.lower.lpWSPStringToAddress(
        AddressString,
        AddressFamily,
        resolved.route.infoForNext(lpProtocolInfo ?? layer.protocolInfo),
        lpAddress,
        lpAddressLength,
        lpErrno,
      );
    },
  };
}
