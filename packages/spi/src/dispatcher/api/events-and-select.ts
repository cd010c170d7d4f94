/**
 * Events, select and poll (ReactOS event.c and select.c): event objects (`WSACreateEvent` …
 * `WSAWaitForMultipleEvents`), network-event selection (`WSAEventSelect`, `WSAEnumNetworkEvents`,
 * `WSAAsyncSelect`), `select` and `WSAPoll`.
 * @module
 */
import {
  WSA_INVALID_HANDLE,
  WSA_INVALID_PARAMETER,
  WSAEFAULT,
  WSAEINVAL,
  WSAENOTSOCK,
  WSANOTINITIALISED,
} from '../../constants/error-codes';
import { SIO_EXT_POLL } from '../../constants/mswsock';
import {
  FIONREAD,
  POLLERR,
  POLLHUP,
  POLLNVAL,
  POLLPRI,
  POLLRDBAND,
  POLLRDNORM,
  POLLWRNORM,
  SOCKET_ERROR,
  WSA_INFINITE,
  WSA_MAXIMUM_WAIT_EVENTS,
  WSA_WAIT_EVENT_0,
  WSA_WAIT_FAILED,
  WSA_WAIT_IO_COMPLETION,
  WSA_WAIT_TIMEOUT,
} from '../../constants/socket-api';
import { SO_ACCEPTCONN, SOL_SOCKET } from '../../constants/socket-options';
import type { WSAPOLLDATA } from '../../spi/mswsock-types';
import type {
  fd_set,
  HWND,
  SOCKET,
  SockOptValue,
  TIMEVAL,
  WSAEVENT,
  WSANETWORKEVENTS,
  WSAPOLLFD,
} from '../../spi/wsp-types';
import { out } from '../../types/out-cell';
import {
  captureFdSet,
  capturePollEntries,
  captureTimeval,
  isIntegerArgument,
  isLengthArgument,
  isOptionalLiveEvent,
  isOptionalWindow,
  isPollRequest,
  isWritableNetworkEvents,
  writeBackFdSet,
  writeBackRevents,
} from '../argument-checks';
import { isWsaEvent, WsaEvent } from '../event-object';
import type { LoadedProvider } from '../loaded-provider';

/** The longest delay `setTimeout` honours (2^31 - 1 ms); longer ones fire at once. */
const MAX_TIMER_MS = 0x7fffffff;

import { thrown } from '../async-call';
import { MAIN_THREAD_ID, Ws2Core } from '../ws2-core';

/** The event, select and poll calls of `Ws2`; installed on its prototype, never instantiated. */
export abstract class Ws2EventsAndSelect extends Ws2Core {
  /** `WSACreateEvent`: a manual-reset event object; null (`WSA_INVALID_EVENT`) before `WSAStartup`. */
  WSACreateEvent(): WSAEVENT | null {
    if (!this.current) {
      this.fail(WSANOTINITIALISED);
      return null;
    }
    return new WsaEvent();
  }

  /** `WSACloseEvent`. */
  WSACloseEvent(hEvent: WSAEVENT): boolean {
    if (!isWsaEvent(hEvent) || hEvent.isClosed) return this.failBool(WSA_INVALID_HANDLE);
    hEvent.close();
    return true;
  }

  /** `WSASetEvent`. */
  WSASetEvent(hEvent: WSAEVENT): boolean {
    if (!isWsaEvent(hEvent) || hEvent.isClosed) return this.failBool(WSA_INVALID_HANDLE);
    hEvent.set();
    return true;
  }

  /** `WSAResetEvent`. */
  WSAResetEvent(hEvent: WSAEVENT): boolean {
    if (!isWsaEvent(hEvent) || hEvent.isClosed) return this.failBool(WSA_INVALID_HANDLE);
    hEvent.reset();
    return true;
  }

