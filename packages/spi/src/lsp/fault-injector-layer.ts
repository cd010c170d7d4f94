/**
 * A fault-injecting layer: an ordinary layered provider that makes chosen WSP calls fail with
 * chosen Winsock codes — at once, after N calls, or after N bytes — delays calls, and can turn a
 * graceful close into a reset. It simulates the faulty LSPs and flaky networks of §4.7 without
 * touching the base provider or the application.
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
 * - `delayMs` waits before forwarding; only calls that return a Promise can be delayed (a
 *   synchronous call cannot wait without blocking, so such a rule is refused when it is made).
 * - `resetOnClose` sets `SO_LINGER {1, 0}` on the lower socket before `WSPCloseSocket` — one that
 *   a rule lets through — so the peer sees a reset (`WSAECONNRESET`) instead of a graceful close.
 * - Per-socket counters are forgotten when the socket is closed.
 * @module
 */

import { WSAENOTSOCK } from '../constants/error-codes';
import { SOCKET_ERROR } from '../constants/socket-api';
import { SO_LINGER, SOL_SOCKET } from '../constants/socket-options';
import type { WspProcName } from '../spi/wsp-proc-table';
import type { SOCKET } from '../spi/wsp-types';
import { out } from '../types/out-cell';
import type { WSABUF } from '../types/wsabuf';
import {
  type AnyWspFunction,
  defineLayeredProvider,
  type LayerContext,
  type LayeredProvider,
} from './define-layered-provider';
import {
  checkExtensionRules,
  type ExtensionFaultRule,
  extensionFaults,
  type InjectedExtensionFault,
  refusingBaseHandle,
} from './fault-injector-extensions';
import type { LayerStyle } from './layer-instance';
import { errnoArgument, WSP_CALL_SHAPES } from './wsp-call-shapes';

/** One fault to inject. */
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
  /** Wait this many milliseconds before forwarding (calls that return a Promise only). */
  delayMs?: number;
  /** Only calls for which this returns true are counted and affected. */
  when?: (call: FaultedCall) => boolean;
}

/** A call as a rule's `when` sees it. */
export interface FaultedCall {
  readonly name: WspProcName;
  /** The socket handle as this layer received it, if the call has one. */
  readonly socket: SOCKET | undefined;
  readonly args: readonly unknown[];
}

/** Something the injector did, for tests to check. */
export interface InjectedFault {
  readonly kind: 'fail' | 'delay' | 'truncate' | 'reset';
  readonly call: WspProcName;
  readonly socket: SOCKET | undefined;
  readonly error?: number;
}

/** How a fault injector is made. */
export interface FaultInjectorOptions {
  description?: string;
  /** IFS or non-IFS (default non-IFS, which sees every call). */
  style?: LayerStyle;
  rules?: readonly FaultRule[];
  /** Close every socket abortively (`SO_LINGER {1, 0}` below it), so the peer sees a reset. */
  resetOnClose?: boolean;
  /** Faults in the extension functions the layer hands out (`AcceptEx`, `ConnectEx` …). */
  extensionRules?: readonly ExtensionFaultRule[];
  /**
   * Refuse `SIO_BASE_HANDLE` with `WSAEFAULT` (and answer `SIO_BSP_HANDLE_SELECT` with the layer's
   * own handle), as Komodia-based LSPs do: libraries asking for the base handle must fall back.
   */
  refuseBaseHandle?: boolean;
}

/** A fault-injecting layered provider, with the record of what it injected. */
export interface FaultInjector extends LayeredProvider {
  readonly injected: InjectedFault[];
  /** What the injector did to extension functions. */
  readonly injectedExtension: InjectedExtensionFault[];
  /** How many sockets the injector keeps counters for (closed sockets are forgotten). */
  readonly trackedSockets: number;
}

