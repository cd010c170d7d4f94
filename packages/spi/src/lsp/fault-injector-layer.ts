/**
 * A fault-injecting layer: an ordinary layered provider that puts a flaky network and a faulty LSP
 * between the application and any provider below — TCP, ISO transport, the in-memory provider —
 * and records what it did. Two kinds of faults, both changeable while connections are live:
 *
 * **Toxics** (`Toxic`, toxiproxy's vocabulary): latency with jitter, bandwidth, slow close,
 * timeout, slicer, limit data and reset peer, per direction, on a share of the connections
 * (`toxicity`). How each acts on the calls is described in `toxic-link.ts`; in short, outbound
 * data goes through a pipe of the layer's own and leaves when its time comes, inbound toxics shape
 * the receive calls, and the results are what Winsock shows for the same network event (`0` for
 * a closed connection, `WSAECONNRESET` for a reset, `FD_CLOSE` with `WSAECONNABORTED`). Time is the
 * layer's `clock` — `realClock`, or a SimNetwork's virtual `network.clock`, where a 30-second
 * latency costs nothing and the same `seed` gives the same run.
 *
 * **Rules** (`FaultRule`), what only a Winsock layer can do: make chosen WSP calls fail with
 * chosen Winsock codes — at once, after N calls, or after N bytes — or delay them; turn a graceful
 * close into a reset (`resetOnClose`); add, strip or rewrite connect and disconnect data
 * (`connectData`, `disconnectData`).
 *
 * - A failing call returns what that call returns on failure (`SOCKET_ERROR`, `INVALID_SOCKET`
 *   or FALSE — a Promise of it for the calls that can block) with the code in `lpErrno`; the
 *   lower provider is not called.
 * - `afterCalls: n` lets the first n matching calls on a socket through (calls without a socket —
 *   `WSPSocket`, `WSPSelect` … — are counted for the whole layer).
 * - `afterBytes: n` lets n bytes per socket through `WSPSend`/`WSPSendTo` (or `WSPRecv`/
 *   `WSPRecvFrom`): the send that crosses the limit passes only the bytes up to it to the lower
 *   provider and then fails, so the peer receives exactly n bytes; a receive is limited to what is
 *   left (nothing is lost), and the next one fails.
 * - `delayMs` waits (on the clock) before forwarding; only calls that return a Promise can be
 *   delayed (a synchronous call cannot wait without blocking, so such a rule is refused).
 * - `probability` applies a rule to each matching call with that chance, drawn from the seed.
 * - `resetOnClose` sets `SO_LINGER {1, 0}` on the lower socket before `WSPCloseSocket` — one that
 *   a rule lets through — so the peer sees a reset (`WSAECONNRESET`) instead of a graceful close.
 *
 * Rules run first (on the calls as the application made them), then the toxics. Calls are
 * intercepted by name through `WSP_CALL_SHAPES`, so a rule can name any member of the table.
 * Toxics need a non-IFS layer (the default): it keeps sockets the application closed until their
 * data is out, and answers for sockets a reset took. What was done is in `injected` (bounded) and,
 * with `log`, as notes in a `TraceLog` — where the sequence diagrams show it.
 * @module
 */

