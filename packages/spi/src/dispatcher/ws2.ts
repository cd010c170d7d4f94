import type { DependencyContainer } from 'tsyringe';
import type { CatalogSnapshot } from '../catalog/catalog-entry';
import { enumerateProtocols } from '../catalog/enumerate-protocols';
import { isArgumentProblem } from '../catalog/provider-arguments';
import {
  WSA_INVALID_HANDLE,
  WSA_INVALID_PARAMETER,
  WSAEAFNOSUPPORT,
  WSAEFAULT,
  WSAEINPROGRESS,
  WSAEINVAL,
  WSAEMSGSIZE,
  WSAENOTSOCK,
  WSAEPROTONOSUPPORT,
  WSAESOCKTNOSUPPORT,
  WSANOTINITIALISED,
  WSASYSCALLFAILURE,
  WSASYSNOTREADY,
} from '../constants/error-codes';
import { PFL_HIDDEN } from '../constants/provider-flags';
import {
  FIONBIO,
  FIONREAD,
  FROM_PROTOCOL_INFO,
  INVALID_SOCKET,
  LOBYTE,
  MSG_PARTIAL,
  POLLERR,
  POLLHUP,
  POLLNVAL,
  POLLPRI,
  POLLRDBAND,
  POLLRDNORM,
  POLLWRNORM,
  SOCKET_ERROR,
  WSA_FLAG_OVERLAPPED,
  WSA_INFINITE,
  WSA_MAXIMUM_WAIT_EVENTS,
  WSA_WAIT_EVENT_0,
  WSA_WAIT_FAILED,
  WSA_WAIT_TIMEOUT,
  WSADESCRIPTION_LEN,
} from '../constants/socket-api';
import { SO_ACCEPTCONN, SOL_SOCKET } from '../constants/socket-options';
import { filterSnapshotForApplication } from '../lsp/application-lsp-filter';
import type { LPCONDITIONPROC, WSPPROC_TABLE } from '../spi/wsp-proc-table';
import type {
  fd_set,
  GROUP,
  HWND,
  LPWSAOVERLAPPED_COMPLETION_ROUTINE,
  QOS,
  SOCKET,
  SockOptValue,
  TIMEVAL,
  WSAEVENT,
  WSANETWORKEVENTS,
  WSAOVERLAPPED,
  WSAPOLLFD,
  WSATHREADID,
} from '../spi/wsp-types';
import { type Out, out } from '../types/out-cell';
import { cloneProtocolInfo, isLayeredEntry, type WSAPROTOCOL_INFOW } from '../types/protocol-info';
import type { SOCKADDR } from '../types/sockaddr';
import { isValidWsabuf, type WSABUF } from '../types/wsabuf';
import type { WSADATA } from '../types/wsadata';
import { isWsaEvent, WsaEvent } from './event-object';
import type { HandleRecord } from './handle-table';
import { LastErrorSlot } from './last-error';
import type { LoadedProvider } from './loaded-provider';
import { compareVersions, negotiateVersion, WINSOCK_HIGH_VERSION } from './negotiate-version';
import type { ProviderFailure } from './provider-failure';
import { bindProviderHost, type ProviderHost } from './provider-host';
import { ProviderLoader } from './provider-loader';
import { ReentrancyGuard } from './reentrancy-guard';
import { selectCatalogEntry } from './select-catalog-entry';
import { createUpcallTable } from './upcall-table';
import { WsProcess } from './ws-process';

/** Where a process takes its catalog from at `WSAStartup` — a `Catalog`, or anything with a snapshot. */
export interface CatalogSource {
  /** The catalog as it is now: entries in order, the change counter, application categories. */
  snapshot(): CatalogSnapshot;
}

/** How a `Ws2` process is made. */
export interface Ws2Options {
  /** The machine catalog; snapshotted at the first `WSAStartup` (later changes are not seen until the count returns to 0). */
  catalog: CatalogSource;
  /**
   * This process's DI container, where in-application providers are registered
   * (`registerProvider`). Defaults to a fresh child of tsyringe's root container, so nothing is
   * shared with other processes.
   */
  container?: DependencyContainer;
  /** Environment for `%VAR%` expansion in provider paths (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Directory that relative provider file paths are resolved against (default `process.cwd()`). */
  cwd?: string;
  /** Called for every provider failure, in addition to `providerFailures`. */
  onProviderFailure?: (failure: ProviderFailure) => void;
  /**
   * The executable path this process is, for the per-application LSP categories
   * (`WSCSetApplicationCategory`'s `Path`; default `process.execPath`). At `WSAStartup` the
   * snapshot loses every LSP the application does not permit, and every chain through it (see
   * `filterSnapshotForApplication`).
   */
  applicationPath?: string;
  /** The command line that tells instances of `applicationPath` apart (`Extra`; default none). */
  applicationExtra?: string;
}

/**
 * How a per-socket call checks its own arguments: `check` runs after the prolog and the handle
 * lookup (so `WSANOTINITIALISED` and `WSAENOTSOCK` come first) and before the provider is called,
 * returning 0 or the argument error (`WSAEFAULT` for a malformed buffer).
 */
interface CallOptions {
  check?: () => number;
}

/** What a provider call came to: the C result, and whether it failed with which error. */
interface CallOutcome {
  rc: number;
  failed: boolean;
  error: number;
}

function failed(rc: number, error: number): CallOutcome {
  return { rc, failed: true, error };
}

/** The one "thread" a `Ws2` process reports (`WPUOpenCurrentThread`, `lpThreadId`). */
const MAIN_THREAD = 1;

/** The route of a per-socket call: the live process, the handle's record and its owning provider. */
type Route = { process: WsProcess; record: HandleRecord; provider: LoadedProvider };

const MAX_RECORDED_FAILURES = 100;

