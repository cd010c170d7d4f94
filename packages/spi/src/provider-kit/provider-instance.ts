/**
 * One base provider in one process: what a provider DLL's globals are on Windows. It counts
 * `WSPStartup`s, keeps the latest upcall table, owns the sockets it created and the driver of each
 * catalog entry, claims handles through the upcalls (`WPUModifyIFSHandle` for IFS providers,
 * `WPUCreateSocketHandle` + `WPUQuerySocketHandleContext` + `WPUCloseSocketHandle` otherwise), and
 * implements `WSPSelect` over its own sockets.
 * @module
 */

import { AF_UNSPEC } from '../constants/address-families';
import {
  WSAEAFNOSUPPORT,
  WSAEFAULT,
  WSAEINVAL,
  WSAENOBUFS,
  WSAENOTSOCK,
  WSAEPROTONOSUPPORT,
  WSAESOCKTNOSUPPORT,
} from '../constants/error-codes';
import { FD_WRITE } from '../constants/network-events';
import { XP1_CONNECTIONLESS } from '../constants/service-flags';
import {
  FROM_PROTOCOL_INFO,
  INVALID_SOCKET,
  WSA_FLAG_MULTIPOINT_C_LEAF,
  WSA_FLAG_MULTIPOINT_C_ROOT,
  WSA_FLAG_MULTIPOINT_D_LEAF,
  WSA_FLAG_MULTIPOINT_D_ROOT,
} from '../constants/socket-api';
import { SOCK_DGRAM } from '../constants/socket-types';
import { closeIfsHandle, createIfsHandle } from '../spi/ifs-handle';
import type { fd_set, SOCKET, TIMEVAL, WSAOVERLAPPED } from '../spi/wsp-types';
import type { WSPUPCALLTABLE } from '../spi/wsp-upcall-table';
import { out } from '../types/out-cell';
import { cloneProtocolInfo, type WSAPROTOCOL_INFOW, WSAPROTOCOL_INFOW_FIELDS } from '../types/protocol-info';
import { ChangeSignal } from './change-signal';
import { DatagramSocket } from './datagram-socket';
import { acceptSocketClosed } from './extension-functions/accept-ex';
import { fail } from './kit-failure';
import type { KitSocket, SocketHost } from './kit-socket';
import type { NetworkEventSink } from './network-event-recorder';
import { hasRequestsInFlight, type OverlappedHost, type OverlappedRecord } from './overlapped-io';
import { dropDescriptor, openDuplicate } from './socket-duplication';
import { StreamSocket } from './stream-socket';
import type { TransportDriver, TransportDriverFactory } from './transport-driver';

const MULTIPOINT_FLAGS =
  WSA_FLAG_MULTIPOINT_C_ROOT |
  WSA_FLAG_MULTIPOINT_C_LEAF |
  WSA_FLAG_MULTIPOINT_D_ROOT |
  WSA_FLAG_MULTIPOINT_D_LEAF;

/** How a provider's handles are made. */
export type HandleKind = 'ifs' | 'non-ifs';

/** The per-process state of a base provider built with `defineBaseProvider`. */
export class ProviderInstance implements SocketHost, OverlappedHost {
  /** Outstanding `WSPStartup`s. */
  startups = 0;
  private readonly sockets = new Map<SOCKET, KitSocket>();
  /** Closed sockets whose graceful close is still under way in the transport. */
  private readonly lingering = new Set<KitSocket>();
  /** Handles of duplicated sockets beyond `socket.handle`, in this process. */
  private readonly extraHandles = new Map<KitSocket, SOCKET[]>();
  private readonly drivers = new Map<number, TransportDriver>();
  private readonly infos = new Map<number, Readonly<WSAPROTOCOL_INFOW>>();
  private readonly anyChange = new ChangeSignal();
  readonly eventSink: NetworkEventSink;
  /** Overlapped requests by their `WSAOVERLAPPED`, for `WSPGetOverlappedResult`. */
  readonly overlapped = new WeakMap<WSAOVERLAPPED, OverlappedRecord>();

