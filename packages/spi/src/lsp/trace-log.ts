/**
 * The shared log tracer layers write to: one record per WSP call, appended when the call enters a
 * layer (so records are in call order — a call going down a chain appears once per layer, top
 * first), completed with the result and the error when it returns (a Promise's when it settles).
 *
 * Each record also renders as one deterministic line, e.g.
 * `A WSPSend(#1, [<5 bytes>], 1, &0, 0, NULL, NULL, {thread}) = 0 (5 bytes)` or
 * `B WSPSendDisconnect(#1, <3 bytes>) = SOCKET_ERROR [WSAENOPROTOOPT]`, so a test can compare a
 * whole log with `toEqual`. Socket handles are numbered `#1, #2 …` per layer in order of first
 * appearance (handle values differ between runs); socket addresses are shown without their port
 * (ports are ephemeral); buffers by length.
 *
 * The records of one call in the layers it went through are linked (`parent`): a layer hands its
 * `lpErrno` down with the call, so a record whose `lpErrno` is that of a call still open in a layer
 * above belongs to that call. With the order in which calls began and ended (`began`, `ended`)
 * and the notes other layers add (`note`, e.g. a fault injector's), this is what the sequence
 * diagrams (`traceToMermaid`, `traceToText`) draw.
 * @module
 */

import { wsaErrorName } from '../constants/error-codes';
import type { WspProcName } from '../spi/wsp-proc-table';
import type { SOCKET } from '../spi/wsp-types';
import {
  EXTENSION_CALL_SHAPES,
  type ExtensionFunctionName,
  isExtensionFunctionName,
} from './extension-call-shapes';
import type { LayerClock } from './layer-clock';
import { WSP_CALL_SHAPES } from './wsp-call-shapes';

/** A traced call: one of the 30 WSP functions, or an extension function (`AcceptEx` …). */
export type TracedCallName = WspProcName | ExtensionFunctionName;

/** How a traced call shows: its socket arguments, its failure value, whether it returns a socket. */
function shapeOf(name: TracedCallName): {
  sockets: readonly number[];
  failure: unknown;
  returnsSocket: boolean;
} {
  if (isExtensionFunctionName(name)) {
    const shape = EXTENSION_CALL_SHAPES[name];
    return { sockets: shape.socketArgs, failure: shape.failure, returnsSocket: false };
  }
  const shape = WSP_CALL_SHAPES[name];
  return {
    sockets: shape.socketArg === undefined ? [] : [shape.socketArg],
    failure: shape.failure,
    returnsSocket: shape.returnsSocket,
  };
}

/** The traced name a record's `call` stands for. */
function nameOf(call: string): TracedCallName {
  return isExtensionFunctionName(call) ? call : (`lp${call}` as WspProcName);
}

/** One traced call in one layer. */
export interface TraceRecord {
  /** Position in the log (0-based): the order calls entered their layers. */
  readonly seq: number;
  /** The tracer's name. */
  readonly layer: string;
  /** The function, without the `lp` prefix: `'WSPSend'`; an extension function by its name (`'AcceptEx'`). */
  readonly call: string;
  /** The arguments as passed, without `lpErrno` (objects by reference: they may change later). */
  readonly args: readonly unknown[];
  /** `call(args…)` rendered when the call entered the layer. */
  readonly text: string;
  /** False while the call is in progress. */
  done: boolean;
  /** The return value, once done. */
  result?: unknown;
  /** The `lpErrno` code (an extension function's last error) when the call failed, once done. */
  error?: number;
  /** What the call threw (a provider failure), if it did. */
  thrown?: unknown;
  /** Bytes moved by a send or receive that succeeded (its `lpNumberOf…` out-parameter), once done. */
  transferred?: number;
  /** The `seq` of the record of the same call in the layer above, when that layer is traced too. */
  readonly parent?: number;
  /** When the call entered the layer, as a position in the log's sequence of events (records' beginnings and ends, notes). */
  readonly began: number;
  /** When the call returned (its Promise settled), in the same sequence; undefined while pending. */
  ended?: number;
  /** The log's clock time when the call entered the layer, with a clock. */
  readonly time?: number;
  /** The log's clock time when it returned, with a clock. */
  endTime?: number;
  /** The layer's index in its protocol chain (0 = called first), when the tracer knows it. */
  readonly position?: number;
}

/** A remark a layer added to the log (a fault injector's "latency 30000 ms", …). */
export interface TraceNote {
  /** Its position in the log's sequence of events. */
  readonly at: number;
  /** The name of the layer that wrote it. */
  readonly layer: string;
  /** What it says. */
  readonly text: string;
  /** The log's clock time, with a clock. */
  readonly time?: number;
  /** The writing layer's index in its protocol chain, when known. */
  readonly position?: number;
}

/** Where a record or note comes from in the chain, for `begin` and `note`. */
export interface TracePlace {
  /** The `lpErrno` cell the call carries (links the records of one call across layers). */
  errno?: object;
  /** The layer's index in its protocol chain (0 = called first). */
  position?: number;
}

