/**
 * A `TraceLog` as a sequence of messages between participants — the application, each layer, and
 * the provider below them all — the model the Mermaid and terminal diagrams draw
 * (`traceToMermaid`, `traceToText`).
 *
 * Each call goes down: from the application (or, for a call a layer made itself, from the layer
 * above the first one that saw it) to the first traced layer, from layer to layer (the records of
 * one call are linked by its `lpErrno`), and from the lowest layer that saw it to the provider —
 * through the untraced layers that wrote notes (a fault injector), which sit between by their
 * chain position. The result comes back the same way when the call returns. A call that a traced
 * layer below never saw stopped above it: at the lowest untraced participant on the way, which
 * answered it. Notes of the network (`logNetworkEvents`) go on a last participant, the wire.
 * Messages are in the order things happened in the log (`began`, `ended`, `at`).
 * @module
 */

import type { TraceLog, TraceRecord } from './trace-log';

/** How a diagram is drawn. */
export interface SequenceDiagramOptions {
  /** The caller on top (default `'Application'`). */
  application?: string;
  /** What lies below the lowest layer (default `'Provider'`): e.g. `'MSAFD Tcpip'`, `'ISO TP'`. */
  provider?: string;
  /**
   * The name under which the network's own events are noted in the log (default `'Network'`; see
   * `logNetworkEvents` for a SimNetwork): drawn as the last participant, below the provider — the
   * wire the calls end on.
   */
  network?: string;
  /** The layers, top to bottom (default: by chain position, then by first appearance). */
  participants?: readonly string[];
  /** Only the calls whose first record passes (default: all). */
  filter?: (record: TraceRecord) => boolean;
  /** Prefix messages with the log's clock time, `[30000 ms]` (a log made with a clock). */
  times?: boolean;
}

/** One message of the diagram; participants are indexes into `SequenceModel.participants`. */
export type SequenceStep =
  | {
      /** A call going down the chain, or its result coming back. */
      readonly kind: 'call' | 'return';
      /** The participant it leaves. */
      readonly from: number;
      /** The participant it reaches. */
      readonly to: number;
      /** The call with its arguments, or the result (`= 0`, `= SOCKET_ERROR [WSAE…]`). */
      readonly text: string;
    }
  | {
      /** A note a layer (or the network) wrote. */
      readonly kind: 'note';
      /** The participant it is written over. */
      readonly over: number;
      /** What it says. */
      readonly text: string;
    };

/** The participants (application first, provider last) and the messages between them, in order. */
export interface SequenceModel {
  /** The application, each layer top to bottom, the provider, and the network when it wrote notes. */
  readonly participants: readonly string[];
  /** The messages, in the order they happened. */
  readonly steps: readonly SequenceStep[];
}

interface Timed {
  /** Event index in the log, then a phase (arrivals before what follows them), then generation order. */
  readonly key: [number, number, number];
  readonly step: SequenceStep;
}

function timePrefix(time: number | undefined, options: SequenceDiagramOptions): string {
  return options.times && time !== undefined ? `[${Math.round(time * 1000) / 1000} ms] ` : '';
}

/**
 * The sequence of messages a trace log shows (see the module comment).
 *
 * @example
 * const { participants, steps } = traceSequence(log, { provider: 'MSAFD Tcpip' });
 */
