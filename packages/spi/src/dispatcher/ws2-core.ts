/**
 * The core of a `Ws2` process: its per-process state and the call machinery every API concept
 * under `api/` uses.
 * @module
 */
import type { DependencyContainer } from 'tsyringe';
import {
  WSAEFAULT,
  WSAEINPROGRESS,
  WSAEMSGSIZE,
  WSAENOTSOCK,
  WSANOTINITIALISED,
  WSASYSCALLFAILURE,
} from '../constants/error-codes';
import { INVALID_SOCKET, MSG_PARTIAL, SOCKET_ERROR } from '../constants/socket-api';
import type { WspProcName } from '../spi/wsp-proc-table';
import type { SOCKET, WSATHREADID } from '../spi/wsp-types';
import type { Out } from '../types/out-cell';
import type { WSABUF } from '../types/wsabuf';
import { isLengthArgument, isWellFormedWsabuf } from './argument-checks';
import { AsyncCall, ProviderThrew, Settled } from './async-call';
import type { HandleRecord } from './handle-table';
import { LastErrorSlot } from './last-error';
import type { LoadedProvider } from './loaded-provider';
import { registerProcess } from './process-directory';
import { ProcessIo } from './process-io';
import type { ProviderFailure } from './provider-failure';
import { bindProviderHost, type ProviderHost } from './provider-host';
import { ProviderLoader } from './provider-loader';
import { createUpcallTable } from './upcall-table';
import type { WsProcess } from './ws-process';
import { type CatalogSource, DEFAULT_MAX_SOCKETS, type Ws2Options } from './ws2-options';

/** The one "thread" a `Ws2` process reports (`WPUOpenCurrentThread`, `lpThreadId`). */
const MAIN_THREAD = 1;

/** The `lpThreadId` every send and receive passes: one frozen object, since providers only read it. */
export const MAIN_THREAD_ID: WSATHREADID = Object.freeze({ ThreadHandle: MAIN_THREAD, Reserved: 0 });

const MAX_RECORDED_FAILURES = 100;

/** A socket `route` found: its record, with the provider that owns it. */
export type RoutedSocket = HandleRecord & { readonly provider: LoadedProvider };

/** How many idle call frames a process keeps (more only when that many calls overlap). */
const MAX_IDLE_CALLS = 16;

/** True for `null`, `undefined` or a well-formed `WSABUF` (an optional buffer argument). Never throws. */
export function isOptionalWsabuf(b: WSABUF | null | undefined): boolean {
  return b === null || b === undefined || isWellFormedWsabuf(b);
}

/**
 * 0, or `WSAEFAULT` when `lpBuffers` does not hold `count` well-formed `WSABUF`s. Never throws (a
 * getter or Proxy that throws is a buffer that cannot be read). `captureBufferArray` also copies them.
 */
export function bufferArrayError(lpBuffers: WSABUF[], count: number): number {
  if (!isLengthArgument(count)) return WSAEFAULT;
  try {
    if (!Array.isArray(lpBuffers) || count > lpBuffers.length) return WSAEFAULT;
    for (let i = 0; i < count; i++) if (!isWellFormedWsabuf(lpBuffers[i])) return WSAEFAULT;
    return 0;
  } catch {
    return WSAEFAULT;
  }
}

/**
 * The per-process state of a `Ws2` and the call machinery every API concept uses (ReactOS's
 * prologs in wsautil.c and the socket lookup of dsocket.c): `route` (prolog, handle lookup,
 * re-entrancy), `enter` / `leave` around a synchronous provider call and `enterAsync` / `settle`
 * around an asynchronous one (the contract checks, the last error), the argument checks shared by
 * several calls, and the recording of provider failures.
 *
 * The API itself lives one Windows concept per file under `api/`, each a class of methods over
 * this core that `Ws2` installs on its prototype; see `ws2.ts`.
 */
