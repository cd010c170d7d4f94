/**
 * A trace log as a Mermaid sequence diagram (`sequenceDiagram`), for docs, pull requests and
 * anything else that renders Mermaid: the application, each layer and the provider as
 * participants, each call going down the chain (`->>`) and its result coming back (`-->>`), and the
 * notes layers wrote (`Note over`). The text is deterministic — the log numbers sockets and leaves
 * out ports — so a test can compare a whole diagram.
 * @module
 */

import type { TraceLog } from './trace-log';
import { type SequenceDiagramOptions, traceSequence } from './trace-sequence';

/**
 * Mermaid's entity codes for the characters its message syntax reserves: `;` ends a statement and
 * `#…;` is an entity, so `;` is written `#59;` (after which no `#` can start one).
 */
function mermaidText(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/;/g, '#59;');
}

/**
 * The Mermaid text of `log`'s sequence diagram (see `traceSequence` for what is drawn).
 *
 * @example
 * const log = new TraceLog();
 * // … a test through tracers A and B …
 * console.log(traceToMermaid(log, { provider: 'MSAFD Tcpip' }));
 * // sequenceDiagram
 * //     participant P0 as Application
 * //     participant P1 as A
 * //     …
 * //     P0->>P1: WSPSocket(2, 1, 6, {entry 1005}, 0, 1)
 */
export function traceToMermaid(log: TraceLog, options: SequenceDiagramOptions = {}): string {
  const { participants, steps } = traceSequence(log, options);
  const id = (i: number) => `P${i}`;
  const lines = ['sequenceDiagram'];
  participants.forEach((name, i) => {
    lines.push(`    participant ${id(i)} as ${mermaidText(name)}`);
  });
  for (const step of steps) {
    if (step.kind === 'note') lines.push(`    Note over ${id(step.over)}: ${mermaidText(step.text)}`);
    else
      lines.push(
        `    ${id(step.from)}${step.kind === 'call' ? '->>' : '-->>'}${id(step.to)}: ${mermaidText(step.text)}`,
      );
  }
  return `${lines.join('\n')}\n`;
}