  constructor(
    public upcalls: WSPUPCALLTABLE,
    private readonly handles: HandleKind,
    private readonly createDriver: TransportDriverFactory,
  ) {
    // Upcall failures are the dispatcher's business; an event that cannot be set is not the
    // provider's failure, so they are contained here.
    this.eventSink = {
      setEvent: (hEvent) => {
        try {
          this.upcalls.lpWPUSetEvent(hEvent, out(0));
        } catch {
          /* contained */
        }
      },
      postMessage: (hWnd, wMsg, wParam, lParam) => {
        try {
          this.upcalls.lpWPUPostMessage(hWnd, wMsg, wParam, lParam);
        } catch {
          /* contained */
        }
      },
    };
  }

  /**
   * One read-only copy of a catalog entry's protocol info for all the sockets made from it: a
   * socket's `SO_PROTOCOL_INFOW` never changes, and a copy per socket is memory an idle connection
   * would pay for. A caller's info that differs from the kept copy replaces it.
   */
  protocolInfo(info: WSAPROTOCOL_INFOW): Readonly<WSAPROTOCOL_INFOW> {
    const kept = this.infos.get(info.dwCatalogEntryId);
    if (kept && sameProtocolInfo(kept, info)) return kept;
    const copy = freezeProtocolInfo(info);
    this.infos.set(info.dwCatalogEntryId, copy);
    return copy;
  }

  /** How this provider's handles are made. */
  get handleKind(): HandleKind {
    return this.handles;
  }

  /** The driver of a catalog entry, made on first use. */
  driverFor(info: WSAPROTOCOL_INFOW): TransportDriver {
    let driver = this.drivers.get(info.dwCatalogEntryId);
    if (!driver) {
      driver = this.createDriver(info);
      this.drivers.set(info.dwCatalogEntryId, driver);
    }
    return driver;
  }

  /**
   * `WSPSocket`: checks the triple against the entry (0, `AF_UNSPEC` and `FROM_PROTOCOL_INFO` take
   * the entry's values), makes the socket and claims its handle.
   */
  createSocket(
    af: number,
    type: number,
    protocol: number,
    info: WSAPROTOCOL_INFOW | null,
    g: number,
    flags: number,
  ): SOCKET {
    if (!info || typeof info !== 'object' || !info.ProtocolChain) fail(WSAEINVAL);
    if (af !== AF_UNSPEC && af !== FROM_PROTOCOL_INFO && af !== info.iAddressFamily) fail(WSAEAFNOSUPPORT);
    if (type !== 0 && type !== FROM_PROTOCOL_INFO && type !== info.iSocketType) fail(WSAESOCKTNOSUPPORT);
    if (
      protocol !== 0 &&
      protocol !== FROM_PROTOCOL_INFO &&
      (protocol < info.iProtocol || protocol > info.iProtocol + info.iProtocolMaxOffset)
    ) {
      fail(WSAEPROTONOSUPPORT);
    }
    // Socket groups are reserved, and multipoint is not offered by kit providers.
    if (g !== 0 || flags & MULTIPOINT_FLAGS) fail(WSAEINVAL);
    // The protocol info of a duplicate opens the duplicated socket (WSPDuplicateSocket).
    const duplicate = openDuplicate(this, info);
    if (duplicate !== undefined) return duplicate;
    const driver = this.driverFor(info);
    const connectionless =
      (info.dwServiceFlags1 & XP1_CONNECTIONLESS) !== 0 || info.iSocketType === SOCK_DGRAM;
    let socket: KitSocket;
    if (driver.kind === 'datagram') {
      if (!connectionless) fail(WSAESOCKTNOSUPPORT);
      socket = new DatagramSocket(this, this.protocolInfo(info), driver);
    } else {
      if (connectionless) fail(WSAESOCKTNOSUPPORT);
      socket = new StreamSocket(this, this.protocolInfo(info), driver);
    }
    return this.register(socket);
  }

  register(socket: KitSocket): SOCKET {
    const errno = out(0);
    let handle: SOCKET;
    if (this.handles === 'ifs') {
      handle = this.upcalls.lpWPUModifyIFSHandle(socket.info.dwCatalogEntryId, createIfsHandle(), errno);
    } else {
      handle = this.upcalls.lpWPUCreateSocketHandle(socket.info.dwCatalogEntryId, socket, errno);
    }
    if (handle === INVALID_SOCKET || !Number.isInteger(handle)) fail(errno.value || WSAENOBUFS);
    socket.handle = handle;
    this.sockets.set(handle, socket);
    return handle;
  }

