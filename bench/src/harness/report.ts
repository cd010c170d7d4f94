/**
 * The table `pnpm bench` prints, and the JSON document of `--json`.
 * @module
 */

import { describeTarget, type Figure, meets, type Quantity } from './figure';
import { type Summary, summarize } from './statistics';

/** The result of one figure as the runner collects it from the figure's process. */
export interface FigureResult {
  id: string;
  title: string;
  family: string;
  target: Figure['target'];
  display: NonNullable<Figure['display']>;
  /** Absent when the figure failed. */
  ratios?: number[];
  baseline?: Quantity;
  variant?: Quantity;
  note?: string;
  /** Why the figure could not be measured. */
  error?: string;
  /** Wall-clock seconds the figure's process took. */
  seconds: number;
}

/** A result with its statistics and verdict. */
export interface JudgedResult extends FigureResult {
  summary?: Summary;
  met?: boolean;
}

/** Adds statistics and the verdict. */
export function judge(result: FigureResult): JudgedResult {
  if (!result.ratios || result.ratios.length === 0) return result;
  const summary = summarize(result.ratios);
  return { ...result, summary, met: meets(result.target, summary.median) };
}

function formatValue(value: number, display: FigureResult['display']): string {
  if (display === 'check') return value === 0 ? 'none' : 'yes';
  return `${value.toFixed(2)}×`;
}

function formatQuantity(q: Quantity | undefined): string {
  if (!q) return '';
  const v = q.value;
  const text = v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
  return `${text} ${q.unit}`;
}

/** The table as text lines. */
export function formatTable(results: readonly JudgedResult[]): string[] {
  const lines: string[] = [];
  const header = ['figure', 'median', 'spread (p25–p75)', 'target', 'verdict', 'baseline → ws2spi (medians)'];
  const rows = results.map((r) => {
    if (!r.summary)
      return [r.title, 'failed', '', describeTarget(r.target, r.display), 'not met', r.error ?? ''];
    const spread =
      r.display === 'check'
        ? ''
        : `${r.summary.p25.toFixed(2)}–${r.summary.p75.toFixed(2)} (n=${r.summary.count})`;
    return [
      r.title,
      formatValue(r.summary.median, r.display),
      spread,
      describeTarget(r.target, r.display),
      r.target.kind === 'reference' ? '—' : r.met ? 'met' : 'NOT MET',
      r.baseline && r.variant ? `${formatQuantity(r.baseline)} → ${formatQuantity(r.variant)}` : '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  lines.push(line(header));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) lines.push(line(row));
  const notes = results.filter((r) => r.note);
  if (notes.length > 0) {
    lines.push('');
    for (const r of notes) lines.push(`- ${r.id}: ${r.note}`);
  }
  return lines;
}

/** The table as Markdown (`--markdown`), for docs/benchmarks.md. */
export function formatMarkdown(results: readonly JudgedResult[]): string[] {
  const lines = [
    '| figure | median | spread (p25–p75) | target | verdict | baseline → ws2spi (medians) |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const id = `\`${r.id}\``;
    if (!r.summary) {
      lines.push(`| ${id} | failed | | ${describeTarget(r.target, r.display)} | not met | |`);
      continue;
    }
    const spread =
      r.display === 'check'
        ? ''
        : `${r.summary.p25.toFixed(2)}–${r.summary.p75.toFixed(2)} (n=${r.summary.count})`;
    const verdict = r.target.kind === 'reference' ? '—' : r.met ? 'met' : '**not met**';
    const detail =
      r.baseline && r.variant ? `${formatQuantity(r.baseline)} → ${formatQuantity(r.variant)}` : '';
    lines.push(
      `| ${id} | ${formatValue(r.summary.median, r.display)} | ${spread} | ${describeTarget(r.target, r.display)} | ${verdict} | ${detail} |`,
    );
  }
  return lines;
}
