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
}

/** The calls whose fourth argument is `lpNumberOfBytesSent` / `lpNumberOfBytesRecvd`. */
const BYTE_COUNT_CALLS = new Set<WspProcName>(['lpWSPSend', 'lpWSPSendTo', 'lpWSPRecv', 'lpWSPRecvFrom']);

function isWsabuf(value: object): value is { len: number; buf: Uint8Array } {
  return 'buf' in value && (value as { buf: unknown }).buf instanceof Uint8Array && 'len' in value;
}

/** The log of one or more tracer layers. */
export class TraceLog {
  readonly records: TraceRecord[] = [];
  private readonly handleNames = new Map<string, Map<SOCKET, number>>();

  /** Appends the record of a call entering `layer`. */
  begin(layer: string, name: TracedCallName, args: readonly unknown[]): TraceRecord {
    const call = isExtensionFunctionName(name) ? name : name.slice(2);
    const { sockets } = shapeOf(name);
    const shown = args.map((arg, i) => this.format(layer, arg, sockets.includes(i)));
    const record: TraceRecord = {
      seq: this.records.length,
      layer,
      call,
      args,
      text: `${call}(${shown.join(', ')})`,
      done: false,
    };
    this.records.push(record);
    return record;
  }

  /** Completes a record with the call's result and, for a failure, its `lpErrno`. */
  end(record: TraceRecord, name: TracedCallName, result: unknown, errno: number | undefined): void {
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
    record.done = true;
    record.thrown = thrown;
  }

  /** Forgets every record and handle number. */
  clear(): void {
    this.records.length = 0;
    this.handleNames.clear();
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
    if (record.thrown !== undefined)
      return `${head} threw ${String((record.thrown as Error)?.message ?? record.thrown)}`;
    const shape = shapeOf(nameOf(record.call));
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
    if (record.error) return `${head} = ${result} [${wsaErrorName(record.error)}]`;
    return record.transferred === undefined
      ? `${head} = ${result}`
      : `${head} = ${result} (${record.transferred} bytes)`;
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
    if ('post' in value) return 'hwnd';
    if ('signalled' in value) return 'event';
    if ('lNetworkEvents' in value) return '{events}';
    if ('value' in value) return `&${this.format(layer, value.value, isSocket)}`;
    return '{…}';
  }
}
