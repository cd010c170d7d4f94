/**
 * `defineBaseProvider`: the whole `WSPPROC_TABLE` of a base provider, written once. A provider
 * supplies a description, its handle kind and a transport-driver factory; the kit supplies all 30
 * WSP functions with Windows' semantics and order of checks, and guarantees that no exception
 * crosses a WSP call (a driver that throws becomes `SOCKET_ERROR` / `WSAENETDOWN`).
 *
 * A provider module is loaded once per Node process but may serve several `Ws2` processes, and
 * within one process it is started once per ProviderId — and again by every layered provider
 * whose chain ends in it — each time with its own copy of the upcall table. The kit therefore
 * keeps one provider instance per *process* (as a DLL's globals are per process on Windows),
 * found by the process's host (`providerHost(UpcallTable)`, the same object for every table of
 * one process epoch), counts its `WSPStartup`s, keeps the latest upcall table, and tears the
 * instance down at the matching last `WSPCleanup`. A table no process bound to a host (a test
 * driving the provider directly) stands for its process by itself.
 *
 * Functions that do not apply, and why:
 * - `WSPCancelBlockingCall`: Winsock 1.1 only → `WSAEOPNOTSUPP`.
 * - `WSPJoinLeaf`: kit providers offer no multipoint → `WSAEOPNOTSUPP`.
 * - `WSPGetQOSByName`: no QoS templates → FALSE with `WSAEINVAL` (`WSAEFAULT` without `lpQOS`).
 * - QoS in `WSPConnect` (`lpSQOS`/`lpGQOS` non-NULL) cannot be satisfied → `WSAEOPNOTSUPP`.
 * - Overlapped calls return as Windows' do — the result at once, `WSA_IO_PENDING` once they pend
 *   (an overlapped operation waits even on a non-blocking socket), or the error of a call that
 *   failed before pending, which completes nothing — and complete through one path
 *   (`overlapped-io.ts`): the `WSAOVERLAPPED` fields, the event, the completion routine or the
 *   completion port. `WSPGetOverlappedResult` reads the result back.
 * - `WSPDuplicateSocket` makes another descriptor of the same socket, for a `Ws2` process of this
 *   Node process or a child Node process (`socket-duplication.ts`).
 * - `WSPIoctl` answers `SIO_GET_EXTENSION_FUNCTION_POINTER` with the kit's extension functions
 *   (`AcceptEx`, `ConnectEx`, `DisconnectEx`, `TransmitFile`, `GetAcceptExSockaddrs`,
 *   `WSARecvMsg`, `WSASendMsg`) and the base-handle ioctls with the socket's own handle
 *   (`extension-ioctls.ts`).
 * @module
 */

import {
  WSA_IO_INCOMPLETE,
  WSA_OPERATION_ABORTED,
  WSAECONNABORTED,
  WSAEFAULT,
  WSAEINVAL,
  WSAEOPNOTSUPP,
  WSANOTINITIALISED,
  WSAVERNOTSUPPORTED,
} from '../constants/error-codes';
import {
  FIONBIO,
  FIONREAD,
  INVALID_SOCKET,
  MAKEWORD,
  SIOCATMARK,
  SOCKET_ERROR,
} from '../constants/socket-api';
import { providerHost } from '../dispatcher/provider-host';
import type { LPWSPSTARTUP, WSPPROC_TABLE } from '../spi/wsp-proc-table';
import type {
  LPINT,
  LPWSAOVERLAPPED_COMPLETION_ROUTINE,
  WSANETWORKEVENTS,
  WSAOVERLAPPED,
  WSATHREADID,
} from '../spi/wsp-types';
import type { WSPUPCALLTABLE } from '../spi/wsp-upcall-table';
import { out } from '../types/out-cell';
import type { WSPDATA } from '../types/wsadata';
import { isOut, requireBuffers } from './buffer-io';
import { hasAcceptExPending } from './extension-functions/accept-ex';
import { extensionIoctl, isExtensionIoctl } from './extension-ioctls';
import { codeOf, fail } from './kit-failure';
import type { KitSocket } from './kit-socket';
import { getMswsockOption, isMswsockOption, setMswsockOption } from './mswsock-options';
import { beginRequest, type OverlappedCall, runOverlapped } from './overlapped-io';
import { type HandleKind, ProviderInstance } from './provider-instance';
import { duplicateSocket } from './socket-duplication';
import { getSocketOption, setSocketOption } from './socket-options';
import type { TransportDriver, TransportDriverFactory } from './transport-driver';