/** The longest delay `setTimeout` honours (2^31 - 1 ms); longer ones fire at once. */
const MAX_TIMER_MS = 0x7fffffff;

/**
 * One Windows process's view of Winsock: the winsock2.h API over the dispatcher (ws2_32).
 *
 * Every per-socket call follows ws2_32's shape: the startup prolog (`WSANOTINITIALISED`), the
 * handle lookup (`WSAENOTSOCK`), the re-entrancy rule (`WSAEINPROGRESS`), structural argument
 * checks the provider could not survive (`WSAEFAULT`), then the call into the `WSPPROC_TABLE` of the
 * catalog entry that claimed the handle. A failure the provider reports without an error code
 * becomes `WSASYSCALLFAILURE`; a provider that throws or breaks the contract is recorded in
 * `providerFailures` and the call fails, but the dispatcher carries on.
 *
 * Calls that block in C return a Promise of the C result; the others are synchronous. The error of
 * a failed call is read with `WSAGetLastError()` in the same async context.
 */
export class Ws2 {
  /** The most recent provider failures (bounded), oldest first. */
  readonly providerFailures: ProviderFailure[] = [];
  private readonly lastError = new LastErrorSlot();
  private readonly guard = new ReentrancyGuard();
  private readonly loader: ProviderLoader;
  private readonly catalog: CatalogSource;
  private readonly onProviderFailure?: (failure: ProviderFailure) => void;
  private readonly application: { path: string; extra: string };
  private current: WsProcess | undefined;
  private readonly hosts = new WeakMap<WsProcess, ProviderHost>();
  private startupCount = 0;

  constructor(options: Ws2Options) {
    this.catalog = options.catalog;
    this.onProviderFailure = options.onProviderFailure;
    this.application = {
      path: options.applicationPath ?? process.execPath,
      extra: options.applicationExtra ?? '',
    };
    this.loader = new ProviderLoader(options.container ?? defaultContainer(), options.env, options.cwd);
  }

  /** The number of `WSAStartup` calls not yet matched by `WSACleanup`. */
  get startupReferences(): number {
    return this.startupCount;
  }

  /** The catalog snapshot this process took at its first `WSAStartup`, or undefined when not started. */
  get catalogSnapshot(): CatalogSnapshot | undefined {
    return this.current?.snapshot;
  }

  /**
   * How many socket handles the process's table holds — every live socket of every layer and base,
   * the application's and those below a non-IFS layer. 0 when not started. For diagnostics and
   * leak tests.
   */
  get handleCount(): number {
    return this.current?.handles.size ?? 0;
  }

  /** The providers started so far in this startup epoch (ProviderId, path, WSPDATA). */
  get startedProviders(): readonly LoadedProvider[] {
    return this.current?.startedProviders() ?? [];
  }

  // ── startup ────────────────────────────────────────────────────────────────────────────────

  /**
   * `WSAStartup`: negotiates the version, fills `lpWSAData` (even on failure), and counts the
   * startup. The first startup takes the catalog snapshot. Returns the error code directly (0 on
   * success), as Windows does.
   */
  WSAStartup(wVersionRequested: number, lpWSAData: WSADATA | null): number {
    const { version, error } = negotiateVersion(wVersionRequested);
    if (!lpWSAData || typeof lpWSAData !== 'object') {
      this.lastError.set(WSANOTINITIALISED);
      return error || WSAEFAULT;
    }
    lpWSAData.wVersion = version;
    lpWSAData.wHighVersion = WINSOCK_HIGH_VERSION;
    lpWSAData.szDescription = 'WinSock 2.0'.slice(0, WSADESCRIPTION_LEN);
    lpWSAData.szSystemStatus = 'Running';
    lpWSAData.iMaxSockets = LOBYTE(version) === 1 ? 32767 : 0;
    lpWSAData.iMaxUdpDg = LOBYTE(version) === 1 ? 65467 : 0;
    lpWSAData.lpVendorInfo = null;
    if (error) return error;
    if (!this.current) {
      let snapshot: CatalogSnapshot;
      try {
        // The process sees only the LSPs its application permits (WSCSetApplicationCategory).
        snapshot = filterSnapshotForApplication(this.catalog.snapshot(), this.application);
      } catch (cause) {
        this.recordFailure({
          providerId: '',
          path: '',
          call: 'WSAStartup',
          reason: 'catalog unreadable',
          error: cause,
        });
        lpWSAData.szSystemStatus = `Catalog unreadable: ${(cause as Error).message}`;
        return WSASYSNOTREADY;
      }
      this.current = new WsProcess(
        snapshot,
        version,
        this.loader,
        (process) => this.upcallTableForProvider(process),
        (f) => this.recordFailure(f),
      );
    } else if (compareVersions(version, this.current.version) < 0) {
      // The process version only ever goes down: legacy 1.x behaviour stays in force.
      this.current.version = version;
    }
    this.startupCount++;
    return 0;
  }

  /**
   * `WSACleanup`: undoes one `WSAStartup`. The last one invalidates every socket (later calls give
   * `WSAENOTSOCK`, even after a new `WSAStartup`), calls `WSPCleanup` once per started provider and
   * drops the catalog snapshot.
   */
  WSACleanup(): number {
    if (!this.current) return this.fail(WSANOTINITIALISED);
    this.startupCount--;
    if (this.startupCount === 0) {
      const process = this.current;
      this.current = undefined;
      process.cleanupProviders();
    }
    return 0;
  }

  /** `WSAGetLastError`: the last error of the calling async context. */
  WSAGetLastError(): number {
    return this.lastError.get();
  }

  /** `WSASetLastError`. */
  WSASetLastError(iError: number): void {
    this.lastError.set(iError);
  }