const SEND_CALLS = new Set<WspProcName>(['lpWSPSend', 'lpWSPSendTo']);
const RECV_CALLS = new Set<WspProcName>(['lpWSPRecv', 'lpWSPRecvFrom']);
const BYTES_OUT_ARG = 3;

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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A layered provider that injects the faults `options` describes. */
export function createFaultInjectorLayer(options: FaultInjectorOptions = {}): FaultInjector {
  const rules = options.rules ?? [];
  for (const rule of rules) {
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
  }
  const injected: InjectedFault[] = [];
  // Counters live with the layer definition: one injector object is one simulated faulty LSP.
  const callCounts = new Map<FaultRule, Map<SOCKET | 'layer', number>>();
  const byteCounts = new Map<FaultRule, Map<SOCKET, number>>();
  const failures = new Map<FaultRule, number>();
  const appliesTo = (rule: FaultRule, call: FaultedCall): boolean =>
    (typeof rule.calls === 'string' ? rule.calls === call.name : rule.calls.includes(call.name)) &&
    (rule.when?.(call) ?? true);
  const exhausted = (rule: FaultRule): boolean =>
    rule.times !== undefined && (failures.get(rule) ?? 0) >= rule.times;

  function wrap(name: WspProcName, next: AnyWspFunction, layer: LayerContext): AnyWspFunction {
    const shape = WSP_CALL_SHAPES[name];
    const failWith = (
      code: number,
      args: unknown[],
      call: FaultedCall,
      kind: InjectedFault['kind'] = 'fail',
    ) => {
      const errno = errnoArgument(args);
      if (errno) errno.value = code;
      injected.push({ kind, call: name, socket: call.socket, error: code });
      return shape.failure;
    };
    return (...args: unknown[]) => {
      const call: FaultedCall = {
        name,
        socket: shape.socketArg === undefined ? undefined : (args[shape.socketArg] as SOCKET),
        args,
      };
      const active = rules.filter((rule) => appliesTo(rule, call));
      let delay = 0;
      let byteRule: FaultRule | undefined;
      for (const rule of active) {
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
      if (name === 'lpWSPCloseSocket') return close(call, args);
      const forward = (): unknown => (byteRule ? forwardCounted(byteRule, call, args) : next(...args));
      const forwardCounted = (rule: FaultRule, c: FaultedCall, a: unknown[]): unknown => {
        const bytes = byteCounts.get(rule) ?? new Map<SOCKET, number>();
        byteCounts.set(rule, bytes);
        const s = c.socket as SOCKET;
        const passed = bytes.get(s) ?? 0;
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
          if (SEND_CALLS.has(name))
            injected.push({ kind: 'truncate', call: name, socket: s, error: rule.error });
        }
        return (next(...args2) as Promise<number>).then((rc) => {
          if (rc === SOCKET_ERROR) return rc;
          bytes.set(s, passed + (transferred?.value ?? 0));
          // A send cut at the limit has delivered the last bytes allowed; then the connection "breaks".
          if (limited && SEND_CALLS.has(name)) return fail();
          return rc;
        });
      };
      if (delay > 0) {
        injected.push({ kind: 'delay', call: name, socket: call.socket });
        return sleep(delay).then(forward);
      }
      return forward();
    };

    /** `WSPCloseSocket` no rule failed: the reset, if asked for, then the close; a closed socket's counters go. */
    function close(call: FaultedCall, args: unknown[]): unknown {
      const s = call.socket as SOCKET;
      if (options.resetOnClose) {
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
          injected.push({ kind: 'reset', call: name, socket: s });
        }
      }
      const rc = next(...args);
      if (rc === 0 || errnoArgument(args)?.value === WSAENOTSOCK) forget(s);
      return rc;
    }
  }

  function forget(s: SOCKET): void {
    for (const counts of callCounts.values()) counts.delete(s);
    for (const counts of byteCounts.values()) counts.delete(s);
  }

  const extensionRules = options.extensionRules ?? [];
  checkExtensionRules(extensionRules);
  const injectedExtension: InjectedExtensionFault[] = [];
  const provider = defineLayeredProvider({
    description: options.description ?? 'fault injector',
    style: options.style ?? 'non-ifs',
    around: wrap,
    aroundExtension: extensionFaults(extensionRules, injectedExtension),
    calls: options.refuseBaseHandle ? { lpWSPIoctl: refusingBaseHandle } : undefined,
  });
  return {
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
  };
}