/** What a base provider built on the kit is. */
export interface BaseProviderDefinition {
  /** `WSPDATA.szDescription` (at most 255 characters). */
  description: string;
  /**
   * `'ifs'`: handles from `createIfsHandle()` registered with `WPUModifyIFSHandle` (set
   * `XP1_IFS_HANDLES` in the entries); `'non-ifs'`: handles minted by `WPUCreateSocketHandle`.
   */
  handles: HandleKind;
  /** The driver for a catalog entry (called once per entry per process). */
  createDriver: TransportDriverFactory;
  /** Lowest and highest SPI version, `MAKEWORD(major, minor)`; both 2.2 by default. */
  lowVersion?: number;
  highVersion?: number;
}

/** A provider module's export: `WSPStartup`, the one entry point a catalog path needs. */
export interface BaseProvider {
  WSPStartup: LPWSPSTARTUP;
}

function versionValue(word: number): number {
  return (word & 0xff) * 256 + ((word >> 8) & 0xff);
}

function setErr(lpErrno: LPINT, code: number): void {
  if (isOut(lpErrno)) lpErrno.value = code;
}

/** The overlapped arguments of a call on `socket`, for `runOverlapped`. */
function overlappedCall(
  handle: number,
  socket: KitSocket,
  lpOverlapped: WSAOVERLAPPED | null,
  lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  lpThreadId: WSATHREADID | null,
  abortCode: number,
): OverlappedCall {
  return { socket, handle, lpOverlapped, lpCompletionRoutine, lpThreadId, abortCode };
}

/** Builds a base provider from a definition. No state is created until `WSPStartup` runs. */
export function defineBaseProvider(definition: BaseProviderDefinition): BaseProvider {
  const low = definition.lowVersion ?? MAKEWORD(2, 2);
  const high = definition.highVersion ?? MAKEWORD(2, 2);
  // One instance per process, found by the process's host (see the module comment). Weak, so an
  // instance a process never cleaned up goes away with the process.
  const instances = new WeakMap<object, ProviderInstance>();
  const keyOf = (upcalls: WSPUPCALLTABLE): object => providerHost(upcalls) ?? upcalls;

  const WSPStartup: LPWSPSTARTUP = (
    wVersionRequested,
    lpWSPData,
    lpProtocolInfo,
    UpcallTable,
    lpProcTable,
  ) => {
    try {
      if (!lpWSPData || !lpProcTable || !UpcallTable || typeof UpcallTable !== 'object') return WSAEFAULT;
      const requested = versionValue(wVersionRequested);
      const data = lpWSPData as WSPDATA;
      data.wHighVersion = high;
      data.szDescription = definition.description.slice(0, 255);
      if (requested < versionValue(low)) {
        data.wVersion = high;
        return WSAVERNOTSUPPORTED;
      }
      data.wVersion = requested < versionValue(high) ? wVersionRequested & 0xffff : high;
      if (!lpProtocolInfo) return WSAEFAULT;
      const key = keyOf(UpcallTable);
      let instance = instances.get(key);
      if (!instance) {
        instance = new ProviderInstance(UpcallTable, definition.handles, definition.createDriver);
        instances.set(key, instance);
      }
      // The latest upcall table wins (WSPStartup remarks).
      instance.upcalls = UpcallTable;
      instance.startups++;
      Object.assign(
        lpProcTable,
        buildProcTable(instance, () => instances.delete(key)),
      );
      return 0;
    } catch {
      return WSAEFAULT;
    }
  };
  return { WSPStartup };
}