  // ── socket lifetime ────────────────────────────────────────────────────────────────────────

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
      cell.value = code;
      return INVALID_SOCKET;
    };
    const process = this.current;
    if (!process) return failWith(WSANOTINITIALISED);
    if (lpProtocolInfo !== null && (typeof lpProtocolInfo !== 'object' || !lpProtocolInfo.ProtocolChain)) {
      return failWith(WSAEFAULT);
    }
    if (![af, type, protocol, g, dwFlags].every(Number.isInteger)) return failWith(WSAEINVAL);

    if (lpProtocolInfo) {
      const entry = process.entry(lpProtocolInfo.dwCatalogEntryId);
      if (!entry || isLayeredEntry(entry.info)) return failWith(WSAEINVAL);
      // Arguments left open (0 or FROM_PROTOCOL_INFO) come from the caller's struct; a value that
      // is still unusable fails as on Windows (Wine's test_WSASocket, which passes there).
      const pick = (arg: number, field: number): number =>
        arg === FROM_PROTOCOL_INFO || arg === 0 ? field : arg;
      const effectiveAf = pick(af, lpProtocolInfo.iAddressFamily);
      const effectiveType = pick(type, lpProtocolInfo.iSocketType);
      const effectiveProtocol = pick(protocol, lpProtocolInfo.iProtocol);
      if (!Number.isInteger(effectiveAf) || effectiveAf <= 0) return failWith(WSAEAFNOSUPPORT);
      if (!Number.isInteger(effectiveType) || effectiveType < 0) return failWith(WSAESOCKTNOSUPPORT);
      if (!Number.isInteger(effectiveProtocol) || effectiveProtocol === FROM_PROTOCOL_INFO) {
        return failWith(WSAEPROTONOSUPPORT);
      }
      // The catalog's copy of the entry goes down (a caller cannot forge its flags or chain), with
      // the caller's dwProviderReserved, which layered providers carry down (the MS sample does).
      const info = {
        ...cloneProtocolInfo(entry.info),
        dwProviderReserved: lpProtocolInfo.dwProviderReserved,
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
      const selection = selectCatalogEntry(process.snapshot.entries, af, type, protocol, after);
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
      s = this.guard.run([], () =>
        provider.procTable.lpWSPSocket(af, type, protocol, info, g, dwFlags, errno),
      );
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
   * `closesocket`: `WSPCloseSocket` (graceful unless `SO_LINGER {1,0}`), then the handle is
   * forgotten. Never blocks.
   */
  closesocket(s: SOCKET): number {
    const rc = this.callSync(s, 'lpWSPCloseSocket', (t, errno) => t.lpWSPCloseSocket(s, errno));
    if (rc !== SOCKET_ERROR) this.current?.handles.delete(s);
    return rc;
  }

  /** `bind`. */
  bind(s: SOCKET, name: SOCKADDR | null, namelen: number): Promise<number> {
    return this.callAsync(s, 'lpWSPBind', (t, errno) => t.lpWSPBind(s, name, namelen, errno));
  }

  /** `listen`. */
  listen(s: SOCKET, backlog: number): Promise<number> {
    return this.callAsync(s, 'lpWSPListen', (t, errno) => t.lpWSPListen(s, backlog, errno));
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
    return this.callAsync(
      s,
      'lpWSPAccept',
      (t, errno) => t.lpWSPAccept(s, addr, addrlen, lpfnCondition, dwCallbackData, errno),
      {
        returnsSocket: true,
        check: () => (lpfnCondition !== null && typeof lpfnCondition !== 'function' ? WSAEFAULT : 0),
      },
    );
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
    return this.callAsync(
      s,
      'lpWSPConnect',
      (t, errno) => t.lpWSPConnect(s, name, namelen, lpCallerData, lpCalleeData, lpSQOS, lpGQOS, errno),
      {
        check: () => (this.optionalWsabuf(lpCallerData) && this.optionalWsabuf(lpCalleeData) ? 0 : WSAEFAULT),
      },
    );
  }

  // ── data transfer ──────────────────────────────────────────────────────────────────────────

  /** `send`: bytes sent, or `SOCKET_ERROR`. */
  async send(s: SOCKET, buf: Uint8Array, len: number, flags: number): Promise<number> {
    const buffers = [{ len, buf }];
    const sent = out(0);
    const rc = await this.WSASend(s, buffers, 1, sent, flags, null, null);
    return rc === SOCKET_ERROR ? SOCKET_ERROR : sent.value;
  }

  /** `WSASend`. */
  WSASend(
    s: SOCKET,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesSent: Out<number> | null,
    dwFlags: number,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  ): Promise<number> {
    return this.callAsync(
      s,
      'lpWSPSend',
      (t, errno) =>
        t.lpWSPSend(
          s,
          lpBuffers,
          dwBufferCount,
          lpNumberOfBytesSent,
          dwFlags,
          lpOverlapped,
          lpCompletionRoutine,
          this.threadId(),
          errno,
        ),
      { check: () => this.bufferArrayError(lpBuffers, dwBufferCount) },
    );
  }

  /** `sendto`. */
  async sendto(
    s: SOCKET,
    buf: Uint8Array,
    len: number,
    flags: number,
    to: SOCKADDR | null,
    tolen: number,
  ): Promise<number> {
    const buffers = [{ len, buf }];
    const sent = out(0);
    const rc = await this.WSASendTo(s, buffers, 1, sent, flags, to, tolen, null, null);
    return rc === SOCKET_ERROR ? SOCKET_ERROR : sent.value;
  }

  /** `WSASendTo`. */
  WSASendTo(
    s: SOCKET,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesSent: Out<number> | null,
    dwFlags: number,
    lpTo: SOCKADDR | null,
    iTolen: number,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  ): Promise<number> {
    return this.callAsync(
      s,
      'lpWSPSendTo',
      (t, errno) =>
        t.lpWSPSendTo(
          s,
          lpBuffers,
          dwBufferCount,
          lpNumberOfBytesSent,
          dwFlags,
          lpTo,
          iTolen,
          lpOverlapped,
          lpCompletionRoutine,
          this.threadId(),
          errno,
        ),
      { check: () => this.bufferArrayError(lpBuffers, dwBufferCount) },
    );
  }

  /**
   * `recv`: bytes received (0 = the peer closed gracefully), or `SOCKET_ERROR`. A partial message
   * (`MSG_PARTIAL` back from the provider) is `WSAEMSGSIZE` here, as in ws2_32's `recv`.
   */
  async recv(s: SOCKET, buf: Uint8Array, len: number, flags: number): Promise<number> {
    const cell = this.lastError.claim();
    const received = out(0);
    const lpFlags = out(flags);
    const outcome = await this.wsaRecv(s, [{ len, buf }], 1, received, lpFlags, null, null);
    if (outcome.failed) {
      cell.value = outcome.error;
      return SOCKET_ERROR;
    }
    if (lpFlags.value & MSG_PARTIAL) {
      cell.value = WSAEMSGSIZE;
      return SOCKET_ERROR;
    }
    return received.value;
  }

  /** `WSARecv`. */
  async WSARecv(
    s: SOCKET,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesRecvd: Out<number> | null,
    lpFlags: Out<number> | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  ): Promise<number> {
    const cell = this.lastError.claim();
    const outcome = await this.wsaRecv(
      s,
      lpBuffers,
      dwBufferCount,
      lpNumberOfBytesRecvd,
      lpFlags,
      lpOverlapped,
      lpCompletionRoutine,
    );
    if (outcome.failed) cell.value = outcome.error;
    return outcome.rc;
  }

  private wsaRecv(
    s: SOCKET,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesRecvd: Out<number> | null,
    lpFlags: Out<number> | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  ): Promise<CallOutcome> {
    return this.invokeAsync(
      s,
      'lpWSPRecv',
      (t, errno) =>
        t.lpWSPRecv(
          s,
          lpBuffers,
          dwBufferCount,
          lpNumberOfBytesRecvd,
          lpFlags,
          lpOverlapped,
          lpCompletionRoutine,
          this.threadId(),
          errno,
        ),
      { check: () => this.bufferArrayError(lpBuffers, dwBufferCount) },
    );
  }

  /** `recvfrom`. */
  async recvfrom(
    s: SOCKET,
    buf: Uint8Array,
    len: number,
    flags: number,
    from: Out<SOCKADDR | null> | null,
    fromlen: Out<number> | null,
  ): Promise<number> {
    const buffers = [{ len, buf }];
    const received = out(0);
    const rc = await this.WSARecvFrom(s, buffers, 1, received, out(flags), from, fromlen, null, null);
    return rc === SOCKET_ERROR ? SOCKET_ERROR : received.value;
  }

  /** `WSARecvFrom`. */
  WSARecvFrom(
    s: SOCKET,
    lpBuffers: WSABUF[],
    dwBufferCount: number,
    lpNumberOfBytesRecvd: Out<number> | null,
    lpFlags: Out<number> | null,
    lpFrom: Out<SOCKADDR | null> | null,
    lpFromlen: Out<number> | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  ): Promise<number> {
    return this.callAsync(
      s,
      'lpWSPRecvFrom',
      (t, errno) =>
        t.lpWSPRecvFrom(
          s,
          lpBuffers,
          dwBufferCount,
          lpNumberOfBytesRecvd,
          lpFlags,
          lpFrom,
          lpFromlen,
          lpOverlapped,
          lpCompletionRoutine,
          this.threadId(),
          errno,
        ),
      { check: () => this.bufferArrayError(lpBuffers, dwBufferCount) },
    );
  }

  // ── disconnect ─────────────────────────────────────────────────────────────────────────────

  /** `shutdown(s, how)`: `SD_RECEIVE`, `SD_SEND` or `SD_BOTH`. Never blocks. */
  shutdown(s: SOCKET, how: number): number {
    return this.callSync(s, 'lpWSPShutdown', (t, errno) => t.lpWSPShutdown(s, how, errno));
  }

  /**
   * `WSASendDisconnect`: goes to `WSPSendDisconnect` unchanged (never rewritten as a shutdown), so
   * the provider decides: disconnect data on a protocol without `XP1_DISCONNECT_DATA` is
   * `WSAENOPROTOOPT`. Never blocks.
   */
  WSASendDisconnect(s: SOCKET, lpOutboundDisconnectData: WSABUF | null): number {
    return this.callSync(
      s,
      'lpWSPSendDisconnect',
      (t, errno) => t.lpWSPSendDisconnect(s, lpOutboundDisconnectData, errno),
      { check: () => (this.optionalWsabuf(lpOutboundDisconnectData) ? 0 : WSAEFAULT) },
    );
  }

  /**
   * `WSARecvDisconnect`: goes to `WSPRecvDisconnect`; the peer's disconnect data is copied into the
   * buffer and `len` set to its size (`WSAEFAULT` if it does not fit). Never blocks. Like ws2_32, it
   * does not turn an error-less failure into `WSASYSCALLFAILURE`.
   */
  WSARecvDisconnect(s: SOCKET, lpInboundDisconnectData: WSABUF | null): number {
    return this.callSync(
      s,
      'lpWSPRecvDisconnect',
      (t, errno) => t.lpWSPRecvDisconnect(s, lpInboundDisconnectData, errno),
      {
        check: () => (this.optionalWsabuf(lpInboundDisconnectData) ? 0 : WSAEFAULT),
        keepZeroError: true,
      },
    );
  }

  // ── names and options ──────────────────────────────────────────────────────────────────────

  /** `getsockname`. */
  getsockname(s: SOCKET, name: Out<SOCKADDR | null> | null, namelen: Out<number> | null): number {
    return this.callSync(s, 'lpWSPGetSockName', (t, errno) => t.lpWSPGetSockName(s, name, namelen, errno));
  }

  /** `getpeername`. */
  getpeername(s: SOCKET, name: Out<SOCKADDR | null> | null, namelen: Out<number> | null): number {
    return this.callSync(s, 'lpWSPGetPeerName', (t, errno) => t.lpWSPGetPeerName(s, name, namelen, errno));
  }

  /** `getsockopt` (`SO_PROTOCOL_INFOW`, `SO_LINGER`, `SO_ERROR`, `SO_TYPE`, `SO_MAX_MSG_SIZE`, …). */
  getsockopt(
    s: SOCKET,
    level: number,
    optname: number,
    optval: Out<SockOptValue | null> | null,
    optlen: Out<number> | null,
  ): number {
    return this.callSync(s, 'lpWSPGetSockOpt', (t, errno) =>
      t.lpWSPGetSockOpt(s, level, optname, optval, optlen, errno),
    );
  }

  /** `setsockopt`. */
  setsockopt(s: SOCKET, level: number, optname: number, optval: SockOptValue | null, optlen: number): number {
    return this.callSync(s, 'lpWSPSetSockOpt', (t, errno) =>
      t.lpWSPSetSockOpt(s, level, optname, optval, optlen, errno),
    );
  }

  /** `ioctlsocket` (`FIONBIO`, `FIONREAD`, `SIOCATMARK`): `argp` is in/out as the C `u_long *`. */
  ioctlsocket(s: SOCKET, cmd: number, argp: Out<number> | null): number {
    const valid = argp !== null && typeof argp === 'object';
    const outBuffer = out<unknown>(valid ? argp.value : 0);
    const rc = this.callSync(
      s,
      'lpWSPIoctl',
      (t, errno) =>
        t.lpWSPIoctl(s, cmd, outBuffer.value, 4, outBuffer, 4, out(0), null, null, this.threadId(), errno),
      { check: () => (valid ? 0 : WSAEFAULT) },
    );
    if (rc !== SOCKET_ERROR && cmd !== FIONBIO && valid) argp.value = Number(outBuffer.value);
    return rc;
  }

  /** `WSAIoctl`: passed to the provider's `WSPIoctl` as given. */
  WSAIoctl(
    s: SOCKET,
    dwIoControlCode: number,
    lpvInBuffer: unknown,
    cbInBuffer: number,
    lpvOutBuffer: Out<unknown> | null,
    cbOutBuffer: number,
    lpcbBytesReturned: Out<number> | null,
    lpOverlapped: WSAOVERLAPPED | null,
    lpCompletionRoutine: LPWSAOVERLAPPED_COMPLETION_ROUTINE | null,
  ): number {
    return this.callSync(s, 'lpWSPIoctl', (t, errno) =>
      t.lpWSPIoctl(
        s,
        dwIoControlCode,
        lpvInBuffer,
        cbInBuffer,
        lpvOutBuffer,
        cbOutBuffer,
        lpcbBytesReturned,
        lpOverlapped,
        lpCompletionRoutine,
        this.threadId(),
        errno,
      ),
    );
  }

  // ── events, select, poll ───────────────────────────────────────────────────────────────────

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
   * (0xFFFFFFFF) waits for ever.
   */
  async WSAWaitForMultipleEvents(
    cEvents: number,
    lphEvents: WSAEVENT[],
    fWaitAll: boolean,
    dwTimeout: number,
    _fAlertable: boolean,
  ): Promise<number> {
    const cell = this.lastError.claim();
    if (
      !Number.isInteger(cEvents) ||
      cEvents < 1 ||
      cEvents > WSA_MAXIMUM_WAIT_EVENTS ||
      !Array.isArray(lphEvents) ||
      lphEvents.length < cEvents ||
      !Number.isInteger(dwTimeout) ||
      dwTimeout < 0 ||
      dwTimeout > WSA_INFINITE
    ) {
      cell.value = WSA_INVALID_PARAMETER;
      return WSA_WAIT_FAILED;
    }
    const events = lphEvents.slice(0, cEvents);
    if (!events.every((e) => isWsaEvent(e) && !e.isClosed)) {
      cell.value = WSA_INVALID_HANDLE;
      return WSA_WAIT_FAILED;
    }
    const live = events as WsaEvent[];
    const ready = (): number => {
      if (fWaitAll) return live.every((e) => e.signalled) ? WSA_WAIT_EVENT_0 : -1;
      const i = live.findIndex((e) => e.signalled);
      return i < 0 ? -1 : WSA_WAIT_EVENT_0 + i;
    };
    const deadline = dwTimeout === WSA_INFINITE ? Number.POSITIVE_INFINITY : Date.now() + dwTimeout;
    for (;;) {
      const r = ready();
      if (r >= 0) return r;
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
      await Promise.race([...waits.map((w) => w.promise), timeout]);
      if (timer) clearTimeout(timer);
      for (const w of waits) w.cancel();
      // Closing an event wakes its waiters; the wait then fails instead of calling it signalled.
      if (live.some((e) => e.isClosed)) {
        cell.value = WSA_INVALID_HANDLE;
        return WSA_WAIT_FAILED;
      }
    }
  }

  /** `WSAEventSelect`: like ws2_32, an error-less failure is not turned into `WSASYSCALLFAILURE`. */
  WSAEventSelect(s: SOCKET, hEventObject: WSAEVENT | null, lNetworkEvents: number): number {
    const badEvent = hEventObject !== null && (!isWsaEvent(hEventObject) || hEventObject.isClosed);
    return this.callSync(
      s,
      'lpWSPEventSelect',
      (t, errno) => t.lpWSPEventSelect(s, hEventObject, lNetworkEvents, errno),
      { check: () => (badEvent ? WSA_INVALID_HANDLE : 0), keepZeroError: true },
    );
  }

  /** `WSAEnumNetworkEvents`: the recorded events and their error codes; clears them and resets the event object. */
  WSAEnumNetworkEvents(
    s: SOCKET,
    hEventObject: WSAEVENT | null,
    lpNetworkEvents: WSANETWORKEVENTS | null,
  ): number {
    return this.callSync(
      s,
      'lpWSPEnumNetworkEvents',
      (t, errno) => t.lpWSPEnumNetworkEvents(s, hEventObject, lpNetworkEvents, errno),
      { check: () => (lpNetworkEvents && Array.isArray(lpNetworkEvents.iErrorCode) ? 0 : WSAEFAULT) },
    );
  }

  /** `WSAAsyncSelect`: network events posted to `hWnd` as `wMsg` messages. */
  WSAAsyncSelect(s: SOCKET, hWnd: HWND | null, wMsg: number, lEvent: number): number {
    return this.callSync(s, 'lpWSPAsyncSelect', (t, errno) =>
      t.lpWSPAsyncSelect(s, hWnd, wMsg, lEvent, errno),
    );
  }

  /**
   * `select`: dispatched, like ws2_32's, to the provider of the first socket in the first
   * non-empty set (read, write, except); all sets empty is `WSAEINVAL`. Sockets of other providers
   * in the same call are that provider's to reject.
   */
  async select(
    nfds: number,
    readfds: fd_set | null,
    writefds: fd_set | null,
    exceptfds: fd_set | null,
    timeout: TIMEVAL | null,
  ): Promise<number> {
    const sets = [readfds, writefds, exceptfds];
    if (!this.current) return this.failAsync(WSANOTINITIALISED);
    if (!sets.every((set) => set === null || (typeof set === 'object' && Array.isArray(set.fd_array)))) {
      return this.failAsync(WSAEFAULT);
    }
    const first = sets.find((set) => set && set.fd_array.length > 0)?.fd_array[0];
    if (first === undefined) return this.failAsync(WSAEINVAL);
    return this.callAsync(
      first,
      'lpWSPSelect',
      (t, errno) => t.lpWSPSelect(nfds, readfds, writefds, exceptfds, timeout, errno),
      { sockets: sets.flatMap((set) => set?.fd_array ?? []) },
    );
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
    const process = this.current;
    if (!process) {
      cell.value = WSANOTINITIALISED;
      return SOCKET_ERROR;
    }
    if (
      !Array.isArray(fdArray) ||
      !Number.isInteger(fds) ||
      fds < 1 ||
      fdArray.length < fds ||
      !Number.isInteger(timeout)
    ) {
      cell.value = WSAEINVAL;
      return SOCKET_ERROR;
    }
    const entries = fdArray.slice(0, fds);
    const byProvider = new Map<LoadedProvider, WSAPOLLFD[]>();
    let invalid = 0;
    for (const pfd of entries) {
      pfd.revents = 0;
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
        if (typeof result !== 'number') {
          cell.value = result.error;
          return SOCKET_ERROR;
        }
        ready += result;
      }
      if (ready > 0 || Date.now() >= deadline) return ready;
      if (groups.length > 1) await sleep(Math.min(10, Math.max(0, deadline - Date.now())));
      else if (!Number.isFinite(deadline)) continue;
    }
  }

  /** One provider's sockets of a `WSAPoll`: its `WSPSelect`, then each socket's `revents`. */
  private async pollGroup(group: WSAPOLLFD[], waitMs: number): Promise<number | CallOutcome> {
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
    const selected = await this.invokeAsync(
      all[0],
      'lpWSPSelect',
      (t, errno) => t.lpWSPSelect(0, allRead, writefds, exceptfds, timeout, errno),
      { sockets: all },
    );
    if (selected.failed) return selected;
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

  /** `SO_ACCEPTCONN`, asked of the provider directly (no last error is touched). */
  private isListening(s: SOCKET): boolean {
    const value = out<SockOptValue | null>(null);
    const outcome = this.invokeSync(s, 'lpWSPGetSockOpt', (t, errno) =>
      t.lpWSPGetSockOpt(s, SOL_SOCKET, SO_ACCEPTCONN, value, out(4), errno),
    );
    return !outcome.failed && Boolean(value.value);
  }

  /** `FIONREAD`, asked of the provider directly; -1 when it fails. */
  private bytesReadable(s: SOCKET): number {
    const pending = out<unknown>(0);
    const outcome = this.invokeSync(s, 'lpWSPIoctl', (t, errno) =>
      t.lpWSPIoctl(s, FIONREAD, 0, 4, pending, 4, out(0), null, null, this.threadId(), errno),
    );
    return outcome.failed ? -1 : Number(pending.value);
  }

  // ── catalog queries ────────────────────────────────────────────────────────────────────────

  /**
   * `WSAEnumProtocolsW`: the process's catalog snapshot without hidden (`PFL_HIDDEN`) and layered
   * (ChainLen 0) entries, filtered by a NULL-terminated protocol list; `WSAENOBUFS` with the
   * required size (in bytes of `WSAPROTOCOL_INFOW`) when the buffer is too small.
   */
  WSAEnumProtocolsW(
    lpiProtocols: number[] | null,
    lpProtocolBuffer: WSAPROTOCOL_INFOW[] | null,
    lpdwBufferLength: Out<number> | null,
  ): number {
    if (!this.current) return this.fail(WSANOTINITIALISED);
    const visible = this.current.snapshot.entries
      .map((e) => e.info)
      .filter((info) => !isLayeredEntry(info) && !(info.dwProviderFlags & PFL_HIDDEN));
    const result = enumerateProtocols(visible, lpiProtocols, lpProtocolBuffer, lpdwBufferLength);
    return isArgumentProblem(result) ? this.fail(result.code) : result;
  }

  /** `WSAAddressToStringW`, through the provider of the protocol info (or the first base entry of the family). */
  WSAAddressToStringW(
    lpsaAddress: SOCKADDR | null,
    dwAddressLength: number,
    lpProtocolInfo: WSAPROTOCOL_INFOW | null,
    lpszAddressString: Out<string>,
    lpdwAddressStringLength: Out<number>,
  ): Promise<number> {
    if (!lpsaAddress || typeof lpsaAddress !== 'object')
      return this.failAsync(this.current ? WSAEFAULT : WSANOTINITIALISED);
    const af = lpsaAddress.sa_family;
    return this.callForFamily(af, lpProtocolInfo, 'lpWSPAddressToString', (t, info, errno) =>
      t.lpWSPAddressToString(
        lpsaAddress,
        dwAddressLength,
        info,
        lpszAddressString,
        lpdwAddressStringLength,
        errno,
      ),
    );
  }

  /** `WSAStringToAddressW`, through the provider of the protocol info (or the first base entry of the family). */
  WSAStringToAddressW(
    AddressString: string,
    AddressFamily: number,
    lpProtocolInfo: WSAPROTOCOL_INFOW | null,
    lpAddress: Out<SOCKADDR | null>,
    lpAddressLength: Out<number>,
  ): Promise<number> {
    return this.callForFamily(AddressFamily, lpProtocolInfo, 'lpWSPStringToAddress', (t, info, errno) =>
      t.lpWSPStringToAddress(AddressString, AddressFamily, info, lpAddress, lpAddressLength, errno),
    );
  }

  private async callForFamily(
    af: number,
    lpProtocolInfo: WSAPROTOCOL_INFOW | null,
    name: keyof WSPPROC_TABLE,
    invoke: (table: WSPPROC_TABLE, info: WSAPROTOCOL_INFOW, errno: Out<number>) => number,
  ): Promise<number> {
    const cell = this.lastError.claim();
    const process = this.current;
    if (!process) {
      cell.value = WSANOTINITIALISED;
      return SOCKET_ERROR;
    }
    const entry = lpProtocolInfo
      ? process.entry(lpProtocolInfo.dwCatalogEntryId)
      : process.snapshot.entries.find((e) => !isLayeredEntry(e.info) && e.info.iAddressFamily === af);
    if (!entry) {
      cell.value = WSAEINVAL;
      return SOCKET_ERROR;
    }
    const started = await process.ensureProvider(entry);
    if (!started.provider || this.current !== process) {
      cell.value = started.error ?? WSANOTINITIALISED;
      return SOCKET_ERROR;
    }
    const provider = started.provider;
    const errno = out(0);
    try {
      const rc = this.guard.run([], () => invoke(provider.procTable, cloneProtocolInfo(entry.info), errno));
      if (rc !== SOCKET_ERROR) return rc;
      cell.value = errno.value || WSASYSCALLFAILURE;
    } catch (error) {
      this.providerBroke(provider, name, 'threw', error);
      cell.value = WSASYSCALLFAILURE;
    }
    return SOCKET_ERROR;
  }

  // ── the call machinery ─────────────────────────────────────────────────────────────────────

  /** Prolog + handle lookup + re-entrancy: the route to the owning provider, or the error code. */
  private route(s: SOCKET): Route | number {
    const process = this.current;
    if (!process) return WSANOTINITIALISED;
    const record = typeof s === 'number' ? process.handles.get(s) : undefined;
    if (!record) return WSAENOTSOCK;
    if (this.guard.isInside(s)) return WSAEINPROGRESS;
    const provider = process.startedProvider(record.catalogEntryId);
    if (!provider) return WSAENOTSOCK;
    return { process, record, provider };
  }

  /**
   * A synchronous per-socket provider call, without touching the last error: route, argument
   * check, the call inside the re-entrancy guard, then the contract checks. `keepZeroError` keeps
   * an error-less failure as error 0 (`WSARecvDisconnect`, `WSAEventSelect`, as ws2_32 does).
   */
  private invokeSync(
    s: SOCKET,
    name: keyof WSPPROC_TABLE,
    invoke: (table: WSPPROC_TABLE, errno: Out<number>) => number,
    options: CallOptions & { keepZeroError?: boolean } = {},
  ): CallOutcome {
    const route = this.route(s);
    if (typeof route === 'number') return failed(SOCKET_ERROR, route);
    const argumentError = options.check?.() ?? 0;
    if (argumentError) return failed(SOCKET_ERROR, argumentError);
    const errno = out(0);
    let rc: unknown;
    try {
      rc = this.guard.run([s], () => invoke(route.provider.procTable, errno));
    } catch (error) {
      this.providerBroke(route.provider, name, 'threw', error);
      return failed(SOCKET_ERROR, WSASYSCALLFAILURE);
    }
    if (typeof rc !== 'number') {
      this.providerBroke(route.provider, name, `returned ${describe(rc)} instead of a number`);
      return failed(SOCKET_ERROR, WSASYSCALLFAILURE);
    }
    if (rc !== SOCKET_ERROR) return { rc, error: 0, failed: false };
    if (errno.value === 0 && !options.keepZeroError) {
      this.providerBroke(route.provider, name, 'failed without an error code');
      return failed(SOCKET_ERROR, WSASYSCALLFAILURE);
    }
    return failed(SOCKET_ERROR, errno.value);
  }

  /**
   * An asynchronous per-socket provider call, without touching the last error. With
   * `returnsSocket`, success must be a handle the provider claimed (`WSPAccept`, like `WSPSocket`).
   */
  private async invokeAsync(
    s: SOCKET,
    name: keyof WSPPROC_TABLE,
    invoke: (table: WSPPROC_TABLE, errno: Out<number>) => Promise<number>,
    options: CallOptions & { returnsSocket?: boolean; sockets?: SOCKET[] } = {},
  ): Promise<CallOutcome> {
    const failValue = options.returnsSocket ? INVALID_SOCKET : SOCKET_ERROR;
    const route = this.route(s);
    const error = typeof route === 'number' ? route : (options.check?.() ?? 0);
    if (error || typeof route === 'number') return failed(failValue, error);
    const errno = out(0);
    let rc: unknown;
    try {
      rc = await this.guard.run(options.sockets ?? [s], () => invoke(route.provider.procTable, errno));
    } catch (error) {
      this.providerBroke(route.provider, name, 'threw or rejected', error);
      return failed(failValue, WSASYSCALLFAILURE);
    }
    if (typeof rc !== 'number') {
      this.providerBroke(route.provider, name, `resolved to ${describe(rc)} instead of a number`);
      return failed(failValue, WSASYSCALLFAILURE);
    }
    if (rc === failValue) {
      if (errno.value === 0) this.providerBroke(route.provider, name, 'failed without an error code');
      return failed(failValue, errno.value || WSASYSCALLFAILURE);
    }
    if (options.returnsSocket && !route.process.handles.get(rc)) {
      this.providerBroke(route.provider, name, `returned ${rc} without claiming it as a socket handle`);
      return failed(failValue, WSASYSCALLFAILURE);
    }
    return { rc, error: 0, failed: false };
  }

  /** `invokeSync`, with the error of a failure set as the calling context's last error. */
  private callSync(
    s: SOCKET,
    name: keyof WSPPROC_TABLE,
    invoke: (table: WSPPROC_TABLE, errno: Out<number>) => number,
    options: CallOptions & { keepZeroError?: boolean } = {},
  ): number {
    const outcome = this.invokeSync(s, name, invoke, options);
    if (outcome.failed) this.lastError.set(outcome.error);
    return outcome.rc;
  }

  /**
   * `invokeAsync`, with the error of a failure written to the cell the calling context claimed when
   * the call was made — where its continuation after `await` will read it.
   */
  private async callAsync(
    s: SOCKET,
    name: keyof WSPPROC_TABLE,
    invoke: (table: WSPPROC_TABLE, errno: Out<number>) => Promise<number>,
    options: CallOptions & { returnsSocket?: boolean; sockets?: SOCKET[] } = {},
  ): Promise<number> {
    const cell = this.lastError.claim();
    const outcome = await this.invokeAsync(s, name, invoke, options);
    if (outcome.failed) cell.value = outcome.error;
    return outcome.rc;
  }

  private fail(code: number): number {
    this.lastError.set(code);
    return SOCKET_ERROR;
  }

  private failBool(code: number): false {
    this.lastError.set(code);
    return false;
  }

  private failAsync(code: number, failValue: number = SOCKET_ERROR): Promise<number> {
    this.lastError.set(code);
    return Promise.resolve(failValue);
  }

  private optionalWsabuf(b: WSABUF | null | undefined): boolean {
    return b === null || b === undefined || isValidWsabuf(b);
  }

  private bufferArrayError(lpBuffers: WSABUF[], count: number): number {
    if (!Array.isArray(lpBuffers) || !Number.isInteger(count) || count < 0 || count > lpBuffers.length) {
      return WSAEFAULT;
    }
    for (let i = 0; i < count; i++) if (!isValidWsabuf(lpBuffers[i])) return WSAEFAULT;
    return 0;
  }

  private threadId(): WSATHREADID {
    return { ThreadHandle: MAIN_THREAD, Reserved: 0 };
  }

  private providerBroke(provider: LoadedProvider, call: string, reason: string, error?: unknown): void {
    this.recordFailure({ providerId: provider.providerId, path: provider.path, call, reason, error });
  }

  private recordFailure(failure: ProviderFailure): void {
    this.providerFailures.push(failure);
    if (this.providerFailures.length > MAX_RECORDED_FAILURES) this.providerFailures.shift();
    try {
      this.onProviderFailure?.(failure);
    } catch {
      // A failing observer must not turn a contained provider failure into a crash.
    }
  }

  /**
   * The upcall table for one provider of one startup epoch: bound to that epoch's process, so a
   * provider that outlives it (or holds a table across a new `WSAStartup`) gets
   * `WSANOTINITIALISED` instead of reaching into a process it was never started in.
   */
  private upcallTableForProvider(process: WsProcess) {
    const table = createUpcallTable({
      process: () => (process.closed ? undefined : process),
      guard: this.guard,
      currentThreadId: () => MAIN_THREAD,
      schedule: (fn) => {
        setImmediate(() =>
          this.guard.runOutside(() => {
            try {
              fn();
            } catch (error) {
              this.recordFailure({
                providerId: '',
                path: '',
                call: 'APC',
                reason: 'an APC or posted message handler threw',
                error,
              });
            }
          }),
        );
      },
    });
    // One host per process: every provider of the epoch (each with its own copy of the table, as
    // Windows passes it by value) finds the same host, so per-process state can key on it.
    let host = this.hosts.get(process);
    if (!host) {
      host = { snapshot: process.snapshot, loadProvider: (path) => this.loader.loadSync(path) };
      this.hosts.set(process, host);
    }
    return bindProviderHost(table, host);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function describe(value: unknown): string {
  if (value instanceof Promise) return 'a Promise';
  return value === null ? 'null' : typeof value;
}

/** A fresh child of tsyringe's root container; loaded lazily because tsyringe needs the Reflect polyfill first. */
function defaultContainer(): DependencyContainer {
  require('reflect-metadata');
  const tsyringe = require('tsyringe') as typeof import('tsyringe');
  return tsyringe.container.createChildContainer();
}
