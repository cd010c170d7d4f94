/**
 * The core of a `Ws2` process: its per-process state and the call machinery every API concept
 * under `api/` uses.
 * @module
 */
import type { DependencyContainer } from 'tsyringe';
import {
  WSAEFAULT,
  WSAEINPROGRESS,
  WSAENOTSOCK,
  WSANOTINITIALISED,
  WSASYSCALLFAILURE,
} from '../constants/error-codes';
import { INVALID_SOCKET, SOCKET_ERROR } from '../constants/socket-api';
import type { WSPPROC_TABLE } from '../spi/wsp-proc-table';
import type { SOCKET, WSATHREADID } from '../spi/wsp-types';
import { type Out, out } from '../types/out-cell';
import { isValidWsabuf, type WSABUF } from '../types/wsabuf';
import type { HandleRecord } from './handle-table';
import { LastErrorSlot } from './last-error';
import type { LoadedProvider } from './loaded-provider';
import type { ProviderFailure } from './provider-failure';
import { bindProviderHost, type ProviderHost } from './provider-host';
import { ProviderLoader } from './provider-loader';
import { ReentrancyGuard } from './reentrancy-guard';
import { createUpcallTable } from './upcall-table';
import type { WsProcess } from './ws-process';
import type { CatalogSource, Ws2Options } from './ws2-options';

/**
 * How a per-socket call checks its own arguments: `check` runs after the prolog and the handle
 * lookup (so `WSANOTINITIALISED` and `WSAENOTSOCK` come first) and before the provider is called,
 * returning 0 or the argument error (`WSAEFAULT` for a malformed buffer).
 */
export interface CallOptions {
  check?: () => number;
}

/** What a provider call came to: the C result, and whether it failed with which error. */
export interface CallOutcome {
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

/**
 * The per-process state of a `Ws2` and the call machinery every API concept uses (ReactOS's
 * prologs in wsautil.c and the socket lookup of dsocket.c): `route` (prolog, handle lookup,
 * re-entrancy), the argument checks shared by several calls, `invokeSync` / `invokeAsync` (the
 * provider call with its contract checks), `callSync` / `callAsync` (the same, setting the last
 * error), and the recording of provider failures.
 *
 * The API itself lives one Windows concept per file under `api/`, each a class of methods over
 * this core that `Ws2` installs on its prototype; see `ws2.ts`.
 */
export abstract class Ws2Core {
  /** The most recent provider failures (bounded), oldest first. */
  readonly providerFailures: ProviderFailure[] = [];
  protected readonly lastError = new LastErrorSlot();
  protected readonly guard = new ReentrancyGuard();
  protected readonly loader: ProviderLoader;
  protected readonly catalog: CatalogSource;
  protected readonly onProviderFailure?: (failure: ProviderFailure) => void;
  protected readonly application: { path: string; extra: string };
  /** The live startup epoch, or undefined while the `WSAStartup` count is 0. */
  protected current: WsProcess | undefined;
  private readonly hosts = new WeakMap<WsProcess, ProviderHost>();
  protected startupCount = 0;

  constructor(options: Ws2Options) {
    this.catalog = options.catalog;
    this.onProviderFailure = options.onProviderFailure;
    this.application = {
      path: options.applicationPath ?? process.execPath,
      extra: options.applicationExtra ?? '',
    };
    this.loader = new ProviderLoader(options.container ?? defaultContainer(), options.env, options.cwd);
  }

  /** Prolog + handle lookup + re-entrancy: the route to the owning provider, or the error code. */
  protected route(s: SOCKET): Route | number {
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
  protected invokeSync(
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
  protected async invokeAsync(
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
  protected callSync(
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
  protected async callAsync(
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

  protected fail(code: number): number {
    this.lastError.set(code);
    return SOCKET_ERROR;
  }

  protected failBool(code: number): false {
    this.lastError.set(code);
    return false;
  }

  protected failAsync(code: number, failValue: number = SOCKET_ERROR): Promise<number> {
    this.lastError.set(code);
    return Promise.resolve(failValue);
  }

  protected optionalWsabuf(b: WSABUF | null | undefined): boolean {
    return b === null || b === undefined || isValidWsabuf(b);
  }

  protected bufferArrayError(lpBuffers: WSABUF[], count: number): number {
    if (!Array.isArray(lpBuffers) || !Number.isInteger(count) || count < 0 || count > lpBuffers.length) {
      return WSAEFAULT;
    }
    for (let i = 0; i < count; i++) if (!isValidWsabuf(lpBuffers[i])) return WSAEFAULT;
    return 0;
  }

  protected threadId(): WSATHREADID {
    return { ThreadHandle: MAIN_THREAD, Reserved: 0 };
  }

  protected providerBroke(provider: LoadedProvider, call: string, reason: string, error?: unknown): void {
    this.recordFailure({ providerId: provider.providerId, path: provider.path, call, reason, error });
  }

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
