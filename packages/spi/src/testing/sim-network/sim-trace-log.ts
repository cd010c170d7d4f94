/**
 * The network in a trace log: a `SimNetworkOptions.trace` that notes every packet the network
 * delivers (`client → server data 5 bytes`, `SYN`, `FIN` …) in a `TraceLog`, at the packet's
 * virtual time. The log's sequence diagrams then draw the wire below the provider, so a call can be
 * followed from the application down the chain and onto the network.
 * @module
 */

import type { TraceLog } from '../../lsp/trace-log';
import type { SimTraceEntry } from './sim-scheduler';

/**
 * A `trace` callback for `new SimNetwork({ trace })` that notes packets in `log` under `name`
 * (default `'Network'`, the name the diagrams put below the provider). Timers and callbacks the
 * network runs are left out: only what travels between hosts.
 *
 * @example
 * const log = new TraceLog();
 * const network = new SimNetwork({ timing: 'virtual', trace: logNetworkEvents(log) });
 * // … traced layers write to `log` …
 * console.log(traceToText(log));   // … with a "Network" column at the right
 */
export function logNetworkEvents(log: TraceLog, name = 'Network'): (entry: SimTraceEntry) => void {
  return (entry) => {
    if (entry.label.includes(' → ')) log.note(name, entry.label, { time: entry.time });
  };
}