export abstract class Ws2Core {
  /** The most recent provider failures (bounded), oldest first. */
  readonly providerFailures: ProviderFailure[] = [];
  /** `WSAGetLastError` per async flow. */
  protected readonly lastError = new LastErrorSlot();
  /** Turns provider paths into `WSPStartup`s (`LoadLibrary` + `GetProcAddress`). */
  protected readonly loader: ProviderLoader;
  /** The catalog the first `WSAStartup` takes its snapshot of. */
  protected readonly catalog: CatalogSource;
  /** Called for every provider failure, in addition to `providerFailures`. */
  protected readonly onProviderFailure?: (failure: ProviderFailure) => void;
  /** The application's identity, for the LSP categories it permits (`WSCSetApplicationCategory`). */
  protected readonly application: {
    /** The application's path (default `process.execPath`). */
    path: string;
    /** Its extra identifying string (default `''`). */
    extra: string;
  };
  /** How many socket handles the process may hold (`Ws2Options.maxSockets`). */
  protected readonly maxSockets: number;
  /** The live startup epoch, or undefined while the `WSAStartup` count is 0. */
  protected current: WsProcess | undefined;
  private readonly hosts = new WeakMap<WsProcess, ProviderHost>();
  /** `WSAStartup` calls not yet matched by `WSACleanup`. */
  protected startupCount = 0;
  /** The `lpErrno` cell synchronous calls lend the provider, while no call holds it (see `enter`). */
  private spareErrno: Out<number> | undefined = { value: 0 };
  /** Frames of settled asynchronous calls, for the next ones (see `AsyncCall`). */
  private readonly idleCalls: AsyncCall[] = [];
  private readonly completeCall = (call: AsyncCall, rc: unknown): number => this.completion(call, rc);
  /** `GetCurrentProcessId()`: what `WSADuplicateSocketW` is given to duplicate a socket into this process. */
  readonly processId: number = registerProcess(this);
  /** The process's I/O manager: the one completion path, completion-port associations, APCs. */
  protected readonly io = new ProcessIo({
    process: () => this.current,
    reportApcFailure: (error) =>
      this.recordFailure({ providerId: '', path: '', call: 'APC', reason: 'an APC threw', error }),
  });

  constructor(options: Ws2Options) {
    this.catalog = options.catalog;
    this.onProviderFailure = options.onProviderFailure;
    this.application = {
      path: options.applicationPath ?? process.execPath,
      extra: options.applicationExtra ?? '',
    };
    this.loader = new ProviderLoader(options.container ?? defaultContainer(), options.env, options.cwd);
    const maxSockets = options.maxSockets ?? DEFAULT_MAX_SOCKETS;
    if (!Number.isSafeInteger(maxSockets) || maxSockets < 1) {
      throw new RangeError(`Ws2: maxSockets must be a positive integer, not ${String(maxSockets)}`);
    }
    this.maxSockets = maxSockets;
  }

  // ── the shape of every per-socket call ──────────────────────────────────────────────────────
  //
  //   const socket = this.route(s);                          prolog, handle lookup, re-entrancy
  //   if (typeof socket === 'number') return this.fail(socket);
  //   …argument checks: return this.fail(WSAEFAULT) …
  //   const lpErrno = this.enter(socket);                    mark the socket, lend an lpErrno
  //   let rc: unknown;
  //   try { rc = socket.provider.procTable.lpWSPxxx(…, lpErrno); } catch (error) { rc = thrown(error); }
  //   return this.leave(socket, 'lpWSPxxx', rc, lpErrno);    contract checks, last error
  //
  // and for a call that blocks in C, `const call = this.enterAsync(socket)` (a frame with the
  // call's lpErrno), the provider call (a throw becomes a rejected promise), then
  // `this.settle(socket, call, 'lpWSPxxx', pending)`: one promise between the caller and the
  // provider's own. Nothing is allocated per synchronous call, and a socket is marked busy only
  // while a provider runs synchronously for it (or calls an application callback for it).

  /**
   * The prolog of a per-socket call: the socket's record, which knows its provider, or the error —
   * `WSANOTINITIALISED` (no startup), `WSAENOTSOCK` (not a socket of this epoch, or one whose owner
   * this process never started), `WSAEINPROGRESS` (the call comes from inside a provider call on
   * the same socket: a condition function calling back, or a provider calling the API).
   */
  protected route(s: SOCKET): RoutedSocket | number {
    const process = this.current;
    if (process === undefined) return WSANOTINITIALISED;
    const record = process.handles.get(s);
    if (record === undefined) return WSAENOTSOCK;
    if (record.busy !== 0) return WSAEINPROGRESS;
    if (record.provider === undefined) {
      record.provider = process.startedProvider(record.catalogEntryId);
      if (record.provider === undefined) return WSAENOTSOCK;
    }
    return record as RoutedSocket;
  }

  /** Marks `socket` as inside a synchronous provider call and lends the call an `lpErrno` cell set to 0. */
  protected enter(socket: RoutedSocket): Out<number> {
    socket.busy++;
    const lpErrno = this.spareErrno;
    if (lpErrno === undefined) return { value: 0 }; // a call nested inside another provider call
    this.spareErrno = undefined;
    lpErrno.value = 0;
    return lpErrno;
  }