/** How a trace log is made. */
export interface TraceLogOptions {
  /** A clock to time records and notes with (`time`, `endTime`); e.g. a SimNetwork's `network.clock`. */
  clock?: LayerClock;
}

/** The calls whose fourth argument is `lpNumberOfBytesSent` / `lpNumberOfBytesRecvd`. */
const BYTE_COUNT_CALLS = new Set<WspProcName>(['lpWSPSend', 'lpWSPSendTo', 'lpWSPRecv', 'lpWSPRecvFrom']);

function isWsabuf(value: object): value is { len: number; buf: Uint8Array } {
  return 'buf' in value && (value as { buf: unknown }).buf instanceof Uint8Array && 'len' in value;
}

/**
 * The log of one or more tracer layers.
 *
 * @example
 * const log = new TraceLog();
 * // … layers created with createTracerLayer({ name: 'A', log }) …
 * expect(log.calls()).toEqual(['A WSPSocket', 'A WSPConnect']);
 */
export class TraceLog {
  /** The calls recorded, one per layer they passed, in the order they began. */
  readonly records: TraceRecord[] = [];
  /** Notes layers added, in order. */
  readonly notes: TraceNote[] = [];
  /**
   * The layers that write to this log, by name, with their chain position when known — declared
   * when they start (`declare`), and kept by `clear`, so a diagram of a part of a run still shows
   * every layer.
   */
  readonly layers = new Map<
    string,
    {
      /** Its index in its protocol chain (0 = called first), when known. */
      position?: number;
      /** True for a layer that records calls (a tracer), false for one that only writes notes. */
      traces: boolean;
    }
  >();
  private readonly handleNames = new Map<string, Map<SOCKET, number>>();
  /** The records of calls in progress, by the `lpErrno` cell they carry: innermost last. */
  private readonly open = new WeakMap<object, TraceRecord[]>();
  private events = 0;
  private readonly clock: LayerClock | undefined;

  constructor(options: TraceLogOptions = {}) {
    this.clock = options.clock;
  }

  /**
   * Appends the record of a call entering `layer`: one of the 30 WSP functions or an extension
   * function. `place.errno` — the call's `lpErrno` cell — links the record to the same call's
   * record in a traced layer above; `place.position` orders the layers in diagrams.
   */
  begin(layer: string, name: TracedCallName, args: readonly unknown[], place: TracePlace = {}): TraceRecord {
    const { errno, position } = place;
    const call = isExtensionFunctionName(name) ? name : name.slice(2);
    const { sockets } = shapeOf(name);
    const shown = args.map((arg, i) => this.format(layer, arg, sockets.includes(i)));
    const stack = errno ? this.open.get(errno) : undefined;
    const parent = stack?.at(-1);
    const record: TraceRecord = {
      seq: this.records.length,
      layer,
      call,
      args,
      text: `${call}(${shown.join(', ')})`,
      done: false,
      began: this.events++,
      ...(parent ? { parent: parent.seq } : {}),
      ...(this.clock ? { time: this.clock.now() } : {}),
      ...(position !== undefined ? { position } : {}),
    };
    this.records.push(record);
    if (errno) {
      if (stack) stack.push(record);
      else this.open.set(errno, [record]);
      this.openBy.set(record, errno);
    }
    return record;
  }

  /**
   * Adds a note from `layer` (a fault injector's account of what it did, a network's packet …) at
   * this point of the log; `place.time` gives its time when the writer knows it better than the
   * log's clock.
   */
  note(layer: string, text: string, place: Pick<TracePlace, 'position'> & { time?: number } = {}): void {
    const time = place.time ?? this.clock?.now();
    this.notes.push({
      at: this.events++,
      layer,
      text,
      ...(time !== undefined ? { time } : {}),
      ...(place.position !== undefined ? { position: place.position } : {}),
    });
  }

  /**
   * Names a layer that writes to this log, at `position` in its chain: one that records every call
   * passing through it (`traces`, a tracer), or one that only writes notes (a fault injector).
   * Tracers and fault injectors do it when they start.
   */
  declare(layer: string, position?: number, traces = true): void {
    const known = this.layers.get(layer)?.position;
    const least = known === undefined ? position : position === undefined ? known : Math.min(known, position);
    this.layers.set(layer, { ...(least !== undefined ? { position: least } : {}), traces });
  }

  /** The `lpErrno` each open record was begun with, so that `end` can close it. */
  private readonly openBy = new WeakMap<TraceRecord, object>();

  private close(record: TraceRecord): void {
    record.ended = this.events++;
    if (this.clock) record.endTime = this.clock.now();
    const errno = this.openBy.get(record);
    if (!errno) return;
    const stack = this.open.get(errno);
    const index = stack?.lastIndexOf(record) ?? -1;
    if (stack && index >= 0) stack.splice(index, 1);
    if (stack?.length === 0) this.open.delete(errno);
  }

