/**
 * A trace log as a sequence diagram for the terminal: one column per participant (the application,
 * each layer, the provider), one line per message — an arrow from column to column with the call or
 * its result written after the last column — and the notes layers wrote. Plain text, box-drawing
 * characters by default or pure ASCII; deterministic, so a test can compare it whole.
 *
 * ```
 * Application    A        faults      B       Provider
 *      │─────────▶│          │          │          │     WSPSend(#1, [<5 bytes>], 1, &0, 0, NULL, NULL, {thread})
 *      │          │─────────▶│          │          │     WSPSend(#1, [<5 bytes>], 1, &0, 0, NULL, NULL, {thread})
 *      │          │          ◆          │          │     faults: latency WSPSend (latency_outbound) 5 bytes until 30000 ms
 *      │          │◀╌╌╌╌╌╌╌╌╌│          │          │     = 0 (5 bytes)
 * ```
 * @module
 */

import type { TraceLog } from './trace-log';
import { type SequenceDiagramOptions, traceSequence } from './trace-sequence';

/** How the terminal diagram is drawn, besides what every diagram takes. */
export interface TextDiagramOptions extends SequenceDiagramOptions {
  /** Pure ASCII (`|`, `-->`, `<..`, `*`) instead of box-drawing characters. */
  ascii?: boolean;
  /** Width of each participant's column (default: the longest name plus 3, at least 10). */
  columnWidth?: number;
  /** Cut messages to this many characters (default: no limit). */
  maxMessage?: number;
}

const GLYPHS = {
  unicode: { line: '│', call: '─', back: '╌', right: '▶', left: '◀', note: '◆' },
  ascii: { line: '|', call: '-', back: '.', right: '>', left: '<', note: '*' },
} as const;

/**
 * The terminal text of `log`'s sequence diagram (see `traceSequence` for what is drawn).
 *
 * @example
 * process.stdout.write(traceToText(log, { provider: 'MSAFD Tcpip' }));
 */
export function traceToText(log: TraceLog, options: TextDiagramOptions = {}): string {
  const { participants, steps } = traceSequence(log, options);
  const glyph = options.ascii ? GLYPHS.ascii : GLYPHS.unicode;
  const width = Math.max(
    options.columnWidth ?? Math.max(10, ...participants.map((name) => name.length + 3)),
    4,
  );
  const centre = (i: number) => i * width + Math.floor(width / 2);
  const cut = (text: string) =>
    options.maxMessage !== undefined && text.length > options.maxMessage
      ? `${text.slice(0, Math.max(0, options.maxMessage - 1))}…`
      : text;
  const blank = (): string[] => {
    const row = new Array<string>(participants.length * width).fill(' ');
    for (let i = 0; i < participants.length; i++) row[centre(i)] = glyph.line;
    return row;
  };
  const header = new Array<string>(participants.length * width).fill(' ');
  participants.forEach((name, i) => {
    const shown = name.length > width - 1 ? name.slice(0, width - 1) : name;
    const start = Math.max(i * width, centre(i) - Math.floor(shown.length / 2));
    for (let k = 0; k < shown.length; k++) header[start + k] = shown[k]!;
  });
  const lines = [header.join('').trimEnd(), blank().join('').trimEnd()];
  for (const step of steps) {
    const row = blank();
    let message: string;
    if (step.kind === 'note') {
      row[centre(step.over)] = glyph.note;
      message = `${participants[step.over]}: ${step.text}`;
    } else {
      const fill = step.kind === 'call' ? glyph.call : glyph.back;
      const [low, high] = step.from < step.to ? [step.from, step.to] : [step.to, step.from];
      for (let x = centre(low) + 1; x < centre(high); x++) row[x] = fill;
      if (step.from < step.to) row[centre(high) - 1] = glyph.right;
      else row[centre(low) + 1] = glyph.left;
      message = step.text;
    }
    lines.push(`${row.join('')}  ${cut(message)}`.trimEnd());
  }
  return `${lines.join('\n')}\n`;
}