import { WSAEINTR, WSAENOTSOCK, wsaErrorName } from '../constants/error-codes';
import { XP1_CONNECTIONLESS, XP1_DISCONNECT_DATA, XP1_MESSAGE_ORIENTED } from '../constants/service-flags';
import { FIONBIO, INVALID_SOCKET, SOCKET_ERROR } from '../constants/socket-api';
import { SO_LINGER, SO_MAX_MSG_SIZE, SO_PROTOCOL_INFOW, SOL_SOCKET } from '../constants/socket-options';
import type { ProviderHost } from '../dispatcher/provider-host';
import type { WspProcName } from '../spi/wsp-proc-table';
import type { fd_set, HWND, SOCKET, SockOptValue, WSAEVENT, WSANETWORKEVENTS } from '../spi/wsp-types';
import type { WSPUPCALLTABLE } from '../spi/wsp-upcall-table';
import { out } from '../types/out-cell';
import type { WSAPROTOCOL_INFOW } from '../types/protocol-info';
import type { SOCKADDR } from '../types/sockaddr';
import type { WSABUF } from '../types/wsabuf';
import { connectDataCalls, type DataRewrite } from './connect-data-layer';
import {
  type AnyWspFunction,
  defineLayeredProvider,
  type LayerContext,
  type LayeredProvider,
  type WspOverrides,
} from './define-layered-provider';
import { disconnectDataCalls } from './disconnect-data-layer';
import {
  checkExtensionRules,
  type ExtensionFaultRule,
  extensionFaults,
  type InjectedExtensionFault,
  refusingBaseHandle,
} from './fault-injector-extensions';
import { type LayerClock, realClock } from './layer-clock';
import type { LayerStyle } from './layer-instance';
import { SeededRandom } from './seeded-random';
import { type NamedToxic, normalizeToxic, type Toxic, type ToxicDirection } from './toxic';
import {
  type LinkProtocol,
  type SocketSelection,
  type ToxicAction,
  type ToxicEntry,
  ToxicLink,
  type ToxicLinkOwner,
} from './toxic-link';
import type { TraceLog } from './trace-log';
import { errnoArgument, WSP_CALL_SHAPES } from './wsp-call-shapes';

/** One Winsock fault to inject. */
export interface FaultRule {
  /** The calls it applies to, by member name (`'lpWSPSend'`). */
  calls: WspProcName | readonly WspProcName[];
  /** The Winsock code the call fails with; without it the rule only delays. */
  error?: number;
  /** Let this many matching calls through first (per socket). Default 0. */
  afterCalls?: number;
  /** Let this many bytes through first (per socket; send and receive calls only). */
  afterBytes?: number;
  /** Fail at most this many times in all, then let calls through. Default: no limit. */
  times?: number;
  /** Wait this many milliseconds (on the injector's clock) before forwarding (calls that return a Promise only). */
  delayMs?: number;
  /** The chance (0‥1) that the rule applies to a matching call, drawn from the injector's seed. Default 1. */
  probability?: number;
  /** Only calls for which this returns true are counted and affected. */
  when?: (call: FaultedCall) => boolean;
}

/** A call as a rule's `when` sees it. */
export interface FaultedCall {
  /** The member called (`'lpWSPSend'`). */
  readonly name: WspProcName;
  /** The socket handle as this layer received it, if the call has one. */
  readonly socket: SOCKET | undefined;
  /** The call's arguments, as the layer received them. */
  readonly args: readonly unknown[];
}

/** Something the injector did, for tests to check. */
export interface InjectedFault {
  /**
   * `fail`, `delay`, `truncate` (rules), `reset` (`resetOnClose`, or a `reset_peer` toxic),
   * `rewrite` (connect or disconnect data), or what a toxic did: `latency`, `bandwidth`, `slice`,
   * `hold`, `slow_close`, `close`, `drop`, and `deferred` (a call the pipe made later failed below).
   */
  readonly kind: 'fail' | 'delay' | 'truncate' | 'rewrite' | ToxicAction['kind'];
  /** The member it concerned (`'lpWSPRecv'`). */
  readonly call: WspProcName;
  /** The socket handle as this layer knows it, if the call has one. */
  readonly socket: SOCKET | undefined;
  /** The Winsock code the call failed with, for `fail` and `deferred`. */
  readonly error?: number;
  /** The toxic that acted, by name. */
  readonly toxic?: string;
  /** The direction the toxic acts in. */
  readonly direction?: ToxicDirection;
  /** Bytes the action concerned. */
  readonly bytes?: number;
  /** Until when (clock time) data or a call was held. */
  readonly until?: number;
  /** When (clock time) it happened. */
  readonly time: number;
}