  /**
   * Ends a synchronous provider call: the C result, or `SOCKET_ERROR` with the error set as the
   * last error. A provider failure without an error code, or a result that is not a number, is a
   * contract breach (recorded) and `WSASYSCALLFAILURE` — except with `keepZeroError`, which keeps
   * an error-less failure as error 0, as ws2_32 does for `WSARecvDisconnect` and `WSAEventSelect`.
   * Never throws.
   */
  protected leave(
    socket: RoutedSocket,
    name: WspProcName,
    rc: unknown,
    lpErrno: Out<number>,
    keepZeroError = false,
  ): number {
    socket.busy--;
    const code = lpErrno.value;
    this.spareErrno = lpErrno;
    if (rc === SOCKET_ERROR && keepZeroError) return this.fail(code);
    const error = this.resultError(socket.provider, name, rc, code, SOCKET_ERROR);
    return error === 0 ? (rc as number) : this.fail(error);
  }

  /**
   * Ends a synchronous provider call made for the dispatcher itself (no last error is touched):
   * true when it succeeded; a contract breach is recorded.
   */
  protected leaveQuietly(
    socket: RoutedSocket,
    name: WspProcName,
    rc: unknown,
    lpErrno: Out<number>,
  ): boolean {
    socket.busy--;
    const code = lpErrno.value;
    this.spareErrno = lpErrno;
    return this.resultError(socket.provider, name, rc, code, SOCKET_ERROR) === 0;
  }

  /** A frame for an asynchronous call: an idle one, or a new one (see `AsyncCall`). */
  protected takeCall(): AsyncCall {
    const call = this.idleCalls.pop() ?? new AsyncCall(this.completeCall);
    call.lpErrno.value = 0;
    call.lpBytes.value = 0;
    return call;
  }

  /**
   * Marks `socket` as inside the synchronous part of an asynchronous provider call, and gives the
   * call its frame (`call`, when the caller took one to fill first).
   */
  protected enterAsync(socket: RoutedSocket, call: AsyncCall = this.takeCall()): AsyncCall {
    socket.busy++;
    return call;
  }

  /**
   * Ends the synchronous part of an asynchronous provider call and gives its C result when the
   * provider settles: `failValue` with the error written to the last-error cell the calling flow
   * claims now (where its continuation after `await` reads it). `settles` says what success gives
   * (see `Settled`). A call whose `failValue` is `INVALID_SOCKET` returns a socket (`WSPAccept`),
   * which must be a handle the provider claimed.
   */
  protected settle(
    socket: RoutedSocket,
    call: AsyncCall,
    name: WspProcName,
    pending: Promise<number>,
    failValue: number = SOCKET_ERROR,
    settles: Settled = Settled.Result,
  ): Promise<number> {
    socket.busy--;
    call.provider = socket.provider;
    call.name = name;
    call.failValue = failValue;
    call.settles = settles;
    call.cell = this.lastError.claim();
    // `then` with the frame's own handlers rather than an async function: no closure, and one
    // promise and one microtask turn fewer per call. `Promise.resolve` returns a native promise as
    // it is, and copes with a provider returning a bare value (which `completion` then judges).
    return Promise.resolve(pending).then(call.onFulfilled, call.onRejected);
  }

  /**
   * `settle` for a call the dispatcher makes for itself (`WSAPoll`'s `WSPSelect`): the error code
   * once the provider settles, 0 when it succeeded; no last error is touched.
   */
  protected async settleQuietly(
    socket: RoutedSocket,
    call: AsyncCall,
    name: WspProcName,
    pending: Promise<number>,
  ): Promise<number> {
    socket.busy--;
    let rc: unknown;
    try {
      rc = await pending;
    } catch (error) {
      rc = new ProviderThrew(error);
    }
    const error = this.resultError(socket.provider, name, rc, call.lpErrno.value, SOCKET_ERROR, true);
    this.idle(call);
    return error;
  }

  /**
   * Marks every socket of a call on several (`select`) as inside it, for the synchronous part of the
   * provider's call; returns the records to hand to `unmarkBusy` afterwards.
   */
  protected markBusy(sockets: readonly SOCKET[]): HandleRecord[] {
    const marked: HandleRecord[] = [];
    const handles = this.current?.handles;
    for (const s of sockets) {
      const record = handles?.get(s);
      if (record === undefined) continue;
      record.busy++;
      marked.push(record);
    }
    return marked;
  }

  /** Ends what `markBusy` started. */
  protected unmarkBusy(marked: readonly HandleRecord[]): void {
    for (const record of marked) record.busy--;
  }

