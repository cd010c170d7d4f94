/**
 * Socket lifetime (ReactOS socklife.c and the connection half of sockctrl.c): `socket`,
 * `WSASocketW` with provider selection, `closesocket`, `bind`, `listen`, `accept` / `WSAAccept`,
 * `connect` / `WSAConnect`.
 * @module
 */
import {
  WSAEAFNOSUPPORT,
  WSAEFAULT,
  WSAEINPROGRESS,
  WSAEINVAL,
  WSAEPROTONOSUPPORT,
  WSAESOCKTNOSUPPORT,
  WSANOTINITIALISED,
  WSASYSCALLFAILURE,
} from '../../constants/error-codes';
import {
  FROM_PROTOCOL_INFO,
  INVALID_SOCKET,
  SOCKET_ERROR,
  WSA_FLAG_OVERLAPPED,
} from '../../constants/socket-api';
import type { LPCONDITIONPROC } from '../../spi/wsp-proc-table';
import type { GROUP, QOS, SOCKET } from '../../spi/wsp-types';
import { type Out, out } from '../../types/out-cell';
import { cloneProtocolInfo, isLayeredEntry, type WSAPROTOCOL_INFOW } from '../../types/protocol-info';
import type { SOCKADDR } from '../../types/sockaddr';
import type { WSABUF } from '../../types/wsabuf';
import {
  captureOptionalSockaddr,
  captureOptionalWsabuf,
  captureProtocolInfo,
  isIntegerArgument,
  isLengthArgument,
  isOptionalFunction,
  isOptionalLengthCell,
  isOptionalObject,
  isOptionalWritableCell,
  isOptionalWritableWsabuf,
} from '../argument-checks';
import { thrown } from '../async-call';
import { entryForTriple } from '../entry-for-triple';
import type { LoadedProvider } from '../loaded-provider';
import { type RoutedSocket, Ws2Core } from '../ws2-core';

/** The socket-lifetime calls of `Ws2`; installed on its prototype, never instantiated. */
export abstract class Ws2SocketLifetime extends Ws2Core {
  /** `socket(af, type, protocol)`: `WSASocketW` without protocol info, overlapped. */
  socket(af: number, type: number, protocol: number): Promise<SOCKET> {
    return this.WSASocketW(af, type, protocol, null, 0, WSA_FLAG_OVERLAPPED);
  }

  /**
   * `WSASocketW`: chooses the catalog entry (catalog order, first match; or the entry named by
   * `lpProtocolInfo.dwCatalogEntryId`), starts its provider if needed, and calls its `WSPSocket`.
   * A provider declining with `WSAEINPROGRESS` moves the search on to the next matching entry.
   * Returns a Promise because starting a provider may load its module.
   */
  async WSASocketW(
    af: number,
    type: number,
    protocol: number,
    lpProtocolInfo: WSAPROTOCOL_INFOW | null,
    g: GROUP,
    dwFlags: number,
  ): Promise<SOCKET> {
    const cell = this.lastError.claim();
    const failWith = (code: number): SOCKET => {
      this.lastError.complete(cell, code);
      return INVALID_SOCKET;
    };
    const process = this.current;
    if (!process) return failWith(WSANOTINITIALISED);
    const callerInfo = captureProtocolInfo(lpProtocolInfo);
    if (typeof callerInfo === 'number') return failWith(callerInfo);
    if (
      !isIntegerArgument(af) ||
      !isIntegerArgument(type) ||
      !isIntegerArgument(protocol) ||
      !isIntegerArgument(g) ||
      !isIntegerArgument(dwFlags)
    ) {
      return failWith(WSAEINVAL);
    }

    if (callerInfo) {
      const named = isIntegerArgument(callerInfo.dwCatalogEntryId)
        ? process.entry(callerInfo.dwCatalogEntryId)
        : undefined;
      if (!named || isLayeredEntry(named.info)) return failWith(WSAEINVAL);
      // The provider's own value (a duplicated socket's token is wider than a DWORD): any safe integer.
      const reserved = callerInfo.dwProviderReserved ?? 0;
      if (typeof reserved !== 'number' || !Number.isSafeInteger(reserved)) return failWith(WSAEINVAL);
      // Arguments left open (0 or FROM_PROTOCOL_INFO) come from the caller's struct; a value that
      // is still unusable fails as on Windows (Wine's test_WSASocket, which passes there).
      const pick = (arg: number, field: unknown): unknown =>
        arg === FROM_PROTOCOL_INFO || arg === 0 ? field : arg;
      const effectiveAf = pick(af, callerInfo.iAddressFamily);
      const effectiveType = pick(type, callerInfo.iSocketType);
      const effectiveProtocol = pick(protocol, callerInfo.iProtocol);
      if (!isIntegerArgument(effectiveAf) || effectiveAf <= 0) return failWith(WSAEAFNOSUPPORT);
      if (!isIntegerArgument(effectiveType) || effectiveType < 0) return failWith(WSAESOCKTNOSUPPORT);
      if (!isIntegerArgument(effectiveProtocol) || effectiveProtocol === FROM_PROTOCOL_INFO) {
        return failWith(WSAEPROTONOSUPPORT);
      }
      // The socket is built from the effective triple (entry-for-triple.ts).
      const entry = entryForTriple(process.snapshot, named, effectiveAf, effectiveType, effectiveProtocol);
      // The catalog's copy of the entry goes down (a caller cannot forge its flags or chain), with
      // the caller's dwProviderReserved, which layered providers carry down (the MS sample does).
      const info = {
        ...cloneProtocolInfo(entry.info),
        dwProviderReserved: reserved,
      };
      const started = await process.ensureProvider(entry);
      if (!started.provider) return failWith(started.error);
      if (this.current !== process) return failWith(WSANOTINITIALISED);
      const result = this.callWspSocket(
        started.provider,
        effectiveAf,
        effectiveType,
        effectiveProtocol,
        info,
        g,
        dwFlags,
      );
      return result.error ? failWith(result.error) : result.socket;
    }

    let after: number | undefined;
    for (;;) {
      const selection = process.selection.select(af, type, protocol, after);
      if (!selection.entry) return failWith(selection.error);
      const entry = selection.entry;
      const started = await process.ensureProvider(entry);
      if (!started.provider) return failWith(started.error);
      if (this.current !== process) return failWith(WSANOTINITIALISED);
      const result = this.callWspSocket(
        started.provider,
        af,
        type,
        protocol,
        cloneProtocolInfo(entry.info),
        g,
        dwFlags,
      );
      if (result.error === WSAEINPROGRESS) {
        after = entry.info.dwCatalogEntryId;
        continue;
      }
      return result.error ? failWith(result.error) : result.socket;
    }
  }