  /**
   * `WSAWaitForMultipleEvents`: `WSA_WAIT_EVENT_0 + i` for the first signalled event (all of them
   * with `fWaitAll`), `WSA_WAIT_TIMEOUT`, or `WSA_WAIT_FAILED`. `dwTimeout` in ms; `WSA_INFINITE`
   * (0xFFFFFFFF) waits for ever. An alertable wait also ends with `WSA_WAIT_IO_COMPLETION` when an
   * APC (a completion routine) ran while it waited.
   */
  async WSAWaitForMultipleEvents(
    cEvents: number,
    lphEvents: WSAEVENT[],
    fWaitAll: boolean,
    dwTimeout: number,
    fAlertable: boolean,
  ): Promise<number> {
    const cell = this.lastError.claim();
    let events: unknown[] | undefined;
    if (
      isIntegerArgument(cEvents) &&
      cEvents >= 1 &&
      cEvents <= WSA_MAXIMUM_WAIT_EVENTS &&
      isIntegerArgument(dwTimeout) &&
      dwTimeout >= 0 &&
      dwTimeout <= WSA_INFINITE
    ) {
      try {
        // Read once: a Proxy or a getter cannot answer one thing here and another while waiting.
        if (Array.isArray(lphEvents) && lphEvents.length >= cEvents) events = lphEvents.slice(0, cEvents);
      } catch {
        events = undefined;
      }
    }
    if (events === undefined) {
      this.lastError.complete(cell, WSA_INVALID_PARAMETER);
      return WSA_WAIT_FAILED;
    }
    // Index by index: an array with holes has no event where a hole is (`every` would skip it).
    let allLive = true;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (!isWsaEvent(e) || e.isClosed) allLive = false;
    }
    if (!allLive) {
      this.lastError.complete(cell, WSA_INVALID_HANDLE);
      return WSA_WAIT_FAILED;
    }
    const live = events as WsaEvent[];
    const ready = (): number => {
      if (fWaitAll) return live.every((e) => e.signalled) ? WSA_WAIT_EVENT_0 : -1;
      const i = live.findIndex((e) => e.signalled);
      return i < 0 ? -1 : WSA_WAIT_EVENT_0 + i;
    };
    const deadline = dwTimeout === WSA_INFINITE ? Number.POSITIVE_INFINITY : Date.now() + dwTimeout;
    let apcRan = false;
    let wakeOnApc: () => void = () => {};
    const unsubscribe = fAlertable
      ? this.io.onApc(() => {
          apcRan = true;
          wakeOnApc();
        })
      : undefined;
    try {
      return await this.waitForEvents(
        cell,
        live,
        ready,
        deadline,
        () => apcRan,
        (wake) => (wakeOnApc = wake),
      );
    } finally {
      unsubscribe?.();
    }
  }

  private async waitForEvents(
    cell: ReturnType<Ws2Core['lastError']['claim']>,
    live: WsaEvent[],
    ready: () => number,
    deadline: number,
    apcRan: () => boolean,
    onApc: (wake: () => void) => void,
  ): Promise<number> {
    for (;;) {
      const r = ready();
      if (r >= 0) return r;
      if (apcRan()) return WSA_WAIT_IO_COMPLETION;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return WSA_WAIT_TIMEOUT;
      const waits = live.map((e) => e.wait());
      let timer: NodeJS.Timeout | undefined;
      // A timer cannot wait longer than 2^31 - 1 ms; a longer wait goes round the loop again.
      const timeout = Number.isFinite(remaining)
        ? new Promise<void>((resolve) => {
            timer = setTimeout(resolve, Math.min(remaining, MAX_TIMER_MS));
          })
        : new Promise<void>(() => {});
      const apc = new Promise<void>((resolve) => onApc(resolve));
      await Promise.race([...waits.map((w) => w.promise), timeout, apc]);
      if (timer) clearTimeout(timer);
      for (const w of waits) w.cancel();
      // Closing an event wakes its waiters; the wait then fails instead of calling it signalled.
      if (live.some((e) => e.isClosed)) {
        this.lastError.complete(cell, WSA_INVALID_HANDLE);
        return WSA_WAIT_FAILED;
      }
    }
  }

  /** `WSAEventSelect`: like ws2_32, an error-less failure is not turned into `WSASYSCALLFAILURE`. */
  WSAEventSelect(s: SOCKET, hEventObject: WSAEVENT | null, lNetworkEvents: number): number {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.fail(socket);
    if (!isOptionalLiveEvent(hEventObject)) return this.fail(WSA_INVALID_HANDLE);
    if (!isIntegerArgument(lNetworkEvents)) return this.fail(WSAEINVAL);
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPEventSelect(s, hEventObject ?? null, lNetworkEvents, lpErrno);
    } catch (error) {
      rc = thrown(error);
    }
    return this.leave(socket, 'lpWSPEventSelect', rc, lpErrno, true);
  }

  /** `WSAEnumNetworkEvents`: the recorded events and their error codes; clears them and resets the event object. */
  WSAEnumNetworkEvents(
    s: SOCKET,
    hEventObject: WSAEVENT | null,
    lpNetworkEvents: WSANETWORKEVENTS | null,
  ): number {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.fail(socket);
    if (!isOptionalLiveEvent(hEventObject)) return this.fail(WSA_INVALID_HANDLE);
    if (!isWritableNetworkEvents(lpNetworkEvents)) return this.fail(WSAEFAULT);
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPEnumNetworkEvents(
        s,
        hEventObject ?? null,
        lpNetworkEvents,
        lpErrno,
      );
    } catch (error) {
      rc = thrown(error);
    }
    return this.leave(socket, 'lpWSPEnumNetworkEvents', rc, lpErrno);
  }

  /** `WSAAsyncSelect`: network events posted to `hWnd` as `wMsg` messages. */
  WSAAsyncSelect(s: SOCKET, hWnd: HWND | null, wMsg: number, lEvent: number): number {
    const socket = this.route(s);
    if (typeof socket === 'number') return this.fail(socket);
    // MSDN WSAAsyncSelect: a window handle that is no window is WSAEINVAL, as are the other values.
    if (!isOptionalWindow(hWnd) || !isIntegerArgument(wMsg) || !isIntegerArgument(lEvent)) {
      return this.fail(WSAEINVAL);
    }
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPAsyncSelect(s, hWnd ?? null, wMsg, lEvent, lpErrno);
    } catch (error) {
      rc = thrown(error);
    }
    return this.leave(socket, 'lpWSPAsyncSelect', rc, lpErrno);
  }

  /**
   * `select`: dispatched, like ws2_32's, to the provider of the first socket in the first
   * non-empty set (read, write, except); all sets empty is `WSAEINVAL`. Sockets of other providers
   * in the same call are that provider's to reject.
   */
  select(
    nfds: number,
    readfds: fd_set | null,
    writefds: fd_set | null,
    exceptfds: fd_set | null,
    timeout: TIMEVAL | null,
  ): Promise<number> {
    if (!this.current) return this.failAsync(WSANOTINITIALISED);
    // The provider gets copies read once (C's fd_sets are the caller's memory, copied in and out by
    // the kernel); the results are written back to the caller's sets when it completes.
    const read = captureFdSet(readfds);
    const write = captureFdSet(writefds);
    const except = captureFdSet(exceptfds);
    if (typeof read === 'number' || typeof write === 'number' || typeof except === 'number') {
      return this.failAsync(WSAEFAULT);
    }
    const time = captureTimeval(timeout);
    if (typeof time === 'number') return this.failAsync(time);
    const sets = [read, write, except];
    const first = sets.find((set) => set !== null && set.fd_array.length > 0);
    if (!first) return this.failAsync(WSAEINVAL);
    const socket = this.route(first.fd_array[0] as SOCKET);
    if (typeof socket === 'number') return this.failAsync(socket);
    // Every descriptor must be a socket of this process; other providers' sockets are theirs to refuse.
    const all = sets.flatMap((set) => set?.fd_array ?? []);
    const handles = this.current.handles;
    for (let i = 0; i < all.length; i++) {
      if (handles.get(all[i] as SOCKET) === undefined) return this.failAsync(WSAENOTSOCK);
    }
    const marked = this.markBusy(all);
    const call = this.enterAsync(socket);
    let pending: Promise<number>;
    try {
      pending = socket.provider.procTable.lpWSPSelect(nfds, read, write, except, time, call.lpErrno);
    } catch (error) {
      pending = Promise.reject(error);
    }
    this.unmarkBusy(marked);
    return this.settle(socket, call, 'lpWSPSelect', pending).then((rc) => {
      if (rc !== SOCKET_ERROR) {
        writeBackFdSet(readfds, read);
        writeBackFdSet(writefds, write);
        writeBackFdSet(exceptfds, except);
      }
      return rc;
    });
  }

  /**
   * `WSAPoll`, built on the providers' `WSPSelect` (there is no WSPPoll in the SPI). A handle no
   * provider owns gets `POLLNVAL` (and the others are polled without waiting). A readable socket
   * with nothing to read, that is not listening, is `POLLHUP` (the peer finished); a socket in the
   * except set is `POLLPRI` when asked for, else `POLLERR`. Sockets of several providers are polled
   * in turn until one is ready or the timeout (whole ms; negative = for ever) ends.
   */
  async WSAPoll(fdArray: WSAPOLLFD[], fds: number, timeout: number): Promise<number> {
    const cell = this.lastError.claim();
    const failWith = (code: number): number => {
      this.lastError.complete(cell, code);
      return SOCKET_ERROR;
    };
    const process = this.current;
    if (!process) return failWith(WSANOTINITIALISED);
    // A count of 0 or a timeout that is no int is an invalid value; a count past the array is a
    // read past its end (MSDN: "an exception occurred while reading user input parameters").
    if (fds === 0 || !isIntegerArgument(timeout)) return failWith(WSAEINVAL);
    if (!isLengthArgument(fds)) return failWith(WSAEFAULT);
    // Each entry is read once and its revents probed: the polling below works on plain copies, and
    // the caller's entries get their revents when it is done.
    const entries = capturePollEntries(fdArray, fds);
    if (typeof entries === 'number') return failWith(entries);
    for (const pfd of entries) if (!isPollRequest(pfd.events)) return failWith(WSAEINVAL);
    const byProvider = new Map<LoadedProvider, WSAPOLLFD[]>();
    let invalid = 0;
    for (const pfd of entries) {
      const record = process.handles.get(pfd.fd);
      const owner = record && process.startedProvider(record.catalogEntryId);
      if (!owner) {
        pfd.revents = POLLNVAL;
        invalid++;
        continue;
      }
      byProvider.set(owner, [...(byProvider.get(owner) ?? []), pfd]);
    }
    const groups = [...byProvider.values()];
    // An invalid handle is an event in itself: the valid ones are polled once, without waiting.
    const deadline =
      invalid > 0 || timeout === 0 ? 0 : timeout < 0 ? Number.POSITIVE_INFINITY : Date.now() + timeout;
    for (;;) {
      let ready = invalid;
      for (const group of groups) {
        // One provider: wait in its WSPSelect; several: poll each and sleep briefly in between.
        const wait = groups.length === 1 ? deadline - Date.now() : 0;
        const result = await this.pollGroup(group, wait);
        if (typeof result !== 'number') return failWith(result.error);
        ready += result;
      }
      if (ready > 0 || Date.now() >= deadline) {
        return writeBackRevents(entries) ? ready : failWith(WSAEFAULT);
      }
      if (groups.length > 1) await sleep(Math.min(10, Math.max(0, deadline - Date.now())));
      else if (!Number.isFinite(deadline)) continue;
    }
  }

  /** One provider's sockets of a `WSAPoll`: its `WSPSelect`, then each socket's `revents`. */
  private async pollGroup(group: WSAPOLLFD[], waitMs: number): Promise<number | { error: number }> {
    const want = (pfd: WSAPOLLFD, bits: number): SOCKET[] => (pfd.events & bits ? [pfd.fd] : []);
    const readfds: fd_set = { fd_array: group.flatMap((p) => want(p, POLLRDNORM | POLLRDBAND)) };
    const writefds: fd_set = { fd_array: group.flatMap((p) => want(p, POLLWRNORM)) };
    // Errors and hang-ups are reported whether asked for or not, so every socket is watched.
    const exceptfds: fd_set = { fd_array: group.map((p) => p.fd) };
    const allRead: fd_set = { fd_array: group.map((p) => p.fd) };
    const wait = Math.max(0, waitMs);
    const timeout = Number.isFinite(wait)
      ? { tv_sec: Math.floor(wait / 1000), tv_usec: (wait % 1000) * 1000 }
      : null;
    const all = group.map((p) => p.fd);
    const socket = this.route(all[0]);
    if (typeof socket === 'number') return { error: socket };
    const marked = this.markBusy(all);
    const call = this.enterAsync(socket);
    let pending: Promise<number>;
    try {
      pending = socket.provider.procTable.lpWSPSelect(0, allRead, writefds, exceptfds, timeout, call.lpErrno);
    } catch (error) {
      pending = Promise.reject(error);
    }
    this.unmarkBusy(marked);
    const error = await this.settleQuietly(socket, call, 'lpWSPSelect', pending);
    if (error !== 0) return { error };
    // The provider's own answer when it gives one (SIO_EXT_POLL): it knows what select cannot
    // tell, such as the peer's close behind unread data.
    const exact = this.providerPoll(all[0] as SOCKET, group);
    if (exact !== undefined) return exact;
    let ready = 0;
    for (const pfd of group) {
      let revents = 0;
      if (allRead.fd_array.includes(pfd.fd)) {
        // Readable with nothing to read (and not a listener with a connection waiting): the peer finished.
        if (!this.isListening(pfd.fd) && this.bytesReadable(pfd.fd) === 0) revents |= POLLHUP;
        else if (readfds.fd_array.includes(pfd.fd))
          revents |= pfd.events & (POLLRDNORM | POLLRDBAND) || POLLRDNORM;
      }
      const excepted = exceptfds.fd_array.includes(pfd.fd);
      if (writefds.fd_array.includes(pfd.fd) && !excepted) revents |= POLLWRNORM;
      if (excepted) revents |= pfd.events & POLLPRI ? POLLPRI : POLLERR;
      pfd.revents = revents;
      if (revents) ready++;
    }
    return ready;
  }

  /**
   * `WSAPoll` evaluated by the provider (`WSPIoctl(SIO_EXT_POLL)` on the group's first socket, as
   * ws2_32 sends it to the handle `SIO_BSP_HANDLE_POLL` names): the number of entries with
   * `revents`, or undefined when the provider does not answer it.
   */
  private providerPoll(s: SOCKET, group: WSAPOLLFD[]): number | undefined {
    const socket = this.route(s);
    if (typeof socket === 'number') return undefined;
    const data: WSAPOLLDATA = {
      result: 0,
      fds: group.length,
      timeout: 0,
      fdArray: group.map((p) => ({ fd: p.fd, events: p.events, revents: 0 })),
    };
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPIoctl(
        s,
        SIO_EXT_POLL,
        data,
        0,
        null,
        0,
        out(0),
        null,
        null,
        MAIN_THREAD_ID,
        lpErrno,
      );
    } catch (error) {
      rc = thrown(error);
    }
    if (!this.leaveQuietly(socket, 'lpWSPIoctl', rc, lpErrno)) return undefined;
    group.forEach((pfd, i) => {
      pfd.revents = data.fdArray[i]?.revents ?? 0;
    });
    return group.filter((pfd) => pfd.revents !== 0).length;
  }

  /** `SO_ACCEPTCONN`, asked of the provider directly (no last error is touched). */
  private isListening(s: SOCKET): boolean {
    const socket = this.route(s);
    if (typeof socket === 'number') return false;
    const value = out<SockOptValue | null>(null);
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPGetSockOpt(s, SOL_SOCKET, SO_ACCEPTCONN, value, out(4), lpErrno);
    } catch (error) {
      rc = thrown(error);
    }
    return this.leaveQuietly(socket, 'lpWSPGetSockOpt', rc, lpErrno) && Boolean(value.value);
  }

  /** `FIONREAD`, asked of the provider directly; -1 when it fails. */
  private bytesReadable(s: SOCKET): number {
    const socket = this.route(s);
    if (typeof socket === 'number') return -1;
    const pending = out<unknown>(0);
    const lpErrno = this.enter(socket);
    let rc: unknown;
    try {
      rc = socket.provider.procTable.lpWSPIoctl(
        s,
        FIONREAD,
        0,
        4,
        pending,
        4,
        out(0),
        null,
        null,
        MAIN_THREAD_ID,
        lpErrno,
      );
    } catch (error) {
      rc = thrown(error);
    }
    return this.leaveQuietly(socket, 'lpWSPIoctl', rc, lpErrno) ? Number(pending.value) : -1;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