  /**
   * Another descriptor of `socket` (a duplicate opened in this process): a new handle for the same
   * socket. The socket's other processes are told of its changes too, so their `WSPSelect` wakes.
   */
  registerDescriptor(socket: KitSocket): SOCKET {
    const errno = out(0);
    const handle =
      this.handles === 'ifs'
        ? this.upcalls.lpWPUModifyIFSHandle(socket.info.dwCatalogEntryId, createIfsHandle(), errno)
        : this.upcalls.lpWPUCreateSocketHandle(socket.info.dwCatalogEntryId, socket, errno);
    if (handle === INVALID_SOCKET || !Number.isInteger(handle)) fail(errno.value || WSAENOBUFS);
    this.sockets.set(handle, socket);
    const extra = this.extraHandles.get(socket);
    if (extra) extra.push(handle);
    else this.extraHandles.set(socket, [handle]);
    socket.shareWith(this);
    return handle;
  }

  /** The socket behind a handle, or `WSAENOTSOCK` when it is not one of this provider's live sockets. */
  lookup(s: SOCKET): KitSocket {
    const socket = this.sockets.get(s);
    if (!socket || socket.closed) fail(WSAENOTSOCK);
    if (this.handles === 'non-ifs') {
      // The dispatcher keeps the context of a non-IFS handle; it must still be this socket.
      const context = out<unknown>(undefined);
      const rc = this.upcalls.lpWPUQuerySocketHandleContext(s, context, out(0));
      if (rc !== 0 || context.value !== socket) fail(WSAENOTSOCK);
    }
    return socket;
  }

  /** Forgets every handle of `socket` in this process, and releases them. */
  /** `SocketHost.lingerEnded`: a closed socket's connection is finished. */
  lingerEnded(socket: KitSocket): void {
    this.lingering.delete(socket);
  }

  forget(socket: KitSocket): void {
    if (this.sockets.get(socket.handle) === socket) this.releaseHandle(socket.handle);
    const extra = this.extraHandles.get(socket);
    if (!extra) return;
    this.extraHandles.delete(socket);
    for (const handle of extra) if (this.sockets.get(handle) === socket) this.releaseHandle(handle);
  }

  /** Forgets one handle and releases it (`CloseHandle`, or `WPUCloseSocketHandle`). */
  private releaseHandle(handle: SOCKET): void {
    this.sockets.delete(handle);
    if (this.handles === 'ifs') {
      closeIfsHandle(handle);
    } else {
      try {
        this.upcalls.lpWPUCloseSocketHandle(handle, out(0));
      } catch {
        /* the dispatcher may already be gone at cleanup */
      }
    }
  }

  changed(): void {
    this.anyChange.notify();
  }

  /**
   * `WSPCloseSocket`. A non-IFS handle with overlapped requests still in flight is released once
   * they have completed (their completions go through `WPUCompleteOverlappedRequest` on it).
   */
  closeSocket(s: SOCKET): void {
    const socket = this.lookup(s);
    if (dropDescriptor(socket)) {
      // Another descriptor (a duplicate) keeps the socket open: only this handle goes.
      this.releaseHandle(s);
      return;
    }
    socket.close();
    // Its graceful close may still be under way: the last WSPCleanup ends it (see `cleanup`).
    if (socket.lingering) this.lingering.add(socket);
    acceptSocketClosed(socket);
    if (this.handles === 'non-ifs' && hasRequestsInFlight(socket)) return;
    this.forget(socket);
  }

  requestsDrained(socket: KitSocket): void {
    this.forget(socket);
  }

  /** `WSPEventSelect` / `WSPAsyncSelect` side effects: non-blocking, and record what already holds. */
  selectionChanged(socket: KitSocket): void {
    socket.nonBlocking = true;
    socket.refreshEvents();
    if (socket.canSendNow) socket.events.signal(FD_WRITE);
  }