  private callWspSocket(
    provider: LoadedProvider,
    af: number,
    type: number,
    protocol: number,
    info: WSAPROTOCOL_INFOW,
    g: GROUP,
    dwFlags: number,
  ): { socket: SOCKET; error: number } {
    const errno = out(0);
    let s: unknown;
    try {
      s = provider.procTable.lpWSPSocket(af, type, protocol, info, g, dwFlags, errno);
    } catch (error) {
      this.providerBroke(provider, 'lpWSPSocket', 'threw', error);
      return { socket: INVALID_SOCKET, error: WSASYSCALLFAILURE };
    }
    if (s === INVALID_SOCKET) return { socket: INVALID_SOCKET, error: errno.value || WSASYSCALLFAILURE };
    if (typeof s !== 'number' || !this.current?.handles.get(s)) {
      this.providerBroke(
        provider,
        'lpWSPSocket',
        `returned ${String(s)} without claiming it through WPUCreateSocketHandle or WPUModifyIFSHandle`,
      );
      return { socket: INVALID_SOCKET, error: WSASYSCALLFAILURE };
    }
    return { socket: s, error: 0 };
  }

  /**
   * `closesocket`: `WSPCloseSocket` (graceful unless `SO_LINGER {1,0}`), then an IFS handle is
   * forgotten. A non-IFS handle is its provider's to release (`WPUCloseSocketHandle`), which may
   * wait until the overlapped requests in flight on it have completed. Never blocks.
   */
  closesocket(s: SOCKET): number {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.fail(socket);
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPCloseSocket(s, lpErrno);
    } catch (error) {
      rc = thrown(error);
    }
    const result = this.leave(socket, 'lpWSPCloseSocket', rc, lpErrno);
    if (result !== SOCKET_ERROR && !socket.nonIfs) this.current?.handles.delete(s);
    return result;
  }

  /** `bind`. */
  bind(s: SOCKET, name: SOCKADDR | null, namelen: number): Promise<number> {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.failAsync(socket);
    const address = captureOptionalSockaddr(name);
    if (typeof address === 'number') return this.failAsync(address);
    if (!isLengthArgument(namelen)) return this.failAsync(WSAEFAULT);
    const call = this.enterAsync(socket);
    let pending: Promise<number>;
    try {
      pending = socket.provider.procTable.lpWSPBind(s, address, namelen, call.lpErrno);
    } catch (error) {
      pending = Promise.reject(error);
    }
    return this.settle(socket, call, 'lpWSPBind', pending);
  }

  /** `listen`. */
  listen(s: SOCKET, backlog: number): Promise<number> {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.failAsync(socket);
    if (!isIntegerArgument(backlog)) return this.failAsync(WSAEINVAL);
    const call = this.enterAsync(socket);
    let pending: Promise<number>;
    try {
      pending = socket.provider.procTable.lpWSPListen(s, backlog, call.lpErrno);
    } catch (error) {
      pending = Promise.reject(error);
    }
    return this.settle(socket, call, 'lpWSPListen', pending);
  }

  /** `accept`: `WSAAccept` without a condition function. */
  accept(s: SOCKET, addr: Out<SOCKADDR | null> | null, addrlen: Out<number> | null): Promise<SOCKET> {
    return this.WSAAccept(s, addr, addrlen, null, 0);
  }

  /**
   * `WSAAccept`: the condition function (if any) sees the caller's address and connect data and
   * answers `CF_ACCEPT` (optionally with callee data), `CF_REJECT` or `CF_DEFER`. It runs inside the
   * provider's call, so calling back into the provider on `s` from it gives `WSAEINPROGRESS`.
   */
  WSAAccept(
    s: SOCKET,
    addr: Out<SOCKADDR | null> | null,
    addrlen: Out<number> | null,
    lpfnCondition: LPCONDITIONPROC | null,
    dwCallbackData: unknown,
  ): Promise<SOCKET> {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.failAsync(socket, INVALID_SOCKET);
    if (
      !isOptionalWritableCell(addr) ||
      !isOptionalLengthCell(addrlen) ||
      !isOptionalFunction(lpfnCondition)
    ) {
      return this.failAsync(WSAEFAULT, INVALID_SOCKET);
    }
    const condition = typeof lpfnCondition === 'function' ? insideCall(socket, lpfnCondition) : null;
    const call = this.enterAsync(socket);
    let pending: Promise<SOCKET>;
    try {
      pending = socket.provider.procTable.lpWSPAccept(
        s,
        addr,
        addrlen,
        condition,
        dwCallbackData,
        call.lpErrno,
      );
    } catch (error) {
      pending = Promise.reject(error);
    }
    return this.settle(socket, call, 'lpWSPAccept', pending, INVALID_SOCKET);
  }

  /** `connect`. */
  connect(s: SOCKET, name: SOCKADDR | null, namelen: number): Promise<number> {
    return this.WSAConnect(s, name, namelen, null, null, null, null);
  }

  /** `WSAConnect`: caller data goes to the peer where the protocol carries connect data; callee data comes back. */
  WSAConnect(
    s: SOCKET,
    name: SOCKADDR | null,
    namelen: number,
    lpCallerData: WSABUF | null,
    lpCalleeData: WSABUF | null,
    lpSQOS: QOS | null,
    lpGQOS: QOS | null,
  ): Promise<number> {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.failAsync(socket);
    const address = captureOptionalSockaddr(name);
    if (typeof address === 'number') return this.failAsync(address);
    const callerData = captureOptionalWsabuf(lpCallerData);
    if (
      typeof callerData === 'number' ||
      !isLengthArgument(namelen) ||
      !isOptionalWritableWsabuf(lpCalleeData) ||
      !isOptionalObject(lpSQOS) ||
      !isOptionalObject(lpGQOS)
    ) {
      return this.failAsync(WSAEFAULT);
    }
    const call = this.enterAsync(socket);
    let pending: Promise<number>;
    try {
      pending = socket.provider.procTable.lpWSPConnect(
        s,
        address,
        namelen,
        callerData,
        lpCalleeData ?? null,
        lpSQOS,
        lpGQOS,
        call.lpErrno,
      );
    } catch (error) {
      pending = Promise.reject(error);
    }
    return this.settle(socket, call, 'lpWSPConnect', pending);
  }
}

/**
 * The application's condition function as the provider calls it: while it runs, the listening
 * socket counts as inside the provider's call, so calling back into the provider on it is
 * re-entrant (`WSAEINPROGRESS`) — whether the provider calls it synchronously or after awaiting.
 */
function insideCall(socket: RoutedSocket, condition: LPCONDITIONPROC): LPCONDITIONPROC {
  return (lpCallerId, lpCallerData, lpSQOS, lpGQOS, lpCalleeId, lpCalleeData, g, dwCallbackData) => {
    socket.busy++;
    try {
      return condition(lpCallerId, lpCallerData, lpSQOS, lpGQOS, lpCalleeId, lpCalleeData, g, dwCallbackData);
    } finally {
      socket.busy--;
    }
  };
}