export function traceSequence(log: TraceLog, options: SequenceDiagramOptions = {}): SequenceModel {
  const records = log.records;
  const notes = log.notes;
  // ── participants ──
  const firstSeen = new Map<string, number>();
  const position = new Map<string, number>();
  const see = (layer: string, at: number, pos: number | undefined) => {
    if (!firstSeen.has(layer)) firstSeen.set(layer, at);
    if (pos !== undefined) position.set(layer, Math.min(position.get(layer) ?? pos, pos));
  };
  let declared = -log.layers.size;
  for (const [layer, { position: pos }] of log.layers) see(layer, declared++, pos);
  for (const r of records) see(r.layer, r.began, r.position);
  for (const n of notes) see(n.layer, n.at, n.position);
  const network = options.network ?? 'Network';
  const hasNetwork = firstSeen.has(network);
  firstSeen.delete(network);
  let layers = [...firstSeen.keys()].sort(
    (a, b) =>
      (position.get(a) ?? Number.POSITIVE_INFINITY) - (position.get(b) ?? Number.POSITIVE_INFINITY) ||
      (firstSeen.get(a) ?? 0) - (firstSeen.get(b) ?? 0),
  );
  if (options.participants) {
    const given = options.participants;
    layers = [...given, ...layers.filter((layer) => !given.includes(layer))];
  }
  const participants = [
    options.application ?? 'Application',
    ...layers,
    options.provider ?? 'Provider',
    ...(hasNetwork ? [network] : []),
  ];
  const index = new Map(layers.map((layer, i) => [layer, i + 1]));
  const providerIndex = layers.length + 1;
  if (hasNetwork) index.set(network, providerIndex + 1);
  const traced = new Set(records.map((r) => r.layer));
  for (const [layer, { traces }] of log.layers) if (traces) traced.add(layer);
  const isTraced = (i: number) => i > 0 && i < providerIndex && traced.has(participants[i]!);

  // ── messages ──
  const timed: Timed[] = [];
  let generated = 0;
  const emit = (at: number, phase: number, step: SequenceStep) =>
    timed.push({ key: [at, phase, generated++], step });
  const hops = (
    from: number,
    to: number,
    kind: 'call' | 'return',
    text: string,
    at: number,
    phase: number,
  ) => {
    const step = from < to ? 1 : -1;
    for (let i = from; i !== to; i += step) emit(at, phase, { kind, from: i, to: i + step, text });
  };
  const children = new Map<number, TraceRecord[]>();
  for (const r of records) {
    if (r.parent === undefined) continue;
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  /** Where a call that left layer `i` and reached no traced layer below ends: the provider, or the last untraced participant above the next traced layer. */
  const stopBelow = (i: number): number => {
    let j = i + 1;
    while (j < providerIndex && !isTraced(j)) j++;
    if (j === providerIndex) return providerIndex;
    return j - 1;
  };
  const include = (root: TraceRecord) => options.filter?.(root) ?? true;
  const outcomeOf = (record: TraceRecord) => timePrefix(record.endTime, options) + log.outcome(record);
  /**
   * One record and, below it, the records of the same call. `caller` is the participant the call
   * came from; when `fromRecord` is there, the hop out of it was drawn by its own visit.
   */
  const visit = (record: TraceRecord, caller: number, fromRecord: TraceRecord | undefined) => {
    const at = index.get(record.layer) as number;
    const text = timePrefix(record.time, options) + record.text;
    const gap = caller + 1 < at;
    if (fromRecord && gap) hops(caller + 1, at, 'call', text, record.began, 0);
    else emit(record.began, 0, { kind: 'call', from: caller, to: at, text });
    const below = children.get(record.seq) ?? [];
    if (below.length === 0) {
      const end = stopBelow(at);
      if (end > at) {
        hops(at, end, 'call', text, record.began, 1);
        if (record.ended !== undefined) hops(end, at, 'return', outcomeOf(record), record.ended, 0);
      }
    } else {
      // An untraced participant right below (a fault injector) takes the call first and hands the
      // answer back last; the traced layers below draw their own part.
      const untracedBelow = at + 1 < providerIndex && !isTraced(at + 1);
      if (untracedBelow) emit(record.began, 1, { kind: 'call', from: at, to: at + 1, text });
      for (const child of below) visit(child, at, record);
      if (untracedBelow && record.ended !== undefined)
        emit(record.ended, 0, { kind: 'return', from: at + 1, to: at, text: outcomeOf(record) });
    }
    if (record.ended === undefined) return;
    hops(at, fromRecord && gap ? caller + 1 : caller, 'return', outcomeOf(record), record.ended, 2);
  };
  for (const record of records) {
    if (record.parent !== undefined || !include(record)) continue;
    const at = index.get(record.layer) as number;
    visit(record, at - 1, undefined);
  }
  for (const note of notes) {
    emit(note.at, 0, {
      kind: 'note',
      over: index.get(note.layer) as number,
      text: timePrefix(note.time, options) + note.text,
    });
  }
  timed.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2]);
  return { participants, steps: timed.map((t) => t.step) };
}