  /** The C result of a settled asynchronous provider call (see `settle`); the frame goes idle. */
  private completion(call: AsyncCall, rc: unknown): number {
    const provider = call.provider as LoadedProvider;
    const { name, failValue, cell } = call;
    let error = this.resultError(provider, name, rc, call.lpErrno.value, failValue, true);
    if (error === 0 && failValue === INVALID_SOCKET && !this.current?.handles.get(rc as SOCKET)) {
      // A call that returns a socket (WSPAccept) must return one the provider claimed.
      this.providerBroke(provider, name, `returned ${rc} without claiming it as a socket handle`);
      error = WSASYSCALLFAILURE;
    }
    if (error === 0 && call.settles === Settled.BytesWholeMessage && call.lpFlags.value & MSG_PARTIAL) {
      error = WSAEMSGSIZE;
    }
    const result = call.settles === Settled.Result ? (rc as number) : call.lpBytes.value;
    this.idle(call);
    if (error === 0) return result;
    this.lastError.complete(cell, error);
    return failValue;
  }

  /** A settled call's frame, kept for another call — holding nothing of this one's. */
  private idle(call: AsyncCall): void {
    call.clear();
    if (this.idleCalls.length < MAX_IDLE_CALLS) this.idleCalls.push(call);
  }

  /**
   * The contract checks of a finished provider call: 0 when it succeeded, its error code when it
   * failed properly, and `WSASYSCALLFAILURE` (recorded as a provider failure) when it threw,
   * returned something that is not a number, or failed without an error code.
   */
  protected resultError(
    provider: LoadedProvider,
    name: WspProcName,
    rc: unknown,
    code: number,
    failValue: number,
    settledAsync = false,
  ): number {
    if (typeof rc === 'number') {
      if (rc !== failValue) return 0;
      if (code !== 0) return code;
      this.providerBroke(provider, name, 'failed without an error code');
    } else if (rc instanceof ProviderThrew) {
      this.providerBroke(provider, name, settledAsync ? 'threw or rejected' : 'threw', rc.error);
    } else {
      const verb = settledAsync ? 'resolved to' : 'returned';
      this.providerBroke(provider, name, `${verb} ${describe(rc)} instead of a number`);
    }
    return WSASYSCALLFAILURE;
  }

  /** `SOCKET_ERROR`, with `code` as the calling flow's last error. */
  protected fail(code: number): number {
    this.lastError.set(code);
    return SOCKET_ERROR;
  }

  /**
   * `fail` for a call that returns a Promise: the error is set before the caller awaits. A frame
   * the call took before it failed goes idle.
   */
  protected failAsync(code: number, failValue: number = SOCKET_ERROR, unused?: AsyncCall): Promise<number> {
    if (unused !== undefined) this.idle(unused);
    this.lastError.set(code);
    return Promise.resolve(failValue);
  }

  /** `fail` for a call that returns `FALSE` on failure (`PostQueuedCompletionStatus` …). */
  protected failBool(code: number): false {
    this.lastError.set(code);
    return false;
  }

  /** Records that `provider` broke the SPI contract in `call`. */
  protected providerBroke(provider: LoadedProvider, call: string, reason: string, error?: unknown): void {
    this.recordFailure({ providerId: provider.providerId, path: provider.path, call, reason, error });
  }

  /** Keeps `failure` in `providerFailures` (the last 100) and tells `onProviderFailure`; never throws. */
  protected recordFailure(failure: ProviderFailure): void {
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
  protected upcallTableForProvider(process: WsProcess) {
    const table = createUpcallTable({
      process: () => (process.closed ? undefined : process),
      currentThreadId: () => MAIN_THREAD,
      maxSockets: this.maxSockets,
      queueApc: (fn) => this.io.queueApc(fn),
      schedule: (fn) => {
        setImmediate(() => {
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
        });
      },
    });
    // One host per process: every provider of the epoch (each with its own copy of the table, as
    // Windows passes it by value) finds the same host, so per-process state can key on it.
    let host = this.hosts.get(process);
    if (!host) {
      host = {
        snapshot: process.snapshot,
        loadProvider: (path) => this.loader.loadSync(path),
        io: {
          processId: this.processId,
          WSASetLastError: (code) => this.lastError.set(code),
          WSAGetLastError: () => this.lastError.get(),
          claimLastError: () => {
            const cell = this.lastError.claim();
            return (code) => this.lastError.complete(cell, code);
          },
          WPUCompleteOverlappedRequest: (s, ov, error, bytes, lpErrno) =>
            this.io.WPUCompleteOverlappedRequest(s, ov, error, bytes, lpErrno),
          startOverlappedRequest: (s, ov, routine) => this.io.startOverlappedRequest(s, ov, routine),
        },
      };
      this.hosts.set(process, host);
    }
    return bindProviderHost(table, host);
  }
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