/** How a fault injector is made. */
export interface FaultInjectorOptions {
  /** `WSPDATA.szDescription` of the layer (default `'fault injector'`). */
  description?: string;
  /** IFS or non-IFS (default non-IFS, which sees every call; toxics need it). */
  style?: LayerStyle;
  /** Winsock faults to start with, tried in order (more with `addRule`). */
  rules?: readonly FaultRule[];
  /** Toxics to start with (more with `addToxic`). */
  toxics?: readonly Toxic[];
  /** Close every socket abortively (`SO_LINGER {1, 0}` below it), so the peer sees a reset. */
  resetOnClose?: boolean;
  /** Faults in the extension functions the layer hands out (`AcceptEx`, `ConnectEx` …). */
  extensionRules?: readonly ExtensionFaultRule[];
  /**
   * Refuse `SIO_BASE_HANDLE` with `WSAEFAULT` (and answer `SIO_BSP_HANDLE_SELECT` with the layer's
   * own handle), as Komodia-based LSPs do: libraries asking for the base handle must fall back.
   */
  refuseBaseHandle?: boolean;
  /** Rewrites of the connect data (`WSAConnect`'s caller and callee data, `WSAAccept`'s condition). */
  connectData?: DataRewrite;
  /** Rewrites of the disconnect data (`WSASendDisconnect`, `WSARecvDisconnect`). */
  disconnectData?: DataRewrite;
  /** The clock of delays and toxics (default `realClock`; a SimNetwork's `network.clock` for virtual time). */
  clock?: LayerClock;
  /** The seed of every random draw (toxicity, jitter, slice sizes, rule probability). Default 0. */
  seed?: number | string;
  /** A trace log to write what the injector does into, as notes (seen in its sequence diagrams). */
  log?: TraceLog;
  /** The injector's name in `log` (default its description). */
  name?: string;
  /** How many records `injected` keeps (the oldest go first). Default 10 000. */
  maxRecords?: number;
}

/** A fault-injecting layered provider, with the record of what it injected. */
export interface FaultInjector extends LayeredProvider {
  /** What the injector did, oldest first (at most `maxRecords`). */
  readonly injected: InjectedFault[];
  /** What the injector did to extension functions. */
  readonly injectedExtension: InjectedExtensionFault[];
  /** How many sockets the injector keeps rule counters for (closed sockets are forgotten). */
  readonly trackedSockets: number;
  /** Connections the toxics are watching (open, or closing in the background). */
  readonly connections: number;
  /** The toxics, in the order they act. */
  readonly toxics: readonly NamedToxic[];
  /** The rules, in the order they are tried. */
  readonly rules: readonly FaultRule[];
  /** Turn graceful closes into resets from now on (or stop). */
  resetOnClose: boolean;
  /**
   * Adds a toxic; it acts on live connections at once and on new ones. Returns its name. Throws
   * a `TypeError`/`RangeError` for a bad toxic or a name in use, and in an IFS injector.
   */
  addToxic(toxic: Toxic): string;
  /** Changes a toxic's settings (not its type); data from now on sees them. Throws for an unknown name. */
  updateToxic(name: string, changes: Partial<Toxic>): NamedToxic;
  /** Removes a toxic: data it held flows again. Returns false when there is none by that name. */
  removeToxic(name: string): boolean;
  /** Removes every toxic. */
  clearToxics(): void;
  /** Adds a rule (tried after the others). Throws for a bad rule, as at creation. */
  addRule(rule: FaultRule): void;
  /** Removes a rule; false when it is not there. */
  removeRule(rule: FaultRule): boolean;
}

const SEND_CALLS = new Set<WspProcName>(['lpWSPSend', 'lpWSPSendTo']);
const RECV_CALLS = new Set<WspProcName>(['lpWSPRecv', 'lpWSPRecvFrom']);
const BYTES_OUT_ARG = 3;
const DEFAULT_MAX_RECORDS = 10_000;

function totalLength(buffers: readonly WSABUF[], count: number): number {
  return buffers.slice(0, count).reduce((sum, b) => sum + b.len, 0);
}

/** The first `count` buffers cut down so that together they offer at most `limit` bytes. */
function limitBuffers(buffers: readonly WSABUF[], count: number, limit: number): WSABUF[] {
  let left = limit;
  return buffers.slice(0, count).map((b) => {
    const len = Math.min(b.len, left);
    left -= len;
    return { len, buf: b.buf };
  });
}

function checkRule(rule: FaultRule): void {
  const calls = typeof rule.calls === 'string' ? [rule.calls] : rule.calls;
  for (const call of calls) {
    if (!(call in WSP_CALL_SHAPES))
      throw new TypeError(`fault rule: '${call}' is not a WSPPROC_TABLE member`);
    if (rule.delayMs !== undefined && !WSP_CALL_SHAPES[call].async) {
      throw new TypeError(`fault rule: ${call} is synchronous and cannot be delayed`);
    }
    if (rule.afterBytes !== undefined && !SEND_CALLS.has(call) && !RECV_CALLS.has(call)) {
      throw new TypeError(`fault rule: afterBytes applies to send and receive calls, not ${call}`);
    }
  }
  if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1))
    throw new RangeError(`fault rule: probability must be within 0..1, got ${String(rule.probability)}`);
}