  /** Completes a record with the call's result and, for a failure, its `lpErrno`. */
  end(record: TraceRecord, name: TracedCallName, result: unknown, errno: number | undefined): void {
    this.close(record);
    record.done = true;
    record.result = result;
    const failed = result === shapeOf(name).failure;
    if (failed && errno) record.error = errno;
    const count = record.args[3] as { value?: unknown } | null | undefined;
    if (!failed && BYTE_COUNT_CALLS.has(name as WspProcName) && typeof count?.value === 'number')
      record.transferred = count.value;
  }

  /** Completes a record whose call threw. */
  threw(record: TraceRecord, thrown: unknown): void {
    this.close(record);
    record.done = true;
    record.thrown = thrown;
  }

  /** Forgets every record, note and handle number (not the declared layers). */
  clear(): void {
    this.records.length = 0;
    this.notes.length = 0;
    this.handleNames.clear();
    this.events = 0;
  }

  /** `"<layer> <call>"` for every record, in order: the shape of a trace without arguments. */
  calls(): string[] {
    return this.records.map((record) => `${record.layer} ${record.call}`);
  }

  /** Every record as one line: `"<layer> <call>(<args>) = <result> [<error>]"`. */
  lines(): string[] {
    return this.records.map((record) => this.line(record));
  }

  /** One record as a line. */
  line(record: TraceRecord): string {
    const head = `${record.layer} ${record.text}`;
    if (!record.done) return `${head} pending`;
    return `${head} ${this.outcome(record)}`;
  }

  /**
   * What a completed call returned, as the lines show it: `= 0 (5 bytes)`, `= SOCKET_ERROR
   * [WSAENOPROTOOPT]`, `= #2`, `threw …`; `pending` while it runs.
   */
  outcome(record: TraceRecord): string {
    if (!record.done) return 'pending';
    if (record.thrown !== undefined)
      return `threw ${String((record.thrown as Error)?.message ?? record.thrown)}`;
    const name = nameOf(record.call);
    const shape = shapeOf(name);
    const failed = record.result === shape.failure;
    let result: string;
    if (failed)
      result =
        typeof shape.failure === 'boolean'
          ? 'FALSE'
          : shape.returnsSocket
            ? 'INVALID_SOCKET'
            : 'SOCKET_ERROR';
    else if (shape.returnsSocket) result = this.socketName(record.layer, record.result as SOCKET);
    else result = this.format(record.layer, record.result, false);
    if (record.error) return `= ${result} [${wsaErrorName(record.error)}]`;
    return record.transferred === undefined ? `= ${result}` : `= ${result} (${record.transferred} bytes)`;
  }

  private socketName(layer: string, s: SOCKET): string {
    let names = this.handleNames.get(layer);
    if (!names) {
      names = new Map();
      this.handleNames.set(layer, names);
    }
    let n = names.get(s);
    if (n === undefined) {
      n = names.size + 1;
      names.set(s, n);
    }
    return `#${n}`;
  }

  private format(layer: string, value: unknown, isSocket: boolean): string {
    if (value === null || value === undefined) return 'NULL';
    if (typeof value === 'number') return isSocket ? this.socketName(layer, value) : String(value);
    if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
    if (typeof value === 'string') return JSON.stringify(value);
    if (typeof value === 'function') return 'fn';
    if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
    if (Array.isArray(value)) return `[${value.map((v) => this.format(layer, v, false)).join(', ')}]`;
    if (typeof value !== 'object') return String(value);
    if (isWsabuf(value)) return `<${value.len} bytes>`;
    if ('fd_array' in value && Array.isArray(value.fd_array)) {
      return `{${(value.fd_array as SOCKET[]).map((s) => this.socketName(layer, s)).join(', ')}}`;
    }
    if ('sa_family' in value) {
      const address = value as { sa_family: number; sin_addr?: string; sin6_addr?: string };
      return `sockaddr(${address.sa_family}${(address.sin_addr ?? address.sin6_addr) ? ` ${address.sin_addr ?? address.sin6_addr}` : ''})`;
    }
    if ('ProtocolChain' in value && 'dwCatalogEntryId' in value)
      return `{entry ${String(value.dwCatalogEntryId)}}`;
    if ('tv_sec' in value && 'tv_usec' in value)
      return `{${String(value.tv_sec)}s ${String(value.tv_usec)}us}`;
    if ('l_onoff' in value && 'l_linger' in value)
      return `{linger ${String(value.l_onoff)}, ${String(value.l_linger)}}`;
    if ('ThreadHandle' in value) return '{thread}';
    if ('Internal' in value && 'InternalHigh' in value) return '{overlapped}';
    if ('post' in value) return 'hwnd';
    if ('signalled' in value) return 'event';
    if ('lNetworkEvents' in value) return '{events}';
    if ('value' in value) return `&${this.format(layer, value.value, isSocket)}`;
    return '{…}';
  }
}