  /** `WSPSelect` over this provider's sockets. */
  async select(
    readfds: fd_set | null,
    writefds: fd_set | null,
    exceptfds: fd_set | null,
    timeout: TIMEVAL | null,
  ): Promise<number> {
    const sets = [readfds, writefds, exceptfds];
    for (const set of sets) {
      if (set !== null && (typeof set !== 'object' || !Array.isArray(set.fd_array))) fail(WSAEFAULT);
    }
    if (sets.every((set) => !set || set.fd_array.length === 0)) fail(WSAEINVAL);
    let deadline: number | undefined;
    if (timeout !== null) {
      if (
        typeof timeout !== 'object' ||
        !Number.isFinite(timeout.tv_sec) ||
        !Number.isFinite(timeout.tv_usec) ||
        timeout.tv_sec < 0 ||
        timeout.tv_usec < 0
      ) {
        fail(WSAEINVAL);
      }
      deadline = Date.now() + timeout.tv_sec * 1000 + Math.floor(timeout.tv_usec / 1000);
    }
    // By handle: a duplicated socket has several, and each set reports the handles it was given.
    type Entry = { handle: SOCKET; socket: KitSocket };
    const lookupAll = (set: fd_set | null): Entry[] =>
      set ? set.fd_array.map((handle) => ({ handle, socket: this.lookup(handle) })) : [];
    const reads = lookupAll(readfds);
    const writes = lookupAll(writefds);
    const excepts = lookupAll(exceptfds);
    for (;;) {
      const r = reads.filter(({ socket }) => !socket.closed && socket.readiness().readable);
      const w = writes.filter(({ socket }) => !socket.closed && socket.readiness().writable);
      const e = excepts.filter(({ socket }) => !socket.closed && socket.readiness().exceptional);
      const closedUnder = [...reads, ...writes, ...excepts].some(({ socket }) => socket.closed);
      const remaining = deadline === undefined ? undefined : deadline - Date.now();
      if (r.length + w.length + e.length > 0 || closedUnder || (remaining !== undefined && remaining <= 0)) {
        if (closedUnder && r.length + w.length + e.length === 0) fail(WSAENOTSOCK);
        if (readfds) readfds.fd_array = unique(r.map(({ handle }) => handle));
        if (writefds) writefds.fd_array = unique(w.map(({ handle }) => handle));
        if (exceptfds) exceptfds.fd_array = unique(e.map(({ handle }) => handle));
        return (
          (readfds?.fd_array.length ?? 0) +
          (writefds?.fd_array.length ?? 0) +
          (exceptfds?.fd_array.length ?? 0)
        );
      }
      await this.anyChange.wait(remaining);
    }
  }

  /** The last `WSPCleanup`: every socket is reset and freed, pending calls fail, drivers are released. */
  cleanup(): void {
    // MSDN WSACleanup: sockets closed with closesocket that still have data to send may be
    // affected — here their connections are reset, so none outlives the provider (nor keeps the
    // process alive).
    for (const socket of [...this.lingering]) socket.abort();
    this.lingering.clear();
    for (const [handle, socket] of [...this.sockets]) {
      // A socket duplicated into another process lives on there; this process only lets go.
      if (dropDescriptor(socket)) this.releaseHandle(handle);
      else {
        socket.abort();
        this.forget(socket);
      }
    }
    this.sockets.clear();
    this.extraHandles.clear();
    for (const driver of this.drivers.values()) {
      try {
        driver.dispose?.();
      } catch {
        /* a driver failing to dispose must not stop the cleanup */
      }
    }
    this.drivers.clear();
    this.infos.clear();
    this.anyChange.notify();
  }
}

/** A frozen deep copy of a protocol info. */
function freezeProtocolInfo(info: WSAPROTOCOL_INFOW): Readonly<WSAPROTOCOL_INFOW> {
  const copy = cloneProtocolInfo(info);
  Object.freeze(copy.ProtocolChain.ChainEntries);
  Object.freeze(copy.ProtocolChain);
  return Object.freeze(copy);
}

/** True when two protocol infos hold the same values. */
function sameProtocolInfo(a: Readonly<WSAPROTOCOL_INFOW>, b: WSAPROTOCOL_INFOW): boolean {
  for (const field of WSAPROTOCOL_INFOW_FIELDS) {
    if (field === 'ProtocolChain') continue;
    if (a[field] !== b[field]) return false;
  }
  const x = a.ProtocolChain;
  const y = b.ProtocolChain;
  if (x.ChainLen !== y.ChainLen || x.ChainEntries.length !== y.ChainEntries.length) return false;
  for (let i = 0; i < x.ChainEntries.length; i++) if (x.ChainEntries[i] !== y.ChainEntries[i]) return false;
  return true;
}

function unique(handles: SOCKET[]): SOCKET[] {
  return [...new Set(handles)];
}