/** A line for the trace log: what an injected fault was. */
function describeFault(fault: InjectedFault): string {
  const call = fault.call.slice(2);
  const parts = [fault.kind === 'fail' ? `fail ${call}` : `${fault.kind} ${call}`];
  if (fault.toxic) parts.push(`(${fault.toxic})`);
  if (fault.bytes !== undefined) parts.push(`${fault.bytes} bytes`);
  if (fault.until !== undefined) parts.push(`until ${Math.round(fault.until * 1000) / 1000} ms`);
  if (fault.error) parts.push(wsaErrorName(fault.error));
  return parts.join(' ');
}

/** Per process: the connections the toxics watch, what kind each socket is, what the application selected. */
interface HostState {
  readonly links: Map<SOCKET, ToxicLink>;
  /** The protocol of a socket, or null for one the toxics leave alone (connectionless). */
  readonly kinds: Map<SOCKET, LinkProtocol | null>;
  readonly selections: Map<SOCKET, SocketSelection>;
  /** Sockets made non-blocking (`FIONBIO`, `WSAEventSelect`, `WSAAsyncSelect`; inherited by accepted ones). */
  readonly nonBlocking: Set<SOCKET>;
  /** Rule delays in progress, ended by `WSPCleanup`. */
  readonly delays: Set<() => void>;
  readonly owner: ToxicLinkOwner;
}

/**
 * A layered provider that injects the faults `options` describes (see the module comment).
 *
 * @example
 * const faults = createFaultInjectorLayer({
 *   clock: network.clock,   // virtual time on a SimNetwork (default: real timers)
 *   seed: 42,
 *   toxics: [{ type: 'latency', direction: 'inbound', latencyMs: 30_000, jitterMs: 5_000 }],
 *   rules: [{ calls: 'lpWSPConnect', error: WSAECONNREFUSED, times: 1 }],
 * });
 * const proc = await createLayeredProcess({ bases, layers: [{ name: 'faults', provider: faults }] });
 * faults.addToxic({ type: 'reset_peer', direction: 'outbound', timeoutMs: 2_000 }); // while connections are live
 */