/** The 30 WSP functions over one provider instance. */
function buildProcTable(instance: ProviderInstance, onLastCleanup: () => void): WSPPROC_TABLE {
  const live = (): ProviderInstance => {
    if (instance.startups <= 0) fail(WSANOTINITIALISED);
    return instance;
  };
  const socketOf = (s: number): KitSocket => live().lookup(s);
  const driverOf = (socket: KitSocket): TransportDriver => instance.driverFor(socket.info);

  /** Runs a synchronous WSP body; a thrown failure becomes `failure` with the code in lpErrno. */
  function call<T>(lpErrno: LPINT, failure: T, body: () => T): T {
    try {
      return body();
    } catch (e) {
      setErr(lpErrno, codeOf(e));
      return failure;
    }
  }
  /** The same for a WSP call that may block (returns a Promise). */
  async function callAsync<T>(lpErrno: LPINT, failure: T, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (e) {
      setErr(lpErrno, codeOf(e));
      return failure;
    }
  }

  // Per process, not per table: a socket's calls may reach the instance through any startup's table.
  const overlapped = instance.overlapped;

  const table: WSPPROC_TABLE = {
    lpWSPAccept: (s, addr, addrlen, lpfnCondition, dwCallbackData, lpErrno) =>
      callAsync(lpErrno, INVALID_SOCKET, () =>
        socketOf(s).accept(addr, addrlen, lpfnCondition, dwCallbackData),
      ),

    lpWSPAddressToString: (
      lpsaAddress,
      dwAddressLength,
      lpProtocolInfo,
      lpszAddressString,
      lpdwAddressStringLength,
      lpErrno,
    ) =>
      call(lpErrno, SOCKET_ERROR, () => {
        live();
        if (!lpsaAddress || !lpProtocolInfo || !isOut(lpszAddressString) || !isOut(lpdwAddressStringLength))
          fail(WSAEFAULT);
        const driver = instance.driverFor(lpProtocolInfo);
        const text = driver.addressToString(lpsaAddress, dwAddressLength);
        if (typeof text === 'number') fail(text);
        // Lengths count characters including the terminating NUL, as in C.
        const needed = text.length + 1;
        const capacity = lpdwAddressStringLength.value;
        lpdwAddressStringLength.value = needed;
        if (typeof capacity !== 'number' || capacity < needed) fail(WSAEFAULT);
        lpszAddressString.value = text;
        return 0;
      }),

    lpWSPAsyncSelect: (s, hWnd, wMsg, lEvent, lpErrno) =>
      call(lpErrno, SOCKET_ERROR, () => {
        const socket = socketOf(s);
        if (lEvent !== 0 && (!hWnd || typeof hWnd.post !== 'function')) fail(WSAEINVAL);
        socket.events.asyncSelect(hWnd, wMsg, lEvent);
        instance.selectionChanged(socket);
        return 0;
      }),

    lpWSPBind: (s, name, namelen, lpErrno) =>
      callAsync(lpErrno, SOCKET_ERROR, async () => {
        await socketOf(s).bind(name, namelen);
        return 0;
      }),

    lpWSPCancelBlockingCall: (lpErrno) =>
      call(lpErrno, SOCKET_ERROR, () => {
        live();
        return fail(WSAEOPNOTSUPP);
      }),

    lpWSPCleanup: (lpErrno) =>
      call(lpErrno, SOCKET_ERROR, () => {
        live();
        instance.startups--;
        if (instance.startups === 0) {
          onLastCleanup();
          instance.cleanup();
        }
        return 0;
      }),

    lpWSPCloseSocket: (s, lpErrno) =>
      call(lpErrno, SOCKET_ERROR, () => {
        live().closeSocket(s);
        return 0;
      }),

    lpWSPConnect: (s, name, namelen, lpCallerData, lpCalleeData, lpSQOS, lpGQOS, lpErrno) =>
      callAsync(lpErrno, SOCKET_ERROR, async () => {
        const socket = socketOf(s);
        if (lpSQOS || lpGQOS) fail(WSAEOPNOTSUPP);
        // A socket an AcceptEx is pending into is the listener's to connect.
        if (hasAcceptExPending(socket)) fail(WSAEINVAL);
        await socket.connect(name, namelen, lpCallerData, lpCalleeData);
        return 0;
      }),

    lpWSPDuplicateSocket: (s, dwProcessId, lpProtocolInfo, lpErrno) =>
      call(lpErrno, SOCKET_ERROR, () => {
        live();
        duplicateSocket(instance, s, dwProcessId, lpProtocolInfo);
        return 0;
      }),

    lpWSPEnumNetworkEvents: (s, hEventObject, lpNetworkEvents, lpErrno) =>
      call(lpErrno, SOCKET_ERROR, () => {
        const socket = socketOf(s);
        if (
          !lpNetworkEvents ||
          typeof lpNetworkEvents !== 'object' ||
          !Array.isArray(lpNetworkEvents.iErrorCode)
        ) {
          fail(WSAEFAULT);
        }
        socket.events.enumerate(lpNetworkEvents as WSANETWORKEVENTS);
        if (hEventObject) {
          try {
            instance.upcalls.lpWPUResetEvent(hEventObject, out(0));
          } catch {
            /* contained */
          }
        }
        return 0;
      }),

    lpWSPEventSelect: (s, hEventObject, lNetworkEvents, lpErrno) =>
      call(lpErrno, SOCKET_ERROR, () => {
        const socket = socketOf(s);
        if (lNetworkEvents !== 0 && !hEventObject) fail(WSAEINVAL);
        socket.events.eventSelect(hEventObject, lNetworkEvents);
        instance.selectionChanged(socket);
        return 0;
      }),

    lpWSPGetOverlappedResult: (s, lpOverlapped, lpcbTransfer, fWait, lpdwFlags, lpErrno) =>
      callAsync(lpErrno, false, async () => {
        socketOf(s);
        if (!lpOverlapped || typeof lpOverlapped !== 'object' || !isOut(lpcbTransfer) || !isOut(lpdwFlags))
          fail(WSAEFAULT);
        const record = overlapped.get(lpOverlapped);
        if (!record) fail(WSAEINVAL);
        if (!record.done) {
          if (!fWait) fail(WSA_IO_INCOMPLETE);
          await record.settled;
        }
        lpcbTransfer.value = record.bytes;
        lpdwFlags.value = record.flags;
        if (record.error) fail(record.error);
        return true;
      }),

    lpWSPGetPeerName: (s, name, namelen, lpErrno) =>
      call(lpErrno, SOCKET_ERROR, () => {
        const socket = socketOf(s);
        const length = driverOf(socket).sockaddrLength;
        if (!isOut(name) || !isOut(namelen) || typeof namelen.value !== 'number' || namelen.value < length)
          fail(WSAEFAULT);
        name.value = socket.peerAddress();
        namelen.value = length;
        return 0;
      }),

    lpWSPGetSockName: (s, name, namelen, lpErrno) =>
      call(lpErrno, SOCKET_ERROR, () => {
        const socket = socketOf(s);
        const length = driverOf(socket).sockaddrLength;
        if (!isOut(name) || !isOut(namelen) || typeof namelen.value !== 'number' || namelen.value < length)
          fail(WSAEFAULT);
        name.value = socket.localAddress();
        namelen.value = length;
        return 0;
      }),

    lpWSPGetSockOpt: (s, level, optname, optval, optlen, lpErrno) =>
      call(lpErrno, SOCKET_ERROR, () => {
        const socket = socketOf(s);
        if (isMswsockOption(level, optname)) {
          getMswsockOption(socket, optname, optval, optlen);
          return 0;
        }
        getSocketOption(socket, driverOf(socket).options, level, optname, optval, optlen);
        return 0;
      }),

    lpWSPGetQOSByName: (s, lpQOSName, lpQOS, lpErrno) =>
      call(lpErrno, false, () => {
        socketOf(s);
        if (!lpQOS && !lpQOSName) fail(WSAEFAULT);
        return fail(WSAEINVAL);
      }),

    lpWSPIoctl: (
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
    ) =>
      call(lpErrno, SOCKET_ERROR, () => {
        const socket = socketOf(s);
        const code = dwIoControlCode >>> 0;
        if (isExtensionIoctl(code)) {
          return extensionIoctl(instance, {
            s,
            socket,
            code,
            lpvInBuffer,
            cbInBuffer,
            lpvOutBuffer,
            cbOutBuffer,
            lpcbBytesReturned,
            lpOverlapped,
            lpCompletionRoutine,
            lpThreadId,
          });
        }
        // These complete at once; overlapped, the request still completes (event, routine, port).
        const completed = (bytes: number): number => {
          if (lpOverlapped && typeof lpOverlapped === 'object') {
            const call = overlappedCall(
              s,
              socket,
              lpOverlapped,
              lpCompletionRoutine,
              lpThreadId,
              WSA_OPERATION_ABORTED,
            );
            beginRequest(instance, call).complete({ bytes, flags: 0, error: 0 }, true);
          }
          return 0;
        };
        if (code === FIONBIO) {
          if (typeof lpvInBuffer !== 'number' && typeof lpvInBuffer !== 'boolean') fail(WSAEFAULT);
          if (cbInBuffer < 4) fail(WSAEFAULT);
          const on = Boolean(lpvInBuffer);
          // A socket with WSPEventSelect/WSPAsyncSelect in force cannot go back to blocking.
          if (!on && socket.events.active) fail(WSAEINVAL);
          socket.nonBlocking = on;
          if (isOut(lpcbBytesReturned)) lpcbBytesReturned.value = 0;
          return completed(0);
        }
        if (code === FIONREAD || code === SIOCATMARK) {
          if (!isOut(lpvOutBuffer) || cbOutBuffer < 4) fail(WSAEFAULT);
          lpvOutBuffer.value = code === FIONREAD ? socket.bytesReadable() : socket.atOobMark();
          if (isOut(lpcbBytesReturned)) lpcbBytesReturned.value = 4;
          return completed(4);
        }
        return fail(WSAEINVAL);
      }),

    lpWSPJoinLeaf: (s, _name, _namelen, _lpCallerData, _lpCalleeData, _lpSQOS, _lpGQOS, _dwFlags, lpErrno) =>
      callAsync(lpErrno, INVALID_SOCKET, async () => {
        socketOf(s);
        return fail(WSAEOPNOTSUPP);
      }),

    lpWSPListen: (s, backlog, lpErrno) =>
      callAsync(lpErrno, SOCKET_ERROR, async () => {
        await socketOf(s).listen(backlog);
        return 0;
      }),

    // WSPRecv is WSPRecvFrom without a source address: one implementation serves both.
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
      table.lpWSPRecvFrom(
        s,
        lpBuffers,
        dwBufferCount,
        lpNumberOfBytesRecvd,
        lpFlags,
        null,
        null,
        lpOverlapped,
        lpCompletionRoutine,
        lpThreadId,
        lpErrno,
      ),

    lpWSPRecvDisconnect: (s, lpInboundDisconnectData, lpErrno) =>
      call(lpErrno, SOCKET_ERROR, () => {
        socketOf(s).recvDisconnect(lpInboundDisconnectData);
        return 0;
      }),

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
      callAsync(lpErrno, SOCKET_ERROR, async () => {
        const socket = socketOf(s);
        const buffers = requireBuffers(lpBuffers, dwBufferCount);
        if (!isOut(lpFlags) || typeof lpFlags.value !== 'number') fail(WSAEFAULT);
        if (!isOut(lpNumberOfBytesRecvd) && !lpOverlapped) fail(WSAEFAULT);
        if ((lpFrom !== null && !isOut(lpFrom)) || (lpFromlen !== null && !isOut(lpFromlen))) fail(WSAEFAULT);
        const length = driverOf(socket).sockaddrLength;
        if (lpFrom && (!lpFromlen || typeof lpFromlen.value !== 'number' || lpFromlen.value < length))
          fail(WSAEFAULT);
        const blocking = !socket.nonBlocking || lpOverlapped !== null;
        const flags = lpFlags.value;
        const call = overlappedCall(
          s,
          socket,
          lpOverlapped,
          lpCompletionRoutine,
          lpThreadId,
          WSAECONNABORTED,
        );
        const r = await runOverlapped(instance, call, async (onPending) => {
          const got = await socket.receive(buffers, flags, lpFrom !== null, blocking, onPending);
          // The source address is the request's: written when the datagram is taken, pended or not.
          if (lpFrom && lpFromlen && got.from) {
            lpFrom.value = got.from;
            lpFromlen.value = length;
          }
          return got;
        });
        if (isOut(lpNumberOfBytesRecvd)) lpNumberOfBytesRecvd.value = r.bytes;
        lpFlags.value = r.flags;
        if (r.error) fail(r.error);
        return 0;
      }),

    lpWSPSelect: (_nfds, readfds, writefds, exceptfds, timeout, lpErrno) =>
      callAsync(lpErrno, SOCKET_ERROR, () => live().select(readfds, writefds, exceptfds, timeout)),

    // WSPSend is WSPSendTo without a destination: one implementation serves both.
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
      table.lpWSPSendTo(
        s,
        lpBuffers,
        dwBufferCount,
        lpNumberOfBytesSent,
        dwFlags,
        null,
        0,
        lpOverlapped,
        lpCompletionRoutine,
        lpThreadId,
        lpErrno,
      ),

    lpWSPSendDisconnect: (s, lpOutboundDisconnectData, lpErrno) =>
      call(lpErrno, SOCKET_ERROR, () => {
        socketOf(s).sendDisconnect(lpOutboundDisconnectData);
        return 0;
      }),

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
      callAsync(lpErrno, SOCKET_ERROR, async () => {
        const socket = socketOf(s);
        const buffers = requireBuffers(lpBuffers, dwBufferCount);
        if (!isOut(lpNumberOfBytesSent) && !lpOverlapped) fail(WSAEFAULT);
        const blocking = !socket.nonBlocking || lpOverlapped !== null;
        const call = overlappedCall(
          s,
          socket,
          lpOverlapped,
          lpCompletionRoutine,
          lpThreadId,
          WSA_OPERATION_ABORTED,
        );
        const r = await runOverlapped(instance, call, async (onPending) => ({
          bytes: await socket.send(buffers, dwFlags, lpTo, iTolen, blocking, onPending),
          flags: 0,
          error: 0,
        }));
        if (isOut(lpNumberOfBytesSent)) lpNumberOfBytesSent.value = r.bytes;
        if (r.error) fail(r.error);
        return 0;
      }),

    lpWSPSetSockOpt: (s, level, optname, optval, optlen, lpErrno) =>
      call(lpErrno, SOCKET_ERROR, () => {
        const socket = socketOf(s);
        if (isMswsockOption(level, optname)) {
          setMswsockOption(socket, optname, optval, optlen, socketOf);
          return 0;
        }
        setSocketOption(socket, driverOf(socket).options, level, optname, optval, optlen);
        return 0;
      }),

    lpWSPShutdown: (s, how, lpErrno) =>
      call(lpErrno, SOCKET_ERROR, () => {
        socketOf(s).shutdown(how);
        return 0;
      }),

    lpWSPSocket: (af, type, protocol, lpProtocolInfo, g, dwFlags, lpErrno) =>
      call(lpErrno, INVALID_SOCKET, () =>
        live().createSocket(af, type, protocol, lpProtocolInfo, g, dwFlags),
      ),

    lpWSPStringToAddress: (
      AddressString,
      AddressFamily,
      lpProtocolInfo,
      lpAddress,
      lpAddressLength,
      lpErrno,
    ) =>
      call(lpErrno, SOCKET_ERROR, () => {
        live();
        if (
          typeof AddressString !== 'string' ||
          !lpProtocolInfo ||
          !isOut(lpAddress) ||
          !isOut(lpAddressLength)
        ) {
          fail(WSAEFAULT);
        }
        const driver = instance.driverFor(lpProtocolInfo);
        if (AddressFamily !== driver.addressFamily) fail(WSAEINVAL);
        const capacity = lpAddressLength.value;
        if (typeof capacity !== 'number' || capacity < driver.sockaddrLength) {
          lpAddressLength.value = driver.sockaddrLength;
          fail(WSAEFAULT);
        }
        const address = driver.stringToAddress(AddressString);
        if (typeof address === 'number') fail(address);
        lpAddress.value = address;
        lpAddressLength.value = driver.sockaddrLength;
        return 0;
      }),
  };
  return table;
}