export function createFaultInjectorLayer(options: FaultInjectorOptions = {}): FaultInjector {
  const style = options.style ?? 'non-ifs';
  const clock = options.clock ?? realClock;
  const seed = options.seed ?? 0;
  const maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
  const logName = options.name ?? options.description ?? 'fault injector';
  const rules: FaultRule[] = [];
  for (const rule of options.rules ?? []) {
    checkRule(rule);
    rules.push(rule);
  }
  let resetOnClose = options.resetOnClose ?? false;
  const injected: InjectedFault[] = [];
  const entries: ToxicEntry[] = [];
  let nextToxicId = 1;
  let nextLinkOrdinal = 0;
  const allLinks = new Set<ToxicLink>();
  const ruleRandom = SeededRandom.derive(seed, 'rules');
  // Counters live with the layer definition: one injector object is one simulated faulty LSP.
  const callCounts = new Map<FaultRule, Map<SOCKET | 'layer', number>>();
  const byteCounts = new Map<FaultRule, Map<SOCKET, number>>();
  const failures = new Map<FaultRule, number>();
  const hosts = new WeakMap<ProviderHost, HostState>();

  /** The injector's place in its chain, for the trace log's diagrams (the first startup's). */
  let position: number | undefined;

  function record(fault: Omit<InjectedFault, 'time'>): void {
    const full: InjectedFault = { ...fault, time: clock.now() };
    injected.push(full);
    // Trimmed in batches, so that a long run keeps the cost of a record constant.
    if (injected.length > maxRecords * 1.25) injected.splice(0, injected.length - maxRecords);
    options.log?.note(logName, describeFault(full), position === undefined ? {} : { position });
  }

  function hostState(host: ProviderHost, upcalls: WSPUPCALLTABLE): HostState {
    let state = hosts.get(host);
    if (state) return state;
    const links = new Map<SOCKET, ToxicLink>();
    const selections = new Map<SOCKET, SocketSelection>();
    const nonBlocking = new Set<SOCKET>();
    state = {
      links,
      kinds: new Map(),
      selections,
      nonBlocking,
      delays: new Set(),
      owner: {
        clock,
        seed,
        upcalls,
        toxics: () => entries,
        report: (action) => record(action),
        selection: (s) => selections.get(s),
        nonBlocking: (s) => nonBlocking.has(s),
        forget: (link) => {
          if (links.get(link.handle) === link) links.delete(link.handle);
          allLinks.delete(link);
        },
      },
    };
    hosts.set(host, state);
    return state;
  }

  const appliesTo = (rule: FaultRule, call: FaultedCall): boolean =>
    (typeof rule.calls === 'string' ? rule.calls === call.name : rule.calls.includes(call.name)) &&
    (rule.when?.(call) ?? true);
  const exhausted = (rule: FaultRule): boolean =>
    rule.times !== undefined && (failures.get(rule) ?? 0) >= rule.times;

  /** The protocol of `s` (connection-oriented), or null: asked of the provider below once per socket. */
  function protocolOf(host: HostState, layer: LayerContext, s: SOCKET): LinkProtocol | null {
    const known = host.kinds.get(s);
    if (known !== undefined) return known;
    const lower = layer.lower(s);
    if (!lower) return null;
    const info = out<SockOptValue | null>(null);
    const rc = lower.table.lpWSPGetSockOpt(
      lower.socket,
      SOL_SOCKET,
      SO_PROTOCOL_INFOW,
      info,
      out(1024),
      out(0),
    );
    const flags =
      rc === 0 ? ((info.value as WSAPROTOCOL_INFOW | null)?.dwServiceFlags1 ?? 0) : XP1_CONNECTIONLESS;
    let protocol: LinkProtocol | null = null;
    if ((flags & XP1_CONNECTIONLESS) === 0) {
      const messageOriented = (flags & XP1_MESSAGE_ORIENTED) !== 0;
      const max = out<SockOptValue | null>(null);
      const hasMax =
        messageOriented &&
        lower.table.lpWSPGetSockOpt(lower.socket, SOL_SOCKET, SO_MAX_MSG_SIZE, max, out(4), out(0)) === 0 &&
        typeof max.value === 'number';
      protocol = {
        messageOriented,
        disconnectData: (flags & XP1_DISCONNECT_DATA) !== 0,
        ...(hasMax ? { maxMessageSize: max.value as number } : {}),
      };
    }
    host.kinds.set(s, protocol);
    return protocol;
  }

  /** The link of a connected socket, made on first sight (`connected` says the caller knows it is connected). */
  function linkOf(
    host: HostState,
    layer: LayerContext,
    s: SOCKET,
    connected: boolean,
  ): ToxicLink | undefined {
    const existing = host.links.get(s);
    if (existing || style === 'ifs') return existing;
    const protocol = protocolOf(host, layer, s);
    const lower = layer.lower(s);
    if (!protocol || !lower) return undefined;
    if (
      !connected &&
      lower.table.lpWSPGetPeerName(lower.socket, out<SOCKADDR | null>(null), out(128), out(0)) !== 0
    )
      return undefined;
    const link = new ToxicLink(host.owner, s, lower, protocol, nextLinkOrdinal++);
    host.links.set(s, link);
    allLinks.add(link);
    return link;
  }

  function forgetSocket(host: HostState, s: SOCKET): void {
    for (const counts of callCounts.values()) counts.delete(s);
    for (const counts of byteCounts.values()) counts.delete(s);
    host.kinds.delete(s);
    host.selections.delete(s);
    host.nonBlocking.delete(s);
  }

  /** Waits `ms` on the clock for a rule's delay; false when the process cleaned up meanwhile. */
  function ruleDelay(host: HostState, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const end = (elapsed: boolean) => {
        host.delays.delete(cancel);
        timer.cancel();
        resolve(elapsed);
      };
      const cancel = () => end(false);
      const timer = clock.setTimer(ms, () => end(true));
      host.delays.add(cancel);
    });
  }

  function wrap(name: WspProcName, next: AnyWspFunction, layer: LayerContext): AnyWspFunction {
    const shape = WSP_CALL_SHAPES[name];
    position ??= layer.position;
    const failWith = (
      code: number,
      args: unknown[],
      call: FaultedCall,
      kind: InjectedFault['kind'] = 'fail',
    ) => {
      const errno = errnoArgument(args);
      if (errno) errno.value = code;
      record({ kind, call: name, socket: call.socket, error: code });
      return shape.failure;
    };

    /** What happens to a call the rules let through: the toxics, and the bookkeeping around them. */
    function toxicStage(args: unknown[]): unknown {
      const host = hostState(layer.host, layer.upcalls);
      const s = shape.socketArg === undefined ? undefined : (args[shape.socketArg] as SOCKET);
      switch (name) {
        case 'lpWSPConnect':
          return (next(...args) as Promise<number>).then((rc) => {
            if (rc === 0) linkOf(host, layer, s as SOCKET, true);
            return rc;
          });
        case 'lpWSPAccept':
          return (next(...args) as Promise<SOCKET>).then((accepted) => {
            if (accepted === INVALID_SOCKET) return accepted;
            // An accepted socket has its listener's blocking mode, as on Windows.
            if (host.nonBlocking.has(s as SOCKET)) host.nonBlocking.add(accepted);
            linkOf(host, layer, accepted, true);
            return accepted;
          });
        case 'lpWSPSend':
        case 'lpWSPSendTo': {
          const link = linkOf(host, layer, s as SOCKET, false);
          return link ? link.send(name, args, next) : next(...args);
        }
        case 'lpWSPRecv':
        case 'lpWSPRecvFrom': {
          const link = linkOf(host, layer, s as SOCKET, false);
          return link ? link.recv(name, args, next) : next(...args);
        }
        case 'lpWSPShutdown': {
          const link = host.links.get(s as SOCKET);
          return link ? link.shutdown(args as never, next) : next(...args);
        }
        case 'lpWSPSendDisconnect': {
          const link = host.links.get(s as SOCKET);
          return link ? link.sendDisconnect(args as never, next) : next(...args);
        }
        case 'lpWSPCloseSocket':
          return close(host, s as SOCKET, args);
        case 'lpWSPEventSelect':
        case 'lpWSPAsyncSelect': {
          const rc = next(...args) as number;
          if (rc === 0) {
            select(host, name, args);
            host.nonBlocking.add(s as SOCKET);
          }
          return rc;
        }
        case 'lpWSPIoctl': {
          const rc = next(...args) as number;
          if (rc === 0 && (args[1] as number) >>> 0 === FIONBIO) {
            if (args[2]) host.nonBlocking.add(s as SOCKET);
            else host.nonBlocking.delete(s as SOCKET);
          }
          return rc;
        }
        case 'lpWSPEnumNetworkEvents': {
          const rc = next(...args) as number;
          const link = host.links.get(s as SOCKET);
          if (rc === 0 && link) link.mergeNetworkEvents(args[2] as WSANETWORKEVENTS);
          return rc;
        }
        case 'lpWSPCleanup':
          for (const link of [...host.links.values()]) link.abort(WSAEINTR);
          for (const cancel of [...host.delays]) cancel();
          host.links.clear();
          host.kinds.clear();
          host.selections.clear();
          host.nonBlocking.clear();
          return next(...args);
        default:
          return next(...args);
      }
    }

    /** Remembers what the application selected, so that a reset can signal its `FD_CLOSE`. */
    function select(host: HostState, call: WspProcName, args: unknown[]): void {
      const s = args[0] as SOCKET;
      if (call === 'lpWSPEventSelect') {
        const [, event, events] = args as [SOCKET, WSAEVENT | null, number];
        if (event && events) host.selections.set(s, { kind: 'event', event, events });
        else host.selections.delete(s);
      } else {
        const [, window, message, events] = args as [SOCKET, HWND | null, number, number];
        if (window && events) host.selections.set(s, { kind: 'window', window, message, events });
        else host.selections.delete(s);
      }
    }

    /** `WSPCloseSocket` that no rule failed: the reset, if asked for, then the close; a closed socket's state goes. */
    function close(host: HostState, s: SOCKET, args: unknown[]): unknown {
      const link = host.links.get(s);
      if (resetOnClose && !link?.dead) {
        const lower = layer.lower(s);
        if (lower) {
          lower.table.lpWSPSetSockOpt(
            lower.socket,
            SOL_SOCKET,
            SO_LINGER,
            { l_onoff: 1, l_linger: 0 },
            4,
            out(0),
          );
          record({ kind: 'reset', call: name, socket: s });
        }
      }
      const abortive = (): boolean => {
        if (resetOnClose) return true;
        const lower = layer.lower(s);
        if (!lower) return false;
        const linger = out<SockOptValue | null>(null);
        if (lower.table.lpWSPGetSockOpt(lower.socket, SOL_SOCKET, SO_LINGER, linger, out(4), out(0)) !== 0)
          return false;
        const value = linger.value as { l_onoff?: number; l_linger?: number } | null;
        return !!value?.l_onoff && value.l_linger === 0;
      };
      const rc = link
        ? link.close(args as never, next, () => layer.detach(s) !== undefined, abortive)
        : (next(...args) as number);
      if (rc === 0 || errnoArgument(args)?.value === WSAENOTSOCK) forgetSocket(host, s);
      return rc;
    }

    return (...args: unknown[]) => {
      const s = shape.socketArg === undefined ? undefined : (args[shape.socketArg] as SOCKET);
      const host = hostState(layer.host, layer.upcalls);
      if (s !== undefined) {
        const link = host.links.get(s);
        if (link?.dead) {
          const answered = link.answerAfterReset(name, args);
          if (answered !== undefined) return answered;
        }
      } else if (name === 'lpWSPSelect' && host.links.size > 0) {
        const sets = [args[1], args[2], args[3]] as (fd_set | null)[];
        const isDead = (h: SOCKET) => host.links.get(h)?.dead === true;
        if (sets.some((set) => set?.fd_array.some(isDead)))
          return Promise.resolve(ToxicLink.selectAfterReset(sets, isDead));
      }
      const call: FaultedCall = { name, socket: s, args };
      let delay = 0;
      let byteRule: FaultRule | undefined;
      for (const rule of rules) {
        if (!appliesTo(rule, call)) continue;
        if (rule.probability !== undefined && ruleRandom.next() >= rule.probability) continue;
        if (rule.delayMs !== undefined) delay = Math.max(delay, rule.delayMs);
        if (rule.error === undefined || exhausted(rule)) continue;
        if (rule.afterBytes !== undefined) {
          byteRule ??= rule;
          continue;
        }
        const counts = callCounts.get(rule) ?? new Map();
        callCounts.set(rule, counts);
        const key = call.socket ?? 'layer';
        const seen = counts.get(key) ?? 0;
        counts.set(key, seen + 1);
        if (seen >= (rule.afterCalls ?? 0)) {
          failures.set(rule, (failures.get(rule) ?? 0) + 1);
          const failure = failWith(rule.error, args, call);
          return shape.async ? Promise.resolve(failure) : failure;
        }
      }
      const forward = (): unknown => (byteRule ? forwardCounted(byteRule, call, args) : toxicStage(args));
      const forwardCounted = (rule: FaultRule, c: FaultedCall, a: unknown[]): unknown => {
        const bytes = byteCounts.get(rule) ?? new Map<SOCKET, number>();
        byteCounts.set(rule, bytes);
        const socket = c.socket as SOCKET;
        const passed = bytes.get(socket) ?? 0;
        const left = (rule.afterBytes as number) - passed;
        const fail = () => {
          failures.set(rule, (failures.get(rule) ?? 0) + 1);
          return failWith(rule.error as number, a, c);
        };
        if (left <= 0) return Promise.resolve(fail());
        const buffers = a[1] as WSABUF[];
        const count = a[2] as number;
        const transferred = a[BYTES_OUT_ARG] as { value: number } | null;
        const wanted = totalLength(buffers, count);
        const limited = wanted > left;
        const args2 = [...a];
        if (limited) {
          args2[1] = limitBuffers(buffers, count, left);
          if (SEND_CALLS.has(name)) record({ kind: 'truncate', call: name, socket, error: rule.error });
        }
        return (toxicStage(args2) as Promise<number>).then((rc) => {
          if (rc === SOCKET_ERROR) return rc;
          bytes.set(socket, passed + (transferred?.value ?? 0));
          // A send cut at the limit has delivered the last bytes allowed; then the connection "breaks".
          if (limited && SEND_CALLS.has(name)) return fail();
          return rc;
        });
      };
      if (delay > 0) {
        record({ kind: 'delay', call: name, socket: call.socket });
        return ruleDelay(host, delay).then((elapsed) => {
          if (elapsed) return forward();
          const errno = errnoArgument(args);
          if (errno) errno.value = WSAEINTR;
          return shape.failure;
        });
      }
      return forward();
    };
  }

  const calls: WspOverrides = {
    ...disconnectDataCalls(options.disconnectData ?? {}, (call, socket, direction) =>
      record({ kind: 'rewrite', call, socket, direction }),
    ),
  };
  for (const [member, override] of Object.entries(
    connectDataCalls(options.connectData ?? {}, (call, socket, direction) =>
      record({ kind: 'rewrite', call, socket, direction }),
    ),
  )) {
    (calls as Record<string, unknown>)[member] = override;
  }

  if (options.refuseBaseHandle) {
    const below = calls.lpWSPIoctl;
    calls.lpWSPIoctl = (next, layer) => refusingBaseHandle(below ? below(next, layer) : next);
  }

  const extensionRules = options.extensionRules ?? [];
  checkExtensionRules(extensionRules);
  const injectedExtension: InjectedExtensionFault[] = [];
  const provider = defineLayeredProvider({
    description: options.description ?? 'fault injector',
    style,
    around: wrap,
    aroundExtension: extensionFaults(extensionRules, injectedExtension),
    calls,
    onStartup: (layer) => options.log?.declare(logName, layer.position, false),
  });

  const toxicNamed = (toxicName: string): ToxicEntry | undefined =>
    entries.find((entry) => entry.toxic.name === toxicName);

  const injector: FaultInjector = {
    ...provider,
    injected,
    injectedExtension,
    get trackedSockets(): number {
      const sockets = new Set<SOCKET | 'layer'>();
      for (const counts of [...callCounts.values(), ...byteCounts.values()])
        for (const s of counts.keys()) sockets.add(s);
      sockets.delete('layer');
      return sockets.size;
    },
    get connections(): number {
      return allLinks.size;
    },
    get toxics(): readonly NamedToxic[] {
      return entries.map((entry) => entry.toxic);
    },
    get rules(): readonly FaultRule[] {
      return [...rules];
    },
    get resetOnClose(): boolean {
      return resetOnClose;
    },
    set resetOnClose(on: boolean) {
      resetOnClose = on;
    },
    addToxic(toxic) {
      if (style === 'ifs')
        throw new TypeError(
          'toxics need a non-IFS fault injector: it keeps sockets the application closed until their data is out',
        );
      const named = normalizeToxic(toxic);
      if (toxicNamed(named.name)) throw new TypeError(`a toxic named '${named.name}' exists`);
      const entry: ToxicEntry = { toxic: named, id: nextToxicId++ };
      entries.push(entry);
      for (const link of allLinks) link.toxicAdded(entry);
      return named.name;
    },
    updateToxic(toxicName, changes) {
      const entry = toxicNamed(toxicName);
      if (!entry) throw new TypeError(`no toxic named '${toxicName}'`);
      entry.toxic = normalizeToxic({
        ...entry.toxic,
        ...changes,
        type: entry.toxic.type,
        name: toxicName,
      } as Toxic);
      for (const link of allLinks) link.toxicUpdated(entry);
      return entry.toxic;
    },
    removeToxic(toxicName) {
      const entry = toxicNamed(toxicName);
      if (!entry) return false;
      entries.splice(entries.indexOf(entry), 1);
      for (const link of allLinks) link.toxicRemoved(entry);
      return true;
    },
    clearToxics() {
      for (const entry of [...entries]) injector.removeToxic(entry.toxic.name);
    },
    addRule(rule) {
      checkRule(rule);
      rules.push(rule);
    },
    removeRule(rule) {
      const index = rules.indexOf(rule);
      if (index < 0) return false;
      rules.splice(index, 1);
      return true;
    },
  };
  for (const toxic of options.toxics ?? []) injector.addToxic(toxic);
  return injector;
}
